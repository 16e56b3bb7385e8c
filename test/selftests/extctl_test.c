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
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"

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
	/* the import's index depends on the compiler (the stack check comes first) */
	ASSERT_FAILED(1, "extctl: load of 'bad_import' refused: unknown helper 'printf' (import #");
	ASSERT_ERR("): not provided by this module (No such file or directory)");
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
	ASSERT_OUT("\"maps\",\"xdp\",\"runtime\",\"signed\"]");	/* not sig_required */
	ASSERT_EQ(0, run(R, "version"));
	ASSERT_OUT(" maps xdp runtime signed\n");
}

/* ------------------------------------------------------------------ map */

#define MAP_OBJ		"examples/map_test.o"

/* The id of the live map called @name (the only one), 0 if none. */
static __u32 map_id_of(const char *name)
{
	struct ie_map_info info;
	int dev = innerext_dev_open(NULL), fd;
	__u32 id = 0;

	if (dev < 0)
		return 0;
	fd = innerext_map_open_by_name(dev, name);
	if (fd >= 0 && !innerext_map_get_info_by_fd(fd, &info))
		id = info.id;
	if (fd >= 0)
		close(fd);
	close(dev);
	return id;
}

/* Maps go some milliseconds after their last user (RCU, a worker): wait for none. */
static bool wait_no_maps(void)
{
	int dev = innerext_dev_open(NULL);
	bool none = false;
	__u32 id;

	if (dev < 0)
		return false;
	for (int i = 0; i < 500 && !none; i++) {
		id = 0;
		none = innerext_get_next_id(dev, IE_OBJ_MAP, 0, &id) == -ENOENT;
		if (!none)
			usleep(10 * 1000);
	}
	close(dev);
	return none;
}

