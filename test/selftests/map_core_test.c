// SPDX-License-Identifier: GPL-2.0
/*
 * Map core and array maps, through the raw ioctls: creation rules (one test
 * per refusal, exact errno and log), ids and fds, info, and the element
 * commands on IE_MAP_ARRAY and IE_MAP_PERCPU_ARRAY. Hash maps and the ring
 * buffer have their own test files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/innerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"







FIXTURE(maps) {
	int dev;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(maps)
{
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(maps)
{
	close(self->dev);
}

/* ------------------------------------------------------------ creation refusals */

#define EXPECT_CREATE_REFUSED(err, substr, type, ksz, vsz, max, name, tweak)		\
	do {										\
		int __fd = map_create_tweak(self->dev, type, ksz, vsz, max, name, self->log, tweak); \
		EXPECT_EQ(err, __fd) TH_LOG("log: %s", self->log);			\
		if (__fd >= 0)								\
			close(__fd);							\
		EXPECT_NE(NULL, strstr(self->log, substr)) TH_LOG("log: %s", self->log); \
	} while (0)

TEST_F(maps, create_unknown_type)
{
	EXPECT_CREATE_REFUSED(-EINVAL, "unknown map type 99", 99, 4, 8, 4, "m", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "unknown map type 0", 0, 4, 8, 4, "m", NULL);
}

TEST_F(maps, create_unknown_flags)
{
	struct ie_map_create t = { .map_flags = 0x10 };

	EXPECT_CREATE_REFUSED(-EINVAL, "unknown map flags", IE_MAP_ARRAY, 4, 8, 4, "m", &t);
}

TEST_F(maps, create_nonzero_reserved)
{
	struct ie_map_create t = { 0 };

	t.reserved[2] = 1;
	EXPECT_CREATE_REFUSED(-EINVAL, "reserved", IE_MAP_ARRAY, 4, 8, 4, "m", &t);
}

TEST_F(maps, create_bad_name)
{
	EXPECT_CREATE_REFUSED(-EINVAL, "name", IE_MAP_ARRAY, 4, 8, 4, "no spaces", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "name", IE_MAP_ARRAY, 4, 8, 4, "", NULL);
}

TEST_F(maps, create_zero_entries)
{
	EXPECT_CREATE_REFUSED(-EINVAL, "max_entries", IE_MAP_ARRAY, 4, 8, 0, "m", NULL);
}

TEST_F(maps, create_bad_sizes)
{
	EXPECT_CREATE_REFUSED(-EINVAL, "out of range", IE_MAP_HASH, 0, 8, 4, "m", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "out of range", IE_MAP_HASH, 4, 0, 4, "m", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "out of range", IE_MAP_HASH,
			      IE_MAP_MAX_KEY_SIZE + 1, 8, 4, "m", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "out of range", IE_MAP_ARRAY,
			      4, IE_MAP_MAX_VALUE_SIZE + 1, 4, "m", NULL);
}

TEST_F(maps, create_array_key_must_be_4_bytes)
{
	EXPECT_CREATE_REFUSED(-EINVAL, "4-byte key", IE_MAP_ARRAY, 8, 8, 4, "m", NULL);
	EXPECT_CREATE_REFUSED(-EINVAL, "4-byte key", IE_MAP_PERCPU_ARRAY, 2, 8, 4, "m", NULL);
}

TEST_F(maps, create_absurd_size_is_e2big)
{
	/* 64 KiB values x 1M entries = 64 GiB: refused before any allocation */
	EXPECT_CREATE_REFUSED(-E2BIG, "limit", IE_MAP_ARRAY, 4, IE_MAP_MAX_VALUE_SIZE,
			      1 << 20, "m", NULL);
	EXPECT_CREATE_REFUSED(-E2BIG, "limit", IE_MAP_PERCPU_ARRAY, 4, 4096, 1 << 20, "m", NULL);
}

TEST_F(maps, create_log_args_inconsistent)
{
	struct ie_map_create a = { .size = sizeof(a), .type = IE_MAP_ARRAY, .key_size = 4,
				   .value_size = 8, .max_entries = 4, .name = "m" };

	a.log_buf = (unsigned long)self->log;
	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_MAP_CREATE, &a));
	EXPECT_EQ(EINVAL, errno);
}

