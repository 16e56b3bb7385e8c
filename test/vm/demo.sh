#!/bin/bash
# The demo session, run inside the test VM from /innerext (see demo-host.sh / `make demo`).
# Each command is echoed like a shell prompt before it runs, so the output reads as a session.
set -Eeuo pipefail

cd "$(dirname "$0")/../.."
export PATH=$PWD/tools/extctl:$PATH

run() {
	echo "# $*"
	"$@"
	echo
}

on_error() {
	local rc=$?
	echo "demo: the last command failed (exit $rc); kernel log:"
	dmesg | grep -i innerext | grep -v 'ommand line:' | tail -n 20 || true
	rmmod innerext 2>/dev/null || true
	exit "$rc"
}
trap on_error ERR

echo "# uname -r"
uname -r
echo
run insmod innerext.ko
run extctl load examples/hello.o --tracepoint syscalls:sys_enter_dup
run extctl list
run examples/hello_trigger 3
run extctl trace -n 3 -t 5
run extctl list
run extctl load examples/hello.o --name hello_kp --kprobe __x64_sys_dup
run examples/hello_trigger 2
run extctl trace -n 4 -t 5
run extctl -j list
run extctl unload hello
run extctl unload hello_kp
run extctl list
run extctl load examples/map_test.o
run examples/hello_trigger 5
run extctl map list
run extctl map lookup syscall_count key 0x20 0 0 0
run extctl map update blocked key 53 value 1
run extctl map dump blocked
run extctl map dump invocations
run extctl load examples/ringbuf_events.o
echo "# (run /bin/true twice)"
/bin/true; /bin/true
echo
run extctl events events -n 2 -t 5
run extctl unload map_test
run extctl unload ringbuf_events
run rmmod innerext
echo "# dmesg | grep innerext"
dmesg | grep -i innerext | grep -v 'ommand line:' || true
