// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps (IE_MAP_HASH, IE_MAP_PERCPU_HASH, IE_MAP_LRU_HASH) through the raw
 * ioctls: /dev/innerext creates them, the element commands go to the map fd.
 * Most tests run once per type (fixture variants); values are given in user
 * layout (per-CPU maps: one 8-byte slot per possible CPU, slot c holding
 * value + c so the per-CPU copies are told apart). The ext tests drive the
 * extension side through progs/hash_ext.c (getsid() commands, and a kprobe
 * on call_rcu for the deadlock guard).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/innerext.h>
#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"
#include "progs/hash_ext.h"

#define HASH_EXT_OBJ	"test/selftests/fixtures/hash_ext.o"







static long nr_elems(int fd)
{
	struct ie_map_info info;

	return map_info_fd(fd, &info) ? -1 : (long)info.nr_elems;
}

static int count_maps(int dev)
{
	struct ie_get_next_id n = { .size = sizeof(n), .type = IE_OBJ_MAP };
	int nr = 0;

	while (!ioctl(dev, IE_IOC_GET_NEXT_ID, &n)) {
		nr++;
		n.start_id = n.next_id;
	}
	return nr;
}

/*
 * A map with __u64 keys and __u64 values, whatever its type: put()/get() deal
 * with the per-CPU layout.
 */
struct hmap {
	int fd;
	__u32 type;
	int cpus;
	__u32 vsz;	/* user value size */
	__u64 buf[64];	/* one value in user layout (up to 64 CPUs) */
};

static int hmap_open(struct hmap *m, int dev, __u32 type, __u32 max, const char *name)
{
	m->type = type;
	m->cpus = nr_cpus();
	if (m->cpus < 1 || m->cpus > 64)
		return -ERANGE;
	m->vsz = type == IE_MAP_PERCPU_HASH ? 8 * m->cpus : 8;
	m->fd = map_create(dev, type, 8, 8, max, name, NULL);
	return m->fd < 0 ? m->fd : 0;
}

static int put(struct hmap *m, __u64 key, __u64 val, __u64 flags)
{
	int c;

	for (c = 0; c < m->cpus; c++)
		m->buf[c] = m->type == IE_MAP_PERCPU_HASH ? val + c : val;
	return elem(m->fd, IE_IOC_MAP_UPDATE, &key, 8, m->buf, m->vsz, NULL, flags);
}

/* 0 and the value (per-CPU: slot 0, the others checked), or -errno; -EBADMSG: bad per-CPU slot */
static int get(struct hmap *m, __u64 key, __u64 *val)
{
	int c, err = elem(m->fd, IE_IOC_MAP_LOOKUP, &key, 8, m->buf, m->vsz, NULL, 0);

	if (err)
		return err;
	*val = m->buf[0];
	if (m->type == IE_MAP_PERCPU_HASH)
		for (c = 1; c < m->cpus; c++)
			if (m->buf[c] != *val + c)
				return -EBADMSG;
	return 0;
}

static int del(struct hmap *m, __u64 key)
{
	return elem(m->fd, IE_IOC_MAP_DELETE, &key, 8, NULL, 0, NULL, 0);
}

static int next_key(struct hmap *m, const __u64 *key, __u64 *next)
{
	return elem(m->fd, IE_IOC_MAP_GET_NEXT_KEY, key, 8, NULL, 0, next, 0);
}

/*
 * One dump call; on -ENOSPC the batch is doubled and the same cursor tried
 * again (a bucket did not fit). Returns the count, 0 at the end, or -errno.
 */
static int dump_batch(struct hmap *m, __u64 *cursor, __u64 *keys, __u64 *vals, __u32 want,
		      int *enospc)
{
	struct ie_map_batch b = {
		.size = sizeof(b), .key_size = 8, .value_size = m->vsz,
		.keys = (unsigned long)keys, .values = (unsigned long)vals,
	};

	for (;;) {
		b.count = want;
		b.cursor = *cursor;
		if (!ioctl(m->fd, IE_IOC_MAP_DUMP, &b)) {
			*cursor = b.cursor;
			return b.count;
		}
		if (errno == ENOENT)
			return b.count ? -EPROTO : 0;
		if (errno != ENOSPC)
			return -errno;
		if (enospc)
			(*enospc)++;
		want *= 2;
	}
}


/* ------------------------------------------------------------ fixture: one per hash type */

FIXTURE(htab) {
	int dev;
	char log[LOG_SIZE];
	struct hmap m;
};

FIXTURE_VARIANT(htab) {
	__u32 type;
};

FIXTURE_VARIANT_ADD(htab, hash) {
	.type = IE_MAP_HASH,
};

FIXTURE_VARIANT_ADD(htab, percpu_hash) {
	.type = IE_MAP_PERCPU_HASH,
};

FIXTURE_VARIANT_ADD(htab, lru_hash) {
	.type = IE_MAP_LRU_HASH,
};

FIXTURE_SETUP(htab)
{
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->m.fd = -1;
}

FIXTURE_TEARDOWN(htab)
{
	if (self->m.fd >= 0)
		close(self->m.fd);
	close(self->dev);
}

#define OPEN(max)	ASSERT_EQ(0, hmap_open(&self->m, self->dev, variant->type, (max), "htab"))

/* ------------------------------------------------------------ creation */

