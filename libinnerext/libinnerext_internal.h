/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libinnerext internals: shared between the library's translation units and the
 * host unit tests (test/host). Not installed, not part of the API.
 */
#ifndef __LIBINNEREXT_INTERNAL_H
#define __LIBINNEREXT_INTERNAL_H

#include <stdint.h>
#include <string.h>
#include <innerext/libinnerext.h>

#define __ie_printf(a, b)	__attribute__((format(printf, a, b)))

/* print.c: every message goes through the user's print callback. */
void libinnerext_print(enum innerext_print_level level, const char *fmt, ...) __ie_printf(2, 3);

#define pr_warn(fmt, ...)	libinnerext_print(INNEREXT_WARN, "libinnerext: " fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	libinnerext_print(INNEREXT_INFO, "libinnerext: " fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	libinnerext_print(INNEREXT_DEBUG, "libinnerext: " fmt, ##__VA_ARGS__)

/* Thread-safe strerror into a caller buffer. */
#define IE_STRERR_BUFSZ		128
const char *ie_strerror(int err, char *buf, size_t size);

static inline __u64 ie_ptr_to_u64(const void *p)
{
	return (__u64)(uintptr_t)p;
}

/* ioctl() retried on EINTR: the result, or -errno. */
int ie_ioctl(int fd, unsigned long cmd, void *arg);

/*
 * libbpf-style opts validation: opts may be NULL; opts->sz must cover at least
 * the size field, and any bytes the caller has beyond what we know must be zero.
 */
bool ie_opts_valid(const void *opts, size_t known_sz, const char *type_name);
#define IE_OPTS_VALID(opts, type)	ie_opts_valid((opts), sizeof(struct type), #type)
#define IE_OPTS_HAS(opts, field)						\
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define IE_OPTS_GET(opts, field, def)	(IE_OPTS_HAS(opts, field) ? (opts)->field : (def))

/* ---- image.c: an image under construction, and its serialization ---- */

struct ie_img {
	__u8 *text;
	size_t text_size;
	__u8 *data;
	size_t data_size;		/* bytes present (progbits) */
	size_t data_mem_size;		/* + bss */
	struct ie_image_reloc *relocs;
	size_t nr_relocs, relocs_cap;
	struct ie_image_import *imports;
	size_t nr_imports, imports_cap;
	struct ie_image_entry *entries;
	size_t nr_entries, entries_cap;
	struct ie_image_map *maps;
	size_t nr_maps, maps_cap;
};

void ie_img_free(struct ie_img *img);
/* Returns the index of @name in imports[] (added if new) or -errno. */
int ie_img_import(struct ie_img *img, const char *name);
int ie_img_add_reloc(struct ie_img *img, const struct ie_image_reloc *r);
int ie_img_add_entry(struct ie_img *img, const struct ie_image_entry *e);
/* -E2BIG beyond IE_MAX_MAPS */
int ie_img_add_map(struct ie_img *img, const struct ie_image_map *m);
/* Lays out the uapi image (hdr, text, data, relocs, imports, entries, maps). */
int ie_img_serialize(const struct ie_img *img, void **image, size_t *size);

/* ---- elf_reader.c: ELF relocatable object -> image ---- */

/* On failure prints a message naming @path and returns -errno. */
int ie_elf_to_image(const char *path, void **image, size_t *size);
/* The same from @buf (copied; the caller keeps it); messages name @label. */
int ie_elf_mem_to_image(const char *label, const void *buf, size_t buf_size, void **image,
			size_t *size);

/* ---- program.c: SEC() and explicit attach targets ---- */

struct ie_attach_spec {
	__u32 hook;			/* enum ie_hook */
	__u32 flags;			/* IE_LINK_F_SYSCALL_NR or 0 */
	__u32 syscall_nr;
	__u32 ifindex;			/* IE_HOOK_XDP */
	char target[IE_TARGET_LEN];	/* what the kernel gets: "sym", "cat:name" */
	char tp_name[IE_TARGET_LEN];	/* tracepoint event name, for BTF: "sys_enter" */
	char desc[IE_TARGET_LEN + 32];	/* what the user asked: "tracepoint syscalls:sys_enter_dup" */
};

/* Return 0 or -errno (messages name @prog_name). */
int ie_attach_spec_from_sec(const char *sec, const char *prog_name, struct ie_attach_spec *spec);
int ie_attach_spec_kprobe(const char *func, const char *prog_name, struct ie_attach_spec *spec);
int ie_attach_spec_tracepoint(const char *category, const char *name, const char *prog_name,
			      struct ie_attach_spec *spec);
int ie_attach_spec_xdp(int ifindex, const char *prog_name, struct ie_attach_spec *spec);

/* ---- object.c ---- */

struct btf;

struct innerext_program {
	struct innerext_object *obj;
	char name[IE_NAME_LEN];
	char sec[IE_SEC_LEN];
	__u32 entry_idx;
	__u32 text_off;
};

struct innerext_map {
	struct innerext_object *obj;
	struct ie_image_map def;	/* from the image's maps table (name NUL-terminated) */
	int fd;				/* -1 until created at load, or given to reuse_fd */
	__u32 id;
	bool reused;			/* fd came from innerext_map__reuse_fd() */
};

struct innerext_object {
	char name[IE_NAME_LEN];
	char *path;			/* the file, or "NAME (in memory)" (open_mem) */
	char *dev_path;			/* NULL: INNEREXT_DEV_PATH */
	void *image;
	size_t image_size;
	struct innerext_program *progs;
	size_t nr_progs;
	struct innerext_map *maps;
	size_t nr_maps;
	int dev_fd;			/* -1 until loaded */
	int prog_fd;			/* -1 until loaded */
	__u32 prog_id;
	char *log;			/* log of the last load attempt, NULL if none */
	struct btf *vmlinux_btf;	/* lazily loaded for tracepoint arity */
	bool btf_tried;
	/* innerext_object__set_runtime(): 0 = the module's default */
	__u32 budget_us;
	__u32 fail_action;
	__u32 max_aborts;
	__u32 abort_window_ms;
	__u32 prog_flags;
	void *sig;			/* innerext_object__set_signature(), NULL if none */
	size_t sig_size;
};

/* map.c: the object's maps from its image; create / release them around a load. */
int ie_object_init_maps(struct innerext_object *obj);
int ie_object_create_maps(struct innerext_object *obj, int dev_fd);
/* Close the fds of maps created by load (reused ones stay); all = reused ones too. */
void ie_object_release_maps(struct innerext_object *obj, bool all);

/* Tracepoint arity from vmlinux BTF (btf_trace_<name>), 0 if unknown. */
__u32 ie_object_tp_nr_args(struct innerext_object *obj, const char *tp_name);

/* ---- syscalls.c ---- */
/* (innerext_syscall_nr / innerext_syscall_name are public) */

#endif /* __LIBINNEREXT_INTERNAL_H */
