// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libinnerext host tests: ELF object -> image conversion (good and bad objects),
 * the image layout, every good image through the module's own validator
 * (kmod/image.c, built for user space), running converted images in user space
 * (ref_loader.c), SEC() parsing, syscall names, opts handling, load errors
 * without a module, ".maps" definitions (good and refused) and the map API
 * without a module.
 *
 * Fixtures are built by test/host/Makefile into build/host-test/fixtures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "libinnerext_internal.h"
#include "image.h"		/* kmod/image.h: the module's validator */
#include "ref_loader.h"

#include "kselftest_harness.h"

#define FIX(name)	FIXTURES "/" name

/* ---------------------------------------------------------------- helpers */

/* Everything libinnerext prints, for asserting on messages. */
static char msgs[16384];

static int capture(enum innerext_print_level level, const char *fmt, va_list ap)
{
	size_t len = strlen(msgs);

	if (level == INNEREXT_DEBUG)
		return 0;
	if (len < sizeof(msgs) - 1)
		vsnprintf(msgs + len, sizeof(msgs) - len, fmt, ap);
	return 0;
}

static void capture_start(void)
{
	msgs[0] = '\0';
	innerext_set_print(capture);
}

/* Open @path expecting a refusal: returns -errno, messages in msgs. */
static int open_err(const char *path)
{
	struct innerext_object *obj;

	capture_start();
	errno = 0;
	obj = innerext_object__open(path);
	if (obj) {
		innerext_object__close(obj);
		return 0;
	}
	return -errno;
}

/* NULL if every string of the NULL-terminated list is in msgs, else the first missing. */
static const char *missing_msg(const char *first, ...)
{
	const char *sub, *miss = NULL;
	va_list ap;

	va_start(ap, first);
	for (sub = first; sub && !miss; sub = va_arg(ap, const char *))
		if (!strstr(msgs, sub))
			miss = sub;
	va_end(ap);
	return miss;
}

/* Refused with @err, and the message names the file and says each of the strings. */
#define ASSERT_REFUSED(path, err, ...)						\
	do {									\
		const char *__miss;						\
		ASSERT_EQ(err, open_err(path)) TH_LOG("%s", msgs);		\
		__miss = missing_msg(path, __VA_ARGS__, NULL);			\
		ASSERT_EQ(NULL, __miss) TH_LOG("'%s' not in: %s", __miss, msgs);	\
	} while (0)

static const struct ie_image_hdr *image_of(const struct innerext_object *obj, size_t *size)
{
	return innerext_object__image(obj, size);
}

static const struct ie_image_import *imports_of(const struct ie_image_hdr *h)
{
	return (const void *)((const char *)h + h->imports_off);
}

static const struct ie_image_entry *entries_of(const struct ie_image_hdr *h)
{
	return (const void *)((const char *)h + h->entries_off);
}

static bool has_import(const struct ie_image_hdr *h, const char *name)
{
	const struct ie_image_import *im = imports_of(h);
	__u32 i;

	for (i = 0; i < h->nr_imports; i++)
		if (!strcmp(im[i].name, name))
			return true;
	return false;
}

/*
 * What libinnerext promises beyond what the module checks: the pieces come in
 * order (text, data, relocs, imports, entries, maps) right after the header, the
 * gaps are zero padding to 8 bytes, nothing trails the last one; no maps: maps_off 0.
 */
static void check_layout(struct __test_metadata *_metadata, const struct ie_image_hdr *h,
			 size_t size)
{
	const struct {
		__u32 off;
		__u64 len;
	} piece[] = {
		{ h->text_off, h->text_size },
		{ h->data_off, h->data_size },
		{ h->relocs_off, (__u64)h->nr_relocs * sizeof(struct ie_image_reloc) },
		{ h->imports_off, (__u64)h->nr_imports * sizeof(struct ie_image_import) },
		{ h->entries_off, (__u64)h->nr_entries * sizeof(struct ie_image_entry) },
		{ h->maps_off, (__u64)h->nr_maps * sizeof(struct ie_image_map) },
	};
	const __u8 *img = (const void *)h;
	__u64 end = sizeof(*h), i;

	for (i = 0; i < sizeof(piece) / sizeof(piece[0]); i++) {
		if (!piece[i].len)
			continue;
		ASSERT_LE(end, piece[i].off) TH_LOG("piece %llu out of order", i);
		ASSERT_GT(end + 8, piece[i].off) TH_LOG("piece %llu: more than padding before it", i);
		for (; end < piece[i].off; end++)
			ASSERT_EQ(0, img[end]) TH_LOG("non-zero padding at %llu", end);
		end += piece[i].len;
	}
	ASSERT_EQ(size, end);
	if (!h->nr_maps)
		ASSERT_EQ(0, h->maps_off);
}

/* ---- host implementations of the helpers, for running images */

static char printk_out[1024];
static int printk_calls;

static long t_trace_printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(printk_out, sizeof(printk_out), fmt, ap);
	va_end(ap);
	printk_calls++;
	return n;
}

static __u64 t_pid_tgid(void)
{
	return (__u64)getpid() << 32 | (__u64)gettid();
}

static long t_comm(char *buf, __u32 size)
{
	char comm[16] = "";

	if (!size)
		return -EINVAL;
	prctl(PR_GET_NAME, comm);
	strncpy(buf, comm, size - 1);
	buf[size - 1] = '\0';
	return 0;
}

static __u64 t_ktime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* -finstrument-functions: the module's stack check; nothing to check in user space */
static void t_cyg(void *fn, void *site)
{
	(void)fn;
	(void)site;
}

static const struct ref_helper helpers[] = {
	{ "__cyg_profile_func_enter", (void *)t_cyg },
	{ "__cyg_profile_func_exit", (void *)t_cyg },
	{ "ie_trace_printk", (void *)t_trace_printk },
	{ "ie_get_current_pid_tgid", (void *)t_pid_tgid },
	{ "ie_get_current_comm", (void *)t_comm },
	{ "ie_ktime_get_ns", (void *)t_ktime },
	{ "memset", (void *)memset },
	{ "memcpy", (void *)memcpy },
	{ "memmove", (void *)memmove },
	{ "memcmp", (void *)memcmp },
	{ NULL, NULL },
};

/* ---------------------------------------------------------------- good objects */

static void check_hello(struct __test_metadata *_metadata, const char *path,
			const char *obj_name)
{
	const struct ie_image_entry *e;
	const struct ie_image_hdr *h;
	struct innerext_object *obj;
	struct innerext_program *p;
	char err[256] = "";
	size_t size;

	capture_start();
	obj = innerext_object__open(path);
	ASSERT_NE(NULL, obj) TH_LOG("%s", msgs);

	h = image_of(obj, &size);
	ASSERT_NE(NULL, h);
	ASSERT_EQ(0, ref_check(h, size, IE_IMAGE_F_REQUIRE_ENDBR, err, sizeof(err))) TH_LOG("%s", err);
	check_layout(_metadata, h, size);
	EXPECT_EQ(IE_IMAGE_MAGIC, h->magic);
	EXPECT_EQ(IE_IMAGE_VERSION, h->version);
	EXPECT_EQ(sizeof(struct ie_image_hdr), h->hdr_size);
	EXPECT_EQ(sizeof(struct ie_image_hdr), h->text_off);
	EXPECT_EQ(h->entries_off + h->nr_entries * sizeof(struct ie_image_entry), size);
	EXPECT_GT(h->text_size, 0);
	EXPECT_GT(h->data_size, 0);		/* the format string */
	EXPECT_EQ(h->data_size, h->data_mem_size);	/* no bss */

	ASSERT_EQ(1, h->nr_entries);
	e = entries_of(h);
	EXPECT_STREQ("hello", e[0].name);
	EXPECT_STREQ("tracepoint/syscalls/sys_enter_dup", e[0].sec);
	EXPECT_EQ(0, e[0].flags);
	/* -fcf-protection=branch: entries start with endbr64 (IBT kernels) */
	EXPECT_EQ(0, memcmp((const char *)h + h->text_off + e[0].text_off,
			    "\xf3\x0f\x1e\xfa", 4));

	EXPECT_TRUE(has_import(h, "ie_trace_printk"));
	EXPECT_TRUE(has_import(h, "ie_get_current_pid_tgid"));
	EXPECT_TRUE(has_import(h, "ie_get_current_comm"));
	EXPECT_FALSE(has_import(h, "__stack_chk_fail"));

	/* the program API mirrors the entries */
	EXPECT_STREQ(obj_name, innerext_object__name(obj));
	p = innerext_object__next_program(obj, NULL);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("hello", innerext_program__name(p));
	EXPECT_STREQ("tracepoint/syscalls/sys_enter_dup", innerext_program__section_name(p));
	EXPECT_EQ(0, innerext_program__entry_index(p));
	EXPECT_EQ(NULL, innerext_object__next_program(obj, p));
	EXPECT_EQ(p, innerext_object__find_program_by_name(obj, "hello"));
	EXPECT_EQ(NULL, innerext_object__find_program_by_name(obj, "nope"));
	EXPECT_EQ(ENOENT, errno);

	/* not loaded yet */
	EXPECT_EQ(-EINVAL, innerext_object__prog_fd(obj));
	EXPECT_EQ(0, innerext_object__prog_id(obj));
	EXPECT_STREQ("", innerext_object__load_log(obj));
	EXPECT_STREQ("", msgs);		/* a good object converts silently */

	innerext_object__close(obj);
}