/* "extctl map list" and "map dump" on examples/map_test.o's three maps */
TEST_F_TIMEOUT(extctl, map_list_and_dump, 120)
{
	unsigned int prog_id = 0, link_id = 0;
	__u32 count_id, blocked_id, runs_id;
	char want[256];
	const char *p;
	int n = 0;

	ASSERT_TRUE(wait_no_maps()) TH_LOG("maps left by earlier tests");
	ASSERT_EQ(0, run(R, "load " MAP_OBJ)) TH_LOG("%s", R->err);
	ASSERT_TRUE(parse_loaded(R->out, "map_test", "tracepoint raw_syscalls:sys_enter",
				 "count_syscalls", &prog_id, &link_id)) TH_LOG("stdout: %s", R->out);
	count_id = map_id_of("syscall_count");
	blocked_id = map_id_of("blocked");
	runs_id = map_id_of("invocations");
	ASSERT_TRUE(count_id && blocked_id && runs_id);

	ASSERT_EQ(0, run(R, "map list"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want), "%u: hash  name syscall_count  flags 0x0\n"
		 "\tkey 4B  value 8B  max_entries 512  memory ", count_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "%u: hash  name blocked  flags 0x0\n"
		 "\tkey 2B  value 1B  max_entries 64  memory ", blocked_id);
	ASSERT_OUT(want);
	ASSERT_OUT("B  elements 0\n");
	snprintf(want, sizeof(want), "%u: percpu_array  name invocations  flags 0x0\n"
		 "\tkey 4B  value 8B  max_entries 1  memory ", runs_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\tprogs %u (map_test)\n", prog_id);
	ASSERT_EQ(3, count_substr(R->out, want)) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(9, count_lines(R->out)) TH_LOG("stdout:\n%s", R->out);

	ASSERT_EQ(0, run(R, "-j map list"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	snprintf(want, sizeof(want), "{\"id\":%u,\"name\":\"blocked\",\"type\":\"hash\","
		 "\"key_size\":2,\"value_size\":1,\"max_entries\":64,\"map_flags\":0,\"memory\":",
		 blocked_id);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\"nr_progs\":1,\"progs\":[{\"id\":%u,\"name\":\"map_test\"}]}",
		 prog_id);
	ASSERT_EQ(3, count_substr(R->out, want)) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(0, run(R, "map list -p"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);

	/* getppid (110) is counted: "key: 6e 00 00 00  value: ..." */
	syscall(SYS_getppid);
	syscall(SYS_getppid);
	ASSERT_EQ(0, run(R, "map dump syscall_count"));
	ASSERT_STREQ("", R->err);
	ASSERT_OUT("key: 6e 00 00 00  value: ");
	p = strstr(R->out, "Found ");
	ASSERT_NE(NULL, p) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(1, sscanf(p, "Found %d elements\n", &n));
	ASSERT_LE(2, n);
	ASSERT_EQ(n, count_substr(R->out, "key: ")) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(n + 1, count_lines(R->out));
	snprintf(want, sizeof(want), "Found %d elements\n", n);
	ASSERT_STREQ(want, p);

	/* by id, and JSON: the same element count */
	ASSERT_EQ(0, run(R, "map dump id %u", count_id));
	ASSERT_OUT("key: 6e 00 00 00  value: ");
	ASSERT_OUT("\nFound ");
	ASSERT_EQ(0, run(R, "-j map dump syscall_count"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_EQ(0, strncmp(R->out, "[{\"key\":[\"0x", 12)) TH_LOG("%s", R->out);
	ASSERT_OUT("{\"key\":[\"0x6e\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x");

	/* per-CPU: one value per possible CPU */
	ASSERT_EQ(0, run(R, "map dump invocations"));
	ASSERT_OUT("key:\n00 00 00 00\nvalue (CPU 00): ");
	ASSERT_OUT("\nvalue (CPU 01): ");
	ASSERT_OUT("\nFound 1 element\n");
	ASSERT_EQ(0, run(R, "-j map dump invocations"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("[{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[");
	ASSERT_OUT("{\"cpu\":1,\"value\":[");

	/* empty */
	ASSERT_EQ(0, run(R, "map dump blocked"));
	ASSERT_STREQ("Found 0 elements\n", R->out);
	ASSERT_EQ(0, run(R, "-j map dump blocked"));
	ASSERT_STREQ("[]\n", R->out);

	/* unload: the program goes, and its maps with it */
	ASSERT_EQ(0, run(R, "unload map_test"));
	ASSERT_TRUE(wait_no_maps());
	ASSERT_EQ(0, run(R, "map list"));
	ASSERT_STREQ("", R->out);
	ASSERT_EQ(0, run(R, "-j map list"));
	ASSERT_STREQ("[]\n", R->out);
}

/* lookup, update, delete with each key syntax; the outcomes as BPF users know them */
TEST_F_TIMEOUT(extctl, map_lookup_update_delete, 120)
{
	__u32 id;
	char want[256];

	ASSERT_TRUE(wait_no_maps()) TH_LOG("maps left by earlier tests");
	ASSERT_EQ(0, run(R, "load " MAP_OBJ)) TH_LOG("%s", R->err);
	id = map_id_of("blocked");
	ASSERT_NE(0, id);

	/* "key 53" on a 2-byte key: one number, little-endian: 35 00 */
	ASSERT_EQ(0, run(R, "map update blocked key 53 value 1"));
	ASSERT_STREQ("", R->out);
	ASSERT_STREQ("", R->err);
	static const char *const keys[] = {
		"key 53", "key 0x35 0", "key 53 0", "key hex 35 00", "key 0x35", "key hex 35 0",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ASSERT_EQ(0, run(R, "map lookup blocked %s", keys[i])) TH_LOG("%s: %s", keys[i], R->err);
		ASSERT_STREQ("key: 35 00  value: 01\n", R->out) TH_LOG("%s", keys[i]);
		ASSERT_STREQ("", R->err);
	}
	ASSERT_EQ(0, run(R, "map lookup id %u key 53", id));
	ASSERT_STREQ("key: 35 00  value: 01\n", R->out);
	ASSERT_EQ(0, run(R, "map lookup name blocked key 53 -j"));
	ASSERT_STREQ("{\"key\":[\"0x35\",\"0x00\"],\"value\":[\"0x01\"]}\n", R->out);

	/* noexist on a present key, exist on a missing one */
	run(R, "map update blocked key 53 value 2 noexist");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map update 'blocked' (id %u): key exists (noexist)\n", id);
	ASSERT_STREQ(want, R->err);
	run(R, "map update blocked key 54 value 2 exist");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map update 'blocked' (id %u): no such key (exist)\n", id);
	ASSERT_STREQ(want, R->err);
	ASSERT_EQ(0, run(R, "map update blocked key 53 value 0x7 exist"));
	ASSERT_EQ(0, run(R, "map update blocked key 54 value 2 noexist"));
	ASSERT_EQ(0, run(R, "map update blocked key hex 00 01 value hex ff any"));
	ASSERT_EQ(0, run(R, "-j map update blocked key 55 value 3"));
	ASSERT_STREQ("null\n", R->out);
	ASSERT_EQ(0, run(R, "map lookup blocked key 53"));
	ASSERT_STREQ("key: 35 00  value: 07\n", R->out);
	ASSERT_EQ(0, run(R, "map dump blocked"));
	ASSERT_OUT("key: 35 00  value: 07\n");
	ASSERT_OUT("key: 36 00  value: 02\n");
	ASSERT_OUT("key: 00 01  value: ff\n");
	ASSERT_OUT("key: 37 00  value: 03\n");
	ASSERT_EQ(5, count_lines(R->out));
	ASSERT_OUT("\nFound 4 elements\n");

	/* delete (the issue's own command), then it is gone */
	ASSERT_EQ(0, run(R, "map delete blocked key 53"));
	ASSERT_STREQ("", R->out);
	ASSERT_STREQ("", R->err);
	run(R, "map delete blocked key 53");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map delete 'blocked' (id %u): no such key\n", id);
	ASSERT_STREQ(want, R->err);
	run(R, "map lookup blocked key hex 35 00");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map lookup 'blocked' (id %u): no such key\n", id);
	ASSERT_STREQ(want, R->err);
	ASSERT_EQ(0, run(R, "-j map delete id %u key 54", id));
	ASSERT_STREQ("null\n", R->out);

	/* per-CPU: the value given is stored for every CPU */
	ASSERT_EQ(0, run(R, "map update invocations key 0 value 0"));
	ASSERT_EQ(0, run(R, "map lookup invocations key 0"));
	ASSERT_OUT("key:\n00 00 00 00\nvalue (CPU 00): ");
	ASSERT_OUT("\nvalue (CPU 01): ");
	/* a 4-byte key: the single number rule */
	syscall(SYS_getppid);
	ASSERT_EQ(0, run(R, "map lookup syscall_count key 110"));
	ASSERT_EQ(0, strncmp(R->out, "key: 6e 00 00 00  value: ", 25)) TH_LOG("%s", R->out);
	ASSERT_EQ(0, run(R, "map lookup syscall_count key 0x6e 0 0 0"));
	ASSERT_EQ(0, strncmp(R->out, "key: 6e 00 00 00  value: ", 25)) TH_LOG("%s", R->out);
	ASSERT_EQ(0, run(R, "unload map_test"));
}

/* A map or a program the module refuses: one error line, nothing left behind. */
TEST_F_TIMEOUT(extctl, map_load_refusals, 60)
{
	ASSERT_TRUE(wait_no_maps()) TH_LOG("maps left by earlier tests");
	run(R, "load " FIX("maps_refused.o"));
	ASSERT_FAILED_1(1, "extctl: map 'huge' (hash) of 'maps_refused' refused: ");
	ASSERT_ERR("(Argument list too long)\n");
	ASSERT_TRUE(wait_no_maps());
	run(R, "load " FIX("maps_bad_import.o"));
	ASSERT_FAILED(1, "extctl: load of 'maps_bad_import' refused: unknown helper 'printf'");
	ASSERT_TRUE(wait_no_maps());
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* refusals: one line, exit 2 for arguments, 1 for what the module says */
TEST_F_TIMEOUT(extctl, map_errors, 120)
{
	static const struct {
		const char *args;
		const char *msg;
	} usage[] = {
		{ "map lookup blocked key 1 2 3", "extctl: key is 3 bytes, this map's key is 2 bytes\n" },
		{ "map lookup syscall_count key 1 2", "extctl: key is 2 bytes, this map's key is 4 bytes\n" },
		{ "map lookup syscall_count key hex 6e", "extctl: key is 1 byte, this map's key is 4 bytes\n" },
		{ "map update blocked key 53 value 1 2", "extctl: value is 2 bytes, this map's value is 1 byte\n" },
		{ "map lookup blocked key 70000", "extctl: map lookup: key 70000 does not fit in this map's 2-byte key\n" },
		{ "map update blocked key 53 value 256", "extctl: map update: value 256 does not fit in this map's 1-byte value\n" },
		{ "map lookup blocked key 0x35 zz", "extctl: map lookup: key byte 'zz' is not a byte (0..255, decimal or 0x hex)\n" },
		{ "map lookup blocked key 256 0", "extctl: map lookup: key byte '256' is not a byte (0..255, decimal or 0x hex)\n" },
		{ "map lookup blocked key hex 0x35 00", "extctl: map lookup: key byte '0x35' is not a hex byte (00..ff)\n" },
		{ "map lookup blocked key five", "extctl: map lookup: key 'five' is not a number (decimal or 0x hex)\n" },
		{ "map lookup blocked key", "extctl: map lookup: missing key bytes after 'key'\n" },
		{ "map lookup blocked key hex", "extctl: map lookup: missing key bytes after 'key hex'\n" },
		{ "map update blocked key 53", "extctl: map update: expected 'value BYTES' after the key; try 'extctl map update help'\n" },
		{ "map update blocked key 53 value 1 maybe", "extctl: map update: unexpected argument 'maybe' (flags: any, noexist, exist); try 'extctl map update help'\n" },
		{ "map update blocked key 53 0x35 0 value 1", "extctl: key is 3 bytes, this map's key is 2 bytes\n" },
		{ "map delete blocked key 53 value 1", "extctl: map delete: unexpected argument 'value'; try 'extctl map delete help'\n" },
		{ "map lookup blocked 53", "extctl: map lookup: expected 'key BYTES' after MAP; try 'extctl map lookup help'\n" },
	};
	__u16 k;
	__u8 one = 1;
	__u32 blocked_id, runs_id, id2;
	char want[256];
	int dev, fd;
	size_t i;

	ASSERT_TRUE(wait_no_maps()) TH_LOG("maps left by earlier tests");
	run(R, "map dump blocked");
	ASSERT_FAILED_1(1, "extctl: no map named 'blocked'\n");
	run(R, "map dump id 4000000");
	ASSERT_FAILED_1(1, "extctl: no map with id 4000000\n");

	ASSERT_EQ(0, run(R, "load " MAP_OBJ)) TH_LOG("%s", R->err);
	blocked_id = map_id_of("blocked");
	runs_id = map_id_of("invocations");
	for (i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		EXPECT_EQ(2, run(R, "%s", usage[i].args)) TH_LOG("extctl %s", usage[i].args);
		EXPECT_STREQ(usage[i].msg, R->err) TH_LOG("extctl %s", usage[i].args);
		EXPECT_STREQ("", R->out) TH_LOG("extctl %s", usage[i].args);
	}

	/* a full hash map */
	dev = innerext_dev_open(NULL);
	ASSERT_LE(0, dev);
	fd = innerext_map_open_by_name(dev, "blocked");
	ASSERT_LE(0, fd);
	for (k = 60000; k < 60064; k++)
		ASSERT_EQ(0, innerext_map_update_elem(fd, &k, 2, &one, 1, IE_ANY));
	close(fd);
	run(R, "map update blocked key 53 value 1");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map update 'blocked' (id %u): map is full (max_entries 64)\n",
		 blocked_id);
	ASSERT_STREQ(want, R->err);
	ASSERT_EQ(0, run(R, "map dump blocked"));
	ASSERT_OUT("\nFound 64 elements\n");

	/* arrays have every element: none can be deleted */
	run(R, "map delete invocations key 0");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: map delete 'invocations' (id %u): array elements cannot be deleted (EINVAL)\n",
		 runs_id);
	ASSERT_STREQ(want, R->err);

	/* two maps of one name: pick by id */
	ASSERT_EQ(0, run(R, "load " MAP_OBJ " --name map_test2")) TH_LOG("%s", R->err);
	id2 = 0;
	while (!innerext_get_next_id(dev, IE_OBJ_MAP, id2, &id2)) {
		struct ie_map_info info;

		if (id2 != blocked_id && !innerext_map_get_info_by_id(dev, id2, &info) &&
		    !strcmp(info.name, "blocked"))
			break;
	}
	run(R, "map dump blocked");
	ASSERT_FAILED_1(1, "extctl: ");
	snprintf(want, sizeof(want), "extctl: 2 maps are named 'blocked' (ids %u, %u): pick one with 'id MAP_ID'\n",
		 blocked_id < id2 ? blocked_id : id2, blocked_id < id2 ? id2 : blocked_id);
	ASSERT_STREQ(want, R->err);
	ASSERT_EQ(0, run(R, "map dump id %u", id2));
	ASSERT_STREQ("Found 0 elements\n", R->out);
	close(dev);
	ASSERT_EQ(0, run(R, "unload map_test2"));
	ASSERT_EQ(0, run(R, "unload map_test"));
}

/* ------------------------------------------------------------------ events (ring buffers) */

#define RINGBUF_OBJ	"examples/ringbuf_events.o"
#define STRESS_OBJ	FIX("ringbuf_stress.o")

/* "  0000  aa bb cc dd": the first bytes of a hex-dumped record that starts with @v (LE) */
static void hex_u32(char *buf, size_t size, __u32 v)
{
	snprintf(buf, size, "  0000  %02x %02x %02x %02x ", v & 0xff, (v >> 8) & 0xff,
		 (v >> 16) & 0xff, v >> 24);
}

/*
 * examples/ringbuf_events.o records every execve(2) (struct exec_event: pid, tid,
 * ktime, comm[16], filename[232]); extctl's own execve lands in the ring too.
 */
TEST_F_TIMEOUT(extctl, events_hex_json_and_string, 120)
{
	char want[128];
	pid_t pid[3];
	int i;

	ASSERT_EQ(0, run(R, "load " RINGBUF_OBJ)) TH_LOG("%s", R->err);
	ASSERT_OUT("link id ");
	for (i = 0; i < 3; i++) {
		pid[i] = trigger(1);
		ASSERT_LT(0, pid[i]);
	}

	/* hex: the three execs of the trigger, in order */
	ASSERT_EQ(0, run(R, "events events -n 3 -t 10"));
	ASSERT_STREQ("", R->err);
	ASSERT_EQ(3, count_substr(R->out, "size 264\n")) TH_LOG("stdout:\n%s", R->out);
	/* size, 0000 .. 0040, "*" for the zero lines up to 00f0, the last 8 bytes */
	ASSERT_EQ(3 * 8, count_lines(R->out)) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(3, count_substr(R->out, "\n  *\n  0100  00 00 00 00 00 00 00 00     "))
		TH_LOG("stdout:\n%s", R->out);
	for (i = 0; i < 3; i++) {
		hex_u32(want, sizeof(want), pid[i]);
		ASSERT_OUT(want);
	}
	ASSERT_EQ(3, count_substr(R->out, "|extctl_test.....|\n")) TH_LOG("%s", R->out);
	ASSERT_EQ(3, count_substr(R->out, "|examples/hello_t|\n")) TH_LOG("%s", R->out);
	ASSERT_EQ(3, count_substr(R->out, "|rigger..........|\n")) TH_LOG("%s", R->out);

	/* JSON: the exec of the previous `extctl events`, then another trigger */
	pid[0] = trigger(1);
	ASSERT_LT(0, pid[0]);
	ASSERT_EQ(0, run(R, "-j events name events -n 2 -t 10"));
	ASSERT_STREQ("", R->err);
	ASSERT_EQ(2, count_lines(R->out)) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(2, count_substr(R->out, "{\"size\":264,\"data\":[")) TH_LOG("%s", R->out);
	{
		char *nl = strchr(R->out, '\n');

		*nl = '\0';
		ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON: %s", R->out);
		ASSERT_TRUE(is_json(nl + 1)) TH_LOG("not JSON: %s", nl + 1);
		*nl = '\n';
	}
	snprintf(want, sizeof(want), "{\"size\":264,\"data\":[%u,%u,%u,%u,", pid[0] & 0xff,
		 (pid[0] >> 8) & 0xff, (pid[0] >> 16) & 0xff, (unsigned int)pid[0] >> 24);
	ASSERT_OUT(want);

	/* text: the exec of the JSON run; trailing NULs dropped, the rest escaped */
	ASSERT_EQ(0, run(R, "events events -s -n 1 -t 10"));
	ASSERT_STREQ("", R->err);
	ASSERT_EQ(1, count_lines(R->out)) TH_LOG("stdout:\n%s", R->out);
	ASSERT_OUT("extctl_test\\x00\\x00\\x00\\x00\\x00./tools/extctl/extctl\n");
	ASSERT_EQ(0, run(R, "-j events events -s -n 1 -t 10"));
	ASSERT_OUT("{\"size\":264,\"string\":\"");
	ASSERT_OUT("extctl_test\\u0000\\u0000\\u0000\\u0000\\u0000./tools/extctl/extctl\"}\n");

	/* the previous run's exec and its own, then the time is up */
	ASSERT_EQ(0, run(R, "events events -t 0.5"));
	ASSERT_EQ(2, count_substr(R->out, "size 264\n")) TH_LOG("stdout:\n%s", R->out);
	ASSERT_EQ(2, count_substr(R->out, "|extctl_test.....|\n")) TH_LOG("%s", R->out);
	ASSERT_EQ(2, count_substr(R->out, "|./tools/extctl/e|\n")) TH_LOG("%s", R->out);

	ASSERT_EQ(0, run(R, "unload ringbuf_events"));
}

static int map_fd_by_name(const char *name)
{
	int dev = innerext_dev_open(NULL), fd;

	if (dev < 0)
		return dev;
	fd = innerext_map_open_by_name(dev, name);
	close(dev);
	return fd;
}

static __u64 ctl_get(int fd, __u32 i)
{
	__u64 v = ~0ULL;

	innerext_map_lookup_elem(fd, &i, sizeof(i), &v, sizeof(v));
	return v;
}

/* a slow reader: records that did not fit are reported on stderr at exit */
TEST_F_TIMEOUT(extctl, events_reports_dropped_records, 120)
{
	__u64 attempts, discarded, full, pid = getpid();
	__u32 k_pid = 0;
	char want[160];
	int ctl, i;

	ASSERT_EQ(0, run(R, "load " STRESS_OBJ)) TH_LOG("%s", R->err);
	ctl = map_fd_by_name("rbs_ctl");
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, innerext_map_update_elem(ctl, &k_pid, 4, &pid, 8, IE_ANY));
	for (i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	attempts = ctl_get(ctl, 2);
	discarded = ctl_get(ctl, 3);
	full = ctl_get(ctl, 4);
	ASSERT_EQ(1000, attempts);
	ASSERT_LT(0, full);

	ASSERT_EQ(0, run(R, "-j events rbs_ring -t 1"));
	ASSERT_EQ(attempts - discarded - full, count_lines(R->out)) TH_LOG("%s", R->err);
	snprintf(want, sizeof(want),
		 "extctl: events: map 'rbs_ring': %llu records dropped because the ring was full "
		 "(0 while reading)\n", (unsigned long long)full);
	ASSERT_STREQ(want, R->err);
	close(ctl);
}

TEST_F(extctl, events_errors)
{
	int dev, fd, fd2, arr;
	struct ie_map_info info;
	char want[128];

	ASSERT_EQ(2, run(R, "events"));
	ASSERT_FAILED_1(2, "extctl: events: missing MAP; try 'extctl events help'");
	ASSERT_EQ(2, run(R, "events id"));
	ASSERT_FAILED_1(2, "extctl: events: 'id' needs an argument");
	ASSERT_EQ(2, run(R, "events id x7"));
	ASSERT_FAILED_1(2, "extctl: events: 'x7' is not a map id");
	ASSERT_EQ(2, run(R, "events x -n 0"));
	ASSERT_FAILED_1(2, "extctl: events: COUNT must be a positive number, not '0'");
	ASSERT_EQ(2, run(R, "events x y"));
	ASSERT_FAILED_1(2, "extctl: events: unexpected argument 'y'; try 'extctl events help'");
	ASSERT_EQ(1, run(R, "events nosuchmap"));
	ASSERT_FAILED_1(1, "extctl: events: no map named 'nosuchmap' (see 'extctl list')");
	ASSERT_EQ(1, run(R, "events id 999999"));
	ASSERT_FAILED_1(1, "extctl: events: no map with id 999999");

	dev = innerext_dev_open(NULL);
	ASSERT_LE(0, dev);
	arr = innerext_map_create(dev, IE_MAP_ARRAY, "ev_array", 4, 4, 1, NULL);
	ASSERT_LE(0, arr);
	ASSERT_EQ(0, innerext_map_get_info_by_fd(arr, &info));
	run(R, "events ev_array");
	snprintf(want, sizeof(want),
		 "extctl: events: map 'ev_array' (id %u, type array) is not a ring buffer", info.id);
	ASSERT_FAILED_1(1, want);

	fd = innerext_map_create(dev, IE_MAP_RINGBUF, "ev_twice", 0, 0, 4096, NULL);
	fd2 = innerext_map_create(dev, IE_MAP_RINGBUF, "ev_twice", 0, 0, 4096, NULL);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	run(R, "events ev_twice -t 0.1");
	ASSERT_FAILED_1(1, "several maps are named 'ev_twice': use 'id MAP_ID'");
	ASSERT_EQ(0, innerext_map_get_info_by_fd(fd2, &info));
	ASSERT_EQ(0, run(R, "events id %u -t 0.1", info.id));
	ASSERT_STREQ("", R->out);
	ASSERT_STREQ("", R->err);
	close(fd2);
	close(fd);
	close(arr);
	close(dev);
}

/* ------------------------------------------------------------------ xdp */

/*
 * extctl load --xdp on a veth pair: frames sent out of VETH_TX arrive on VETH_RX,
 * where the program runs. xdp_pass.o passes everything but frames of TEST_PROTO,
 * whose first payload byte it returns as the verdict.
 */
#define XDP_OBJ		FIX("xdp_pass.o")
#define VETH_TX		"extv0"
#define VETH_RX		"extv1"
#define TEST_PROTO	0x88b5

/*
 * iproute2's ip with @args (split on spaces); its exit status. Not system():
 * the guest's /bin/sh is busybox, whose own "ip" applet knows no veth.
 */
static int ip(bool quiet, const char *args)
{
	char cmd[256];
	int devnull = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
	const char *const paths[] = { "/usr/bin/ip", "/bin/ip", "/usr/sbin/ip", "/sbin/ip" };
	const char *path = "ip";
	pid_t pid;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK)) {
			path = paths[i];
			break;
		}
	snprintf(cmd, sizeof(cmd), "%s %s", path, args);
	pid = spawn(cmd, -1, devnull, false);
	if (devnull >= 0)
		close(devnull);
	return wait_status(pid);
}

FIXTURE(extctl_xdp) {
	struct run r;
	int ifindex;	/* of VETH_RX */
};

FIXTURE_SETUP(extctl_xdp)
{
	ASSERT_EQ(0, access(INNEREXT_DEV_PATH, F_OK)) TH_LOG("innerext.ko is not loaded");
	ASSERT_EQ(0, access(EXTCTL, X_OK)) TH_LOG("run from the payload root (/innerext)");
	ASSERT_EQ(0, access(XDP_OBJ, R_OK)) TH_LOG("make -C test/selftests builds " XDP_OBJ);
	detach_all();
	ip(true, "link del " VETH_TX);	/* a leftover of an earlier run */
	ASSERT_EQ(0, ip(false, "link add " VETH_TX " type veth peer name " VETH_RX));
	ASSERT_EQ(0, ip(false, "link set " VETH_TX " up"));
	ASSERT_EQ(0, ip(false, "link set " VETH_RX " up"));
	self->ifindex = (int)if_nametoindex(VETH_RX);
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(0, run(&self->r, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, self->r.out);
}

FIXTURE_TEARDOWN(extctl_xdp)
{
	detach_all();
	ip(true, "link del " VETH_TX);	/* unless the test deleted it */
}

/* @n frames of TEST_PROTO out of VETH_TX, so into VETH_RX, carrying @verdict. */
static int send_frames(int n, unsigned char verdict)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = (int)if_nametoindex(VETH_TX),
		.sll_halen = ETH_ALEN,
	};
	unsigned char frame[64] = { 0 };
	int fd, i;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(frame, 0xff, ETH_ALEN);				/* to: broadcast */
	memcpy(frame + ETH_ALEN, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	frame[12] = TEST_PROTO >> 8;
	frame[13] = TEST_PROTO & 0xff;
	frame[14] = verdict;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	for (i = 0; i < n; i++)
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) !=
		    sizeof(frame))
			break;
	close(fd);
	return i == n ? 0 : -EIO;
}

struct xdp_counts {
	unsigned long long pass, drop, tx, redirect, aborted, invalid, tx_errors;
};

/* The first program's "xdp" counters in 'extctl list -j' (output left in @r). */
static bool xdp_counts(struct run *r, struct xdp_counts *c)
{
	const char *p;

	if (run(r, "list -j") || !is_json(r->out))
		return false;
	p = strstr(r->out, "\"xdp\":{");
	return p && sscanf(p, "\"xdp\":{\"pass\":%llu,\"drop\":%llu,\"tx\":%llu,\"redirect\":%llu,"
			   "\"aborted\":%llu,\"invalid\":%llu,\"tx_errors\":%llu}",
			   &c->pass, &c->drop, &c->tx, &c->redirect, &c->aborted, &c->invalid,
			   &c->tx_errors) == 7;
}

/* 'extctl list -j' until @what is (@present) or is not in it; 5 s at most. */
static bool wait_list(struct run *r, const char *what, bool present)
{
	for (int i = 0; i < 500; i++) {
		if (!run(r, "list -j") && !!strstr(r->out, what) == present)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* load --xdp IFACE, list (plain, JSON, packet counters), unload, load again */
TEST_F_TIMEOUT(extctl_xdp, load_list_unload, 120)
{
	unsigned int prog_id = 0, link_id = 0, prog_id2 = 0, link_id2 = 0;
	struct xdp_counts c = { 0 };
	unsigned long long pass = 0;
	char want[256];
	int i;

	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX)) TH_LOG("%s", R->err);
	ASSERT_STREQ("", R->err);
	ASSERT_TRUE(parse_loaded(R->out, "xdp_pass", "xdp " VETH_RX, "xdp_pass", &prog_id,
				 &link_id)) TH_LOG("stdout: %s", R->out);

	/* every verdict, counted per action (REDIRECT without a device: a tx error) */
	ASSERT_EQ(0, send_frames(4, IE_XDP_PASS));
	ASSERT_EQ(0, send_frames(3, IE_XDP_DROP));
	ASSERT_EQ(0, send_frames(2, IE_XDP_TX));
	ASSERT_EQ(0, send_frames(1, IE_XDP_REDIRECT));
	ASSERT_EQ(0, send_frames(2, IE_XDP_ABORTED));
	ASSERT_EQ(0, send_frames(1, 7));
	for (i = 0; i < 500; i++) {
		ASSERT_TRUE(xdp_counts(R, &c)) TH_LOG("list -j:\n%s", R->out);
		if (c.drop == 3 && c.tx == 2 && c.redirect == 1 && c.aborted == 3 && c.pass >= 4)
			break;
		usleep(10 * 1000);
	}
	EXPECT_LE(4, c.pass);	/* and whatever else the kernel sent (IPv6 neighbour discovery) */
	EXPECT_EQ(3, c.drop);
	EXPECT_EQ(2, c.tx);
	EXPECT_EQ(1, c.redirect);
	EXPECT_EQ(3, c.aborted);
	EXPECT_EQ(1, c.invalid);
	EXPECT_EQ(1, c.tx_errors);

	ASSERT_EQ(0, run(R, "list"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want), "%u: xdp_pass  text ", prog_id);
	ASSERT_OUT(want);
	/* more may have passed since (IPv6 neighbour discovery): pass only grows */
	ASSERT_NE(NULL, strstr(R->out, "\n\txdp: pass ")) TH_LOG("list:\n%s", R->out);
	ASSERT_EQ(1, sscanf(strstr(R->out, "\n\txdp: pass "), "\n\txdp: pass %llu", &pass));
	ASSERT_LE(c.pass, pass);
	snprintf(want, sizeof(want), "\n\txdp: pass %llu  drop 3  tx 2  redirect 1  aborted 3 "
		 "(invalid returns 1, tx errors 1)\n", pass);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\n\tlink %u: xdp " VETH_RX " (ifindex %d)  entry xdp_pass  persistent\n",
		 link_id, self->ifindex);
	ASSERT_OUT(want);

	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_NE(NULL, strstr(R->out, "\"xdp\":{\"pass\":")) TH_LOG("list -j:\n%s", R->out);
	ASSERT_EQ(1, sscanf(strstr(R->out, "\"xdp\":{\"pass\":"), "\"xdp\":{\"pass\":%llu", &pass));
	ASSERT_LE(c.pass, pass);
	snprintf(want, sizeof(want), "\"xdp\":{\"pass\":%llu,\"drop\":3,\"tx\":2,\"redirect\":1,"
		 "\"aborted\":3,\"invalid\":1,\"tx_errors\":1}}", pass);
	ASSERT_OUT(want);
	snprintf(want, sizeof(want), "\"links\":[{\"id\":%u,\"prog_id\":%u,", link_id, prog_id);
	ASSERT_OUT(want);
	ASSERT_OUT("\"hook\":\"xdp\",\"target\":\"" VETH_RX "\"");
	snprintf(want, sizeof(want), "\"attached_to\":\"xdp " VETH_RX " (ifindex %d)\","
		 "\"ifindex\":%d,\"ifname\":\"" VETH_RX "\"", self->ifindex, self->ifindex);
	ASSERT_OUT(want);
	ASSERT_OUT("\"persistent\":true,\"attached\":true}");
	ASSERT_EQ(0, run(R, "-p list"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);

	/* unload detaches the device's program: the next load gets it */
	ASSERT_EQ(0, run(R, "unload xdp_pass"));
	ASSERT_STREQ("", R->err);
	snprintf(want, sizeof(want), "detached link %u: xdp " VETH_RX " (ifindex %d) (xdp_pass, prog id %u)\n",
		 link_id, self->ifindex, prog_id);
	ASSERT_STREQ(want, R->out);
	ASSERT_TRUE(wait_list(R, "\"programs\":[]", true)) TH_LOG("list -j:\n%s", R->out);
	ASSERT_EQ(0, send_frames(2, IE_XDP_DROP));	/* nothing runs, nothing breaks */

	/* the interface by ifindex; JSON output of load */
	ASSERT_EQ(0, run(R, "-j load " XDP_OBJ " --xdp %d --name again", self->ifindex))
		TH_LOG("%s", R->err);
	ASSERT_STREQ("", R->err);
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("{\"name\":\"again\",\"file\":\"" XDP_OBJ "\",\"prog_id\":");
	snprintf(want, sizeof(want), "\"program\":\"xdp_pass\",\"section\":\"xdp\",\"target\":\"xdp "
		 VETH_RX "\",\"ifindex\":%d,\"ifname\":\"" VETH_RX "\",\"persistent\":true}",
		 self->ifindex);
	ASSERT_OUT(want);
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_EQ(1, sscanf(R->out, "%u: again ", &prog_id2)) TH_LOG("list:\n%s", R->out);
	ASSERT_NE(NULL, strstr(R->out, "\n\txdp: pass ")) TH_LOG("list:\n%s", R->out);
	ASSERT_NE(NULL, strstr(R->out, "\n\tlink ")) TH_LOG("list:\n%s", R->out);
	ASSERT_EQ(1, sscanf(strstr(R->out, "\n\tlink "), "\n\tlink %u:", &link_id2));
	ASSERT_EQ(0, run(R, "unload id %u", prog_id2));
	snprintf(want, sizeof(want), "detached link %u: xdp " VETH_RX " (ifindex %d) (again, prog id %u)\n",
		 link_id2, self->ifindex, prog_id2);
	ASSERT_STREQ(want, R->out);
	ASSERT_TRUE(wait_list(R, "\"programs\":[]", true)) TH_LOG("list -j:\n%s", R->out);
}

/* unknown interfaces, the wrong kind of device or program: one line, exit 1, nothing left */
TEST_F(extctl_xdp, refusals)
{
	run(R, "load " XDP_OBJ " --xdp nosuchdev");
	ASSERT_FAILED_1(1, "extctl: no interface 'nosuchdev' in this network namespace\n");
	run(R, "load " XDP_OBJ " --xdp 99999");
	ASSERT_FAILED_1(1, "extctl: no interface with index 99999 in this network namespace\n");
	run(R, "load " XDP_OBJ " --xdp lo");
	ASSERT_FAILED_1(1, "extctl: attach of 'xdp_pass' to xdp lo refused: lo is not an Ethernet device\n");
	run(R, "load " HELLO_OBJ " --xdp " VETH_RX);
	ASSERT_FAILED_1(1, "extctl: " HELLO_OBJ " has no xdp program (SEC(\"xdp\")) to attach to "
			VETH_RX " (programs: hello)\n");
	run(R, "load " HELLO_OBJ " --xdp " VETH_RX " --prog hello");
	ASSERT_FAILED_1(1, "extctl: program 'hello' is no xdp program (section "
			"'tracepoint/syscalls/sys_enter_dup'): --xdp takes a SEC(\"xdp\") program\n");
	run(R, "load " XDP_OBJ);
	ASSERT_FAILED_1(1, "extctl: program 'xdp_pass' is an xdp program: give the interface with --xdp IFACE\n");
	run(R, "load " XDP_OBJ " --kprobe __x64_sys_dup");
	ASSERT_FAILED_1(1, "extctl: program 'xdp_pass' is an xdp program: give the interface with --xdp IFACE\n");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
}

/* One program per device: the second load says who has it and how to free it. */
TEST_F(extctl_xdp, second_program_on_a_device)
{
	unsigned int prog_id = 0, link_id = 0;
	char want[256];

	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX " --name first")) TH_LOG("%s", R->err);
	ASSERT_TRUE(parse_loaded(R->out, "first", "xdp " VETH_RX, "xdp_pass", &prog_id, &link_id))
		TH_LOG("stdout: %s", R->out);
	run(R, "load " XDP_OBJ " --xdp " VETH_RX " --name second");
	snprintf(want, sizeof(want), "extctl: attach of 'xdp_pass' to xdp " VETH_RX " refused: "
		 VETH_RX " already runs innerext program 'first' (link %u): detach it first "
		 "(extctl unload first)\n", link_id);
	ASSERT_FAILED_1(1, want);
	ASSERT_STREQ(want, R->err);
	/* the refused one is gone, the first one still runs */
	ASSERT_TRUE(wait_list(R, "\"name\":\"second\"", false)) TH_LOG("list -j:\n%s", R->out);
	snprintf(want, sizeof(want), "\"id\":%u,\"prog_id\":%u,", link_id, prog_id);
	ASSERT_OUT(want);
	ASSERT_OUT("\"attached\":true}");

	ASSERT_EQ(0, run(R, "unload first"));
	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX " --name second")) TH_LOG("%s", R->err);
	ASSERT_OUT("loaded 'second' as prog id ");
	ASSERT_EQ(0, run(R, "unload second"));
	ASSERT_TRUE(wait_list(R, "\"programs\":[]", true)) TH_LOG("list -j:\n%s", R->out);
}

