// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps: IE_MAP_HASH, IE_MAP_PERCPU_HASH, IE_MAP_LRU_HASH.
 *
 * Layout. All elements are preallocated at creation (max_entries plus a
 * spare, below), in one array; a per-CPU map gives each element its own
 * per-CPU value. Buckets are a power of two of RCU hlists. Lookups (from
 * extensions and user space), get_next_key and dump walk the buckets under
 * RCU without a lock; writers (update, delete, LRU eviction) are serialized by
 * one raw spinlock per map, taken with interrupts off.
 *
 * Element lifetime. An element leaving a bucket (delete, replace, eviction)
 * is retired: unlinked under the lock, handed to call_rcu(), and only after
 * the grace period does its callback put it on the map's recycled list, from
 * which writers take it again. So a reader that found an element in its RCU
 * read-side section (an extension runs with preemption disabled, which is
 * one) reads its key and value, and follows its ->next, on memory that is
 * neither freed nor reused until it is done; elements never move between
 * buckets while a reader may see them, so plain RCU hlists suffice (no
 * hlist_nulls). BPF's preallocated hash maps differ: they put a deleted
 * element back on the free list at once, so a BPF program may read a value
 * that has just been reused for another key.
 *
 * The spare. Because a retired element comes back only after a grace period,
 * a full map would refuse "delete, then insert" (and an LRU map could not
 * evict and insert in one step) until the grace period ends. So each map
 * preallocates max_entries + spare elements, spare = max(16 per possible CPU,
 * max_entries / 8), held to about 8 MiB for big elements (but at least one
 * per CPU), all counted in the map's memory. The number of elements in the
 * map stays <= max_entries (-E2BIG beyond, except LRU maps, which evict); the
 * spare only absorbs retirements that have not yet finished their grace
 * period. When more than that is retired within one grace period (a full map
 * churned very fast) and no element is free:
 *  - an extension's update fails with -ENOMEM (it cannot wait; as BPF's LRU
 *    maps do when they find no free node), without evicting anything;
 *  - a user-space update sleeps until an RCU callback recycles an element.
 *
 * Replacing a key takes a new element, fills it and swaps it into the bucket
 * with hlist_replace_rcu(): readers see the old or the new value, never a
 * mix. Per-CPU maps instead write an existing element's values in place, as
 * BPF does: an extension writes its own CPU's copy, which other CPUs do not
 * write, and swapping would lose the other CPUs' in-place increments. (A
 * user-space update of an existing per-CPU key thus writes the copies one by
 * one: a concurrent reader may see some CPUs' copies old and some new.)
 *
 * LRU. Elements sit on an LRU list (hot end first) under the map lock; an
 * extension's lookup only sets the element's referenced flag (no lock, no
 * write if already set). Inserting a new key into a full LRU map evicts: from
 * the cold end, referenced elements get a second chance (flag cleared, moved
 * to the hot end), the first unreferenced one is evicted (retired as above);
 * after IE_LRU_SCAN second chances the coldest element goes regardless, which
 * bounds the time spent with interrupts off. User-space lookups do not mark
 * elements (as in BPF). An LRU update never fails with -E2BIG.
 *
 * Deadlock guard. A kprobe may fire inside a locked section (a user-space
 * update, say, on a probed memcmp) and run an extension that updates a hash
 * map on the same CPU. Every locked path (and the call_rcu() after it) runs
 * inside a per-CPU busy section entered with interrupts off; a nested entry
 * on the same CPU fails with -EBUSY instead of spinning on a lock its own CPU
 * holds. The counter is shared by all hash maps rather than per map: with per
 * map counters, CPU0 in map A's section could be probed into updating map B
 * while CPU1 in B's section is probed into updating A, an ABBA deadlock with
 * interrupts off. Extensions themselves never nest (the dispatcher skips a
 * hook that fires while an extension runs on that CPU), so the only cost is
 * -EBUSY for an extension that a probe starts inside a hash map's section.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "compat.h"
#include "map.h"

