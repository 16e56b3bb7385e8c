// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl on a host without the module: help and usage, unknown commands and
 * options, and the one-line "load the module first" failure. Nothing here
 * fakes /dev/innerext; everything that needs the module runs against the real
 * one in the VM (test/selftests/extctl_test.c). On a host where /dev/innerext
 * exists the device-dependent tests skip.
 *
 * With EXTCTL_VALGRIND=1 every extctl run is wrapped in valgrind (leaks fail).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define NO_DEVICE	"extctl: /dev/innerext not found: load the module first (sudo insmod kmod/innerext.ko)\n"

FIXTURE(extctl)
{
	int status;
	char out[65536];
	char err[65536];
};

FIXTURE_SETUP(extctl)
{
}

FIXTURE_TEARDOWN(extctl)
{
}

static void slurp_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
}

/* Run "extctl ARGS" (ARGS split on spaces); exit status, output in self->out/err. */
static int run(FIXTURE_DATA(extctl) *self, const char *fmt, ...)
{
	static const char *const vg[] = {
		"valgrind", "-q", "--leak-check=full",
		"--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
	};
	const char *env = getenv("EXTCTL_VALGRIND");
	char args[1024], *argv[48], *tok, *save;
	int out_fd, err_fd, argc = 0, status;
	size_t i;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (env && *env == '1')
		for (i = 0; i < sizeof(vg) / sizeof(vg[0]); i++)
			argv[argc++] = (char *)vg[i];
	argv[argc++] = EXTCTL;
	for (tok = strtok_r(args, " ", &save); tok && argc < 47; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;

	out_fd = memfd_create("extctl-out", MFD_CLOEXEC);
	err_fd = memfd_create("extctl-err", MFD_CLOEXEC);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	self->status = -1;
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		self->status = WEXITSTATUS(status);
	slurp_fd(out_fd, self->out, sizeof(self->out));
	slurp_fd(err_fd, self->err, sizeof(self->err));
	return self->status;
}

#define extctl(...)	run(self, __VA_ARGS__)
#define ASSERT_OUT(s)	ASSERT_NE(NULL, strstr(self->out, s)) TH_LOG("'%s' not in stdout:\n%s\nstderr:\n%s", s, self->out, self->err)
#define ASSERT_ERR(s)	ASSERT_NE(NULL, strstr(self->err, s)) TH_LOG("'%s' not in stderr:\n%s", s, self->err)

static bool have_device(void)
{
	return access("/dev/innerext", F_OK) == 0 || errno != ENOENT;
}

static const char *const commands[] = {
	"load", "list", "unload", "trace", "events", "sign", "keyring", "version",
};

TEST_F(extctl, help)
{
	size_t i;
	char want[64];

	ASSERT_EQ(0, extctl("help"));
	ASSERT_STREQ("", self->err);
	ASSERT_OUT("Usage: extctl [OPTIONS] COMMAND [ARGS...]\n");
	ASSERT_OUT("Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(want, sizeof(want), "\n  %-8s ", commands[i]);
		ASSERT_OUT(want);
	}
	ASSERT_OUT("Options:\n");
	ASSERT_EQ(0, extctl("-h"));
	ASSERT_OUT("Commands:\n");
	ASSERT_EQ(0, extctl("--help"));
	ASSERT_OUT("Commands:\n");
	ASSERT_STREQ("", self->err);
}

/* No command: the usage goes to stderr, exit 2. */
TEST_F(extctl, usage_without_command)
{
	ASSERT_EQ(2, extctl(""));
	ASSERT_STREQ("", self->out);
	ASSERT_ERR("Usage: extctl [OPTIONS] COMMAND [ARGS...]\n");
	ASSERT_ERR("Commands:\n");
	ASSERT_EQ(2, extctl("-j"));
	ASSERT_ERR("Usage: extctl");
}

/* "extctl COMMAND help|-h|--help": the command's usage, exit 0, no module needed. */
TEST_F(extctl, command_help)
{
	static const char *const forms[] = { "help", "-h", "--help" };
	char want[64];
	size_t i, f;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(want, sizeof(want), "Usage: extctl %s", commands[i]);
		for (f = 0; f < 3; f++) {
			ASSERT_EQ(0, extctl("%s %s", commands[i], forms[f]));
			ASSERT_EQ(0, strncmp(self->out, want, strlen(want)))
				TH_LOG("extctl %s %s:\n%s", commands[i], forms[f], self->out);
			ASSERT_STREQ("", self->err);
		}
	}
	/* -h anywhere among the arguments wins over everything else */
	ASSERT_EQ(0, extctl("load examples/hello.o --kprobe x -h"));
	ASSERT_OUT("Usage: extctl load FILE");
	ASSERT_EQ(0, extctl("trace -n zero --help"));
	ASSERT_OUT("Usage: extctl trace");
}