/* The device goes away: its persistent link goes with it, and the program. */
TEST_F_TIMEOUT(extctl_xdp, device_removed_under_persistent_link, 60)
{
	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX)) TH_LOG("%s", R->err);
	ASSERT_EQ(0, ip(false, "link del " VETH_TX));
	ASSERT_TRUE(wait_list(R, EMPTY_LIST, true)) TH_LOG("list -j:\n%s", R->out);
	ASSERT_STREQ(EMPTY_LIST, R->out);
	run(R, "unload xdp_pass");
	ASSERT_FAILED_1(1, "extctl: no program named 'xdp_pass' is loaded\n");
}

/* A link some process holds outlives its device: listed as gone, detached. */
TEST_F_TIMEOUT(extctl_xdp, device_removed_under_held_link, 60)
{
	struct innerext_program *prog;
	struct innerext_object *obj;
	struct innerext_link *link;
	char want[256];
	__u32 link_id;

	obj = innerext_object__open_file(XDP_OBJ, NULL);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__load(obj));
	prog = innerext_object__find_program_by_name(obj, "xdp_pass");
	ASSERT_NE(NULL, prog);
	link = innerext_program__attach_xdp(prog, self->ifindex, NULL);
	ASSERT_NE(NULL, link) TH_LOG("attach_xdp: %s", strerror(errno));
	link_id = innerext_link__id(link);

	ASSERT_EQ(0, run(R, "list"));
	snprintf(want, sizeof(want), "\n\tlink %u: xdp " VETH_RX " (ifindex %d)  entry xdp_pass\n",
		 link_id, self->ifindex);
	ASSERT_OUT(want);

	ASSERT_EQ(0, ip(false, "link del " VETH_TX));
	ASSERT_TRUE(wait_list(R, "\"ifindex\":0,", true)) TH_LOG("list -j:\n%s", R->out);
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"hook\":\"xdp\",\"target\":\"" VETH_RX "\",\"attached_to\":\"xdp (device gone)\","
		   "\"ifindex\":0,\"ifname\":null,");
	ASSERT_OUT("\"persistent\":false,\"attached\":false}");
	ASSERT_OUT("\"xdp\":{\"pass\":");
	ASSERT_EQ(0, run(R, "list"));
	snprintf(want, sizeof(want), "\n\tlink %u: xdp (device gone)  entry xdp_pass  detached\n",
		 link_id);
	ASSERT_OUT(want);
	ASSERT_OUT("\n\txdp: pass ");

	/* unload takes the link's id away from it too */
	ASSERT_EQ(0, run(R, "unload xdp_pass"));
	snprintf(want, sizeof(want), "detached link %u: xdp (device gone) (xdp_pass, prog id %u)\n",
		 link_id, innerext_object__prog_id(obj));
	ASSERT_STREQ(want, R->out);
	innerext_link__destroy(link);
	innerext_object__close(obj);
	ASSERT_TRUE(wait_list(R, EMPTY_LIST, true)) TH_LOG("list -j:\n%s", R->out);
}