TEST_F(htab, create_refusals)
{
	int fd;

	EXPECT_EQ(-EINVAL, map_create(self->dev, variant->type, 0, 8, 16, "h", self->log));
	EXPECT_EQ(-EINVAL, map_create(self->dev, variant->type, IE_MAP_MAX_KEY_SIZE + 1, 8, 16,
				      "h", self->log));
	EXPECT_EQ(-EINVAL, map_create(self->dev, variant->type, 8, 0, 16, "h", self->log));
	EXPECT_EQ(-EINVAL, map_create(self->dev, variant->type, 8, IE_MAP_MAX_VALUE_SIZE + 1, 16,
				      "h", self->log));
	EXPECT_EQ(-EINVAL, map_create(self->dev, variant->type, 8, 8, 0, "h", self->log));
	/* every element is preallocated: 2^28 of them cannot fit in 256 MiB */
	EXPECT_EQ(-E2BIG, map_create(self->dev, variant->type, 8, 8, 1U << 28, "h", self->log));
	EXPECT_NE(NULL, strstr(self->log, "more than")) TH_LOG("log: %s", self->log);
	EXPECT_EQ(-E2BIG, map_create(self->dev, variant->type, 8, 4096, 1U << 16, "h", self->log));
	EXPECT_NE(NULL, strstr(self->log, "hash map")) TH_LOG("log: %s", self->log);
	/* the limits themselves are fine */
	fd = map_create(self->dev, variant->type, IE_MAP_MAX_KEY_SIZE, 8, 4, "h", self->log);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
	fd = map_create(self->dev, variant->type, 1, variant->type == IE_MAP_PERCPU_HASH ?
			32768 : IE_MAP_MAX_VALUE_SIZE, 1, "h", self->log);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
}

TEST_F(htab, info_counts_elements_and_memory)
{
	struct ie_map_info info;
	__u64 k;

	OPEN(100);
	ASSERT_EQ(0, map_info_fd(self->m.fd, &info));
	EXPECT_EQ(variant->type, info.type);
	EXPECT_EQ(100, info.max_entries);
	EXPECT_EQ(0, info.nr_elems);
	/* everything preallocated: at least the values of max_entries elements */
	EXPECT_LE(100 * 8 * (variant->type == IE_MAP_PERCPU_HASH ? self->m.cpus : 1),
		  info.memory);
	EXPECT_GT(256ULL << 20, info.memory);
	for (k = 0; k < 30; k++)
		ASSERT_EQ(0, put(&self->m, k, k, IE_ANY));
	EXPECT_EQ(30, nr_elems(self->m.fd));
	for (k = 0; k < 10; k++)
		ASSERT_EQ(0, del(&self->m, k));
	EXPECT_EQ(20, nr_elems(self->m.fd));
	ASSERT_EQ(0, put(&self->m, 20, 1, IE_ANY));	/* a replace */
	EXPECT_EQ(20, nr_elems(self->m.fd));
}

/* ------------------------------------------------------------ element semantics */

TEST_F(htab, update_flags_and_errors)
{
	__u64 v, k = 42, k2 = 43;

	OPEN(16);
	EXPECT_EQ(-ENOENT, get(&self->m, k, &v));
	EXPECT_EQ(-ENOENT, del(&self->m, k));
	/* EXIST: replace only */
	EXPECT_EQ(-ENOENT, put(&self->m, k, 1, IE_EXIST));
	EXPECT_EQ(-ENOENT, get(&self->m, k, &v));
	/* NOEXIST: create only */
	EXPECT_EQ(0, put(&self->m, k, 100, IE_NOEXIST));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(100, v);
	EXPECT_EQ(-EEXIST, put(&self->m, k, 101, IE_NOEXIST));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(100, v);
	EXPECT_EQ(0, put(&self->m, k, 102, IE_EXIST));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(102, v);
	/* ANY: either */
	EXPECT_EQ(0, put(&self->m, k, 103, IE_ANY));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(103, v);
	EXPECT_EQ(0, put(&self->m, k2, 200, IE_ANY));
	EXPECT_EQ(0, get(&self->m, k2, &v));
	EXPECT_EQ(200, v);
	/* unknown flags, and nothing changed */
	EXPECT_EQ(-EINVAL, put(&self->m, k, 1, IE_EXIST + 1));
	EXPECT_EQ(-EINVAL, put(&self->m, k, 1, 1ULL << 32));
	EXPECT_EQ(-EINVAL, put(&self->m, 7, 1, 4));
	EXPECT_EQ(-ENOENT, get(&self->m, 7, &v));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(103, v);
	/* delete */
	EXPECT_EQ(0, del(&self->m, k));
	EXPECT_EQ(-ENOENT, get(&self->m, k, &v));
	EXPECT_EQ(-ENOENT, del(&self->m, k));
	EXPECT_EQ(-ENOENT, put(&self->m, k, 1, IE_EXIST));
	EXPECT_EQ(0, put(&self->m, k, 104, IE_NOEXIST));
	EXPECT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(104, v);
	EXPECT_EQ(2, nr_elems(self->m.fd));
}

TEST_F(htab, wrong_key_and_value_sizes)
{
	__u64 k = 1, v[65] = { 0 }, next;
	int fd;

	OPEN(4);
	fd = self->m.fd;
	ASSERT_EQ(0, put(&self->m, k, 5, IE_ANY));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &k, 4, v, self->m.vsz, NULL, IE_ANY));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &k, 8, v, self->m.vsz + 8, NULL, IE_ANY));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &k, 8, v, 4, NULL, IE_ANY));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_LOOKUP, &k, 16, v, self->m.vsz, NULL, 0));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_LOOKUP, &k, 8, v, self->m.vsz - 1, NULL, 0));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_DELETE, &k, 7, NULL, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_GET_NEXT_KEY, &k, 9, NULL, 0, &next, 0));
	if (variant->type == IE_MAP_PERCPU_HASH)	/* one plain value is not the user layout */
		EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &k, 8, v, 8, NULL, IE_ANY));
	EXPECT_EQ(0, get(&self->m, k, &v[0]));
	EXPECT_EQ(5, v[0]);
	EXPECT_EQ(1, nr_elems(fd));
}

