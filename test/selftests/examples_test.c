// SPDX-License-Identifier: GPL-2.0
/*
 * The user-facing examples that the eBPF verifier would refuse, run for real in
 * the VM the way a user runs them: loaded with ./tools/extctl/extctl, aimed at
 * this test process through their _cfg maps, triggered with system calls.
 *
 *   - examples/runaway.o: never returns; stopped by the watchdog on every call
 *     (kprobe, tracepoint, spinning inside a helper, the packet hook on a veth
 *     pair), and detached by the circuit breaker after --max-aborts;
 *   - examples/deep_recursion.o: unbounded recursion stopped by the stack check,
 *     and the same recursion with a depth limit returning its result;
 *   - examples/{loop_million,big_stack,recursion,large_program}.o: run to
 *     completion with the results of the reference functions of
 *     examples/verifier_examples.h, never stopped;
 *   - their eBPF twins (examples/ebpf/<name>.bpf.o), loaded into the same
 *     kernel by examples/ebpf/verifier_check: refused by the verifier.
 *
 * examples/runaway.c's runaway_sched is never loaded here: with interrupts off
 * and the runqueue lock held it can hang the machine.
 *
 * Every test leaves nothing loaded: the teardown checks 'extctl list -j'.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"
#include "../../examples/verifier_examples.h"

#define EXTCTL		"./tools/extctl/extctl"
#define VCHECK		"./examples/ebpf/verifier_check"
#define EX(name)	"examples/" name ".o"
#define EMPTY_LIST	"{\"programs\":[],\"links\":[]}\n"
/* the packet test's veth pair: frames sent out of VETH_TX arrive on VETH_RX */
#define VETH_TX		"exvA"
#define VETH_RX		"exvB"
#define TEST_PROTO	0x88b5	/* IEEE 802 local experimental */
#define N_FRAMES	20

/* runaway_stats indices (examples/runaway.c) */
#define RUNAWAY_STAT_ENTERED	0
#define RUNAWAY_STAT_SPINS	1
/* deep_recursion's maps (examples/deep_recursion.c) */
#define DEEP_CFG_TARGET		0
#define DEEP_CFG_LIMIT		1
#define DEEP_STAT_DEEPEST	0
#define DEEP_STAT_RETURNED	1
#define DEEP_STAT_RESULT	2

FIXTURE(ex) {
	struct st_cmd c;
	int dev;
	struct ie_version base;
	__u32 tgid;
};

FIXTURE_SETUP(ex)
{
	ASSERT_EQ(0, access(INNEREXT_DEV_PATH, F_OK)) TH_LOG("innerext.ko is not loaded");
	ASSERT_EQ(0, access(EXTCTL, X_OK)) TH_LOG("run from the payload root (/innerext)");
	ASSERT_EQ(0, access(EX("runaway"), R_OK)) TH_LOG("make -C examples");
	innerext_set_print(quiet_print);
	self->dev = innerext_dev_open(NULL);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, innerext_get_version(self->dev, &self->base));
	self->tgid = (__u32)getpid();
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " list -j")) TH_LOG("%s", self->c.err);
	ASSERT_STREQ(EMPTY_LIST, self->c.out);
}

/* Detach every link by id: what is left of a test that failed half-way. */
static void detach_everything(int dev)
{
	__u32 id = 0;

	while (!innerext_get_next_id(dev, IE_OBJ_LINK, id, &id))
		innerext_link_detach_id(dev, id);
}

FIXTURE_TEARDOWN(ex)
{
	struct ie_version v;
	int i;

	/* what the test itself left behind, before cleaning up after it (kept in c.out) */
	st_cmd(&self->c, EXTCTL " list -j");
	detach_everything(self->dev);
	for (i = 0; i < 200; i++) {
		if (!innerext_get_version(self->dev, &v) && v.nr_progs == self->base.nr_progs &&
		    v.nr_links == self->base.nr_links)
			break;
		usleep(10000);
	}
	EXPECT_STREQ(EMPTY_LIST, self->c.out);
	EXPECT_EQ(self->base.nr_progs, v.nr_progs);
	EXPECT_EQ(self->base.nr_links, v.nr_links);
	close(self->dev);
	if (if_nametoindex(VETH_TX))	/* the packet test stopped half-way */
		st_cmd(&self->c, "/usr/bin/ip link del " VETH_TX);
}