/* ------------------------------------------------------------------ runtime settings */

/*
 * extctl load's runtime options reach the module and 'extctl list' shows the
 * settings in force. (Aborts and the circuit breaker at work: runtime_test.c.)
 */

#define RT_DEFAULTS_JSON	"\"budget_us\":5000,\"fail_action\":\"drop\",\"max_aborts\":100," \
				"\"abort_window_ms\":1000,\"breaker_tripped\":false," \
				"\"irqs_off\":false,\"irqs_off_skips\":0," \
				"\"aborts\":{\"timeout\":0,\"stack\":0,\"fault\":0,\"helper\":0}"
#define RT_NO_ABORTS		"  aborts 0 (timeout 0, stack 0, fault 0, helper 0)  "

/* Nothing given: the module's defaults, listed as such. */
TEST_F(extctl, runtime_defaults)
{
	ASSERT_EQ(0, run(R, "load " HELLO_OBJ)) TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT(RT_DEFAULTS_JSON);
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_STREQ("", R->err);
	ASSERT_OUT("\n\truntime: budget 5ms" RT_NO_ABORTS "breaker 100/1000ms\n");
	ASSERT_NOT_OUT("  fail ");	/* no packet program */
	ASSERT_EQ(0, run(R, "-p list"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_EQ(0, run(R, "unload hello"));
}

TEST_F(extctl, runtime_options)
{
	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --budget-ms 7 --max-aborts 50 --abort-window-ms 2000"))
		TH_LOG("%s", R->err);
	ASSERT_STREQ("", R->err);
	ASSERT_OUT("loaded 'hello' as prog id ");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"budget_us\":7000,\"fail_action\":\"drop\",\"max_aborts\":50,"
		   "\"abort_window_ms\":2000,\"breaker_tripped\":false,\"irqs_off\":false,"
		   "\"irqs_off_skips\":0,\"aborts\":{\"timeout\":0,");
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_OUT("\n\truntime: budget 7ms" RT_NO_ABORTS "breaker 50/2000ms\n");
	ASSERT_EQ(0, run(R, "unload hello"));

	/* fractions of a millisecond, the breaker off, a fail action (kept, shown for xdp only) */
	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --name half --budget-ms 0.5 --max-aborts off "
			 "--fail-action pass")) TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --name micro --budget-us 1250 --abort-window-ms 5"))
		TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"budget_us\":500,\"fail_action\":\"pass\",\"max_aborts\":null,"
		   "\"abort_window_ms\":1000,\"breaker_tripped\":false,");
	ASSERT_OUT("\"budget_us\":1250,\"fail_action\":\"drop\",\"max_aborts\":100,"
		   "\"abort_window_ms\":5,\"breaker_tripped\":false,");
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_OUT(": half  text ");
	ASSERT_OUT("\n\truntime: budget 0.5ms" RT_NO_ABORTS "breaker off\n");
	ASSERT_OUT("\n\truntime: budget 1.25ms" RT_NO_ABORTS "breaker 100/5ms\n");
	ASSERT_NOT_OUT("  fail ");
	ASSERT_EQ(0, run(R, "unload half"));
	ASSERT_EQ(0, run(R, "unload micro"));

	/* the limits themselves are fine */
	ASSERT_EQ(0, run(R, "load " HELLO_OBJ " --budget-ms 100 --abort-window-ms 3600000 "
			 "--max-aborts 4294967294")) TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_OUT("\"budget_us\":100000,\"fail_action\":\"drop\",\"max_aborts\":4294967294,"
		   "\"abort_window_ms\":3600000,");
	ASSERT_EQ(0, run(R, "unload hello"));
	ASSERT_TRUE(wait_list(R, EMPTY_LIST, true)) TH_LOG("list -j:\n%s", R->out);
}

