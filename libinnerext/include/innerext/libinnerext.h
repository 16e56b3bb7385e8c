/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libinnerext: load native innerext extensions from ELF relocatable objects.
 *
 * Conventions (as libbpf 1.0):
 *  - functions returning int return 0 or a negative errno;
 *  - functions returning a pointer return NULL and set errno on failure;
 *  - opts structs start with their size (sz), set by INNEREXT_OPTS_DECLARE;
 *  - nothing is global except the print callback, which the caller sets and can silence.
 */
#ifndef __LIBINNEREXT_H
#define __LIBINNEREXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <linux/innerext.h>

#ifdef __cplusplus
extern "C" {
#endif

enum innerext_print_level {
	INNEREXT_WARN,
	INNEREXT_INFO,
	INNEREXT_DEBUG,
};

typedef int (*innerext_print_fn_t)(enum innerext_print_level level,
				   const char *fmt, va_list ap);

/* Set the print callback (NULL silences); returns the previous one.
 * Default: WARN and INFO to stderr. */
innerext_print_fn_t innerext_set_print(innerext_print_fn_t fn);

#define INNEREXT_OPTS_DECLARE(TYPE, NAME, ...)			\
	struct TYPE NAME = ({					\
		memset(&NAME, 0, sizeof(struct TYPE));		\
		(struct TYPE) {					\
			.sz = sizeof(struct TYPE),		\
			__VA_ARGS__				\
		};						\
	})

struct innerext_object;
struct innerext_program;
struct innerext_link;
struct innerext_map;

struct innerext_object_open_opts {
	size_t sz;
	const char *object_name;	/* program name; default: file basename without ".o"
					 * (open_mem: "ext") */
	const char *dev_path;		/* default: INNEREXT_DEV_PATH */
};

/* Parse an ELF relocatable (x86-64, built with the SDK flags) into an image. */
struct innerext_object *innerext_object__open(const char *path);
struct innerext_object *innerext_object__open_file(const char *path,
						   const struct innerext_object_open_opts *opts);
/*
 * The same from an ELF object in memory (@buf is copied: the caller may free it on
 * return). The default name is "ext"; set opts->object_name.
 */
struct innerext_object *innerext_object__open_mem(const void *buf, size_t size,
						  const struct innerext_object_open_opts *opts);
/*
 * Create the object's maps (IE_IOC_MAP_CREATE, named as in the object; maps given
 * with innerext_map__reuse_fd() are used as they are), then load the image into
 * the kernel (one IE_IOC_PROG_LOAD) with them. The object keeps the map fds until
 * innerext_object__close(); the program holds its own references, so the maps live
 * on while a program or persistent link uses them. On failure nothing created stays.
 */
int innerext_object__load(struct innerext_object *obj);
void innerext_object__close(struct innerext_object *obj);

const char *innerext_object__name(const struct innerext_object *obj);
int innerext_object__prog_fd(const struct innerext_object *obj);	/* -EINVAL before load */
__u32 innerext_object__prog_id(const struct innerext_object *obj);
/*
 * The runtime's settings for the program, sent with the load (before it only:
 * -EBUSY after). 0 in a field is the module's default; the module refuses values
 * out of its limits at load (-EINVAL, its reason in the load log).
 */
struct innerext_runtime_opts {
	size_t sz;
	__u32 budget_us;		/* time budget of one run (default IE_BUDGET_DEFAULT_US,
					 * at most IE_BUDGET_MAX_US) */
	__u32 fail_action;		/* packet programs: verdict of a stopped run,
					 * IE_XDP_DROP (default) or IE_XDP_PASS */
	__u32 max_aborts;		/* circuit breaker: detach after this many stopped runs
					 * (default IE_BREAKER_DEFAULT_ABORTS; IE_BREAKER_OFF: never) */
	__u32 abort_window_ms;		/* ... within this window (default
					 * IE_BREAKER_DEFAULT_WINDOW_MS, at most IE_BREAKER_MAX_WINDOW_MS) */
	__u32 prog_flags;		/* IE_PROG_F_*: IE_PROG_F_IRQS_OFF to run with IRQs off */
};

/* Set (opts NULL: reset to the defaults) the runtime settings used by __load(). */
int innerext_object__set_runtime(struct innerext_object *obj,
				 const struct innerext_runtime_opts *opts);
/* The verifier-style log of the last load (empty string if none). */
const char *innerext_object__load_log(const struct innerext_object *obj);
/*
 * The serialized image (valid after open), for tests and tools. These are the
 * bytes a signature covers: the same object file gives the same bytes.
 */
const void *innerext_object__image(const struct innerext_object *obj, size_t *size);
/*
 * A PKCS#7/CMS detached signature (DER) of innerext_object__image()'s bytes, sent
 * with the load (see IE_FEAT_SIGNED in <linux/innerext.h>; extctl sign makes one).
 * The bytes are copied; sig NULL and size 0 removes it. -E2BIG beyond IE_SIG_MAX,
 * -EINVAL for only one of sig/size, -EBUSY once loaded. The module verifies a
 * signature it is given and refuses the load if it does not verify
 * (-EKEYREJECTED, -ENOKEY, -EBADMSG, the reason in the load log).
 */
int innerext_object__set_signature(struct innerext_object *obj, const void *sig, size_t size);

struct innerext_program *innerext_object__next_program(const struct innerext_object *obj,
						       const struct innerext_program *prev);
#define innerext_object__for_each_program(pos, obj)			\
	for ((pos) = innerext_object__next_program((obj), NULL);	\
	     (pos) != NULL;						\
	     (pos) = innerext_object__next_program((obj), (pos)))
struct innerext_program *innerext_object__find_program_by_name(const struct innerext_object *obj,
							       const char *name);

const char *innerext_program__name(const struct innerext_program *prog);
const char *innerext_program__section_name(const struct innerext_program *prog);
__u32 innerext_program__entry_index(const struct innerext_program *prog);

/* ---- maps of an object (the ".maps" definitions, IE_MAP() in the SDK) ---- */

struct innerext_map *innerext_object__find_map_by_name(const struct innerext_object *obj,
						       const char *name);
/* In the object's order (by offset in ".maps"); NULL after the last. */
struct innerext_map *innerext_object__next_map(const struct innerext_object *obj,
					       const struct innerext_map *prev);
#define innerext_object__for_each_map(pos, obj)				\
	for ((pos) = innerext_object__next_map((obj), NULL);		\
	     (pos) != NULL;						\
	     (pos) = innerext_object__next_map((obj), (pos)))

const char *innerext_map__name(const struct innerext_map *map);
enum ie_map_type innerext_map__type(const struct innerext_map *map);
__u32 innerext_map__key_size(const struct innerext_map *map);
__u32 innerext_map__value_size(const struct innerext_map *map);
__u32 innerext_map__max_entries(const struct innerext_map *map);
__u32 innerext_map__map_flags(const struct innerext_map *map);
/* The map's fd after load (or after reuse_fd), else -EINVAL. */
int innerext_map__fd(const struct innerext_map *map);
/* The map's kernel id after load (or after reuse_fd), else 0. */
__u32 innerext_map__id(const struct innerext_map *map);
/*
 * Use an existing map (e.g. from innerext_map_get_fd_by_id()) instead of creating
 * one at load. Its type, key and value sizes, max_entries and flags must match the
 * definition (-EINVAL, with a message). @fd is duplicated: the caller keeps its own.
 * Before load only (-EBUSY after).
 */
int innerext_map__reuse_fd(struct innerext_map *map, int fd);

/*
 * Element access on a loaded map. key_sz must be the map's key size; value_sz its
 * value size, or for per-CPU maps round_up(value_size, 8) * innerext_num_possible_cpus()
 * (one 8-byte-aligned slot per possible CPU); else -EINVAL. Other errors are the
 * module's: -ENOENT (no such key), -EEXIST (IE_NOEXIST and present), -E2BIG (full).
 */
int innerext_map__lookup_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      void *value, size_t value_sz, __u64 flags);
int innerext_map__update_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      const void *value, size_t value_sz, __u64 flags);
int innerext_map__delete_elem(const struct innerext_map *map, const void *key, size_t key_sz,
			      __u64 flags);
