#!/bin/sh
# /init of the innerext test initramfs (built by mkinitramfs.sh; runs as PID 1 under busybox ash,
# so this file is POSIX sh, and deliberately not `set -e`: PID 1 must never exit).
#
# Kernel command line (read from /proc/cmdline):
#   innerext.mode=check|demo|shell  check/demo: run the script, report, power off.
#                                   shell: run the script (if any), then a shell on the console
#                                   (ttyS0); power off when it exits.
#   innerext.script=PATH            script to run, relative to /innerext (or absolute).
#   innerext.timeout=SECONDS        in-guest time limit for the script (0 = none).
#
# Channels: ttyS0 (console) carries kernel messages and init's own progress lines; ttyS1 is the
# RESULT channel: the script's stdout+stderr, then a last line `INNEREXT-GUEST-DONE rc=<rc>`
# (rc 124 = the script hit the in-guest time limit).  The script runs in /innerext with
# INNEREXT_MODE and INNEREXT_KVER in its environment, in its own session, stdin /dev/null.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
TERM=linux
export PATH HOME TERM

log() { echo "init: $*" >/dev/console 2>/dev/null; }

fs_supported() { grep -qw "$1" /proc/filesystems 2>/dev/null; }

mount_fs() { # <type> <dir> [options]
	mkdir -p "$2"
	grep -q "^[^ ]* $2 " /proc/mounts 2>/dev/null && return 0
	mount -t "$1" ${3:+-o "$3"} "$1" "$2" || log "cannot mount $1 on $2"
}

mount_fs proc /proc
mount_fs sysfs /sys
mount_fs devtmpfs /dev
mount_fs devpts /dev/pts
mount_fs tmpfs /dev/shm mode=1777
mount_fs tmpfs /tmp mode=1777
mount_fs tmpfs /run mode=0755
fs_supported debugfs && mount_fs debugfs /sys/kernel/debug
fs_supported tracefs && mount_fs tracefs /sys/kernel/tracing
fs_supported bpf && mount_fs bpf /sys/fs/bpf
fs_supported cgroup2 && mount_fs cgroup2 /sys/fs/cgroup
mkdir -p /run/netns /var
[ -e /var/run ] || ln -s /run /var/run
[ -e /etc/mtab ] || ln -s /proc/mounts /etc/mtab

KVER=$(uname -r)
hostname innerext-vm 2>/dev/null
ip link set lo up 2>/dev/null

# Kernel modules packed by mkinitramfs.sh (e.g. veth), in dependency order.
if [ -f /etc/innerext-modules ]; then
	while read -r ko; do
		[ -n "$ko" ] || continue
		insmod "$ko" 2>/dev/console || log "insmod $ko failed"
	done </etc/innerext-modules
fi

mode=check
script=
timeout=0
# shellcheck disable=SC2013 # the command line is one line of words
for arg in $(cat /proc/cmdline); do
	case $arg in
	innerext.mode=*) mode=${arg#*=} ;;
	innerext.script=*) script=${arg#*=} ;;
	innerext.timeout=*) timeout=${arg#*=} ;;
	esac
done
case $timeout in '' | *[!0-9]*) timeout=0 ;; esac
INNEREXT_MODE=$mode
INNEREXT_KVER=$KVER
export INNEREXT_MODE INNEREXT_KVER

# The result channel.  Raw mode: no \n -> \r\n translation, no echo.
RES=/dev/ttyS1
if [ -c "$RES" ] && stty -F "$RES" raw -echo 115200 2>/dev/null; then
	:
else
	log "no usable $RES, result goes to the console"
	RES=/dev/console
fi
exec 3>"$RES"

uptime_s() { cut -d' ' -f1 /proc/uptime; }

log "kernel $KVER up after $(uptime_s) s, mode=$mode script=${script:-none} timeout=${timeout}s"

rc=0
if [ -n "$script" ]; then
	case $script in
	/*) path=$script ;;
	*) path=/innerext/$script ;;
	esac
	if [ ! -f "$path" ]; then
		echo "init: script $path not found" >&3
		rc=127
	else
		if [ -x "$path" ]; then set -- "$path"; else set -- sh "$path"; fi
		cd /innerext 2>/dev/null || cd /
		rm -f /tmp/.innerext-timeout
		# Own session + process group, so a timeout can kill everything the script started.
		setsid "$@" </dev/null >&3 2>&3 3>&- &
		pid=$!
		wd=
		if [ "$timeout" -gt 0 ]; then
			(
				sleep "$timeout"
				: >/tmp/.innerext-timeout
				echo "init: script timed out after ${timeout} s, killing it" >"$RES"
				kill -TERM -"$pid" 2>/dev/null
				sleep 5
				kill -KILL -"$pid" 2>/dev/null
			) </dev/null >/dev/null 2>&1 3>&- &
			wd=$!
		fi
		wait "$pid"
		rc=$?
		if [ -n "$wd" ]; then
			kill "$wd" 2>/dev/null
			wait "$wd" 2>/dev/null
		fi
		[ -f /tmp/.innerext-timeout ] && rc=124
		# Leftover background processes of the script would hold the result channel open.
		kill -KILL -"$pid" 2>/dev/null
		cd /
	fi
	log "script finished with rc=$rc after $(uptime_s) s"
fi

if [ "$mode" = shell ]; then
	echo "INNEREXT-GUEST-SHELL rc=$rc" >&3
	log "script rc=$rc; starting a shell on the console (exit it to power off)"
	cons=$(sed "s/.* //" /sys/class/tty/console/active 2>/dev/null)
	setsid -c sh -l <"/dev/${cons:-console}" >"/dev/${cons:-console}" 2>&1
fi

# Final marker.  Closing the last fd of the tty waits until the UART has sent everything.
echo "INNEREXT-GUEST-DONE rc=$rc" >&3
exec 3>&-
sync
poweroff -f
sleep 2
echo o >/proc/sysrq-trigger
while :; do sleep 60; done