/* Past the module's limits: a refused load, the module's reason on one line, nothing left. */
TEST_F(extctl, runtime_limits_refused)
{
	run(R, "load " HELLO_OBJ " --budget-ms 1000");
	ASSERT_FAILED_1(1, "extctl: load of 'hello' refused: prog_load: budget 1000000 us: "
			"at most 100000 us (Invalid argument)\n");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
	run(R, "load " HELLO_OBJ " --budget-us 100001");
	ASSERT_FAILED_1(1, "extctl: load of 'hello' refused: prog_load: budget 100001 us: "
			"at most 100000 us (Invalid argument)\n");
	run(R, "load " HELLO_OBJ " --abort-window-ms 3600001");
	ASSERT_FAILED_1(1, "extctl: load of 'hello' refused: prog_load: abort window 3600001 ms: "
			"at most 3600000 ms (Invalid argument)\n");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_STREQ(EMPTY_LIST, R->out);
	/* their form is extctl's: a usage error, before the module */
	run(R, "load " HELLO_OBJ " --budget-ms 0");
	ASSERT_FAILED_1(2, "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals "
			"(e.g. 5 or 0.5), not '0'\n");
	run(R, "load " HELLO_OBJ " --max-aborts none");
	ASSERT_FAILED_1(2, "extctl: load: --max-aborts wants a number > 0 or 'off', not 'none'\n");
}

