#!/bin/bash
# In the bench VM: every benchmark, one after the other.
cd "$(dirname "$0")/.."
echo "# runtime: cost per invocation of an empty kprobe program (getppid loop)"
bash bench/runtime_bench.sh | sed 's/^BENCH-JSON /BENCH-JSON runtime /'
