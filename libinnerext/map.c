// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Maps: the object's map definitions (from the image's maps table), their
 * creation at load, element access, and the fd-level wrappers over the map
 * ioctls (IE_IOC_MAP_* in uapi/linux/innerext.h).
 *
 * The fd-level functions print nothing and return 0 / an fd or -errno; the
 * object-level ones say what went wrong through the print callback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libinnerext_internal.h"

#define IE_MAP_LOG_SIZE		4096
#define IE_CPU_POSSIBLE		"/sys/devices/system/cpu/possible"

/* ---------------------------------------------------------------- helpers */

const char *innerext_map_type_name(enum ie_map_type type)
{
	switch (type) {
	case IE_MAP_ARRAY:		return "array";
	case IE_MAP_HASH:		return "hash";
	case IE_MAP_PERCPU_ARRAY:	return "percpu_array";
	case IE_MAP_PERCPU_HASH:	return "percpu_hash";
	case IE_MAP_LRU_HASH:		return "lru_hash";
	case IE_MAP_RINGBUF:		return "ringbuf";
	default:			return "unknown";
	}
}

static bool is_percpu(__u32 type)
{
	return type == IE_MAP_PERCPU_ARRAY || type == IE_MAP_PERCPU_HASH;
}

/*
 * "0-3,5,7-8" -> 7, as libbpf's parse_cpu_mask_str(). Returns the count or -EINVAL.
 */