/* The library's way: innerext_object__set_runtime() before load; refusals in the load log. */
TEST_F(extctl, runtime_library)
{
	INNEREXT_OPTS_DECLARE(innerext_runtime_opts, ropts, .budget_us = 250, .max_aborts = 3,
			      .abort_window_ms = 10);
	struct ie_prog_info info;
	struct innerext_object *obj;
	innerext_print_fn_t prev;
	int dev;

	obj = innerext_object__open(HELLO_OBJ);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, innerext_object__set_runtime(obj, &ropts));
	ASSERT_EQ(0, innerext_object__load(obj));
	ASSERT_EQ(-EBUSY, innerext_object__set_runtime(obj, &ropts));	/* after load: too late */
	dev = innerext_dev_open(NULL);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, innerext_prog_get_info_by_id(dev, innerext_object__prog_id(obj), &info));
	EXPECT_EQ(IE_PROG_INFO_SIZE_V2, info.size);
	EXPECT_EQ(250, info.budget_us);
	EXPECT_EQ(IE_XDP_DROP, info.fail_action);
	EXPECT_EQ(3, info.max_aborts);
	EXPECT_EQ(10, info.abort_window_ms);
	EXPECT_EQ(0, info.breaker_tripped);
	innerext_object__close(obj);

	obj = innerext_object__open(HELLO_OBJ);
	ASSERT_NE(NULL, obj);
	ropts.fail_action = 7;
	ASSERT_EQ(0, innerext_object__set_runtime(obj, &ropts));
	prev = innerext_set_print(NULL);
	ASSERT_EQ(-EINVAL, innerext_object__load(obj));
	innerext_set_print(prev);
	EXPECT_STREQ("prog_load: fail_action 7: IE_XDP_DROP or IE_XDP_PASS",
		     innerext_object__load_log(obj));
	innerext_object__close(obj);
	close(dev);
}