#define IE_HTAB_MAX_BUCKETS	(1U << 22)	/* 32 MiB of bucket heads */
#define IE_HTAB_SPARE_PER_CPU	16
#define IE_HTAB_SPARE_BYTES	(8U << 20)
#define IE_LRU_SCAN		64		/* second chances per eviction, at most */
#define IE_DUMP_BUCKETS_PER_RCU	1024		/* dump: buckets per RCU section */

/* internal: no element is free right now (some are waiting for a grace period) */
#define IE_HTAB_NO_ELEM		(-EAGAIN)

struct ie_htab;

struct ie_htab_elem {
	struct hlist_node node;		/* in its bucket (RCU) */
	union {
		struct rcu_head rcu;	/* retired, waiting for its grace period */
		struct llist_node free;	/* on the free or the recycled list */
	};
	struct list_head lru;		/* LRU maps: on the LRU list, under the lock */
	struct ie_htab *htab;
	u32 hash;
	u8 referenced;			/* LRU maps: looked up by an extension */
	/* the key, padded to 8, then the value (per-CPU maps: its per-CPU pointer) */
	char key[] __aligned(8);
};

struct ie_htab {
	struct ie_map map;
	bool percpu;
	bool lru;
	u32 key_round;			/* offset of the value in an element */
	u32 elem_size;
	u32 nr_elems;			/* preallocated: max_entries + spare */
	u32 bucket_mask;
	u32 hashrnd;
	struct hlist_head *buckets;
	void *elems;
	struct llist_head recycled;	/* past their grace period (RCU callbacks add) */
	atomic_t nr_retiring;		/* retired, grace period not over yet */
	wait_queue_head_t recycle_wq;	/* user-space updates waiting for an element */

	/* writers */
	raw_spinlock_t lock ____cacheline_aligned_in_smp;
	u32 count;			/* elements in the buckets (READ_ONCE without lock) */
	struct llist_node *free;	/* free elements */
	struct list_head lru_list;	/* LRU maps: hot end first */
};

static DEFINE_PER_CPU(int, ie_htab_busy);

static inline struct ie_htab *ie_htab_of(struct ie_map *map)
{
	return container_of(map, struct ie_htab, map);
}

static inline struct ie_htab_elem *ie_htab_elem_at(const struct ie_htab *htab, u32 i)
{
	return (struct ie_htab_elem *)((char *)htab->elems + (size_t)i * htab->elem_size);
}

static inline void *ie_elem_value(const struct ie_htab *htab, struct ie_htab_elem *e)
{
	return e->key + htab->key_round;
}

static inline void __percpu *ie_elem_pptr(const struct ie_htab *htab, struct ie_htab_elem *e)
{
	return *(void __percpu **)ie_elem_value(htab, e);
}

static inline u32 ie_htab_hash(const struct ie_htab *htab, const void *key)
{
	return jhash(key, htab->map.key_size, htab->hashrnd);
}

static inline struct hlist_head *ie_htab_bucket(const struct ie_htab *htab, u32 hash)
{
	return &htab->buckets[hash & htab->bucket_mask];
}

/* ------------------------------------------------------------ geometry */

struct ie_htab_geom {
	u32 key_round;
	u32 elem_size;
	u32 n_buckets;
	u64 nr_elems;
	u64 spare;
	u64 memory;
};

static void ie_htab_geom(const struct ie_map_create *attr, struct ie_htab_geom *g)
{
	bool percpu = attr->type == IE_MAP_PERCPU_HASH;
	u64 ncpu = num_possible_cpus();
	u64 per_elem;

	g->key_round = round_up(attr->key_size, 8);
	g->elem_size = sizeof(struct ie_htab_elem) + g->key_round +
		       (percpu ? sizeof(void *) : round_up(attr->value_size, 8));
	per_elem = g->elem_size;
	if (percpu)
		per_elem += (u64)round_up(attr->value_size, 8) * ncpu;
	g->spare = max_t(u64, ncpu * IE_HTAB_SPARE_PER_CPU, attr->max_entries / 8);
	g->spare = min_t(u64, g->spare, max_t(u64, IE_HTAB_SPARE_BYTES / per_elem, ncpu));
	g->nr_elems = attr->max_entries + g->spare;
	g->n_buckets = roundup_pow_of_two(min_t(u32, attr->max_entries, IE_HTAB_MAX_BUCKETS));
	g->memory = sizeof(struct ie_htab) + (u64)g->n_buckets * sizeof(struct hlist_head) +
		    g->nr_elems * per_elem;
}

