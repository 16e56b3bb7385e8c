// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime that replaces the verifier, for real, in the VM: runaway loops
 * stopped by the watchdog in each context (kprobe, tracepoint, packet hook,
 * a hard IRQ with interrupts off), runaway recursion stopped by the stack
 * check, #GP/#UD/#DE contained, locks released on abort, the circuit
 * breaker, and the load-time settings with their refusals.
 *
 * The programs are test/selftests/progs/rt_progs.c; they misbehave only for
 * the process named in their rt_cfg map, so the rest of the guest runs on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <innerext/libinnerext.h>
#include "kselftest_harness.h"
#include "selftest_util.h"
#include "progs/rt_progs.h"

#define RT_OBJ		"test/selftests/fixtures/rt_progs.o"
#define N_ABORTS	1000


FIXTURE(rt) {
	int dev;
	struct innerext_object *obj;
	const void *img;
	size_t img_size;
	int cfg_fd, lock_fd;
	int prog_fd;
	__u32 prog_id;
	struct ie_version base;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(rt)
{
	innerext_set_print(quiet_print);
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, innerext_get_version(self->dev, &self->base));
	self->obj = innerext_object__open(RT_OBJ);
	ASSERT_NE(NULL, self->obj);
	self->img = innerext_object__image(self->obj, &self->img_size);
	self->cfg_fd = map_create(self->dev, IE_MAP_ARRAY, 4, sizeof(struct rt_cfg), 1, "rt_cfg",
				  self->log);
	ASSERT_LE(0, self->cfg_fd) TH_LOG("%s", self->log);
	self->lock_fd = map_create(self->dev, IE_MAP_ARRAY, 4, sizeof(struct rt_lock_val), 1,
				   "rt_lock", self->log);
	ASSERT_LE(0, self->lock_fd) TH_LOG("%s", self->log);
	self->prog_fd = -1;
}

FIXTURE_TEARDOWN(rt)
{
	struct ie_version v;
	int i;

	if (self->prog_fd >= 0)
		close(self->prog_fd);
	close(self->cfg_fd);
	close(self->lock_fd);
	innerext_object__close(self->obj);
	st_write_str("/sys/devices/system/cpu/cpu1/online", "1");	/* after a failed hotplug test */
	/* everything a test made is gone, the arenas are back where they were */
	for (i = 0; i < 200; i++) {
		if (innerext_get_version(self->dev, &v) == 0 && v.nr_progs == self->base.nr_progs &&
		    v.nr_links == self->base.nr_links &&
		    v.text_arena_free == self->base.text_arena_free &&
		    v.data_arena_free == self->base.data_arena_free)
			break;
		usleep(10000);
	}
	EXPECT_EQ(self->base.nr_progs, v.nr_progs);
	EXPECT_EQ(self->base.nr_links, v.nr_links);
	EXPECT_EQ(self->base.text_arena_free, v.text_arena_free);
	EXPECT_EQ(self->base.data_arena_free, v.data_arena_free);
	close(self->dev);
}

/* Load rt_progs with these flags and runtime settings: prog fd or -errno. */
static int rt_load_f(FIXTURE_DATA(rt) *self, __u32 flags, __u32 budget_us, __u32 fail_action,
		     __u32 max_aborts, __u32 window_ms)
{
	__u32 fds[2];
	struct ie_prog_load a;
	int fd;

	struct innerext_map *m;
	int i = 0;

	/* one fd per map of the image, in the object's order */
	innerext_object__for_each_map(m, self->obj) {
		if (i == 2)
			return -EBADE;
		fds[i++] = strcmp(innerext_map__name(m), "rt_cfg") ? self->lock_fd : self->cfg_fd;
	}
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.image = (unsigned long)self->img;
	a.image_size = self->img_size;
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	self->log[0] = '\0';
	strcpy(a.name, "rt_progs");
	a.flags = flags;
	a.map_fds = (unsigned long)fds;
	a.nr_map_fds = 2;
	a.budget_us = budget_us;
	a.fail_action = fail_action;
	a.max_aborts = max_aborts;
	a.abort_window_ms = window_ms;
	fd = ioctl(self->dev, IE_IOC_PROG_LOAD, &a);
	if (fd < 0)
		return -errno;
	self->prog_fd = fd;
	self->prog_id = a.prog_id;
	return fd;
}

