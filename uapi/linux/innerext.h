/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * innerext user-space ABI, version 1.
 *
 * Rules (Documentation/process/botching-up-ioctls.rst):
 *  - fixed-size types only, explicit padding, every struct a multiple of 8 bytes;
 *  - pointers travel as __aligned_u64;
 *  - every struct starts with its own size (__u32 size), so it can grow at the end:
 *    the kernel accepts sizes from the first published size up to its own, and a larger
 *    struct only if every byte past what it knows is zero (-E2BIG otherwise);
 *  - unknown flags and non-zero reserved/padding fields are refused with -EINVAL;
 *  - new behaviour gets a new command number, never a new meaning of an old one.
 *
 * Every command that takes a log buffer writes a NUL-terminated, human-readable reason
 * there when it refuses (like the BPF verifier log).
 */
#ifndef _UAPI_LINUX_INNEREXT_H
#define _UAPI_LINUX_INNEREXT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define INNEREXT_DEV_PATH	"/dev/innerext"
#define INNEREXT_ABI_VERSION	1

#define IE_NAME_LEN		32	/* program, entry and import names incl. NUL */
#define IE_SEC_LEN		64	/* entry section name incl. NUL */
#define IE_TARGET_LEN		128	/* attach target ("sym", "cat:name") incl. NUL */
#define IE_LOG_MAX		(1U << 20)	/* largest accepted log buffer */

/* ---------------------------------------------------------------- image format */

/*
 * A pre-linked native extension image, produced by libinnerext from an ELF
 * relocatable object. Layout (all offsets from the start of the image, 8-byte
 * aligned, no overlap, all inside image_size):
 *
 *   struct ie_image_hdr
 *   text bytes          [text_off, text_off + text_size)       executable code
 *   data bytes          [data_off, data_off + data_size)       rodata + data
 *                       data_mem_size >= data_size; the rest (bss) is zero-filled
 *   struct ie_image_reloc   relocs[nr_relocs]
 *   struct ie_image_import  imports[nr_imports]
 *   struct ie_image_entry   entries[nr_entries]
 *   struct ie_image_map     maps[nr_maps]
 */
#define IE_IMAGE_MAGIC		0x54584549U	/* "IEXT" little-endian */
#define IE_IMAGE_VERSION	1

struct ie_image_hdr {
	__u32 magic;		/* IE_IMAGE_MAGIC */
	__u32 version;		/* IE_IMAGE_VERSION */
	__u32 hdr_size;		/* sizeof(struct ie_image_hdr) */
	__u32 flags;		/* none defined: must be 0 */
	__u32 text_off;
	__u32 text_size;
	__u32 data_off;
	__u32 data_size;	/* bytes present in the image */
	__u32 data_mem_size;	/* bytes placed (>= data_size, rest zeroed) */
	__u32 relocs_off;
	__u32 nr_relocs;
	__u32 imports_off;
	__u32 nr_imports;
	__u32 entries_off;
	__u32 nr_entries;
	__u32 maps_off;
	__u32 nr_maps;
	__u32 reserved[7];	/* must be 0 */
};

/* segments */
enum ie_seg {
	IE_SEG_TEXT	= 0,
	IE_SEG_DATA	= 1,
	IE_SEG_IMPORT	= 2,	/* reloc target only: index into imports[] */
};

/* relocation types (x86-64) */
enum ie_reloc_type {
	IE_RELOC_ABS64	= 1,	/* *(u64 *)P = S + A                 (R_X86_64_64)        */
	IE_RELOC_PC32	= 2,	/* *(s32 *)P = S + A - P             (R_X86_64_PC32/PLT32) */
	IE_RELOC_ABS32S	= 3,	/* *(s32 *)P = S + A, sign-extends   (R_X86_64_32S)        */
};

struct ie_image_reloc {
	__u32 offset;		/* where to patch, inside segment @seg */
	__u8  seg;		/* IE_SEG_TEXT or IE_SEG_DATA */
	__u8  type;		/* enum ie_reloc_type */
	__u8  target_seg;	/* IE_SEG_TEXT, IE_SEG_DATA or IE_SEG_IMPORT */
	__u8  pad;		/* must be 0 */
	__u32 target;		/* offset in target segment, or import index */
	__u32 reserved;		/* must be 0 */
	__s64 addend;
};

struct ie_image_import {
	char name[IE_NAME_LEN];	/* helper name, NUL-terminated, e.g. "ie_trace_printk" */
};

