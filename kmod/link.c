// SPDX-License-Identifier: GPL-2.0
/*
 * Links: one program entry attached to one hook. A link is an anon-inode fd;
 * with IE_LINK_F_PERSISTENT the module also holds it (like a pinned BPF link)
 * until IE_IOC_LINK_DETACH or rmmod. Attach/detach are serialized by
 * ie_links_mutex; a hook's detach returns only when no invocation still runs.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "innerext_int.h"
#include "objs.h"

static struct ie_ids ie_link_ids = IE_IDS_INIT(ie_link_ids);
static DEFINE_MUTEX(ie_links_mutex);
static LIST_HEAD(ie_persistent_links);

static void ie_link_detach_locked(struct ie_link *link)
{
	lockdep_assert_held(&ie_links_mutex);
	if (!link->attached)
		return;
	link->ops->detach(link);
	link->attached = false;
	atomic_dec(&link->prog->nr_links);
	ie_watchdog_put();
}

void ie_link_put(struct ie_link *link)
{
	if (!refcount_dec_and_test(&link->ref))
		return;
	mutex_lock(&ie_links_mutex);
	ie_link_detach_locked(link);
	mutex_unlock(&ie_links_mutex);
	if (link->id)
		ie_ids_remove(&ie_link_ids, link->id);
	ie_prog_put(link->prog);
	kfree(link);
}

static void ie_link_put_void(void *link)
{
	ie_link_put(link);
}

static int ie_link_release(struct inode *inode, struct file *file)
{
	ie_link_put(file->private_data);
	return 0;
}

static const struct file_operations ie_link_fops = {
	.owner		= THIS_MODULE,
	.release	= ie_link_release,
};

static struct ie_link *ie_link_get_id(u32 id)
{
	return ie_ids_get_obj(&ie_link_ids, id, struct ie_link, ref);
}

int ie_link_next_id(u32 start, u32 *next)
{
	return ie_ids_next(&ie_link_ids, start, next);
}

u32 ie_link_count(void)
{
	return atomic_read(&ie_link_ids.count);
}

static int ie_link_check_attr(const struct ie_link_create *attr, struct ie_log *log)
{
	if (attr->flags & ~IE_LINK_F_ALL) {
		ie_log(log, "link_create: unknown flags 0x%x", attr->flags & ~IE_LINK_F_ALL);
		return -EINVAL;
	}
	if (attr->pad || attr->pad2 || memchr_inv(attr->reserved, 0, sizeof(attr->reserved))) {
		ie_log(log, "link_create: reserved fields must be 0");
		return -EINVAL;
	}
	if (attr->ifindex && attr->hook != IE_HOOK_XDP) {
		ie_log(log, "link_create: ifindex is for xdp links only");
		return -EINVAL;
	}
	if (!memchr(attr->target, 0, IE_TARGET_LEN)) {
		ie_log(log, "link_create: target must be NUL-terminated");
		return -EINVAL;
	}
	if (attr->hook == IE_HOOK_XDP && attr->ifindex && attr->target[0]) {
		ie_log(log, "link_create: xdp: give the interface by name or by ifindex, not both");
		return -EINVAL;
	}
	if (!attr->target[0] && !(attr->hook == IE_HOOK_XDP && attr->ifindex)) {
		ie_log(log, "link_create: target must be a non-empty NUL-terminated string");
		return -EINVAL;
	}
	if (attr->nr_args > 6) {
		ie_log(log, "link_create: nr_args %u: at most 6 register arguments", attr->nr_args);
		return -EINVAL;
	}
	switch (attr->hook) {
	case IE_HOOK_KPROBE:
		if (attr->flags & IE_LINK_F_SYSCALL_NR) {
			ie_log(log, "link_create: IE_LINK_F_SYSCALL_NR needs a tracepoint link");
			return -EINVAL;
		}
		return 0;
	case IE_HOOK_TRACEPOINT:
		return 0;
	case IE_HOOK_XDP:
		if (attr->flags & IE_LINK_F_SYSCALL_NR || attr->nr_args || attr->syscall_nr) {
			ie_log(log, "link_create: xdp links take no syscall filter or nr_args");
			return -EINVAL;
		}
		return 0;
	}
	ie_log(log, "link_create: unknown hook %u", attr->hook);
	return -EINVAL;
}

static const struct ie_hook_ops *ie_hook_ops_of(u32 hook)
{
	switch (hook) {
	case IE_HOOK_KPROBE:
		return &ie_kprobe_ops;
	case IE_HOOK_TRACEPOINT:
		return &ie_tracepoint_ops;
	default:
		return &ie_xdp_ops;
	}
}

static struct ie_link *ie_link_build(const struct ie_link_create *attr, struct ie_log *log)
{
	struct ie_prog *prog;
	struct ie_link *link;
	int err;

	err = ie_link_check_attr(attr, log);
	if (err)
		return ERR_PTR(err);
	prog = ie_prog_get_fd(attr->prog_fd);
	if (IS_ERR(prog)) {
		ie_log(log, "link_create: fd %u is not an innerext program", attr->prog_fd);
		return ERR_CAST(prog);
	}
	if (attr->entry >= prog->nr_entries) {
		ie_log(log, "link_create: entry %u does not exist (program '%s' has %u)",
		       attr->entry, prog->name, prog->nr_entries);
		ie_prog_put(prog);
		return ERR_PTR(-EINVAL);
	}
	link = kzalloc(sizeof(*link), GFP_KERNEL_ACCOUNT);
	if (!link) {
		ie_prog_put(prog);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&link->ref, 1);
	link->prog = prog;
	link->entry = attr->entry;
	link->hook = attr->hook;
	link->flags = attr->flags;
	link->syscall_nr = attr->syscall_nr;
	link->nr_args = attr->nr_args;
	strscpy(link->target, attr->target, IE_TARGET_LEN);
	link->fn = (ie_entry_fn)(prog->text + prog->entries[attr->entry].text_off);
	link->ops = ie_hook_ops_of(attr->hook);
	if (attr->hook == IE_HOOK_XDP)
		link->xdp.ifindex = attr->ifindex;
	INIT_LIST_HEAD(&link->persist_node);
	err = ie_ids_add(&ie_link_ids, link, &link->id);
	if (err) {
		ie_link_put(link);
		return ERR_PTR(err);
	}

	mutex_lock(&ie_links_mutex);
	if (test_bit(0, &prog->breaker_tripped)) {
		ie_log(log, "link_create: program '%s' was detached by its circuit breaker: load it again",
		       prog->name);
		err = -ESTALE;
	} else {
		ie_watchdog_get();	/* ticking before the first invocation */
		err = link->ops->attach(link, log);
		if (err) {
			ie_watchdog_put();
		} else {
			link->attached = true;
			atomic_inc(&prog->nr_links);
		}
	}
	mutex_unlock(&ie_links_mutex);
	if (err) {
		ie_link_put(link);
		return ERR_PTR(err);
	}
	return link;
}

