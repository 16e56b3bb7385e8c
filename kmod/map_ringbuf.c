// SPDX-License-Identifier: GPL-2.0
/*
 * IE_MAP_RINGBUF: a multi-producer, single-consumer ring of variable-length
 * records, BPF-ringbuf style (kernel/bpf/ringbuf.c), read by user space
 * through mmap() and woken by poll().
 *
 * One vmap() area, page-aligned parts:
 *
 *   page 0          struct ie_ringbuf control fields: kernel only, never mapped
 *   page 1          consumer page: u64 consumer_pos        (user: read-write)
 *   page 2          producer page: u64 producer_pos, u64 dropped   (user: read-only)
 *   pages 3..       data pages, then the same data pages again    (user: read-only)
 *
 * Mapping the data twice in a row makes every record contiguous in virtual
 * memory, for the producers here and for the consumer in user space.
 *
 * A record is an 8-byte header {u32 len; u32 pg_off} and len bytes of data,
 * padded to 8. Producers (extensions, any context, preemption off) reserve
 * under a raw spinlock: the header goes in with IE_RINGBUF_BUSY_BIT set and
 * producer_pos moves past the record. Submit/discard clear BUSY (discard also
 * sets IE_RINGBUF_DISCARD_BIT) with one xchg, without the lock, so records may
 * complete out of order; the consumer stops at the first BUSY record. pg_off
 * is the record header's distance from the start of the area, in pages, as in
 * BPF; here the helpers also track every reservation (helpers_ringbuf.c), so
 * commit knows the ring and uses pg_off and len only to check that the
 * extension did not overwrite the header.
 *
 * consumer_pos is user-writable: the kernel trusts it for nothing but the
 * space check. A consumer that writes garbage loses records, nothing else.
 * Reservations are also never allowed to run more than the data size ahead of
 * the oldest record still being written (pending_pos), so a consumer that
 * jumps ahead cannot make a new reservation overwrite a record in flight
 * (the BPF fix for CVE-2024-41009).
 *
 * Readers are woken through irq_work, never directly: a hook may fire with
 * scheduler or waitqueue locks held. As BPF does, a commit only wakes when
 * the consumer has caught up with the record being committed; poll() reports
 * EPOLLIN whenever consumer_pos != producer_pos, so no wakeup is lost.
 */
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "compat.h"
#include "map.h"
#include "ringbuf.h"

struct ie_ringbuf_hdr {
	u32 len;
	u32 pg_off;
};

struct ie_ringbuf {
	/* page 0: kernel only */
	wait_queue_head_t waitq;
	struct irq_work work;
	u64 mask;			/* data size - 1 */
	struct page **pages;		/* nr_pages distinct pages, data pages listed twice */
	u32 nr_pages;
	raw_spinlock_t lock ____cacheline_aligned_in_smp;
	u64 pending_pos;		/* oldest record that may still be BUSY; under lock */
	/* page 1: consumer page */
	u64 consumer_pos __aligned(PAGE_SIZE);
	/* page 2: producer page */
	u64 producer_pos __aligned(PAGE_SIZE);
	atomic64_t dropped;
	/* pages 3..: data, twice */
	char data[] __aligned(PAGE_SIZE);
};

struct ie_ringbuf_map {
	struct ie_map map;
	struct ie_ringbuf *rb;
};

/* pages before the consumer page (not mappable), and the consumer + producer pages */
#define IE_RB_PGOFF		(offsetof(struct ie_ringbuf, consumer_pos) >> PAGE_SHIFT)
#define IE_RB_META_PAGES	(offsetof(struct ie_ringbuf, data) >> PAGE_SHIFT)

/*
 * Largest data size: a power of 2 that keeps the map within IE_MAP_MAX_MEMORY
 * with its meta pages, page array and control structs (a few pages and 32 KiB
 * of page pointers per 16 MiB of data).
 */
#define IE_RB_MAX_DATA_SZ	(IE_MAP_MAX_MEMORY / 2)

static_assert(IE_RB_PGOFF == 1);
static_assert(IE_RB_META_PAGES == 3);
static_assert(offsetof(struct ie_ringbuf, producer_pos) == 2 * PAGE_SIZE);
static_assert(offsetof(struct ie_ringbuf, dropped) == 2 * PAGE_SIZE + 8);
static_assert(sizeof(struct ie_ringbuf_hdr) == IE_RINGBUF_HDR_SZ);
static_assert(sizeof(atomic64_t) == sizeof(u64));
/* record lengths (<= data size / 2) leave the BUSY and DISCARD bits free */
static_assert(IE_RB_MAX_DATA_SZ / 2 < IE_RINGBUF_DISCARD_BIT);

static inline struct ie_ringbuf *ie_rb_of(struct ie_map *map)
{
	return container_of(map, struct ie_ringbuf_map, map)->rb;
}

static inline u64 ie_rb_size(const struct ie_ringbuf *rb)
{
	return rb->mask + 1;
}

/* Bytes a record of @len data bytes takes in the ring. */
static inline u64 ie_rb_rec_total(u32 len)
{
	return round_up((u64)len + IE_RINGBUF_HDR_SZ, 8);
}