#define C	(&self->c)
#define ASSERT_OUT(s)	ASSERT_NE(NULL, strstr(C->out, s)) \
	TH_LOG("'%s' not in stdout:\n%s\nstderr:\n%s", s, C->out, C->err)

/* ------------------------------------------------------------------ helpers */

/*
 * extctl load ARGS: the program id ("loaded 'NAME' as prog id P; link id L: ...")
 * and the link id; asserts success.
 */
#define LOAD(prog_id, link_id, ...)						\
	do {									\
		ASSERT_EQ(0, st_cmd(C, EXTCTL " load " __VA_ARGS__))		\
			TH_LOG("stdout:\n%s\nstderr:\n%s", C->out, C->err);	\
		ASSERT_EQ(2, sscanf(C->out, "loaded '%*[^']' as prog id %u; link id %u:", \
				    &(prog_id), &(link_id)))			\
			TH_LOG("stdout: %s", C->out);				\
	} while (0)

/* extctl unload NAME, then nothing is listed any more */
#define UNLOAD(name)								\
	do {									\
		ASSERT_EQ(0, st_cmd(C, EXTCTL " unload %s", name))		\
			TH_LOG("stdout:\n%s\nstderr:\n%s", C->out, C->err);	\
		ASSERT_NE(NULL, strstr(C->out, "detached link ")) TH_LOG("%s", C->out); \
		ASSERT_TRUE(listed_empty(C)) TH_LOG("still listed:\n%s", C->out); \
	} while (0)

/* 'extctl list -j' is empty (within a second: the last reference may go late). */
static bool listed_empty(struct st_cmd *c)
{
	for (int i = 0; i < 20; i++) {
		if (st_cmd(c, EXTCTL " list -j") == 0 && !strcmp(c->out, EMPTY_LIST))
			return true;
		usleep(50000);
	}
	return false;
}

static void prog_info(int dev, __u32 id, struct ie_prog_info *info)
{
	memset(info, 0, sizeof(*info));
	innerext_prog_get_info_by_id(dev, id, info);
}

/* Element @key of an array map of __u64 (0 if the lookup fails). */
static __u64 map_u64(int fd, __u32 key)
{
	__u64 v = 0;

	innerext_map_lookup_elem(fd, &key, sizeof(key), &v, sizeof(v));
	return v;
}

/* The "aborts":{...} object of the first program in 'extctl list -j' output. */
static __u64 listed_aborts(const char *json, const char *reason)
{
	const char *a = strstr(json, "\"aborts\":{");
	unsigned long long v = ~0ull;

	if (a)
		st_json_uint(a, reason, &v);
	return v;
}

/*
 * examples/ebpf/verifier_check on the twin @name: refused by the kernel's
 * verifier, exit 0, "NAME: rejected by the verifier: REASON".
 */
static void twin_is_rejected(struct __test_metadata *_metadata, struct st_cmd *c,
			     const char *name)
{
	char want[128], *nl;

	snprintf(want, sizeof(want), "%s: rejected by the verifier: ", name);
	ASSERT_EQ(0, access(VCHECK, X_OK)) TH_LOG("make -C examples builds " VCHECK);
	ASSERT_EQ(0, st_cmd(c, VCHECK " examples/ebpf/%s.bpf.o", name))
		TH_LOG("stdout:\n%s\nstderr:\n%s", c->out, c->err);
	ASSERT_EQ(0, strncmp(c->out, want, strlen(want))) TH_LOG("stdout:\n%s", c->out);
	nl = strchr(c->out, '\n');
	ASSERT_NE(NULL, nl);
	ASSERT_STREQ("", nl + 1);
	*nl = '\0';
	ksft_print_msg("eBPF twin: %s\n", c->out);
}

