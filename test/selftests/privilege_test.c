// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege and pointer hygiene, in the VM.
 *
 * What innerext does (kmod/main.c, kmod/map.c): every ioctl except
 * IE_IOC_GET_VERSION needs CAP_SYS_ADMIN in the initial user namespace:
 * loading, attaching, detaching, every lookup by id (GET_NEXT_ID, *_INFO,
 * MAP_GET_FD_BY_ID), map creation, and every ioctl on a map fd, also for a
 * process that was handed the fd (fork or SCM_RIGHTS). CAP_BPF, CAP_PERFMON and
 * CAP_NET_ADMIN are not enough, nor is full capability in a user namespace.
 * What an fd holder may do without it: read trace lines from an open
 * /dev/innerext and consume a ring buffer map through mmap()/poll() (its
 * records are output, like trace lines); program and link fds have no ioctls.
 * The capability is checked before the argument is read.
 *
 * Tests here: each of those commands is EPERM for five kinds of caller, with
 * the objects unchanged afterwards; the node is root:root 0600; and no kernel
 * address reaches user space: not in any info struct, refusal log, extctl
 * output (text and JSON) or trace line, and %p in ie_printk is hashed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"

#define HELLO_OBJ	"examples/hello.o"
#define PTR_OBJ		"test/selftests/fixtures/ptr_print.o"
#define EXTCTL		"./tools/extctl/extctl"
#define NOBODY		65534

/* ------------------------------------------------------------------ kernel addresses */


/* Offset of the first 8 bytes (at any 4-byte boundary) of @p that hold a kernel address, or -1. */
static int struct_kptr(const void *p, size_t size)
{
	size_t off;

	for (off = 0; off + 8 <= size; off += 4) {
		__u64 v;

		memcpy(&v, (const char *)p + off, 8);
		if (v >= KPTR_MIN)
			return off;
	}
	return -1;
}

/* ------------------------------------------------------------------ credentials */

enum creds { CR_NO_SYS_ADMIN, CR_BPF_PERFMON_NET_ADMIN, CR_NO_CAPS, CR_NOBODY, CR_USERNS };

/* Exactly @keep in the effective, permitted and inheritable sets; 0 or -1. */
static int caps_exactly(const cap_value_t *keep, int n)
{
	cap_t c = cap_init();
	int err;

	if (!c)
		return -1;
	err = (n && (cap_set_flag(c, CAP_EFFECTIVE, n, keep, CAP_SET) ||
		     cap_set_flag(c, CAP_PERMITTED, n, keep, CAP_SET))) || cap_set_proc(c);
	cap_free(c);
	return err ? -1 : 0;
}

static int caps_all_but_sys_admin(void)
{
	cap_t c = cap_get_proc();
	cap_value_t v = CAP_SYS_ADMIN;
	int err;

	if (!c)
		return -1;
	err = cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) ||
	      cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_CLEAR) ||
	      cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_CLEAR) || cap_set_proc(c);
	cap_free(c);
	return err ? -1 : 0;
}

/* Become the caller @cr describes (in a child). 0 or -1. */
static int become(enum creds cr)
{
	static const cap_value_t bpf_set[] = { CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN };
	cap_t c;
	int ok;

	switch (cr) {
	case CR_NO_SYS_ADMIN:
		if (caps_all_but_sys_admin())
			return -1;
		break;
	case CR_BPF_PERFMON_NET_ADMIN:
		if (caps_exactly(bpf_set, 3))
			return -1;
		break;
	case CR_NO_CAPS:
		if (caps_exactly(NULL, 0))
			return -1;
		break;
	case CR_NOBODY:
		/* leaving uid 0 clears every capability */
		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			return -1;
		break;
	case CR_USERNS:
		/* all capabilities, in a user namespace of our own */
		if (unshare(CLONE_NEWUSER))
			return -1;
		c = cap_get_proc();
		if (!c)
			return -1;
		{
			cap_flag_value_t f = CAP_CLEAR;

			ok = !cap_get_flag(c, CAP_SYS_ADMIN, CAP_EFFECTIVE, &f) && f == CAP_SET;
		}
		cap_free(c);
		if (!ok)
			return -1;
		break;
	}
	/* what the caller is meant to lack */
	c = cap_get_proc();
	if (!c)
		return -1;
	{
		cap_flag_value_t f = CAP_SET;

		ok = !cap_get_flag(c, CAP_SYS_ADMIN, CAP_EFFECTIVE, &f);
		if (cr != CR_USERNS && f == CAP_SET)
			ok = 0;
	}
	cap_free(c);
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ fd passing */

static int send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int) * n))
		return -1;
	memcpy(fds, CMSG_DATA(cm), sizeof(int) * n);
	return 0;
}

/* ------------------------------------------------------------------ the objects */

