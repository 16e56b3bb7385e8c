/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the VM selftests (header-only: each test is one
 * binary). Include after kselftest_harness.h's prerequisites.
 */
#ifndef IE_SELFTEST_UTIL_H
#define IE_SELFTEST_UTIL_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <linux/innerext.h>
#include <innerext/libinnerext.h>

#define LOG_SIZE	4096

/* A libinnerext print callback that drops everything (tests assert errnos, not stderr). */
static inline int quiet_print(enum innerext_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static inline int count_substr(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A /proc/meminfo field in kB, or -1. */
static inline long meminfo_kb(const char *key)
{
	char line[256];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			val = atol(line + strlen(key) + 1);
	fclose(f);
	return val;
}

/* Possible CPUs, as libbpf parses /sys/devices/system/cpu/possible ("0-1" or "0"). */
static inline int nr_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int a = 0, b = 0, n;

	if (!f)
		return -1;
	n = fscanf(f, "%d-%d", &a, &b);
	fclose(f);
	return n == 2 ? b + 1 : a + 1;
}

/*
 * Raw IE_IOC_MAP_CREATE: fd or -errno; the reason in @log (LOG_SIZE bytes) if
 * given. @tweak, if given, supplies the other fields and receives map_id.
 */
static inline int map_create_tweak(int dev, __u32 type, __u32 ksz, __u32 vsz, __u32 max,
				   const char *name, char *log, struct ie_map_create *tweak)
{
	struct ie_map_create a;
	int fd;

	memset(&a, 0, sizeof(a));
	if (tweak)
		a = *tweak;
	a.size = sizeof(a);
	a.type = type;
	a.key_size = ksz;
	a.value_size = vsz;
	a.max_entries = max;
	snprintf(a.name, sizeof(a.name), "%s", name);
	if (log) {
		log[0] = '\0';
		a.log_buf = (unsigned long)log;
		a.log_size = LOG_SIZE;
	}
	fd = ioctl(dev, IE_IOC_MAP_CREATE, &a);
	if (fd >= 0 && tweak)
		tweak->map_id = a.map_id;
	return fd < 0 ? -errno : fd;
}

static inline int map_create(int dev, __u32 type, __u32 ksz, __u32 vsz, __u32 max,
			     const char *name, char *log)
{
	return map_create_tweak(dev, type, ksz, vsz, max, name, log, NULL);
}

/* One element command on a map fd: 0 or -errno. */
static inline int elem(int fd, unsigned long cmd, const void *key, __u32 ksz, void *value,
		       __u32 vsz, void *next, __u64 flags)
{
	struct ie_map_elem e = {
		.size = sizeof(e), .key_size = ksz, .value_size = vsz,
		.key = (unsigned long)key, .value = (unsigned long)value,
		.next_key = (unsigned long)next, .flags = flags,
	};

	return ioctl(fd, cmd, &e) ? -errno : 0;
}

/* IE_IOC_MAP_INFO on the map fd itself (id 0). */
static inline int map_info_fd(int fd, struct ie_map_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, IE_IOC_MAP_INFO, info) ? -errno : 0;
}

/* ------------------------------------------------------------------ commands, kmsg, JSON */

/* CLOCK_MONOTONIC in seconds. */
static inline double st_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define ST_OUT_SIZE	65536

/* A command's exit status and its stdout and stderr, each NUL-terminated (truncated). */
struct st_cmd {
	int status;		/* exit status, or -1 if it did not exit normally */
	char out[ST_OUT_SIZE];
	char err[ST_OUT_SIZE];
};

/* Read an unlinked temporary file back from its start into @buf; closes @f. */
static inline void st_slurp(FILE *f, char *buf, size_t size)
{
	size_t len = 0, n;

	buf[0] = '\0';
	if (!f)
		return;
	rewind(f);
	while (len < size - 1 && (n = fread(buf + len, 1, size - 1 - len, f)) > 0)
		len += n;
	buf[len] = '\0';
	fclose(f);
}

/*
 * Run the command line printed from @fmt, split on spaces (no quoting, no shell:
 * in the guest /bin/sh is busybox, whose applets shadow real tools such as ip),
 * argv[0] a path. stdout and stderr are captured in @c; returns the exit status.
 */
