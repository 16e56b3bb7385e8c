// SPDX-License-Identifier: GPL-2.0
/*
 * innerext selftests: run inside a QEMU guest on a stock Debian kernel with
 * innerext.ko loaded, from /innerext (so examples/ paths resolve).
 *
 * One test per behaviour and per rejection path, each asserting the exact
 * errno and, where the kernel logs a reason, a substring of that reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"

#define HELLO_OBJ	"examples/hello.o"
#define HELLO_TRIGGER	"examples/hello_trigger"

/* ------------------------------------------------------------------ helpers */


/* Read every trace line available now (non-blocking) into buf. */
static size_t trace_drain(int dev, char *buf, size_t size)
{
	size_t len = 0;
	int fl = fcntl(dev, F_GETFL);

	fcntl(dev, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		ssize_t n = read(dev, buf + len, size - 1 - len);

		if (n <= 0 || len + n >= size - 1) {
			if (n > 0)
				len += n;
			break;
		}
		len += n;
	}
	buf[len] = '\0';
	fcntl(dev, F_SETFL, fl);
	return len;
}

/* Wait up to ms for trace output, then drain. */
static size_t trace_wait_drain(int dev, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };

	poll(&p, 1, ms);
	usleep(50 * 1000);	/* let the other lines of a burst arrive */
	return trace_drain(dev, buf, size);
}


static void do_dups(int n)
{
	for (int i = 0; i < n; i++)
		close(dup(0));
}

/* The hello image, serialized by libinnerext, copied so a test may mutate it. */
static void *hello_image(size_t *size)
{
	struct innerext_object *obj = innerext_object__open(HELLO_OBJ);
	const void *img;
	void *copy;

	if (!obj)
		return NULL;
	img = innerext_object__image(obj, size);
	copy = malloc(*size);
	if (copy)
		memcpy(copy, img, *size);
	innerext_object__close(obj);
	return copy;
}

static struct ie_image_hdr *hdr_of(void *img)
{
	return img;
}

static struct ie_image_reloc *relocs_of(void *img)
{
	return (struct ie_image_reloc *)((char *)img + hdr_of(img)->relocs_off);
}

static struct ie_image_import *imports_of(void *img)
{
	return (struct ie_image_import *)((char *)img + hdr_of(img)->imports_off);
}

static struct ie_image_entry *entries_of(void *img)
{
	return (struct ie_image_entry *)((char *)img + hdr_of(img)->entries_off);
}

/* Raw IE_IOC_PROG_LOAD; returns fd or -errno, log in log. */
static int raw_load(int dev, const void *img, size_t size, char *log, struct ie_prog_load *tweak)
{
	struct ie_prog_load a;
	int fd;

	memset(&a, 0, sizeof(a));
	if (tweak)
		a = *tweak;
	a.size = sizeof(a);
	a.image = (unsigned long)img;
	a.image_size = size;
	if (log) {
		log[0] = '\0';
		a.log_buf = (unsigned long)log;
		a.log_size = LOG_SIZE;
	}
	if (!a.name[0])
		strcpy(a.name, "hello");
	fd = ioctl(dev, IE_IOC_PROG_LOAD, &a);
	return fd < 0 ? -errno : fd;
}

static int raw_link(int dev, struct ie_link_create *a, char *log)
{
	int fd;

	a->size = sizeof(*a);
	if (log) {
		log[0] = '\0';
		a->log_buf = (unsigned long)log;
		a->log_size = LOG_SIZE;
	}
	fd = ioctl(dev, IE_IOC_LINK_CREATE, a);
	return fd < 0 ? -errno : fd;
}

static void link_syscall_attr(struct ie_link_create *a, int prog_fd, const char *sc)
{
	memset(a, 0, sizeof(*a));
	a->prog_fd = prog_fd;
	a->hook = IE_HOOK_TRACEPOINT;
	a->flags = IE_LINK_F_SYSCALL_NR;
	a->syscall_nr = innerext_syscall_nr(sc);
	strcpy(a->target, "raw_syscalls:sys_enter");
}

