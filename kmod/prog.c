// SPDX-License-Identifier: GPL-2.0
/*
 * Programs: IE_IOC_PROG_LOAD validates an image, resolves its imports, places
 * text and data in the arenas, applies relocations and hands back an
 * anon-inode fd. A program lives while its fd or any link holds a reference.
 */
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "innerext_int.h"
#include "arena.h"
#include "image.h"
#include "objs.h"

#define IE_TEXT_ALIGN	64

static struct ie_ids ie_prog_ids = IE_IDS_INIT(ie_prog_ids);

static void ie_prog_free(struct ie_prog *prog)
{
	ie_prog_runtime_release(prog);
	if (prog->text)
		ie_text_free(prog->text, prog->text_alloc);
	ie_prog_unbind_maps(prog);
	if (prog->data)
		ie_data_free(prog->data, prog->data_alloc);
	free_percpu(prog->stats);
	kfree(prog->entries);
	kfree(prog);
}

/* Process context only: freeing text rewrites arena pages (may sleep). */
void ie_prog_put(struct ie_prog *prog)
{
	if (!refcount_dec_and_test(&prog->ref))
		return;
	ie_ids_remove(&ie_prog_ids, prog->id);
	ie_prog_free(prog);
}

static void ie_prog_put_void(void *prog)
{
	ie_prog_put(prog);
}

static int ie_prog_release(struct inode *inode, struct file *file)
{
	ie_prog_put(file->private_data);
	return 0;
}

static const struct file_operations ie_prog_fops = {
	.owner		= THIS_MODULE,
	.release	= ie_prog_release,
};

struct ie_prog *ie_prog_get_fd(int fd)
{
	return ie_fd_get(fd, &ie_prog_fops, struct ie_prog, ref);
}

struct ie_prog *ie_prog_get_id(u32 id)
{
	return ie_ids_get_obj(&ie_prog_ids, id, struct ie_prog, ref);
}

int ie_prog_next_id(u32 start, u32 *next)
{
	return ie_ids_next(&ie_prog_ids, start, next);
}

u32 ie_prog_count(void)
{
	return atomic_read(&ie_prog_ids.count);
}

static unsigned long ie_reloc_target(const struct ie_prog *prog, const struct ie_image_reloc *r,
				     void * const *imports)
{
	switch (r->target_seg) {
	case IE_SEG_TEXT:
		return (unsigned long)prog->text + r->target;
	case IE_SEG_DATA:
		return (unsigned long)prog->data + r->target;
	default:
		return (unsigned long)imports[r->target];
	}
}

/* Patch one validated relocation; text is patched in @tbuf, its final address is prog->text. */
static int ie_apply_reloc(struct ie_prog *prog, u8 *tbuf, const struct ie_image_reloc *r,
			  void * const *imports, u32 idx, struct ie_log *log)
{
	bool in_text = r->seg == IE_SEG_TEXT;
	u8 *loc = (in_text ? tbuf : (u8 *)prog->data) + r->offset;
	s64 p = (s64)((unsigned long)(in_text ? prog->text : prog->data) + r->offset);
	s64 val = (s64)ie_reloc_target(prog, r, imports) + r->addend;

	switch (r->type) {
	case IE_RELOC_ABS64:
		put_unaligned((u64)val, (u64 *)loc);
		return 0;
	case IE_RELOC_PC32:
		val -= p;
		break;
	case IE_RELOC_ABS32S:
		break;
	}
	if (val != (s64)(s32)val) {
		ie_log(log, "reloc #%u: the value does not fit in 32 bits (target out of rel32 reach)",
		       idx);
		return -ERANGE;
	}
	put_unaligned((s32)val, (s32 *)loc);
	return 0;
}

static int ie_resolve_imports(const struct ie_image_view *v, void **imports, struct ie_log *log)
{
	u32 i;

	for (i = 0; i < v->hdr->nr_imports; i++) {
		imports[i] = ie_helper_lookup(v->imports[i].name);
		if (!imports[i]) {
			ie_log(log, "unknown helper '%s' (import #%u): not provided by this module",
			       v->imports[i].name, i);
			return -ENOENT;
		}
	}
	return 0;
}

static int ie_prog_place(struct ie_prog *prog, const struct ie_image_view *v, void **imports,
			 struct ie_log *log)
{
	const struct ie_image_hdr *h = v->hdr;
	u64 tsize, tfree, dsize, dfree;
	u8 *tbuf;
	u32 i;
	int err = 0;

	prog->text_alloc = ALIGN(h->text_size, IE_TEXT_ALIGN);
	prog->data_alloc = ALIGN(max_t(u32, h->data_mem_size, 1), IE_TEXT_ALIGN);
	prog->text = ie_text_alloc(prog->text_alloc);
	prog->data = prog->text ? ie_data_alloc(prog->data_alloc) : NULL;
	if (!prog->text || !prog->data) {
		ie_arena_usage(&tsize, &tfree, &dsize, &dfree);
		ie_log(log, "%s arena full: %u bytes needed, %llu of %llu free",
		       prog->text ? "data" : "text",
		       prog->text ? prog->data_alloc : prog->text_alloc,
		       prog->text ? dfree : tfree, prog->text ? dsize : tsize);
		return -ENOSPC;
	}
	prog->text_size = h->text_size;
	memcpy(prog->data, v->data, h->data_size);	/* the bss tail is already zero */