static void *hello_image(size_t *size)
{
	struct innerext_object *obj = innerext_object__open(HELLO_OBJ);
	const void *img;
	void *copy = NULL;

	if (!obj)
		return NULL;
	img = innerext_object__image(obj, size);
	if (img && (copy = malloc(*size)))
		memcpy(copy, img, *size);
	innerext_object__close(obj);
	return copy;
}

struct objs {
	int dev;
	void *img;
	size_t img_size;
	int prog_fd, link_fd, map_fd, rb_fd;
	__u32 prog_id, link_id, map_id, rb_id;
};

static int objs_make(struct objs *o)
{
	struct ie_link_create a = { 0 };
	struct ie_map_create mc = { 0 };
	__u32 key = 1;
	__u64 val = 7;

	memset(o, 0, sizeof(*o));
	o->prog_fd = o->link_fd = o->map_fd = o->rb_fd = -1;
	o->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (o->dev < 0)
		return -1;
	o->img = hello_image(&o->img_size);
	if (!o->img)
		return -2;
	o->prog_fd = innerext_prog_load(o->dev, "priv_hello", o->img, o->img_size, NULL, 0,
					&o->prog_id);
	if (o->prog_fd < 0)
		return -3;
	a.prog_fd = o->prog_fd;
	a.hook = IE_HOOK_TRACEPOINT;
	a.flags = IE_LINK_F_SYSCALL_NR | IE_LINK_F_PERSISTENT;
	a.syscall_nr = innerext_syscall_nr("getppid");
	strcpy(a.target, "raw_syscalls:sys_enter");
	o->link_fd = innerext_link_create(o->dev, &a);
	if (o->link_fd < 0)
		return -4;
	o->link_id = a.link_id;
	o->map_fd = map_create_tweak(o->dev, IE_MAP_HASH, 4, 8, 16, "priv_hash", NULL, &mc);
	if (o->map_fd < 0)
		return -5;
	o->map_id = mc.map_id;
	if (elem(o->map_fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 8, NULL, IE_ANY))
		return -6;
	o->rb_fd = map_create_tweak(o->dev, IE_MAP_RINGBUF, 0, 0, 4096, "priv_rb", NULL, &mc);
	if (o->rb_fd < 0)
		return -7;
	o->rb_id = mc.map_id;
	return 0;
}

static void objs_free(struct objs *o)
{
	if (o->link_id)
		innerext_link_detach_id(o->dev, o->link_id);
	if (o->link_fd >= 0)
		close(o->link_fd);
	if (o->prog_fd >= 0)
		close(o->prog_fd);
	if (o->map_fd >= 0)
		close(o->map_fd);
	if (o->rb_fd >= 0)
		close(o->rb_fd);
	free(o->img);
	if (o->dev >= 0)
		close(o->dev);
}

/* ------------------------------------------------------------------ the checks, in the child */

struct report {
	int fails, checks;
	char text[8192];
};

static void __attribute__((format(printf, 2, 3))) fail(struct report *r, const char *fmt, ...)
{
	size_t len = strlen(r->text);
	va_list ap;

	r->fails++;
	if (len + 200 > sizeof(r->text))
		return;
	va_start(ap, fmt);
	vsnprintf(r->text + len, sizeof(r->text) - len, fmt, ap);
	va_end(ap);
	strcat(r->text, "\n");
}

/* ioctl(fd, cmd, arg) must fail with EPERM. */
static void want_eperm(struct report *r, int fd, unsigned long cmd, void *arg, const char *what)
{
	int ret;

	r->checks++;
	errno = 0;
	ret = ioctl(fd, cmd, arg);
	if (ret >= 0) {
		fail(r, "%s: succeeded (%d) without CAP_SYS_ADMIN", what, ret);
		if (ret > 0 && ret != fd)
			close(ret);
	} else if (errno != EPERM) {
		fail(r, "%s: %s, expected EPERM", what, strerror(errno));
	}
}