static struct ie_version version_of(int dev)
{
	struct ie_version v = { .size = sizeof(v) };

	if (innerext_get_version(dev, &v))
		memset(&v, 0xff, sizeof(v));
	return v;
}


/* ------------------------------------------------------------------ fixture */

FIXTURE(dev) {
	int fd;
	char log[LOG_SIZE];
	char trace[65536];
};

FIXTURE_SETUP(dev)
{
	innerext_set_print(quiet_print);
	self->fd = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", INNEREXT_DEV_PATH, strerror(errno));
	trace_drain(self->fd, self->trace, sizeof(self->trace));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

/* ------------------------------------------------------------------ basics */

TEST_F(dev, version_and_features)
{
	struct ie_version v = version_of(self->fd);

	ASSERT_EQ(INNEREXT_ABI_VERSION, v.abi_version);
	ASSERT_EQ(sizeof(v), v.size);
	ASSERT_TRUE(v.features & IE_FEAT_KPROBE);
	ASSERT_TRUE(v.features & IE_FEAT_TRACEPOINT);
	ASSERT_EQ(IE_MAX_IMAGE_SIZE, v.max_image_size);
	ASSERT_LT(0, v.text_arena_size);
	ASSERT_LE(v.text_arena_free, v.text_arena_size);
	ASSERT_LE(v.data_arena_free, v.data_arena_size);
}

TEST(device_node_is_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(INNEREXT_DEV_PATH, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0600, st.st_mode & 07777);
}

/* ------------------------------------------------------------------ hello end to end */

static void hello_runs_at(struct __test_metadata *_metadata, int dev, char *trace, size_t tsize,
			  bool kprobe)
{
	struct innerext_object *obj;
	struct innerext_program *prog;
	struct innerext_link *link;
	struct ie_prog_info info = { 0 };
	char expect[128];

	obj = innerext_object__open(HELLO_OBJ);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__load(obj));
	prog = innerext_object__find_program_by_name(obj, "hello");
	ASSERT_NE(NULL, prog);
	link = kprobe ? innerext_program__attach_kprobe(prog, "__x64_sys_dup", NULL)
		      : innerext_program__attach(prog, NULL);
	ASSERT_NE(NULL, link) TH_LOG("attach: %s", strerror(errno));

	do_dups(3);
	snprintf(expect, sizeof(expect), "hello: triggered from PID %d ", getpid());
	trace_wait_drain(dev, trace, tsize, 2000);
	EXPECT_EQ(3, count_substr(trace, expect)) TH_LOG("trace was:\n%s", trace);

	ASSERT_EQ(0, innerext_prog_get_info_by_id(dev, innerext_object__prog_id(obj), &info));
	EXPECT_EQ(3, info.run_cnt);
	EXPECT_EQ(1, info.nr_links);
	EXPECT_STREQ("hello", info.name);
	EXPECT_LT(0, info.run_time_ns);

	/* unload detaches: no more output */
	ASSERT_EQ(0, innerext_link__destroy(link));
	do_dups(3);
	trace_wait_drain(dev, trace, tsize, 300);
	EXPECT_EQ(0, count_substr(trace, expect)) TH_LOG("trace after detach:\n%s", trace);
	ASSERT_EQ(0, innerext_prog_get_info_by_id(dev, innerext_object__prog_id(obj), &info));
	EXPECT_EQ(3, info.run_cnt);
	EXPECT_EQ(0, info.nr_links);
	innerext_object__close(obj);
}

TEST_F(dev, hello_tracepoint_sys_enter_dup)
{
	hello_runs_at(_metadata, self->fd, self->trace, sizeof(self->trace), false);
}

TEST_F(dev, hello_kprobe_x64_sys_dup)
{
	hello_runs_at(_metadata, self->fd, self->trace, sizeof(self->trace), true);
}