static int rt_load(FIXTURE_DATA(rt) *self, __u32 budget_us, __u32 fail_action, __u32 max_aborts,
		   __u32 window_ms)
{
	return rt_load_f(self, 0, budget_us, fail_action, max_aborts, window_ms);
}

static __u32 entry_of(FIXTURE_DATA(rt) *self, const char *name)
{
	struct innerext_program *p = innerext_object__find_program_by_name(self->obj, name);

	return p ? innerext_program__entry_index(p) : ~0u;
}

/* Attach entry @name: link fd or -errno. */
static int rt_attach(FIXTURE_DATA(rt) *self, const char *name, __u32 hook, const char *target,
		     __u32 flags, __u32 syscall_nr, __u32 ifindex)
{
	struct ie_link_create a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.prog_fd = self->prog_fd;
	a.entry = entry_of(self, name);
	a.hook = hook;
	a.flags = flags;
	a.syscall_nr = syscall_nr;
	a.ifindex = ifindex;
	if (target)
		snprintf(a.target, sizeof(a.target), "%s", target);
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	self->log[0] = '\0';
	fd = ioctl(self->dev, IE_IOC_LINK_CREATE, &a);
	return fd < 0 ? -errno : fd;
}

static void rt_target(FIXTURE_DATA(rt) *self, __u32 tgid, __u32 depth_limit)
{
	struct rt_cfg c = { .target_tgid = tgid, .depth_limit = depth_limit };
	__u32 k = 0;

	elem(self->cfg_fd, IE_IOC_MAP_UPDATE, &k, 4, &c, sizeof(c), NULL, IE_ANY);
}

static void rt_info(FIXTURE_DATA(rt) *self, struct ie_prog_info *info)
{
	memset(info, 0, sizeof(*info));
	innerext_prog_get_info_by_id(self->dev, self->prog_id, info);
}

static __u64 rt_aborts(FIXTURE_DATA(rt) *self, enum ie_abort_reason r)
{
	struct ie_prog_info info;

	rt_info(self, &info);
	return info.aborts[r];
}

/* ------------------------------------------------------------ settings */

TEST_F(rt, defaults_are_reported)
{
	struct ie_prog_info info;

	ASSERT_LE(0, rt_load(self, 0, 0, 0, 0)) TH_LOG("%s", self->log);
	rt_info(self, &info);
	EXPECT_EQ(IE_BUDGET_DEFAULT_US, info.budget_us);
	EXPECT_EQ(IE_XDP_DROP, info.fail_action);
	EXPECT_EQ(IE_BREAKER_DEFAULT_ABORTS, info.max_aborts);
	EXPECT_EQ(IE_BREAKER_DEFAULT_WINDOW_MS, info.abort_window_ms);
	EXPECT_EQ(0, info.breaker_tripped);
	EXPECT_EQ(0, st_aborts_total(&info));
}

TEST_F(rt, settings_are_kept)
{
	struct ie_prog_info info;

	ASSERT_LE(0, rt_load(self, 250, IE_XDP_PASS, IE_BREAKER_OFF, 60000)) TH_LOG("%s", self->log);
	rt_info(self, &info);
	EXPECT_EQ(250, info.budget_us);
	EXPECT_EQ(IE_XDP_PASS, info.fail_action);
	EXPECT_EQ(IE_BREAKER_OFF, info.max_aborts);
	EXPECT_EQ(60000, info.abort_window_ms);
}

TEST_F(rt, budget_above_the_limit_is_refused)
{
	EXPECT_EQ(-EINVAL, rt_load(self, IE_BUDGET_MAX_US + 1, 0, 0, 0));
	EXPECT_NE(NULL, strstr(self->log, "budget")) TH_LOG("%s", self->log);
	EXPECT_LE(0, rt_load(self, IE_BUDGET_MAX_US, 0, 0, 0)) TH_LOG("%s", self->log);
}

TEST_F(rt, bad_fail_action_is_refused)
{
	EXPECT_EQ(-EINVAL, rt_load(self, 0, IE_XDP_TX, 0, 0));
	EXPECT_NE(NULL, strstr(self->log, "fail_action")) TH_LOG("%s", self->log);
	EXPECT_EQ(-EINVAL, rt_load(self, 0, 77, 0, 0));
}

