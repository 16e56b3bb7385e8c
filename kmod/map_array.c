// SPDX-License-Identifier: GPL-2.0
/*
 * Array maps: IE_MAP_ARRAY and IE_MAP_PERCPU_ARRAY. The key is a __u32 index
 * below max_entries; every element exists from creation (zeroed) and cannot
 * be deleted, as in BPF. Values are preallocated: a plain array keeps them in
 * one zeroed block, a per-CPU array has one per-CPU allocation per element.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "map.h"

struct ie_array {
	struct ie_map map;
	u32 elem_size;			/* value_size rounded up to 8 */
	union {
		u8 *values;		/* IE_MAP_ARRAY */
		void __percpu **pvalues;	/* IE_MAP_PERCPU_ARRAY */
	};
};

static struct ie_array *ie_array_of(struct ie_map *map)
{
	return container_of(map, struct ie_array, map);
}

static bool ie_array_percpu(const struct ie_map *map)
{
	return map->type == IE_MAP_PERCPU_ARRAY;
}

static u64 ie_array_memory(const struct ie_map_create *attr)
{
	u64 per = round_up(attr->value_size, 8);

	if (attr->type == IE_MAP_PERCPU_ARRAY)
		per = per * num_possible_cpus() + sizeof(void *);
	return per * attr->max_entries;
}

static int ie_array_check(const struct ie_map_create *attr, struct ie_log *log)
{
	if (attr->key_size != sizeof(u32)) {
		ie_log(log, "map_create: array maps take a 4-byte key (an index), not %u bytes",
		       attr->key_size);
		return -EINVAL;
	}
	if (attr->type == IE_MAP_PERCPU_ARRAY && round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE) {
		ie_log(log, "map_create: per-CPU values are limited to %u bytes",
		       (unsigned int)PCPU_MIN_UNIT_SIZE);
		return -E2BIG;
	}
	if (ie_array_memory(attr) > IE_MAP_MAX_MEMORY) {
		ie_log(log, "map_create: %u elements of %u bytes need %llu bytes; the limit is %llu",
		       attr->max_entries, attr->value_size, ie_array_memory(attr),
		       IE_MAP_MAX_MEMORY);
		return -E2BIG;
	}
	return 0;
}

static void ie_array_free(struct ie_map *map)
{
	struct ie_array *a = ie_array_of(map);
	u32 i;

	if (ie_array_percpu(map) && a->pvalues) {
		for (i = 0; i < map->max_entries; i++)
			free_percpu(a->pvalues[i]);
		kvfree(a->pvalues);
	} else {
		kvfree(a->values);
	}
	kfree(a);
}

static struct ie_map *ie_array_alloc(const struct ie_map_create *attr)
{
	struct ie_array *a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	u32 i;