static int count_cpu_list(const char *s)
{
	int n = 0;

	while (*s && *s != '\n') {
		char *end;
		long a, b;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = strtol(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			b = strtol(s, &end, 10);
			s = end;
		}
		if (b < a || b - a > 1 << 20)
			return -EINVAL;
		n += (int)(b - a + 1);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return n ? n : -EINVAL;
}

int innerext_num_possible_cpus(void)
{
	static int cached;
	char buf[4096];
	ssize_t len;
	int fd, n;

	n = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (n > 0)
		return n;
	fd = open(IE_CPU_POSSIBLE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		n = -errno;
		pr_warn("cannot open %s: %s\n", IE_CPU_POSSIBLE, strerror(-n));
		return n;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	n = len < 0 ? -errno : 0;
	close(fd);
	if (n) {
		pr_warn("cannot read %s: %s\n", IE_CPU_POSSIBLE, strerror(-n));
		return n;
	}
	buf[len] = '\0';
	n = count_cpu_list(buf);
	if (n < 0) {
		pr_warn("cannot parse %s: '%s'\n", IE_CPU_POSSIBLE, buf);
		return n;
	}
	__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	return n;
}

__u32 innerext_map_user_value_size(enum ie_map_type type, __u32 value_size)
{
	int cpus;

	if (!is_percpu(type))
		return value_size;
	cpus = innerext_num_possible_cpus();
	if (cpus < 0) {
		errno = -cpus;
		return 0;
	}
	return ((value_size + 7) & ~7U) * (__u32)cpus;
}

/* ---------------------------------------------------------------- fd level */

int innerext_map_create(int dev_fd, enum ie_map_type type, const char *name,
			__u32 key_size, __u32 value_size, __u32 max_entries,
			struct innerext_map_create_opts *opts)
{
	struct ie_map_create attr;
	char *log_buf;
	__u32 log_size;
	int fd;

	if (!IE_OPTS_VALID(opts, innerext_map_create_opts))
		return -EINVAL;
	if (!name || !name[0] || strlen(name) >= IE_NAME_LEN)
		return -EINVAL;
	log_buf = IE_OPTS_GET(opts, log_buf, NULL);
	log_size = IE_OPTS_GET(opts, log_size, 0);
	if (log_size && !log_buf)
		return -EINVAL;
	if (log_size > IE_LOG_MAX)
		log_size = IE_LOG_MAX;	/* the buffer is at least that large */
	if (log_size)
		log_buf[0] = '\0';

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = IE_OPTS_GET(opts, map_flags, 0);
	strcpy(attr.name, name);
	attr.log_size = log_size;
	attr.log_buf = ie_ptr_to_u64(log_size ? log_buf : NULL);

	fd = ie_ioctl(dev_fd, IE_IOC_MAP_CREATE, &attr);
	if (log_size)
		log_buf[log_size - 1] = '\0';
	if (fd >= 0 && IE_OPTS_HAS(opts, map_id))
		opts->map_id = attr.map_id;
	return fd;
}

static int map_elem(int fd, unsigned long cmd, const void *key, __u32 key_size,
		    const void *value, __u32 value_size, void *next_key, __u64 flags)
{
	struct ie_map_elem attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.key = ie_ptr_to_u64(key);
	attr.value = ie_ptr_to_u64(value);
	attr.next_key = ie_ptr_to_u64(next_key);
	attr.flags = flags;
	err = ie_ioctl(fd, cmd, &attr);
	return err < 0 ? err : 0;
}

int innerext_map_lookup_elem_flags(int fd, const void *key, __u32 key_size,
				   void *value, __u32 value_size, __u64 flags)
{
	if (!key || !value)
		return -EINVAL;
	return map_elem(fd, IE_IOC_MAP_LOOKUP, key, key_size, value, value_size, NULL, flags);
}

int innerext_map_lookup_elem(int fd, const void *key, __u32 key_size,
			     void *value, __u32 value_size)
{
	return innerext_map_lookup_elem_flags(fd, key, key_size, value, value_size, 0);
}

int innerext_map_update_elem(int fd, const void *key, __u32 key_size,
			     const void *value, __u32 value_size, __u64 flags)
{
	if (!key || !value)
		return -EINVAL;
	return map_elem(fd, IE_IOC_MAP_UPDATE, key, key_size, value, value_size, NULL, flags);
}

int innerext_map_delete_elem_flags(int fd, const void *key, __u32 key_size, __u64 flags)
{
	if (!key)
		return -EINVAL;
	return map_elem(fd, IE_IOC_MAP_DELETE, key, key_size, NULL, 0, NULL, flags);
}

int innerext_map_delete_elem(int fd, const void *key, __u32 key_size)
{
	return innerext_map_delete_elem_flags(fd, key, key_size, 0);
}

int innerext_map_get_next_key(int fd, const void *key, void *next_key, __u32 key_size)
{
	if (!next_key)
		return -EINVAL;
	return map_elem(fd, IE_IOC_MAP_GET_NEXT_KEY, key, key_size, NULL, 0, next_key, 0);
}

int innerext_map_dump(int fd, __u64 *cursor, void *keys, __u32 key_size,
		      void *values, __u32 value_size, __u32 *count)
{
	struct ie_map_batch attr;
	int err;

	if (!cursor || !count || (*count && (!keys || !values)))
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.count = *count;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.cursor = *cursor;
	attr.keys = ie_ptr_to_u64(keys);
	attr.values = ie_ptr_to_u64(values);
	err = ie_ioctl(fd, IE_IOC_MAP_DUMP, &attr);
	if (err < 0) {
		if (err == -ENOENT)
			*count = 0;
		return err;
	}
	*count = attr.count;
	*cursor = attr.cursor;
	return 0;
}

int innerext_map_get_fd_by_id(int dev_fd, __u32 id)
{
	struct ie_map_get_fd attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.map_id = id;
	return ie_ioctl(dev_fd, IE_IOC_MAP_GET_FD_BY_ID, &attr);
}

int innerext_map_get_info_by_id(int dev_fd, __u32 id, struct ie_map_info *info)
{
	int err;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = id;
	err = ie_ioctl(dev_fd, IE_IOC_MAP_INFO, info);
	return err < 0 ? err : 0;
}

int innerext_map_get_info_by_fd(int map_fd, struct ie_map_info *info)
{
	return innerext_map_get_info_by_id(map_fd, 0, info);
}

int innerext_map_open_by_name(int dev_fd, const char *name)
{
	__u32 id = 0, prev, found = 0;
	int nr = 0, err;

	if (!name || !name[0] || strlen(name) >= IE_NAME_LEN)
		return -EINVAL;
	for (;;) {
		struct ie_map_info info;

		prev = id;
		err = innerext_get_next_id(dev_fd, IE_OBJ_MAP, prev, &id);
		if (err == -ENOENT)
			break;
		if (err)
			return err;
		if (id <= prev)		/* never loop on a confused module */
			return -EPROTO;
		err = innerext_map_get_info_by_id(dev_fd, id, &info);
		if (err == -ENOENT)
			continue;	/* gone meanwhile */
		if (err)
			return err;
		if (strncmp(info.name, name, IE_NAME_LEN))
			continue;
		found = id;
		nr++;
	}
	if (!nr)
		return -ENOENT;
	if (nr > 1)
		return -ENOTUNIQ;
	return innerext_map_get_fd_by_id(dev_fd, found);
}

/* ---------------------------------------------------------------- object maps */

int ie_object_init_maps(struct innerext_object *obj)
{
	const struct ie_image_hdr *hdr = obj->image;
	const struct ie_image_map *m;
	__u32 i;

	if (!hdr->nr_maps)
		return 0;
	m = (const void *)((const char *)obj->image + hdr->maps_off);
	obj->maps = calloc(hdr->nr_maps, sizeof(*obj->maps));
	if (!obj->maps)
		return -ENOMEM;
	for (i = 0; i < hdr->nr_maps; i++) {
		struct innerext_map *map = &obj->maps[i];

		map->obj = obj;
		map->def = m[i];
		map->def.name[IE_NAME_LEN - 1] = '\0';
		map->fd = -1;
	}
	obj->nr_maps = hdr->nr_maps;
	return 0;
}

/* One warning (the print callback keeps the last): first log line, then the rest indented. */
static void warn_refused(const char *what, int err, const char *log)
{
	char ebuf[IE_STRERR_BUFSZ], msg[IE_MAP_LOG_SIZE + 512];
	const char *nl = strchr(log, '\n');
	int len = nl ? (int)(nl - log) : (int)strlen(log);
	size_t used;

	if (!len)
		used = (size_t)snprintf(msg, sizeof(msg), "%s refused: %s", what,
					ie_strerror(err, ebuf, sizeof(ebuf)));
	else
		used = (size_t)snprintf(msg, sizeof(msg), "%s refused: %.*s (%s)", what, len, log,
					ie_strerror(err, ebuf, sizeof(ebuf)));
	log += len;
	while (*log && used < sizeof(msg)) {
		if (*log == '\n') {
			log++;
			continue;
		}
		nl = strchr(log, '\n');
		len = nl ? (int)(nl - log) : (int)strlen(log);
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, "\n  %.*s", len, log);
		log += len;
	}
	pr_warn("%s\n", msg);
}

int ie_object_create_maps(struct innerext_object *obj, int dev_fd)
{
	char what[3 * IE_NAME_LEN + 32];
	size_t i;
	char *log;
	int err = 0;

	if (!obj->nr_maps)
		return 0;
	log = malloc(IE_MAP_LOG_SIZE);
	if (!log)
		return -ENOMEM;
	for (i = 0; i < obj->nr_maps; i++) {
		INNEREXT_OPTS_DECLARE(innerext_map_create_opts, opts,
				      .log_buf = log, .log_size = IE_MAP_LOG_SIZE,
				      .map_flags = obj->maps[i].def.map_flags);
		struct innerext_map *map = &obj->maps[i];
		int fd;

		if (map->fd >= 0)
			continue;	/* reused */
		fd = innerext_map_create(dev_fd, map->def.type, map->def.name,
					 map->def.key_size, map->def.value_size,
					 map->def.max_entries, &opts);
		if (fd < 0) {
			err = fd;
			snprintf(what, sizeof(what), "map '%s' (%s) of '%s'", map->def.name,
				 innerext_map_type_name(map->def.type), obj->name);
			warn_refused(what, err, log);
			break;
		}
		map->fd = fd;
		map->id = opts.map_id;
		pr_debug("created map '%s' of '%s': id %u, fd %d\n", map->def.name, obj->name,
			 map->id, fd);
	}
	free(log);
	if (err)
		ie_object_release_maps(obj, false);
	return err;
}

void ie_object_release_maps(struct innerext_object *obj, bool all)
{
	size_t i;

	for (i = 0; i < obj->nr_maps; i++) {
		struct innerext_map *map = &obj->maps[i];

		if (map->fd < 0 || (map->reused && !all))
			continue;
		close(map->fd);
		map->fd = -1;
		map->id = 0;
		map->reused = false;
	}
}

struct innerext_map *innerext_object__find_map_by_name(const struct innerext_object *obj,
						       const char *name)
{
	size_t i;

	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < obj->nr_maps; i++)
		if (!strcmp(obj->maps[i].def.name, name))
			return &obj->maps[i];
	errno = ENOENT;
	return NULL;
}