TEST_F(rt, unknown_load_flags_are_refused)
{
	EXPECT_EQ(-EINVAL, rt_load_f(self, 1u << 7, 0, 0, 0, 0));
	EXPECT_NE(NULL, strstr(self->log, "unknown flags 0x80")) TH_LOG("%s", self->log);
}

TEST_F(rt, abort_window_above_the_limit_is_refused)
{
	EXPECT_EQ(-EINVAL, rt_load(self, 0, 0, 10, IE_BREAKER_MAX_WINDOW_MS + 1));
	EXPECT_NE(NULL, strstr(self->log, "window")) TH_LOG("%s", self->log);
}

/* ------------------------------------------------------------ the watchdog */

/* Call syscall @nr N_ABORTS times with a runaway program on it; report latency. */
static void runaway_syscall(struct __test_metadata *_metadata, FIXTURE_DATA(rt) *self,
			    const char *prog, __u32 hook, const char *target, long nr)
{
	struct ie_prog_info info;
	double t0, dt;
	int link, i;

	ASSERT_LE(0, rt_load(self, 1000, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, prog, hook, target, hook == IE_HOOK_TRACEPOINT ?
			 IE_LINK_F_SYSCALL_NR : 0, (__u32)nr, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	t0 = st_now_s();
	for (i = 0; i < N_ABORTS; i++)
		syscall(nr);
	dt = st_now_s() - t0;
	rt_target(self, 0, 0);
	rt_info(self, &info);
	close(link);
	EXPECT_EQ(N_ABORTS, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_STACK] + info.aborts[IE_ABORT_FAULT] +
		     info.aborts[IE_ABORT_HELPER]);
	EXPECT_LE(N_ABORTS, info.run_cnt);
	ksft_print_msg("%s: %d runaway invocations stopped in %.2f s: %.2f ms each (budget 1 ms)\n",
		       prog, N_ABORTS, dt, dt * 1000 / N_ABORTS);
}

TEST_F_TIMEOUT(rt, runaway_kprobe_is_stopped_every_time, 180)
{
	runaway_syscall(_metadata, self, "spin_kprobe", IE_HOOK_KPROBE, "__x64_sys_getppid",
			SYS_getppid);
}

TEST_F_TIMEOUT(rt, runaway_tracepoint_is_stopped_every_time, 180)
{
	runaway_syscall(_metadata, self, "spin_tp", IE_HOOK_TRACEPOINT, "raw_syscalls:sys_enter",
			SYS_getppid);
}

/*
 * CPU hotplug while a link exists: the CPU going offline stops its watchdog
 * timer, and once it is back online its own timer stops runaways there.
 */
TEST_F_TIMEOUT(rt, runaway_on_a_cpu_brought_back_online_is_stopped, 180)
{
	const char *online = "/sys/devices/system/cpu/cpu1/online";
	struct ie_prog_info info;
	int link, i;

	if (nr_cpus() < 2 || access(online, W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	ASSERT_LE(0, rt_load(self, 1000, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	/* attached while CPU 1 is offline: only CPU 0's timer starts */
	ASSERT_EQ(0, st_pin_cpu(0));
	ASSERT_EQ(0, st_write_str(online, "0"));
	link = rt_attach(self, "spin_kprobe", IE_HOOK_KPROBE, "__x64_sys_getppid", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	for (i = 0; i < 10; i++)
		getppid();
	/* CPU 1 comes online: its timer starts */
	ASSERT_EQ(0, st_write_str(online, "1"));
	ASSERT_EQ(0, st_pin_cpu(1));
	for (i = 0; i < 10; i++)
		getppid();
	/* offline and back while attached */
	ASSERT_EQ(0, st_pin_cpu(0));
	ASSERT_EQ(0, st_write_str(online, "0"));
	ASSERT_EQ(0, st_write_str(online, "1"));
	ASSERT_EQ(0, st_pin_cpu(1));
	for (i = 0; i < 10; i++)
		getppid();
	rt_target(self, 0, 0);
	rt_info(self, &info);
	close(link);
	EXPECT_EQ(30, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_STACK] + info.aborts[IE_ABORT_FAULT] +
		     info.aborts[IE_ABORT_HELPER]);
}

/* Interrupts off: a hard IRQ tracepoint, stopped by the other CPU's NMI. */
TEST_F_TIMEOUT(rt, runaway_with_interrupts_off_is_stopped, 180)
{
	struct ie_prog_info info;
	volatile unsigned long spin = 0;
	double t0, dt = 0;
	int link;

	if (nr_cpus() < 2)
		SKIP(return, "needs a second CPU to send the NMI");
	ASSERT_LE(0, rt_load_f(self, IE_PROG_F_IRQS_OFF, 1000, 0, IE_BREAKER_OFF, 0))
		TH_LOG("%s", self->log);
	link = rt_attach(self, "spin_irqoff", IE_HOOK_TRACEPOINT,
			 "irq_vectors:local_timer_entry", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	t0 = st_now_s();
	/* busy in user space: every timer interrupt on our CPU runs the program */
	do {
		for (int i = 0; i < 100000; i++)
			spin++;
		rt_info(self, &info);
		dt = st_now_s() - t0;
	} while (info.aborts[IE_ABORT_TIMEOUT] < N_ABORTS && dt < 120);
	rt_target(self, 0, 0);
	close(link);
	rt_info(self, &info);
	EXPECT_LE(N_ABORTS, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_FAULT]);
	ksft_print_msg("spin_irqoff: %llu stopped in %.2f s with interrupts off (NMI from the other CPU)\n",
		       (unsigned long long)info.aborts[IE_ABORT_TIMEOUT], dt);
}

/* Without IE_PROG_F_IRQS_OFF a program never runs with interrupts off. */
TEST_F(rt, interrupts_off_needs_the_flag)
{
	struct ie_prog_info info;
	volatile unsigned long spin = 0;
	double t0 = st_now_s();
	int link;

	ASSERT_LE(0, rt_load(self, 1000, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, "spin_irqoff", IE_HOOK_TRACEPOINT,
			 "irq_vectors:local_timer_entry", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	do {
		for (int i = 0; i < 100000; i++)
			spin++;
		rt_info(self, &info);
	} while (info.irqs_off_skips < 100 && st_now_s() - t0 < 30);
	rt_target(self, 0, 0);
	close(link);
	rt_info(self, &info);
	EXPECT_LE(100, info.irqs_off_skips);
	EXPECT_EQ(0, info.run_cnt);
	EXPECT_EQ(0, info.aborts[IE_ABORT_TIMEOUT]);
}

/* ------------------------------------------------------------ the packet hook */

static int run_ip(const char *args)
{
	char cmd[256];

	/* the full path: busybox sh would run its own ip applet, which lacks veth */
	snprintf(cmd, sizeof(cmd), "/usr/bin/ip %s >/dev/null 2>&1", args);
	return system(cmd);
}

static void send_test_frames(struct __test_metadata *_metadata, FIXTURE_DATA(rt) *self, int n)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned char frame[64] = { 0 };
	struct ie_prog_info info;
	__u64 before;
	int s, i, w;

	s = socket(AF_PACKET, SOCK_RAW, 0);
	ASSERT_LE(0, s);
	sll.sll_ifindex = if_nametoindex("rtA");
	sll.sll_halen = ETH_ALEN;
	memset(frame, 0xff, 6);			/* broadcast */
	frame[6] = 0x02;			/* a locally administered source */
	frame[12] = RT_ETH_P_TEST >> 8;
	frame[13] = RT_ETH_P_TEST & 0xff;
	for (i = 0; i < n; i++) {
		rt_info(self, &info);
		before = info.run_cnt;
		ASSERT_EQ(sizeof(frame), sendto(s, frame, sizeof(frame), 0,
						(struct sockaddr *)&sll, sizeof(sll)));
		/* one at a time: the receive backlog must not overflow */
		for (w = 0; w < 2000; w++) {
			rt_info(self, &info);
			if (info.run_cnt > before)
				break;
			usleep(200);
		}
		ASSERT_GT(info.run_cnt, before) TH_LOG("frame %d never reached the program", i);
	}
	close(s);
}

static void runaway_xdp(struct __test_metadata *_metadata, FIXTURE_DATA(rt) *self,
			__u32 fail_action)
{
	struct ie_prog_info info;
	double t0, dt;
	int link;

	run_ip("link del rtA");
	ASSERT_EQ(0, run_ip("link add rtA type veth peer name rtB"));
	/* no neighbour discovery: the frames the test sends are the only ones */
	ASSERT_EQ(0, st_write_str("/proc/sys/net/ipv6/conf/rtA/disable_ipv6", "1"));
	ASSERT_EQ(0, st_write_str("/proc/sys/net/ipv6/conf/rtB/disable_ipv6", "1"));
	ASSERT_EQ(0, run_ip("link set rtA up"));
	ASSERT_EQ(0, run_ip("link set rtB up"));
	ASSERT_LE(0, rt_load(self, 1000, fail_action, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, "spin_xdp", IE_HOOK_XDP, "rtB", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	t0 = st_now_s();
	send_test_frames(_metadata, self, N_ABORTS);
	dt = st_now_s() - t0;
	rt_info(self, &info);
	close(link);
	run_ip("link del rtA");
	EXPECT_EQ(N_ABORTS, info.aborts[IE_ABORT_TIMEOUT]);
	/*
	 * The fail action is the verdict applied to each stopped run; the program
	 * passes every other frame (none are expected: IPv6 is off on both ends).
	 */
	if (fail_action == IE_XDP_DROP) {
		EXPECT_EQ(N_ABORTS, info.xdp_actions[IE_XDP_DROP]);
	} else {
		EXPECT_EQ(info.run_cnt, info.xdp_actions[IE_XDP_PASS]);
	}
	EXPECT_EQ(info.run_cnt - N_ABORTS, info.xdp_actions[IE_XDP_PASS] -
		  (fail_action == IE_XDP_PASS ? N_ABORTS : 0));
	ksft_print_msg("spin_xdp: %d stopped in softirq in %.2f s (fail action %s)\n", N_ABORTS,
		       dt, fail_action == IE_XDP_PASS ? "pass" : "drop");
}

TEST_F_TIMEOUT(rt, runaway_packet_program_is_stopped_and_dropped, 180)
{
	runaway_xdp(_metadata, self, IE_XDP_DROP);
}

TEST_F_TIMEOUT(rt, runaway_packet_program_fail_action_pass, 180)
{
	runaway_xdp(_metadata, self, IE_XDP_PASS);
}

/* ------------------------------------------------------------ stack, faults, locks */

static __u64 lock_val_depth(FIXTURE_DATA(rt) *self, struct rt_lock_val *v)
{
	__u32 k = 0;

	memset(v, 0, sizeof(*v));
	elem(self->lock_fd, IE_IOC_MAP_LOOKUP, &k, 4, v, sizeof(*v), NULL, 0);
	return v->depth;
}

TEST_F_TIMEOUT(rt, runaway_recursion_is_stopped_by_the_stack_check, 180)
{
	struct rt_lock_val v;
	struct ie_prog_info info;
	int link, i;

	ASSERT_LE(0, rt_load(self, 0, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, "deep", IE_HOOK_KPROBE, "__x64_sys_getpgid", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(getpgid(0), getpgrp());	/* the syscall itself still works */
	rt_info(self, &info);
	EXPECT_EQ(100, info.aborts[IE_ABORT_STACK]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_TIMEOUT]);
	/* it got deep before it was stopped: frames of 256+ bytes */
	EXPECT_LE(32, lock_val_depth(self, &v));
	ksft_print_msg("deep: stopped at about %llu frames\n", (unsigned long long)v.depth);

	/* the same program with a bound finishes normally */
	rt_target(self, getpid(), 20);
	getpgid(0);
	rt_info(self, &info);
	EXPECT_EQ(100, info.aborts[IE_ABORT_STACK]);
	EXPECT_EQ(101, info.run_cnt);
	rt_target(self, 0, 0);
	close(link);
}

static void faults(struct __test_metadata *_metadata, FIXTURE_DATA(rt) *self, const char *prog,
		   const char *target, long nr)
{
	struct ie_prog_info info;
	int link, i;

	ASSERT_LE(0, rt_load(self, 0, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, prog, IE_HOOK_KPROBE, target, 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	for (i = 0; i < N_ABORTS; i++)
		syscall(nr);
	rt_target(self, 0, 0);
	rt_info(self, &info);
	close(link);
	EXPECT_EQ(N_ABORTS, info.aborts[IE_ABORT_FAULT]);
	EXPECT_EQ(N_ABORTS, info.run_cnt);
}

TEST_F_TIMEOUT(rt, general_protection_fault_is_contained, 180)
{
	faults(_metadata, self, "fault_gp", "__x64_sys_getuid", SYS_getuid);
}

TEST_F_TIMEOUT(rt, invalid_opcode_is_contained, 180)
{
	faults(_metadata, self, "fault_ud", "__x64_sys_getgid", SYS_getgid);
}

TEST_F_TIMEOUT(rt, divide_error_is_contained, 180)
{
	faults(_metadata, self, "fault_de", "__x64_sys_geteuid", SYS_geteuid);
}

TEST_F(rt, ie_abort_stops_the_invocation)
{
	struct ie_prog_info info;
	int link;

	ASSERT_LE(0, rt_load(self, 0, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	link = rt_attach(self, "abort_self", IE_HOOK_KPROBE, "__x64_sys_getegid", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	syscall(SYS_getegid);
	rt_target(self, 0, 0);
	rt_info(self, &info);
	close(link);
	EXPECT_EQ(1, info.aborts[IE_ABORT_HELPER]);
}

TEST_F(rt, lock_held_at_abort_is_released)
{
	struct rt_lock_val v;
	int hold, take, i;

	ASSERT_LE(0, rt_load(self, 1000, 0, IE_BREAKER_OFF, 0)) TH_LOG("%s", self->log);
	hold = rt_attach(self, "lock_hold", IE_HOOK_KPROBE, "__x64_sys_getsid", 0, 0, 0);
	ASSERT_LE(0, hold) TH_LOG("%s", self->log);
	take = rt_attach(self, "lock_take", IE_HOOK_KPROBE, "__x64_sys_getpgrp", 0, 0, 0);
	ASSERT_LE(0, take) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	for (i = 0; i < 10; i++) {
		getsid(0);	/* takes the lock, spins, is stopped */
		getpgrp();	/* takes it again: only possible if it was released */
	}
	rt_target(self, 0, 0);
	lock_val_depth(self, &v);
	EXPECT_EQ(10, v.taken);
	EXPECT_EQ(0, v.lock.val);
	EXPECT_EQ(10, rt_aborts(self, IE_ABORT_TIMEOUT));	/* lock_hold's, none of lock_take's */
	close(hold);
	close(take);
}

/* ------------------------------------------------------------ the circuit breaker */

TEST_F_TIMEOUT(rt, circuit_breaker_detaches_a_runaway, 180)
{
	struct ie_prog_info info;
	char log[16384] = "";
	int kmsg, link, i;

	kmsg = st_kmsg_open();	/* only what the kernel logs from here on */
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, rt_load(self, 1000, 0, 5, 60000)) TH_LOG("%s", self->log);
	link = rt_attach(self, "spin_kprobe", IE_HOOK_KPROBE, "__x64_sys_getppid", 0, 0, 0);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	rt_target(self, getpid(), 0);
	for (i = 0; i < 20; i++) {
		getppid();
		rt_info(self, &info);
		if (info.breaker_tripped)
			break;
	}
	EXPECT_EQ(1, info.breaker_tripped);
	EXPECT_EQ(4, i);
	/* from the 5th abort on it is not run, however soon the work detaches it */
	for (i = 0; i < 3; i++)
		getppid();
	for (i = 0; i < 1000; i++) {	/* the breaker's work takes the link down */
		rt_info(self, &info);
		if (!info.nr_links)
			break;
		usleep(10000);
	}
	rt_target(self, 0, 0);
	EXPECT_EQ(0, info.nr_links);
	EXPECT_EQ(5, info.aborts[IE_ABORT_TIMEOUT]);
	/* its log line comes after the detach */
	st_kmsg_wait(kmsg, log, sizeof(log), "circuit breaker detached", 10000);
	close(kmsg);
	EXPECT_NE(NULL, strstr(log, "'rt_progs' (id"));
	EXPECT_NE(NULL, strstr(log, "circuit breaker detached")) TH_LOG("kernel log: %s", log);
	/* a tripped program is not attached again */
	EXPECT_EQ(-ESTALE, rt_attach(self, "spin_kprobe", IE_HOOK_KPROBE, "__x64_sys_getppid",
				     0, 0, 0));
	EXPECT_NE(NULL, strstr(self->log, "circuit breaker")) TH_LOG("%s", self->log);
	close(link);
}

TEST_HARNESS_MAIN