struct ie_image_entry {
	char name[IE_NAME_LEN];	/* function name */
	char sec[IE_SEC_LEN];	/* section name, e.g. "kprobe/__x64_sys_dup" */
	__u32 text_off;		/* entry point, inside text */
	__u32 flags;		/* none defined: must be 0 */
};

/*
 * A map the program uses. Its definition (struct ie_map_def) sits in the data
 * segment at def_off; at load the module checks that the map fd passed for it
 * (ie_prog_load.map_fds[i] for maps[i]) has this type and these sizes, and
 * writes i into the definition's slot: helpers find the map through it.
 */
struct ie_image_map {
	char name[IE_NAME_LEN];	/* the map's name in the object */
	__u32 def_off;		/* offset of its struct ie_map_def in data */
	__u32 type;		/* enum ie_map_type */
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
};

/* ---------------------------------------------------------------- ioctls */

/* IE_IOC_GET_VERSION: what this module speaks. */
#define IE_FEAT_KPROBE		(1ULL << 0)
#define IE_FEAT_TRACEPOINT	(1ULL << 1)
#define IE_FEAT_SYSCALL_FILTER	(1ULL << 2)
#define IE_FEAT_TRACE_READ	(1ULL << 3)
#define IE_FEAT_MAPS		(1ULL << 4)
#define IE_FEAT_XDP		(1ULL << 5)	/* IE_HOOK_XDP, struct ie_xdp_md */
#define IE_FEAT_RUNTIME		(1ULL << 6)	/* watchdog, stack check, fault containment */
#define IE_FEAT_SIGNED		(1ULL << 7)	/* ie_prog_load.sig is verified when given */
#define IE_FEAT_SIG_REQUIRED	(1ULL << 8)	/* unsigned images are refused (require_signature=1) */

struct ie_version {
	__u32 size;		/* in: sizeof(struct ie_version) */
	__u32 abi_version;	/* out: INNEREXT_ABI_VERSION */
	__u64 features;		/* out: IE_FEAT_* */
	__u32 max_image_size;	/* out */
	__u32 max_entries;	/* out */
	__u64 text_arena_size;	/* out */
	__u64 text_arena_free;	/* out */
	__u64 data_arena_size;	/* out */
	__u64 data_arena_free;	/* out */
	__u32 nr_progs;		/* out: programs alive */
	__u32 nr_links;		/* out: links alive */
	__u64 reserved[4];	/* out: zero */
};

/* IE_IOC_PROG_LOAD: returns a new program fd (O_CLOEXEC). */
/*
 * Run the program also where interrupts are disabled (hard IRQ tracepoints,
 * kprobes on functions called with IRQs off, int3-based kprobes). Without it
 * such invocations are skipped and counted (ie_prog_info.irqs_off_skips): no
 * timer can interrupt them there. With it, a runaway there is stopped by an
 * NMI from another CPU, which needs a second CPU that is not itself waiting
 * for this one with interrupts off (see the README).
 */
#define IE_PROG_F_IRQS_OFF	(1U << 0)
#define IE_PROG_F_ALL		IE_PROG_F_IRQS_OFF

struct ie_prog_load {
	__u32 size;		/* sizeof(struct ie_prog_load) */
	__u32 flags;		/* IE_PROG_F_* */
	__aligned_u64 image;	/* user pointer to the image */
	__u32 image_size;
	__u32 log_size;		/* 0, or size of log_buf (<= IE_LOG_MAX) */
	__aligned_u64 log_buf;	/* user pointer, may be 0 if log_size is 0 */
	char name[IE_NAME_LEN];	/* program name, NUL-terminated, [A-Za-z0-9_.-] */
	__u32 prog_id;		/* out */
	__u32 pad;		/* must be 0 */
	__aligned_u64 map_fds;	/* user pointer to __u32 fds, one per image map, in order */
	__u32 nr_map_fds;	/* must equal the image's nr_maps */
	__u32 pad2;		/* must be 0 */
	/* the runtime (0 in any of these = the module's default) */
	__u32 budget_us;	/* time budget of one invocation, <= IE_BUDGET_MAX_US */
	__u32 fail_action;	/* packet hook verdict of an aborted run: IE_XDP_DROP or _PASS */
	__u32 max_aborts;	/* circuit breaker: detach after this many aborts ... */
	__u32 abort_window_ms;	/* ... within this window; IE_BREAKER_OFF in max_aborts: never */
	/* --- since IE_PROG_LOAD_SIZE_V2 --- */
	__aligned_u64 sig;	/* user pointer: PKCS#7 detached signature of the image, or 0 */
	__u32 sig_size;		/* bytes at sig (0: unsigned), <= IE_SIG_MAX */
	__u32 pad3;		/* must be 0 */
};
/*
 * Signatures (IE_FEAT_SIGNED): a DER PKCS#7/CMS SignedData over exactly the
 * image_size bytes at image, detached, without authenticated attributes, as
 * for kernel modules (openssl cms -sign -binary -noattr -nocerts -outform DER).
 * A given signature is always verified: against the kernel's trusted keys
 * (builtin and secondary keyrings), then the module's keyring ".innerext"
 * (serial in /sys/module/innerext/parameters/keyring; root adds X.509
 * certificates with add_key("asymmetric", ...)). Refusals: -EKEYREJECTED
 * (no signature while one is required, or a signature that does not match),
 * -ENOKEY (signer unknown), -EBADMSG (not a PKCS#7 message the kernel takes),
 * -E2BIG (sig_size > IE_SIG_MAX), -EINVAL (sig without sig_size or back).
 */