struct innerext_map *innerext_object__next_map(const struct innerext_object *obj,
					       const struct innerext_map *prev)
{
	size_t idx;

	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (!prev)
		return obj->nr_maps ? &obj->maps[0] : NULL;
	if (prev->obj != obj || prev < obj->maps || prev >= obj->maps + obj->nr_maps) {
		errno = EINVAL;
		return NULL;
	}
	idx = (size_t)(prev - obj->maps) + 1;
	return idx < obj->nr_maps ? &obj->maps[idx] : NULL;
}

const char *innerext_map__name(const struct innerext_map *map)
{
	return map ? map->def.name : NULL;
}

enum ie_map_type innerext_map__type(const struct innerext_map *map)
{
	return map ? (enum ie_map_type)map->def.type : 0;
}

__u32 innerext_map__key_size(const struct innerext_map *map)
{
	return map ? map->def.key_size : 0;
}

__u32 innerext_map__value_size(const struct innerext_map *map)
{
	return map ? map->def.value_size : 0;
}

__u32 innerext_map__max_entries(const struct innerext_map *map)
{
	return map ? map->def.max_entries : 0;
}

__u32 innerext_map__map_flags(const struct innerext_map *map)
{
	return map ? map->def.map_flags : 0;
}

int innerext_map__fd(const struct innerext_map *map)
{
	if (!map || map->fd < 0)
		return -EINVAL;
	return map->fd;
}

