/* SPDX-License-Identifier: GPL-2.0 */
/*
 * innerext module internals: programs, links, the dispatcher and the hooks.
 */
#ifndef IE_INNEREXT_INT_H
#define IE_INNEREXT_INT_H

#include <linux/types.h>
#include <linux/kprobes.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/innerext.h>

#include "log.h"

#define IE_PR_PREFIX	"innerext: "

typedef u64 (*ie_entry_fn)(void *ctx);

struct ie_prog_stats {
	u64 run_cnt;
	u64 run_time_ns;
	u64 misses;
	u64 xdp_actions[IE_XDP_NR_ACTIONS];	/* packet hook verdicts */
	u64 xdp_invalid;
	u64 xdp_tx_errors;
	u64 aborts[IE_ABORT_NR_REASONS];
	u64 irqs_off_skips;
};

struct ie_prog_entry {
	char name[IE_NAME_LEN];
	char sec[IE_SEC_LEN];
	u32 text_off;
};

struct ie_prog {
	refcount_t ref;
	u32 id;
	char name[IE_NAME_LEN];
	void *text;
	u32 text_size;		/* bytes of code */
	u32 text_alloc;		/* bytes reserved in the arena */
	void *data;
	u32 data_alloc;
	u32 nr_entries;
	struct ie_prog_entry *entries;
	struct ie_prog_stats __percpu *stats;
	struct ie_map **maps;	/* bound at load, in the image's map order */
	u32 nr_maps;
	atomic_t nr_links;
	pid_t owner_pid;
	u64 load_time_ns;
	/* the runtime's settings (defaults filled in) and the circuit breaker */
	u32 flags;			/* IE_PROG_F_* */
	u64 budget_ns;
	u32 fail_action;
	u32 max_aborts;
	u32 abort_window_ms;
	unsigned long win_start;	/* jiffies */
	atomic_t win_aborts;
	unsigned long breaker_tripped;	/* bit 0 */
	u32 last_abort;			/* IE_ABORT_* of the newest abort */
	struct irq_work breaker_irq_work;
	struct work_struct breaker_work;
};

struct ie_link;
struct ie_map;
struct ie_image_map;

struct ie_hook_ops {
	const char *name;
	int (*attach)(struct ie_link *link, struct ie_log *log);
	void (*detach)(struct ie_link *link);	/* returns when no invocation runs */
	/* optional: false once the hook went away by itself (device unregistered) */
	bool (*active)(struct ie_link *link);
};

/* The packet hook's part of a link; dev and the rx-handler change under RTNL. */
struct ie_xdp_link {
	struct net_device *dev;		/* NULL once detached or unregistered */
	netdevice_tracker tracker;
	u32 ifindex;			/* as attached, 0 once the device is gone */
	struct work_struct gone_work;	/* drops a persistent link whose device left */
};

struct ie_link {
	refcount_t ref;
	u32 id;
	u32 entry;
	u32 hook;
	u32 flags;
	u32 syscall_nr;
	u32 nr_args;
	char target[IE_TARGET_LEN];
	struct ie_prog *prog;
	ie_entry_fn fn;
	const struct ie_hook_ops *ops;
	bool attached;			/* under ie_links_mutex */
	bool persistent;		/* on ie_persistent_links, under ie_links_mutex */
	struct list_head persist_node;
	union {
		struct kprobe kp;
		struct tracepoint *tp;
		struct ie_xdp_link xdp;
	};
};

/* main.c: the size/reserved rules shared by every command */
int ie_copy_args(void *karg, size_t ksize, const void __user *uarg, size_t usize);
/* the same for a struct that grew: sizes from @minsize (its first version) on */
int ie_copy_args_min(void *karg, size_t ksize, size_t minsize, const void __user *uarg,
		     size_t usize);

/* prog.c */
long ie_cmd_prog_load(void __user *uarg, size_t usize);
long ie_cmd_prog_info(void __user *uarg, size_t usize);
struct ie_prog *ie_prog_get_fd(int fd);
struct ie_prog *ie_prog_get_id(u32 id);
void ie_prog_put(struct ie_prog *prog);
int ie_prog_next_id(u32 start, u32 *next);
u32 ie_prog_count(void);