/* odd sizes: keys compared on all their bytes, values returned exactly */
TEST_F(htab, odd_key_and_value_sizes)
{
	int cpus = nr_cpus(), fd, i, c;
	__u32 slot = 24, uv = variant->type == IE_MAP_PERCPU_HASH ? slot * cpus : 20;
	unsigned char key[13], val[24 * 64], out[24 * 64];

	ASSERT_LT(0, cpus);
	ASSERT_GE(64, cpus);
	fd = map_create(self->dev, variant->type, 13, 20, 64, "odd", self->log);
	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	for (i = 0; i < 26; i++) {
		memset(key, 0, sizeof(key));
		/* keys differ in a single byte, at every position */
		key[12 - (i % 13)] = 1 + i / 13;
		memset(val, 0, sizeof(val));
		for (c = 0; c < (variant->type == IE_MAP_PERCPU_HASH ? cpus : 1); c++)
			memset(val + c * slot, i + c + 1, 20);
		ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, key, 13, val, uv, NULL, IE_NOEXIST))
			TH_LOG("key %d", i);
	}
	EXPECT_EQ(26, nr_elems(fd));
	for (i = 0; i < 26; i++) {
		memset(key, 0, sizeof(key));
		key[12 - (i % 13)] = 1 + i / 13;
		memset(val, 0, sizeof(val));
		for (c = 0; c < (variant->type == IE_MAP_PERCPU_HASH ? cpus : 1); c++)
			memset(val + c * slot, i + c + 1, 20);	/* padding reads back as 0 */
		memset(out, 0xee, sizeof(out));
		ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, key, 13, out, uv, NULL, 0));
		EXPECT_EQ(0, memcmp(val, out, uv)) TH_LOG("key %d", i);
	}
	memset(key, 0, sizeof(key));
	EXPECT_EQ(-ENOENT, elem(fd, IE_IOC_MAP_LOOKUP, key, 13, out, uv, NULL, 0));
	close(fd);
}

/* ------------------------------------------------------------ a full map */

TEST_F(htab, full_map)
{
	const __u64 max = 64;
	__u64 k, v;

	OPEN(max);
	for (k = 0; k < max; k++)
		ASSERT_EQ(0, put(&self->m, k, k * 10, IE_NOEXIST));
	EXPECT_EQ(max, nr_elems(self->m.fd));
	if (variant->type != IE_MAP_LRU_HASH) {
		EXPECT_EQ(-E2BIG, put(&self->m, max, 1, IE_ANY));
		EXPECT_EQ(-E2BIG, put(&self->m, max, 1, IE_NOEXIST));
		EXPECT_EQ(-ENOENT, put(&self->m, max, 1, IE_EXIST));
		/* replacing an existing key still works in a full map */
		EXPECT_EQ(0, put(&self->m, 3, 333, IE_ANY));
		EXPECT_EQ(0, put(&self->m, 4, 444, IE_EXIST));
		EXPECT_EQ(-EEXIST, put(&self->m, 5, 555, IE_NOEXIST));
		/* and a deleted key makes room at once */
		EXPECT_EQ(0, del(&self->m, 0));
		EXPECT_EQ(0, put(&self->m, max, 1, IE_NOEXIST));
		EXPECT_EQ(-E2BIG, put(&self->m, max + 1, 1, IE_ANY));
		EXPECT_EQ(max, nr_elems(self->m.fd));
		EXPECT_EQ(0, get(&self->m, 3, &v));
		EXPECT_EQ(333, v);
		EXPECT_EQ(0, get(&self->m, 4, &v));
		EXPECT_EQ(444, v);
		EXPECT_EQ(-ENOENT, get(&self->m, 0, &v));
		return;
	}
	/* LRU: never E2BIG; the coldest elements make room (user lookups do not count) */
	for (k = 0; k < max; k++)
		ASSERT_EQ(0, get(&self->m, k, &v));
	EXPECT_EQ(-ENOENT, put(&self->m, max, 1, IE_EXIST));
	for (k = max; k < max + 16; k++)
		ASSERT_EQ(0, put(&self->m, k, k * 10, k & 1 ? IE_NOEXIST : IE_ANY))
			TH_LOG("key %llu", k);
	EXPECT_EQ(max, nr_elems(self->m.fd));
	for (k = max; k < max + 16; k++) {
		ASSERT_EQ(0, get(&self->m, k, &v)) TH_LOG("newest key %llu evicted", k);
		EXPECT_EQ(k * 10, v);
	}
	for (k = 0; k < 16; k++)
		EXPECT_EQ(-ENOENT, get(&self->m, k, &v)) TH_LOG("oldest key %llu kept", k);
	for (k = 16; k < max; k++)
		EXPECT_EQ(0, get(&self->m, k, &v)) TH_LOG("key %llu evicted", k);
	/* a replaced key moves to the hot end: 16 is the coldest now, then 17 */
	ASSERT_EQ(0, put(&self->m, 16, 1, IE_EXIST));
	ASSERT_EQ(0, put(&self->m, 1000, 1, IE_ANY));
	EXPECT_EQ(0, get(&self->m, 16, &v));
	EXPECT_EQ(-ENOENT, get(&self->m, 17, &v));
	EXPECT_EQ(max, nr_elems(self->m.fd));
}

/*
 * Deleted elements come back only after an RCU grace period; a full map churned
 * through delete + insert far faster than that must still never refuse (user
 * space waits for the grace period when the spare runs out).
 */
