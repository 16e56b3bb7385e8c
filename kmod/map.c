// SPDX-License-Identifier: GPL-2.0
/*
 * The map core: IE_IOC_MAP_CREATE / GET_FD_BY_ID / INFO, the element ioctls
 * on map fds (copying keys and values between user space and kernel buffers
 * of the map's exact sizes), batched dumps, and the lookup of the map an
 * extension hands to a helper. Each map type lives in its own file behind
 * struct ie_map_ops (map.h).
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "innerext_int.h"
#include "image.h"
#include "map.h"
#include "objs.h"

static struct ie_ids ie_map_ids = IE_IDS_INIT(ie_map_ids);

static const struct ie_map_ops *ie_map_types[IE_MAP_TYPE_MAX + 1] = {
	[IE_MAP_ARRAY]		= &ie_array_ops,
	[IE_MAP_HASH]		= &ie_hash_ops,
	[IE_MAP_PERCPU_ARRAY]	= &ie_percpu_array_ops,
	[IE_MAP_PERCPU_HASH]	= &ie_percpu_hash_ops,
	[IE_MAP_LRU_HASH]	= &ie_lru_hash_ops,
	[IE_MAP_RINGBUF]	= &ie_ringbuf_ops,
};

static const char * const ie_map_type_names[IE_MAP_TYPE_MAX + 1] = {
	[IE_MAP_ARRAY]		= "array",
	[IE_MAP_HASH]		= "hash",
	[IE_MAP_PERCPU_ARRAY]	= "percpu_array",
	[IE_MAP_PERCPU_HASH]	= "percpu_hash",
	[IE_MAP_LRU_HASH]	= "lru_hash",
	[IE_MAP_RINGBUF]	= "ringbuf",
};

static bool ie_map_is_percpu(const struct ie_map *map)
{
	return map->type == IE_MAP_PERCPU_ARRAY || map->type == IE_MAP_PERCPU_HASH;
}

u32 ie_map_user_value_size(const struct ie_map *map)
{
	if (ie_map_is_percpu(map))
		return ie_map_percpu_slot(map) * num_possible_cpus();
	return map->value_size;
}

void ie_map_init(struct ie_map *map, const struct ie_map_create *attr)
{
	map->type = attr->type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	map->map_flags = attr->map_flags;
	strscpy(map->name, attr->name, IE_NAME_LEN);
	refcount_set(&map->ref, 1);
	atomic_set(&map->nr_progs, 0);
}

static struct workqueue_struct *ie_map_free_wq;

static void ie_map_free_work(struct work_struct *work)
{
	struct ie_map *map = container_of(work, struct ie_map, free_work);

	map->ops->free(map);
}

/* After a grace period no extension still uses a value; freeing may sleep: defer to a worker. */
static void ie_map_free_rcu(struct rcu_head *rcu)
{
	struct ie_map *map = container_of(rcu, struct ie_map, rcu);

	INIT_WORK(&map->free_work, ie_map_free_work);
	queue_work(ie_map_free_wq, &map->free_work);
}

void ie_map_get(struct ie_map *map)
{
	refcount_inc(&map->ref);
}

void ie_map_put(struct ie_map *map)
{
	if (!refcount_dec_and_test(&map->ref))
		return;
	if (map->id)
		ie_ids_remove(&ie_map_ids, map->id);
	call_rcu(&map->rcu, ie_map_free_rcu);
}

static void ie_map_put_void(void *map)
{
	ie_map_put(map);
}

int ie_map_next_id(u32 start, u32 *next)
{
	return ie_ids_next(&ie_map_ids, start, next);
}

u32 ie_map_count(void)
{
	return atomic_read(&ie_map_ids.count);
}

int ie_maps_init(void)
{
	ie_map_free_wq = alloc_workqueue("innerext_map_free", 0, 0);
	return ie_map_free_wq ? 0 : -ENOMEM;
}

/* rmmod: wait until every map put so far is freed (no map code may run after exit). */
void ie_maps_exit(void)
{
	rcu_barrier();
	destroy_workqueue(ie_map_free_wq);
}