#define IE_PROG_LOAD_SIZE_V1	104	/* the first published size: still accepted */
#define IE_PROG_LOAD_SIZE_V2	120
#define IE_SIG_MAX		(64U << 10)

#define IE_BUDGET_DEFAULT_US	5000
#define IE_BUDGET_MAX_US	100000
#define IE_BREAKER_DEFAULT_ABORTS	100
#define IE_BREAKER_DEFAULT_WINDOW_MS	1000
#define IE_BREAKER_MAX_WINDOW_MS	3600000
#define IE_BREAKER_OFF		0xffffffffU

/* Why the runtime stopped an invocation (ie_prog_info.aborts[]). */
enum ie_abort_reason {
	IE_ABORT_TIMEOUT	= 0,	/* ran past its time budget */
	IE_ABORT_STACK		= 1,	/* ran out of extension stack */
	IE_ABORT_FAULT		= 2,	/* #GP, #UD or #DE in extension code */
	IE_ABORT_HELPER		= 3,	/* ie_abort(), or a helper refused to go on */
	IE_ABORT_NR_REASONS
};

/* IE_IOC_LINK_CREATE: attach one entry of a program; returns a link fd (O_CLOEXEC). */
enum ie_hook {
	IE_HOOK_KPROBE		= 1,	/* target: kernel function symbol, entry */
	IE_HOOK_TRACEPOINT	= 2,	/* target: "category:name" */
	IE_HOOK_XDP		= 3,	/* target: interface name, or ifindex (see below) */
};

#define IE_LINK_F_PERSISTENT	(1U << 0)	/* the module keeps the link after the fd closes */
#define IE_LINK_F_SYSCALL_NR	(1U << 1)	/* tracepoint raw_syscalls:sys_enter, only syscall_nr */
#define IE_LINK_F_ALL		(IE_LINK_F_PERSISTENT | IE_LINK_F_SYSCALL_NR)

struct ie_link_create {
	__u32 size;		/* sizeof(struct ie_link_create) */
	__u32 flags;		/* IE_LINK_F_* */
	__u32 prog_fd;
	__u32 entry;		/* index into the image's entries[] */
	__u32 hook;		/* enum ie_hook */
	__u32 syscall_nr;	/* with IE_LINK_F_SYSCALL_NR */
	char target[IE_TARGET_LEN];	/* NUL-terminated */
	__u32 nr_args;		/* tracepoint arity (0 = unknown: 6 register args) */
	__u32 log_size;
	__aligned_u64 log_buf;
	__u32 link_id;		/* out */
	__u32 pad;		/* must be 0 */
	__u32 ifindex;		/* IE_HOOK_XDP: the device; 0 = by name in target */
	__u32 pad2;		/* must be 0 */
	__u64 reserved[3];	/* must be 0 */
};