TEST(hello_example)
{
	check_hello(_metadata, EXAMPLES "/hello.o", "hello");
}

TEST(hello_gcc)
{
	check_hello(_metadata, FIX("hello.gcc.o"), "hello.gcc");
}

TEST(hello_clang)
{
	check_hello(_metadata, FIX("hello.clang.o"), "hello.clang");
}

/* Debug info does not change the image: examples/hello.o has -g, the fixture not. */
TEST(debug_info_ignored)
{
	struct innerext_object *a, *b;
	const void *ia, *ib;
	size_t sa, sb;

	a = innerext_object__open(EXAMPLES "/hello.o");
	b = innerext_object__open(FIX("hello.gcc.o"));
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ia = innerext_object__image(a, &sa);
	ib = innerext_object__image(b, &sb);
	ASSERT_EQ(sa, sb);
	EXPECT_EQ(0, memcmp(ia, ib, sa));
	innerext_object__close(a);
	innerext_object__close(b);
}

/* innerext_object__open_mem: the same image as from the file, from a buffer it copies. */
TEST(open_mem)
{
	struct innerext_object_open_opts opts = { .sz = sizeof(opts), .object_name = "from-mem" };
	struct innerext_object *a, *b, *c;
	const void *ia, *ib;
	size_t sa, sb, len;
	char *buf;
	FILE *f;

	f = fopen(FIX("multi.gcc.o"), "rb");
	ASSERT_NE(NULL, f);
	buf = malloc(1 << 20);
	ASSERT_NE(NULL, buf);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ASSERT_LT(0, len);

	a = innerext_object__open(FIX("multi.gcc.o"));
	b = innerext_object__open_mem(buf, len, NULL);
	c = innerext_object__open_mem(buf, len, &opts);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	memset(buf, 0, len);		/* the objects have their own copies */
	ia = innerext_object__image(a, &sa);
	ib = innerext_object__image(b, &sb);
	ASSERT_EQ(sa, sb);
	EXPECT_EQ(0, memcmp(ia, ib, sa));
	EXPECT_STREQ("multi.gcc", innerext_object__name(a));
	EXPECT_STREQ("ext", innerext_object__name(b));
	EXPECT_STREQ("from-mem", innerext_object__name(c));
	EXPECT_NE(NULL, innerext_object__find_program_by_name(b, "count_calls"));
	innerext_object__close(c);
	innerext_object__close(b);

	/* refusals name the object as "NAME (in memory)" */
	capture_start();
	errno = 0;
	EXPECT_EQ(NULL, innerext_object__open_mem(buf, len, &opts));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(msgs, "from-mem (in memory): not an ELF file")) TH_LOG("%s", msgs);
	errno = 0;
	EXPECT_EQ(NULL, innerext_object__open_mem(NULL, len, NULL));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, innerext_object__open_mem(ia, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	opts.object_name = "bad name";
	errno = 0;
	EXPECT_EQ(NULL, innerext_object__open_mem(ia, sa, &opts));
	EXPECT_EQ(EINVAL, errno);
	free(buf);
	innerext_object__close(a);
}

static void run_hello(struct __test_metadata *_metadata, const char *path)
{
	struct innerext_object *obj;
	struct ref_prog prog;
	char err[256] = "", want[128], comm[16] = "";
	int (*fn)(void *);
	const void *img;
	size_t size;

	obj = innerext_object__open(path);
	ASSERT_NE(NULL, obj);
	img = innerext_object__image(obj, &size);
	ASSERT_EQ(0, ref_load(img, size, helpers, &prog, err, sizeof(err))) TH_LOG("%s", err);
	fn = (int (*)(void *))ref_entry(&prog, "hello");
	ASSERT_NE(NULL, fn);

	printk_calls = 0;
	EXPECT_EQ(0, fn(NULL));
	EXPECT_EQ(1, printk_calls);
	prctl(PR_GET_NAME, comm);
	snprintf(want, sizeof(want), "hello: triggered from PID %d (%s)", getpid(), comm);
	EXPECT_STREQ(want, printk_out);

	ref_unload(&prog);
	innerext_object__close(obj);
}

TEST(hello_gcc_runs)
{
	run_hello(_metadata, EXAMPLES "/hello.o");
}

TEST(hello_clang_runs)
{
	run_hello(_metadata, FIX("hello.clang.o"));
}

static void check_multi(struct __test_metadata *_metadata, const char *path)
{
	int (*count_calls)(void *);
	int (*get_state)(void *);
	int (*pick_name)(struct ie_tp_ctx *);
	int (*syscall_nr)(struct ie_syscall_ctx *);
	const struct ie_image_entry *e;
	const struct ie_image_hdr *h;
	struct innerext_object *obj;
	struct ref_prog prog;
	__u64 regs[21] = { 0 };
	struct ie_tp_ctx tp = { .args = { 5 } };
	struct ie_syscall_ctx sc = { .nr = 257 };
	char err[256] = "";
	size_t size;

	capture_start();
	obj = innerext_object__open(path);
	ASSERT_NE(NULL, obj) TH_LOG("%s", msgs);
	EXPECT_STREQ("", msgs);
	h = image_of(obj, &size);
	ASSERT_EQ(0, ref_check(h, size, IE_IMAGE_F_REQUIRE_ENDBR, err, sizeof(err))) TH_LOG("%s", err);
	check_layout(_metadata, h, size);

	/* 4 programs, 2 in one section; global_helper (.text) is not one */
	ASSERT_EQ(4, h->nr_entries);
	/* the compiler decides the order of sections and functions */
	e = entries_of(h);
	{
		static const char *const want[4][2] = {
			{ "count_calls", "kprobe/__x64_sys_getpid" },
			{ "get_state", "kprobe/__x64_sys_getpid" },
			{ "pick_name", "tracepoint/sched/sched_switch" },
			{ "syscall_nr", "tracepoint/syscalls/sys_enter_openat" },
		};
		unsigned int i, j, found;

		for (i = 0; i < 4; i++) {
			found = 0;
			for (j = 0; j < 4; j++) {
				if (strcmp(e[j].name, want[i][0]))
					continue;
				found++;
				EXPECT_STREQ(want[i][1], e[j].sec);
				EXPECT_EQ(j, innerext_program__entry_index(
					innerext_object__find_program_by_name(obj, want[i][0])));
			}
			EXPECT_EQ(1, found) TH_LOG("entry %s", want[i][0]);
		}
	}
	EXPECT_EQ(NULL, innerext_object__find_program_by_name(obj, "global_helper"));

	/* .bss placed after .data, zero-filled, not in the image */
	EXPECT_GE(h->data_mem_size, h->data_size + 512 * 8 + 4);
	/* the unreferenced map is still a map of the object */
	ASSERT_EQ(1, h->nr_maps);
	EXPECT_NE(NULL, innerext_object__find_map_by_name(obj, "unused_map"));
	EXPECT_FALSE(has_import(h, "global_helper"));	/* defined: resolved locally */

	ASSERT_EQ(0, ref_load(h, size, helpers, &prog, err, sizeof(err))) TH_LOG("%s", err);
	count_calls = ref_entry(&prog, "count_calls");
	get_state = ref_entry(&prog, "get_state");
	pick_name = ref_entry(&prog, "pick_name");
	syscall_nr = ref_entry(&prog, "syscall_nr");
	ASSERT_TRUE(count_calls && get_state && pick_name && syscall_nr);

	regs[14] = 5;	/* di: IE_PT_REGS_PARM1 */
	EXPECT_EQ(1 + 5, count_calls((void *)regs));
	EXPECT_EQ(2 + 5, count_calls((void *)regs));
	EXPECT_EQ(44 * 1000 + 2, get_state(NULL));	/* .data and .bss updated */

	printk_calls = 0;
	EXPECT_EQ(3 + 2 * 3, pick_name(&tp));	/* strlen("two") + global_helper(2) via .data */
	EXPECT_STREQ("name two len 3", printk_out);
	tp.args[0] = 1;
	EXPECT_EQ(3 + 1 * 3, pick_name(&tp));
	EXPECT_STREQ("name one len 3", printk_out);
	EXPECT_EQ(2, printk_calls);

	EXPECT_EQ(257 + 0 + 3, syscall_nr(&sc));	/* bss read as zero */
	EXPECT_EQ(257 + 7 + 3, syscall_nr(&sc));	/* ... and is writable */

	ref_unload(&prog);
	innerext_object__close(obj);
}