/* ------------------------------------------------------------ create */

static int ie_map_check_attr(const struct ie_map_create *attr, struct ie_log *log)
{
	if (memchr_inv(attr->reserved, 0, sizeof(attr->reserved))) {
		ie_log(log, "map_create: reserved fields must be 0");
		return -EINVAL;
	}
	if (attr->map_flags) {
		ie_log(log, "map_create: unknown map flags 0x%x", attr->map_flags);
		return -EINVAL;
	}
	if (!attr->type || attr->type > IE_MAP_TYPE_MAX || !ie_map_types[attr->type]) {
		ie_log(log, "map_create: unknown map type %u", attr->type);
		return -EINVAL;
	}
	if (!ie_name_valid(attr->name, IE_NAME_LEN, ".-")) {
		ie_log(log, "map_create: name must be 1..%d characters of [A-Za-z0-9_.-]",
		       IE_NAME_LEN - 1);
		return -EINVAL;
	}
	if (!attr->max_entries) {
		ie_log(log, "map_create: max_entries must be at least 1");
		return -EINVAL;
	}
	if (attr->type != IE_MAP_RINGBUF &&
	    (!attr->key_size || attr->key_size > IE_MAP_MAX_KEY_SIZE ||
	     !attr->value_size || attr->value_size > IE_MAP_MAX_VALUE_SIZE)) {
		ie_log(log, "map_create: key size %u (1..%u) / value size %u (1..%u) out of range",
		       attr->key_size, IE_MAP_MAX_KEY_SIZE, attr->value_size,
		       IE_MAP_MAX_VALUE_SIZE);
		return -EINVAL;
	}
	return ie_map_types[attr->type]->check(attr, log);
}

static const struct file_operations ie_map_fops;

long ie_cmd_map_create(void __user *uarg, size_t usize)
{
	struct ie_map_create attr;
	struct ie_map_create __user *u = uarg;
	struct ie_map *map = NULL;
	struct ie_log log;
	int err;

	err = ie_copy_args(&attr, sizeof(attr), uarg, usize);
	if (err)
		return err;
	err = ie_log_init(&log, attr.log_buf, attr.log_size);
	if (err)
		return err;
	err = ie_map_check_attr(&attr, &log);
	if (!err) {
		map = ie_map_types[attr.type]->alloc(&attr);
		if (IS_ERR(map)) {
			err = PTR_ERR(map);
			ie_log(&log, "map_create: cannot allocate the %s map '%s' (%d)",
			       ie_map_type_names[attr.type], attr.name, err);
		}
	}
	if (!err) {
		map->ops = ie_map_types[attr.type];
		err = ie_ids_add(&ie_map_ids, map, &map->id);
		if (err)
			ie_map_put(map);
	}
	if (ie_log_finish(&log, attr.log_buf) && !err) {
		ie_map_put(map);
		err = -EFAULT;
	}
	if (err)
		return err;
	return ie_fd_install("innerext-map", &ie_map_fops, map, map->id, &u->map_id,
			     ie_map_put_void);
}

long ie_cmd_map_get_fd(void __user *uarg, size_t usize)
{
	struct ie_map_get_fd attr;
	struct ie_map *map;
	int err;

	err = ie_copy_args(&attr, sizeof(attr), uarg, usize);
	if (err)
		return err;
	if (attr.flags || attr.pad || memchr_inv(attr.reserved, 0, sizeof(attr.reserved)))
		return -EINVAL;
	map = ie_ids_get_obj(&ie_map_ids, attr.map_id, struct ie_map, ref);
	if (!map)
		return -ENOENT;
	return ie_fd_install("innerext-map", &ie_map_fops, map, map->id,
			     &((struct ie_map_get_fd __user *)uarg)->map_id, ie_map_put_void);
}