static int ie_htab_check(const struct ie_map_create *attr, struct ie_log *log)
{
	struct ie_htab_geom g;

	if (!attr->key_size || attr->key_size > IE_MAP_MAX_KEY_SIZE) {
		ie_log(log, "hash map: key size %u out of range 1..%u", attr->key_size,
		       IE_MAP_MAX_KEY_SIZE);
		return -EINVAL;
	}
	if (!attr->value_size || attr->value_size > IE_MAP_MAX_VALUE_SIZE) {
		ie_log(log, "hash map: value size %u out of range 1..%u", attr->value_size,
		       IE_MAP_MAX_VALUE_SIZE);
		return -EINVAL;
	}
	if (!attr->max_entries) {
		ie_log(log, "hash map: max_entries must be at least 1");
		return -EINVAL;
	}
	if (attr->type == IE_MAP_PERCPU_HASH &&
	    round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE) {
		ie_log(log, "per-CPU hash map: value size %u above %lu, the per-CPU allocator's limit",
		       attr->value_size, (unsigned long)PCPU_MIN_UNIT_SIZE);
		return -E2BIG;
	}
	ie_htab_geom(attr, &g);
	if (g.memory > IE_MAP_MAX_MEMORY) {
		ie_log(log, "hash map: %u entries (+%llu spare) need %llu bytes, more than the %llu a map may hold",
		       attr->max_entries, g.spare, g.memory, IE_MAP_MAX_MEMORY);
		return -E2BIG;
	}
	return 0;
}

/* ------------------------------------------------------------ create, free */

static void ie_htab_free_mem(struct ie_htab *htab, u32 nr_pcpu)
{
	u32 i;

	for (i = 0; i < nr_pcpu; i++) {
		free_percpu(ie_elem_pptr(htab, ie_htab_elem_at(htab, i)));
		if (!(i & 1023))
			cond_resched();
	}
	kvfree(htab->elems);
	kvfree(htab->buckets);
	kfree(htab);
}

static struct ie_map *ie_htab_alloc(const struct ie_map_create *attr)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	struct ie_htab_geom g;
	struct ie_htab *htab;
	u32 i;

	ie_htab_geom(attr, &g);
	if (g.memory > IE_MAP_MAX_MEMORY)	/* check() said so already */
		return ERR_PTR(-E2BIG);
	htab = kzalloc(sizeof(*htab), gfp);
	if (!htab)
		return ERR_PTR(-ENOMEM);
	ie_map_init(&htab->map, attr);
	htab->percpu = attr->type == IE_MAP_PERCPU_HASH;
	htab->lru = attr->type == IE_MAP_LRU_HASH;
	htab->key_round = g.key_round;
	htab->elem_size = g.elem_size;
	htab->nr_elems = g.nr_elems;
	htab->bucket_mask = g.n_buckets - 1;
	htab->hashrnd = get_random_u32();
	init_llist_head(&htab->recycled);
	atomic_set(&htab->nr_retiring, 0);
	init_waitqueue_head(&htab->recycle_wq);
	raw_spin_lock_init(&htab->lock);
	INIT_LIST_HEAD(&htab->lru_list);

	htab->buckets = kvcalloc(g.n_buckets, sizeof(struct hlist_head), gfp);
	htab->elems = kvcalloc(htab->nr_elems, htab->elem_size, gfp);
	if (!htab->buckets || !htab->elems) {
		ie_htab_free_mem(htab, 0);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < htab->nr_elems; i++) {
		struct ie_htab_elem *e = ie_htab_elem_at(htab, i);

		e->htab = htab;
		if (htab->percpu) {
			void __percpu *pptr = __alloc_percpu_gfp(ie_map_percpu_slot(&htab->map), 8,
								 gfp);

			if (!pptr) {
				ie_htab_free_mem(htab, i);
				return ERR_PTR(-ENOMEM);
			}
			*(void __percpu **)ie_elem_value(htab, e) = pptr;
			cond_resched();
		}
	}
	/* the free list in array order: the first elements used are the first allocated */
	for (i = htab->nr_elems; i-- > 0;) {
		struct ie_htab_elem *e = ie_htab_elem_at(htab, i);

		e->free.next = htab->free;
		htab->free = &e->free;
	}
	htab->map.memory = g.memory;
	return &htab->map;
}