	tbuf = kvmalloc(h->text_size, GFP_KERNEL_ACCOUNT);
	if (!tbuf)
		return -ENOMEM;
	memcpy(tbuf, v->text, h->text_size);
	for (i = 0; i < h->nr_relocs && !err; i++)
		err = ie_apply_reloc(prog, tbuf, &v->relocs[i], imports, i, log);
	if (!err)
		err = ie_text_write(prog->text, tbuf, h->text_size);
	kvfree(tbuf);
	return err;
}

static int ie_prog_check_attr(const struct ie_prog_load *attr, struct ie_log *log)
{
	if (attr->flags & ~IE_PROG_F_ALL) {
		ie_log(log, "prog_load: unknown flags 0x%x", attr->flags & ~IE_PROG_F_ALL);
		return -EINVAL;
	}
	if (attr->pad || attr->pad2 || attr->pad3) {
		ie_log(log, "prog_load: reserved fields must be 0");
		return -EINVAL;
	}
	if (attr->budget_us > IE_BUDGET_MAX_US) {
		ie_log(log, "prog_load: budget %u us: at most %u us", attr->budget_us,
		       IE_BUDGET_MAX_US);
		return -EINVAL;
	}
	if (attr->fail_action && attr->fail_action != IE_XDP_DROP &&
	    attr->fail_action != IE_XDP_PASS) {
		ie_log(log, "prog_load: fail_action %u: IE_XDP_DROP or IE_XDP_PASS",
		       attr->fail_action);
		return -EINVAL;
	}
	if (attr->abort_window_ms > IE_BREAKER_MAX_WINDOW_MS) {
		ie_log(log, "prog_load: abort window %u ms: at most %u ms", attr->abort_window_ms,
		       IE_BREAKER_MAX_WINDOW_MS);
		return -EINVAL;
	}
	if (!ie_name_valid(attr->name, IE_NAME_LEN, ".-")) {
		ie_log(log, "prog_load: name must be 1..%d characters of [A-Za-z0-9_.-]",
		       IE_NAME_LEN - 1);
		return -EINVAL;
	}
	if (!attr->image_size) {
		ie_log(log, "prog_load: empty image");
		return -EINVAL;
	}
	if (attr->image_size > IE_MAX_IMAGE_SIZE) {
		ie_log(log, "image is %u bytes; the limit is %u", attr->image_size, IE_MAX_IMAGE_SIZE);
		return -E2BIG;
	}
	return ie_sign_check_attr(attr, log);	/* sig, sig_size; required or not */
}

static struct ie_prog *ie_prog_build(const struct ie_prog_load *attr, struct ie_log *log)
{
	struct ie_image_view v;
	struct ie_prog *prog = NULL;
	void **imports = NULL;
	void *img;
	u32 i;
	int err;

	err = ie_prog_check_attr(attr, log);
	if (err)
		return ERR_PTR(err);
	img = kvmalloc(attr->image_size, GFP_KERNEL_ACCOUNT);
	if (!img)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(img, u64_to_user_ptr(attr->image), attr->image_size)) {
		err = -EFAULT;
		goto out;
	}
	/* the bytes checked and placed below are the bytes the signature covers */
	err = ie_sign_verify(img, attr->image_size, attr, log);
	if (err)
		goto out;
	err = ie_image_check(img, attr->image_size, IE_HAVE_IBT ? IE_IMAGE_F_REQUIRE_ENDBR : 0,
			     log, &v);
	if (err)
		goto out;
	imports = kcalloc(max_t(u32, v.hdr->nr_imports, 1), sizeof(*imports), GFP_KERNEL);
	err = -ENOMEM;
	if (!imports)
		goto out;
	err = ie_resolve_imports(&v, imports, log);
	if (err)
		goto out;

	err = -ENOMEM;
	prog = kzalloc(sizeof(*prog), GFP_KERNEL_ACCOUNT);
	if (!prog)
		goto out;
	prog->stats = alloc_percpu(struct ie_prog_stats);
	prog->entries = kcalloc(v.hdr->nr_entries, sizeof(*prog->entries), GFP_KERNEL_ACCOUNT);
	if (!prog->stats || !prog->entries)
		goto out;
	prog->nr_entries = v.hdr->nr_entries;
	for (i = 0; i < prog->nr_entries; i++) {
		strscpy(prog->entries[i].name, v.entries[i].name, IE_NAME_LEN);
		strscpy(prog->entries[i].sec, v.entries[i].sec, IE_SEC_LEN);
		prog->entries[i].text_off = v.entries[i].text_off;
	}
	strscpy(prog->name, attr->name, IE_NAME_LEN);
	refcount_set(&prog->ref, 1);
	atomic_set(&prog->nr_links, 0);
	prog->owner_pid = task_tgid_nr(current);
	ie_prog_runtime_init(prog, attr);
	prog->load_time_ns = ktime_get_boot_fast_ns();

	err = ie_prog_place(prog, &v, imports, log);
	if (!err)
		err = ie_prog_bind_maps(prog, v.maps, v.hdr->nr_maps,
					u64_to_user_ptr(attr->map_fds), attr->nr_map_fds, log);