/* ------------------------------------------------------------------ runaway: the breaker */

/*
 * As in the example's comment: extctl load, extctl map update to aim it at this
 * process, getppid(2) until the circuit breaker detaches it, extctl unload.
 */
TEST_F_TIMEOUT(ex, runaway_is_stopped_then_detached_by_the_breaker, 90)
{
	const pid_t ppid = getppid();	/* before the load: getppid() spins from then on */
	const int max_aborts = 20, list_at[] = { 1, 5, 10 };
	unsigned int prog_id = 0, link_id = 0;
	unsigned long long v;
	struct ie_prog_info info;
	__u64 base, run_cnt, last_listed;
	double t0, dt, worst = 0, total = 0;
	char want[512], log[16384] = "";
	int kmsg, calls = 0, l = 0, i;
	bool found;

	kmsg = st_kmsg_open();
	ASSERT_LE(0, kmsg);
	LOAD(prog_id, link_id, EX("runaway") " --prog runaway --budget-ms 5 --max-aborts 20"
	     " --abort-window-ms 60000");
	snprintf(want, sizeof(want), "loaded 'runaway' as prog id %u; link id %u: "
		 "kprobe __x64_sys_getppid (runaway)\n", prog_id, link_id);
	ASSERT_STREQ(want, C->out);

	/* aim it at this process: the target tgid as 4 little-endian bytes */
	ASSERT_EQ(0, st_cmd(C, EXTCTL " map update runaway_cfg key 0 value %u %u %u %u",
			    self->tgid & 0xff, (self->tgid >> 8) & 0xff,
			    (self->tgid >> 16) & 0xff, self->tgid >> 24)) TH_LOG("%s", C->err);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_OUT("\"budget_us\":5000,");
	ASSERT_OUT("\"max_aborts\":20,\"abort_window_ms\":60000,\"breaker_tripped\":false");
	ASSERT_OUT("\"hook\":\"kprobe\",\"target\":\"__x64_sys_getppid\"");
	ASSERT_OUT("\"persistent\":true,\"attached\":true");
	/* nothing else in the guest should have called getppid(2) meanwhile */
	base = listed_aborts(C->out, "timeout");
	ASSERT_GT(5, base) TH_LOG("%s", C->out);
	last_listed = base;

	for (i = 0; i < 2 * max_aborts; i++) {
		t0 = st_now_s();
		ASSERT_EQ(ppid, getppid());	/* it returns, with the right answer */
		dt = st_now_s() - t0;
		calls++;
		total += dt;
		if (dt > worst)
			worst = dt;
		/* extctl list -j shows each of them stopped */
		if (l < (int)(sizeof(list_at) / sizeof(list_at[0])) && calls == list_at[l]) {
			ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
			v = listed_aborts(C->out, "timeout");
			ASSERT_EQ(base + calls, v) TH_LOG("%s", C->out);
			ASSERT_LT(last_listed, v);
			ASSERT_EQ(0, listed_aborts(C->out, "stack"));
			ASSERT_EQ(0, listed_aborts(C->out, "fault"));
			ksft_print_msg("runaway: extctl list after %d getppid(): aborts.timeout %llu\n",
				       calls, v);
			last_listed = v;
			l++;
		}
		prog_info(self->dev, prog_id, &info);
		if (info.breaker_tripped)
			break;
	}
	ASSERT_EQ(1, info.breaker_tripped) TH_LOG("%d calls, %llu aborts", calls,
						  (unsigned long long)info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(max_aborts, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(max_aborts - base, calls);
	EXPECT_EQ(0, info.aborts[IE_ABORT_STACK] + info.aborts[IE_ABORT_FAULT] +
		     info.aborts[IE_ABORT_HELPER]);
	/*
	 * worst case per call: the budget plus watchdog ticks (a few ms), far
	 * from a hang; the bound leaves room for the host stalling QEMU
	 */
	EXPECT_GT(5.0, worst);
	ksft_print_msg("runaway: breaker tripped after %d getppid() calls, %llu aborts; "
		       "%.1f ms per stopped call, worst %.1f ms (budget 5 ms)\n", calls,
		       (unsigned long long)info.aborts[IE_ABORT_TIMEOUT], total * 1000 / calls,
		       worst * 1000);

	/* the breaker's work takes the link off its hook */
	for (i = 0; i < 300; i++) {
		prog_info(self->dev, prog_id, &info);
		if (!info.nr_links)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, info.nr_links);
	run_cnt = info.run_cnt;
	for (i = 0; i < 10; i++) {
		t0 = st_now_s();
		ASSERT_EQ(ppid, getppid());
		EXPECT_GT(5.0, st_now_s() - t0);
	}
	prog_info(self->dev, prog_id, &info);
	EXPECT_EQ(run_cnt, info.run_cnt);	/* it no longer runs */
	EXPECT_EQ(max_aborts, info.aborts[IE_ABORT_TIMEOUT]);

	/* extctl list: tripped, the persistent link kept but detached */
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_OUT("\"breaker_tripped\":true");
	ASSERT_EQ(max_aborts, listed_aborts(C->out, "timeout")) TH_LOG("%s", C->out);
	ASSERT_OUT("\"persistent\":true,\"attached\":false");
	ASSERT_EQ(0, st_json_uint(C->out, "nr_links", &v));
	ASSERT_EQ(0, v);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list")) TH_LOG("%s", C->err);
	ASSERT_OUT("breaker TRIPPED: detached (20 aborts within 60000ms)");
	ASSERT_OUT("  detached\n");

	/* the kernel log says which program and why */
	snprintf(want, sizeof(want), "innerext: program 'runaway' (id %u) was stopped 20 times "
		 "within 60000 ms (last: time budget exceeded): circuit breaker detached 1 link\n",
		 prog_id);
	found = st_kmsg_wait(kmsg, log, sizeof(log), want, 2000);
	close(kmsg);
	ASSERT_TRUE(found) TH_LOG("not in the kernel log: %s\nlog:\n%s", want, log);
	want[strlen(want) - 1] = '\0';
	ksft_print_msg("kmsg: %s\n", want);

	UNLOAD("runaway");
	twin_is_rejected(_metadata, C, "runaway");
}

/* ------------------------------------------------------------------ runaway: each call */

#define N_CALLS		50

/* Load runaway's program @prog (a getppid(2) hook), N_CALLS getppid(): N_CALLS aborts. */
static void runaway_each_call(struct __test_metadata *_metadata, FIXTURE_DATA(ex) *self,
			      const char *prog, const char *attached_to)
{
	const pid_t ppid = getppid();
	unsigned int prog_id = 0, link_id = 0;
	struct ie_prog_info info;
	__u32 k = 0;
	__u64 base;
	double t0, dt;
	char want[256];
	int cfg, stats, i;

	LOAD(prog_id, link_id, EX("runaway") " --prog %s --budget-ms 5 --max-aborts off", prog);
	snprintf(want, sizeof(want), ": %s (%s)\n", attached_to, prog);
	ASSERT_NE(NULL, strstr(C->out, want)) TH_LOG("%s", C->out);
	cfg = innerext_map_open_by_name(self->dev, "runaway_cfg");
	ASSERT_LE(0, cfg);
	stats = innerext_map_open_by_name(self->dev, "runaway_stats");
	ASSERT_LE(0, stats);
	ASSERT_EQ(0, innerext_map_update_elem(cfg, &k, 4, &self->tgid, 4, IE_ANY));
	prog_info(self->dev, prog_id, &info);
	base = info.aborts[IE_ABORT_TIMEOUT];
	ASSERT_GT(5, base);

	t0 = st_now_s();
	for (i = 0; i < N_CALLS; i++)
		ASSERT_EQ(ppid, getppid());
	dt = st_now_s() - t0;

	prog_info(self->dev, prog_id, &info);
	EXPECT_EQ(base + N_CALLS, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_STACK] + info.aborts[IE_ABORT_FAULT] +
		     info.aborts[IE_ABORT_HELPER]);
	EXPECT_EQ(0, info.breaker_tripped);
	EXPECT_EQ(1, info.nr_links);
	/* every call entered the endless loop, and the loop really ran */
	EXPECT_LE(N_CALLS, map_u64(stats, RUNAWAY_STAT_ENTERED));
	EXPECT_LT(1000, map_u64(stats, RUNAWAY_STAT_SPINS));
	ksft_print_msg("%s: %d getppid() calls, %llu stopped (timeout), %.1f ms per call, "
		       "%llu loop iterations\n", prog, N_CALLS,
		       (unsigned long long)(info.aborts[IE_ABORT_TIMEOUT] - base),
		       dt * 1000 / N_CALLS,
		       (unsigned long long)map_u64(stats, RUNAWAY_STAT_SPINS));
	close(cfg);
	close(stats);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_EQ(base + N_CALLS, listed_aborts(C->out, "timeout")) TH_LOG("%s", C->out);
	UNLOAD("runaway");
}

TEST_F_TIMEOUT(ex, runaway_tracepoint_is_stopped_each_call, 60)
{
	runaway_each_call(_metadata, self, "runaway_tp", "tracepoint syscalls:sys_enter_getppid");
}

TEST_F_TIMEOUT(ex, runaway_in_a_helper_is_stopped_each_call, 60)
{
	runaway_each_call(_metadata, self, "runaway_in_helper", "kprobe __x64_sys_getppid");
}

/* ------------------------------------------------------------------ runaway: packets */


static int ip(struct st_cmd *c, const char *args)
{
	/* the full path: busybox's own ip applet cannot make veth pairs */
	return st_cmd(c, "/usr/bin/ip %s", args);
}

static void no_ipv6(const char *ifname)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	if (st_write_str(path, "1"))
		perror(path);
}