TEST_F(htab, full_map_delete_insert_churn)
{
	const __u64 max = 64;
	__u64 k, v;
	int i;

	OPEN(max);
	for (k = 0; k < max; k++)
		ASSERT_EQ(0, put(&self->m, k, k, IE_NOEXIST));
	for (i = 0; i < 2000; i++) {
		__u64 old = i, new = i + max;

		ASSERT_EQ(0, del(&self->m, old)) TH_LOG("round %d", i);
		ASSERT_EQ(0, put(&self->m, new, new, IE_NOEXIST)) TH_LOG("round %d", i);
	}
	EXPECT_EQ(max, nr_elems(self->m.fd));
	for (k = 2000; k < 2000 + max; k++) {
		ASSERT_EQ(0, get(&self->m, k, &v));
		EXPECT_EQ(k, v);
	}
}

TEST_F(htab, full_map_replace_churn)
{
	const __u64 max = 32;
	__u64 k, v;
	int i;

	OPEN(max);
	for (k = 0; k < max; k++)
		ASSERT_EQ(0, put(&self->m, k, 0, IE_NOEXIST));
	for (i = 1; i <= 3000; i++)
		ASSERT_EQ(0, put(&self->m, i % max, i, i & 1 ? IE_EXIST : IE_ANY))
			TH_LOG("round %d", i);
	EXPECT_EQ(max, nr_elems(self->m.fd));
	for (k = 0; k < max; k++) {
		for (i = 3000; i % max != k; i--)
			;
		ASSERT_EQ(0, get(&self->m, k, &v));
		EXPECT_EQ(i, v) TH_LOG("key %llu", k);
	}
}

/* ------------------------------------------------------------ iteration */

TEST_F(htab, get_next_key_walks_every_key_once)
{
	const int n = 500;
	unsigned char *seen = calloc(n, 1);
	__u64 k, next, first;
	int i, visited = 0;

	ASSERT_NE(NULL, seen);
	OPEN(n);
	EXPECT_EQ(-ENOENT, next_key(&self->m, NULL, &next));
	for (i = 0; i < n; i++) {
		k = (__u64)i * 0x9e3779b97f4a7c15ULL;	/* spread over all key bytes */
		ASSERT_EQ(0, put(&self->m, k, i, IE_NOEXIST));
	}
	ASSERT_EQ(0, next_key(&self->m, NULL, &first));
	for (k = first;; k = next) {
		__u64 v;
		int err;

		ASSERT_EQ(0, get(&self->m, k, &v));
		ASSERT_GT(n, v);
		EXPECT_EQ(k, v * 0x9e3779b97f4a7c15ULL);
		EXPECT_EQ(0, seen[v]) TH_LOG("key of %llu seen twice", v);
		seen[v]++;
		visited++;
		ASSERT_GE(n, visited);
		err = next_key(&self->m, &k, &next);
		if (err) {
			EXPECT_EQ(-ENOENT, err);
			break;
		}
	}
	EXPECT_EQ(n, visited);
	/* a key not in the map: the walk starts over */
	k = 12345;
	ASSERT_EQ(0, next_key(&self->m, &k, &next));
	EXPECT_EQ(first, next);
	free(seen);
}

TEST_F(htab, dump_in_small_batches_sees_every_key_once)
{
	const int n = 300;
	__u64 keys[64], vals[64 * 64], cursor = 0;
	unsigned char seen[300] = { 0 };
	int i, got, total = 0, enospc = 0, c;

	OPEN(n);
	cursor = 0;
	EXPECT_EQ(0, dump_batch(&self->m, &cursor, keys, vals, 4, NULL));	/* empty: ENOENT */
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, put(&self->m, i, i * 7, IE_NOEXIST));
	cursor = 0;
	while ((got = dump_batch(&self->m, &cursor, keys, vals, 3, &enospc)) > 0) {
		for (i = 0; i < got; i++) {
			ASSERT_GT(n, keys[i]);
			EXPECT_EQ(0, seen[keys[i]]) TH_LOG("key %llu twice", keys[i]);
			seen[keys[i]]++;
			for (c = 0; c < (int)self->m.vsz / 8; c++)
				EXPECT_EQ(keys[i] * 7 + c, vals[i * (self->m.vsz / 8) + c]);
			total++;
		}
	}
	EXPECT_EQ(0, got);
	EXPECT_EQ(n, total);
	TH_LOG("%d ENOSPC retries", enospc);
	/* exhausted: ENOENT again */
	EXPECT_EQ(0, dump_batch(&self->m, &cursor, keys, vals, 3, NULL));
	/* one at a time (a bucket that holds two is ENOSPC, then taken with 2) */
	cursor = 0;
	total = 0;
	while ((got = dump_batch(&self->m, &cursor, keys, vals, 1, NULL)) > 0)
		total += got;
	EXPECT_EQ(0, got);
	EXPECT_EQ(n, total);
}

/* a batch smaller than the first bucket it meets: ENOSPC, nothing returned, cursor kept */
TEST_F(htab, dump_enospc_when_a_bucket_does_not_fit)
{
	struct ie_map_batch b = { .size = sizeof(b), .key_size = 8 };
	__u64 keys[2], vals[2 * 64];
	int try;

	for (try = 0; try < 64; try++) {
		/* two entries, two buckets: both keys share one half the time (random seed) */
		OPEN(2);
		ASSERT_EQ(0, put(&self->m, 1, 1, IE_ANY));
		ASSERT_EQ(0, put(&self->m, 2, 2, IE_ANY));
		b.value_size = self->m.vsz;
		b.keys = (unsigned long)keys;
		b.values = (unsigned long)vals;
		b.cursor = 0;
		b.count = 1;
		if (ioctl(self->m.fd, IE_IOC_MAP_DUMP, &b)) {
			EXPECT_EQ(ENOSPC, errno);
			EXPECT_EQ(0, b.cursor);
			b.count = 2;
			ASSERT_EQ(0, ioctl(self->m.fd, IE_IOC_MAP_DUMP, &b));
			EXPECT_EQ(2, b.count);
			EXPECT_EQ(3, keys[0] + keys[1]);
			b.count = 2;
			EXPECT_EQ(-1, ioctl(self->m.fd, IE_IOC_MAP_DUMP, &b));
			EXPECT_EQ(ENOENT, errno);
			EXPECT_EQ(0, b.count);
			return;
		}
		EXPECT_EQ(1, b.count);
		close(self->m.fd);
		self->m.fd = -1;
	}
	ASSERT_TRUE(0) TH_LOG("64 maps, never two keys in one bucket");
}