TEST(multi_gcc)
{
	check_multi(_metadata, FIX("multi.gcc.o"));
}

TEST(multi_clang)
{
	check_multi(_metadata, FIX("multi.clang.o"));
}

TEST(deterministic)
{
	struct innerext_object *a, *b;
	const void *ia, *ib;
	size_t sa, sb;

	a = innerext_object__open(FIX("multi.gcc.o"));
	b = innerext_object__open(FIX("multi.gcc.o"));
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ia = innerext_object__image(a, &sa);
	ib = innerext_object__image(b, &sb);
	ASSERT_EQ(sa, sb);
	EXPECT_EQ(0, memcmp(ia, ib, sa));
	innerext_object__close(a);
	innerext_object__close(b);
}

/* Every SDK helper becomes an import with the name the module resolves, nothing else. */
static void check_sdk_all(struct __test_metadata *_metadata, const char *path)
{
	static const char *const known[] = {
		"__cyg_profile_func_enter", "__cyg_profile_func_exit",	/* the stack check */
		"ie_trace_printk", "ie_ktime_get_ns", "ie_jiffies64", "ie_get_current_pid_tgid",
		"ie_get_current_comm", "ie_get_smp_processor_id", "ie_probe_read_kernel",
		"ie_probe_read_user", "ie_probe_read_kernel_str", "ie_probe_read_user_str",
		"memset", "memcpy", "memmove", "memcmp", "__x86_return_thunk",
	};
	const struct ie_image_import *im;
	const struct ie_image_hdr *h;
	struct innerext_object *obj;
	size_t size, i, k;

	obj = innerext_object__open(path);
	ASSERT_NE(NULL, obj);
	h = image_of(obj, &size);
	im = imports_of(h);
	for (i = 0; i < h->nr_imports; i++) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(im[i].name, known[k]))
				break;
		EXPECT_TRUE(k < sizeof(known) / sizeof(known[0]) ||
			    !strncmp(im[i].name, "__x86_indirect_thunk_", 21))
			TH_LOG("unexpected import '%s'", im[i].name);
	}
	/* the helpers are real calls (memcpy & co. may be inlined) */
	for (k = 0; k < 10; k++)
		EXPECT_TRUE(has_import(h, known[k])) TH_LOG("no import '%s'", known[k]);
	innerext_object__close(obj);
}

TEST(sdk_helpers_gcc)
{
	check_sdk_all(_metadata, FIX("sdk_all.gcc.o"));
}

TEST(sdk_helpers_clang)
{
	check_sdk_all(_metadata, FIX("sdk_all.clang.o"));
}

/* ---------------------------------------------------------------- the module's validator */

/*
 * Every object libinnerext accepts is accepted by the module's ie_image_check(),
 * on kernels with and without IBT (SDK builds have endbr64 at every entry).
 * rollback.o and bad_import.o are good images: the module refuses them later
 * (attach, import resolution), not in the validator.
 */
TEST(good_objects_pass_module_validator)
{
	static const char *const good[] = {
		EXAMPLES "/hello.o", FIX("hello.gcc.o"), FIX("hello.clang.o"),
		FIX("multi.gcc.o"), FIX("multi.clang.o"), FIX("my-ext.v2.o"),
		FIX("an_object_file_name_that_is_longer_than_31.o"),
		FIX("sdk_all.gcc.o"), FIX("sdk_all.clang.o"),
		FIX("rollback.o"), FIX("bad_import.o"),
		EXAMPLES "/map_test.o", FIX("maps_good.gcc.o"), FIX("maps_good.clang.o"),
	};
	static const unsigned int flags[] = { 0, IE_IMAGE_F_REQUIRE_ENDBR };
	size_t i, f;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct innerext_object *obj;
		const void *img;
		size_t size;

		capture_start();
		obj = innerext_object__open(good[i]);
		ASSERT_NE(NULL, obj) TH_LOG("%s: %s", good[i], msgs);
		img = innerext_object__image(obj, &size);
		ASSERT_NE(NULL, img);
		for (f = 0; f < 2; f++) {
			struct ie_log log = { 0 };	/* counts messages */
			struct ie_image_view v;
			char text[512];

			EXPECT_EQ(0, ref_check(img, size, flags[f], text, sizeof(text)))
				TH_LOG("%s (check flags %#x): %s", good[i], flags[f], text);
			EXPECT_STREQ("", text);
			ASSERT_EQ(0, ie_image_check(img, size, flags[f], &log, &v));
			EXPECT_EQ(0, log.nr_msgs);
			EXPECT_EQ(img, (const void *)v.hdr);
			EXPECT_EQ((const __u8 *)img + v.hdr->text_off, v.text);
			EXPECT_EQ((const __u8 *)img + v.hdr->entries_off, (const __u8 *)v.entries);
		}
		innerext_object__close(obj);
	}
}

/* An entry without endbr64 passes on a kernel without IBT, and is refused on one with it. */
TEST(module_validator_endbr)
{
	const struct ie_image_entry *e;
	struct innerext_object *obj;
	const void *orig;
	char log[512];
	__u8 *img;
	size_t size;

	obj = innerext_object__open(FIX("hello.gcc.o"));
	ASSERT_NE(NULL, obj);
	orig = innerext_object__image(obj, &size);
	img = malloc(size);
	ASSERT_NE(NULL, img);
	memcpy(img, orig, size);
	innerext_object__close(obj);
	e = entries_of((const void *)img);
	memset(img + ((struct ie_image_hdr *)img)->text_off + e[0].text_off, 0x90, 4);	/* nops */

	EXPECT_EQ(0, ref_check(img, size, 0, log, sizeof(log))) TH_LOG("%s", log);
	EXPECT_EQ(-EINVAL, ref_check(img, size, IE_IMAGE_F_REQUIRE_ENDBR, log, sizeof(log)));
	EXPECT_STREQ("entry 'hello' does not start with endbr64 and this kernel enforces IBT: "
		     "build with -fcf-protection=branch (innerext.mk)\n", log);
	free(img);
}

/*
 * An empty table (here maps: hello has none) may sit anywhere up to the end of
 * the image, not past it: the validator's view points at it (found by fuzz_image).
 */
TEST(module_validator_empty_table_offset)
{
	struct innerext_object *obj;
	struct ie_image_hdr *h;
	const void *orig;
	char log[512], want[256];
	size_t size;

	obj = innerext_object__open(FIX("hello.gcc.o"));
	ASSERT_NE(NULL, obj);
	orig = innerext_object__image(obj, &size);
	h = malloc(size);
	ASSERT_NE(NULL, h);
	memcpy(h, orig, size);
	innerext_object__close(obj);
	ASSERT_EQ(0, h->nr_maps);
	EXPECT_EQ(0, h->maps_off);

	h->maps_off = size;
	EXPECT_EQ(0, ref_check(h, size, 0, log, sizeof(log))) TH_LOG("%s", log);
	h->maps_off = size + 8;
	EXPECT_EQ(-EINVAL, ref_check(h, size, 0, log, sizeof(log)));
	snprintf(want, sizeof(want),
		 "image truncated: empty maps at offset %zu is outside the image (%zu bytes)\n",
		 size + 8, size);
	EXPECT_STREQ(want, log);
	free(h);
}

/* test/host/ie_log_user.c keeps kmod/log.c's contract: count all, keep what fits, NUL. */
TEST(module_log_semantics)
{
	char buf[16];
	struct ie_log log = { .buf = buf, .size = sizeof(buf) };

	memset(buf, 'x', sizeof(buf));
	ie_log(&log, "abc %d", 1);
	EXPECT_STREQ("abc 1\n", buf);
	ie_log(&log, "a message longer than the rest of the buffer");
	EXPECT_EQ(sizeof(buf) - 1, log.len);
	EXPECT_EQ('\n', buf[log.len - 1]);
	EXPECT_EQ('\0', buf[log.len]);
	ie_log(&log, "no room left");
	EXPECT_EQ(sizeof(buf) - 1, log.len);
	EXPECT_EQ(3, log.nr_msgs);
	EXPECT_STREQ("abc 1\na messag\n", buf);	/* truncated, still one line */
}

/*
 * Validator fuzz smoke: random corruptions of a real image (several relocs,
 * imports, entries, bss). Nothing may crash (run it under valgrind: make
 * valgrind); a refusal is -EINVAL or -E2BIG with exactly one log line; an
 * accepted image's view stays inside the buffer.
 */