/* cur_key NULL: the first key. -ENOENT after the last. */
int innerext_map__get_next_key(const struct innerext_map *map, const void *cur_key,
			       void *next_key, size_t key_sz);

struct innerext_attach_opts {
	size_t sz;
	bool persistent;		/* link outlives its fd (IE_LINK_F_PERSISTENT) */
};

/* "kprobe/SYM", "tracepoint/CAT/NAME" (incl. "tracepoint/syscalls/sys_enter_NAME") */
struct innerext_link *innerext_program__attach(const struct innerext_program *prog,
					       const struct innerext_attach_opts *opts);
struct innerext_link *innerext_program__attach_kprobe(const struct innerext_program *prog,
						      const char *func_name,
						      const struct innerext_attach_opts *opts);
/* category "syscalls" with name "sys_enter_X" attaches to raw_syscalls:sys_enter
 * filtered on X's syscall number. */
struct innerext_link *innerext_program__attach_tracepoint(const struct innerext_program *prog,
							  const char *category,
							  const char *name,
							  const struct innerext_attach_opts *opts);
/*
 * The packet hook on device @ifindex (in the caller's network namespace), as
 * libbpf's bpf_program__attach_xdp(). -EBUSY if the device has an rx-handler
 * already (bridge port, bond slave, another innerext program...).
 */