/* ------------------------------------------------------------ concurrency (user side) */

struct churn_arg {
	struct hmap m;		/* its own copy: put/get use the buffer */
	int cpu;
	__u64 base;		/* keys base .. base + span - 1 */
	__u64 span;
	volatile int *stop;
	long ops;
	int err;
};

static void *churn_thread(void *p)
{
	struct churn_arg *a = p;
	unsigned int seed = a->cpu + 1;

	st_pin_cpu(a->cpu);
	while (!*a->stop) {
		__u64 k = a->base + rand_r(&seed) % a->span, v;
		int r = rand_r(&seed) % 4, err;

		if (r == 0)
			err = del(&a->m, k);
		else if (r == 3)
			err = get(&a->m, k, &v);
		else
			err = put(&a->m, k, k, r == 1 ? IE_NOEXIST : IE_ANY);
		if (err && err != -ENOENT && err != -EEXIST && err != -E2BIG) {
			a->err = err;
			break;
		}
		if (r == 3 && !err && v != k) {
			a->err = -EBADMSG;
			break;
		}
		a->ops++;
	}
	return NULL;
}

/*
 * Two threads (one per CPU) insert, replace, delete and look up keys of their
 * own ranges while this thread dumps: the stable keys, never touched, are
 * seen exactly once by every dump; values always match their keys.
 */
TEST_F_TIMEOUT(htab, dump_under_concurrent_churn, 120)
{
	const __u64 nstable = 200, max = 1024;
	struct churn_arg a[2];
	pthread_t th[2];
	volatile int stop = 0;
	__u64 keys[64], vals[64 * 64], cursor, k;
	unsigned char seen[200];
	double end;
	int i, t, got, dumps = 0, ncpu = nr_cpus();

	OPEN(max);
	for (k = 0; k < nstable; k++)
		ASSERT_EQ(0, put(&self->m, k, k, IE_NOEXIST));
	for (t = 0; t < 2; t++) {
		a[t] = (struct churn_arg){ .m = self->m, .cpu = t % ncpu,
					   .base = 1000 + t * 10000,
					   /* LRU: fill beyond max_entries so that it evicts */
					   .span = variant->type == IE_MAP_LRU_HASH ? 1000 : 300,
					   .stop = &stop };
		ASSERT_EQ(0, pthread_create(&th[t], NULL, churn_thread, &a[t]));
	}
	end = st_now_s() + 3;
	while (st_now_s() < end) {
		memset(seen, 0, sizeof(seen));
		cursor = 0;
		while ((got = dump_batch(&self->m, &cursor, keys, vals, 5, NULL)) > 0) {
			for (i = 0; i < got; i++) {
				EXPECT_EQ(keys[i], vals[i * (self->m.vsz / 8)]);
				if (keys[i] < nstable)
					seen[keys[i]]++;
			}
		}
		ASSERT_EQ(0, got);
		dumps++;
		if (variant->type == IE_MAP_LRU_HASH)
			continue;	/* the stable keys may be evicted */
		for (k = 0; k < nstable; k++) {
			int times = seen[k];

			ASSERT_EQ(1, times) TH_LOG("dump %d: stable key %llu seen %d times",
						   dumps, k, times);
		}
	}
	stop = 1;
	for (t = 0; t < 2; t++) {
		pthread_join(th[t], NULL);
		EXPECT_EQ(0, a[t].err) TH_LOG("thread %d: %d", t, a[t].err);
	}
	TH_LOG("%d dumps, %ld + %ld element ops", dumps, a[0].ops, a[1].ops);
	EXPECT_LT(0, a[0].ops);
	/* the count matches what a walk finds */
	cursor = 0;
	k = 0;
	while ((got = dump_batch(&self->m, &cursor, keys, vals, 64, NULL)) > 0)
		k += got;
	EXPECT_EQ(k, nr_elems(self->m.fd));
	EXPECT_GE(max, k);
}

/* ------------------------------------------------------------ lifetime */

TEST_F_TIMEOUT(htab, create_destroy_1000_cycles_leak_nothing, 240)
{
	long pcpu0 = 0, slab0 = 0, vm0 = 0;
	int i, before = count_maps(self->dev);
	__u64 k;

	/* warm up: the per-CPU allocator and slabs keep what they populated once */
	for (i = -100; i < 1000; i++) {
		if (i == 0) {
			sleep(1);
			pcpu0 = meminfo_kb("Percpu");
			slab0 = meminfo_kb("Slab");
			vm0 = meminfo_kb("VmallocUsed");
		}
		OPEN(256);
		/* some elements in the map, some retired (waiting for RCU) at close */
		for (k = 0; k < 8; k++)
			ASSERT_EQ(0, put(&self->m, k, k, IE_ANY));
		ASSERT_EQ(0, put(&self->m, 0, 1, IE_ANY));
		ASSERT_EQ(0, del(&self->m, 1));
		close(self->m.fd);
		self->m.fd = -1;
	}
	EXPECT_EQ(before, count_maps(self->dev));
	/* maps are freed after an RCU grace period, by a worker: give them up to 15 s */
	for (i = 0; i < 15; i++) {
		sleep(1);
		if (meminfo_kb("Percpu") - pcpu0 < 1024 && meminfo_kb("Slab") - slab0 < 1024 &&
		    meminfo_kb("VmallocUsed") - vm0 < 1024)
			break;
	}
	EXPECT_GT(1024, meminfo_kb("Percpu") - pcpu0) TH_LOG("Percpu %ld -> %ld kB", pcpu0,
							      meminfo_kb("Percpu"));
	EXPECT_GT(1024, meminfo_kb("Slab") - slab0) TH_LOG("Slab %ld -> %ld kB", slab0,
							  meminfo_kb("Slab"));
	EXPECT_GT(1024, meminfo_kb("VmallocUsed") - vm0) TH_LOG("VmallocUsed %ld -> %ld kB", vm0,
								meminfo_kb("VmallocUsed"));
}

