// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ring buffer consumer (IE_MAP_RINGBUF), libbpf's ring_buffer__* for innerext.
 *
 * The map fd is mmap()ed as uapi/linux/innerext.h lays it out: the consumer
 * page read-write at offset 0, the producer page and the data (mapped twice
 * in a row, so no record wraps) read-only at offset PAGE_SIZE. Positions are
 * free-running byte counters; a record at position p starts at data + (p &
 * mask) with an 8-byte header {len, pg_off}. The producer publishes
 * producer_pos with a store-release after writing a BUSY header, and clears
 * BUSY with a full barrier after filling the record, so: load-acquire
 * producer_pos, load-acquire each header, and store-release consumer_pos once
 * a record is done with (the kernel reuses the space after that store).
 *
 * One consumer per ring at a time: innerext_ringbuf__consume/__poll are not
 * thread-safe against each other for the same ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libinnerext_internal.h"

struct innerext_ringbuf {
	innerext_ringbuf_sample_fn sample_cb;
	void *ctx;
	int map_fd;		/* our own dup: the caller may close theirs */
	int epoll_fd;
	__u64 *consumer_pos;	/* consumer page (read-write) */
	const __u64 *producer_pos;	/* producer page (read-only): [0] position, [1] dropped */
	const __u8 *data;	/* the data, twice */
	__u64 mask;		/* data size - 1 */
	size_t page_size;
	size_t prod_len;	/* bytes mapped at producer_pos */
};

void innerext_ringbuf__free(struct innerext_ringbuf *rb)
{
	int saved = errno;

	if (!rb)
		return;
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page_size);
	if (rb->producer_pos)
		munmap((void *)rb->producer_pos, rb->prod_len);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	if (rb->map_fd >= 0)
		close(rb->map_fd);
	free(rb);
	errno = saved;
}

struct innerext_ringbuf *innerext_ringbuf__new(int map_fd, innerext_ringbuf_sample_fn sample_cb,
					       void *ctx, const struct innerext_ringbuf_opts *opts)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char ebuf[IE_STRERR_BUFSZ];
	struct innerext_ringbuf *rb;
	struct ie_map_info info;
	long page_size;
	void *p;
	int err;

	if (!IE_OPTS_VALID(opts, innerext_ringbuf_opts) || !sample_cb || map_fd < 0) {
		errno = EINVAL;
		return NULL;
	}
	err = innerext_map_get_info_by_fd(map_fd, &info);
	if (err) {
		pr_warn("ringbuf: fd %d is not an innerext map: %s\n", map_fd,
			ie_strerror(err, ebuf, sizeof(ebuf)));
		errno = -err;
		return NULL;
	}
	page_size = sysconf(_SC_PAGESIZE);
	if (info.type != IE_MAP_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)) || page_size <= 0 ||
	    info.max_entries < (unsigned long)page_size) {
		pr_warn("ringbuf: map '%.*s' (id %u, type %s) is not a ring buffer\n",
			IE_NAME_LEN, info.name, info.id, innerext_map_type_name(info.type));
		errno = EINVAL;
		return NULL;
	}

	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->sample_cb = sample_cb;
	rb->ctx = ctx;
	rb->epoll_fd = -1;
	rb->page_size = (size_t)page_size;
	rb->mask = info.max_entries - 1;
	rb->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (rb->map_fd < 0)
		goto err_errno;

	p = mmap(NULL, rb->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, rb->map_fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		pr_warn("ringbuf: map id %u: mmap of the consumer page: %s\n", info.id,
			ie_strerror(err, ebuf, sizeof(ebuf)));
		goto err_set;
	}
	rb->consumer_pos = p;

	rb->prod_len = rb->page_size + 2 * (size_t)info.max_entries;
	p = mmap(NULL, rb->prod_len, PROT_READ, MAP_SHARED, rb->map_fd, (off_t)rb->page_size);
	if (p == MAP_FAILED) {
		err = -errno;
		pr_warn("ringbuf: map id %u: mmap of the producer page and data: %s\n", info.id,
			ie_strerror(err, ebuf, sizeof(ebuf)));
		goto err_set;
	}
	rb->producer_pos = p;
	rb->data = (const __u8 *)p + rb->page_size;

	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epoll_fd < 0)
		goto err_errno;
	if (epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, rb->map_fd, &ev) < 0)
		goto err_errno;
	return rb;

err_errno:
	err = -errno;
err_set:
	innerext_ringbuf__free(rb);
	errno = -err;
	return NULL;
}

static inline __u64 rec_total(__u32 len)
{
	return ((__u64)(len & ~IE_RINGBUF_DISCARD_BIT) + IE_RINGBUF_HDR_SZ + 7) & ~7ULL;
}

/* Records available now, in order, up to the first one still being written. */
static long long ringbuf_process(struct innerext_ringbuf *rb)
{
	__u64 cons_pos, prod_pos;
	const __u8 *hdr;
	long long cnt = 0;
	void *sample;
	bool got_new;
	__u32 len;
	int err;

	cons_pos = __atomic_load_n(rb->consumer_pos, __ATOMIC_ACQUIRE);
	do {
		got_new = false;
		prod_pos = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
		while (cons_pos < prod_pos) {
			hdr = rb->data + (cons_pos & rb->mask);
			len = __atomic_load_n((const __u32 *)hdr, __ATOMIC_ACQUIRE);
			if (len & IE_RINGBUF_BUSY_BIT)
				return cnt;	/* not committed yet: poll() says when */
			/* the module writes at most half the ring: else we lost the framing */
			if ((len & ~IE_RINGBUF_DISCARD_BIT) > (rb->mask + 1) / 2)
				return -EBADMSG;
			got_new = true;
			cons_pos += rec_total(len);
			if (!(len & IE_RINGBUF_DISCARD_BIT)) {
				sample = (void *)(hdr + IE_RINGBUF_HDR_SZ);
				err = rb->sample_cb(rb->ctx, sample, len);
				if (err < 0) {
					/* this record counts as consumed */
					__atomic_store_n(rb->consumer_pos, cons_pos,
							 __ATOMIC_RELEASE);
					return err;
				}
				cnt++;
			}
			/* the module may reuse the space from here on */
			__atomic_store_n(rb->consumer_pos, cons_pos, __ATOMIC_RELEASE);
		}
	} while (got_new);
	return cnt;
}

int innerext_ringbuf__consume(struct innerext_ringbuf *rb)
{
	long long n;

	if (!rb)
		return -EINVAL;
	n = ringbuf_process(rb);
	return n > INT_MAX ? INT_MAX : (int)n;
}

int innerext_ringbuf__poll(struct innerext_ringbuf *rb, int timeout_ms)
{
	struct epoll_event ev;
	int n;

	if (!rb)
		return -EINVAL;
	n = epoll_wait(rb->epoll_fd, &ev, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	return innerext_ringbuf__consume(rb);
}

int innerext_ringbuf__epoll_fd(const struct innerext_ringbuf *rb)
{
	return rb ? rb->epoll_fd : -EINVAL;
}

__u64 innerext_ringbuf__dropped(const struct innerext_ringbuf *rb)
{
	if (!rb)
		return 0;
	return __atomic_load_n(rb->producer_pos + 1, __ATOMIC_RELAXED);
}