static void ie_htab_free(struct ie_map *map)
{
	struct ie_htab *htab = ie_htab_of(map);

	/*
	 * No user is left and no element is retired any more, but the RCU
	 * callbacks of earlier retirements may not have run yet: they write
	 * the map. The grace period the core waited for does not order them.
	 */
	if (atomic_read_acquire(&htab->nr_retiring))
		rcu_barrier();
	ie_htab_free_mem(htab, htab->percpu ? htab->nr_elems : 0);
}

static void ie_htab_info(struct ie_map *map, struct ie_map_info *info)
{
	info->nr_elems = READ_ONCE(ie_htab_of(map)->count);
}

/* ------------------------------------------------------------ locking, retiring */

/*
 * Enter a writer's section: interrupts off, this CPU marked busy (-EBUSY if
 * it already was: a probe fired inside a hash map's section on this CPU),
 * then the map lock.
 */
static int ie_htab_lock(struct ie_htab *htab, unsigned long *flags)
{
	local_irq_save(*flags);
	if (unlikely(__this_cpu_inc_return(ie_htab_busy) != 1)) {
		__this_cpu_dec(ie_htab_busy);
		local_irq_restore(*flags);
		return -EBUSY;
	}
	raw_spin_lock(&htab->lock);
	return 0;
}

static void ie_htab_recycle(struct rcu_head *rcu)
{
	struct ie_htab_elem *e = container_of(rcu, struct ie_htab_elem, rcu);
	struct ie_htab *htab = e->htab;

	llist_add(&e->free, &htab->recycled);
	if (wq_has_sleeper(&htab->recycle_wq))
		wake_up(&htab->recycle_wq);
	/* the last access to the map: ie_htab_free() may run once it reads 0 */
	atomic_dec_return_release(&htab->nr_retiring);
}

/* Leave the section; @retired (unlinked under the lock) starts its grace period. */
static void ie_htab_unlock(struct ie_htab *htab, struct ie_htab_elem *retired,
			   unsigned long flags)
{
	raw_spin_unlock(&htab->lock);
	if (retired)
		call_rcu(&retired->rcu, ie_htab_recycle);
	__this_cpu_dec(ie_htab_busy);
	local_irq_restore(flags);
}

/* Under the lock: a free element, or NULL if all are in the map or retiring. */
static struct ie_htab_elem *ie_htab_pop_free(struct ie_htab *htab)
{
	struct llist_node *n = htab->free;

	if (!n) {
		n = llist_del_all(&htab->recycled);
		if (!n)
			return NULL;
	}
	htab->free = n->next;
	return container_of(n, struct ie_htab_elem, free);
}

/* Under the lock: take @e out of the map; the caller retires it at unlock. */
static void ie_htab_unlink(struct ie_htab *htab, struct ie_htab_elem *e)
{
	hlist_del_rcu(&e->node);
	if (htab->lru)
		list_del(&e->lru);
	WRITE_ONCE(htab->count, htab->count - 1);
	atomic_inc(&htab->nr_retiring);
}

/* Under the lock, map full (so the LRU list is not empty): the element to evict. */
static struct ie_htab_elem *ie_lru_victim(struct ie_htab *htab)
{
	struct ie_htab_elem *e;
	int scan;

	for (scan = 0; scan < IE_LRU_SCAN; scan++) {
		e = list_last_entry(&htab->lru_list, struct ie_htab_elem, lru);
		if (!READ_ONCE(e->referenced))
			return e;
		WRITE_ONCE(e->referenced, 0);
		list_move(&e->lru, &htab->lru_list);
	}
	return list_last_entry(&htab->lru_list, struct ie_htab_elem, lru);
}

/* ------------------------------------------------------------ lookup */

