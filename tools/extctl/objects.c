// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Walk the module's programs and links by id, like bpftool walks BPF objects.
 * Objects may vanish between GET_NEXT_ID and *_INFO: those are skipped.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "objects.h"

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	void *p;
	size_t n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	p = reallocarray(*arr, n, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int objects_fetch(int dev_fd, struct ie_objects *objs)
{
	size_t progs_cap = 0, links_cap = 0;
	__u32 id = 0, prev;
	int err;

	memset(objs, 0, sizeof(*objs));
	for (;;) {
		prev = id;
		err = innerext_get_next_id(dev_fd, IE_OBJ_PROG, prev, &id);
		if (err == -ENOENT)
			break;
		if (err) {
			p_err("listing programs: %s", strerror(-err));
			goto fail;
		}
		if (id <= prev) {	/* never loop on a confused module */
			p_err("listing programs: id %u follows id %u", id, prev);
			err = -EPROTO;
			goto fail;
		}
		err = grow((void **)&objs->progs, &progs_cap, objs->nr_progs + 1,
			   sizeof(*objs->progs));
		if (err) {
			p_err("listing programs: %s", strerror(-err));
			goto fail;
		}
		err = innerext_prog_get_info_by_id(dev_fd, id, &objs->progs[objs->nr_progs]);
		if (err == -ENOENT)
			continue;
		if (err) {
			p_err("program id %u: %s", id, strerror(-err));
			goto fail;
		}
		objs->nr_progs++;
	}
	id = 0;
	for (;;) {
		prev = id;
		err = innerext_get_next_id(dev_fd, IE_OBJ_LINK, prev, &id);
		if (err == -ENOENT)
			break;
		if (err) {
			p_err("listing links: %s", strerror(-err));
			goto fail;
		}
		if (id <= prev) {	/* never loop on a confused module */
			p_err("listing links: id %u follows id %u", id, prev);
			err = -EPROTO;
			goto fail;
		}
		err = grow((void **)&objs->links, &links_cap, objs->nr_links + 1,
			   sizeof(*objs->links));
		if (err) {
			p_err("listing links: %s", strerror(-err));
			goto fail;
		}
		err = innerext_link_get_info_by_id(dev_fd, id, &objs->links[objs->nr_links]);
		if (err == -ENOENT)
			continue;
		if (err) {
			p_err("link id %u: %s", id, strerror(-err));
			goto fail;
		}
		objs->nr_links++;
	}
	return 0;
fail:
	objects_free(objs);
	return err;
}

void objects_free(struct ie_objects *objs)
{
	free(objs->progs);
	free(objs->links);
	memset(objs, 0, sizeof(*objs));
}

const char *link_ifname(const struct ie_link_info *l, char buf[IF_NAMESIZE])
{
	if (l->hook != IE_HOOK_XDP || !l->ifindex)
		return NULL;
	return if_indextoname(l->ifindex, buf);
}

bool prog_has_xdp(const struct ie_prog_info *p, const struct ie_objects *objs)
{
	size_t i;

	for (i = 0; i < IE_XDP_NR_ACTIONS; i++)
		if (p->xdp_actions[i])
			return true;
	if (p->xdp_invalid || p->xdp_tx_errors)
		return true;
	for (i = 0; i < objs->nr_links; i++)
		if (objs->links[i].prog_id == p->id && objs->links[i].hook == IE_HOOK_XDP)
			return true;
	return false;
}

void link_describe(const struct ie_link_info *l, char *buf, size_t size)
{
	char ifname[IF_NAMESIZE];
	const char *sc;

	switch (l->hook) {
	case IE_HOOK_XDP:
		if (!l->ifindex)
			snprintf(buf, size, "xdp (device gone)");
		else if (link_ifname(l, ifname))
			snprintf(buf, size, "xdp %s (ifindex %u)", ifname, l->ifindex);
		else
			snprintf(buf, size, "xdp ifindex %u", l->ifindex);
		break;
	case IE_HOOK_KPROBE:
		snprintf(buf, size, "kprobe %s", l->target);
		break;
	case IE_HOOK_TRACEPOINT:
		if (l->flags & IE_LINK_F_SYSCALL_NR) {
			sc = innerext_syscall_name((int)l->syscall_nr);
			if (sc)
				snprintf(buf, size, "tracepoint syscalls:sys_enter_%s", sc);
			else
				snprintf(buf, size, "tracepoint %s (syscall %u)", l->target,
					 l->syscall_nr);
		} else {
			snprintf(buf, size, "tracepoint %s", l->target);
		}
		break;
	default:
		snprintf(buf, size, "hook %u %s", l->hook, l->target);
		break;
	}
}
