// SPDX-License-Identifier: GPL-2.0
/*
 * extctl against the real module: run inside the QEMU guest with innerext.ko
 * loaded, from /innerext, executing ./tools/extctl/extctl as a user would and
 * checking its stdout, stderr and exit status separately.
 *
 * Fixtures (bad objects) are built by test/selftests/Makefile into
 * test/selftests/fixtures/ and copied into the payload by test/vm/lib.sh.
 *
 * extctl's error contract (tools/extctl/main.h): a failure is reported as one
 * line "extctl: <what went wrong and what to do>" on stderr; only a load the
 * module refused adds the module's log below it, each line indented by two
 * spaces. Usage errors exit 2, other failures 1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"

#define EXTCTL		"./tools/extctl/extctl"
#define HELLO_OBJ	"examples/hello.o"
#define HELLO_TRIGGER	"examples/hello_trigger"
#define FIX(name)	"test/selftests/fixtures/" name
#define EMPTY_LIST	"{\"programs\":[],\"links\":[]}\n"
#define OUT_SIZE	65536

/* ------------------------------------------------------------------ running extctl */

struct run {
	int status;		/* exit status, or -1 if it did not exit normally */
	char out[OUT_SIZE];
	char err[OUT_SIZE];
};

static void slurp_fd(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
}

/*
 * CAP_SYS_ADMIN out of the effective, permitted and inheritable sets. For root
 * that is not enough across execve() (root gets the bounding set back), so it
 * leaves the bounding set too (needs CAP_SETPCAP, which root has).
 */
static int drop_cap_sys_admin(void)
{
	cap_value_t v = CAP_SYS_ADMIN;
	cap_t caps;
	int err;

	if (cap_drop_bound(CAP_SYS_ADMIN))
		return -1;
	caps = cap_get_proc();
	if (!caps)
		return -1;
	err = cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) ||
	      cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR) ||
	      cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_CLEAR) ||
	      cap_set_proc(caps);
	cap_free(caps);
	return err ? -1 : 0;
}