TEST_F(extctl, unknown_command_and_option)
{
	ASSERT_EQ(2, extctl("frobnicate"));
	ASSERT_STREQ("extctl: unknown command 'frobnicate'; try 'extctl help'\n", self->err);
	ASSERT_STREQ("", self->out);
	ASSERT_EQ(2, extctl("--bogus list"));
	ASSERT_STREQ("extctl: unknown option '--bogus'; try 'extctl help'\n", self->err);
	ASSERT_STREQ("", self->out);
	ASSERT_EQ(2, extctl("-x list"));
	ASSERT_STREQ("extctl: unknown option '-x'; try 'extctl help'\n", self->err);
}

/*
 * Without the module every command that needs it fails the same way, before
 * looking at its arguments: exit 1 and exactly this one line.
 */
TEST_F(extctl, no_device)
{
	static const char *const cmds[] = {
		"list", "-j list", "load examples/hello.o", "load examples/hello.o --xdp eth0",
		"unload hello", "trace -n 1",
		"trace -n zero", "events events", "events id 1 -n 2", "events",
	};
	size_t i;

	if (have_device())
		SKIP(return, "/dev/innerext exists on this host");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ASSERT_EQ(1, extctl("%s", cmds[i])) TH_LOG("extctl %s", cmds[i]);
		ASSERT_STREQ(NO_DEVICE, self->err) TH_LOG("extctl %s", cmds[i]);
		ASSERT_STREQ("", self->out) TH_LOG("extctl %s", cmds[i]);
	}
}

/*
 * extctl load checks its arguments before the module: a usage error is exit 2 and
 * one line with or without /dev/innerext, and nothing is loaded.
 */