long ie_cmd_link_create(void __user *uarg, size_t usize)
{
	struct ie_link_create attr;
	struct ie_link_create __user *u = uarg;
	struct ie_link *link;
	struct ie_log log;
	int err, fd;

	err = ie_copy_args(&attr, sizeof(attr), uarg, usize);
	if (err)
		return err;
	err = ie_log_init(&log, attr.log_buf, attr.log_size);
	if (err)
		return err;
	link = ie_link_build(&attr, &log);
	err = ie_log_finish(&log, attr.log_buf);
	if (IS_ERR(link))
		return PTR_ERR(link);
	if (err) {
		ie_link_put(link);
		return err;
	}
	/* our own reference keeps the link alive should user space close the fd at once */
	refcount_inc(&link->ref);
	fd = ie_fd_install("innerext-link", &ie_link_fops, link, link->id, &u->link_id,
			   ie_link_put_void);
	if (fd >= 0 && (link->flags & IE_LINK_F_PERSISTENT)) {
		mutex_lock(&ie_links_mutex);
		if (link->attached) {
			link->persistent = true;
			list_add_tail(&link->persist_node, &ie_persistent_links);
			link = NULL;	/* the list owns our reference now */
		}
		mutex_unlock(&ie_links_mutex);
	}
	if (link)
		ie_link_put(link);
	return fd;
}