/* Split @cmdline on spaces (no quoting: the tests need none) and run it. */
static pid_t spawn(const char *cmdline, int out_fd, int err_fd, bool drop_admin)
{
	char *argv[32], *copy, *tok, *save;
	int argc = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	copy = strdup(cmdline);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (out_fd >= 0)
		dup2(out_fd, 1);
	if (err_fd >= 0)
		dup2(err_fd, 2);
	if (drop_admin && drop_cap_sys_admin()) {
		perror("dropping CAP_SYS_ADMIN");
		_exit(126);
	}
	execv(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

static int wait_status(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Run "extctl ARGS"; exit status in r->status, output in r->out and r->err. */
static int vrun(struct run *r, bool drop_admin, const char *fmt, va_list ap)
{
	char cmd[1024];
	int out_fd, err_fd;
	size_t n;

	n = snprintf(cmd, sizeof(cmd), "%s ", EXTCTL);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	out_fd = memfd_create("extctl-out", MFD_CLOEXEC);
	err_fd = memfd_create("extctl-err", MFD_CLOEXEC);
	r->status = wait_status(spawn(cmd, out_fd, err_fd, drop_admin));
	slurp_fd(out_fd, r->out, sizeof(r->out));
	slurp_fd(err_fd, r->err, sizeof(r->err));
	return r->status;
}

static int __attribute__((format(printf, 2, 3))) run(struct run *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vrun(r, false, fmt, ap);
	va_end(ap);
	return ret;
}

static int __attribute__((format(printf, 2, 3))) run_without_admin(struct run *r,
								  const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vrun(r, true, fmt, ap);
	va_end(ap);
	return ret;
}

/* examples/hello_trigger N: returns its pid (it has exited successfully), or -1. */
static pid_t trigger(int n)
{
	char cmd[64];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pid_t pid;

	snprintf(cmd, sizeof(cmd), HELLO_TRIGGER " %d", n);
	pid = spawn(cmd, devnull, -1, false);
	close(devnull);
	return wait_status(pid) == 0 ? pid : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * The error contract: exactly one "extctl: " line, ending in '\n', then only
 * lines indented by two spaces (the module's log, after a refused load).
 */
static bool one_error(const char *err)
{
	const char *nl = strchr(err, '\n');

	if (strncmp(err, "extctl: ", 8) || !nl)
		return false;
	for (err = nl + 1; *err; err = nl + 1) {
		nl = strchr(err, '\n');
		if (!nl || strncmp(err, "  ", 2) || isspace((unsigned char)err[2]))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ a tiny JSON checker */

struct js {
	const char *p;
};

static void js_ws(struct js *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static bool js_value(struct js *j, int depth);

static bool js_string(struct js *j)
{
	if (*j->p++ != '"')
		return false;
	while (*j->p != '"') {
		unsigned char c = *j->p++;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			c = *j->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)*j->p++))
						return false;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return false;
			}
		}
	}
	j->p++;
	return true;
}

static bool js_number(struct js *j)
{
	const char *start = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (isdigit((unsigned char)*j->p))
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	return j->p > start;
}

static bool js_members(struct js *j, int depth, char close, bool object)
{
	j->p++;
	js_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		if (object) {
			js_ws(j);
			if (!js_string(j))
				return false;
			js_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!js_value(j, depth + 1))
			return false;
		js_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool js_value(struct js *j, int depth)
{
	if (depth > 32)
		return false;
	js_ws(j);
	switch (*j->p) {
	case '{':
		return js_members(j, depth, '}', true);
	case '[':
		return js_members(j, depth, ']', false);
	case '"':
		return js_string(j);
	case 't':
		return !strncmp(j->p, "true", 4) && (j->p += 4);
	case 'f':
		return !strncmp(j->p, "false", 5) && (j->p += 5);
	case 'n':
		return !strncmp(j->p, "null", 4) && (j->p += 4);
	default:
		return js_number(j);
	}
}

/* @s is exactly one JSON document (plus whitespace). */
static bool is_json(const char *s)
{
	struct js j = { .p = s };

	if (!js_value(&j, 0))
		return false;
	js_ws(&j);
	return *j.p == '\0';
}

/* ------------------------------------------------------------------ module state */

/* Detach every link: persistent links are what keep programs (and the module) alive. */
static void detach_all(void)
{
	__u32 id = 0;
	int dev = innerext_dev_open(NULL);

	if (dev < 0)
		return;
	while (!innerext_get_next_id(dev, IE_OBJ_LINK, id, &id))
		innerext_link_detach_id(dev, id);
	close(dev);
}

/* Throw away trace lines nobody read yet, so a test sees only its own. */
static void trace_discard(void)
{
	char buf[4096];
	int fd = open(INNEREXT_DEV_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

/* ------------------------------------------------------------------ fixture */

FIXTURE(extctl) {
	struct run r;
};

FIXTURE_SETUP(extctl)
{
	ASSERT_EQ(0, access(INNEREXT_DEV_PATH, F_OK)) TH_LOG("innerext.ko is not loaded");
	ASSERT_EQ(0, access(EXTCTL, X_OK)) TH_LOG("run from the payload root (/innerext)");
	detach_all();
	trace_discard();
	ASSERT_EQ(0, run(&self->r, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, self->r.out);
}

FIXTURE_TEARDOWN(extctl)
{
	detach_all();
}

#define R	(&self->r)
#define ASSERT_OUT(s)	ASSERT_NE(NULL, strstr(R->out, s)) \
	TH_LOG("'%s' not in stdout:\n%s\nstderr:\n%s", s, R->out, R->err)
#define ASSERT_NOT_OUT(s)	ASSERT_EQ(NULL, strstr(R->out, s)) \
	TH_LOG("'%s' in stdout:\n%s", s, R->out)
#define ASSERT_ERR(s)	ASSERT_NE(NULL, strstr(R->err, s)) TH_LOG("'%s' not in stderr:\n%s", s, R->err)
/* failed with @status, nothing on stdout, one "extctl: " line on stderr (+ module log) */
#define ASSERT_FAILED(want_status, substr)					\
	do {									\
		ASSERT_EQ(want_status, R->status)				\
			TH_LOG("stdout:\n%s\nstderr:\n%s", R->out, R->err);	\
		ASSERT_STREQ("", R->out);					\
		ASSERT_TRUE(one_error(R->err)) TH_LOG("not one error line:\n%s", R->err); \
		ASSERT_ERR(substr);						\
	} while (0)
/* as ASSERT_FAILED, and stderr is exactly one line */
#define ASSERT_FAILED_1(want_status, substr)					\
	do {									\
		ASSERT_FAILED(want_status, substr);				\
		ASSERT_EQ(1, count_lines(R->err)) TH_LOG("stderr:\n%s", R->err); \
	} while (0)

/* "loaded 'NAME' as prog id P; link id L: DESC (ENTRY)\n" -> P, L */
static bool parse_loaded(const char *out, const char *name, const char *desc, const char *entry,
			 unsigned int *prog_id, unsigned int *link_id)
{
	char want[512];

	if (sscanf(out, "loaded '%*[^']' as prog id %u; link id %u:", prog_id, link_id) != 2)
		return false;
	snprintf(want, sizeof(want), "loaded '%s' as prog id %u; link id %u: %s (%s)\n",
		 name, *prog_id, *link_id, desc, entry);
	return !strcmp(out, want);
}

/* ------------------------------------------------------------------ load, list, trace, unload */

TEST_F_TIMEOUT(extctl, hello_tracepoint_load_list_trace_unload, 120)
{
	unsigned int prog_id = 0, link_id = 0;
	unsigned long long runs = 0;
	char want[256];
	const char *p;
	pid_t pid;

	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --tracepoint syscalls:sys_enter_dup"))
		TH_LOG("%s", R->err);
	ASSERT_STREQ("", R->err);
	ASSERT_TRUE(parse_loaded(R->out, "hello", "tracepoint syscalls:sys_enter_dup", "hello",
				 &prog_id, &link_id)) TH_LOG("stdout: %s", R->out);

	/* the link is persistent: still there after extctl exited */
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want), "%u: hello  text ", prog_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want),
		 "\tlink %u: tracepoint syscalls:sys_enter_dup  entry hello  persistent\n", link_id);
	ASSERT_OUT(want);
	ASSERT_OUT("\tloaded by pid ");

	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ("", R->err);
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	snprintf(want, sizeof(want), "{\"programs\":[{\"id\":%u,\"name\":\"hello\",", prog_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\"links\":[{\"id\":%u,\"prog_id\":%u,", link_id, prog_id);
	ASSERT_OUT(want);
	ASSERT_OUT("\"entry_name\":\"hello\"");
	ASSERT_OUT("\"hook\":\"tracepoint\",\"target\":\"raw_syscalls:sys_enter\"");
	ASSERT_OUT("\"attached_to\":\"tracepoint syscalls:sys_enter_dup\"");
	ASSERT_OUT("\"syscall_nr\":32,\"syscall\":\"dup\"");
	ASSERT_OUT("\"persistent\":true");
	ASSERT_EQ(0, run(R, "-p list"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);

	/* the trigger's dup() calls show up in the trace with its pid */
	pid = trigger(3);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, run(R, "trace -n 3 -t 5"));
	ASSERT_STREQ("", R->err);
	ASSERT_EQ(3, count_lines(R->out)) TH_LOG("trace:\n%s", R->out);
	snprintf(want, sizeof(want), "hello_trigger-%d [", pid);
	ASSERT_EQ(3, count_substr(R->out, want)) TH_LOG("trace:\n%s", R->out);
	snprintf(want, sizeof(want), ": hello: hello: triggered from PID %d (hello_trigger)\n", pid);
	ASSERT_EQ(3, count_substr(R->out, want)) TH_LOG("trace:\n%s", R->out);

	/* the runs are counted */
	ASSERT_EQ(0, run(R, "list -j"));
	p = strstr(R->out, "\"run_cnt\":");
	ASSERT_NE(NULL, p);
	runs = strtoull(p + 10, NULL, 10);
	ASSERT_LE(3, runs);

	/* unload detaches: no more lines, nothing listed */
	ASSERT_EQ(0, run(R, "unload hello"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want),
		 "detached link %u: tracepoint syscalls:sys_enter_dup (hello, prog id %u)\n",
		 link_id, prog_id);
	ASSERT_STREQ(want, R->out);
	pid = trigger(2);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, run(R, "trace -t 1"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want), "PID %d ", pid);
	ASSERT_NOT_OUT(want);
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_STREQ("", R->out);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* trace started first: lines arriving while it waits are printed, -n stops it */
TEST_F_TIMEOUT(extctl, trace_waits_for_lines, 120)
{
	int out_fd = memfd_create("trace-out", MFD_CLOEXEC);
	char want[128];
	pid_t tracer, pid;

	ASSERT_EQ(0, run(R, "load " HELLO_OBJ));
	ASSERT_OUT("link id ");
	tracer = spawn(EXTCTL " trace -n 2 -t 20", out_fd, -1, false);
	ASSERT_LT(0, tracer);
	usleep(500 * 1000);
	pid = trigger(2);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_status(tracer));
	slurp_fd(out_fd, R->out, sizeof(R->out));
	snprintf(want, sizeof(want), "hello_trigger-%d [", pid);
	ASSERT_EQ(2, count_substr(R->out, want)) TH_LOG("trace:\n%s", R->out);
	ASSERT_EQ(2, count_lines(R->out));
	ASSERT_EQ(0, run(R, "unload hello"));
}

TEST_F_TIMEOUT(extctl, hello_kprobe_with_name, 120)
{
	unsigned int prog_id = 0, link_id = 0;
	char want[256];
	pid_t pid;

	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --kprobe __x64_sys_dup --name greeter"))
		TH_LOG("%s", R->err);
	ASSERT_STREQ("", R->err);
	ASSERT_TRUE(parse_loaded(R->out, "greeter", "kprobe __x64_sys_dup", "hello",
				 &prog_id, &link_id)) TH_LOG("stdout: %s", R->out);

	ASSERT_EQ(0, run(R, "list"));
	snprintf(want, sizeof(want), "%u: greeter  text ", prog_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\tlink %u: kprobe __x64_sys_dup  entry hello  persistent\n",
		 link_id);
	ASSERT_OUT(want);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"name\":\"greeter\"");
	ASSERT_OUT("\"hook\":\"kprobe\",\"target\":\"__x64_sys_dup\"");

	/* trace lines carry the program name given with --name; -j: one JSON object a line */
	pid = trigger(2);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, run(R, "-j trace -n 2 -t 5"));
	ASSERT_EQ(2, count_lines(R->out)) TH_LOG("trace:\n%s", R->out);
	for (char *line = R->out, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		ASSERT_TRUE(is_json(line)) TH_LOG("not JSON: %s", line);
		snprintf(want, sizeof(want), "\"comm\":\"hello_trigger\",\"pid\":%d,\"cpu\":", pid);
		ASSERT_NE(NULL, strstr(line, want)) TH_LOG("'%s' not in %s", want, line);
		snprintf(want, sizeof(want), "\"prog\":\"greeter\",\"message\":"
			 "\"hello: triggered from PID %d (hello_trigger)\"}", pid);
		ASSERT_NE(NULL, strstr(line, want)) TH_LOG("'%s' not in %s", want, line);
	}

	/* "hello" is the entry, not the program: nothing to unload by that name */
	run(R, "unload hello");
	ASSERT_FAILED_1(1, "no program named 'hello' is loaded");

	ASSERT_EQ(0, run(R, "unload id %u", prog_id));
	snprintf(want, sizeof(want), "detached link %u: kprobe __x64_sys_dup (greeter, prog id %u)\n",
		 link_id, prog_id);
	ASSERT_STREQ(want, R->out);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

TEST_F(extctl, load_json)
{
	ASSERT_EQ(0, run(R, "-j load " HELLO_OBJ " --tracepoint syscalls:sys_enter_dup"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("{\"name\":\"hello\",\"file\":\"" HELLO_OBJ "\",\"prog_id\":");
	ASSERT_OUT("\"program\":\"hello\"");
	ASSERT_OUT("\"target\":\"tracepoint syscalls:sys_enter_dup\"");
	ASSERT_OUT("\"persistent\":true");
	ASSERT_EQ(0, run(R, "-j unload hello"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("{\"detached\":[{\"link_id\":");
}

/* ------------------------------------------------------------------ failures */

TEST_F(extctl, unload_unknown)
{
	ASSERT_EQ(1, run(R, "unload no_such_prog"));
	ASSERT_STREQ("extctl: no program named 'no_such_prog' is loaded\n", R->err);
	ASSERT_STREQ("", R->out);
	ASSERT_EQ(1, run(R, "unload id 4242"));
	ASSERT_STREQ("extctl: no program with id 4242 is loaded\n", R->err);
	ASSERT_STREQ("", R->out);
}

TEST_F(extctl, load_missing_file)
{
	run(R, "load " FIX("does_not_exist.o"));
	ASSERT_FAILED_1(1, FIX("does_not_exist.o"));
	ASSERT_ERR("No such file or directory");
}

TEST_F(extctl, load_not_elf)
{
	run(R, "load " FIX("not_elf.o"));
	ASSERT_FAILED_1(1, FIX("not_elf.o") ": not an ELF file\n");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* libinnerext accepts it; the module refuses the import and says which one */
TEST_F(extctl, load_unknown_helper)
{
	run(R, "load " FIX("bad_import.o"));
	ASSERT_FAILED(1, "extctl: load of 'bad_import' refused: unknown helper 'printf' (import #0): not provided by this module (No such file or directory)");
	ASSERT_EQ(1, count_lines(R->err)) TH_LOG("stderr:\n%s", R->err);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* -mcmodel=small (build checks off): R_X86_64_32 relocations, refused before the module */
TEST_F(extctl, load_mcmodel_small)
{
	run(R, "load " FIX("bad_small.o"));
	ASSERT_FAILED_1(1, FIX("bad_small.o") ": section 'tracepoint/syscalls/sys_enter_dup'");
	ASSERT_ERR("R_X86_64_32 ");
	ASSERT_ERR("build with -mcmodel=kernel (innerext.mk)\n");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* A failed attach leaves nothing behind: no program, no link. */
TEST_F(extctl, attach_failure_leaves_nothing)
{
	run(R, "load " HELLO_OBJ " --kprobe no_such_function_xyz");
	ASSERT_FAILED_1(1, "extctl: attach of 'hello' to kprobe no_such_function_xyz refused: ");
	ASSERT_ERR("no_such_function_xyz");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);

	run(R, "load " HELLO_OBJ " --tracepoint nosuch:tracepoint_xyz");
	ASSERT_FAILED_1(1, "extctl: attach of 'hello' to tracepoint nosuch:tracepoint_xyz refused: ");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* The first program attaches, the second cannot: the first link is taken back. */
TEST_F(extctl, attach_failure_rolls_back_earlier_links)
{
	run(R, "load " FIX("rollback.o"));
	ASSERT_FAILED_1(1, "extctl: attach of 'second_fails' to kprobe no_such_function refused: ");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

TEST_F(extctl, several_programs_need_prog)
{
	run(R, "load " FIX("rollback.o") " --kprobe __x64_sys_dup");
	ASSERT_FAILED_1(1, "has 2 programs (first_ok, second_fails): pick one with --prog NAME");
	ASSERT_EQ(0, run(R, "load " FIX("rollback.o") " --kprobe __x64_sys_dup --prog first_ok"));
	ASSERT_OUT("loaded 'rollback' as prog id ");
	ASSERT_OUT(": kprobe __x64_sys_dup (first_ok)\n");
	ASSERT_EQ(0, run(R, "unload rollback"));
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

TEST_F(extctl, needs_cap_sys_admin)
{
	ASSERT_EQ(1, run_without_admin(R, "list"));
	ASSERT_STREQ("extctl: CAP_SYS_ADMIN is required: run as root (sudo extctl ...)\n", R->err);
	ASSERT_STREQ("", R->out);
	ASSERT_EQ(1, run_without_admin(R, "load " HELLO_OBJ));
	ASSERT_STREQ("extctl: CAP_SYS_ADMIN is required: run as root (sudo extctl ...)\n", R->err);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
	/* help needs no privilege */
	ASSERT_EQ(0, run_without_admin(R, "load help"));
	ASSERT_OUT("Usage: extctl load FILE");
}

/* Argument errors: exit 2, one line, nothing done. */
TEST_F(extctl, argument_errors)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "load", "extctl: load: missing FILE; try 'extctl load help'\n" },
		{ "load " HELLO_OBJ " " HELLO_OBJ, "extctl: load: one FILE at a time; try 'extctl load help'\n" },
		{ "load " HELLO_OBJ " --kprobe a --tracepoint b:c",
		  "extctl: load: --kprobe and --tracepoint exclude each other\n" },
		{ "load " HELLO_OBJ " --tracepoint nocolon",
		  "extctl: load: --tracepoint wants CATEGORY:NAME (e.g. sched:sched_switch), not 'nocolon'\n" },
		{ "load " HELLO_OBJ " --kprobe", "extctl: load: option '--kprobe' needs an argument\n" },
		{ "load " HELLO_OBJ " --bogus", "extctl: load: unknown option '--bogus'; try 'extctl load help'\n" },
		{ "list --bogus", "extctl: list: unknown option '--bogus'; try 'extctl list help'\n" },
		{ "list extra", "extctl: list: unexpected argument 'extra'; try 'extctl list help'\n" },
		{ "unload", "extctl: unload: expected NAME or 'id ID'; try 'extctl unload help'\n" },
		{ "unload id abc", "extctl: unload: 'abc' is not a program id\n" },
		{ "unload id 0", "extctl: unload: '0' is not a program id\n" },
		{ "trace -n zero", "extctl: trace: COUNT must be a positive number, not 'zero'\n" },
		{ "trace -n 0", "extctl: trace: COUNT must be a positive number, not '0'\n" },
		{ "trace -t -1", "extctl: trace: SECONDS must be a number >= 0, not '-1'\n" },
		{ "version extra", "extctl: version: unexpected argument 'extra'\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(2, run(R, "%s", cases[i].args)) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ(cases[i].msg, R->err) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ("", R->out) TH_LOG("extctl %s", cases[i].args);
	}
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

TEST_F(extctl, version_reports_the_module)
{
	ASSERT_EQ(0, run(R, "version"));
	ASSERT_OUT("module: ABI 1, features kprobe tracepoint");
	ASSERT_OUT("0 programs, 0 links\n");
	ASSERT_EQ(0, run(R, "-j version"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"module\":{\"abi_version\":1,\"features\":[\"kprobe\",\"tracepoint\"");
}

TEST_HARNESS_MAIN
