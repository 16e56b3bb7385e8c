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

struct innerext_object_open_opts {
	size_t sz;
	const char *object_name;	/* program name; default: file basename without ".o" */
	const char *dev_path;		/* default: INNEREXT_DEV_PATH */
};

/* Parse an ELF relocatable (x86-64, built with the SDK flags) into an image. */
struct innerext_object *innerext_object__open(const char *path);
struct innerext_object *innerext_object__open_file(const char *path,
						   const struct innerext_object_open_opts *opts);
/* Load the image into the kernel (one IE_IOC_PROG_LOAD). */
int innerext_object__load(struct innerext_object *obj);
void innerext_object__close(struct innerext_object *obj);

const char *innerext_object__name(const struct innerext_object *obj);
int innerext_object__prog_fd(const struct innerext_object *obj);	/* -EINVAL before load */
__u32 innerext_object__prog_id(const struct innerext_object *obj);
/* The verifier-style log of the last load (empty string if none). */
const char *innerext_object__load_log(const struct innerext_object *obj);
/* The serialized image (valid after open), for tests and tools. */
const void *innerext_object__image(const struct innerext_object *obj, size_t *size);

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

/* Syscall number for "dup" etc. (x86-64), or -ENOENT. */
int innerext_syscall_nr(const char *name);
/* Name for a syscall number ("dup" for 32), or NULL with errno ENOENT. */
const char *innerext_syscall_name(int nr);

#ifdef __cplusplus
}
#endif

#endif /* __LIBINNEREXT_H */
