// SPDX-License-Identifier: GPL-2.0
/* Object ids and fds, shared by programs, links and maps. */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "objs.h"

int ie_ids_add(struct ie_ids *ids, void *obj, u32 *id)
{
	int ret;

	idr_preload(GFP_KERNEL);
	spin_lock(&ids->lock);
	ret = idr_alloc_cyclic(&ids->idr, obj, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock(&ids->lock);
	idr_preload_end();
	if (ret < 0)
		return ret;
	*id = ret;
	atomic_inc(&ids->count);
	return 0;
}

void ie_ids_remove(struct ie_ids *ids, u32 id)
{
	spin_lock(&ids->lock);
	idr_remove(&ids->idr, id);
	spin_unlock(&ids->lock);
	atomic_dec(&ids->count);
}

void *ie_ids_get(struct ie_ids *ids, u32 id, size_t ref_off)
{
	void *obj;

	spin_lock(&ids->lock);
	obj = idr_find(&ids->idr, id);
	if (obj && !refcount_inc_not_zero((refcount_t *)((char *)obj + ref_off)))
		obj = NULL;
	spin_unlock(&ids->lock);
	return obj;
}

int ie_ids_next(struct ie_ids *ids, u32 start, u32 *next)
{
	int id = start + 1;
	void *p;

	if (start >= INT_MAX)
		return -ENOENT;
	spin_lock(&ids->lock);
	p = idr_get_next(&ids->idr, &id);
	spin_unlock(&ids->lock);
	if (!p)
		return -ENOENT;
	*next = id;
	return 0;
}

void *ie_fd_get_obj(int fd, const struct file_operations *fops, size_t ref_off)
{
	struct fd f = fdget(fd);
	void *obj;

	if (!fd_file(f))
		return ERR_PTR(-EBADF);
	obj = ERR_PTR(-EINVAL);
	if (fd_file(f)->f_op == fops) {
		obj = fd_file(f)->private_data;
		refcount_inc((refcount_t *)((char *)obj + ref_off));
	}
	fdput(f);
	return obj;
}

int ie_fd_install(const char *name, const struct file_operations *fops, void *priv,
		  u32 id, u32 __user *uid, void (*put)(void *priv))
{
	struct file *file;
	int fd;

	if (put_user(id, uid)) {
		put(priv);
		return -EFAULT;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		put(priv);
		return fd;
	}
	file = anon_inode_getfile(name, fops, priv, O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		put(priv);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}