static inline int st_vcmd(struct st_cmd *c, const char *fmt, va_list ap)
{
	char line[1024], *argv[64], *tok, *save;
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 0, status;
	pid_t pid;

	vsnprintf(line, sizeof(line), fmt, ap);
	for (tok = strtok_r(line, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	c->status = -1;
	fflush(NULL);
	pid = out && err && argc ? fork() : -1;
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		c->status = WEXITSTATUS(status);
	st_slurp(out, c->out, sizeof(c->out));
	st_slurp(err, c->err, sizeof(c->err));
	return c->status;
}

static inline int __attribute__((format(printf, 2, 3))) st_cmd(struct st_cmd *c,
							     const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = st_vcmd(c, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * /dev/kmsg positioned at its end: st_kmsg_read() then returns only the
 * kernel log lines written after this call. -1 if it cannot be opened.
 */
static inline int st_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Append the text of every new record on @fd (from st_kmsg_open) to @buf, one
 * line each ("6,1234,5678,-;innerext: ..." -> "innerext: ..."). Records that
 * were overwritten before they were read are skipped.
 */
static inline void st_kmsg_read(int fd, char *buf, size_t size)
{
	char rec[8192];
	size_t len = strlen(buf);
	ssize_t n;

	for (;;) {
		const char *text, *nl;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		nl = strchr(text, '\n');
		n = nl ? nl - text : (ssize_t)strlen(text);
		if (len + n + 2 > size)
			continue;
		memcpy(buf + len, text, n);
		len += n;
		buf[len++] = '\n';
		buf[len] = '\0';
	}
}

/*
 * The number after the first "\"@key\":" in JSON text @json (an unsigned
 * integer, or true/false as 1/0). 0, or -1 if there is no such key.
 */
static inline int st_json_uint(const char *json, const char *key, unsigned long long *val)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = json ? strstr(json, pat) : NULL;
	if (!p)
		return -1;
	p += strlen(pat);
	if (!strncmp(p, "true", 4))
		*val = 1;
	else if (!strncmp(p, "false", 5))
		*val = 0;
	else if (*p >= '0' && *p <= '9')
		*val = strtoull(p, NULL, 10);
	else
		return -1;
	return 0;
}


/* ------------------------------------------------------------------ shell, files, kernel addresses */

/*
 * Run a command line with bash (not sh: busybox's sh would run its own "ip"
 * applet, which knows no namespaces), stdout+stderr into out. Returns its exit
 * status. The child inherits the calling thread's network namespace.
 */
static inline int __attribute__((format(printf, 3, 4))) st_sh(char *out, size_t outsz, const char *fmt, ...)
{
	char cmd[1024], buf[512];
	size_t len = 0;
	int pfd[2], st;
	va_list ap;
	ssize_t n;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (out && outsz)
		out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl("/bin/bash", "bash", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0) {
		if (out && len + 1 < outsz) {
			size_t room = outsz - 1 - len, c = (size_t)n < room ? (size_t)n : room;

			memcpy(out + len, buf, c);
			len += c;
			out[len] = '\0';
		}
	}
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Every abort of a program, whatever the reason. */
static inline __u64 st_aborts_total(const struct ie_prog_info *info)
{
	__u64 n = 0;
	int i;

	for (i = 0; i < IE_ABORT_NR_REASONS; i++)
		n += info->aborts[i];
	return n;
}

/* The info of a loaded object's program: 0 or -errno. */
static inline int st_object_prog_info(const struct innerext_object *obj,
				      struct ie_prog_info *info)
{
	int dev = innerext_dev_open(NULL), err;

	if (dev < 0)
		return dev;
	err = innerext_prog_get_info_by_id(dev, innerext_object__prog_id(obj), info);
	close(dev);
	return err;
}

/*
 * Read @fd (from st_kmsg_open) into @buf until @needle shows up or @ms
 * milliseconds have passed: whether it did.
 */
static inline bool st_kmsg_wait(int fd, char *buf, size_t size, const char *needle, int ms)
{
	for (;;) {
		st_kmsg_read(fd, buf, size);
		if (strstr(buf, needle))
			return true;
		if (ms <= 0)
			return false;
		usleep(10000);
		ms -= 10;
	}
}

/* Run the calling thread on @cpu only: 0 or -errno. */
static inline int st_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Write @s to the file @path (sysfs, procfs): 0 or -errno. */
static inline int st_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* The number in the file @path, or -1. */
static inline long long st_read_ll(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoll(buf) : -1;
}

#define KPTR_MIN	0xffff800000000000ULL	/* the kernel half of x86-64 */

/* The first number in @s[0..len) that looks like a kernel address (16+ hex or 20 decimal digits). */
static inline const char *st_text_kptr(const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		if (!isxdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < len && isxdigit((unsigned char)s[j]); j++)
			;
		if (j - i >= 16) {
			char num[24];
			bool dec = true;
			size_t k;

			memcpy(num, s + j - 16, 16);	/* the last 16 digits */
			num[16] = '\0';
			if (strtoull(num, NULL, 16) >= KPTR_MIN)
				return s + i;
			for (k = i; k < j; k++)
				dec &= isdigit((unsigned char)s[k]) != 0;
			if (dec && j - i >= 19 && j - i <= 20) {
				memcpy(num, s + i, j - i);
				num[j - i] = '\0';
				if (strtoull(num, NULL, 10) >= KPTR_MIN)
					return s + i;
			}
		}
		i = j;
	}
	return NULL;
}

/* Frames: big-endian stores and the Internet checksum (RFC 1071). */
static inline void st_put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void st_put32(unsigned char *p, unsigned int v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline unsigned int st_csum_add(unsigned int sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static inline unsigned int st_csum_fold(unsigned int sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

#endif /* IE_SELFTEST_UTIL_H */