TEST(module_validator_fuzz_smoke)
{
	struct innerext_object *obj;
	const __u8 *orig;
	__u8 *img;
	size_t size, i, accepted = 0;
	__u64 x = 0x9e3779b97f4a7c15ULL;

	obj = innerext_object__open(FIX("multi.gcc.o"));
	ASSERT_NE(NULL, obj);
	orig = innerext_object__image(obj, &size);
	img = malloc(size);
	ASSERT_NE(NULL, img);

	for (i = 0; i < 20000; i++) {
		char text[512];
		struct ie_log log = { .buf = text, .size = sizeof(text) };
		struct ie_image_view v;
		size_t len = size, n, k;
		int ret;

		memcpy(img, orig, size);
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		n = 1 + x % 4;
		for (k = 0; k < n; k++) {
			size_t pos;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			/* half of the hits in the header, where the offsets are */
			pos = (x >> 8) % (x & 1 ? sizeof(struct ie_image_hdr) : size);
			img[pos] = (__u8)(x >> 32);
		}
		if (!(i % 16))
			len = (x >> 16) % size;		/* truncated */
		text[0] = '\0';
		ret = ie_image_check(img, len, i & 2 ? IE_IMAGE_F_REQUIRE_ENDBR : 0, &log, &v);
		if (!ret) {
			accepted++;
			ASSERT_EQ(0, log.nr_msgs) TH_LOG("iteration %zu: %s", i, text);
			ASSERT_TRUE(v.text >= img && v.text + v.hdr->text_size <= img + len);
			ASSERT_TRUE((const __u8 *)v.entries >= img &&
				    (const __u8 *)(v.entries + v.hdr->nr_entries) <= img + len);
			continue;
		}
		ASSERT_TRUE(ret == -EINVAL || ret == -E2BIG) TH_LOG("iteration %zu: %d", i, ret);
		ASSERT_EQ(1, log.nr_msgs) TH_LOG("iteration %zu: %s", i, text);
		ASSERT_EQ(log.len, strlen(text));
		ASSERT_LT(1, log.len);
		ASSERT_EQ('\n', text[log.len - 1]) TH_LOG("iteration %zu: %s", i, text);
	}
	TH_LOG("%zu of 20000 corrupted images accepted (bytes the validator does not own)",
	       accepted);
	free(img);
	innerext_object__close(obj);
}

/* ---------------------------------------------------------------- bad objects */

TEST(refuse_pic)
{
	ASSERT_REFUSED(FIX("bad_pic.o"), -EINVAL, "position-independent", "-fno-pic",
		       "kprobe/__x64_sys_getpid");
}

TEST(refuse_no_plt)
{
	ASSERT_REFUSED(FIX("bad_noplt.o"), -EINVAL, "position-independent", "-fno-plt");
}

TEST(refuse_mcmodel_small)
{
	ASSERT_REFUSED(FIX("bad_small.o"), -EINVAL, "R_X86_64_32 ", "-mcmodel=kernel",
		       "tracepoint/syscalls/sys_enter_dup");
}

TEST(refuse_mcmodel_small_clang)
{
	ASSERT_REFUSED(FIX("bad_small_clang.o"), -EINVAL, "R_X86_64_32 ", "-mcmodel=kernel");
}

TEST(refuse_stack_protector)
{
	ASSERT_REFUSED(FIX("bad_ssp.o"), -EINVAL,
		       "built with a stack protector: use -fno-stack-protector");
}

TEST(refuse_common)
{
	ASSERT_REFUSED(FIX("bad_common.o"), -EINVAL, "tentative", "-fno-common");
}

TEST(refuse_tls)
{
	ASSERT_REFUSED(FIX("bad_tls.o"), -EINVAL, "thread-local");
}

TEST(refuse_bpf)
{
	ASSERT_REFUSED(FIX("bad_bpf.o"), -EINVAL, "EM_BPF", "not native x86-64");
}

TEST(refuse_i386)
{
	ASSERT_REFUSED(FIX("bad_i386.o"), -EINVAL, "32-bit", "ELFCLASS64");
}

TEST(refuse_shared_object)
{
	ASSERT_REFUSED(FIX("bad_shared.so"), -EINVAL, "ET_DYN", "not a relocatable object");
}

TEST(refuse_executable)
{
	ASSERT_REFUSED(FIX("bad_exec"), -EINVAL, "ET_EXEC", "not a relocatable object");
}

TEST(refuse_truncated)
{
	ASSERT_REFUSED(FIX("bad_trunc_40.o"), -EINVAL, "truncated");
	ASSERT_REFUSED(FIX("bad_trunc_hdr.o"), -EINVAL, "truncated");
	ASSERT_REFUSED(FIX("bad_trunc_half.o"), -EINVAL, "truncated");
}

TEST(refuse_not_elf)
{
	ASSERT_REFUSED(FIX("not_elf.o"), -EINVAL, "not an ELF file");
}

TEST(refuse_no_entry)
{
	ASSERT_REFUSED(FIX("no_entry.o"), -EINVAL, "no program sections");
}

TEST(refuse_long_name)
{
	ASSERT_REFUSED(FIX("long_name.o"), -ENAMETOOLONG,
		       "this_program_name_is_longer_than_31_chars", "at most 31");
}

/* a libbpf-style definition is not an innerext one */
TEST(refuse_bpf_style_map)
{
	ASSERT_REFUSED(FIX("maps_ref.o"), -EINVAL, "'counts' in '.maps' is 8 bytes",
		       "not a map definition (struct ie_map_def, 24 bytes)", "IE_MAP()");
}

/* What gcc builds but the module would refuse; found by test/fuzz's fuzz_elf. */
TEST(refuse_names_and_addends_the_module_refuses)
{
	ASSERT_REFUSED(FIX("bad_sym_import_name.o"), -EINVAL,
		       "imported symbol 'ie.helper' is not a helper name");
	ASSERT_REFUSED(FIX("bad_sym_prog_name.o"), -EINVAL,
		       "program name 'my.prog' (section 'kprobe/__x64_sys_getpid') may only contain [A-Za-z0-9_]");
	ASSERT_REFUSED(FIX("bad_sym_addend.o"), -EINVAL,
		       "relocation against 'buf' has addend 33554432, beyond +-16 MiB");
}

TEST(refuse_bad_map_definitions)
{
	ASSERT_REFUSED(FIX("bad_map_type.o"), -EINVAL, "map 'm' has unknown type 42");
	ASSERT_REFUSED(FIX("bad_map_key0.o"), -EINVAL, "map 'm' (hash) has key size 0",
		       "1 to 512 bytes");
	ASSERT_REFUSED(FIX("bad_map_array_key.o"), -EINVAL, "map 'm' (array) has key size 8",
		       "__u32");
	ASSERT_REFUSED(FIX("bad_map_value_big.o"), -EINVAL, "map 'm' (hash) has value size 70000",
		       "1 to 65536 bytes");
	ASSERT_REFUSED(FIX("bad_map_entries0.o"), -EINVAL, "map 'm' (hash) has max_entries 0");
	ASSERT_REFUSED(FIX("bad_map_flags.o"), -EINVAL, "map 'm' has flags 0x4");
	ASSERT_REFUSED(FIX("bad_map_slot.o"), -EINVAL, "map 'm': slot is 3",
		       "set by the module");
}

TEST(refuse_bad_ring_buffers)
{
	ASSERT_REFUSED(FIX("bad_map_ringbuf_size.o"), -EINVAL, "ring buffer 'm' is 5000 bytes",
		       "power of 2 of at least 4096");
	ASSERT_REFUSED(FIX("bad_map_ringbuf_small.o"), -EINVAL, "ring buffer 'm' is 2048 bytes");
	ASSERT_REFUSED(FIX("bad_map_ringbuf_key.o"), -EINVAL,
		       "ring buffer 'm' has key size 4 and value size 8", "IE_RINGBUF()");
}

TEST(refuse_map_names_and_counts)
{
	ASSERT_REFUSED(FIX("bad_map_long_name.o"), -ENAMETOOLONG,
		       "map name 'a_map_name_longer_than_31_characters' is too long",
		       "1 to 31 characters");
	ASSERT_REFUSED(FIX("bad_map_too_many.o"), -E2BIG, "more than 64 maps");
	ASSERT_REFUSED(FIX("bad_map_static_dup.o"), -EINVAL, "two maps are named 'm'",
		       "unique");
	ASSERT_REFUSED(FIX("bad_map_alias.o"), -EINVAL, "maps 'm' and 'm_alias'",
		       "same definition");
}

TEST(refuse_const_maps)
{
	ASSERT_REFUSED(FIX("bad_map_const.o"), -EINVAL, "section '.maps' must be writable",
		       "not const");
}