/* ------------------------------------------------------------ type-specific */

FIXTURE(dev) {
	int dev;
	char log[LOG_SIZE];
};

FIXTURE_SETUP(dev)
{
	self->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->dev);
}

/* each CPU's copy is its own; a 4-byte value sits in an 8-byte slot, padding zero */
TEST_F(dev, percpu_hash_user_layout)
{
	int cpus = nr_cpus(), fd, c;
	__u32 key = 9, *in, *out;

	ASSERT_LT(0, cpus);
	fd = map_create(self->dev, IE_MAP_PERCPU_HASH, 4, 4, 8, "pcpu", self->log);
	ASSERT_LE(0, fd) TH_LOG("log: %s", self->log);
	in = calloc(cpus, 8);
	out = calloc(cpus, 8);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	for (c = 0; c < cpus; c++) {
		in[2 * c] = 0x1000 + c;
		in[2 * c + 1] = 0xdeadbeef;	/* padding: ignored */
	}
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, in, 4, NULL, IE_ANY));
	EXPECT_EQ(-EINVAL, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, in, 4 * cpus, NULL, IE_ANY));
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, in, 8 * cpus, NULL, IE_ANY));
	memset(out, 0xff, 8 * cpus);
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, out, 8 * cpus, NULL, 0));
	for (c = 0; c < cpus; c++) {
		EXPECT_EQ(0x1000 + c, out[2 * c]) TH_LOG("cpu %d", c);
		EXPECT_EQ(0, out[2 * c + 1]) TH_LOG("cpu %d padding", c);
	}
	/* an in-place update of an existing key sets every CPU's copy */
	for (c = 0; c < cpus; c++)
		in[2 * c] = 0x2000 + c * 3;
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_UPDATE, &key, 4, in, 8 * cpus, NULL, IE_EXIST));
	ASSERT_EQ(0, elem(fd, IE_IOC_MAP_LOOKUP, &key, 4, out, 8 * cpus, NULL, 0));
	for (c = 0; c < cpus; c++)
		EXPECT_EQ(0x2000 + c * 3, out[2 * c]) TH_LOG("cpu %d", c);
	free(in);
	free(out);
	close(fd);
}

TEST_F(dev, percpu_hash_value_above_percpu_unit_is_e2big)
{
	int fd = map_create(self->dev, IE_MAP_PERCPU_HASH, 4, 32768 + 8, 1, "big", self->log);

	EXPECT_EQ(-E2BIG, fd);
	EXPECT_NE(NULL, strstr(self->log, "per-CPU")) TH_LOG("log: %s", self->log);
	/* the same value size is fine in a plain hash map */
	fd = map_create(self->dev, IE_MAP_HASH, 4, 32768 + 8, 1, "big", self->log);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
}

/* an LRU map much smaller than the key stream: every insert succeeds, the newest stay */
TEST_F(dev, lru_hash_streams_keys_through)
{
	struct hmap m;
	const __u64 max = 128;
	__u64 k, v;

	ASSERT_EQ(0, hmap_open(&m, self->dev, IE_MAP_LRU_HASH, max, "lru"));
	for (k = 0; k < 2000; k++)
		ASSERT_EQ(0, put(&m, k, ~k, IE_NOEXIST)) TH_LOG("key %llu", k);
	EXPECT_EQ(max, nr_elems(m.fd));
	for (k = 2000 - max; k < 2000; k++) {
		ASSERT_EQ(0, get(&m, k, &v)) TH_LOG("key %llu", k);
		EXPECT_EQ(~k, v);
	}
	EXPECT_EQ(-ENOENT, get(&m, 2000 - max - 1, &v));
	close(m.fd);
}

/* ------------------------------------------------------------ the extension side */


/* max_entries + the spare the module preallocates (map_hash.c), small elements */
static __u64 spare_of(__u32 max_entries)
{
	__u64 a = 16ULL * nr_cpus(), b = max_entries / 8;

	return a > b ? a : b;
}

FIXTURE(ext) {
	struct innerext_object *obj;
	struct innerext_link *ops;
	int cpus;
};