/* Under RCU or the lock. */
static struct ie_htab_elem *ie_htab_find(struct ie_htab *htab, struct hlist_head *head, u32 hash,
					 const void *key)
{
	struct ie_htab_elem *e;

	hlist_for_each_entry_rcu(e, head, node, lockdep_is_held(&htab->lock))
		if (e->hash == hash && !memcmp(e->key, key, htab->map.key_size))
			return e;
	return NULL;
}

static inline struct ie_htab_elem *ie_htab_lookup_elem(struct ie_htab *htab, const void *key)
{
	u32 hash = ie_htab_hash(htab, key);

	return ie_htab_find(htab, ie_htab_bucket(htab, hash), hash, key);
}

/* extension side: RCU read-side (preemption off) */
void *ie_htab_lookup(struct ie_map *map, const void *key)
{
	struct ie_htab *htab = ie_htab_of(map);
	struct ie_htab_elem *e = ie_htab_lookup_elem(htab, key);

	return e ? ie_elem_value(htab, e) : NULL;
}

static void *ie_lru_lookup(struct ie_map *map, const void *key)
{
	struct ie_htab *htab = ie_htab_of(map);
	struct ie_htab_elem *e = ie_htab_lookup_elem(htab, key);

	if (!e)
		return NULL;
	if (!READ_ONCE(e->referenced))
		WRITE_ONCE(e->referenced, 1);
	return ie_elem_value(htab, e);
}

static void *ie_pcpu_lookup(struct ie_map *map, const void *key)
{
	struct ie_htab *htab = ie_htab_of(map);
	struct ie_htab_elem *e = ie_htab_lookup_elem(htab, key);

	return e ? this_cpu_ptr(ie_elem_pptr(htab, e)) : NULL;
}

/* Copy @e's value in user layout (per-CPU: one 8-byte padded slot per possible CPU). */
static void ie_htab_copy_value(struct ie_htab *htab, struct ie_htab_elem *e, void *dst)
{
	u32 size = htab->map.value_size, slot;
	void __percpu *pptr;
	int cpu;

	if (!htab->percpu) {
		memcpy(dst, ie_elem_value(htab, e), size);
		return;
	}
	pptr = ie_elem_pptr(htab, e);
	slot = ie_map_percpu_slot(&htab->map);
	for_each_possible_cpu(cpu) {
		memcpy(dst, per_cpu_ptr(pptr, cpu), size);
		memset(dst + size, 0, slot - size);
		dst += slot;
	}
}