/* Every privileged command on /dev/innerext @dev, with valid arguments and with none. */
static void dev_checks(struct report *r, int dev, const struct objs *o, const char *fdname)
{
	struct ie_prog_load pl = { .size = sizeof(pl) };
	struct ie_link_create lc = { .size = sizeof(lc) };
	struct ie_link_detach ld = { .size = sizeof(ld), .link_id = o->link_id };
	struct ie_get_next_id ni = { .size = sizeof(ni) };
	struct ie_prog_info pi = { .size = sizeof(pi), .id = o->prog_id };
	struct ie_link_info li = { .size = sizeof(li), .id = o->link_id };
	struct ie_map_create mc = { .size = sizeof(mc), .type = IE_MAP_ARRAY, .key_size = 4,
				    .value_size = 4, .max_entries = 1 };
	struct ie_map_get_fd mg = { .size = sizeof(mg), .map_id = o->map_id };
	struct ie_map_info mi = { .size = sizeof(mi), .id = o->map_id };
	struct ie_version v = { .size = sizeof(v) };
	char what[96];
	const struct {
		unsigned long cmd;
		void *arg;
		const char *name;
	} cmds[] = {
		{ IE_IOC_PROG_LOAD, &pl, "PROG_LOAD" },
		{ IE_IOC_LINK_CREATE, &lc, "LINK_CREATE" },
		{ IE_IOC_LINK_DETACH, &ld, "LINK_DETACH" },
		{ IE_IOC_GET_NEXT_ID, &ni, "GET_NEXT_ID" },
		{ IE_IOC_PROG_INFO, &pi, "PROG_INFO" },
		{ IE_IOC_LINK_INFO, &li, "LINK_INFO" },
		{ IE_IOC_MAP_CREATE, &mc, "MAP_CREATE" },
		{ IE_IOC_MAP_GET_FD_BY_ID, &mg, "MAP_GET_FD_BY_ID" },
		{ IE_IOC_MAP_INFO, &mi, "MAP_INFO" },
	};
	size_t i;
	int t;

	pl.image = (unsigned long)o->img;
	pl.image_size = o->img_size;
	strcpy(pl.name, "priv_denied");
	lc.prog_fd = o->prog_fd;
	lc.hook = IE_HOOK_KPROBE;
	strcpy(lc.target, "__x64_sys_getppid");
	strcpy(mc.name, "priv_denied");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(what, sizeof(what), "%s on %s", cmds[i].name, fdname);
		if (cmds[i].cmd == IE_IOC_GET_NEXT_ID) {
			for (t = IE_OBJ_PROG; t <= IE_OBJ_MAP; t++) {
				ni.type = t;
				snprintf(what, sizeof(what), "GET_NEXT_ID type %d on %s", t, fdname);
				want_eperm(r, dev, cmds[i].cmd, &ni, what);
			}
		} else {
			want_eperm(r, dev, cmds[i].cmd, cmds[i].arg, what);
		}
		/* checked before the argument is read: no EFAULT for a NULL one */
		snprintf(what, sizeof(what), "%s (NULL argument) on %s", cmds[i].name, fdname);
		want_eperm(r, dev, cmds[i].cmd, NULL, what);
	}
	/* the version query is not privileged */
	r->checks++;
	if (ioctl(dev, IE_IOC_GET_VERSION, &v) || v.abi_version != INNEREXT_ABI_VERSION)
		fail(r, "GET_VERSION on %s: %s", fdname, strerror(errno));
}

/* Every map fd command on @fd (a hash map with key 1 -> 7, or a ring buffer). */
static void map_checks(struct report *r, int fd, const char *fdname)
{
	struct ie_map_info mi = { .size = sizeof(mi) };
	struct ie_map_batch b = { .size = sizeof(b), .count = 4, .key_size = 4, .value_size = 8 };
	__u32 key = 1, next, keys[4];
	__u64 val = 9, vals[4];
	struct ie_map_elem e = { .size = sizeof(e), .key_size = 4, .value_size = 8,
				 .key = (unsigned long)&key, .value = (unsigned long)&val,
				 .next_key = (unsigned long)&next };
	const struct {
		unsigned long cmd;
		void *arg;
		const char *name;
	} cmds[] = {
		{ IE_IOC_MAP_LOOKUP, &e, "MAP_LOOKUP" },
		{ IE_IOC_MAP_UPDATE, &e, "MAP_UPDATE" },
		{ IE_IOC_MAP_DELETE, &e, "MAP_DELETE" },
		{ IE_IOC_MAP_GET_NEXT_KEY, &e, "MAP_GET_NEXT_KEY" },
		{ IE_IOC_MAP_DUMP, &b, "MAP_DUMP" },
		{ IE_IOC_MAP_INFO, &mi, "MAP_INFO (fd)" },
	};
	char what[96];
	size_t i;

	b.keys = (unsigned long)keys;
	b.values = (unsigned long)vals;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(what, sizeof(what), "%s on %s", cmds[i].name, fdname);
		want_eperm(r, fd, cmds[i].cmd, cmds[i].arg, what);
		snprintf(what, sizeof(what), "%s (NULL argument) on %s", cmds[i].name, fdname);
		want_eperm(r, fd, cmds[i].cmd, NULL, what);
	}
}