FIXTURE_SETUP(ext)
{
	struct innerext_program *p;

	innerext_set_print(quiet_print);
	self->cpus = nr_cpus();
	ASSERT_LT(0, self->cpus);
	self->obj = innerext_object__open(HASH_EXT_OBJ);
	ASSERT_NE(NULL, self->obj) TH_LOG("open %s: %s (run from the payload root)",
					  HASH_EXT_OBJ, strerror(errno));
	{
		/*
		 * 'guard' probes call_rcu inside a raw spinlock section: interrupts
		 * off. There a run is stopped on wall time alone; the longest budget
		 * keeps a host stalling QEMU from stopping one (counted below).
		 */
		INNEREXT_OPTS_DECLARE(innerext_runtime_opts, ro, .prog_flags = IE_PROG_F_IRQS_OFF,
				      .budget_us = IE_BUDGET_MAX_US);

		ASSERT_EQ(0, innerext_object__set_runtime(self->obj, &ro));
	}
	ASSERT_EQ(0, innerext_object__load(self->obj))
		TH_LOG("load: %s", innerext_object__load_log(self->obj));
	p = innerext_object__find_program_by_name(self->obj, "ops");
	ASSERT_NE(NULL, p);
	self->ops = innerext_program__attach(p, NULL);
	ASSERT_NE(NULL, self->ops) TH_LOG("attach ops: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ext)
{
	if (self->ops)
		innerext_link__destroy(self->ops);
	innerext_object__close(self->obj);
}

static int ext_map_fd(struct innerext_object *obj, const char *name)
{
	struct innerext_map *m = innerext_object__find_map_by_name(obj, name);

	return m ? innerext_map__fd(m) : -ENOENT;
}

/* hmap view of one of the object's maps (__u64 keys and values) */
static struct hmap ext_hmap(struct innerext_object *obj, const char *name, __u32 type)
{
	struct hmap m = { .fd = ext_map_fd(obj, name), .type = type, .cpus = nr_cpus() };

	m.vsz = type == IE_MAP_PERCPU_HASH ? 8 * m.cpus : 8;
	return m;
}

static __s64 res_get(struct innerext_object *obj, __u32 slot)
{
	__s64 v = -99999;

	elem(ext_map_fd(obj, "res"), IE_IOC_MAP_LOOKUP, &slot, 4, &v, 8, NULL, 0);
	return v;
}

static void run_op(int op, __u64 arg)
{
	syscall(SYS_getsid, 0, HASH_EXT_CMD(op, arg));
}

/*
 * A kprobe on call_rcu, which the hash maps call in their busy section: when
 * it fires inside a user-space delete, the extension's update of a hash map on
 * the same CPU gets -EBUSY instead of spinning on a lock that CPU holds.
 */
TEST_F_TIMEOUT(ext, update_is_ebusy_when_a_probe_fires_inside_a_locked_section, 120)
{
	struct hmap m = ext_hmap(self->obj, "guard_h", IE_MAP_HASH);
	struct innerext_program *p = innerext_object__find_program_by_name(self->obj, "guard");
	struct innerext_link *guard;
	struct ie_prog_info info;
	__u64 k;
	int i;

	ASSERT_LE(0, m.fd);
	ASSERT_NE(NULL, p);
	for (k = 100; k < 110; k++)
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST));
	ASSERT_EQ(0, st_pin_cpu(0));
	guard = innerext_program__attach(p, NULL);
	ASSERT_NE(NULL, guard) TH_LOG("attach kprobe call_rcu: %s", strerror(errno));
	for (i = 0; i < 500; i++) {
		k = 100 + i % 10;
		ASSERT_EQ(0, del(&m, k)) TH_LOG("round %d", i);
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST)) TH_LOG("round %d", i);
	}
	ASSERT_EQ(0, innerext_link__destroy(guard));
	ASSERT_EQ(0, st_object_prog_info(self->obj, &info));
	EXPECT_EQ(0, st_aborts_total(&info));
	TH_LOG("busy %lld, ok %lld, enomem %lld, other %lld (last %lld)",
	       res_get(self->obj, R_GUARD_BUSY), res_get(self->obj, R_GUARD_OK),
	       res_get(self->obj, R_GUARD_ENOMEM), res_get(self->obj, R_GUARD_OTHER),
	       res_get(self->obj, R_GUARD_LAST_ERR));
	EXPECT_LE(500, res_get(self->obj, R_GUARD_BUSY));
	/*
	 * A call_rcu elsewhere (the other CPU, an RCU kthread) runs the guard
	 * outside any hash section; while the user's churn has every spare
	 * element waiting for its grace period, its insert gets the documented
	 * -ENOMEM. Anything else is a bug.
	 */
	EXPECT_EQ(0, res_get(self->obj, R_GUARD_OTHER));
	EXPECT_EQ(10, nr_elems(m.fd) - (get(&m, 7, &k) == 0));
}

/* user fills 0..7, the extension looks up 0..3: four inserts evict 4..7, not 0..3 */
TEST_F(ext, lookup_gives_lru_elements_a_second_chance)
{
	struct hmap m = ext_hmap(self->obj, "lru", IE_MAP_LRU_HASH);
	__u64 k, v;

	ASSERT_LE(0, m.fd);
	for (k = 0; k < 8; k++)
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST));
	for (k = 0; k < 4; k++)
		run_op(OP_LRU_TOUCH, k);
	ASSERT_EQ(4, res_get(self->obj, R_LRU_HIT));
	for (k = 100; k < 104; k++)
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST));
	EXPECT_EQ(8, nr_elems(m.fd));
	for (k = 0; k < 4; k++)
		EXPECT_EQ(0, get(&m, k, &v)) TH_LOG("referenced key %llu evicted", k);
	for (k = 4; k < 8; k++)
		EXPECT_EQ(-ENOENT, get(&m, k, &v)) TH_LOG("unreferenced key %llu kept", k);
	for (k = 100; k < 104; k++)
		EXPECT_EQ(0, get(&m, k, &v)) TH_LOG("new key %llu missing", k);
}

