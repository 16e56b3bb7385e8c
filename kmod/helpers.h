/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers callable from extensions, resolved by name at load. Each family
 * lives in its own file: helpers_trace.c, helpers_task.c, helpers_probe.c.
 * The names and signatures are the SDK's (libinnerext/include/innerext/extension.h).
 */
#ifndef IE_HELPERS_H
#define IE_HELPERS_H

#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/types.h>

/* helpers_trace.c */
long ie_trace_printk(const char *fmt, ...);

/* helpers_task.c */
u64 ie_ktime_get_ns(void);
u64 ie_jiffies64(void);
u64 ie_get_current_pid_tgid(void);
long ie_get_current_comm(char *buf, u32 size);
u32 ie_get_smp_processor_id(void);

/* helpers_probe.c */
long ie_probe_read_kernel(void *dst, u32 size, const void *src);
long ie_probe_read_user(void *dst, u32 size, const void *src);
long ie_probe_read_kernel_str(void *dst, u32 size, const void *src);
long ie_probe_read_user_str(void *dst, u32 size, const void *src);
/* Copy a NUL-terminated string from any address without faulting; used by %s too. */
long ie_read_str_nofault(char *dst, u32 size, unsigned long src, bool user);

/* helpers_map.c */
void *ie_map_lookup_elem(void *def, const void *key);
long ie_map_update_elem(void *def, const void *key, const void *value, u64 flags);
long ie_map_delete_elem(void *def, const void *key);

/* helpers_ringbuf.c */
void *ie_ringbuf_reserve(void *ringbuf, u64 size, u64 flags);
void ie_ringbuf_submit(void *data, u64 flags);
void ie_ringbuf_discard(void *data, u64 flags);
long ie_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags);

/* helpers_lock.c: the runtime's own helpers */
long ie_spin_lock(u32 *lock);
long ie_spin_unlock(u32 *lock);
void ie_abort(void);

/* ext_stack.c: -finstrument-functions hooks */
void ie_stack_enter(void *fn, void *call_site);
void ie_stack_exit(void *fn, void *call_site);

/*
 * Reservations an invocation still holds are discarded when it returns:
 * ie_ringbuf_run_end() in runtime.h, so a forgotten submit cannot stall a ring.
 */

#endif /* IE_HELPERS_H */