TEST(refuse_big_alignment)
{
	ASSERT_REFUSED(FIX("big_align.o"), -EINVAL, "'.bss'", "4096-byte alignment");
}

TEST(refuse_missing_file)
{
	ASSERT_REFUSED(FIX("does_not_exist.o"), -ENOENT, "No such file");
}

TEST(refuse_directory)
{
	ASSERT_REFUSED(FIXTURES, -EINVAL, "not a regular file");
}

/* ---------------------------------------------------------------- maps */

static const struct ie_image_map *maps_of(const struct ie_image_hdr *h)
{
	return (const void *)((const char *)h + h->maps_off);
}

/* Relocations reaching data offset @off (the code takes the definition's address). */
static int relocs_to(const struct ie_image_hdr *h, __u32 off)
{
	const struct ie_image_reloc *r = (const void *)((const char *)h + h->relocs_off);
	int n = 0;
	__u32 i;

	for (i = 0; i < h->nr_relocs; i++)
		n += r[i].target_seg == IE_SEG_DATA && r[i].target + r[i].addend == off;
	return n;
}

static void check_maps_good(struct __test_metadata *_metadata, const char *path)
{
	static const struct {
		const char *name;
		__u32 type, key, value, max;
	} want[] = {
		{ "counts", IE_MAP_HASH, 4, 8, 1024 },
		{ "slots", IE_MAP_ARRAY, 4, 8, 16 },
		{ "per_cpu", IE_MAP_PERCPU_ARRAY, 4, 4, 4 },
		{ "flows", IE_MAP_PERCPU_HASH, 8, 8, 256 },
		{ "recent", IE_MAP_LRU_HASH, 8, 100, 32 },
		{ "events", IE_MAP_RINGBUF, 0, 0, 1 << 16 },
	};
	const struct ie_image_hdr *h;
	const struct ie_image_map *m;
	struct innerext_object *obj;
	struct innerext_map *map, *prev = NULL;
	char err[256];
	size_t size, i, n = 0;
	__u64 k = 0, v = 0;

	capture_start();
	obj = innerext_object__open(path);
	ASSERT_NE(NULL, obj) TH_LOG("%s", msgs);
	EXPECT_STREQ("", msgs);
	h = image_of(obj, &size);
	ASSERT_EQ(0, ref_check(h, size, IE_IMAGE_F_REQUIRE_ENDBR, err, sizeof(err))) TH_LOG("%s", err);
	check_layout(_metadata, h, size);
	ASSERT_EQ(6, h->nr_maps);
	EXPECT_EQ(0, h->maps_off % 8);
	m = maps_of(h);

	for (i = 0; i < 6; i++) {
		map = innerext_object__find_map_by_name(obj, want[i].name);
		ASSERT_NE(NULL, map) TH_LOG("no map '%s'", want[i].name);
		EXPECT_STREQ(want[i].name, innerext_map__name(map));
		EXPECT_EQ(want[i].type, innerext_map__type(map));
		EXPECT_EQ(want[i].key, innerext_map__key_size(map));
		EXPECT_EQ(want[i].value, innerext_map__value_size(map));
		EXPECT_EQ(want[i].max, innerext_map__max_entries(map));
		EXPECT_EQ(0, innerext_map__map_flags(map));
		EXPECT_EQ(-EINVAL, innerext_map__fd(map));	/* not loaded */
		EXPECT_EQ(0, innerext_map__id(map));
	}
	/* the table: by offset, each entry the definition's bytes in the data segment */
	for (i = 0; i < h->nr_maps; i++) {
		const struct ie_map_def *def;

		if (i)
			EXPECT_LT(m[i - 1].def_off, m[i].def_off);
		EXPECT_EQ(0, m[i].def_off % 4);
		ASSERT_LE(m[i].def_off + sizeof(*def), h->data_size);
		def = (const void *)((const char *)h + h->data_off + m[i].def_off);
		EXPECT_EQ(def->type, m[i].type);
		EXPECT_EQ(def->key_size, m[i].key_size);
		EXPECT_EQ(def->value_size, m[i].value_size);
		EXPECT_EQ(def->max_entries, m[i].max_entries);
		EXPECT_EQ(0, def->map_flags);
		EXPECT_EQ(0, def->slot);
		EXPECT_EQ(0, m[i].map_flags);
		/* the program passes every map to a helper */
		EXPECT_LE(1, relocs_to(h, m[i].def_off)) TH_LOG("no reference to '%s'", m[i].name);
	}
	/* next_map walks the table in order */
	innerext_object__for_each_map(map, obj) {
		EXPECT_STREQ(m[n].name, innerext_map__name(map));
		prev = map;
		n++;
	}
	EXPECT_EQ(6, n);
	EXPECT_EQ(NULL, innerext_object__next_map(obj, prev));
	EXPECT_EQ(NULL, innerext_object__find_map_by_name(obj, "nope"));
	EXPECT_EQ(ENOENT, errno);

	/* the helpers are imports with the names the module resolves */
	EXPECT_TRUE(has_import(h, "ie_map_lookup_elem"));
	EXPECT_TRUE(has_import(h, "ie_map_update_elem"));
	EXPECT_TRUE(has_import(h, "ie_map_delete_elem"));
	EXPECT_TRUE(has_import(h, "ie_ringbuf_reserve"));
	EXPECT_TRUE(has_import(h, "ie_ringbuf_submit"));
	EXPECT_TRUE(has_import(h, "ie_ringbuf_discard"));
	EXPECT_TRUE(has_import(h, "ie_ringbuf_output"));

	/* element access needs a loaded map */
	map = innerext_object__find_map_by_name(obj, "flows");
	capture_start();
	EXPECT_EQ(-EINVAL, innerext_map__lookup_elem(map, &k, 8, &v, 8, 0));
	EXPECT_NE(NULL, strstr(msgs, "map 'flows': not created yet")) TH_LOG("%s", msgs);
	innerext_object__close(obj);
}

TEST(maps_gcc)
{
	check_maps_good(_metadata, FIX("maps_good.gcc.o"));
}

TEST(maps_clang)
{
	check_maps_good(_metadata, FIX("maps_good.clang.o"));
}

TEST(map_test_example)
{
	const struct ie_image_entry *e;
	const struct ie_image_hdr *h;
	struct innerext_object *obj;
	struct innerext_map *m;
	size_t size;

	capture_start();
	obj = innerext_object__open(EXAMPLES "/map_test.o");
	ASSERT_NE(NULL, obj) TH_LOG("%s", msgs);
	EXPECT_STREQ("", msgs);
	h = image_of(obj, &size);
	check_layout(_metadata, h, size);
	ASSERT_EQ(1, h->nr_entries);
	e = entries_of(h);
	EXPECT_STREQ("count_syscalls", e[0].name);
	EXPECT_STREQ("tracepoint/raw_syscalls/sys_enter", e[0].sec);
	ASSERT_EQ(3, h->nr_maps);

	m = innerext_object__find_map_by_name(obj, "syscall_count");
	ASSERT_NE(NULL, m);
	EXPECT_EQ(IE_MAP_HASH, innerext_map__type(m));
	EXPECT_EQ(4, innerext_map__key_size(m));
	EXPECT_EQ(8, innerext_map__value_size(m));
	EXPECT_EQ(512, innerext_map__max_entries(m));
	m = innerext_object__find_map_by_name(obj, "blocked");
	ASSERT_NE(NULL, m);
	EXPECT_EQ(IE_MAP_HASH, innerext_map__type(m));
	EXPECT_EQ(2, innerext_map__key_size(m));
	EXPECT_EQ(1, innerext_map__value_size(m));
	EXPECT_EQ(64, innerext_map__max_entries(m));
	m = innerext_object__find_map_by_name(obj, "invocations");
	ASSERT_NE(NULL, m);
	EXPECT_EQ(IE_MAP_PERCPU_ARRAY, innerext_map__type(m));
	EXPECT_EQ(4, innerext_map__key_size(m));
	EXPECT_EQ(8, innerext_map__value_size(m));
	EXPECT_EQ(1, innerext_map__max_entries(m));
	innerext_object__close(obj);
}

/*
 * Host stand-ins for the map helpers: a small store per definition. The
 * helpers get the address of the struct ie_map_def in the placed data
 * segment, as the module's helpers do.
 */
#define FAKE_MAPS	4
#define FAKE_ELEMS	16

struct fake_map {
	void *def;
	__u32 key_size, value_size, nr;
	__u8 keys[FAKE_ELEMS][8];
	__u8 values[FAKE_ELEMS][8];
	bool used[FAKE_ELEMS];
};

static struct fake_map fake_maps[FAKE_MAPS];
static int fake_bad_map;	/* a helper got something that is not a definition */

static struct fake_map *fake_find(const void *def)
{
	int i;