/* ---------------------------------------------------------------- create, free */

static int ie_ringbuf_check(const struct ie_map_create *attr, struct ie_log *log)
{
	if (attr->key_size || attr->value_size) {
		ie_log(log, "ringbuf: key_size and value_size must be 0 (got %u and %u)",
		       attr->key_size, attr->value_size);
		return -EINVAL;
	}
	if (attr->max_entries < PAGE_SIZE || !is_power_of_2(attr->max_entries) ||
	    attr->max_entries > IE_RB_MAX_DATA_SZ) {
		ie_log(log,
		       "ringbuf: max_entries %u: the size must be a power of 2 from %lu to %llu",
		       attr->max_entries, PAGE_SIZE, IE_RB_MAX_DATA_SZ);
		return -EINVAL;
	}
	return 0;
}

static void ie_ringbuf_notify(struct irq_work *work)
{
	struct ie_ringbuf *rb = container_of(work, struct ie_ringbuf, work);

	wake_up_all(&rb->waitq);
}

static struct ie_ringbuf *ie_ringbuf_area_alloc(u32 data_sz)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN | __GFP_ZERO;
	u32 nr_data = data_sz >> PAGE_SHIFT;
	u32 nr_pages = IE_RB_META_PAGES + nr_data;
	struct ie_ringbuf *rb;
	struct page **pages;
	u32 i;

	pages = kvcalloc(nr_pages + nr_data, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return NULL;
	for (i = 0; i < nr_pages; i++) {
		pages[i] = alloc_page(gfp);
		if (!pages[i])
			goto err_free;
		if (i >= IE_RB_META_PAGES)
			pages[nr_data + i] = pages[i];
	}
	/* VM_USERMAP: remap_vmalloc_range() may map it to user space */
	rb = vmap(pages, nr_pages + nr_data, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (!rb)
		goto err_free;
	rb->pages = pages;
	rb->nr_pages = nr_pages;
	return rb;

err_free:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return NULL;
}

static struct ie_map *ie_ringbuf_alloc(const struct ie_map_create *attr)
{
	struct ie_ringbuf_map *rbm;
	struct ie_ringbuf *rb;

	rbm = kzalloc(sizeof(*rbm), GFP_KERNEL_ACCOUNT);
	if (!rbm)
		return ERR_PTR(-ENOMEM);
	ie_map_init(&rbm->map, attr);
	rb = ie_ringbuf_area_alloc(attr->max_entries);
	if (!rb) {
		kfree(rbm);
		return ERR_PTR(-ENOMEM);
	}
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, ie_ringbuf_notify);
	rb->mask = attr->max_entries - 1;
	raw_spin_lock_init(&rb->lock);
	rbm->rb = rb;
	rbm->map.memory = (u64)rb->nr_pages * PAGE_SIZE +
			  (u64)(rb->nr_pages + (attr->max_entries >> PAGE_SHIFT)) * sizeof(void *) +
			  sizeof(*rbm);
	return &rbm->map;
}

static void ie_ringbuf_free(struct ie_map *map)
{
	struct ie_ringbuf_map *rbm = container_of(map, struct ie_ringbuf_map, map);
	struct ie_ringbuf *rb = rbm->rb;
	struct page **pages = rb->pages;
	u32 i, nr_pages = rb->nr_pages;

	irq_work_sync(&rb->work);
	vunmap(rb);
	for (i = 0; i < nr_pages; i++)
		__free_page(pages[i]);
	kvfree(pages);
	kfree(rbm);
}

/* ---------------------------------------------------------------- user side */

/*
 * offset 0:          the consumer page, exactly one page, MAP_SHARED (read-write)
 * offset PAGE_SIZE:  the producer page and the data (twice), read-only; may be shorter
 */
static int ie_ringbuf_mmap(struct ie_map *map, struct vm_area_struct *vma)
{
	struct ie_ringbuf *rb = ie_rb_of(map);
	unsigned long len = vma->vm_end - vma->vm_start;

	switch (vma->vm_pgoff) {
	case 0:
		if (len != PAGE_SIZE || !(vma->vm_flags & VM_SHARED))
			return -EINVAL;
		break;
	case 1:
		if (len > PAGE_SIZE + 2 * ie_rb_size(rb))
			return -EINVAL;
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		ie_vm_flags_clear(vma, VM_MAYWRITE);	/* and no mprotect() to writable */
		break;
	default:
		return -EINVAL;
	}
	return remap_vmalloc_range(vma, rb, vma->vm_pgoff + IE_RB_PGOFF);
}