out:
	kfree(imports);
	kvfree(img);
	if (err) {
		if (prog)
			ie_prog_free(prog);
		return ERR_PTR(err);
	}
	return prog;
}

long ie_cmd_prog_load(void __user *uarg, size_t usize)
{
	struct ie_prog_load attr;
	struct ie_prog_load __user *u = uarg;
	struct ie_prog *prog;
	struct ie_log log;
	int err;

	err = ie_copy_args_min(&attr, sizeof(attr), IE_PROG_LOAD_SIZE_V1, uarg, usize);
	if (err)
		return err;
	err = ie_log_init(&log, attr.log_buf, attr.log_size);
	if (err)
		return err;

	prog = ie_prog_build(&attr, &log);
	if (IS_ERR(prog)) {
		ie_log_finish(&log, attr.log_buf);
		return PTR_ERR(prog);
	}
	err = ie_ids_add(&ie_prog_ids, prog, &prog->id);
	if (err) {
		ie_log_finish(&log, attr.log_buf);
		ie_prog_free(prog);
		return err;
	}
	err = ie_log_finish(&log, attr.log_buf);
	if (err) {
		ie_prog_put(prog);
		return err;
	}
	return ie_fd_install("innerext-prog", &ie_prog_fops, prog, prog->id, &u->prog_id,
			     ie_prog_put_void);
}

long ie_cmd_prog_info(void __user *uarg, size_t usize)
{
	struct ie_prog_info info;
	struct ie_prog *prog;
	u32 id, i, room;
	u64 map_ids;
	int cpu, err;

	err = ie_copy_args_min(&info, sizeof(info), IE_PROG_INFO_SIZE_V1, uarg, usize);
	if (err)
		return err;
	if (info.pad || (!info.map_ids && info.nr_map_ids))
		return -EINVAL;
	id = info.id;
	map_ids = info.map_ids;
	room = info.nr_map_ids;
	prog = ie_prog_get_id(id);
	if (!prog)
		return -ENOENT;
	for (i = 0; i < min(room, prog->nr_maps) && !err; i++)
		if (put_user(ie_prog_map_id(prog, i), (u32 __user *)u64_to_user_ptr(map_ids) + i))
			err = -EFAULT;
	memset(&info, 0, sizeof(info));
	info.map_ids = map_ids;
	info.nr_map_ids = prog->nr_maps;
	info.size = min(usize, sizeof(info));
	info.id = id;
	strscpy(info.name, prog->name, IE_NAME_LEN);
	info.text_size = prog->text_size;
	info.data_size = prog->data_alloc;
	info.nr_entries = prog->nr_entries;
	info.nr_links = atomic_read(&prog->nr_links);
	for_each_possible_cpu(cpu) {
		const struct ie_prog_stats *s = per_cpu_ptr(prog->stats, cpu);

		info.run_cnt += READ_ONCE(s->run_cnt);
		info.run_time_ns += READ_ONCE(s->run_time_ns);
		info.recursion_misses += READ_ONCE(s->misses);
		for (i = 0; i < IE_XDP_NR_ACTIONS; i++)
			info.xdp_actions[i] += READ_ONCE(s->xdp_actions[i]);
		info.xdp_invalid += READ_ONCE(s->xdp_invalid);
		info.xdp_tx_errors += READ_ONCE(s->xdp_tx_errors);
		for (i = 0; i < IE_ABORT_NR_REASONS; i++)
			info.aborts[i] += READ_ONCE(s->aborts[i]);
		info.irqs_off_skips += READ_ONCE(s->irqs_off_skips);
	}
	info.flags = prog->flags;
	info.budget_us = div_u64(prog->budget_ns, NSEC_PER_USEC);
	info.fail_action = prog->fail_action;
	info.max_aborts = prog->max_aborts;
	info.abort_window_ms = prog->abort_window_ms;
	info.breaker_tripped = test_bit(0, &prog->breaker_tripped);
	info.load_time_ns = prog->load_time_ns;
	info.owner_pid = prog->owner_pid;
	info.refcnt = refcount_read(&prog->ref) - 1;	/* not counting ours */
	ie_prog_put(prog);
	if (err)
		return err;
	if (copy_to_user(uarg, &info, min(usize, sizeof(info))))
		return -EFAULT;
	return 0;
}