TEST_F(extctl, load_usage_errors)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "load", "extctl: load: missing FILE; try 'extctl load help'\n" },
		{ "load examples/hello.o --xdp", "extctl: load: option '--xdp' needs an argument\n" },
		{ "load examples/hello.o --xdp=", "extctl: load: --xdp wants an interface name or ifindex\n" },
		{ "load examples/hello.o --xdp eth0 --kprobe f",
		  "extctl: load: --xdp and --kprobe exclude each other\n" },
		{ "load examples/hello.o --kprobe f --xdp eth0",
		  "extctl: load: --xdp and --kprobe exclude each other\n" },
		{ "load examples/hello.o --xdp eth0 --tracepoint sched:sched_switch",
		  "extctl: load: --xdp and --tracepoint exclude each other\n" },
		{ "load examples/hello.o --kprobe a --tracepoint b:c",
		  "extctl: load: --kprobe and --tracepoint exclude each other\n" },
		{ "load examples/hello.o --xdp eth0 extra",
		  "extctl: load: one FILE at a time; try 'extctl load help'\n" },
		{ "load examples/hello.o --bogus",
		  "extctl: load: unknown option '--bogus'; try 'extctl load help'\n" },
		/* the runtime options: their form here, their limits in the module */
		{ "load examples/hello.o --budget-ms",
		  "extctl: load: option '--budget-ms' needs an argument\n" },
		{ "load examples/hello.o --budget-ms abc",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not 'abc'\n" },
		{ "load examples/hello.o --budget-ms 0",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '0'\n" },
		{ "load examples/hello.o --budget-ms 0.000",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '0.000'\n" },
		{ "load examples/hello.o --budget-ms 0.0005",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '0.0005'\n" },
		{ "load examples/hello.o --budget-ms -1",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '-1'\n" },
		{ "load examples/hello.o --budget-ms 5.",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '5.'\n" },
		{ "load examples/hello.o --budget-ms 5ms",
		  "extctl: load: --budget-ms wants milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5), not '5ms'\n" },
		{ "load examples/hello.o --budget-ms 4294967.296",
		  "extctl: load: --budget-ms 4294967.296: too large\n" },
		{ "load examples/hello.o --budget-us 0",
		  "extctl: load: --budget-us wants a whole number of microseconds > 0, not '0'\n" },
		{ "load examples/hello.o --budget-us 1.5",
		  "extctl: load: --budget-us wants a whole number of microseconds > 0, not '1.5'\n" },
		{ "load examples/hello.o --budget-us 0x10",
		  "extctl: load: --budget-us wants a whole number of microseconds > 0, not '0x10'\n" },
		{ "load examples/hello.o --budget-us 4294967296",
		  "extctl: load: --budget-us 4294967296: too large\n" },
		{ "load examples/hello.o --budget-ms 1 --budget-us 500",
		  "extctl: load: --budget-ms and --budget-us exclude each other\n" },
		{ "load examples/hello.o --budget-us 500 --budget-ms 1",
		  "extctl: load: --budget-ms and --budget-us exclude each other\n" },
		{ "load examples/hello.o --fail-action",
		  "extctl: load: option '--fail-action' needs an argument\n" },
		{ "load examples/hello.o --fail-action abort",
		  "extctl: load: --fail-action wants 'drop' or 'pass', not 'abort'\n" },
		{ "load examples/hello.o --fail-action PASS",
		  "extctl: load: --fail-action wants 'drop' or 'pass', not 'PASS'\n" },
		{ "load examples/hello.o --max-aborts",
		  "extctl: load: option '--max-aborts' needs an argument\n" },
		{ "load examples/hello.o --max-aborts 0",
		  "extctl: load: --max-aborts wants a number > 0 or 'off', not '0'\n" },
		{ "load examples/hello.o --max-aborts never",
		  "extctl: load: --max-aborts wants a number > 0 or 'off', not 'never'\n" },
		{ "load examples/hello.o --max-aborts -5",
		  "extctl: load: --max-aborts wants a number > 0 or 'off', not '-5'\n" },
		{ "load examples/hello.o --max-aborts 4294967295",
		  "extctl: load: --max-aborts 4294967295: too large\n" },
		{ "load examples/hello.o --abort-window-ms",
		  "extctl: load: option '--abort-window-ms' needs an argument\n" },
		{ "load examples/hello.o --abort-window-ms 0",
		  "extctl: load: --abort-window-ms wants a whole number of milliseconds > 0, not '0'\n" },
		{ "load examples/hello.o --abort-window-ms 1s",
		  "extctl: load: --abort-window-ms wants a whole number of milliseconds > 0, not '1s'\n" },
		{ "load examples/hello.o --abort-window-ms 1.5",
		  "extctl: load: --abort-window-ms wants a whole number of milliseconds > 0, not '1.5'\n" },
		{ "load examples/hello.o --abort-window-ms 99999999999",
		  "extctl: load: --abort-window-ms 99999999999: too large\n" },
		/* a runtime option's error comes before the missing FILE */
		{ "load --max-aborts 0",
		  "extctl: load: --max-aborts wants a number > 0 or 'off', not '0'\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(2, extctl("%s", cases[i].args)) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ(cases[i].msg, self->err) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ("", self->out) TH_LOG("extctl %s", cases[i].args);
	}
}

/* --xdp is documented in the load help and in the main usage */
TEST_F(extctl, load_help_mentions_xdp)
{
	ASSERT_EQ(0, extctl("load help"));
	ASSERT_OUT("[--kprobe FUNC | --tracepoint CAT:NAME | --xdp IFACE]\n");
	ASSERT_OUT("  --xdp IFACE            attach the SEC(\"xdp\") program to network interface IFACE\n");
	ASSERT_OUT("extctl load examples/xdp_blocker.o --xdp eth0\n");
	ASSERT_STREQ("", self->err);
	ASSERT_EQ(0, extctl("help"));
	ASSERT_OUT("\n  load     load an object, attach its programs persistently (--xdp IFACE)\n");
}

/* The runtime options in the load help, the runtime line in the list help */
TEST_F(extctl, help_mentions_runtime)
{
	ASSERT_EQ(0, extctl("load help"));
	ASSERT_OUT("                        [--budget-ms MS | --budget-us US] [--fail-action drop|pass]\n"
		   "                        [--max-aborts N|off] [--abort-window-ms MS] [--irqs-off]\n");
	ASSERT_OUT("\n  --budget-ms MS         time budget of one run in milliseconds, to the\n"
		   "                         microsecond (0.5 is 500 us); default 5 ms, at most 100 ms\n");
	ASSERT_OUT("\n  --budget-us US         ");
	ASSERT_OUT("\n  --fail-action drop|pass\n");
	ASSERT_OUT("(default drop)\n");
	ASSERT_OUT("\n  --max-aborts N|off     circuit breaker: ");
	ASSERT_OUT("(default 100; off: never)\n");
	ASSERT_OUT("\n  --abort-window-ms MS   the breaker's window (default 1000 ms, at most 3600000 ms)\n");
	ASSERT_OUT("--budget-ms 0.5 --fail-action pass\n");
	ASSERT_STREQ("", self->err);
	ASSERT_EQ(0, extctl("list help"));
	ASSERT_OUT("Per program, the runtime: ");
	ASSERT_OUT("TRIPPED");
	ASSERT_STREQ("", self->err);
	/* valid runtime options get past the argument checks, to the module */
	if (have_device())
		return;
	ASSERT_EQ(1, extctl("load examples/hello.o --budget-ms 0.5 --fail-action pass "
			    "--max-aborts off --abort-window-ms 10"));
	ASSERT_STREQ(NO_DEVICE, self->err);
	ASSERT_EQ(1, extctl("load examples/hello.o --budget-us 750 --max-aborts 4294967294"));
	ASSERT_STREQ(NO_DEVICE, self->err);
	ASSERT_EQ(1, extctl("load examples/hello.o --budget-ms 1000"));	/* the module's limit */
	ASSERT_STREQ(NO_DEVICE, self->err);
}

/* extctl map: help per subcommand, argument errors, all without the module. */
TEST_F(extctl, map_help_and_argument_errors)
{
	static const char *const subs[] = { "list", "dump", "lookup", "update", "delete" };
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "map", "extctl: map: missing SUBCOMMAND (list, dump, lookup, update, delete); try 'extctl map help'\n" },
		{ "map frob", "extctl: map: unknown subcommand 'frob'; try 'extctl map help'\n" },
		{ "map dump", "extctl: map dump: missing MAP; try 'extctl map dump help'\n" },
		{ "map dump id", "extctl: map dump: 'id' needs an argument\n" },
		{ "map dump id zero", "extctl: map dump: 'zero' is not a map id\n" },
		{ "map dump m extra", "extctl: map dump: unexpected argument 'extra'; try 'extctl map dump help'\n" },
		{ "map lookup m", "extctl: map lookup: expected 'key BYTES' after MAP; try 'extctl map lookup help'\n" },
		{ "map list extra", "extctl: map list: unexpected argument 'extra'; try 'extctl map list help'\n" },
		{ "map dump m --bogus", "extctl: map: unknown option '--bogus'; try 'extctl map help'\n" },
	};
	char want[64];
	size_t i;

	ASSERT_EQ(0, extctl("map help"));
	ASSERT_OUT("Usage: extctl map list [-j]\n");
	ASSERT_OUT("       extctl map update MAP key BYTES value BYTES [any|noexist|exist]\n");
	ASSERT_OUT("little-endian");
	ASSERT_STREQ("", self->err);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(want, sizeof(want), "Usage: extctl map %s", subs[i]);
		ASSERT_EQ(0, extctl("map %s help", subs[i]));
		ASSERT_EQ(0, strncmp(self->out, want, strlen(want)))
			TH_LOG("extctl map %s help:\n%s", subs[i], self->out);
		ASSERT_STREQ("", self->err);
	}
	ASSERT_EQ(0, extctl("map update help"));
	ASSERT_OUT("noexist");
	ASSERT_OUT("N: one decimal or 0x number, when the key (or value) is 1,\n");
	ASSERT_EQ(0, extctl("map dump -h"));
	ASSERT_OUT("Usage: extctl map");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(2, extctl("%s", cases[i].args)) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ(cases[i].msg, self->err) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ("", self->out) TH_LOG("extctl %s", cases[i].args);
	}
	if (have_device())
		return;
	ASSERT_EQ(1, extctl("map list"));
	ASSERT_STREQ(NO_DEVICE, self->err);
	ASSERT_EQ(1, extctl("map lookup blocked key 53"));
	ASSERT_STREQ(NO_DEVICE, self->err);
	ASSERT_EQ(1, extctl("-j map dump id 3"));
	ASSERT_STREQ(NO_DEVICE, self->err);
	ASSERT_STREQ("", self->out);
}

/*
 * extctl sign, keyring and load --sig: argument errors are usage errors (exit 2,
 * one line), with or without the module.
 */
TEST_F(extctl, sign_keyring_usage_errors)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "sign", "extctl: sign: missing FILE; try 'extctl sign help'\n" },
		{ "sign examples/hello.o",
		  "extctl: sign: --key KEY and --cert CERT are required; try 'extctl sign help'\n" },
		{ "sign examples/hello.o --key k.pem",
		  "extctl: sign: --key KEY and --cert CERT are required; try 'extctl sign help'\n" },
		{ "sign examples/hello.o --cert c.pem",
		  "extctl: sign: --key KEY and --cert CERT are required; try 'extctl sign help'\n" },
		{ "sign examples/hello.o --key", "extctl: sign: option '--key' needs an argument\n" },
		{ "sign examples/hello.o --key k --cert c -o", "extctl: sign: option '-o' needs an argument\n" },
		{ "sign examples/hello.o --key= --cert c", "extctl: sign: empty file name\n" },
		{ "sign a.o b.o --key k --cert c", "extctl: sign: one FILE at a time; try 'extctl sign help'\n" },
		{ "sign examples/hello.o --bogus",
		  "extctl: sign: unknown option '--bogus'; try 'extctl sign help'\n" },
		{ "keyring frob", "extctl: keyring: unknown subcommand 'frob'; try 'extctl keyring help'\n" },
		{ "keyring --bogus", "extctl: keyring: unknown option '--bogus'; try 'extctl keyring help'\n" },
		{ "keyring list extra", "extctl: keyring list: unexpected argument 'extra'\n" },
		{ "keyring add", "extctl: keyring add: missing CERT; try 'extctl keyring help'\n" },
		{ "keyring remove", "extctl: keyring remove: expected one key ID; try 'extctl keyring help'\n" },
		{ "keyring remove 1 2", "extctl: keyring remove: expected one key ID; try 'extctl keyring help'\n" },
		{ "keyring remove abc", "extctl: keyring remove: 'abc' is not a key id\n" },
		{ "keyring remove -5", "extctl: keyring remove: '-5' is not a key id\n" },
		{ "load examples/hello.o --sig", "extctl: load: option '--sig' needs an argument\n" },
		{ "load examples/hello.o --sig=", "extctl: load: --sig wants a signature file ('extctl sign')\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(2, extctl("%s", cases[i].args)) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ(cases[i].msg, self->err) TH_LOG("extctl %s", cases[i].args);
		EXPECT_STREQ("", self->out) TH_LOG("extctl %s", cases[i].args);
	}
	ASSERT_EQ(0, extctl("sign help"));
	ASSERT_OUT("openssl cms -sign -binary -noattr -nocerts -outform DER -md sha256\n");
	ASSERT_OUT("  -o, --out OUT     where to write the signature (default FILE.sig)\n");
	ASSERT_EQ(0, extctl("load help"));
	ASSERT_OUT("                        [--sig SIGFILE]\n");
	ASSERT_OUT("\n  --sig SIGFILE          send this signature of the image ('extctl sign'); the\n");
	ASSERT_EQ(0, extctl("keyring help"));
	ASSERT_OUT("/sys/module/innerext/parameters/keyring");
	ASSERT_EQ(0, extctl("help"));
	ASSERT_OUT("\n  sign     sign an object's image with openssl (for require_signature=1)\n");
	ASSERT_OUT("\n  keyring  the module's keyring of trusted signers (list, add CERT, remove ID)\n");
	if (access("/sys/module/innerext", F_OK) == 0)
		return;
	ASSERT_EQ(1, extctl("keyring"));
	ASSERT_STREQ("extctl: keyring: /sys/module/innerext/parameters/keyring not found: load the module first (sudo insmod kmod/innerext.ko)\n",
		     self->err);
	ASSERT_EQ(1, extctl("keyring add cert.pem"));
	ASSERT_STREQ("extctl: keyring: /sys/module/innerext/parameters/keyring not found: load the module first (sudo insmod kmod/innerext.ko)\n",
		     self->err);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A shell command's exit status, its output (stdout and stderr) in @out. */