static long ie_map_fill_info(struct ie_map *map, void __user *uarg, size_t usize)
{
	struct ie_map_info info;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = map->id;
	info.type = map->type;
	info.key_size = map->key_size;
	info.value_size = map->value_size;
	info.max_entries = map->max_entries;
	info.map_flags = map->map_flags;
	info.nr_progs = atomic_read(&map->nr_progs);
	strscpy(info.name, map->name, IE_NAME_LEN);
	info.memory = map->memory;
	if (map->ops->info)
		map->ops->info(map, &info);
	if (copy_to_user(uarg, &info, min(usize, sizeof(info))))
		return -EFAULT;
	return 0;
}

long ie_cmd_map_info(void __user *uarg, size_t usize)
{
	struct ie_map_info info;
	struct ie_map *map;
	long err;

	err = ie_copy_args(&info, sizeof(info), uarg, usize);
	if (err)
		return err;
	map = ie_ids_get_obj(&ie_map_ids, info.id, struct ie_map, ref);
	if (!map)
		return -ENOENT;
	err = ie_map_fill_info(map, uarg, usize);
	ie_map_put(map);
	return err;
}

struct ie_map *ie_map_get_fd_ref(int fd)
{
	return ie_fd_get(fd, &ie_map_fops, struct ie_map, ref);
}

/* ------------------------------------------------------------ element ioctls */

struct ie_elem_bufs {
	void *key;
	void *value;
	void *next_key;
};

static void ie_elem_bufs_free(struct ie_elem_bufs *b)
{
	kvfree(b->key);
	kvfree(b->value);
	kvfree(b->next_key);
}

/* Validate @e against @map and copy the key in; allocate value/next_key buffers. */
static int ie_elem_prepare(struct ie_map *map, const struct ie_map_elem *e, bool need_key,
			   bool need_value, bool need_next, struct ie_elem_bufs *b)
{
	memset(b, 0, sizeof(*b));
	if (e->pad || memchr_inv(e->reserved, 0, sizeof(e->reserved)))
		return -EINVAL;
	if (!map->ops->user_lookup)
		return -EOPNOTSUPP;	/* ring buffers have no elements */
	if (e->key_size != map->key_size)
		return -EINVAL;
	if (need_value && e->value_size != ie_map_user_value_size(map))
		return -EINVAL;
	if (need_key) {
		b->key = memdup_user(u64_to_user_ptr(e->key), map->key_size);
		if (IS_ERR(b->key)) {
			int err = PTR_ERR(b->key);

			b->key = NULL;
			return err;
		}
	}
	if (need_value) {
		b->value = kvmalloc(ie_map_user_value_size(map), GFP_KERNEL);
		if (!b->value)
			return -ENOMEM;
	}
	if (need_next) {
		b->next_key = kvmalloc(map->key_size, GFP_KERNEL);
		if (!b->next_key)
			return -ENOMEM;
	}
	return 0;
}

static long ie_map_elem_cmd(struct ie_map *map, unsigned int nr, void __user *uarg, size_t usize)
{
	struct ie_map_elem e;
	struct ie_elem_bufs b;
	bool lookup = nr == _IOC_NR(IE_IOC_MAP_LOOKUP);
	bool update = nr == _IOC_NR(IE_IOC_MAP_UPDATE);
	bool next = nr == _IOC_NR(IE_IOC_MAP_GET_NEXT_KEY);
	u32 vsize;
	long err;

	err = ie_copy_args(&e, sizeof(e), uarg, usize);
	if (err)
		return err;
	if (!update && e.flags)
		return -EINVAL;
	err = ie_elem_prepare(map, &e, !next || e.key, lookup || update, next, &b);
	if (err)
		goto out;
	vsize = ie_map_user_value_size(map);
	if (lookup) {
		err = map->ops->user_lookup(map, b.key, b.value);
		if (!err && copy_to_user(u64_to_user_ptr(e.value), b.value, vsize))
			err = -EFAULT;
	} else if (update) {
		if (e.flags > IE_EXIST) {
			err = -EINVAL;
		} else if (copy_from_user(b.value, u64_to_user_ptr(e.value), vsize)) {
			err = -EFAULT;
		} else {
			err = map->ops->user_update(map, b.key, b.value, e.flags);
		}
	} else if (next) {
		err = map->ops->get_next_key(map, b.key, b.next_key);
		if (!err && copy_to_user(u64_to_user_ptr(e.next_key), b.next_key, map->key_size))
			err = -EFAULT;
	} else {
		err = map->ops->user_delete(map, b.key);
	}
out:
	ie_elem_bufs_free(&b);
	return err;
}