static __poll_t ie_ringbuf_poll(struct ie_map *map, struct file *file, poll_table *pt)
{
	struct ie_ringbuf *rb = ie_rb_of(map);

	poll_wait(file, &rb->waitq, pt);
	if (smp_load_acquire(&rb->consumer_pos) != smp_load_acquire(&rb->producer_pos))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static void ie_ringbuf_info(struct ie_map *map, struct ie_map_info *info)
{
	info->ringbuf_dropped = atomic64_read(&ie_rb_of(map)->dropped);
}

const struct ie_map_ops ie_ringbuf_ops = {
	.check		= ie_ringbuf_check,
	.alloc		= ie_ringbuf_alloc,
	.free		= ie_ringbuf_free,
	/* no element ops: the core refuses element commands with -EOPNOTSUPP */
	.mmap		= ie_ringbuf_mmap,
	.poll		= ie_ringbuf_poll,
	.info		= ie_ringbuf_info,
};

/* ---------------------------------------------------------------- producer side */

void *ie_ringbuf_reserve_rec(struct ie_map *map, u64 size, int *err)
{
	struct ie_ringbuf *rb = ie_rb_of(map);
	u64 cons_pos, prod_pos, new_prod_pos, pend_pos, total;
	struct ie_ringbuf_hdr *hdr;
	unsigned long flags;
	u32 hdr_len;

	if (unlikely(!size || size > ie_rb_size(rb) / 2)) {
		*err = -EINVAL;
		return NULL;
	}
	total = ie_rb_rec_total(size);

	if (in_nmi()) {
		/* an NMI may have interrupted a producer on this CPU: never spin */
		if (!raw_spin_trylock_irqsave(&rb->lock, flags)) {
			atomic64_inc(&rb->dropped);
			*err = -EBUSY;
			return NULL;
		}
	} else {
		raw_spin_lock_irqsave(&rb->lock, flags);
	}
	cons_pos = smp_load_acquire(&rb->consumer_pos);
	prod_pos = rb->producer_pos;
	new_prod_pos = prod_pos + total;

	/*
	 * Move pending_pos past the records committed since. These are our own
	 * headers (user space cannot write them); the signed test bounds the walk
	 * even if an extension scribbled over a header it did not own.
	 */
	pend_pos = rb->pending_pos;
	while ((s64)(prod_pos - pend_pos) > 0) {
		hdr = (void *)rb->data + (pend_pos & rb->mask);
		hdr_len = READ_ONCE(hdr->len);
		if (hdr_len & IE_RINGBUF_BUSY_BIT)
			break;
		pend_pos += ie_rb_rec_total(hdr_len & ~IE_RINGBUF_DISCARD_BIT);
	}
	if ((s64)(pend_pos - prod_pos) > 0)
		pend_pos = prod_pos;
	rb->pending_pos = pend_pos;

	if (unlikely(new_prod_pos - cons_pos > ie_rb_size(rb) ||
		     new_prod_pos - pend_pos > ie_rb_size(rb))) {
		raw_spin_unlock_irqrestore(&rb->lock, flags);
		atomic64_inc(&rb->dropped);
		*err = -EAGAIN;
		return NULL;
	}

	hdr = (void *)rb->data + (prod_pos & rb->mask);
	hdr->len = (u32)size | IE_RINGBUF_BUSY_BIT;
	hdr->pg_off = ((void *)hdr - (void *)rb) >> PAGE_SHIFT;
	/* pairs with the consumer's load-acquire of producer_pos */
	smp_store_release(&rb->producer_pos, new_prod_pos);
	raw_spin_unlock_irqrestore(&rb->lock, flags);
	return (void *)hdr + IE_RINGBUF_HDR_SZ;
}

/* The ring a record header points at through pg_off (as BPF finds it). */
static struct ie_ringbuf *ie_rb_from_hdr(struct ie_ringbuf_hdr *hdr)
{
	unsigned long off = (unsigned long)READ_ONCE(hdr->pg_off) << PAGE_SHIFT;

	return (void *)(((unsigned long)hdr & PAGE_MASK) - off);
}

bool ie_ringbuf_commit_rec(struct ie_map *map, void *sample, u32 size, bool discard)
{
	struct ie_ringbuf *rb = ie_rb_of(map);
	struct ie_ringbuf_hdr *hdr = sample - IE_RINGBUF_HDR_SZ;
	u64 rec_pos = (void *)hdr - (void *)rb->data, cons_pos;
	bool intact;

	/*
	 * The header is the extension's to overwrite by mistake (it sits just
	 * before the data it fills): pg_off must lead back to this ring and len
	 * must be what was reserved. A damaged header is rewritten and the record
	 * discarded, so the consumer's framing never depends on extension bugs.
	 */
	intact = ie_rb_from_hdr(hdr) == rb && READ_ONCE(hdr->len) == (size | IE_RINGBUF_BUSY_BIT);
	if (unlikely(!intact)) {
		WRITE_ONCE(hdr->pg_off, ((void *)hdr - (void *)rb) >> PAGE_SHIFT);
		discard = true;
	}
	/* full barrier: the record's data is visible before the header says it is done */
	xchg(&hdr->len, size | (discard ? IE_RINGBUF_DISCARD_BIT : 0));

	/* wake the consumer if it has caught up with this record (it may be waiting) */
	cons_pos = smp_load_acquire(&rb->consumer_pos) & rb->mask;
	if (cons_pos == rec_pos)
		irq_work_queue(&rb->work);
	return intact;
}