/* What an fd holder may do: consume a ring buffer (mmap, poll), read trace lines. */
static void holder_checks(struct report *r, int rb, int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct pollfd p = { .fd = rb, .events = POLLIN };
	void *cons, *prod;
	char buf[512];
	int fl;

	r->checks++;
	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rb, 0);
	if (cons == MAP_FAILED)
		fail(r, "ring buffer consumer page mmap by an fd holder: %s", strerror(errno));
	else
		munmap(cons, page);
	r->checks++;
	prod = mmap(NULL, page + 2 * 4096, PROT_READ, MAP_SHARED, rb, page);
	if (prod == MAP_FAILED)
		fail(r, "ring buffer data mmap by an fd holder: %s", strerror(errno));
	else
		munmap(prod, page + 2 * 4096);
	r->checks++;
	prod = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rb, page);
	if (prod != MAP_FAILED) {
		fail(r, "ring buffer producer page mapped writable");
		munmap(prod, page);
	}
	r->checks++;
	if (poll(&p, 1, 0) < 0)
		fail(r, "poll on a ring buffer fd: %s", strerror(errno));
	r->checks++;
	fl = fcntl(dev, F_GETFL);
	fcntl(dev, F_SETFL, fl | O_NONBLOCK);
	if (read(dev, buf, sizeof(buf)) < 0 && errno != EAGAIN)
		fail(r, "reading trace lines from an open /dev/innerext: %s", strerror(errno));
	fcntl(dev, F_SETFL, fl);
}

/* ------------------------------------------------------------------ fixture */

FIXTURE(priv) {
	struct objs o;
	struct ie_version v0;
	__u32 maps0;
};

FIXTURE_VARIANT(priv) {
	enum creds creds;
	bool nonroot;		/* uid is not 0 (or unmapped): opening the node fails */
};

FIXTURE_VARIANT_ADD(priv, no_cap_sys_admin) {
	.creds = CR_NO_SYS_ADMIN,
};

FIXTURE_VARIANT_ADD(priv, cap_bpf_perfmon_net_admin_only) {
	.creds = CR_BPF_PERFMON_NET_ADMIN,
};

FIXTURE_VARIANT_ADD(priv, root_without_capabilities) {
	.creds = CR_NO_CAPS,
};

FIXTURE_VARIANT_ADD(priv, nobody_with_passed_fds) {
	.creds = CR_NOBODY,
	.nonroot = true,
};

/* still kuid 0 (the node's owner may open it), every capability, but not in the init namespace */
FIXTURE_VARIANT_ADD(priv, all_caps_in_a_user_namespace) {
	.creds = CR_USERNS,
};

static __u32 count_maps(int dev)
{
	__u32 id = 0, n = 0;

	while (!innerext_get_next_id(dev, IE_OBJ_MAP, id, &id))
		n++;
	return n;
}

FIXTURE_SETUP(priv)
{
	int err;

	innerext_set_print(quiet_print);
	err = objs_make(&self->o);
	ASSERT_EQ(0, err) TH_LOG("setup step %d: %s", err, strerror(errno));
	self->v0.size = sizeof(self->v0);
	ASSERT_EQ(0, innerext_get_version(self->o.dev, &self->v0));
	self->maps0 = count_maps(self->o.dev);
}

FIXTURE_TEARDOWN(priv)
{
	objs_free(&self->o);
}

/*
 * A child becomes the variant's caller, keeps the fds it inherited, receives
 * the map fds again over SCM_RIGHTS, and tries every privileged command on all
 * of them. Afterwards nothing changed: no new object, the link is attached,
 * the element is still there with its value.
 */