/* ------------------------------------------------------------ ids, fds, info */

TEST_F(maps, create_info_and_reopen_by_id)
{
	struct ie_map_create t = { 0 };
	struct ie_map_info info = { .size = sizeof(info) };
	struct ie_map_get_fd g = { .size = sizeof(g) };
	__u32 key = 3, val = 0xabcd, out = 0;
	int fd, fd2;

	fd = map_create_tweak(self->dev, IE_MAP_ARRAY, 4, 4, 8, "reopen_me", self->log, &t);
	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	ASSERT_LT(0, t.map_id);

	info.id = t.map_id;
	ASSERT_EQ(0, ioctl(self->dev, IE_IOC_MAP_INFO, &info));
	EXPECT_STREQ("reopen_me", info.name);
	EXPECT_EQ(IE_MAP_ARRAY, info.type);
	EXPECT_EQ(4, info.key_size);
	EXPECT_EQ(4, info.value_size);
	EXPECT_EQ(8, info.max_entries);
	EXPECT_EQ(8, info.nr_elems);
	EXPECT_EQ(0, info.nr_progs);
	EXPECT_LE(8 * 8, info.memory);

	/* info on the map fd itself, id 0 */
	ASSERT_EQ(0, map_info_fd(fd, &info));
	EXPECT_EQ(t.map_id, info.id);

	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 4, NULL, IE_ANY));
	g.map_id = t.map_id;
	fd2 = ioctl(self->dev, IE_IOC_MAP_GET_FD_BY_ID, &g);
	ASSERT_LE(0, fd2);
	close(fd);
	/* the second fd keeps the map and its contents */
	ASSERT_EQ(0, elem(fd2, IE_IOC_MAP_LOOKUP, &key, 4, &out, 4, NULL, 0));
	EXPECT_EQ(0xabcd, out);
	close(fd2);
	/* last reference gone: the id is free */
	g.map_id = t.map_id;
	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_MAP_GET_FD_BY_ID, &g));
	EXPECT_EQ(ENOENT, errno);
	info.id = t.map_id;
	info.size = sizeof(info);
	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_MAP_INFO, &info));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(maps, get_fd_by_id_rejections)
{
	struct ie_map_get_fd g = { .size = sizeof(g), .map_id = 0x7ffffff0 };

	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_MAP_GET_FD_BY_ID, &g));
	EXPECT_EQ(ENOENT, errno);
	g.flags = 1;
	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_MAP_GET_FD_BY_ID, &g));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(maps, next_id_lists_maps)
{
	struct ie_map_create t = { 0 };
	struct ie_get_next_id n = { .size = sizeof(n), .type = IE_OBJ_MAP };
	int fd, found = 0;

	fd = map_create_tweak(self->dev, IE_MAP_ARRAY, 4, 4, 1, "listed", NULL, &t);
	ASSERT_LE(0, fd);
	while (!ioctl(self->dev, IE_IOC_GET_NEXT_ID, &n)) {
		found += n.next_id == t.map_id;
		n.start_id = n.next_id;
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(1, found);
	close(fd);
}

TEST_F(maps, map_ioctls_on_the_device_and_wrong_fds)
{
	__u32 key = 0, val;
	int nul = open("/dev/null", O_RDONLY);

	/* element commands are for map fds, not for /dev/innerext */
	EXPECT_EQ(-ENOTTY, elem(self->dev, IE_IOC_MAP_LOOKUP, &key, 4, &val, 4, NULL, 0));
	EXPECT_EQ(-ENOTTY, elem(nul, IE_IOC_MAP_LOOKUP, &key, 4, &val, 4, NULL, 0));
	close(nul);
}

/* ------------------------------------------------------------ array semantics */

TEST_F(maps, array_semantics)
{
	__u64 val = 7, out = 0;
	__u32 key = 0, next = 99, bad = 16;
	int fd = map_create(self->dev, IE_MAP_ARRAY, 4, 8, 16, "arr", self->log);

	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	/* every element exists, zeroed */
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, &out, 8, NULL, 0));
	EXPECT_EQ(0, out);
	EXPECT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 8, NULL, IE_ANY));
	EXPECT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 8, NULL, IE_EXIST));
	EXPECT_EQ(-EEXIST, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 8, NULL, IE_NOEXIST));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 8, NULL, 3));
	EXPECT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, &out, 8, NULL, 0));
	EXPECT_EQ(7, out);
	/* index out of range */
	EXPECT_EQ(-E2BIG, elem(fd, IE_IOC_MAP_UPDATE, &bad, 4, &val, 8, NULL, IE_ANY));
	EXPECT_EQ(-ENOENT, elem(fd, IE_IOC_MAP_LOOKUP, &bad, 4, &out, 8, NULL, 0));
	/* arrays cannot delete */
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_DELETE, &key, 4, NULL, 0, NULL, 0));
	/* wrong sizes */
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_LOOKUP, &key, 8, &out, 8, NULL, 0));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, &out, 4, NULL, 0));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, &val, 16, NULL, IE_ANY));
	/* flags on a lookup */
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, &out, 8, NULL, 1));
	/* get_next_key walks 0..15 */
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_GET_NEXT_KEY, NULL, 4, NULL, 0, &next, 0));
	EXPECT_EQ(0, next);
	key = 14;
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_GET_NEXT_KEY, &key, 4, NULL, 0, &next, 0));
	EXPECT_EQ(15, next);
	key = 15;
	EXPECT_EQ(-ENOENT, elem(fd, IE_IOC_MAP_GET_NEXT_KEY, &key, 4, NULL, 0, &next, 0));
	/* bad pointers */
	EXPECT_EQ(-EFAULT, elem(fd, IE_IOC_MAP_LOOKUP, (void *)8, 4, &out, 8, NULL, 0));
	EXPECT_EQ(-EFAULT, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, (void *)8, 8, NULL, 0));
	close(fd);
}