static int ie_htab_user_lookup(struct ie_map *map, const void *key, void *value)
{
	struct ie_htab *htab = ie_htab_of(map);
	struct ie_htab_elem *e;
	int err = -ENOENT;

	rcu_read_lock();
	e = ie_htab_lookup_elem(htab, key);
	if (e) {
		ie_htab_copy_value(htab, e, value);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/* ------------------------------------------------------------ update, delete */

/*
 * Per-CPU values: from user space, every CPU's slot; from an extension, this
 * CPU's copy, and for a new element (@fresh) zeroes for the other CPUs.
 */
static void ie_pcpu_write(struct ie_htab *htab, struct ie_htab_elem *e, const void *value,
			  bool user, bool fresh)
{
	void __percpu *pptr = ie_elem_pptr(htab, e);
	u32 size = htab->map.value_size, slot = ie_map_percpu_slot(&htab->map);
	int cpu, this_cpu;

	if (user) {
		for_each_possible_cpu(cpu) {
			memcpy(per_cpu_ptr(pptr, cpu), value, size);
			value += slot;
		}
		return;
	}
	this_cpu = raw_smp_processor_id();	/* interrupts are off */
	memcpy(per_cpu_ptr(pptr, this_cpu), value, size);
	if (!fresh)
		return;
	for_each_possible_cpu(cpu)
		if (cpu != this_cpu)
			memset(per_cpu_ptr(pptr, cpu), 0, slot);
}

static long ie_htab_update_elem(struct ie_htab *htab, const void *key, const void *value,
				u64 flags, bool user)
{
	u32 hash = ie_htab_hash(htab, key);
	struct hlist_head *head = ie_htab_bucket(htab, hash);
	struct ie_htab_elem *old, *new, *retired = NULL;
	unsigned long irqflags;
	long err;

	if (unlikely(flags > IE_EXIST))
		return -EINVAL;
	err = ie_htab_lock(htab, &irqflags);
	if (err)
		return err;

	old = ie_htab_find(htab, head, hash, key);
	if (old && flags == IE_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (!old && flags == IE_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (old && htab->percpu) {
		ie_pcpu_write(htab, old, value, user, false);
		goto out;
	}
	if (!old && !htab->lru && htab->count >= htab->map.max_entries) {
		err = -E2BIG;
		goto out;
	}
	/* a free element first: an LRU map evicts only if the insert can succeed */
	new = ie_htab_pop_free(htab);
	if (!new) {
		err = IE_HTAB_NO_ELEM;
		goto out;
	}
	new->hash = hash;
	new->referenced = 0;
	memcpy(new->key, key, htab->map.key_size);
	if (htab->percpu)
		ie_pcpu_write(htab, new, value, user, true);
	else
		memcpy(ie_elem_value(htab, new), value, htab->map.value_size);

	if (old) {
		/* publishes new's contents (rcu_assign_pointer) */
		hlist_replace_rcu(&old->node, &new->node);
		if (htab->lru) {
			list_del(&old->lru);
			list_add(&new->lru, &htab->lru_list);
		}
		atomic_inc(&htab->nr_retiring);
		retired = old;
	} else {
		if (htab->count >= htab->map.max_entries) {	/* LRU: make room */
			retired = ie_lru_victim(htab);
			ie_htab_unlink(htab, retired);
		}
		hlist_add_head_rcu(&new->node, head);
		if (htab->lru)
			list_add(&new->lru, &htab->lru_list);
		WRITE_ONCE(htab->count, htab->count + 1);
	}
out:
	ie_htab_unlock(htab, retired, irqflags);
	return err;
}

static long ie_htab_delete_elem(struct ie_htab *htab, const void *key)
{
	u32 hash = ie_htab_hash(htab, key);
	struct ie_htab_elem *e;
	unsigned long irqflags;
	long err;

	err = ie_htab_lock(htab, &irqflags);
	if (err)
		return err;
	e = ie_htab_find(htab, ie_htab_bucket(htab, hash), hash, key);
	if (e)
		ie_htab_unlink(htab, e);
	else
		err = -ENOENT;
	ie_htab_unlock(htab, e, irqflags);
	return err;
}

/* extension side */
static long ie_htab_update(struct ie_map *map, const void *key, const void *value, u64 flags)
{
	long err = ie_htab_update_elem(ie_htab_of(map), key, value, flags, false);

	return err == IE_HTAB_NO_ELEM ? -ENOMEM : err;
}

static long ie_htab_delete(struct ie_map *map, const void *key)
{
	return ie_htab_delete_elem(ie_htab_of(map), key);
}

/* Something to try again with: a free or recycled element, or nothing left to wait for. */
static bool ie_htab_may_alloc(struct ie_htab *htab)
{
	return READ_ONCE(htab->free) || !llist_empty(&htab->recycled) ||
	       !atomic_read(&htab->nr_retiring);
}

/* user side: process context; waits for a grace period rather than fail */
static int ie_htab_user_update(struct ie_map *map, const void *key, const void *value, u64 flags)
{
	struct ie_htab *htab = ie_htab_of(map);
	long err;

	for (;;) {
		err = ie_htab_update_elem(htab, key, value, flags, true);
		if (err != IE_HTAB_NO_ELEM)
			return err;
		err = wait_event_killable(htab->recycle_wq, ie_htab_may_alloc(htab));
		if (err)
			return err;
	}
}

static int ie_htab_user_delete(struct ie_map *map, const void *key)
{
	return ie_htab_delete_elem(ie_htab_of(map), key);
}

/* ------------------------------------------------------------ iteration */

static inline struct ie_htab_elem *ie_htab_first_rcu(struct hlist_head *head)
{
	return hlist_entry_safe(rcu_dereference(hlist_first_rcu(head)), struct ie_htab_elem, node);
}

static inline struct ie_htab_elem *ie_htab_next_rcu(struct ie_htab_elem *e)
{
	return hlist_entry_safe(rcu_dereference(hlist_next_rcu(&e->node)), struct ie_htab_elem,
				node);
}

/*
 * The key after @key in bucket order; the first key if @key is NULL or not in
 * the map (as BPF: a walk whose key was deleted starts over).
 */
static int ie_htab_get_next_key(struct ie_map *map, const void *key, void *next_key)
{
	struct ie_htab *htab = ie_htab_of(map);
	struct ie_htab_elem *e = NULL;
	u32 i = 0, hash;
	int err = -ENOENT;

	rcu_read_lock();
	if (key) {
		hash = ie_htab_hash(htab, key);
		e = ie_htab_find(htab, ie_htab_bucket(htab, hash), hash, key);
		if (e) {
			e = ie_htab_next_rcu(e);
			i = (hash & htab->bucket_mask) + 1;
		}
	}
	for (; !e && i <= htab->bucket_mask; i++)
		e = ie_htab_first_rcu(&htab->buckets[i]);
	if (e) {
		memcpy(next_key, e->key, map->key_size);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/*
 * Whole buckets from bucket *cursor on, while they fit in *count. Each bucket
 * is copied in one RCU section and the cursor only ever names a bucket, so an
 * element that stays in the map throughout (elements never change bucket) is
 * returned exactly once.
 */
static int ie_htab_dump(struct ie_map *map, u64 *cursor, void *keys, void *values, u32 *count)
{
	struct ie_htab *htab = ie_htab_of(map);
	u32 ksize = map->key_size, vsize = ie_map_user_value_size(map);
	u32 room = *count, n = 0, done = 0;
	u64 b = *cursor;
	int err = 0;

	rcu_read_lock();
	for (; b <= htab->bucket_mask; b++) {
		struct ie_htab_elem *e;
		u32 start = n;
		bool full = false;

		if (++done % IE_DUMP_BUCKETS_PER_RCU == 0) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
		hlist_for_each_entry_rcu(e, &htab->buckets[b], node) {
			if (n == room) {
				full = true;
				break;
			}
			memcpy(keys + (size_t)n * ksize, e->key, ksize);
			ie_htab_copy_value(htab, e, values + (size_t)n * vsize);
			n++;
		}
		if (full) {
			n = start;	/* this bucket next time */
			if (!n)
				err = -ENOSPC;
			break;
		}
	}
	rcu_read_unlock();
	if (!err && !n)
		err = -ENOENT;
	*cursor = b;
	*count = n;
	return err;
}

/* ------------------------------------------------------------ ops */

static bool ie_htab_contains(struct ie_map *map, unsigned long addr, u32 size)
{
	struct ie_htab *htab = ie_htab_of(map);

	/* per-CPU values live elsewhere: elements hold pointers to them */
	return !htab->percpu &&
	       ie_mem_within(addr, size, (unsigned long)htab->elems,
			     (u64)htab->nr_elems * htab->elem_size);
}

/* the three hash types differ only in what an extension's lookup does */
#define IE_HTAB_OPS(lookup_fn)					\
	.check		= ie_htab_check,			\
	.alloc		= ie_htab_alloc,			\
	.free		= ie_htab_free,				\
	.lookup		= lookup_fn,				\
	.update		= ie_htab_update,			\
	.delete		= ie_htab_delete,			\
	.user_lookup	= ie_htab_user_lookup,			\
	.user_update	= ie_htab_user_update,			\
	.user_delete	= ie_htab_user_delete,			\
	.get_next_key	= ie_htab_get_next_key,			\
	.dump		= ie_htab_dump,				\
	.info		= ie_htab_info,				\
	.contains	= ie_htab_contains

const struct ie_map_ops ie_hash_ops = { IE_HTAB_OPS(ie_htab_lookup) };
const struct ie_map_ops ie_percpu_hash_ops = { IE_HTAB_OPS(ie_pcpu_lookup) };
const struct ie_map_ops ie_lru_hash_ops = { IE_HTAB_OPS(ie_lru_lookup) };