TEST_F(dev, hello_reports_the_triggering_pid)
{
	struct innerext_object *obj = innerext_object__open(HELLO_OBJ);
	struct innerext_link *link;
	char expect[128];
	int status;
	pid_t pid;

	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__load(obj));
	link = innerext_program__attach(innerext_object__next_program(obj, NULL), NULL);
	ASSERT_NE(NULL, link);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		execl(HELLO_TRIGGER, "hello_trigger", "2", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	snprintf(expect, sizeof(expect), "hello: triggered from PID %d (hello_trigger)", pid);
	trace_wait_drain(self->fd, self->trace, sizeof(self->trace), 2000);
	EXPECT_EQ(2, count_substr(self->trace, expect)) TH_LOG("trace was:\n%s", self->trace);
	innerext_link__destroy(link);
	innerext_object__close(obj);
}

TEST_F(dev, syscall_filter_ignores_other_syscalls)
{
	struct ie_link_create a;
	size_t size;
	void *img = hello_image(&size);
	char expect[64];
	int prog, link;

	ASSERT_NE(NULL, img);
	prog = raw_load(self->fd, img, size, self->log, NULL);
	ASSERT_LE(0, prog) TH_LOG("%s", self->log);
	link_syscall_attr(&a, prog, "getppid");
	link = raw_link(self->fd, &a, self->log);
	ASSERT_LE(0, link) TH_LOG("%s", self->log);
	do_dups(5);
	trace_wait_drain(self->fd, self->trace, sizeof(self->trace), 300);
	snprintf(expect, sizeof(expect), "PID %d ", getpid());
	EXPECT_EQ(0, count_substr(self->trace, expect));
	getppid();
	trace_wait_drain(self->fd, self->trace, sizeof(self->trace), 2000);
	EXPECT_EQ(1, count_substr(self->trace, expect));
	close(link);
	close(prog);
	free(img);
}

TEST_F(dev, persistent_link_outlives_its_fds_until_detached)
{
	struct innerext_object *obj = innerext_object__open(HELLO_OBJ);
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, opts, .persistent = true);
	struct ie_link_info li = { 0 };
	struct ie_prog_info pi = { 0 };
	struct innerext_link *link;
	char expect[64];
	__u32 link_id, prog_id;

	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__load(obj));
	link = innerext_program__attach(innerext_object__next_program(obj, NULL), &opts);
	ASSERT_NE(NULL, link);
	link_id = innerext_link__id(link);
	prog_id = innerext_object__prog_id(obj);
	innerext_link__disconnect(link);
	innerext_object__close(obj);

	ASSERT_EQ(0, innerext_link_get_info_by_id(self->fd, link_id, &li));
	EXPECT_TRUE(li.flags & IE_LINK_F_PERSISTENT);
	EXPECT_EQ(1, li.attached);
	EXPECT_EQ(prog_id, li.prog_id);
	EXPECT_STREQ("raw_syscalls:sys_enter", li.target);
	EXPECT_STREQ("hello", li.entry_name);

	snprintf(expect, sizeof(expect), "PID %d ", getpid());
	do_dups(1);
	trace_wait_drain(self->fd, self->trace, sizeof(self->trace), 2000);
	EXPECT_EQ(1, count_substr(self->trace, expect));

	ASSERT_EQ(0, innerext_link_detach_id(self->fd, link_id));
	do_dups(1);
	trace_wait_drain(self->fd, self->trace, sizeof(self->trace), 300);
	EXPECT_EQ(0, count_substr(self->trace, expect));
	/* the last reference is gone: program and link are freed */
	EXPECT_EQ(-ENOENT, innerext_link_get_info_by_id(self->fd, link_id, &li));
	EXPECT_EQ(-ENOENT, innerext_prog_get_info_by_id(self->fd, prog_id, &pi));
	EXPECT_EQ(-ENOENT, innerext_link_detach_id(self->fd, link_id));
}