static int shell(char *out, size_t size, const char *fmt, ...)
{
	char cmd[2048];
	size_t len = 0, n;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	out[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len < size - 1 && (n = fread(out + len, 1, size - 1 - len, f)) > 0)
		len += n;
	out[len] = '\0';
	n = (size_t)pclose(f);
	return WIFEXITED((int)n) ? WEXITSTATUS((int)n) : -1;
}

/*
 * extctl sign needs no module: a key made with openssl signs hello.o's image;
 * the signature is CMS, detached, without signed attributes or certificates,
 * SHA-256 (the module verifies it in the VM: test/selftests/sign_test.c).
 */
TEST_F(extctl, sign_with_openssl)
{
	static char buf[65536];
	char dir[] = "/tmp/extctl-sign.XXXXXX";

	if (shell(buf, sizeof(buf), "openssl version"))
		SKIP(return, "no openssl on this host");
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, shell(buf, sizeof(buf),
			   "openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=extctl test' "
			   "-keyout %s/key.pem -out %s/cert.pem", dir, dir)) TH_LOG("%s", buf);
	ASSERT_EQ(0, extctl("sign %s/hello.o --key %s/key.pem --cert %s/cert.pem -o %s/hello.sig",
			    EXAMPLES, dir, dir, dir)) TH_LOG("%s", self->err);
	ASSERT_STREQ("", self->err);
	ASSERT_OUT("signed '" EXAMPLES "/hello.o' (image ");
	ASSERT_OUT("/hello.sig (");
	ASSERT_EQ(0, shell(buf, sizeof(buf), "openssl cms -cmsout -print -inform DER -in %s/hello.sig",
			   dir)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "eContentType: pkcs7-data")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "eContent: <ABSENT>")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "certificates:\n      <ABSENT>")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "signedAttrs:\n          <ABSENT>")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "algorithm: sha256")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "issuer: CN=extctl test")) TH_LOG("%s", buf);
	/* the same object gives the same image: a second signature verifies the same way */
	ASSERT_EQ(0, extctl("-j sign %s/hello.o --key %s/key.pem --cert %s/cert.pem -o %s/hello2.sig",
			    EXAMPLES, dir, dir, dir));
	ASSERT_OUT("\"signature\":\"");
	ASSERT_OUT("\"image_size\":");
	/* the default output name, FILE.sig */
	ASSERT_EQ(0, shell(buf, sizeof(buf), "cp %s/hello.o %s/copy.o", EXAMPLES, dir));
	ASSERT_EQ(0, extctl("sign %s/copy.o --key %s/key.pem --cert %s/cert.pem", dir, dir, dir));
	EXPECT_EQ(0, access(strcat(strcpy(buf, dir), "/copy.o.sig"), R_OK));

	/* failures: one line, exit 1 */
	ASSERT_EQ(1, extctl("sign %s/hello.o --key %s/none.pem --cert %s/cert.pem", EXAMPLES, dir, dir));
	ASSERT_ERR("extctl: sign: cannot read key ");
	ASSERT_ERR("none.pem: No such file or directory\n");
	ASSERT_EQ(1, extctl("sign %s/hello.o --key %s/cert.pem --cert %s/cert.pem -o %s/x.sig",
			    EXAMPLES, dir, dir, dir));	/* a certificate is no key */
	ASSERT_ERR("extctl: sign: openssl cms -sign failed (exit ");
	EXPECT_EQ(1, count_lines(self->err)) TH_LOG("%s", self->err);
	EXPECT_NE(0, access(strcat(strcpy(buf, dir), "/x.sig"), F_OK));
	ASSERT_EQ(1, extctl("sign %s/cert.pem --key %s/key.pem --cert %s/cert.pem", dir, dir, dir));
	EXPECT_EQ(1, count_lines(self->err)) TH_LOG("%s", self->err);
	ASSERT_EQ(1, extctl("sign %s/hello.o --key %s/key.pem --cert %s/cert.pem -o %s/no/dir.sig",
			    EXAMPLES, dir, dir, dir));
	ASSERT_ERR("extctl: sign: cannot write ");
	ASSERT_ERR("/no/dir.sig: No such file or directory\n");
	if (!getenv("EXTCTL_VALGRIND") || getenv("EXTCTL_VALGRIND")[0] != '1') {
		/* no openssl in PATH */
		char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");

		setenv("PATH", "/nonexistent", 1);
		EXPECT_EQ(1, extctl("sign %s/hello.o --key %s/key.pem --cert %s/cert.pem -o %s/y.sig",
				    EXAMPLES, dir, dir, dir));
		EXPECT_STREQ("extctl: sign: openssl not found in PATH (apt-get install openssl)\n",
			     self->err);
		setenv("PATH", path, 1);
		free(path);
	}
	shell(buf, sizeof(buf), "rm -rf %s", dir);
}

/* version works without the module and says so. */
TEST_F(extctl, version_without_device)
{
	if (have_device())
		SKIP(return, "/dev/innerext exists on this host");
	ASSERT_EQ(0, extctl("version"));
	ASSERT_STREQ("extctl v0.1 (innerext ABI 1)\nmodule: not loaded (/dev/innerext not found)\n",
		     self->out);
	ASSERT_STREQ("", self->err);
	ASSERT_EQ(0, extctl("-V"));
	ASSERT_OUT("module: not loaded");
	ASSERT_EQ(0, extctl("-j version"));
	ASSERT_STREQ("{\"version\":\"0.1\",\"abi_version\":1,\"module\":null}\n", self->out);
	ASSERT_EQ(0, extctl("version -p"));
	ASSERT_OUT("\"module\": null");
	ASSERT_EQ(2, extctl("version extra"));
	ASSERT_STREQ("extctl: version: unexpected argument 'extra'\n", self->err);
}

TEST_HARNESS_MAIN