/* A raw socket on @ifname: frames of TEST_PROTO (a protocol handler, not a tap). */
static int packet_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(TEST_PROTO),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(TEST_PROTO));

	if (s >= 0 && bind(s, (struct sockaddr *)&sll, sizeof(sll))) {
		close(s);
		return -1;
	}
	return s;
}

static int send_frame(int s, int seq)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = (int)if_nametoindex(VETH_TX),
		.sll_halen = ETH_ALEN,
	};
	unsigned char frame[64] = { 0 };

	memset(frame, 0xff, ETH_ALEN);		/* broadcast */
	frame[6] = 0x02;			/* a locally administered source */
	frame[12] = TEST_PROTO >> 8;
	frame[13] = TEST_PROTO & 0xff;
	frame[14] = (unsigned char)seq;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	return sendto(s, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) ==
	       sizeof(frame) ? 0 : -1;
}

/* Frames of TEST_PROTO waiting on @s, within @ms milliseconds. */
static int frames_received(int s, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	unsigned char buf[256];
	int n = 0;

	while (poll(&p, 1, ms) > 0 && recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		n++;
		ms = 50;
	}
	return n;
}

TEST_F_TIMEOUT(ex, runaway_packet_program_is_stopped_per_frame, 60)
{
	unsigned int prog_id = 0, link_id = 0;
	struct ie_prog_info info;
	unsigned long long listed_runs = 0, listed_drops = 0;
	__u64 before;
	double t0, dt;
	int tx, rx, i, w;

	ip(C, "link del " VETH_TX);	/* a leftover of an earlier run */
	ASSERT_EQ(0, ip(C, "link add " VETH_TX " type veth peer name " VETH_RX)) TH_LOG("%s", C->err);
	/* no IPv6 neighbour discovery: the program sees only the test's frames */
	no_ipv6(VETH_TX);
	no_ipv6(VETH_RX);
	ASSERT_EQ(0, ip(C, "link set " VETH_TX " up")) TH_LOG("%s", C->err);
	ASSERT_EQ(0, ip(C, "link set " VETH_RX " up")) TH_LOG("%s", C->err);
	tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, tx);
	rx = packet_socket(VETH_RX);
	ASSERT_LE(0, rx);

	/* the default fail action: a frame whose run was stopped is dropped */
	LOAD(prog_id, link_id, EX("runaway") " --prog runaway_xdp --xdp " VETH_RX
	     " --budget-ms 5 --max-aborts off");
	ASSERT_NE(NULL, strstr(C->out, ": xdp " VETH_RX)) TH_LOG("%s", C->out);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_OUT("\"fail_action\":\"drop\"");

	t0 = st_now_s();
	for (i = 0; i < N_FRAMES; i++) {
		prog_info(self->dev, prog_id, &info);
		before = info.run_cnt;
		ASSERT_EQ(0, send_frame(tx, i));
		/* one at a time: the receive backlog must not overflow */
		for (w = 0; w < 2000; w++) {
			prog_info(self->dev, prog_id, &info);
			if (info.run_cnt > before && st_aborts_total(&info) == info.run_cnt)
				break;
			usleep(500);
		}
		ASSERT_LT(before, info.run_cnt) TH_LOG("frame %d never reached the program", i);
	}
	dt = st_now_s() - t0;
	prog_info(self->dev, prog_id, &info);
	/* every run was stopped (other frames, if any, would be stopped and dropped too) */
	EXPECT_LE(N_FRAMES, info.run_cnt);
	EXPECT_GE(N_FRAMES + 2, info.run_cnt);
	EXPECT_EQ(info.run_cnt, info.aborts[IE_ABORT_TIMEOUT]);
	EXPECT_EQ(info.run_cnt, info.xdp_actions[IE_XDP_DROP]);
	EXPECT_EQ(0, info.xdp_actions[IE_XDP_PASS]);
	/* and dropped: none reached the protocol handlers */
	EXPECT_EQ(0, frames_received(rx, 100));
	ksft_print_msg("runaway_xdp: %d frames sent, %llu runs, %llu stopped, %llu dropped, "
		       "in %.2f s\n", N_FRAMES, (unsigned long long)info.run_cnt,
		       (unsigned long long)info.aborts[IE_ABORT_TIMEOUT],
		       (unsigned long long)info.xdp_actions[IE_XDP_DROP], dt);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_EQ(0, st_json_uint(C->out, "run_cnt", &listed_runs));
	ASSERT_EQ(listed_runs, listed_aborts(C->out, "timeout")) TH_LOG("%s", C->out);
	ASSERT_EQ(0, st_json_uint(C->out, "drop", &listed_drops));
	ASSERT_EQ(listed_runs, listed_drops) TH_LOG("%s", C->out);
	UNLOAD("runaway");

	/* without the program the same frames get through: the socket would have seen them */
	ASSERT_EQ(0, send_frame(tx, N_FRAMES));
	EXPECT_EQ(1, frames_received(rx, 2000));
	close(tx);
	close(rx);
	ip(C, "link del " VETH_TX);
}