static long ie_map_dump_cmd(struct ie_map *map, void __user *uarg, size_t usize)
{
	struct ie_map_batch a;
	struct ie_map_batch __user *u = uarg;
	u32 vsize, count;
	void *keys = NULL, *values = NULL;
	long err;

	err = ie_copy_args(&a, sizeof(a), uarg, usize);
	if (err)
		return err;
	if (a.flags || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	if (!map->ops->dump)
		return -EOPNOTSUPP;	/* ring buffers have no elements */
	vsize = ie_map_user_value_size(map);
	if (a.key_size != map->key_size || a.value_size != vsize || !a.count)
		return -EINVAL;
	count = min_t(u32, a.count, 4096);
	/*
	 * count * vsize is the caller's to choose (per-CPU values: times the possible
	 * CPUs, 4096 * 32 KiB * 16 CPUs is 2 GiB): a size kvmalloc() will not even
	 * try (> INT_MAX) must be -ENOMEM, not its WARN.
	 */
	keys = kvmalloc_array(count, map->key_size, GFP_KERNEL | __GFP_NOWARN);
	values = kvmalloc_array(count, vsize, GFP_KERNEL | __GFP_NOWARN);
	err = -ENOMEM;
	if (!keys || !values)
		goto out;
	err = map->ops->dump(map, &a.cursor, keys, values, &count);
	if (err) {
		count = 0;
		if (err != -ENOENT)
			goto out;
	}
	if (count && (copy_to_user(u64_to_user_ptr(a.keys), keys, (size_t)count * map->key_size) ||
		      copy_to_user(u64_to_user_ptr(a.values), values, (size_t)count * vsize))) {
		err = -EFAULT;
		goto out;
	}
	if (put_user(count, &u->count) || put_user(a.cursor, &u->cursor))
		err = -EFAULT;
out:
	kvfree(keys);
	kvfree(values);
	return err;
}

static long ie_map_info_cmd(struct ie_map *map, void __user *uarg, size_t usize)
{
	struct ie_map_info info;
	long err = ie_copy_args(&info, sizeof(info), uarg, usize);

	if (err)
		return err;
	/* on a map fd, id 0 (or the map's own id) means this map */
	if (info.id && info.id != map->id)
		return -EINVAL;
	return ie_map_fill_info(map, uarg, usize);
}

static long ie_map_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ie_map *map = file->private_data;
	static const unsigned int cmds[] = {
		IE_IOC_MAP_LOOKUP, IE_IOC_MAP_UPDATE, IE_IOC_MAP_DELETE,
		IE_IOC_MAP_GET_NEXT_KEY, IE_IOC_MAP_DUMP, IE_IOC_MAP_INFO,
	};
	unsigned int i, nr = _IOC_NR(cmd), expect = 0;
	void __user *uarg = (void __user *)arg;
	size_t usize = _IOC_SIZE(cmd);

	if (_IOC_TYPE(cmd) != IE_IOC_MAGIC)
		return -ENOTTY;
	/* matched by number, so a newer, larger struct reaches ie_copy_args() */
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (_IOC_NR(cmds[i]) == nr)
			expect = cmds[i];
	if (!expect)
		return -ENOTTY;
	if (_IOC_DIR(cmd) != _IOC_DIR(expect))
		return -ENOTTY;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (expect == IE_IOC_MAP_DUMP)
		return ie_map_dump_cmd(map, uarg, usize);
	if (expect == IE_IOC_MAP_INFO)
		return ie_map_info_cmd(map, uarg, usize);
	return ie_map_elem_cmd(map, nr, uarg, usize);
}

static int ie_map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ie_map *map = file->private_data;

	if (!map->ops->mmap)
		return -ENODEV;
	return map->ops->mmap(map, vma);
}

