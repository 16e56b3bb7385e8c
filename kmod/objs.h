/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What programs, links and maps share: a global id space per object kind
 * (looked up under a spinlock, with a reference taken only while the object
 * is alive) and the way a new object is handed to user space as an fd.
 */
#ifndef IE_OBJS_H
#define IE_OBJS_H

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

struct ie_ids {
	struct idr idr;
	spinlock_t lock;
	atomic_t count;		/* objects with an id */
};

#define IE_IDS_INIT(name) {						\
	.idr = IDR_INIT(name.idr),					\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.count = ATOMIC_INIT(0),					\
}

int ie_ids_add(struct ie_ids *ids, void *obj, u32 *id);
void ie_ids_remove(struct ie_ids *ids, u32 id);
/* The object with @id whose refcount (at @ref_off inside it) could be raised, or NULL. */
void *ie_ids_get(struct ie_ids *ids, u32 id, size_t ref_off);
int ie_ids_next(struct ie_ids *ids, u32 start, u32 *next);

#define ie_ids_get_obj(ids, id, type, member)				\
	((type *)ie_ids_get(ids, id, offsetof(type, member)))

/*
 * The object behind @fd if it is one of ours (@fops), with its refcount (at
 * @ref_off) raised; ERR_PTR(-EBADF) for no fd, ERR_PTR(-EINVAL) for another file.
 */
void *ie_fd_get_obj(int fd, const struct file_operations *fops, size_t ref_off);

#define ie_fd_get(fd, fops, type, member)				\
	((type *)ie_fd_get_obj(fd, fops, offsetof(type, member)))

/*
 * Hand @priv to user space: write @id to @uid, then install an O_CLOEXEC
 * anon-inode fd. Returns the fd. On failure the reference @priv carried is
 * dropped: through @fops->release once the file exists, else through @put.
 */
int ie_fd_install(const char *name, const struct file_operations *fops, void *priv,
		  u32 id, u32 __user *uid, void (*put)(void *priv));

#endif /* IE_OBJS_H */