/* Detach @link now and drop the module's persistent reference, if any. */
void ie_link_detach_now(struct ie_link *link)
{
	bool was_persistent;

	mutex_lock(&ie_links_mutex);
	was_persistent = link->persistent;
	if (was_persistent) {
		list_del_init(&link->persist_node);
		link->persistent = false;
	}
	ie_link_detach_locked(link);
	mutex_unlock(&ie_links_mutex);
	if (was_persistent)
		ie_link_put(link);
}

/*
 * The circuit breaker: take every link of @prog off its hook. The links stay
 * (a persistent one keeps the program listed, detached, until it is unloaded).
 */
unsigned int ie_links_detach_prog(struct ie_prog *prog)
{
	struct ie_link *link;
	unsigned int n = 0;
	u32 id = 0;

	while (!ie_link_next_id(id, &id)) {
		link = ie_link_get_id(id);
		if (!link)
			continue;
		if (link->prog == prog) {
			mutex_lock(&ie_links_mutex);
			if (link->attached) {
				ie_link_detach_locked(link);
				n++;
			}
			mutex_unlock(&ie_links_mutex);
		}
		ie_link_put(link);
	}
	return n;
}

long ie_cmd_link_detach(void __user *uarg, size_t usize)
{
	struct ie_link_detach attr;
	struct ie_link *link;
	int err;

	err = ie_copy_args(&attr, sizeof(attr), uarg, usize);
	if (err)
		return err;
	if (attr.flags || attr.pad || memchr_inv(attr.reserved, 0, sizeof(attr.reserved)))
		return -EINVAL;
	link = ie_link_get_id(attr.link_id);
	if (!link)
		return -ENOENT;
	ie_link_detach_now(link);
	ie_link_put(link);
	return 0;
}

long ie_cmd_link_info(void __user *uarg, size_t usize)
{
	struct ie_link_info info;
	struct ie_link *link;
	int err;
	u32 id;

	err = ie_copy_args(&info, sizeof(info), uarg, usize);
	if (err)
		return err;
	id = info.id;
	link = ie_link_get_id(id);
	if (!link)
		return -ENOENT;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = id;
	info.prog_id = link->prog->id;
	info.entry = link->entry;
	info.hook = link->hook;
	mutex_lock(&ie_links_mutex);
	info.flags = (link->flags & ~IE_LINK_F_PERSISTENT) |
		     (link->persistent ? IE_LINK_F_PERSISTENT : 0);
	info.attached = link->attached && (!link->ops->active || link->ops->active(link));
	mutex_unlock(&ie_links_mutex);
	if (link->hook == IE_HOOK_XDP)
		info.ifindex = READ_ONCE(link->xdp.ifindex);
	strscpy(info.target, link->target, IE_TARGET_LEN);
	strscpy(info.entry_name, link->prog->entries[link->entry].name, IE_NAME_LEN);
	info.syscall_nr = link->syscall_nr;
	info.nr_args = link->nr_args;
	ie_link_put(link);
	if (copy_to_user(uarg, &info, min(usize, sizeof(info))))
		return -EFAULT;
	return 0;
}

/* rmmod: no fd can exist (each pins the module), only persistent links remain. */
void ie_links_exit(void)
{
	struct ie_link *link, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&ie_links_mutex);
	list_splice_init(&ie_persistent_links, &dead);
	list_for_each_entry(link, &dead, persist_node) {
		link->persistent = false;
		ie_link_detach_locked(link);
	}
	mutex_unlock(&ie_links_mutex);
	list_for_each_entry_safe(link, tmp, &dead, persist_node) {
		list_del_init(&link->persist_node);
		ie_link_put(link);
	}
}