/* ------------------------------------------------------------------ deep_recursion */

#define N_DEEP		20
#define DEPTH_LIMIT	40

TEST_F_TIMEOUT(ex, deep_recursion_is_stopped_by_the_stack_check, 60)
{
	unsigned int prog_id = 0, link_id = 0;
	struct ie_prog_info info;
	__u64 want_sum = 0, deepest, base;
	__u32 d;
	int stats, i;

	LOAD(prog_id, link_id, EX("deep_recursion"));
	ASSERT_NE(NULL, strstr(C->out, ": kprobe __x64_sys_getpgid (deep_recursion)\n"))
		TH_LOG("%s", C->out);
	ASSERT_EQ(0, st_cmd(C, EXTCTL " map update deep_recursion_cfg key %d value %u",
			    DEEP_CFG_TARGET, self->tgid)) TH_LOG("%s", C->err);
	stats = innerext_map_open_by_name(self->dev, "deep_recursion_stats");
	ASSERT_LE(0, stats);
	prog_info(self->dev, prog_id, &info);
	base = info.aborts[IE_ABORT_STACK];
	ASSERT_GT(5, base);

	/* no depth limit: each call runs out of extension stack, and returns */
	for (i = 0; i < N_DEEP; i++)
		ASSERT_EQ(getpgrp(), getpgid(0));
	prog_info(self->dev, prog_id, &info);
	EXPECT_EQ(base + N_DEEP, info.aborts[IE_ABORT_STACK]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_TIMEOUT] + info.aborts[IE_ABORT_FAULT] +
		     info.aborts[IE_ABORT_HELPER]);
	EXPECT_EQ(0, info.breaker_tripped);
	deepest = map_u64(stats, DEEP_STAT_DEEPEST);
	EXPECT_LT(DEPTH_LIMIT, deepest);	/* ~160-byte frames: far deeper than the limit */
	EXPECT_EQ(0, map_u64(stats, DEEP_STAT_RETURNED));
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	EXPECT_EQ(base + N_DEEP, listed_aborts(C->out, "stack")) TH_LOG("%s", C->out);
	EXPECT_EQ(0, listed_aborts(C->out, "timeout"));
	ksft_print_msg("deep_recursion: %d getpgid() calls, %llu stopped by the stack check, "
		       "deepest level %llu\n", N_DEEP,
		       (unsigned long long)(info.aborts[IE_ABORT_STACK] - base),
		       (unsigned long long)deepest);

	/* with a depth limit the same recursion returns its result */
	ASSERT_EQ(0, st_cmd(C, EXTCTL " map update deep_recursion_cfg key %d value %d",
			    DEEP_CFG_LIMIT, DEPTH_LIMIT)) TH_LOG("%s", C->err);
	ASSERT_EQ(getpgrp(), getpgid(0));
	for (d = 1; d <= DEPTH_LIMIT; d++)
		want_sum += (d & 0xff) + ((d >> 7) & 0xff);
	ASSERT_EQ(820, want_sum);
	EXPECT_EQ(1, map_u64(stats, DEEP_STAT_RETURNED));
	EXPECT_EQ(want_sum, map_u64(stats, DEEP_STAT_RESULT));
	prog_info(self->dev, prog_id, &info);
	EXPECT_EQ(base + N_DEEP, info.aborts[IE_ABORT_STACK]);
	EXPECT_EQ(0, info.aborts[IE_ABORT_TIMEOUT]);
	ksft_print_msg("deep_recursion: depth limit %d: returned, result %llu\n", DEPTH_LIMIT,
		       (unsigned long long)map_u64(stats, DEEP_STAT_RESULT));
	close(stats);
	UNLOAD("deep_recursion");
	twin_is_rejected(_metadata, C, "deep_recursion");
}

