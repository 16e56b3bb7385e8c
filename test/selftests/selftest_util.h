/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the VM selftests (header-only: each test is one
 * binary). Include after kselftest_harness.h's prerequisites.
 */
#ifndef IE_SELFTEST_UTIL_H
#define IE_SELFTEST_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

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

#endif /* IE_SELFTEST_UTIL_H */
