/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Snapshot of the module's programs and links (IE_IOC_GET_NEXT_ID + *_INFO). */
#ifndef __EXTCTL_OBJECTS_H
#define __EXTCTL_OBJECTS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <innerext/libinnerext.h>

struct ie_objects {
	struct ie_prog_info *progs;
	size_t nr_progs;
	struct ie_link_info *links;
	size_t nr_links;
};

/* Returns 0, or prints "extctl: ..." and returns -errno. */
int objects_fetch(int dev_fd, struct ie_objects *objs);
void objects_free(struct ie_objects *objs);

/*
 * "tracepoint syscalls:sys_enter_dup", "kprobe __x64_sys_dup", "xdp eth0 (ifindex 2)",
 * "xdp ifindex 7" (no such interface in our network namespace), "xdp (device gone)".
 */
void link_describe(const struct ie_link_info *l, char *buf, size_t size);
/* An xdp link's interface name in the caller's network namespace (in @buf), or NULL. */
const char *link_ifname(const struct ie_link_info *l, char buf[IF_NAMESIZE]);
/* The program has packet counters to show: an xdp link, or any verdict counted. */
bool prog_has_xdp(const struct ie_prog_info *p, const struct ie_objects *objs);

#endif /* __EXTCTL_OBJECTS_H */