/* ------------------------------------------------------------------ refused by the verifier */

struct vx_case {
	const char *name;		/* example, its maps' prefix, its twin */
	long nr;			/* the system call that triggers it */
	__u64 (*ref)(__u32);		/* the expected output */
	__u32 max_input;		/* the program caps its input at this (0: no cap) */
	__u32 seeds[5];
};

/* Run one verifier-refused example natively, then its twin through the verifier. */
static void verifier_example(struct __test_metadata *_metadata, FIXTURE_DATA(ex) *self,
			     const struct vx_case *vx)
{
	unsigned int prog_id = 0, link_id = 0;
	struct ie_prog_info info;
	char name[64], hex[64];
	__u32 seed, input = 0, k = 0;
	__u64 want, out;
	int cfg, res, i, n = sizeof(vx->seeds) / sizeof(vx->seeds[0]);

	/* the longest of them takes ~10 ms under QEMU: 100 ms is the most a run may get */
	LOAD(prog_id, link_id, "examples/%s.o --budget-ms 100", vx->name);
	snprintf(name, sizeof(name), "%s_cfg", vx->name);
	cfg = innerext_map_open_by_name(self->dev, name);
	ASSERT_LE(0, cfg);
	snprintf(name, sizeof(name), "%s_result", vx->name);
	res = innerext_map_open_by_name(self->dev, name);
	ASSERT_LE(0, res);
	ASSERT_EQ(0, innerext_map_update_elem(cfg, &k, 4, &self->tgid, 4, IE_ANY));

	for (i = 0; i < n; i++) {
		seed = vx->seeds[i];
		input = vx->max_input && seed > vx->max_input ? vx->max_input : seed;
		want = vx->ref(input);
		syscall(vx->nr, (long)(int)seed, 0L);
		EXPECT_EQ(input, map_u64(res, VX_RESULT_INPUT)) TH_LOG("seed %u", seed);
		out = map_u64(res, VX_RESULT_OUTPUT);
		EXPECT_EQ(want, out) TH_LOG("%s(%u): %#llx, expected %#llx", vx->name, seed,
					    (unsigned long long)out, (unsigned long long)want);
		EXPECT_EQ(i + 1, map_u64(res, VX_RESULT_RUNS)) TH_LOG("seed %u", seed);
	}
	prog_info(self->dev, prog_id, &info);
	EXPECT_EQ(0, st_aborts_total(&info));
	EXPECT_LE(n, info.run_cnt);
	ksft_print_msg("%s: %d runs, all results as the reference (last: input %u -> %#llx), "
		       "0 aborts, %.2f ms per run\n", vx->name, n, input,
		       (unsigned long long)want,
		       info.run_cnt ? info.run_time_ns / 1e6 / info.run_cnt : 0.0);

	/* what the user sees: extctl list and extctl map lookup */
	ASSERT_EQ(0, st_cmd(C, EXTCTL " list -j")) TH_LOG("%s", C->err);
	ASSERT_OUT("\"aborts\":{\"timeout\":0,\"stack\":0,\"fault\":0,\"helper\":0}");
	ASSERT_OUT("\"budget_us\":100000,");
	ASSERT_EQ(0, st_cmd(C, EXTCTL " map lookup %s key %d", name, VX_RESULT_OUTPUT))
		TH_LOG("%s", C->err);
	for (i = 0; i < 8; i++)
		sprintf(hex + 3 * i, "%02x%s", (unsigned)(want >> (8 * i)) & 0xff, i < 7 ? " " : "");
	ASSERT_OUT(hex);
	close(cfg);
	close(res);
	UNLOAD(vx->name);

	twin_is_rejected(_metadata, C, vx->name);
}