	if (!a)
		return ERR_PTR(-ENOMEM);
	ie_map_init(&a->map, attr);
	a->elem_size = round_up(attr->value_size, 8);
	a->map.memory = sizeof(*a) + ie_array_memory(attr);
	if (attr->type == IE_MAP_PERCPU_ARRAY) {
		a->pvalues = kvcalloc(attr->max_entries, sizeof(*a->pvalues),
				      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		for (i = 0; a->pvalues && i < attr->max_entries; i++) {
			a->pvalues[i] = __alloc_percpu_gfp(a->elem_size, 8,
							   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
			if (!a->pvalues[i])
				break;
		}
		if (!a->pvalues || i < attr->max_entries)
			goto nomem;
	} else {
		a->values = kvzalloc((size_t)a->elem_size * attr->max_entries,
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!a->values)
			goto nomem;
	}
	return &a->map;
nomem:
	ie_array_free(&a->map);
	return ERR_PTR(-ENOMEM);
}

static void *ie_array_elem(struct ie_map *map, u32 idx, int cpu)
{
	struct ie_array *a = ie_array_of(map);

	if (ie_array_percpu(map))
		return per_cpu_ptr(a->pvalues[idx], cpu);
	return a->values + (size_t)idx * a->elem_size;
}

/* extension side: this CPU's value */
void *ie_array_lookup(struct ie_map *map, const void *key)
{
	u32 idx = *(const u32 *)key;

	if (idx >= map->max_entries)
		return NULL;
	return ie_array_elem(map, idx, raw_smp_processor_id());
}

static long ie_array_update(struct ie_map *map, const void *key, const void *value, u64 flags)
{
	u32 idx = *(const u32 *)key;

	if (flags > IE_EXIST)
		return -EINVAL;
	if (idx >= map->max_entries)
		return -E2BIG;
	if (flags == IE_NOEXIST)
		return -EEXIST;		/* every element exists */
	memcpy(ie_array_elem(map, idx, raw_smp_processor_id()), value, map->value_size);
	return 0;
}

static long ie_array_delete(struct ie_map *map, const void *key)
{
	return -EINVAL;
}

/* user side: per-CPU arrays read and write every possible CPU's copy */
static int ie_array_user_lookup(struct ie_map *map, const void *key, void *value)
{
	u32 idx = *(const u32 *)key, slot = ie_map_percpu_slot(map);
	int cpu, n = 0;

	if (idx >= map->max_entries)
		return -ENOENT;
	if (!ie_array_percpu(map)) {
		memcpy(value, ie_array_elem(map, idx, 0), map->value_size);
		return 0;
	}
	for_each_possible_cpu(cpu)
		memcpy(value + (size_t)slot * n++, ie_array_elem(map, idx, cpu), slot);
	return 0;
}

static int ie_array_user_update(struct ie_map *map, const void *key, const void *value, u64 flags)
{
	u32 idx = *(const u32 *)key, slot = ie_map_percpu_slot(map);
	int cpu, n = 0;

	if (flags > IE_EXIST)
		return -EINVAL;
	if (idx >= map->max_entries)
		return -E2BIG;
	if (flags == IE_NOEXIST)
		return -EEXIST;
	if (!ie_array_percpu(map)) {
		memcpy(ie_array_elem(map, idx, 0), value, map->value_size);
		return 0;
	}
	for_each_possible_cpu(cpu)
		memcpy(ie_array_elem(map, idx, cpu), value + (size_t)slot * n++, map->value_size);
	return 0;
}

static int ie_array_user_delete(struct ie_map *map, const void *key)
{
	return -EINVAL;
}

static int ie_array_get_next_key(struct ie_map *map, const void *key, void *next_key)
{
	u32 idx = key ? *(const u32 *)key : U32_MAX;

	/* no key, or one past the end: start over, as BPF does */
	if (idx >= map->max_entries) {
		*(u32 *)next_key = 0;
		return 0;
	}
	if (idx == map->max_entries - 1)
		return -ENOENT;
	*(u32 *)next_key = idx + 1;
	return 0;
}

/* cursor: the next index */
static int ie_array_dump(struct ie_map *map, u64 *cursor, void *keys, void *values, u32 *count)
{
	u32 vsize = ie_map_user_value_size(map), n = 0;

	while (n < *count && *cursor < map->max_entries) {
		u32 idx = *cursor;

		memcpy(keys + (size_t)n * sizeof(u32), &idx, sizeof(u32));
		ie_array_user_lookup(map, &idx, values + (size_t)n * vsize);
		n++;
		(*cursor)++;
	}
	*count = n;
	return n ? 0 : -ENOENT;
}

static void ie_array_info(struct ie_map *map, struct ie_map_info *info)
{
	info->nr_elems = map->max_entries;
}

static bool ie_array_contains(struct ie_map *map, unsigned long addr, u32 size)
{
	struct ie_array *a = ie_array_of(map);

	return !ie_array_percpu(map) &&
	       ie_mem_within(addr, size, (unsigned long)a->values,
			     (u64)map->max_entries * a->elem_size);
}

#define IE_ARRAY_OPS						\
	.check		= ie_array_check,			\
	.alloc		= ie_array_alloc,			\
	.free		= ie_array_free,			\
	.lookup		= ie_array_lookup,			\
	.update		= ie_array_update,			\
	.delete		= ie_array_delete,			\
	.user_lookup	= ie_array_user_lookup,			\
	.user_update	= ie_array_user_update,			\
	.user_delete	= ie_array_user_delete,			\
	.get_next_key	= ie_array_get_next_key,		\
	.dump		= ie_array_dump,			\
	.info		= ie_array_info,			\
	.contains	= ie_array_contains

const struct ie_map_ops ie_array_ops = { IE_ARRAY_OPS };
const struct ie_map_ops ie_percpu_array_ops = { IE_ARRAY_OPS };
