// SPDX-License-Identifier: GPL-2.0
/*
 * innerext: native kernel extensions without a verifier, on stock kernels.
 *
 * /dev/innerext (0600) takes the ioctls of uapi/linux/innerext.h and serves
 * trace lines with read(2). Programs and links are anon-inode fds; each pins
 * the module, so rmmod refuses while any is open. Persistent links are owned
 * by the module and detached cleanly by rmmod.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "innerext_int.h"
#include "arena.h"
#include "map.h"

int ie_copy_args_min(void *karg, size_t ksize, size_t minsize, const void __user *uarg,
		     size_t usize)
{
	u32 size;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	/* the size field must agree with the size encoded in the command */
	if (size != usize || usize < minsize)
		return -EINVAL;
	/* a newer, larger struct is fine only if everything we do not know is zero */
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

int ie_copy_args(void *karg, size_t ksize, const void __user *uarg, size_t usize)
{
	return ie_copy_args_min(karg, ksize, ksize, uarg, usize);
}

static long ie_cmd_get_version(void __user *uarg, size_t usize)
{
	struct ie_version v;
	int err;

	err = ie_copy_args(&v, sizeof(v), uarg, usize);
	if (err)
		return err;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.abi_version = INNEREXT_ABI_VERSION;
	v.features = IE_FEAT_KPROBE | IE_FEAT_TRACEPOINT | IE_FEAT_SYSCALL_FILTER |
		     IE_FEAT_TRACE_READ | IE_FEAT_MAPS | IE_FEAT_XDP | IE_FEAT_RUNTIME;
	if (ie_sign_supported())
		v.features |= IE_FEAT_SIGNED;
	if (ie_sign_required())
		v.features |= IE_FEAT_SIG_REQUIRED;
	v.max_image_size = IE_MAX_IMAGE_SIZE;
	v.max_entries = IE_MAX_ENTRIES;
	ie_arena_usage(&v.text_arena_size, &v.text_arena_free,
		       &v.data_arena_size, &v.data_arena_free);
	v.nr_progs = ie_prog_count();
	v.nr_links = ie_link_count();
	if (copy_to_user(uarg, &v, min(usize, sizeof(v))))
		return -EFAULT;
	return 0;
}

static long ie_cmd_get_next_id(void __user *uarg, size_t usize)
{
	struct ie_get_next_id a;
	int err;

	err = ie_copy_args(&a, sizeof(a), uarg, usize);
	if (err)
		return err;
	if (memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	switch (a.type) {
	case IE_OBJ_PROG:
		err = ie_prog_next_id(a.start_id, &a.next_id);
		break;
	case IE_OBJ_LINK:
		err = ie_link_next_id(a.start_id, &a.next_id);
		break;
	case IE_OBJ_MAP:
		err = ie_map_next_id(a.start_id, &a.next_id);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	if (put_user(a.next_id, &((struct ie_get_next_id __user *)uarg)->next_id))
		return -EFAULT;
	return 0;
}

struct ie_cmd {
	unsigned int cmd;
	bool need_admin;
	long (*fn)(void __user *uarg, size_t usize);
};

/* Indexed by _IOC_NR. Everything but the version query needs CAP_SYS_ADMIN. */
static const struct ie_cmd ie_cmds[] = {
	{ IE_IOC_GET_VERSION,	false,	ie_cmd_get_version },
	{ IE_IOC_PROG_LOAD,	true,	ie_cmd_prog_load },
	{ IE_IOC_LINK_CREATE,	true,	ie_cmd_link_create },
	{ IE_IOC_LINK_DETACH,	true,	ie_cmd_link_detach },
	{ IE_IOC_GET_NEXT_ID,	true,	ie_cmd_get_next_id },
	{ IE_IOC_PROG_INFO,	true,	ie_cmd_prog_info },
	{ IE_IOC_LINK_INFO,	true,	ie_cmd_link_info },
	{ IE_IOC_MAP_CREATE,	true,	ie_cmd_map_create },
	{ IE_IOC_MAP_GET_FD_BY_ID, true, ie_cmd_map_get_fd },
	{ IE_IOC_MAP_INFO,	true,	ie_cmd_map_info },
};

static long ie_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct ie_cmd *c;

	if (_IOC_TYPE(cmd) != IE_IOC_MAGIC || nr >= ARRAY_SIZE(ie_cmds))
		return -ENOTTY;
	c = &ie_cmds[nr];
	if (_IOC_DIR(cmd) != _IOC_DIR(c->cmd))
		return -ENOTTY;
	/* sizes below v1 are refused by ie_copy_args; cap absurd ones here */
	if (_IOC_SIZE(cmd) > PAGE_SIZE)
		return -E2BIG;
	if (c->need_admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return c->fn((void __user *)arg, _IOC_SIZE(cmd));
}

static const struct file_operations ie_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= ie_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.read		= ie_trace_read,
	.poll		= ie_trace_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice ie_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "innerext",
	.fops	= &ie_dev_fops,
	.mode	= 0600,
};

static int __init ie_init(void)
{
	int err;

	err = ie_sign_init();
	if (err)
		return err;
	err = ie_arena_init();
	if (err)
		goto err_sign;
	err = ie_ext_stacks_init();
	if (err)
		goto err_arena;
	err = ie_watchdog_init();
	if (err)
		goto err_stacks;
	err = ie_fault_init();
	if (err)
		goto err_watchdog;
	err = ie_runtime_init();
	if (err)
		goto err_fault;
	err = ie_trace_init();
	if (err)
		goto err_runtime;
	err = ie_maps_init();
	if (err)
		goto err_trace;
	err = ie_xdp_init();
	if (err)
		goto err_maps;
	err = misc_register(&ie_miscdev);
	if (err)
		goto err_xdp;
	pr_info(IE_PR_PREFIX "ready: /dev/innerext, ABI %u\n", INNEREXT_ABI_VERSION);
	return 0;

err_xdp:
	ie_xdp_exit();
err_maps:
	ie_maps_exit();
err_trace:
	ie_trace_exit();
err_runtime:
	ie_runtime_exit();
err_fault:
	ie_fault_exit();
err_watchdog:
	ie_watchdog_exit();
err_stacks:
	ie_ext_stacks_exit();
err_arena:
	ie_arena_exit();
err_sign:
	ie_sign_exit();
	return err;
}

static void __exit ie_exit(void)
{
	misc_deregister(&ie_miscdev);
	ie_xdp_exit();
	ie_links_exit();
	ie_runtime_exit();	/* breakers in flight finish */
	ie_maps_exit();
	/* every fd pins the module and persistent links are gone: nothing may remain */
	WARN_ON(ie_prog_count() || ie_link_count() || ie_map_count());
	ie_trace_exit();
	ie_fault_exit();
	ie_watchdog_exit();
	ie_ext_stacks_exit();
	ie_arena_exit();
	ie_sign_exit();
	pr_info(IE_PR_PREFIX "unloaded\n");
}

module_init(ie_init);
module_exit(ie_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("innerext developers");
MODULE_DESCRIPTION("innerext: native kernel extensions with a runtime instead of a verifier");
MODULE_VERSION("0.1");