TEST_F(maps, element_struct_rules)
{
	struct ie_map_elem e = { .size = sizeof(e), .key_size = 4, .value_size = 8 };
	int fd = map_create(self->dev, IE_MAP_ARRAY, 4, 8, 4, "rules", NULL);
	__u32 key = 0;
	__u64 v;

	ASSERT_LE(0, fd);
	e.key = (unsigned long)&key;
	e.value = (unsigned long)&v;
	e.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, IE_IOC_MAP_LOOKUP, &e));
	EXPECT_EQ(EINVAL, errno);
	e.pad = 0;
	e.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, IE_IOC_MAP_LOOKUP, &e));
	EXPECT_EQ(EINVAL, errno);
	e.reserved[1] = 0;
	e.size = sizeof(e) - 8;
	EXPECT_EQ(-1, ioctl(fd, IE_IOC_MAP_LOOKUP, &e));
	EXPECT_EQ(EINVAL, errno);
	/* wrong direction */
	e.size = sizeof(e);
	EXPECT_EQ(-1, ioctl(fd, _IOR(IE_IOC_MAGIC, 0x20, struct ie_map_elem), &e));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_F(maps, array_dump_in_batches)
{
	int fd = map_create(self->dev, IE_MAP_ARRAY, 4, 4, 10, "dumped", NULL);
	struct ie_map_batch b = { .size = sizeof(b), .key_size = 4, .value_size = 4 };
	__u32 keys[4], vals[4], seen[10] = { 0 }, total = 0, i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 10; i++) {
		__u32 v = i * 100;

		ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &i, 4, &v, 4, NULL, IE_ANY));
	}
	b.keys = (unsigned long)keys;
	b.values = (unsigned long)vals;
	for (;;) {
		b.count = 4;
		if (ioctl(fd, IE_IOC_MAP_DUMP, &b)) {
			EXPECT_EQ(ENOENT, errno);
			break;
		}
		ASSERT_LE(1, b.count);
		for (i = 0; i < b.count; i++) {
			ASSERT_GT(10, keys[i]);
			seen[keys[i]]++;
			EXPECT_EQ(keys[i] * 100, vals[i]);
			total++;
		}
	}
	EXPECT_EQ(10, total);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(1, seen[i]);
	b.count = 4;
	b.cursor = 0;
	b.value_size = 8;
	EXPECT_EQ(-1, ioctl(fd, IE_IOC_MAP_DUMP, &b));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* user space sees one 8-byte slot per possible CPU; values written per CPU stay per CPU */