/* --fail-action on a packet program: listed with its packet counters */
TEST_F_TIMEOUT(extctl_xdp, runtime_fail_action, 60)
{
	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX " --fail-action pass --budget-ms 2"))
		TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_OUT("\n\truntime: budget 2ms  fail pass" RT_NO_ABORTS "breaker 100/1000ms\n\txdp: pass ");
	ASSERT_EQ(0, run(R, "list -j"));
	ASSERT_TRUE(is_json(R->out)) TH_LOG("not JSON:\n%s", R->out);
	ASSERT_OUT("\"budget_us\":2000,\"fail_action\":\"pass\",\"max_aborts\":100,");
	ASSERT_OUT("\"helper\":0},\"xdp\":{\"pass\":");
	ASSERT_EQ(0, run(R, "unload xdp_pass"));
	ASSERT_TRUE(wait_list(R, "\"programs\":[]", true)) TH_LOG("list -j:\n%s", R->out);

	/* the default is drop */
	ASSERT_EQ(0, run(R, "load " XDP_OBJ " --xdp " VETH_RX)) TH_LOG("%s", R->err);
	ASSERT_EQ(0, run(R, "list"));
	ASSERT_OUT("\n\truntime: budget 5ms  fail drop" RT_NO_ABORTS "breaker 100/1000ms\n");
	ASSERT_EQ(0, run(R, "unload xdp_pass"));
	ASSERT_TRUE(wait_list(R, "\"programs\":[]", true)) TH_LOG("list -j:\n%s", R->out);
}

TEST_HARNESS_MAIN