TEST_F(dev, list_iterates_programs_and_links)
{
	size_t size;
	void *img = hello_image(&size);
	struct ie_link_create a;
	struct ie_prog_load t = { 0 };
	__u32 id = 0, prog_id = 0;
	int prog, link, found = 0, err;

	ASSERT_NE(NULL, img);
	strcpy(t.name, "list_me");
	prog = raw_load(self->fd, img, size, NULL, &t);
	ASSERT_LE(0, prog);
	link_syscall_attr(&a, prog, "dup");
	link = raw_link(self->fd, &a, NULL);
	ASSERT_LE(0, link);
	while (!(err = innerext_get_next_id(self->fd, IE_OBJ_PROG, id, &id))) {
		struct ie_prog_info pi = { 0 };

		if (!innerext_prog_get_info_by_id(self->fd, id, &pi) && !strcmp(pi.name, "list_me")) {
			found++;
			prog_id = id;
			EXPECT_EQ(1, pi.nr_links);
			EXPECT_EQ(getpid(), (pid_t)pi.owner_pid);
		}
	}
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(1, found);
	id = 0;
	found = 0;
	while (!innerext_get_next_id(self->fd, IE_OBJ_LINK, id, &id)) {
		struct ie_link_info li = { 0 };

		if (!innerext_link_get_info_by_id(self->fd, id, &li) && li.prog_id == prog_id) {
			found++;
			EXPECT_EQ(IE_HOOK_TRACEPOINT, li.hook);
			EXPECT_EQ((__u32)innerext_syscall_nr("dup"), li.syscall_nr);
		}
	}
	EXPECT_EQ(1, found);
	close(link);
	close(prog);
	free(img);
}

/* ------------------------------------------------------------------ image rejections */