TEST_F(priv, every_privileged_command_is_eperm)
{
	struct report *rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ie_link_info li = { 0 };
	struct ie_version v = { .size = sizeof(v) };
	int sv[2], status, fds[3];
	__u32 key = 1;
	__u64 val = 0;
	char c;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, rep);
	memset(rep, 0, sizeof(*rep));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int got[3], dev2;

		close(sv[0]);
		if (become(variant->creds)) {
			fail(rep, "could not become the caller under test: %s", strerror(errno));
			_exit(1);
		}
		if (write(sv[1], "r", 1) != 1 || recv_fds(sv[1], got, 3)) {
			fail(rep, "receiving fds: %s", strerror(errno));
			_exit(1);
		}
		dev_checks(rep, self->o.dev, &self->o, "the inherited /dev/innerext fd");
		dev_checks(rep, got[2], &self->o, "a /dev/innerext fd received over SCM_RIGHTS");
		map_checks(rep, self->o.map_fd, "an inherited hash map fd");
		map_checks(rep, got[0], "a hash map fd received over SCM_RIGHTS");
		map_checks(rep, got[1], "a ring buffer fd received over SCM_RIGHTS");
		holder_checks(rep, got[1], self->o.dev);
		/* opening the node itself */
		rep->checks++;
		dev2 = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
		if (variant->nonroot && (dev2 >= 0 || errno != EACCES))
			fail(rep, "open(%s) as a non-root uid: %s, expected EACCES",
			     INNEREXT_DEV_PATH, dev2 >= 0 ? "opened" : strerror(errno));
		if (!variant->nonroot && dev2 < 0)
			fail(rep, "open(%s) as uid 0: %s", INNEREXT_DEV_PATH, strerror(errno));
		if (dev2 >= 0) {
			dev_checks(rep, dev2, &self->o, "a /dev/innerext fd it opened itself");
			close(dev2);
		}
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(1, read(sv[0], &c, 1)) TH_LOG("the child did not get ready: %s", rep->text);
	fds[0] = self->o.map_fd;
	fds[1] = self->o.rb_fd;
	fds[2] = self->o.dev;
	ASSERT_EQ(0, send_fds(sv[0], fds, 3));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sv[0]);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, rep->fails) TH_LOG("%d of %d checks failed:\n%s", rep->fails, rep->checks,
					rep->text);
	EXPECT_LT(80, rep->checks);
	TH_LOG("%d checks", rep->checks);

	/* nothing changed */
	ASSERT_EQ(0, innerext_get_version(self->o.dev, &v));
	EXPECT_EQ(self->v0.nr_progs, v.nr_progs);
	EXPECT_EQ(self->v0.nr_links, v.nr_links);
	EXPECT_EQ(self->v0.text_arena_free, v.text_arena_free);
	EXPECT_EQ(self->maps0, count_maps(self->o.dev));
	ASSERT_EQ(0, innerext_link_get_info_by_id(self->o.dev, self->o.link_id, &li));
	EXPECT_EQ(1, li.attached);
	EXPECT_TRUE(li.flags & IE_LINK_F_PERSISTENT);
	ASSERT_EQ(0, elem(self->o.map_fd, IE_IOC_MAP_LOOKUP, &key, 4, &val, 8, NULL, 0));
	EXPECT_EQ(7, val);
	munmap(rep, sizeof(*rep));
}

/* ------------------------------------------------------------------ the node */

