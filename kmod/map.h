/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps: the core (map.c: create, ids, fds, element ioctls, program binding)
 * and one file per map type behind struct ie_map_ops:
 *   map_array.c    IE_MAP_ARRAY, IE_MAP_PERCPU_ARRAY
 *   map_hash.c     IE_MAP_HASH, IE_MAP_PERCPU_HASH, IE_MAP_LRU_HASH
 *   map_ringbuf.c  IE_MAP_RINGBUF
 * Extension-facing helpers are in helpers_map.c and helpers_ringbuf.c.
 */
#ifndef IE_MAP_H
#define IE_MAP_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/innerext.h>

#include "log.h"

struct ie_map;
struct ie_prog;

/*
 * Two sides call into a map type:
 *  - extensions, through helpers: any context (also hard IRQ, NMI-free), with
 *    preemption disabled and inside an RCU read-side section; they must not
 *    sleep or allocate with anything but GFP_ATOMIC/GFP_NOWAIT (or not at all);
 *  - user space, through the core's ioctls: process context, may sleep; the
 *    core has copied key/value into kernel buffers of the map's sizes.
 * A value pointer returned by lookup() stays valid until the extension returns
 * (elements are freed, or recycled, only after an RCU grace period).
 */
struct ie_map_ops {
	/* check attr beyond the core's generic checks; say why in log */
	int (*check)(const struct ie_map_create *attr, struct ie_log *log);
	/* allocate the type's struct (embedding struct ie_map as first member, `map`) */
	struct ie_map *(*alloc)(const struct ie_map_create *attr);
	/* free everything; process context, after an RCU grace period, no users left */
	void (*free)(struct ie_map *map);

	/* extension side */
	void *(*lookup)(struct ie_map *map, const void *key);
	long (*update)(struct ie_map *map, const void *key, const void *value, u64 flags);
	long (*delete)(struct ie_map *map, const void *key);

	/* user side: values in user layout (per-CPU maps: all CPUs, 8-byte slots) */
	int (*user_lookup)(struct ie_map *map, const void *key, void *value);
	int (*user_update)(struct ie_map *map, const void *key, const void *value, u64 flags);
	int (*user_delete)(struct ie_map *map, const void *key);
	/* key NULL: the first key. -ENOENT after the last. */
	int (*get_next_key)(struct ie_map *map, const void *key, void *next_key);
	/*
	 * Up to *count elements from *cursor on into keys/values (user layout),
	 * *count and *cursor updated; -ENOENT when nothing is left. Optional: the
	 * core falls back to get_next_key + user_lookup with the last key as cursor.
	 */
	int (*dump)(struct ie_map *map, u64 *cursor, void *keys, void *values, u32 *count);

	/* optional: ring buffers */
	int (*mmap)(struct ie_map *map, struct vm_area_struct *vma);
	__poll_t (*poll)(struct ie_map *map, struct file *file, poll_table *pt);
	/* optional: type-specific fields of ie_map_info (nr_elems, ringbuf_dropped) */
	void (*info)(struct ie_map *map, struct ie_map_info *info);
	/* optional: are [addr, addr + size) inside the map's (shared) values? (ie_spin_lock) */
	bool (*contains)(struct ie_map *map, unsigned long addr, u32 size);
};

struct ie_map {
	const struct ie_map_ops *ops;
	refcount_t ref;
	u32 id;
	u32 type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	char name[IE_NAME_LEN];
	u64 memory;		/* bytes held, set by alloc() */
	atomic_t nr_progs;	/* programs bound to it */
	struct rcu_head rcu;
	struct work_struct free_work;
};

/* Per-CPU value slot size in user layout (as BPF: each CPU's value padded to 8). */
static inline u32 ie_map_percpu_slot(const struct ie_map *map)
{
	return round_up(map->value_size, 8);
}

/* Bytes of a value as user space sees it (per-CPU maps: all possible CPUs). */
u32 ie_map_user_value_size(const struct ie_map *map);

/* Fill the generic fields from attr; types call this from alloc(). */
void ie_map_init(struct ie_map *map, const struct ie_map_create *attr);

/* Does [addr, addr + size) lie inside [base, base + len)? (no overflow either way) */
static inline bool ie_mem_within(unsigned long addr, u32 size, unsigned long base, u64 len)
{
	return addr - base < len && (u64)(addr - base) + size <= len;
}

/* Is [addr, addr + size) memory of @prog: its data, or values of its maps? */
bool ie_prog_owns_mem(struct ie_prog *prog, unsigned long addr, u32 size);

extern const struct ie_map_ops ie_array_ops;
extern const struct ie_map_ops ie_percpu_array_ops;
extern const struct ie_map_ops ie_hash_ops;
extern const struct ie_map_ops ie_percpu_hash_ops;
extern const struct ie_map_ops ie_lru_hash_ops;
extern const struct ie_map_ops ie_ringbuf_ops;

/* The most used lookups, called directly by the helper (no retpoline). */
void *ie_array_lookup(struct ie_map *map, const void *key);
void *ie_htab_lookup(struct ie_map *map, const void *key);

/* core (map.c) */
long ie_cmd_map_create(void __user *uarg, size_t usize);
long ie_cmd_map_get_fd(void __user *uarg, size_t usize);
long ie_cmd_map_info(void __user *uarg, size_t usize);
int ie_map_next_id(u32 start, u32 *next);
u32 ie_map_count(void);
struct ie_map *ie_map_get_fd_ref(int fd);	/* ERR_PTR(-EBADF/-EINVAL) */
void ie_map_get(struct ie_map *map);
void ie_map_put(struct ie_map *map);

/* The map an extension passes to a helper (its struct ie_map_def), or NULL. */
struct ie_map *ie_map_from_def(const void *def);

#endif /* IE_MAP_H */