/* sign.c: signed-image mode (module parameters require_signature, keyring) */
int ie_sign_init(void);
void ie_sign_exit(void);
bool ie_sign_required(void);		/* require_signature=1 */
bool ie_sign_supported(void);		/* signatures can be verified */
/* sig/sig_size well-formed, present when required: 0 or -errno with a log line */
int ie_sign_check_attr(const struct ie_prog_load *attr, struct ie_log *log);
/* verify attr->sig (if any) over the kernel's copy of the image */
int ie_sign_verify(const void *img, u32 img_size, const struct ie_prog_load *attr,
		   struct ie_log *log);

/* breaker.c: the runtime settings of a program and its circuit breaker */
void ie_prog_runtime_init(struct ie_prog *prog, const struct ie_prog_load *attr);
void ie_prog_runtime_release(struct ie_prog *prog);	/* before freeing */
void ie_breaker_note(struct ie_prog *prog, unsigned int reason);	/* any context */
int ie_runtime_init(void);
void ie_runtime_exit(void);

/* map.c: maps as the program sees them */
int ie_prog_bind_maps(struct ie_prog *prog, const struct ie_image_map *decl, u32 nr,
		      const u32 __user *ufds, u32 nr_fds, struct ie_log *log);
void ie_prog_unbind_maps(struct ie_prog *prog);
u32 ie_prog_map_id(const struct ie_prog *prog, u32 i);
int ie_maps_init(void);
void ie_maps_exit(void);

/* link.c */
long ie_cmd_link_create(void __user *uarg, size_t usize);
long ie_cmd_link_detach(void __user *uarg, size_t usize);
long ie_cmd_link_info(void __user *uarg, size_t usize);
int ie_link_next_id(u32 start, u32 *next);
u32 ie_link_count(void);
void ie_links_exit(void);

/*
 * dispatch.c: run @link's program on @ctx. 0 and its return value in *ret;
 * -EBUSY when it was skipped (an extension already runs in this context);
 * -EINTR when the runtime stopped it (*ret is then 0); -EPERM when it was
 * not run because interrupts are off and it was not loaded with
 * IE_PROG_F_IRQS_OFF; -ESTALE when its circuit breaker tripped (its links
 * are being detached).
 */
int ie_dispatch(struct ie_link *link, void *ctx, u64 *ret);
struct ie_prog *ie_current_prog(void);

/* hook_kprobe.c, hook_tracepoint.c, hook_xdp.c */
extern const struct ie_hook_ops ie_kprobe_ops;
extern const struct ie_hook_ops ie_tracepoint_ops;
extern const struct ie_hook_ops ie_xdp_ops;
int ie_xdp_init(void);
void ie_xdp_exit(void);		/* before ie_links_exit(): no more device-gone work */
/* link.c, for a hook whose target went away: detach, drop persistence */
void ie_link_detach_now(struct ie_link *link);
void ie_link_put(struct ie_link *link);
unsigned int ie_links_detach_prog(struct ie_prog *prog);	/* returns how many */

/* watchdog.c: per-CPU timers run while any link is attached */
int ie_watchdog_init(void);
void ie_watchdog_exit(void);
void ie_watchdog_get(void);	/* process context, a link was attached */
void ie_watchdog_put(void);

/* fault.c: #GP, #UD, #DE in extension code abort the invocation */
int ie_fault_init(void);
void ie_fault_exit(void);

/* ext_stack.c: per-CPU, per-context extension stacks */
int ie_ext_stacks_init(void);
void ie_ext_stacks_exit(void);

/* helpers.c */
void *ie_helper_lookup(const char *name);

/* trace_ring.c: lines printed by extensions, read from /dev/innerext */
int ie_trace_init(void);
void ie_trace_exit(void);
void ie_trace_emit(const char *prog_name, const char *msg);
ssize_t ie_trace_read(struct file *file, char __user *buf, size_t count, loff_t *ppos);
__poll_t ie_trace_poll(struct file *file, struct poll_table_struct *wait);

#endif /* IE_INNEREXT_INT_H */
