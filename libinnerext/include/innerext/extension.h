/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * innerext extension SDK: include this in extension sources and build them with the
 * flags from libinnerext/innerext.mk (or `pkg-config --cflags innerext`).
 *
 *   #include <innerext/extension.h>
 *
 *   SEC("kprobe/do_sys_openat2")
 *   int trace_open(struct ie_pt_regs *regs)
 *   {
 *           ie_printk("openat2 dfd %d", (int)IE_PT_REGS_PARM1(regs));
 *           return 0;
 *   }
 *
 * Extensions are native x86-64 code running in the kernel: no verifier checks them.
 * Loops, recursion and large programs are fine; the runtime bounds time and stack.
 * Only the helpers declared below (and memset/memcpy/memmove/memcmp) may be called;
 * read memory you do not own through the ie_probe_read_* helpers.
 *
 * Program contexts (the single argument of a program):
 *   SEC("kprobe/FUNC")                   struct ie_pt_regs *   (registers at FUNC's entry)
 *   SEC("tracepoint/CAT/NAME")           struct ie_tp_ctx *    (the tracepoint's arguments)
 *   SEC("tracepoint/syscalls/sys_enter_X") struct ie_syscall_ctx * (nr + 6 arguments)
 *   SEC("xdp")                           struct ie_xdp_md *    (a received frame: <innerext/packet.h>)
 */
#ifndef __INNEREXT_EXTENSION_H
#define __INNEREXT_EXTENSION_H

/*
 * Catch builds without the SDK flags early, with a reason. The loader refuses what
 * it can see in the object (relocation types, stack protector), but SIMD code is
 * invisible there and would corrupt user-space FPU state. Define
 * INNEREXT_NO_BUILD_CHECKS to skip these (tests of the loader do).
 */
#ifndef INNEREXT_NO_BUILD_CHECKS
#if !defined(__x86_64__)
#error "innerext extensions are x86-64 code: build with the flags from innerext.mk"
#endif
#if defined(__SSE__) || defined(__MMX__)
#error "innerext: build with -mgeneral-regs-only (innerext.mk): the kernel does not save SIMD state for extensions"
#endif
#if defined(__SSP__) || defined(__SSP_ALL__) || defined(__SSP_STRONG__) || defined(__SSP_EXPLICIT__)
#error "innerext: build with -fno-stack-protector (innerext.mk)"
#endif
#if defined(__PIC__) || defined(__PIE__)
#error "innerext: build with -fno-pic -fno-pie (innerext.mk)"
#endif
#if !defined(__code_model_kernel__)
#error "innerext: build with -mcmodel=kernel (innerext.mk)"
#endif
#endif /* INNEREXT_NO_BUILD_CHECKS */

#include <linux/types.h>
#include <linux/innerext.h>

/* ---------------------------------------------------------------- attributes */

#ifndef SEC
#define SEC(name)	__attribute__((section(name), used))
#endif
/* <linux/stddef.h> may have defined it as plain __inline__: ours must win */
#undef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#ifndef __noinline
#define __noinline	__attribute__((noinline))
#endif
#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* ---------------------------------------------------------------- contexts */

/* The kernel's x86-64 struct pt_regs, as passed to kprobe programs. */
struct ie_pt_regs {
	__u64 r15;
	__u64 r14;
	__u64 r13;
	__u64 r12;
	__u64 bp;
	__u64 bx;
	__u64 r11;
	__u64 r10;
	__u64 r9;
	__u64 r8;
	__u64 ax;
	__u64 cx;
	__u64 dx;
	__u64 si;
	__u64 di;
	__u64 orig_ax;
	__u64 ip;
	__u64 cs;
	__u64 flags;
	__u64 sp;
	__u64 ss;
};

/* Arguments of the probed function (System V ABI). For the __x64_sys_* syscall
 * wrappers, PARM1 is the syscall's own struct pt_regs * (read it with
 * ie_probe_read_kernel). */
#define IE_PT_REGS_PARM1(x)	((x)->di)
#define IE_PT_REGS_PARM2(x)	((x)->si)
#define IE_PT_REGS_PARM3(x)	((x)->dx)
#define IE_PT_REGS_PARM4(x)	((x)->cx)
#define IE_PT_REGS_PARM5(x)	((x)->r8)
#define IE_PT_REGS_PARM6(x)	((x)->r9)
#define IE_PT_REGS_RC(x)	((x)->ax)
#define IE_PT_REGS_IP(x)	((x)->ip)
#define IE_PT_REGS_SP(x)	((x)->sp)
#define IE_PT_REGS_FP(x)	((x)->bp)

/* ---------------------------------------------------------------- helpers */
/*
 * Resolved by name by innerext.ko at load; any other undefined symbol is refused
 * (besides memset, memcpy, memmove, memcmp and the compiler's __x86_* thunks).
 * Functions returning long return 0 (or a length) on success, a negative errno on
 * failure.
 */

/* Print a line to the trace buffer (read it with `extctl trace`). Supports
 * %d %i %u %x %ld %lu %lx %lld %llu %llx %c %s %p %%, at most 4 arguments;
 * %s arguments must point to kernel memory (copy user strings first). */
long ie_trace_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* CLOCK_MONOTONIC in ns. */
__u64 ie_ktime_get_ns(void);
__u64 ie_jiffies64(void);
/* Current task: tgid << 32 | pid (user space calls them pid << 32 | tid). */
__u64 ie_get_current_pid_tgid(void);
/* Current task's comm, NUL-terminated, truncated to @size. */
long ie_get_current_comm(char *buf, __u32 size);
__u32 ie_get_smp_processor_id(void);

/* Fault-safe copies: 0, or -EFAULT with @dst zeroed. */
long ie_probe_read_kernel(void *dst, __u32 size, const void *src);
long ie_probe_read_user(void *dst, __u32 size, const void *src);
/* NUL-terminated string copies: length including the NUL, or -errno. */
long ie_probe_read_kernel_str(void *dst, __u32 size, const void *src);
long ie_probe_read_user_str(void *dst, __u32 size, const void *src);

/* Compiler-emitted calls the module resolves (declared for explicit use). */
void *memset(void *s, int c, unsigned long n);
void *memcpy(void *dst, const void *src, unsigned long n);
void *memmove(void *dst, const void *src, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

/* ---------------------------------------------------------------- maps */
/*
 * Maps live in the module; an extension declares them in the ".maps" section
 * and passes the definition's address to the helpers:
 *
 *   IE_MAP(counts, IE_MAP_HASH, __u32, __u64, 1024, 0);
 *   IE_RINGBUF(events, 64 * 1024);
 *
 *   __u64 *v = ie_map_lookup_elem(&counts, &key);
 *
 * libinnerext creates each map when the object is loaded (or reuses a map
 * given with innerext_map__reuse_fd()) and the module binds it to the program.
 * Types: IE_MAP_ARRAY and IE_MAP_PERCPU_ARRAY (key: __u32 index), IE_MAP_HASH,
 * IE_MAP_PERCPU_HASH, IE_MAP_LRU_HASH, IE_MAP_RINGBUF (IE_RINGBUF: a power of
 * 2 of at least 4096 bytes). Element values may be written through the pointer
 * lookup returns (use __sync_fetch_and_add() & co. where CPUs share them).
 */
#define IE_MAP(name, _type, key_type, value_type, _max_entries, _flags)		\
	struct ie_map_def name SEC(".maps") = {					\
		.type = (_type),						\
		.key_size = sizeof(key_type),					\
		.value_size = sizeof(value_type),				\
		.max_entries = (_max_entries),					\
		.map_flags = (_flags),						\
	}

#define IE_RINGBUF(name, bytes)							\
	struct ie_map_def name SEC(".maps") = {					\
		.type = IE_MAP_RINGBUF,						\
		.max_entries = (bytes),						\
	}

/* The value stored for @key, or NULL. Valid until the program returns. */
void *ie_map_lookup_elem(void *map, const void *key);
/* flags: IE_ANY, IE_NOEXIST (-EEXIST if present), IE_EXIST (-ENOENT if absent).
 * -E2BIG when a (non-LRU) hash map is full. */
long ie_map_update_elem(void *map, const void *key, const void *value, __u64 flags);
/* -ENOENT if absent; -EINVAL for arrays. */
long ie_map_delete_elem(void *map, const void *key);

/*
 * Ring buffers (IE_RINGBUF), read in user space with innerext_ringbuf__poll() or
 * `extctl events MAP`: reserve + fill + submit (or discard), or output (a copy).
 * Records are 1 .. ring size / 2 bytes; flags must be 0.
 *
 * ie_ringbuf_reserve: 8-byte aligned room for @size bytes, or NULL (ring full: counted
 * as dropped; or bad arguments). Every reservation must be submitted or discarded by
 * the same invocation; at most 16 may be outstanding at once. One still held when the
 * program returns is discarded for it, with a line in `extctl trace`, and so is a
 * submit of a pointer that is not a live reservation (ignored). Do not write before
 * the record: its 8-byte header is there.
 * ie_ringbuf_output: 0, -EAGAIN (full, counted as dropped), -EINVAL or -EFAULT (@data
 * unreadable).
 */
void *ie_ringbuf_reserve(void *rb, __u64 size, __u64 flags);
void ie_ringbuf_submit(void *data, __u64 flags);
void ie_ringbuf_discard(void *data, __u64 flags);
long ie_ringbuf_output(void *rb, void *data, __u64 size, __u64 flags);

/* ---------------------------------------------------------------- the runtime */

/*
 * A spin lock shared between invocations (on all CPUs) and between programs
 * sharing a map: put one in the program's data or in an array or hash map
 * value (not per-CPU), zero-initialized, and bracket the critical section:
 *
 *   struct counter { struct ie_spin_lock lock; __u64 a, b; };
 *   ie_spin_lock(&c->lock); c->a++; c->b++; ie_spin_unlock(&c->lock);
 *
 * Interrupts stay on. At most 4 held at once. A lock still held when the
 * invocation ends (returned, or stopped by the runtime) is released for it;
 * a waiter that cannot get the lock within its time budget is stopped.
 * Misuse (a lock elsewhere, unlocking one not held) stops the invocation.
 */
struct ie_spin_lock {
	__u32 val;
};

long ie_spin_lock(struct ie_spin_lock *lock);
long ie_spin_unlock(struct ie_spin_lock *lock);

/*
 * Stop this invocation now, as the runtime does when the time budget or the
 * stack runs out (counted as a "helper" abort; the packet hook applies the
 * program's fail action). Locks and ring buffer records are released.
 */
void ie_abort(void);

/*
 * ie_printk("fmt", args...): the format lives in a static const array (.rodata) and
 * is checked by the compiler like printf's; at most 4 arguments.
 */
extern int ____ie_printk_check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define ____ie_nargs(...)	____ie_nargs_(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ____ie_nargs_(_, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, N, ...) N

#define ie_printk(fmt, ...)							\
({										\
	static const char ____ie_fmt[] = fmt;					\
	_Static_assert(____ie_nargs(__VA_ARGS__) <= 4,				\
		       "ie_printk: at most 4 arguments");			\
	(void)sizeof(____ie_printk_check(fmt, ##__VA_ARGS__));			\
	ie_trace_printk(____ie_fmt, ##__VA_ARGS__);				\
})

#endif /* __INNEREXT_EXTENSION_H */