static __poll_t ie_map_poll(struct file *file, poll_table *pt)
{
	struct ie_map *map = file->private_data;

	if (!map->ops->poll)
		return EPOLLERR;
	return map->ops->poll(map, file, pt);
}

static int ie_map_release(struct inode *inode, struct file *file)
{
	ie_map_put(file->private_data);
	return 0;
}

static const struct file_operations ie_map_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= ie_map_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= ie_map_mmap,
	.poll		= ie_map_poll,
	.release	= ie_map_release,
	.llseek		= noop_llseek,
};

/* ------------------------------------------------------------ programs and helpers */

struct ie_map *ie_map_from_def(const void *def)
{
	struct ie_prog *prog = ie_current_prog();
	unsigned long d = (unsigned long)def;
	u32 slot;

	if (!prog || d < (unsigned long)prog->data ||
	    d + sizeof(struct ie_map_def) > (unsigned long)prog->data + prog->data_alloc ||
	    !IS_ALIGNED(d, 4))
		return NULL;
	slot = READ_ONCE(((const struct ie_map_def *)def)->slot);
	if (slot >= prog->nr_maps)
		return NULL;
	return prog->maps[slot];
}

/*
 * Bind the image's maps to the program: map fds in the order of the image's
 * map table, each checked against its declaration; the definition's slot is
 * written in the program's data. Called before the program is reachable.
 */
int ie_prog_bind_maps(struct ie_prog *prog, const struct ie_image_map *decl, u32 nr,
		      const u32 __user *ufds, u32 nr_fds, struct ie_log *log)
{
	u32 i, fd;

	if (nr != nr_fds) {
		ie_log(log, "prog_load: the image uses %u maps, %u map fds given", nr, nr_fds);
		return -EINVAL;
	}
	if (!nr)
		return 0;
	prog->maps = kcalloc(nr, sizeof(*prog->maps), GFP_KERNEL_ACCOUNT);
	if (!prog->maps)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		const struct ie_image_map *d = &decl[i];
		struct ie_map *map;

		if (get_user(fd, &ufds[i]))
			return -EFAULT;
		map = ie_map_get_fd_ref(fd);
		if (IS_ERR(map)) {
			ie_log(log, "map '%s': fd %u is not an innerext map", d->name, fd);
			return PTR_ERR(map);
		}
		prog->maps[prog->nr_maps++] = map;
		atomic_inc(&map->nr_progs);
		if (map->type != d->type || map->key_size != d->key_size ||
		    map->value_size != d->value_size || map->max_entries != d->max_entries ||
		    map->map_flags != d->map_flags) {
			ie_log(log, "map '%s': fd %u is %s key %u value %u max %u, the program declares %s key %u value %u max %u",
			       d->name, fd, ie_map_type_names[map->type], map->key_size,
			       map->value_size, map->max_entries,
			       d->type <= IE_MAP_TYPE_MAX && ie_map_type_names[d->type] ?
			       ie_map_type_names[d->type] : "?", d->key_size, d->value_size,
			       d->max_entries);
			return -EINVAL;
		}
		((struct ie_map_def *)((u8 *)prog->data + d->def_off))->slot = i;
	}
	return 0;
}

void ie_prog_unbind_maps(struct ie_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->nr_maps; i++) {
		atomic_dec(&prog->maps[i]->nr_progs);
		ie_map_put(prog->maps[i]);
	}
	kfree(prog->maps);
	prog->maps = NULL;
	prog->nr_maps = 0;
}

u32 ie_prog_map_id(const struct ie_prog *prog, u32 i)
{
	return prog->maps[i]->id;
}

bool ie_prog_owns_mem(struct ie_prog *prog, unsigned long addr, u32 size)
{
	u32 i;

	if (ie_mem_within(addr, size, (unsigned long)prog->data, prog->data_alloc))
		return true;
	for (i = 0; i < prog->nr_maps; i++) {
		struct ie_map *map = prog->maps[i];

		if (map->ops->contains && map->ops->contains(map, addr, size))
			return true;
	}
	return false;
}