__u32 innerext_map__id(const struct innerext_map *map)
{
	return map ? map->id : 0;
}

int innerext_map__reuse_fd(struct innerext_map *map, int fd)
{
	char ebuf[IE_STRERR_BUFSZ];
	struct ie_map_info info;
	const struct ie_image_map *d;
	int err, new_fd;

	if (!map || fd < 0)
		return -EINVAL;
	d = &map->def;
	if (map->obj->prog_fd >= 0) {
		pr_warn("map '%s' of '%s': the object is loaded already; reuse maps before loading\n",
			d->name, map->obj->name);
		return -EBUSY;
	}
	err = innerext_map_get_info_by_fd(fd, &info);
	if (err) {
		pr_warn("map '%s' of '%s': fd %d is not an innerext map: %s\n", d->name,
			map->obj->name, fd, ie_strerror(err, ebuf, sizeof(ebuf)));
		return err;
	}
	if (info.type != d->type || info.key_size != d->key_size ||
	    info.value_size != d->value_size || info.max_entries != d->max_entries ||
	    info.map_flags != d->map_flags) {
		pr_warn("map '%s' of '%s' is %s key %u value %u max_entries %u flags %#x; fd %d is map id %u '%.*s': %s key %u value %u max_entries %u flags %#x\n",
			d->name, map->obj->name, innerext_map_type_name(d->type), d->key_size,
			d->value_size, d->max_entries, d->map_flags, fd, info.id,
			IE_NAME_LEN, info.name, innerext_map_type_name(info.type), info.key_size,
			info.value_size, info.max_entries, info.map_flags);
		return -EINVAL;
	}
	new_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (new_fd < 0)
		return -errno;
	if (map->fd >= 0)
		close(map->fd);
	map->fd = new_fd;
	map->id = info.id;
	map->reused = true;
	return 0;
}

/* key and value sizes as the module wants them for this map, or -EINVAL with a message */
static int check_elem_sizes(const struct innerext_map *map, size_t key_sz, const size_t *value_sz)
{
	const struct ie_image_map *d = &map->def;
	__u32 want;

	if (map->fd < 0) {
		pr_warn("map '%s': not created yet (load the object first)\n", d->name);
		return -EINVAL;
	}
	if (d->type == IE_MAP_RINGBUF) {
		pr_warn("map '%s' is a ring buffer: it has no elements\n", d->name);
		return -EINVAL;
	}
	if (key_sz != d->key_size) {
		pr_warn("map '%s': key is %zu bytes, this map's key is %u bytes\n", d->name, key_sz,
			d->key_size);
		return -EINVAL;
	}
	if (!value_sz)
		return 0;
	want = innerext_map_user_value_size(d->type, d->value_size);
	if (!want)
		return -errno;
	if (*value_sz != want) {
		if (is_percpu(d->type))
			pr_warn("map '%s': value buffer is %zu bytes, this per-CPU map's values are %u bytes (%u-byte slot x %d possible CPUs)\n",
				d->name, *value_sz, want, (d->value_size + 7) & ~7U,
				innerext_num_possible_cpus());
		else
			pr_warn("map '%s': value is %zu bytes, this map's value is %u bytes\n",
				d->name, *value_sz, want);
		return -EINVAL;
	}
	return 0;
}

int innerext_map__lookup_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      void *value, size_t value_sz, __u64 flags)
{
	int err;

	if (!map)
		return -EINVAL;
	err = check_elem_sizes(map, key_sz, &value_sz);
	if (err)
		return err;
	return innerext_map_lookup_elem_flags(map->fd, key, (__u32)key_sz, value,
					      (__u32)value_sz, flags);
}

int innerext_map__update_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      const void *value, size_t value_sz, __u64 flags)
{
	int err;

	if (!map)
		return -EINVAL;
	err = check_elem_sizes(map, key_sz, &value_sz);
	if (err)
		return err;
	return innerext_map_update_elem(map->fd, key, (__u32)key_sz, value, (__u32)value_sz,
					flags);
}

int innerext_map__delete_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      __u64 flags)
{
	int err;

	if (!map)
		return -EINVAL;
	err = check_elem_sizes(map, key_sz, NULL);
	if (err)
		return err;
	return innerext_map_delete_elem_flags(map->fd, key, (__u32)key_sz, flags);
}

int innerext_map__get_next_key(const struct innerext_map *map, const void *cur_key,
			       void *next_key, size_t key_sz)
{
	int err;

	if (!map)
		return -EINVAL;
	err = check_elem_sizes(map, key_sz, NULL);
	if (err)
		return err;
	return innerext_map_get_next_key(map->fd, cur_key, next_key, (__u32)key_sz);
}
