// SPDX-License-Identifier: GPL-2.0
/*
 * Map helpers for extensions. The map argument is the extension's own
 * struct ie_map_def; ie_map_from_def() turns it into the map bound at load
 * (refusing anything that is not a definition of the running program).
 * A value pointer from ie_map_lookup_elem() is valid until the extension
 * returns: elements are retired through RCU and the dispatcher runs the
 * extension with preemption disabled.
 */
#include <linux/errno.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/kernel.h>

#include "helpers.h"
#include "runtime.h"
#include "map.h"

void *ie_map_lookup_elem(void *def, const void *key)
{
	struct ie_map *map = ie_map_from_def(def);

	ie_helper_enter();
	if (!map || !map->ops->lookup)
		return NULL;
	return INDIRECT_CALL_2(map->ops->lookup, ie_array_lookup, ie_htab_lookup, map, key);
}

long ie_map_update_elem(void *def, const void *key, const void *value, u64 flags)
{
	struct ie_map *map = ie_map_from_def(def);

	ie_helper_enter();
	if (!map)
		return -EINVAL;
	if (!map->ops->update)
		return -EOPNOTSUPP;
	if (flags > IE_EXIST)
		return -EINVAL;
	return map->ops->update(map, key, value, flags);
}

long ie_map_delete_elem(void *def, const void *key)
{
	struct ie_map *map = ie_map_from_def(def);

	ie_helper_enter();
	if (!map)
		return -EINVAL;
	if (!map->ops->delete)
		return -EOPNOTSUPP;
	return map->ops->delete(map, key);
}