/* an extension reads and writes its own CPU's copy; a new key's other copies are zero */
TEST_F(ext, percpu_update_writes_this_cpus_copy)
{
	struct hmap m = ext_hmap(self->obj, "pc", IE_MAP_PERCPU_HASH);
	int c, last = self->cpus - 1;
	__u64 k = 5;

	ASSERT_LE(0, m.fd);
	ASSERT_GE(HASH_EXT_MAX_CPUS, self->cpus);
	for (c = 0; c < self->cpus; c++)
		m.buf[c] = 0x100 + c;
	ASSERT_EQ(0, elem(m.fd, IE_IOC_MAP_UPDATE, &k, 8, m.buf, m.vsz, NULL, IE_NOEXIST));
	for (c = 0; c < self->cpus; c++) {
		st_pin_cpu(c);
		run_op(OP_PC_READ, 5);
		EXPECT_EQ(0x100 + c, res_get(self->obj, R_PC_SEEN + c)) TH_LOG("cpu %d", c);
	}
	/* in place, CPU 0 only */
	ASSERT_EQ(0, st_pin_cpu(0));
	run_op(OP_PC_UPDATE, 5);
	ASSERT_EQ(0, elem(m.fd, IE_IOC_MAP_LOOKUP, &k, 8, m.buf, m.vsz, NULL, 0));
	EXPECT_EQ(1000, m.buf[0]);
	for (c = 1; c < self->cpus; c++)
		EXPECT_EQ(0x100 + c, m.buf[c]) TH_LOG("cpu %d", c);
	/* a new key from the last CPU */
	st_pin_cpu(last);
	run_op(OP_PC_UPDATE, 6);
	k = 6;
	ASSERT_EQ(0, elem(m.fd, IE_IOC_MAP_LOOKUP, &k, 8, m.buf, m.vsz, NULL, 0));
	for (c = 0; c < self->cpus; c++)
		EXPECT_EQ(c == last ? 1000 + last : 0, m.buf[c]) TH_LOG("cpu %d", c);
	EXPECT_EQ(2, res_get(self->obj, R_PC_OK));
	EXPECT_EQ(0, res_get(self->obj, R_PC_ERR));
}

TEST_F(ext, update_flags_and_errors)
{
	struct hmap m = ext_hmap(self->obj, "flags_h", IE_MAP_HASH);
	const __s64 want[] = { 0, -EEXIST, -ENOENT, 0, -E2BIG, -ENOENT, 0, 0, -EINVAL, 0, 7 };
	unsigned int i;
	__u64 v;

	ASSERT_LE(0, m.fd);
	run_op(OP_FLAGS, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		EXPECT_EQ(want[i], res_get(self->obj, R_FLAGS + i)) TH_LOG("step %u", i);
	EXPECT_EQ(2, nr_elems(m.fd));
	EXPECT_EQ(0, get(&m, 1, &v));
	EXPECT_EQ(7, v);
	EXPECT_EQ(0, get(&m, 3, &v));
	EXPECT_EQ(6, v);
	EXPECT_EQ(-ENOENT, get(&m, 2, &v));
}

/*
 * Within one invocation (preemption off) no grace period ends, so a full map
 * churned by delete + insert has only its spare to insert into: that many
 * succeed, the rest fail with -ENOMEM; user space then fills the map again,
 * waiting for the grace period.
 */
TEST_F(ext, full_map_churn_in_one_invocation_uses_the_spare)
{
	struct hmap m = ext_hmap(self->obj, "full", IE_MAP_HASH);
	__u64 ok = spare_of(HASH_EXT_FULL), k, v;

	ASSERT_LE(0, m.fd);
	if (ok > HASH_EXT_FULL)
		ok = HASH_EXT_FULL;
	for (k = 0; k < HASH_EXT_FULL; k++)
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST));
	run_op(OP_FULL_CHURN, HASH_EXT_FULL);
	EXPECT_EQ(ok, res_get(self->obj, R_CHURN_OK));
	EXPECT_EQ(HASH_EXT_FULL - ok, res_get(self->obj, R_CHURN_ENOMEM));
	EXPECT_EQ(0, res_get(self->obj, R_CHURN_OTHER));
	EXPECT_EQ(0, res_get(self->obj, R_CHURN_DEL_ERR));
	EXPECT_EQ(ok, nr_elems(m.fd));
	for (k = 0; k < HASH_EXT_FULL; k++)
		EXPECT_EQ(k < ok ? 0 : -ENOENT, get(&m, 1000 + k, &v)) TH_LOG("key %llu", 1000 + k);
	for (k = 0; k < HASH_EXT_FULL - ok; k++)
		ASSERT_EQ(0, put(&m, 5000 + k, k, IE_NOEXIST)) TH_LOG("refill %llu", k);
	EXPECT_EQ(HASH_EXT_FULL, nr_elems(m.fd));
	EXPECT_EQ(-E2BIG, put(&m, 9999, 0, IE_ANY));
}

/* the same for an LRU map: -ENOMEM evicts nothing, the map stays full */
TEST_F(ext, lru_full_inserts_in_one_invocation_use_the_spare)
{
	struct hmap m = ext_hmap(self->obj, "lru_full", IE_MAP_LRU_HASH);
	__u64 ok = spare_of(HASH_EXT_FULL), k, v;

	ASSERT_LE(0, m.fd);
	if (ok > HASH_EXT_FULL)
		ok = HASH_EXT_FULL;
	for (k = 0; k < HASH_EXT_FULL; k++)
		ASSERT_EQ(0, put(&m, k, k, IE_NOEXIST));
	run_op(OP_LRU_FILL, HASH_EXT_FULL);
	EXPECT_EQ(ok, res_get(self->obj, R_LRU_OK));
	EXPECT_EQ(HASH_EXT_FULL - ok, res_get(self->obj, R_LRU_ENOMEM));
	EXPECT_EQ(0, res_get(self->obj, R_LRU_OTHER));
	EXPECT_EQ(HASH_EXT_FULL, nr_elems(m.fd));
	for (k = 0; k < HASH_EXT_FULL; k++) {
		EXPECT_EQ(k < ok ? -ENOENT : 0, get(&m, k, &v)) TH_LOG("old key %llu", k);
		EXPECT_EQ(k < ok ? 0 : -ENOENT, get(&m, 1000 + k, &v)) TH_LOG("key %llu", 1000 + k);
	}
}

TEST_HARNESS_MAIN