	for (i = 0; i < FAKE_MAPS; i++)
		if (fake_maps[i].def == def)
			return &fake_maps[i];
	fake_bad_map++;
	return NULL;
}

static int fake_slot(struct fake_map *m, const void *key)
{
	int i;

	for (i = 0; i < FAKE_ELEMS; i++)
		if (m->used[i] && !memcmp(m->keys[i], key, m->key_size))
			return i;
	return -1;
}

static void *t_map_lookup(void *map, const void *key)
{
	struct fake_map *m = fake_find(map);
	int i;

	if (!m)
		return NULL;
	i = fake_slot(m, key);
	return i < 0 ? NULL : m->values[i];
}

static long t_map_update(void *map, const void *key, const void *value, __u64 flags)
{
	struct fake_map *m = fake_find(map);
	int i;

	if (!m)
		return -EINVAL;
	i = fake_slot(m, key);
	if (i >= 0 && flags == IE_NOEXIST)
		return -EEXIST;
	if (i < 0 && flags == IE_EXIST)
		return -ENOENT;
	for (int j = 0; i < 0 && j < FAKE_ELEMS; j++)
		if (!m->used[j])
			i = j;
	if (i < 0)
		return -E2BIG;
	m->used[i] = true;
	memcpy(m->keys[i], key, m->key_size);
	memcpy(m->values[i], value, m->value_size);
	return 0;
}

static long t_map_delete(void *map, const void *key)
{
	struct fake_map *m = fake_find(map);
	int i;

	if (!m)
		return -EINVAL;
	i = fake_slot(m, key);
	if (i < 0)
		return -ENOENT;
	m->used[i] = false;
	return 0;
}

static const struct ref_helper map_helpers[] = {
	{ "__cyg_profile_func_enter", (void *)t_cyg },
	{ "__cyg_profile_func_exit", (void *)t_cyg },
	{ "ie_map_lookup_elem", (void *)t_map_lookup },
	{ "ie_map_update_elem", (void *)t_map_update },
	{ "ie_map_delete_elem", (void *)t_map_delete },
	{ NULL, NULL },
};

static __u64 fake_value(const char *name, const void *key, const struct ref_prog *prog,
			const struct ie_image_hdr *h)
{
	const struct ie_image_map *m = maps_of(h);
	__u64 v = 0;
	__u32 i;

	for (i = 0; i < h->nr_maps; i++) {
		if (strcmp(m[i].name, name))
			continue;
		void *p = t_map_lookup(prog->data + m[i].def_off, key);

		if (p)
			memcpy(&v, p, m[i].value_size);
		return p ? v : (__u64)-1;
	}
	return (__u64)-2;
}

/* examples/map_test.o counts per syscall, skips blocked ones, counts its runs per CPU */
TEST(map_test_runs)
{
	struct ie_tp_ctx ctx = { .args = { 0, 39 } };
	const struct ie_image_hdr *h;
	const struct ie_image_map *m;
	struct innerext_object *obj;
	int (*fn)(struct ie_tp_ctx *);
	struct ref_prog prog;
	__u32 i, k39 = 39, k1 = 1, zero = 0;
	__u16 b39 = 39;
	__u8 one = 1;
	char err[256];
	size_t size;

	obj = innerext_object__open(EXAMPLES "/map_test.o");
	ASSERT_NE(NULL, obj);
	h = image_of(obj, &size);
	ASSERT_EQ(0, ref_load(h, size, map_helpers, &prog, err, sizeof(err))) TH_LOG("%s", err);
	m = maps_of(h);
	memset(fake_maps, 0, sizeof(fake_maps));
	fake_bad_map = 0;
	for (i = 0; i < h->nr_maps; i++) {
		fake_maps[i].def = prog.data + m[i].def_off;
		fake_maps[i].key_size = m[i].key_size;
		fake_maps[i].value_size = m[i].value_size;
	}
	/* the per-CPU array has its element from the start, as arrays do */
	for (i = 0; i < h->nr_maps; i++)
		if (!strcmp(m[i].name, "invocations"))
			ASSERT_EQ(0, t_map_update(fake_maps[i].def, &zero, &(__u64){ 0 }, IE_ANY));
	fn = (int (*)(struct ie_tp_ctx *))ref_entry(&prog, "count_syscalls");
	ASSERT_NE(NULL, fn);

	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, fn(&ctx));
	EXPECT_EQ(3, fake_value("syscall_count", &k39, &prog, h));
	ctx.args[1] = 1;
	EXPECT_EQ(0, fn(&ctx));
	EXPECT_EQ(1, fake_value("syscall_count", &k1, &prog, h));
	EXPECT_EQ(3, fake_value("syscall_count", &k39, &prog, h));

	/* blocked syscalls are not counted, but the run is */
	for (i = 0; i < h->nr_maps; i++)
		if (!strcmp(m[i].name, "blocked"))
			ASSERT_EQ(0, t_map_update(fake_maps[i].def, &b39, &one, IE_ANY));
	ctx.args[1] = 39;
	EXPECT_EQ(0, fn(&ctx));
	EXPECT_EQ(3, fake_value("syscall_count", &k39, &prog, h));
	EXPECT_EQ(5, fake_value("invocations", &zero, &prog, h));
	EXPECT_EQ(0, fake_bad_map);
	ref_unload(&prog);
	innerext_object__close(obj);
}

/* ---------------------------------------------------------------- maps without a module */

/* /dev/null answers every ioctl with ENOTTY: the map is refused, nothing stays open */
TEST(load_with_maps_refused)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, opts, .dev_path = "/dev/null");
	struct innerext_object *obj;
	struct innerext_map *map;

	obj = innerext_object__open_file(FIX("maps_good.gcc.o"), &opts);
	ASSERT_NE(NULL, obj);
	capture_start();
	EXPECT_EQ(-ENOTTY, innerext_object__load(obj));
	EXPECT_NE(NULL, strstr(msgs, "libinnerext: map '")) TH_LOG("%s", msgs);
	EXPECT_NE(NULL, strstr(msgs, ") of 'maps_good.gcc' refused: Inappropriate ioctl for device\n"))
		TH_LOG("%s", msgs);
	EXPECT_STREQ("", innerext_object__load_log(obj));
	EXPECT_EQ(-EINVAL, innerext_object__prog_fd(obj));
	innerext_object__for_each_map(map, obj)
		EXPECT_EQ(-EINVAL, innerext_map__fd(map));
	innerext_object__close(obj);
}

TEST(reuse_fd_without_module)
{
	struct innerext_object *obj;
	struct innerext_map *map;
	int fd;

	obj = innerext_object__open(FIX("maps_good.gcc.o"));
	ASSERT_NE(NULL, obj);
	map = innerext_object__find_map_by_name(obj, "counts");
	ASSERT_NE(NULL, map);
	EXPECT_EQ(-EINVAL, innerext_map__reuse_fd(map, -1));
	fd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, fd);
	capture_start();
	EXPECT_EQ(-ENOTTY, innerext_map__reuse_fd(map, fd));
	EXPECT_NE(NULL, strstr(msgs, "map 'counts' of 'maps_good.gcc': fd ")) TH_LOG("%s", msgs);
	EXPECT_NE(NULL, strstr(msgs, "is not an innerext map")) TH_LOG("%s", msgs);
	EXPECT_EQ(-EINVAL, innerext_map__fd(map));
	close(fd);
	innerext_object__close(obj);
}