FIXTURE(img) {
	int fd;
	void *img;
	size_t size;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(img)
{
	innerext_set_print(quiet_print);
	self->fd = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->img = hello_image(&self->size);
	ASSERT_NE(NULL, self->img);
	ASSERT_LT(0, hdr_of(self->img)->nr_relocs);
	ASSERT_LT(0, hdr_of(self->img)->nr_imports);
}

FIXTURE_TEARDOWN(img)
{
	free(self->img);
	close(self->fd);
}

#define EXPECT_REFUSED(err, substr)							\
	do {										\
		int __fd = raw_load(self->fd, self->img, self->size, self->log, NULL);	\
		EXPECT_EQ(err, __fd) TH_LOG("log: %s", self->log);			\
		if (__fd >= 0)								\
			close(__fd);							\
		EXPECT_NE(NULL, strstr(self->log, substr)) TH_LOG("log: %s", self->log); \
	} while (0)

TEST_F(img, unmodified_image_loads)
{
	int fd = raw_load(self->fd, self->img, self->size, self->log, NULL);

	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
}

TEST_F(img, truncated_header)
{
	self->size = sizeof(struct ie_image_hdr) - 8;
	EXPECT_REFUSED(-EINVAL, "truncated");
}

TEST_F(img, truncated_body)
{
	self->size = hdr_of(self->img)->entries_off + 8;
	EXPECT_REFUSED(-EINVAL, "truncated");
}

TEST_F(img, bad_magic)
{
	hdr_of(self->img)->magic ^= 1;
	EXPECT_REFUSED(-EINVAL, "magic");
}

TEST_F(img, unknown_image_flags)
{
	hdr_of(self->img)->flags = 0x4;
	EXPECT_REFUSED(-EINVAL, "unknown flags");
}

TEST_F(img, nonzero_reserved_header_field)
{
	hdr_of(self->img)->reserved[6] = 1;
	EXPECT_REFUSED(-EINVAL, "reserved");
}

TEST_F(img, reloc_offset_out_of_range)
{
	relocs_of(self->img)[0].offset = hdr_of(self->img)->text_size - 2;
	relocs_of(self->img)[0].seg = IE_SEG_TEXT;
	EXPECT_REFUSED(-EINVAL, "out of range");
}

TEST_F(img, reloc_target_out_of_range)
{
	struct ie_image_reloc *r = &relocs_of(self->img)[0];

	r->target_seg = IE_SEG_DATA;
	r->target = hdr_of(self->img)->data_mem_size + 64;
	EXPECT_REFUSED(-EINVAL, "out of range");
}

TEST_F(img, reloc_import_index_out_of_range)
{
	struct ie_image_reloc *r = &relocs_of(self->img)[0];

	r->target_seg = IE_SEG_IMPORT;
	r->target = hdr_of(self->img)->nr_imports;
	EXPECT_REFUSED(-EINVAL, "out of range");
}

TEST_F(img, reloc_unknown_type)
{
	relocs_of(self->img)[0].type = 99;
	EXPECT_REFUSED(-EINVAL, "unknown type");
}

TEST_F(img, unknown_helper)
{
	struct ie_image_import *imp = imports_of(self->img);

	strcpy(imp[0].name, "ie_no_such_helper");
	EXPECT_REFUSED(-ENOENT, "unknown helper 'ie_no_such_helper'");
}

TEST_F(img, entry_outside_text)
{
	entries_of(self->img)[0].text_off = hdr_of(self->img)->text_size + 16;
	EXPECT_REFUSED(-EINVAL, "outside text");
}

TEST_F(img, no_entries)
{
	hdr_of(self->img)->nr_entries = 0;
	EXPECT_REFUSED(-EINVAL, "entries");
}

TEST_F(img, overlapping_regions)
{
	hdr_of(self->img)->data_off = hdr_of(self->img)->text_off;
	hdr_of(self->img)->data_size = 8;
	EXPECT_REFUSED(-EINVAL, "overlaps");
}

TEST_F(img, oversized_image)
{
	size_t big = IE_MAX_IMAGE_SIZE + 4096;
	char *buf = calloc(1, big);
	int fd;

	ASSERT_NE(NULL, buf);
	memcpy(buf, self->img, self->size);
	fd = raw_load(self->fd, buf, big, self->log, NULL);
	EXPECT_EQ(-E2BIG, fd);
	EXPECT_NE(NULL, strstr(self->log, "limit")) TH_LOG("log: %s", self->log);
	free(buf);
}

TEST_F(img, image_pointer_fault)
{
	int fd = raw_load(self->fd, (void *)16, self->size, self->log, NULL);

	EXPECT_EQ(-EFAULT, fd);
}

/* ------------------------------------------------------------------ ioctl rules */

TEST_F(img, prog_load_unknown_flags)
{
	struct ie_prog_load t = { .flags = 0x80 };

	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
	EXPECT_NE(NULL, strstr(self->log, "unknown flags"));
}

TEST_F(img, prog_load_nonzero_reserved)
{
	struct ie_prog_load t = { 0 };

	t.pad = 1;
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
	EXPECT_NE(NULL, strstr(self->log, "reserved"));
	memset(&t, 0, sizeof(t));
	t.pad = 1;
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
	memset(&t, 0, sizeof(t));
	t.pad2 = 1;
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
}

TEST_F(img, map_fds_must_match_the_image_maps)
{
	struct ie_prog_load t = { 0 };
	__u32 fds[1] = { 0 };

	t.map_fds = (unsigned long)fds;
	t.nr_map_fds = 1;
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
	EXPECT_NE(NULL, strstr(self->log, "the image uses 0 maps, 1 map fds given"))
		TH_LOG("log: %s", self->log);
}

TEST_F(img, prog_load_bad_name)
{
	struct ie_prog_load t = { 0 };

	strcpy(t.name, "bad name!");
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, self->size, self->log, &t));
	EXPECT_NE(NULL, strstr(self->log, "name"));
}

TEST_F(img, prog_load_empty_image)
{
	EXPECT_EQ(-EINVAL, raw_load(self->fd, self->img, 0, self->log, NULL));
}