/* IE_IOC_LINK_DETACH: detach a link by id (persistent or not). */
struct ie_link_detach {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 link_id;
	__u32 pad;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

/* IE_IOC_GET_NEXT_ID: iterate over live objects, like BPF_PROG_GET_NEXT_ID. */
enum ie_obj_type {
	IE_OBJ_PROG	= 1,
	IE_OBJ_LINK	= 2,
	IE_OBJ_MAP	= 3,
};

struct ie_get_next_id {
	__u32 size;
	__u32 type;		/* enum ie_obj_type */
	__u32 start_id;		/* first id looked at is start_id + 1 */
	__u32 next_id;		/* out; -ENOENT when there is none */
	__u64 reserved[2];	/* must be 0 */
};

/* IE_IOC_PROG_INFO: information about a program by id. */
struct ie_prog_info {
	__u32 size;
	__u32 id;		/* in */
	char name[IE_NAME_LEN];	/* out */
	__u32 text_size;	/* out */
	__u32 data_size;	/* out: bytes placed in the data arena */
	__u32 nr_entries;	/* out */
	__u32 nr_links;		/* out: links attached now */
	__u64 run_cnt;		/* out: invocations that ran */
	__u64 run_time_ns;	/* out: total time spent in the program */
	__u64 recursion_misses;	/* out: invocations skipped (already running on that CPU) */
	__u64 load_time_ns;	/* out: CLOCK_BOOTTIME at load */
	__u32 owner_pid;	/* out: tgid of the loader */
	__u32 refcnt;		/* out */
	__aligned_u64 map_ids;	/* in: 0 or a user array of nr_map_ids __u32; out: filled */
	__u32 nr_map_ids;	/* in: room in map_ids; out: maps the program uses */
	__u32 pad;		/* in: must be 0 */
	__u64 reserved[2];	/* out: zero */
	/* --- since IE_PROG_INFO_SIZE_V2: filled only for callers passing this much --- */
	__u64 xdp_actions[8];	/* out: packet hook verdicts, indexed by enum ie_xdp_action */
	__u64 xdp_invalid;	/* out: returns that were no IE_XDP_* (also in [IE_XDP_ABORTED]) */
	__u64 xdp_tx_errors;	/* out: TX/REDIRECT not sent (no such device, down): dropped */
	__u64 aborts[8];	/* out: invocations stopped, by enum ie_abort_reason */
	__u32 budget_us;	/* out: the settings in force (defaults filled in) */
	__u32 fail_action;
	__u32 max_aborts;
	__u32 abort_window_ms;
	__u32 breaker_tripped;	/* out: 1 once the circuit breaker detached the program */
	__u32 flags;		/* out: IE_PROG_F_* it was loaded with */
	__u64 irqs_off_skips;	/* out: invocations not run: interrupts off, no IE_PROG_F_IRQS_OFF */
	__u64 reserved2[3];	/* out: zero */
};
#define IE_PROG_INFO_SIZE_V1	128	/* the first published size: still accepted */
#define IE_PROG_INFO_SIZE_V2	(IE_PROG_INFO_SIZE_V1 + 25 * 8)

/* IE_IOC_LINK_INFO: information about a link by id. */
struct ie_link_info {
	__u32 size;
	__u32 id;		/* in */
	__u32 prog_id;		/* out */
	__u32 entry;		/* out */
	__u32 hook;		/* out: enum ie_hook */
	__u32 flags;		/* out: IE_LINK_F_* */
	char target[IE_TARGET_LEN];	/* out */
	char entry_name[IE_NAME_LEN];	/* out */
	__u32 syscall_nr;	/* out */
	__u32 nr_args;		/* out */
	__u32 attached;		/* out: 1 while the hook is installed */
	__u32 pad;		/* out: zero */
	__u32 ifindex;		/* out: IE_HOOK_XDP: the device (0 once it was unregistered) */
	__u32 pad2;		/* out: zero */
	__u64 reserved[2];	/* out: zero */
};

/* ---------------------------------------------------------------- maps */

enum ie_map_type {
	IE_MAP_ARRAY		= 1,	/* key: __u32 index < max_entries; all elements exist */
	IE_MAP_HASH		= 2,
	IE_MAP_PERCPU_ARRAY	= 3,	/* one value per possible CPU */
	IE_MAP_PERCPU_HASH	= 4,
	IE_MAP_LRU_HASH		= 5,	/* a full map evicts the least recently used element */
	IE_MAP_RINGBUF		= 6,	/* max_entries: data bytes, a power of 2 >= PAGE_SIZE */
	IE_MAP_TYPE_MAX		= IE_MAP_RINGBUF,
};

/* element update flags, as BPF_ANY / BPF_NOEXIST / BPF_EXIST */
#define IE_ANY			0
#define IE_NOEXIST		1	/* create only: -EEXIST if the key is there */
#define IE_EXIST		2	/* replace only: -ENOENT if it is not */

#define IE_MAP_MAX_KEY_SIZE	512
#define IE_MAP_MAX_VALUE_SIZE	(64U << 10)
#define IE_MAP_MAX_MEMORY	(256ULL << 20)	/* per map, all CPUs' copies included */

/*
 * How an extension declares a map (in its data segment; the SDK's IE_MAP()
 * macro fills it in). The module writes slot at load.
 */
struct ie_map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 slot;		/* set by the module: index into the program's maps */
};