TEST(map_wrappers)
{
	__u64 cursor = 0, k = 0, v = 0;
	__u32 count = 1, nr = 0, ids[2];
	struct ie_map_info info;
	int fd, fds[2] = { 3, -1 };

	fd = innerext_dev_open("/dev/null");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENOTTY, innerext_map_create(fd, IE_MAP_HASH, "m", 4, 8, 16, NULL));
	EXPECT_EQ(-EINVAL, innerext_map_create(fd, IE_MAP_HASH,
					       "a_name_that_is_far_too_long_for_innerext", 4, 8, 16,
					       NULL));
	EXPECT_EQ(-EINVAL, innerext_map_create(fd, IE_MAP_HASH, "", 4, 8, 16, NULL));
	EXPECT_EQ(-ENOTTY, innerext_map_lookup_elem(fd, &k, 8, &v, 8));
	EXPECT_EQ(-ENOTTY, innerext_map_update_elem(fd, &k, 8, &v, 8, IE_NOEXIST));
	EXPECT_EQ(-ENOTTY, innerext_map_delete_elem(fd, &k, 8));
	EXPECT_EQ(-ENOTTY, innerext_map_get_next_key(fd, NULL, &k, 8));
	EXPECT_EQ(-EINVAL, innerext_map_lookup_elem(fd, NULL, 8, &v, 8));
	EXPECT_EQ(-EINVAL, innerext_map_update_elem(fd, &k, 8, NULL, 8, 0));
	EXPECT_EQ(-EINVAL, innerext_map_get_next_key(fd, &k, NULL, 8));
	EXPECT_EQ(-ENOTTY, innerext_map_dump(fd, &cursor, &k, 8, &v, 8, &count));
	EXPECT_EQ(-EINVAL, innerext_map_dump(fd, NULL, &k, 8, &v, 8, &count));
	EXPECT_EQ(-EINVAL, innerext_map_dump(fd, &cursor, NULL, 8, &v, 8, &count));
	EXPECT_EQ(-ENOTTY, innerext_map_get_fd_by_id(fd, 1));
	EXPECT_EQ(-ENOTTY, innerext_map_get_info_by_id(fd, 1, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(1, info.id);
	EXPECT_EQ(-ENOTTY, innerext_map_get_info_by_fd(fd, &info));
	EXPECT_EQ(0, info.id);		/* id 0 on the map fd: "this map" */
	EXPECT_EQ(-ENOTTY, innerext_map_open_by_name(fd, "counts"));
	EXPECT_EQ(-EINVAL, innerext_map_open_by_name(fd, ""));
	EXPECT_EQ(-ENOTTY, innerext_prog_get_map_ids(fd, 1, ids, &(__u32){ 2 }));
	EXPECT_EQ(-EINVAL, innerext_prog_get_map_ids(fd, 1, NULL, &(__u32){ 2 }));
	EXPECT_EQ(-ENOTTY, innerext_prog_get_map_ids(fd, 1, NULL, &nr));
	EXPECT_EQ(-EBADF, innerext_prog_load_maps(fd, "p", "x", 1, fds, 2, NULL, 0, NULL));
	EXPECT_EQ(-E2BIG, innerext_prog_load_maps(fd, "p", "x", 1, fds, IE_MAX_MAPS + 1, NULL, 0,
						  NULL));
	EXPECT_EQ(-ENOTTY, innerext_prog_load_maps(fd, "p", "x", 1, fds, 1, NULL, 0, NULL));
	close(fd);
}

TEST(possible_cpus)
{
	int n = innerext_num_possible_cpus();

	ASSERT_LT(0, n);
	EXPECT_EQ(libbpf_num_possible_cpus(), n);
	EXPECT_EQ(n, innerext_num_possible_cpus());	/* cached */
	EXPECT_EQ(8 * n, innerext_map_user_value_size(IE_MAP_PERCPU_ARRAY, 8));
	EXPECT_EQ(8 * n, innerext_map_user_value_size(IE_MAP_PERCPU_HASH, 1));
	EXPECT_EQ(16 * n, innerext_map_user_value_size(IE_MAP_PERCPU_HASH, 12));
	EXPECT_EQ(12, innerext_map_user_value_size(IE_MAP_HASH, 12));
	EXPECT_STREQ("percpu_hash", innerext_map_type_name(IE_MAP_PERCPU_HASH));
	EXPECT_STREQ("ringbuf", innerext_map_type_name(IE_MAP_RINGBUF));
	EXPECT_STREQ("unknown", innerext_map_type_name(0));
}

/* ---------------------------------------------------------------- names and opts */

TEST(default_names)
{
	struct innerext_object *obj;

	obj = innerext_object__open(FIX("my-ext.v2.o"));
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("my-ext.v2", innerext_object__name(obj));
	innerext_object__close(obj);

	obj = innerext_object__open(FIX("an_object_file_name_that_is_longer_than_31.o"));
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("an_object_file_name_that_is_lon", innerext_object__name(obj));
	EXPECT_EQ(IE_NAME_LEN - 1, strlen(innerext_object__name(obj)));
	innerext_object__close(obj);
}

TEST(open_opts)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, opts, .object_name = "custom_name");
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, bad, .object_name = "has space");
	struct {
		struct innerext_object_open_opts o;
		long future_field;
	} big;
	struct innerext_object *obj;

	obj = innerext_object__open_file(FIX("hello.gcc.o"), &opts);
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("custom_name", innerext_object__name(obj));
	innerext_object__close(obj);

	capture_start();
	EXPECT_EQ(NULL, innerext_object__open_file(FIX("hello.gcc.o"), &bad));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(msgs, "has space"));

	/* a newer caller's opts: fine while the fields we do not know are zero */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	obj = innerext_object__open_file(FIX("hello.gcc.o"), &big.o);
	ASSERT_NE(NULL, obj);
	innerext_object__close(obj);
	big.future_field = 1;
	EXPECT_EQ(NULL, innerext_object__open_file(FIX("hello.gcc.o"), &big.o));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(NULL, innerext_object__open(NULL));
	EXPECT_EQ(EINVAL, errno);
}

/* ---------------------------------------------------------------- load without a module */

TEST(load_without_device)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, opts,
			      .dev_path = "/nonexistent/innerext");
	INNEREXT_OPTS_DECLARE(innerext_attach_opts, aopts, .persistent = true);
	struct innerext_object *obj;
	struct innerext_program *p;

	obj = innerext_object__open_file(EXAMPLES "/hello.o", &opts);
	ASSERT_NE(NULL, obj);
	capture_start();
	EXPECT_EQ(-ENOENT, innerext_object__load(obj));
	EXPECT_NE(NULL, strstr(msgs, "cannot open /nonexistent/innerext")) TH_LOG("%s", msgs);
	EXPECT_EQ(-EINVAL, innerext_object__prog_fd(obj));

	/* attach before a successful load */
	p = innerext_object__next_program(obj, NULL);
	capture_start();
	EXPECT_EQ(NULL, innerext_program__attach(p, &aopts));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(msgs, "not loaded")) TH_LOG("%s", msgs);
	innerext_object__close(obj);
}

/* /dev/null answers every ioctl with ENOTTY: the refusal path, with an empty log. */
TEST(load_refused)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, opts, .dev_path = "/dev/null");
	struct innerext_object *obj;

	obj = innerext_object__open_file(EXAMPLES "/hello.o", &opts);
	ASSERT_NE(NULL, obj);
	capture_start();
	EXPECT_EQ(-ENOTTY, innerext_object__load(obj));
	EXPECT_NE(NULL, strstr(msgs, "libinnerext: load of 'hello' refused: ")) TH_LOG("%s", msgs);
	EXPECT_STREQ("", innerext_object__load_log(obj));
	EXPECT_EQ(0, innerext_object__prog_id(obj));
	innerext_object__close(obj);
}

TEST(dev_wrappers)
{
	struct ie_prog_info info;
	__u32 id = 0;
	int fd;

	EXPECT_EQ(-ENOENT, innerext_dev_open("/nonexistent/innerext"));
	fd = innerext_dev_open("/dev/null");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENOTTY, innerext_get_next_id(fd, IE_OBJ_PROG, 0, &id));
	EXPECT_EQ(-ENOTTY, innerext_prog_get_info_by_id(fd, 1, &info));
	EXPECT_EQ(sizeof(info), info.size);	/* filled in by the wrapper */
	EXPECT_EQ(-ENOTTY, innerext_link_detach_id(fd, 1));
	EXPECT_EQ(-EINVAL, innerext_prog_load(fd, "a_name_that_is_far_too_long_for_innerext",
					      "x", 1, NULL, 0, NULL));
	close(fd);
}

/*
 * Runtime settings: innerext_object__set_runtime() and innerext_prog_load_opts()
 * check their opts as every opts struct; /dev/null (ENOTTY) stands in for the
 * module, which checks the values (test/selftests/extctl_test.c).
 */