TEST_F(img, log_args_inconsistent)
{
	struct ie_prog_load a = { .size = sizeof(a) };

	strcpy(a.name, "x");
	a.image = (unsigned long)self->img;
	a.image_size = self->size;
	a.log_buf = (unsigned long)self->log;
	a.log_size = 0;
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_PROG_LOAD, &a));
	EXPECT_EQ(EINVAL, errno);
	a.log_size = IE_LOG_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_PROG_LOAD, &a));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(img, size_field_must_match_ioctl)
{
	struct ie_prog_load a = { .size = sizeof(a) - 8 };

	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_PROG_LOAD, &a));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(img, larger_struct_with_nonzero_tail)
{
	struct { struct ie_version v; __u64 extra; } big = { 0 };
	unsigned long cmd = _IOWR(IE_IOC_MAGIC, 0x00, big);

	big.v.size = sizeof(big);
	EXPECT_EQ(0, ioctl(self->fd, cmd, &big));	/* zero tail: fine */
	EXPECT_EQ(INNEREXT_ABI_VERSION, big.v.abi_version);
	big.extra = 1;
	big.v.size = sizeof(big);
	EXPECT_EQ(-1, ioctl(self->fd, cmd, &big));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(img, smaller_struct_than_v1)
{
	struct { __u32 size; __u32 pad; } small = { .size = sizeof(small) };
	unsigned long cmd = _IOWR(IE_IOC_MAGIC, 0x00, small);

	EXPECT_EQ(-1, ioctl(self->fd, cmd, &small));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(img, unknown_ioctl)
{
	__u64 x[4] = { 0 };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(IE_IOC_MAGIC, 0x7f, x), x));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('x', 0x01, x), x));
	EXPECT_EQ(ENOTTY, errno);
	/* right number, wrong direction */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(IE_IOC_MAGIC, 0x01, struct ie_prog_load), x));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(img, arg_pointer_fault)
{
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_PROG_LOAD, (void *)16));
	EXPECT_EQ(EFAULT, errno);
}

/* ------------------------------------------------------------------ link rejections */