struct innerext_link *innerext_program__attach_xdp(const struct innerext_program *prog,
						   int ifindex,
						   const struct innerext_attach_opts *opts);
__u32 innerext_link__id(const struct innerext_link *link);
int innerext_link__fd(const struct innerext_link *link);
/* Detaches (also a persistent link) and frees. */
int innerext_link__destroy(struct innerext_link *link);
/* Closes the fd without detaching (persistent links stay), frees. */
void innerext_link__disconnect(struct innerext_link *link);
/* What the link was attached to, as the user named it:
 * "kprobe __x64_sys_dup", "tracepoint syscalls:sys_enter_dup". */
const char *innerext_link__description(const struct innerext_link *link);

/* ---- low level: thin wrappers over the ioctls, on an fd of /dev/innerext ---- */
int innerext_dev_open(const char *path);	/* NULL: INNEREXT_DEV_PATH; returns fd or -errno */
int innerext_get_version(int dev_fd, struct ie_version *ver);
int innerext_get_next_id(int dev_fd, enum ie_obj_type type, __u32 start_id, __u32 *next_id);
int innerext_prog_get_info_by_id(int dev_fd, __u32 id, struct ie_prog_info *info);
int innerext_link_get_info_by_id(int dev_fd, __u32 id, struct ie_link_info *info);
int innerext_link_detach_id(int dev_fd, __u32 link_id);
/* Raw load of an image; returns prog fd or -errno; log written to log_buf. */
int innerext_prog_load(int dev_fd, const char *name, const void *image, size_t image_size,
		       char *log_buf, size_t log_size, __u32 *prog_id);
/* Raw IE_IOC_LINK_CREATE: the caller fills @attr except size/pad/reserved;
 * returns the link fd or -errno; attr->link_id is set on success. */
int innerext_link_create(int dev_fd, struct ie_link_create *attr);

/* As innerext_prog_load(), for images with maps: map_fds[i] is the map for the
 * image's maps[i] (nr_map_fds must equal its nr_maps). */
int innerext_prog_load_maps(int dev_fd, const char *name, const void *image, size_t image_size,
			    const int *map_fds, __u32 nr_map_fds,
			    char *log_buf, size_t log_size, __u32 *prog_id);
/*
 * IE_IOC_PROG_LOAD with every setting: the image's maps, a log buffer, the
 * runtime (0 = the module's defaults). Returns the prog fd or -errno; the log
 * (if any) gets the module's reason on refusal, prog_id the new program's id.
 */
struct innerext_prog_load_opts {
	size_t sz;
	const int *map_fds;		/* map_fds[i]: the map for the image's maps[i] */
	__u32 nr_map_fds;		/* must equal the image's nr_maps */
	__u32 log_size;			/* 0, or size of log_buf */
	char *log_buf;
	__u32 budget_us;		/* as in struct innerext_runtime_opts */
	__u32 fail_action;
	__u32 max_aborts;
	__u32 abort_window_ms;
	__u32 prog_id;			/* out */
	__u32 prog_flags;		/* IE_PROG_F_* */
	const void *sig;		/* PKCS#7 detached signature of the image, or NULL */
	__u32 sig_size;			/* its bytes (<= IE_SIG_MAX); 0 with sig NULL */
};

int innerext_prog_load_opts(int dev_fd, const char *name, const void *image, size_t image_size,
			    struct innerext_prog_load_opts *opts);
/*
 * The ids of the maps a program uses: up to *nr_map_ids (in: room in map_ids, may
 * be 0) are written; *nr_map_ids is set to how many the program has.
 */
int innerext_prog_get_map_ids(int dev_fd, __u32 prog_id, __u32 *map_ids, __u32 *nr_map_ids);

/* ---- low level: maps ---- */

struct innerext_map_create_opts {
	size_t sz;
	__u32 map_flags;		/* none defined yet: 0 */
	__u32 log_size;			/* 0, or size of log_buf: the module's reason on refusal */
	char *log_buf;
	__u32 map_id;			/* out: the new map's id */
};

/* IE_IOC_MAP_CREATE: returns the new map's fd (O_CLOEXEC) or -errno. Ring buffers:
 * key_size = value_size = 0, max_entries = bytes (a power of 2 >= 4096). */
int innerext_map_create(int dev_fd, enum ie_map_type type, const char *name,
			__u32 key_size, __u32 value_size, __u32 max_entries,
			struct innerext_map_create_opts *opts);
/*
 * Element ioctls on a map fd. The sizes must be the map's (per-CPU maps: see
 * innerext_map__lookup_elem()); the module refuses others with -EINVAL.
 */