TEST(device_node_is_root_0600)
{
	struct stat st;
	pid_t pid;
	int status;

	ASSERT_EQ(0, stat(INNEREXT_DEV_PATH, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	/* not even read-only for anyone else */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (open(INNEREXT_DEV_PATH, O_RDONLY) >= 0 || errno != EACCES)
			_exit(11);
		if (open(INNEREXT_DEV_PATH, O_WRONLY) >= 0 || errno != EACCES)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ------------------------------------------------------------------ no kernel addresses */

FIXTURE(ptrs) {
	int dev;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(ptrs)
{
	innerext_set_print(quiet_print);
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(ptrs)
{
	close(self->dev);
}

#define EXPECT_NO_KPTR_STRUCT(s, what)							\
	do {										\
		int __off = struct_kptr(&(s), sizeof(s));				\
		__u64 __v = 0;								\
		if (__off >= 0)								\
			memcpy(&__v, (char *)&(s) + __off, 8);				\
		EXPECT_EQ(-1, __off) TH_LOG("%s: 0x%llx at offset %d", what,		\
					    (unsigned long long)__v, __off);		\
	} while (0)

#define EXPECT_NO_KPTR_TEXT(text, what)							\
	do {										\
		const char *__k = st_text_kptr((text), strlen(text));			\
		EXPECT_EQ(NULL, __k) TH_LOG("%s: a kernel address: ...%.40s", what, __k); \
	} while (0)

/*
 * Every out struct of every info command, for programs with maps and links of
 * each kind (kprobe, tracepoint, persistent), maps of every type.
 */
TEST_F(ptrs, info_structs_hold_ids_not_addresses)
{
	struct innerext_object *hello = innerext_object__open(HELLO_OBJ);
	struct innerext_object *mt = innerext_object__open("examples/map_test.o");
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, persist, .persistent = true);
	struct innerext_link *l1, *l2;
	struct ie_version v = { .size = sizeof(v) };
	__u32 id, n_prog = 0, n_link = 0, n_map = 0;
	int fds[6], i;
	const __u32 types[][4] = {
		{ IE_MAP_ARRAY, 4, 8, 4 }, { IE_MAP_HASH, 8, 8, 4 },
		{ IE_MAP_PERCPU_ARRAY, 4, 8, 4 }, { IE_MAP_PERCPU_HASH, 4, 8, 4 },
		{ IE_MAP_LRU_HASH, 4, 8, 4 }, { IE_MAP_RINGBUF, 0, 0, 4096 },
	};

	ASSERT_NE(NULL, hello);
	ASSERT_NE(NULL, mt);
	ASSERT_EQ(0, innerext_object__load(hello));
	ASSERT_EQ(0, innerext_object__load(mt));
	l1 = innerext_program__attach_kprobe(innerext_object__next_program(hello, NULL),
					     "__x64_sys_getppid", NULL);
	ASSERT_NE(NULL, l1);
	l2 = innerext_program__attach(innerext_object__next_program(hello, NULL), &persist);
	ASSERT_NE(NULL, l2);
	for (i = 0; i < 6; i++) {
		fds[i] = map_create(self->dev, types[i][0], types[i][1], types[i][2], types[i][3],
				    "ptrs_map", NULL);
		ASSERT_LE(0, fds[i]);
	}
	syscall(SYS_getppid);

	ASSERT_EQ(0, innerext_get_version(self->dev, &v));
	EXPECT_NO_KPTR_STRUCT(v, "ie_version");
	for (id = 0; !innerext_get_next_id(self->dev, IE_OBJ_PROG, id, &id); n_prog++) {
		__u32 map_ids[IE_MAX_MAPS];
		struct ie_prog_info pi;

		memset(&pi, 0, sizeof(pi));
		pi.size = sizeof(pi);
		pi.id = id;
		pi.map_ids = (unsigned long)map_ids;
		pi.nr_map_ids = IE_MAX_MAPS;
		ASSERT_EQ(0, ioctl(self->dev, IE_IOC_PROG_INFO, &pi));
		pi.map_ids = 0;		/* our own pointer, echoed */
		EXPECT_NO_KPTR_STRUCT(pi, "ie_prog_info");
		EXPECT_EQ(-1, struct_kptr(map_ids, pi.nr_map_ids * 4));
	}
	for (id = 0; !innerext_get_next_id(self->dev, IE_OBJ_LINK, id, &id); n_link++) {
		struct ie_link_info li;

		ASSERT_EQ(0, innerext_link_get_info_by_id(self->dev, id, &li));
		EXPECT_NO_KPTR_STRUCT(li, "ie_link_info");
	}
	for (id = 0; !innerext_get_next_id(self->dev, IE_OBJ_MAP, id, &id); n_map++) {
		struct ie_map_info mi;
		struct ie_get_next_id ni = { .size = sizeof(ni), .type = IE_OBJ_MAP, .start_id = id };
		int fd;

		ASSERT_EQ(0, innerext_map_get_info_by_id(self->dev, id, &mi));
		EXPECT_NO_KPTR_STRUCT(mi, "ie_map_info by id");
		fd = innerext_map_get_fd_by_id(self->dev, id);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, innerext_map_get_info_by_fd(fd, &mi));
		EXPECT_NO_KPTR_STRUCT(mi, "ie_map_info by fd");
		close(fd);
		ioctl(self->dev, IE_IOC_GET_NEXT_ID, &ni);
		EXPECT_NO_KPTR_STRUCT(ni, "ie_get_next_id");
	}
	EXPECT_LE(2, n_prog);
	EXPECT_LE(2, n_link);
	EXPECT_LE(9, n_map);
	TH_LOG("%u programs, %u links, %u maps checked", n_prog, n_link, n_map);

	innerext_link__destroy(l2);
	innerext_link__destroy(l1);
	for (i = 0; i < 6; i++)
		close(fds[i]);
	innerext_object__close(mt);
	innerext_object__close(hello);
}

/* Refusal logs name offsets and sizes, never addresses (a reloc that overflows included). */
TEST_F(ptrs, refusal_logs_hold_no_addresses)
{
	size_t size;
	void *img = hello_image(&size);
	struct ie_image_hdr *h = img;
	struct ie_image_reloc *r;
	struct ie_link_create a = { 0 };
	__u32 i, found = 0;
	int fd, prog;
	const __s64 addends[] = { -0x80000000LL, 0x100000000LL, (__s64)0x8000000000000000ULL,
				  0x7fffffffffffffffLL };

	ASSERT_NE(NULL, img);
	r = (struct ie_image_reloc *)((char *)img + h->relocs_off);
	/*
	 * A call to a helper with an addend that takes it out of rel32 reach: the
	 * module used to compute helper + addend and print the sum ("value 0x...
	 * does not fit"): the helper's address, minus a known addend.
	 */
	for (i = 0; i < h->nr_relocs; i++) {
		struct ie_image_reloc save = r[i];
		size_t k;

		if (r[i].target_seg != IE_SEG_IMPORT)
			continue;
		found++;
		for (k = 0; k < sizeof(addends) / sizeof(addends[0]); k++) {
			r[i].type = k % 2 ? IE_RELOC_ABS32S : IE_RELOC_PC32;
			r[i].addend = addends[k];
			fd = innerext_prog_load(self->dev, "ptrs_bad", img, size, self->log,
						sizeof(self->log), NULL);
			EXPECT_EQ(-EINVAL, fd) TH_LOG("addend %lld: %s", (long long)addends[k],
						      self->log);
			if (fd >= 0)
				close(fd);
			EXPECT_NO_KPTR_TEXT(self->log, "prog_load log");
			EXPECT_EQ(NULL, strstr(self->log, "value 0x")) TH_LOG("%s", self->log);
		}
		r[i] = save;
	}
	EXPECT_LT(0, found);

	/* the other refusals that name things */
	h->magic ^= 1;
	fd = innerext_prog_load(self->dev, "ptrs_bad", img, size, self->log, sizeof(self->log), NULL);
	EXPECT_EQ(-EINVAL, fd);
	EXPECT_NO_KPTR_TEXT(self->log, "bad magic log");
	h->magic ^= 1;
	prog = innerext_prog_load(self->dev, "ptrs_ok", img, size, NULL, 0, NULL);
	ASSERT_LE(0, prog);
	a.prog_fd = prog;
	a.hook = IE_HOOK_KPROBE;
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	strcpy(a.target, "ie_ioctl");		/* inside innerext */
	EXPECT_EQ(-EINVAL, innerext_link_create(self->dev, &a));
	EXPECT_NO_KPTR_TEXT(self->log, "kprobe on innerext log");
	strcpy(a.target, "ptrs_no_such_function");
	EXPECT_EQ(-ENOENT, innerext_link_create(self->dev, &a));
	EXPECT_NO_KPTR_TEXT(self->log, "kprobe log");
	a.hook = IE_HOOK_TRACEPOINT;
	strcpy(a.target, "ptrs:no_such_tracepoint");
	EXPECT_EQ(-ENOENT, innerext_link_create(self->dev, &a));
	EXPECT_NO_KPTR_TEXT(self->log, "tracepoint log");
	close(prog);
	free(img);
}

static void expect_no_kptr_cmd(struct __test_metadata *_metadata, struct st_cmd *c,
			       const char *cmdline)
{
	int st = st_cmd(c, "%s", cmdline);

	EXPECT_EQ(0, st) TH_LOG("%s: %s", cmdline, c->err);
	EXPECT_NO_KPTR_TEXT(c->out, cmdline);
	EXPECT_NO_KPTR_TEXT(c->err, cmdline);
}

/* extctl list/map list/version, text and JSON, with programs, links and maps loaded. */
TEST_F(ptrs, extctl_output_has_no_addresses)
{
	static struct st_cmd c;
	const char *const cmds[] = {
		EXTCTL " list", EXTCTL " -j list", EXTCTL " -p list", EXTCTL " map list",
		EXTCTL " -j map list", EXTCTL " version", EXTCTL " -j version",
		EXTCTL " map dump syscall_count", EXTCTL " -j map dump syscall_count",
		EXTCTL " map dump events",
	};
	size_t i;

	ASSERT_EQ(0, st_cmd(&c, EXTCTL " load " HELLO_OBJ " --name ptrs_hello")) TH_LOG("%s", c.err);
	ASSERT_EQ(0, st_cmd(&c, EXTCTL " load examples/map_test.o --name ptrs_maps")) TH_LOG("%s", c.err);
	ASSERT_EQ(0, st_cmd(&c, EXTCTL " load examples/ringbuf_events.o --name ptrs_rb")) TH_LOG("%s", c.err);
	syscall(SYS_getppid);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strstr(cmds[i], "dump events")) {
			st_cmd(&c, "%s", cmds[i]);	/* a ring buffer has no elements: refused */
			EXPECT_NO_KPTR_TEXT(c.out, cmds[i]);
			EXPECT_NO_KPTR_TEXT(c.err, cmds[i]);
			continue;
		}
		expect_no_kptr_cmd(_metadata, &c, cmds[i]);
	}
	st_cmd(&c, EXTCTL " -j list");
	EXPECT_NE(NULL, strstr(c.out, "ptrs_hello")) TH_LOG("%s", c.out);
	EXPECT_EQ(0, st_cmd(&c, EXTCTL " unload ptrs_hello")) TH_LOG("%s", c.err);
	EXPECT_EQ(0, st_cmd(&c, EXTCTL " unload ptrs_maps")) TH_LOG("%s", c.err);
	EXPECT_EQ(0, st_cmd(&c, EXTCTL " unload ptrs_rb")) TH_LOG("%s", c.err);
}

/* Read trace lines for up to @ms into @buf. */
static size_t trace_collect(int dev, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };
	size_t len = 0;
	double end = st_now_s() + ms / 1000.0;
	int fl = fcntl(dev, F_GETFL);

	fcntl(dev, F_SETFL, fl | O_NONBLOCK);
	while (st_now_s() < end && len < size - 1) {
		ssize_t n;

		poll(&p, 1, 50);
		n = read(dev, buf + len, size - 1 - len);
		if (n > 0)
			len += n;
		else if (len && strstr(buf, "ptrcheck3"))
			break;
	}
	buf[len] = '\0';
	fcntl(dev, F_SETFL, fl);
	return len;
}