static __u64 ref_loop_million(__u32 s) { return vx_loop_million(s); }
static __u64 ref_big_stack(__u32 s) { return vx_big_stack(s); }
static __u64 ref_fib(__u32 n) { return vx_fib(n); }
static __u64 ref_large_program(__u32 s) { return vx_large_program(s); }

TEST_F_TIMEOUT(ex, loop_million_runs_natively_and_is_refused_as_ebpf, 90)
{
	const struct vx_case vx = { "loop_million", SYS_getsid, ref_loop_million, 0,
				    { 0, 1, 12345, 0x7fffffff, 0xdeadbeef } };

	verifier_example(_metadata, self, &vx);
}

TEST_F_TIMEOUT(ex, big_stack_runs_natively_and_is_refused_as_ebpf, 90)
{
	const struct vx_case vx = { "big_stack", SYS_sched_get_priority_max, ref_big_stack, 0,
				    { 0, 1, 12345, 0x7fffffff, 0xdeadbeef } };

	verifier_example(_metadata, self, &vx);
}

TEST_F_TIMEOUT(ex, recursion_runs_natively_and_is_refused_as_ebpf, 90)
{
	const struct vx_case vx = { "recursion", SYS_sched_get_priority_min, ref_fib,
				    VX_FIB_MAX_N, { 1, 2, 10, 20, 30 } };

	verifier_example(_metadata, self, &vx);
}

TEST_F_TIMEOUT(ex, large_program_runs_natively_and_is_refused_as_ebpf, 90)
{
	const struct vx_case vx = { "large_program", SYS_getpriority, ref_large_program, 0,
				    { 0, 1, 12345, 0x7fffffff, 0xdeadbeef } };

	verifier_example(_metadata, self, &vx);
}

TEST_HARNESS_MAIN