TEST_F(maps, percpu_array_layout)
{
	int cpus = nr_cpus();
	int fd = map_create(self->dev, IE_MAP_PERCPU_ARRAY, 4, 4, 2, "pcpu", self->log);
	__u64 *vals, *out;
	__u32 key = 1;
	int i;

	ASSERT_LT(0, cpus);
	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	vals = calloc(cpus, 8);
	out = calloc(cpus, 8);
	ASSERT_NE(NULL, vals);
	for (i = 0; i < cpus; i++)
		vals[i] = 0x1000 + i;
	/* a single value is the wrong size for a per-CPU map */
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, vals, 4, NULL, IE_ANY));
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, vals, cpus * 8, NULL, IE_ANY));
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, out, cpus * 8, NULL, 0));
	for (i = 0; i < cpus; i++)
		EXPECT_EQ(0x1000 + i, out[i] & 0xffffffff) TH_LOG("cpu %d", i);
	key = 0;
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, out, cpus * 8, NULL, 0));
	for (i = 0; i < cpus; i++)
		EXPECT_EQ(0, out[i]);
	free(vals);
	free(out);
	close(fd);
}

TEST_F(maps, create_destroy_1000_cycles_leak_nothing)
{
	struct ie_version v0 = { .size = sizeof(v0) }, v1 = { .size = sizeof(v1) };
	struct ie_get_next_id n = { .size = sizeof(n), .type = IE_OBJ_MAP };
	long pcpu0 = 0, slab0 = 0, vm0 = 0;
	int i, fd, before = 0, after = 0;

	ASSERT_EQ(0, ioctl(self->dev, IE_IOC_GET_VERSION, &v0));
	while (!ioctl(self->dev, IE_IOC_GET_NEXT_ID, &n)) {
		before++;
		n.start_id = n.next_id;
	}
	/*
	 * Warm up first: the per-CPU allocator keeps chunks it populated, so the
	 * first cycles raise "Percpu" once without leaking anything.
	 */
	for (i = -100; i < 1000; i++) {
		if (i == 0) {
			sleep(1);
			pcpu0 = meminfo_kb("Percpu");
			slab0 = meminfo_kb("Slab");
			vm0 = meminfo_kb("VmallocUsed");
		}
		fd = map_create_tweak(self->dev, i % 2 ? IE_MAP_PERCPU_ARRAY : IE_MAP_ARRAY, 4, 64, 256,
				"cycle", self->log, NULL);
		ASSERT_LE(0, fd) TH_LOG("cycle %d: %s", i, self->log);
		close(fd);
	}
	n.start_id = 0;
	while (!ioctl(self->dev, IE_IOC_GET_NEXT_ID, &n)) {
		after++;
		n.start_id = n.next_id;
	}
	EXPECT_EQ(before, after);
	ASSERT_EQ(0, ioctl(self->dev, IE_IOC_GET_VERSION, &v1));
	EXPECT_EQ(v0.data_arena_free, v1.data_arena_free);
	/* maps are freed after an RCU grace period, by a worker: give them a moment */
	sleep(2);
	/*
	 * 1000 leaked maps would hold 500 x 32 KiB per CPU (32 MiB of "Percpu" on
	 * 2 CPUs) and 500 x 16 KiB of values (8 MiB). The allocators keep some of
	 * what they grew (per-CPU chunks, vmap areas), so allow 4 MiB of noise.
	 */
	EXPECT_GT(4096, meminfo_kb("Percpu") - pcpu0) TH_LOG("Percpu %ld -> %ld kB", pcpu0,
							      meminfo_kb("Percpu"));
	EXPECT_GT(4096, meminfo_kb("Slab") - slab0) TH_LOG("Slab %ld -> %ld kB", slab0,
							  meminfo_kb("Slab"));
	EXPECT_GT(4096, meminfo_kb("VmallocUsed") - vm0) TH_LOG("VmallocUsed %ld -> %ld kB", vm0,
								meminfo_kb("VmallocUsed"));
}

TEST_HARNESS_MAIN