int innerext_map_lookup_elem(int fd, const void *key, __u32 key_size,
			     void *value, __u32 value_size);
int innerext_map_lookup_elem_flags(int fd, const void *key, __u32 key_size,
				   void *value, __u32 value_size, __u64 flags);
int innerext_map_update_elem(int fd, const void *key, __u32 key_size,
			     const void *value, __u32 value_size, __u64 flags);
int innerext_map_delete_elem(int fd, const void *key, __u32 key_size);
int innerext_map_delete_elem_flags(int fd, const void *key, __u32 key_size, __u64 flags);
/* key NULL: the first key; -ENOENT after the last. */
int innerext_map_get_next_key(int fd, const void *key, void *next_key, __u32 key_size);
/*
 * IE_IOC_MAP_DUMP: up to *count elements from *cursor (0 to start) into keys and
 * values (packed, key_size resp. value_size bytes each; per-CPU maps as above).
 * *count and *cursor are updated. -ENOENT with *count 0 once the map is exhausted;
 * -ENOSPC if the next indivisible group (a hash bucket) needs more room than *count.
 * A dump sees every element that stays in the map throughout exactly once.
 */
int innerext_map_dump(int fd, __u64 *cursor, void *keys, __u32 key_size,
		      void *values, __u32 value_size, __u32 *count);
/* IE_IOC_MAP_GET_FD_BY_ID on /dev/innerext: a new fd of a live map, or -errno. */
int innerext_map_get_fd_by_id(int dev_fd, __u32 id);
int innerext_map_get_info_by_id(int dev_fd, __u32 id, struct ie_map_info *info);
/* IE_IOC_MAP_INFO on the map fd itself (id 0: "this map"). */
int innerext_map_get_info_by_fd(int map_fd, struct ie_map_info *info);
/* The live map called @name: its fd, -ENOENT if none, -ENOTUNIQ if several are. */
int innerext_map_open_by_name(int dev_fd, const char *name);
/* CPUs in /sys/devices/system/cpu/possible (per-CPU value layouts), or -errno. */
int innerext_num_possible_cpus(void);
/* round_up(value_size, 8) * possible CPUs for per-CPU maps, value_size for others;
 * 0 (errno set) if the CPUs cannot be counted. */
__u32 innerext_map_user_value_size(enum ie_map_type type, __u32 value_size);
/* "hash", "percpu_array", ... ("unknown" otherwise) */
const char *innerext_map_type_name(enum ie_map_type type);

/* ---- ring buffers (IE_MAP_RINGBUF): the consumer side, as libbpf's ring_buffer ---- */

struct innerext_ringbuf;

/*
 * Called for each record, in order: @data points into the read-only ring (valid
 * during the call only), @size is the byte count the extension reserved. Return
 * 0 to go on; a negative value stops consumption and is returned by
 * innerext_ringbuf__poll() / __consume() (the record counts as consumed).
 */
typedef int (*innerext_ringbuf_sample_fn)(void *ctx, void *data, size_t size);

struct innerext_ringbuf_opts {
	size_t sz;
};

/*
 * Consume the ring buffer map @map_fd (its fd is duplicated: the caller keeps its
 * own). NULL with errno on failure (EINVAL: not a ring buffer map).
 */
struct innerext_ringbuf *innerext_ringbuf__new(int map_fd, innerext_ringbuf_sample_fn sample_cb,
					       void *ctx, const struct innerext_ringbuf_opts *opts);
/*
 * Wait up to @timeout_ms (-1: forever, 0: not at all) for records, then consume
 * what is there. Returns the number of records passed to the callback (at most
 * INT_MAX), 0 on timeout, the callback's negative value, or -errno (-EINTR on a
 * signal). Discarded records are skipped; a record still being written ends the
 * round (the next poll returns once it is done). One consumer per ring at a time.
 */
int innerext_ringbuf__poll(struct innerext_ringbuf *rb, int timeout_ms);
/* Consume what is there without waiting; same return values as __poll(). */
int innerext_ringbuf__consume(struct innerext_ringbuf *rb);
/* An epoll fd that is readable when records wait (for the caller's own event loop). */
int innerext_ringbuf__epoll_fd(const struct innerext_ringbuf *rb);
/* Records producers could not write because the ring was full, since it was created. */
__u64 innerext_ringbuf__dropped(const struct innerext_ringbuf *rb);
void innerext_ringbuf__free(struct innerext_ringbuf *rb);

/* Syscall number for "dup" etc. (x86-64), or -ENOENT. */
int innerext_syscall_nr(const char *name);
/* Name for a syscall number ("dup" for 32), or NULL with errno ENOENT. */
const char *innerext_syscall_name(int nr);

#ifdef __cplusplus
}
#endif

#endif /* __LIBINNEREXT_H */