/* IE_IOC_MAP_CREATE (on /dev/innerext): returns a map fd (O_CLOEXEC). */
struct ie_map_create {
	__u32 size;
	__u32 type;		/* enum ie_map_type */
	__u32 key_size;		/* ringbuf: 0 */
	__u32 value_size;	/* ringbuf: 0 */
	__u32 max_entries;
	__u32 map_flags;	/* none defined: must be 0 */
	char name[IE_NAME_LEN];	/* [A-Za-z0-9_.-], NUL-terminated */
	__u32 log_size;
	__u32 map_id;		/* out */
	__aligned_u64 log_buf;
	__u64 reserved[4];	/* must be 0 */
};

/* IE_IOC_MAP_GET_FD_BY_ID (on /dev/innerext): returns a new fd of a live map. */
struct ie_map_get_fd {
	__u32 size;
	__u32 map_id;
	__u32 flags;		/* must be 0 */
	__u32 pad;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

/* IE_IOC_MAP_INFO (on /dev/innerext): a map by id. */
struct ie_map_info {
	__u32 size;
	__u32 id;		/* in */
	__u32 type;		/* out */
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 nr_progs;		/* programs holding the map */
	char name[IE_NAME_LEN];
	__u64 memory;		/* bytes the map holds */
	__u64 nr_elems;		/* hash maps: elements now; arrays: max_entries */
	__u64 ringbuf_dropped;	/* ringbuf: records refused because it was full */
	__u64 reserved[4];	/* out: zero */
};

/*
 * Element commands, ioctls on a map fd. key_size and value_size must be the
 * map's (for per-CPU maps value_size is round_up(value_size, 8) * possible
 * CPUs: lookup returns, update takes, one value per CPU).
 *   IE_IOC_MAP_LOOKUP        key -> value, -ENOENT if absent
 *   IE_IOC_MAP_UPDATE        key, value, flags (IE_ANY/IE_NOEXIST/IE_EXIST):
 *                            -EEXIST, -ENOENT, -E2BIG when full (not LRU)
 *   IE_IOC_MAP_DELETE        key, -ENOENT if absent, -EINVAL for arrays
 *   IE_IOC_MAP_GET_NEXT_KEY  key (0: first) -> next_key, -ENOENT after the last
 */
struct ie_map_elem {
	__u32 size;
	__u32 key_size;
	__u32 value_size;
	__u32 pad;		/* must be 0 */
	__aligned_u64 key;
	__aligned_u64 value;
	__aligned_u64 next_key;
	__u64 flags;
	__u64 reserved[2];	/* must be 0 */
};

/*
 * IE_IOC_MAP_DUMP (on a map fd): up to count elements from cursor on, keys
 * and values packed in order. cursor 0 starts; the returned cursor continues.
 * -ENOENT with count 0 once the map is exhausted. A dump sees each element
 * that stays in the map throughout exactly once.
 */
struct ie_map_batch {
	__u32 size;
	__u32 count;		/* in: room in keys/values; out: elements returned */
	__u32 key_size;
	__u32 value_size;
	__u64 cursor;		/* in/out, opaque */
	__aligned_u64 keys;
	__aligned_u64 values;
	__u64 flags;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

/*
 * Ring buffer maps, BPF-ringbuf style. mmap of the map fd:
 *   offset 0:             consumer page, read-write: __u64 consumer_pos
 *   offset PAGE_SIZE:     producer page, read-only:  __u64 producer_pos, __u64 dropped
 *   offset 2 * PAGE_SIZE: data, read-only, max_entries bytes mapped twice in a row
 *                         so a record never wraps.
 * A record is an 8-byte header {__u32 len; __u32 pg_off} and len bytes of
 * data, padded to 8. While IE_RINGBUF_BUSY_BIT is set in len the producer is
 * writing it; IE_RINGBUF_DISCARD_BIT marks a discarded record to skip.
 * poll() on the map fd reports EPOLLIN when records are there.
 */
#define IE_RINGBUF_BUSY_BIT	(1U << 31)
#define IE_RINGBUF_DISCARD_BIT	(1U << 30)
#define IE_RINGBUF_HDR_SZ	8

#define IE_IOC_MAGIC		0xE7
#define IE_IOC_GET_VERSION	_IOWR(IE_IOC_MAGIC, 0x00, struct ie_version)
#define IE_IOC_PROG_LOAD	_IOWR(IE_IOC_MAGIC, 0x01, struct ie_prog_load)
#define IE_IOC_LINK_CREATE	_IOWR(IE_IOC_MAGIC, 0x02, struct ie_link_create)
#define IE_IOC_LINK_DETACH	_IOW(IE_IOC_MAGIC, 0x03, struct ie_link_detach)
#define IE_IOC_GET_NEXT_ID	_IOWR(IE_IOC_MAGIC, 0x04, struct ie_get_next_id)
#define IE_IOC_PROG_INFO	_IOWR(IE_IOC_MAGIC, 0x05, struct ie_prog_info)
#define IE_IOC_LINK_INFO	_IOWR(IE_IOC_MAGIC, 0x06, struct ie_link_info)
#define IE_IOC_MAP_CREATE	_IOWR(IE_IOC_MAGIC, 0x07, struct ie_map_create)
#define IE_IOC_MAP_GET_FD_BY_ID	_IOW(IE_IOC_MAGIC, 0x08, struct ie_map_get_fd)
#define IE_IOC_MAP_INFO		_IOWR(IE_IOC_MAGIC, 0x09, struct ie_map_info)
/* on a map fd */
#define IE_IOC_MAP_LOOKUP	_IOWR(IE_IOC_MAGIC, 0x20, struct ie_map_elem)
#define IE_IOC_MAP_UPDATE	_IOW(IE_IOC_MAGIC, 0x21, struct ie_map_elem)
#define IE_IOC_MAP_DELETE	_IOW(IE_IOC_MAGIC, 0x22, struct ie_map_elem)
#define IE_IOC_MAP_GET_NEXT_KEY	_IOWR(IE_IOC_MAGIC, 0x23, struct ie_map_elem)
#define IE_IOC_MAP_DUMP		_IOWR(IE_IOC_MAGIC, 0x24, struct ie_map_batch)

/*
 * Trace lines printed by extensions (ie_trace_printk) are read with read(2) on
 * /dev/innerext: whole lines, "\n"-terminated, consumed by the reader (like
 * trace_pipe). read() blocks unless O_NONBLOCK; poll() reports POLLIN.
 * A line looks like:
 *   "<comm>-<pid> [<cpu>] <seconds>.<usec>: <prog>: <message>\n"
 */

/* ---------------------------------------------------------------- extension ABI */

/* Limits enforced at load. */
#define IE_MAX_IMAGE_SIZE	(16U << 20)
#define IE_MAX_ENTRIES		64
#define IE_MAX_RELOCS		(1U << 20)
#define IE_MAX_IMPORTS		256
#define IE_MAX_MAPS		64	/* maps one program may use */

/* Context passed to a tracepoint program: the tracepoint's arguments. */
struct ie_tp_ctx {
	__u64 args[6];
};

/* Context passed to a syscalls:sys_enter_<name> program. */
struct ie_syscall_ctx {
	__u64 nr;
	__u64 args[6];
};

/* kprobe programs receive the kernel's struct pt_regs (x86-64 layout). */

/*
 * The packet hook (IE_HOOK_XDP). It is the device's rx-handler: it sees a frame
 * after generic XDP, packet taps (tcpdump) and tc ingress, before the protocol
 * stack and bridges. One innerext program per device; a device another driver
 * already holds (bridge port, bond slave, macvlan lower...) is refused (-EBUSY).
 *
 * The program returns an action; anything else counts as IE_XDP_ABORTED (and in
 * ie_prog_info.xdp_invalid). The numbers are XDP's.
 */
enum ie_xdp_action {
	IE_XDP_ABORTED	= 0,	/* drop, counted as an error */
	IE_XDP_DROP	= 1,
	IE_XDP_PASS	= 2,	/* on to the stack (headers may have been rewritten) */
	IE_XDP_TX	= 3,	/* send back out of the device it came in on */
	IE_XDP_REDIRECT	= 4,	/* send out of the device ie_xdp_md.redirect_ifindex */
	IE_XDP_NR_ACTIONS
};

/*
 * Context of a packet program. [data, data_end) is the whole frame from the
 * Ethernet header on, linear and writable in place (the length cannot change).
 */
struct ie_xdp_md {
	__u64 data;		/* address of the first byte (Ethernet header) */
	__u64 data_end;		/* address one past the last byte */
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 redirect_ifindex;	/* in: where IE_XDP_REDIRECT sends the frame */
	__u32 pad;
};

#endif /* _UAPI_LINUX_INNEREXT_H */