FIXTURE(lnk) {
	int fd;
	int prog;
	struct ie_link_create a;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(lnk)
{
	size_t size;
	void *img;

	innerext_set_print(quiet_print);
	self->fd = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	img = hello_image(&size);
	ASSERT_NE(NULL, img);
	self->prog = raw_load(self->fd, img, size, NULL, NULL);
	free(img);
	ASSERT_LE(0, self->prog);
	link_syscall_attr(&self->a, self->prog, "dup");
}

FIXTURE_TEARDOWN(lnk)
{
	close(self->prog);
	close(self->fd);
}

#define EXPECT_LINK_REFUSED(err, substr)						\
	do {										\
		int __fd = raw_link(self->fd, &self->a, self->log);			\
		EXPECT_EQ(err, __fd) TH_LOG("log: %s", self->log);			\
		if (__fd >= 0)								\
			close(__fd);							\
		EXPECT_NE(NULL, strstr(self->log, substr)) TH_LOG("log: %s", self->log); \
	} while (0)

TEST_F(lnk, valid_attr_attaches)
{
	int fd = raw_link(self->fd, &self->a, self->log);

	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
}

TEST_F(lnk, unknown_flags)
{
	self->a.flags |= 0x100;
	EXPECT_LINK_REFUSED(-EINVAL, "unknown flags");
}

TEST_F(lnk, nonzero_reserved)
{
	self->a.reserved[0] = 7;
	EXPECT_LINK_REFUSED(-EINVAL, "reserved");
}

TEST_F(lnk, entry_index_out_of_range)
{
	self->a.entry = 5;
	EXPECT_LINK_REFUSED(-EINVAL, "entry 5 does not exist");
}

TEST_F(lnk, bad_prog_fd)
{
	self->a.prog_fd = 9999;
	EXPECT_LINK_REFUSED(-EBADF, "not an innerext program");
}

TEST_F(lnk, fd_that_is_not_a_program)
{
	int nul = open("/dev/null", O_RDONLY);

	self->a.prog_fd = nul;
	EXPECT_LINK_REFUSED(-EINVAL, "not an innerext program");
	close(nul);
}

TEST_F(lnk, unknown_hook)
{
	self->a.hook = 42;
	EXPECT_LINK_REFUSED(-EINVAL, "unknown hook");
}

TEST_F(lnk, kprobe_on_missing_symbol)
{
	self->a.hook = IE_HOOK_KPROBE;
	self->a.flags = 0;
	strcpy(self->a.target, "ie_no_such_function_xyz");
	EXPECT_LINK_REFUSED(-ENOENT, "no such kernel function");
}

TEST_F(lnk, kprobe_with_offset_refused)
{
	self->a.hook = IE_HOOK_KPROBE;
	self->a.flags = 0;
	strcpy(self->a.target, "__x64_sys_dup+4");
	EXPECT_LINK_REFUSED(-EINVAL, "entry probes only");
}

TEST_F(lnk, kprobe_with_syscall_flag)
{
	self->a.hook = IE_HOOK_KPROBE;
	strcpy(self->a.target, "__x64_sys_dup");
	EXPECT_LINK_REFUSED(-EINVAL, "needs a tracepoint");
}

TEST_F(lnk, tracepoint_not_found)
{
	self->a.flags = 0;
	strcpy(self->a.target, "nosuch:tracepoint_xyz");
	EXPECT_LINK_REFUSED(-ENOENT, "not found");
}

TEST_F(lnk, syscall_event_is_not_a_tracepoint)
{
	self->a.flags = 0;
	strcpy(self->a.target, "syscalls:sys_enter_dup");
	EXPECT_LINK_REFUSED(-ENOENT, "raw_syscalls:sys_enter");
}

TEST_F(lnk, tracepoint_target_malformed)
{
	self->a.flags = 0;
	strcpy(self->a.target, "no_colon_here");
	EXPECT_LINK_REFUSED(-EINVAL, "CATEGORY:NAME");
}

TEST_F(lnk, syscall_flag_on_other_tracepoint)
{
	strcpy(self->a.target, "sched:sched_switch");
	EXPECT_LINK_REFUSED(-EINVAL, "raw_syscalls:sys_enter only");
}

TEST_F(lnk, syscall_nr_out_of_range)
{
	self->a.syscall_nr = 100000;
	EXPECT_LINK_REFUSED(-EINVAL, "does not exist");
}

TEST_F(lnk, too_many_args)
{
	self->a.nr_args = 7;
	EXPECT_LINK_REFUSED(-EINVAL, "nr_args");
}

TEST_F(lnk, empty_target)
{
	self->a.target[0] = '\0';
	EXPECT_LINK_REFUSED(-EINVAL, "target");
}

TEST_F(lnk, detach_unknown_id)
{
	struct ie_link_detach d = { .size = sizeof(d), .link_id = 0x7ffffff0 };

	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_LINK_DETACH, &d));
	EXPECT_EQ(ENOENT, errno);
	d.link_id = 1;
	d.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_LINK_DETACH, &d));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(lnk, info_and_next_id_rejections)
{
	struct ie_prog_info pi = { 0 };
	struct ie_get_next_id n = { .size = sizeof(n), .type = 9 };
	__u32 next;

	EXPECT_EQ(-ENOENT, innerext_prog_get_info_by_id(self->fd, 0x7ffffff0, &pi));
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_GET_NEXT_ID, &n));
	EXPECT_EQ(EINVAL, errno);
	n.type = IE_OBJ_PROG;
	n.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IE_IOC_GET_NEXT_ID, &n));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, innerext_get_next_id(self->fd, IE_OBJ_LINK, 0x7ffffff0, &next));
}

/* ------------------------------------------------------------------ privilege */

static int drop_cap_sys_admin(void)
{
	cap_t caps = cap_get_proc();
	cap_value_t v = CAP_SYS_ADMIN;
	int err;

	if (!caps)
		return -1;
	err = cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) ||
	      cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR) ||
	      cap_set_proc(caps);
	cap_free(caps);
	return err ? -1 : 0;
}