/* The value of "key=" in @line, as the text up to the next space/']'; "" if absent. */
static void field(const char *line, const char *key, char *out, size_t size)
{
	const char *p = strstr(line, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ' || *p == '[')
		p++;
	n = strcspn(p, " ]\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static bool is_placeholder(const char *s)
{
	return !strncmp(s, "(____ptrval____)", 16) || !strncmp(s, "(ptrval)", 8);
}

/*
 * What the kernel's %p prints: a 32-bit hash, zero-padded to 16 digits without
 * a width, or the placeholder while the hash key is not ready.
 */
static bool is_hashed(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	if (is_placeholder(s))
		return true;
	return n == 16 && !s[n] && !strncmp(s, "00000000", 8);
}

TEST_F(ptrs, trace_p_is_hashed_and_lines_hold_no_addresses)
{
	static char trace[65536];
	char cmdline[4096] = "", p[64], w[64], x[64], px[64], pk[64], ps[64], ctxp[64];
	struct innerext_object *obj = innerext_object__open(PTR_OBJ);
	struct innerext_link *link;
	const char *l1, *l2, *l3;
	unsigned long long raw;
	int fd, i;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, cmdline, sizeof(cmdline) - 1) < 0)
			cmdline[0] = '\0';
		close(fd);
	}
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__load(obj));
	link = innerext_program__attach(innerext_object__next_program(obj, NULL), NULL);
	ASSERT_NE(NULL, link);
	trace_collect(self->dev, trace, sizeof(trace), 100);	/* old lines */
	syscall(SYS_getppid);
	trace_collect(self->dev, trace, sizeof(trace), 3000);
	innerext_link__destroy(link);
	innerext_object__close(obj);

	l1 = strstr(trace, "ptrcheck1");
	l2 = strstr(trace, "ptrcheck2");
	l3 = strstr(trace, "ptrcheck3");
	ASSERT_NE(NULL, l1) TH_LOG("trace: %s", trace);
	ASSERT_NE(NULL, l2) TH_LOG("trace: %s", trace);
	ASSERT_NE(NULL, l3) TH_LOG("trace: %s", trace);
	field(l1, "p=", p, sizeof(p));
	field(l1, "w=", w, sizeof(w));
	field(l1, "x=", x, sizeof(x));
	field(l2, "px=", px, sizeof(px));
	field(l2, "pK=", pk, sizeof(pk));
	field(l2, "pS=", ps, sizeof(ps));
	field(l3, "ctx=", ctxp, sizeof(ctxp));
	TH_LOG("%%p %s, %%20p %s, %%lx %s, %%px %s, %%pK %s, %%pS %s, ctx %s", p, w, x, px, pk,
	       ps, ctxp);
	/* the extension printed its own address on purpose: it is a kernel address */
	raw = strtoull(x, NULL, 16);
	EXPECT_LE(KPTR_MIN, raw);
	/* slub_debug turns no_hash_pointers on too (mm/slub.c) */
	if (strstr(cmdline, "no_hash_pointers") || strstr(cmdline, "slub_debug")) {
		TH_LOG("no_hash_pointers or slub_debug on the kernel command line: %%p is not hashed");
		return;
	}
	EXPECT_TRUE(is_hashed(p)) TH_LOG("%%p printed '%s'", p);
	EXPECT_TRUE(is_hashed(ctxp)) TH_LOG("ctx %%p printed '%s'", ctxp);
	if (is_placeholder(p)) {
		TH_LOG("the pointer hash key is not ready yet: %%p printed a placeholder");
		return;
	}
	EXPECT_NE(raw, strtoull(p, NULL, 16));
	/* with a width: the same hash, space-padded */
	EXPECT_EQ(strtoull(p, NULL, 16), strtoull(w, NULL, 16)) TH_LOG("%%20p printed '%s'", w);
	/* %px, %pK, %pS: the hash, then the letter as text */
	EXPECT_EQ(0, strncmp(px, p, strlen(p)));
	EXPECT_STREQ("x", px + strlen(p));
	EXPECT_EQ(0, strncmp(pk, p, strlen(p)));
	EXPECT_STREQ("K", pk + strlen(p));
	EXPECT_EQ(0, strncmp(ps, p, strlen(p)));
	EXPECT_STREQ("S", ps + strlen(p));
	/* nothing else in the lines looks like an address (the deliberate %lx aside) */
	for (i = 0; trace[i]; i++)
		if (!strncmp(trace + i, x, strlen(x)))
			memset(trace + i, '-', strlen(x));
	EXPECT_NO_KPTR_TEXT(trace, "trace lines");
}

TEST_HARNESS_MAIN
