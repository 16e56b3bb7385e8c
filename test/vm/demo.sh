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

# ---- the packet hook: the port/protocol blocker, native and its eBPF twin
IP=/usr/bin/ip	# iproute2 (busybox's ip has no netns)
udp_seen() { # datagrams that reached namespace B's UDP stack (no listener: NoPorts)
	$IP netns exec B awk '/^Udp:/ { if (h) print $4 + $3; h = 1 }' /proc/net/snmp
}
send_udp() { # <port> <count>: datagrams from namespace A to B
	local i
	for ((i = 0; i < $2; i++)); do
		$IP netns exec A bash -c "echo ping >/dev/udp/10.9.0.2/$1"
	done
}
show_udp() { # <port>
	local before after
	before=$(udp_seen)
	send_udp "$1" 3
	sleep 0.2
	after=$(udp_seen)
	echo "# (3 UDP datagrams from A to B port $1: $((after - before)) reached B's stack)"
}
echo "# (two network namespaces A and B joined by a veth pair va <-> vb)"
$IP netns add A
$IP netns add B
$IP link add va netns A type veth peer name vb netns B
$IP -n A addr add 10.9.0.1/24 dev va
$IP -n B addr add 10.9.0.2/24 dev vb
$IP -n A link set va up
$IP -n B link set vb up
$IP netns exec A ping -c 1 -W 2 10.9.0.2 >/dev/null
echo
run $IP netns exec B extctl load examples/xdp_blocker.o --xdp vb
run examples/xdp_blocker_user add_rule 5353 udp
show_udp 5353
show_udp 5354
echo
run $IP netns exec B extctl list
run extctl map dump blocked_rules
run extctl unload xdp_blocker
show_udp 5353
echo
run examples/ebpf/xdp_blocker_ebpf attach vb --netns B
run examples/ebpf/xdp_blocker_ebpf add_rule 5353 udp
show_udp 5353
show_udp 5354
echo
run examples/ebpf/xdp_blocker_ebpf detach vb --netns B
$IP netns del A
$IP netns del B

# ---- the runtime: what replaces the verifier
run extctl load examples/runaway.o --prog runaway --budget-ms 5 --max-aborts 20 --abort-window-ms 10000
echo "# (start bash 5 times: bash calls getppid() at start, a few times, and each call runs the loop)"
for i in 1 2 3 4 5; do bash -c true; done
echo
run extctl list
echo "# (20 more: the circuit breaker detaches the program)"
for i in $(seq 20); do bash -c true; done
sleep 0.2
echo
run extctl list
echo "# dmesg | grep 'circuit breaker'"
dmesg | grep 'circuit breaker' | sed 's/^\[[ 0-9.]*\] //'
echo
run extctl unload runaway
echo "# the eBPF verifier refuses what innerext runs (tests check the native results):"
run examples/ebpf/verifier_check examples/ebpf/loop_million.bpf.o examples/ebpf/big_stack.bpf.o \
	examples/ebpf/recursion.bpf.o examples/ebpf/large_program.bpf.o examples/ebpf/runaway.bpf.o \
	examples/ebpf/deep_recursion.bpf.o
run rmmod innerext
echo "# dmesg | grep innerext"
dmesg | grep -i innerext | grep -v 'ommand line:' || true