TEST(runtime_opts)
{
	INNEREXT_OPTS_DECLARE(innerext_object_open_opts, oopts, .dev_path = "/dev/null");
	INNEREXT_OPTS_DECLARE(innerext_runtime_opts, ropts, .budget_us = 700,
			      .fail_action = IE_XDP_PASS, .max_aborts = IE_BREAKER_OFF,
			      .abort_window_ms = 50);
	INNEREXT_OPTS_DECLARE(innerext_prog_load_opts, lopts, .budget_us = 700,
			      .max_aborts = 3, .prog_id = 77);
	struct {
		struct innerext_runtime_opts o;
		long future_field;
	} big;
	struct innerext_runtime_opts small = { .sz = 4 };
	struct innerext_object *obj;
	char log[64] = "stale";
	int fd;

	obj = innerext_object__open_file(EXAMPLES "/hello.o", &oopts);
	ASSERT_NE(NULL, obj);
	capture_start();
	EXPECT_EQ(0, innerext_object__set_runtime(obj, &ropts));
	EXPECT_EQ(0, innerext_object__set_runtime(obj, NULL));	/* the defaults */
	EXPECT_EQ(0, innerext_object__set_runtime(obj, &ropts));
	EXPECT_EQ(-EINVAL, innerext_object__set_runtime(NULL, &ropts));
	EXPECT_EQ(-EINVAL, innerext_object__set_runtime(obj, &small));
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.budget_us = 1;
	EXPECT_EQ(0, innerext_object__set_runtime(obj, &big.o));
	big.future_field = 1;
	EXPECT_EQ(-EINVAL, innerext_object__set_runtime(obj, &big.o));
	EXPECT_NE(NULL, strstr(msgs, "innerext_runtime_opts has non-zero fields")) TH_LOG("%s", msgs);
	/* the load goes on to the device with them */
	EXPECT_EQ(-ENOTTY, innerext_object__load(obj));
	EXPECT_NE(NULL, strstr(msgs, "libinnerext: load of 'hello' refused: ")) TH_LOG("%s", msgs);
	innerext_object__close(obj);

	fd = innerext_dev_open("/dev/null");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENOTTY, innerext_prog_load_opts(fd, "x", "image", 5, &lopts));
	EXPECT_EQ(77, lopts.prog_id);	/* out only on success */
	EXPECT_EQ(-ENOTTY, innerext_prog_load_opts(fd, "x", "image", 5, NULL));
	lopts.log_buf = log;
	lopts.log_size = sizeof(log);
	EXPECT_EQ(-ENOTTY, innerext_prog_load_opts(fd, "x", "image", 5, &lopts));
	EXPECT_STREQ("", log);	/* emptied before the ioctl */
	lopts.log_buf = NULL;
	EXPECT_EQ(-EINVAL, innerext_prog_load_opts(fd, "x", "image", 5, &lopts));
	lopts.log_size = 0;
	lopts.nr_map_fds = 1;	/* no map_fds */
	EXPECT_EQ(-EINVAL, innerext_prog_load_opts(fd, "x", "image", 5, &lopts));
	lopts.nr_map_fds = 0;
	EXPECT_EQ(-EINVAL, innerext_prog_load_opts(fd, NULL, "image", 5, &lopts));
	EXPECT_EQ(-EINVAL, innerext_prog_load_opts(fd, "x", NULL, 5, &lopts));
	lopts.sz = 2;
	EXPECT_EQ(-EINVAL, innerext_prog_load_opts(fd, "x", "image", 5, &lopts));
	/* the old entry points are wrappers of it */
	EXPECT_EQ(-ENOTTY, innerext_prog_load(fd, "x", "image", 5, log, sizeof(log), NULL));
	EXPECT_EQ(-EINVAL, innerext_prog_load(fd, "x", "image", 5, NULL, sizeof(log), NULL));
	close(fd);
	/* the v2 prog_info (aborts, runtime settings) is what the wrappers ask for */
	EXPECT_EQ(IE_PROG_INFO_SIZE_V2, sizeof(struct ie_prog_info));
}

/* ---------------------------------------------------------------- SEC() and syscalls */

TEST(syscall_names)
{
	EXPECT_EQ(32, innerext_syscall_nr("dup"));
	EXPECT_EQ(0, innerext_syscall_nr("read"));
	EXPECT_EQ(257, innerext_syscall_nr("openat"));
	EXPECT_EQ(-ENOENT, innerext_syscall_nr("nonexistent"));
	EXPECT_EQ(-ENOENT, innerext_syscall_nr(""));
	EXPECT_STREQ("dup", innerext_syscall_name(32));
	EXPECT_EQ(NULL, innerext_syscall_name(-1));
	EXPECT_EQ(NULL, innerext_syscall_name(100000));
}

TEST(sec_kprobe)
{
	struct ie_attach_spec s;

	ASSERT_EQ(0, ie_attach_spec_from_sec("kprobe/__x64_sys_dup", "p", &s));
	EXPECT_EQ(IE_HOOK_KPROBE, s.hook);
	EXPECT_STREQ("__x64_sys_dup", s.target);
	EXPECT_EQ(0, s.flags);
	EXPECT_STREQ("kprobe __x64_sys_dup", s.desc);

	capture_start();
	EXPECT_EQ(-EINVAL, ie_attach_spec_from_sec("kprobe/", "p", &s));
	EXPECT_EQ(-EINVAL, ie_attach_spec_from_sec("kprobe/do_sys_open+0x10", "p", &s));
	EXPECT_NE(NULL, strstr(msgs, "offsets are not supported"));
}

TEST(sec_tracepoint)
{
	struct ie_attach_spec s;

	ASSERT_EQ(0, ie_attach_spec_from_sec("tracepoint/sched/sched_switch", "p", &s));
	EXPECT_EQ(IE_HOOK_TRACEPOINT, s.hook);
	EXPECT_STREQ("sched:sched_switch", s.target);
	EXPECT_STREQ("sched_switch", s.tp_name);
	EXPECT_EQ(0, s.flags);

	ASSERT_EQ(0, ie_attach_spec_from_sec("tp/raw_syscalls/sys_exit", "p", &s));
	EXPECT_STREQ("raw_syscalls:sys_exit", s.target);

	capture_start();
	EXPECT_EQ(-EINVAL, ie_attach_spec_from_sec("tracepoint/sched", "p", &s));
	EXPECT_EQ(-EINVAL, ie_attach_spec_from_sec("tracepoint/sched/", "p", &s));
	EXPECT_EQ(-EINVAL, ie_attach_spec_tracepoint("sched", "a:b", "p", &s));
}

TEST(sec_syscalls)
{
	struct ie_attach_spec s;

	ASSERT_EQ(0, ie_attach_spec_from_sec("tracepoint/syscalls/sys_enter_dup", "hello", &s));
	EXPECT_EQ(IE_HOOK_TRACEPOINT, s.hook);
	EXPECT_STREQ("raw_syscalls:sys_enter", s.target);
	EXPECT_EQ(IE_LINK_F_SYSCALL_NR, s.flags);
	EXPECT_EQ(32, s.syscall_nr);
	EXPECT_STREQ("sys_enter", s.tp_name);
	EXPECT_STREQ("tracepoint syscalls:sys_enter_dup", s.desc);

	ASSERT_EQ(0, ie_attach_spec_tracepoint("syscalls", "sys_enter_openat", "p", &s));
	EXPECT_EQ(257, s.syscall_nr);

	capture_start();
	EXPECT_EQ(-ENOENT, ie_attach_spec_from_sec("tracepoint/syscalls/sys_enter_nonexistent",
						   "hello", &s));
	EXPECT_NE(NULL, strstr(msgs, "no x86-64 system call named 'nonexistent'")) TH_LOG("%s", msgs);
	EXPECT_NE(NULL, strstr(msgs, "'hello'"));
	EXPECT_EQ(-EOPNOTSUPP, ie_attach_spec_from_sec("tracepoint/syscalls/sys_exit_dup", "p", &s));
}

TEST(sec_unsupported)
{
	struct ie_attach_spec s;

	capture_start();
	EXPECT_EQ(-EOPNOTSUPP, ie_attach_spec_from_sec("xdp", "p", &s));
	EXPECT_EQ(-EOPNOTSUPP, ie_attach_spec_from_sec("kretprobe/do_exit", "p", &s));
	EXPECT_EQ(-EOPNOTSUPP, ie_attach_spec_from_sec("my_section", "prog1", &s));
	EXPECT_NE(NULL, strstr(msgs, "'my_section'"));
	EXPECT_NE(NULL, strstr(msgs, "'prog1'"));
}

/* Tracepoint arity from vmlinux BTF, when the running kernel has it. */
TEST(tracepoint_nr_args)
{
	struct innerext_object *obj;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP(return, "no /sys/kernel/btf/vmlinux");
	obj = innerext_object__open(EXAMPLES "/hello.o");
	ASSERT_NE(NULL, obj);
	/* btf_trace_sys_enter: (void *__data, struct pt_regs *regs, long id) */
	EXPECT_EQ(2, ie_object_tp_nr_args(obj, "sys_enter"));
	/* btf_trace_sched_switch: (void *, bool, prev, next[, prev_state]) */
	EXPECT_GE(ie_object_tp_nr_args(obj, "sched_switch"), 3);
	EXPECT_EQ(0, ie_object_tp_nr_args(obj, "no_such_tracepoint"));
	innerext_object__close(obj);
}

TEST(print_callback)
{
	innerext_print_fn_t prev;

	prev = innerext_set_print(NULL);
	EXPECT_NE(NULL, prev);		/* the default one */
	EXPECT_EQ(-EINVAL, open_err(FIX("not_elf.o")));	/* installs capture */
	EXPECT_TRUE(innerext_set_print(NULL) == capture);
	/* silenced: nothing printed, errno still reported */
	msgs[0] = '\0';
	EXPECT_EQ(NULL, innerext_object__open(FIX("not_elf.o")));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_STREQ("", msgs);
	innerext_set_print(prev);
}

TEST_HARNESS_MAIN