TEST_F(img, eperm_without_cap_sys_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ie_link_detach d = { .size = sizeof(d), .link_id = 1 };
		struct ie_prog_info pi = { .size = sizeof(pi), .id = 1 };
		struct ie_version v = { .size = sizeof(v) };
		__u32 next;

		if (drop_cap_sys_admin())
			_exit(10);
		if (raw_load(self->fd, self->img, self->size, NULL, NULL) != -EPERM)
			_exit(11);
		if (ioctl(self->fd, IE_IOC_LINK_DETACH, &d) != -1 || errno != EPERM)
			_exit(12);
		if (ioctl(self->fd, IE_IOC_PROG_INFO, &pi) != -1 || errno != EPERM)
			_exit(13);
		if (innerext_get_next_id(self->fd, IE_OBJ_PROG, 0, &next) != -EPERM)
			_exit(14);
		/* the version query is not privileged */
		if (ioctl(self->fd, IE_IOC_GET_VERSION, &v) != 0)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(lnk, eperm_link_create_without_cap_sys_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_cap_sys_admin())
			_exit(10);
		_exit(raw_link(self->fd, &self->a, NULL) == -EPERM ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ------------------------------------------------------------------ module lifetime */

TEST_F(lnk, rmmod_refused_while_an_fd_is_open)
{
	/*
	 * The prog fd pins the module. delete_module() says EWOULDBLOCK (EAGAIN)
	 * for a module in use; rmmod(8) prints "Module innerext is in use".
	 */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "innerext", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, access(INNEREXT_DEV_PATH, F_OK));
}

/* ------------------------------------------------------------------ leaks */

/* each cycle waits for RCU grace periods (kprobe and tracepoint unregister): slow under TCG */
TEST_F_TIMEOUT(dev, load_attach_detach_1000_cycles_leak_nothing, 600)
{
	struct timespec t0, t1;
	struct ie_version before = { 0 }, after;
	long slab_before = 0, slab_after, vm_before = 0, vm_after;
	struct ie_link_create a;
	size_t size;
	void *img = hello_image(&size);
	int i;

	ASSERT_NE(NULL, img);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* one warm-up cycle so lazily allocated kernel state is not counted */
	for (i = -1; i < 1000; i++) {
		int prog = raw_load(self->fd, img, size, self->log, NULL);
		int link;

		ASSERT_LE(0, prog) TH_LOG("cycle %d: %s", i, self->log);
		if (i % 2) {
			link_syscall_attr(&a, prog, "dup");
		} else {
			memset(&a, 0, sizeof(a));
			a.prog_fd = prog;
			a.hook = IE_HOOK_KPROBE;
			strcpy(a.target, "__x64_sys_dup");
		}
		link = raw_link(self->fd, &a, self->log);
		ASSERT_LE(0, link) TH_LOG("cycle %d: %s", i, self->log);
		close(link);
		close(prog);
		if (i == -1) {
			before = version_of(self->fd);
			slab_before = meminfo_kb("Slab");
			vm_before = meminfo_kb("VmallocUsed");
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("1000 cycles in %.1f s", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	after = version_of(self->fd);
	/* programs are freed after an RCU grace period: give the last ones up to 10 s */
	for (i = 0; i < 100; i++) {
		slab_after = meminfo_kb("Slab");
		vm_after = meminfo_kb("VmallocUsed");
		if (slab_after - slab_before < 1024 && vm_after - vm_before < 1024)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(before.text_arena_free, after.text_arena_free);
	EXPECT_EQ(before.data_arena_free, after.data_arena_free);
	EXPECT_EQ(before.nr_progs, after.nr_progs);
	EXPECT_EQ(before.nr_links, after.nr_links);
	/* 1000 leaked programs would be >1000 slab objects and >1000 arena chunks */
	EXPECT_GT(1024, slab_after - slab_before)
		TH_LOG("Slab %ld -> %ld kB", slab_before, slab_after);
	EXPECT_GT(1024, vm_after - vm_before)
		TH_LOG("VmallocUsed %ld -> %ld kB", vm_before, vm_after);
	free(img);
}

TEST_HARNESS_MAIN
