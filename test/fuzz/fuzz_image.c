// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the module's image validator, ie_image_check()
 * (kmod/image.c, the very file the module builds). The input is an image as
 * user space hands it to IE_IOC_PROG_LOAD. Each input is checked with and
 * without IE_IMAGE_F_REQUIRE_ENDBR (kernels with and without IBT), and the
 * harness asserts what the module relies on:
 *
 *  - the result is 0, -EINVAL or -E2BIG; a refusal logs exactly one message, an
 *    acceptance none; the log stays NUL-terminated inside its (small) buffer;
 *  - requiring endbr64 only ever refuses more;
 *  - an accepted image can be used exactly as kmod/prog.c uses it: every
 *    pointer of the view and every offset, index and name is walked here the
 *    way ie_prog_build(), ie_prog_place(), ie_apply_reloc() and
 *    ie_prog_bind_maps() do, into buffers of the sizes the module allocates,
 *    so ASan sees any byte the module would read or write out of bounds.
 *
 * The input is copied into a buffer of exactly its size (the module's kvmalloc
 * copy is aligned like malloc's), so a read past the image is an ASan report.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define IE_TEXT_ALIGN	64	/* kmod/prog.c */
#define ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_image: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* Bytes a C string of at most @max bytes occupies, NUL included; aborts if unterminated. */
static size_t name_bytes(const char *name, size_t max)
{
	size_t n = strnlen(name, max);

	check(n < max);
	return n + 1;
}

/* ie_apply_reloc() on buffers of the module's sizes, with made-up load addresses. */
static void apply_reloc(const struct ie_image_hdr *h, const struct ie_image_reloc *r,
			__u8 *tbuf, __u8 *data, const __u64 *imports)
{
	const __u64 text_addr = 0xffffffffc0000000ULL, data_addr = 0xffffffffc1000000ULL;
	__u8 *loc;
	__u64 s, p, width;

	switch (r->type) {
	case IE_RELOC_ABS64:
		width = 8;
		break;
	case IE_RELOC_PC32:
	case IE_RELOC_ABS32S:
		width = 4;
		break;
	default:
		check(0);
	}
	check(r->seg == IE_SEG_TEXT || r->seg == IE_SEG_DATA);
	loc = (r->seg == IE_SEG_TEXT ? tbuf : data) + r->offset;
	/* the module writes into the text copy (text_size) and into data (data_alloc) */
	check((__u64)r->offset + width <= (r->seg == IE_SEG_TEXT ? h->text_size : h->data_size));
	p = (r->seg == IE_SEG_TEXT ? text_addr : data_addr) + r->offset;
	switch (r->target_seg) {
	case IE_SEG_TEXT:
		check(r->target <= h->text_size);
		s = text_addr + r->target;
		break;
	case IE_SEG_DATA:
		check(r->target <= h->data_mem_size);
		s = data_addr + r->target;
		break;
	case IE_SEG_IMPORT:
		s = imports[r->target];		/* ASan: imports has nr_imports slots */
		break;
	default:
		check(0);
	}
	s += (__u64)r->addend;
	if (r->type == IE_RELOC_PC32)
		s -= p;
	memcpy(loc, &s, width);			/* put_unaligned() of the low bytes */
}

/* What kmod/prog.c does with a validated image, short of the arenas and the helpers. */
static void use_view(const __u8 *img, size_t size, const struct ie_image_view *v,
		     unsigned int flags)
{
	const struct ie_image_hdr *h = v->hdr;
	size_t data_alloc;
	__u64 *imports;
	__u8 *tbuf, *data;
	__u32 i, j;

	check((const __u8 *)h == img);
	check(h->text_size > 0 && h->nr_entries > 0);
	check(h->data_mem_size >= h->data_size);
	/* every table of the view lies inside the image */
	check(v->text >= img && v->text + h->text_size <= img + size);
	check(v->data >= img && v->data + h->data_size <= img + size);
	check((const __u8 *)v->relocs >= img &&
	      (const __u8 *)(v->relocs + h->nr_relocs) <= img + size);
	check((const __u8 *)v->imports >= img &&
	      (const __u8 *)(v->imports + h->nr_imports) <= img + size);
	check((const __u8 *)v->entries >= img &&
	      (const __u8 *)(v->entries + h->nr_entries) <= img + size);
	check((const __u8 *)v->maps >= img && (const __u8 *)(v->maps + h->nr_maps) <= img + size);

	/* ie_resolve_imports(): every name is a NUL-terminated helper name */
	imports = calloc(h->nr_imports ? h->nr_imports : 1, sizeof(*imports));
	check(imports);
	for (i = 0; i < h->nr_imports; i++) {
		check(name_bytes(v->imports[i].name, IE_NAME_LEN) > 1);
		imports[i] = 0xffffffff81000000ULL + 16 * i;
	}

	/* ie_prog_build(): entries copied with strscpy, text_off kept */
	for (i = 0; i < h->nr_entries; i++) {
		const struct ie_image_entry *e = &v->entries[i];

		check(name_bytes(e->name, IE_NAME_LEN) > 1);
		name_bytes(e->sec, IE_SEC_LEN);
		check(e->text_off < h->text_size);
		if (flags & IE_IMAGE_F_REQUIRE_ENDBR)
			check(!memcmp(v->text + e->text_off, "\xf3\x0f\x1e\xfa", 4));
	}

	/*
	 * ie_prog_place(): data_alloc bytes, data copied, text copied then relocated.
	 * Here only data_size bytes: nothing but the zeroed bss lies beyond, which the
	 * module never writes (relocations and map slots are inside data_size), and a
	 * 16 MiB bss would cost every execution a 16 MiB calloc().
	 */
	data_alloc = ALIGN_UP((size_t)(h->data_mem_size ? h->data_mem_size : 1), IE_TEXT_ALIGN);
	check(data_alloc >= h->data_mem_size);
	data = calloc(1, h->data_size ? h->data_size : 1);
	check(data);
	memcpy(data, v->data, h->data_size);
	tbuf = malloc(h->text_size);
	check(tbuf);
	memcpy(tbuf, v->text, h->text_size);
	for (i = 0; i < h->nr_relocs; i++)
		apply_reloc(h, &v->relocs[i], tbuf, data, imports);

	/* ie_prog_bind_maps(): the slot of each definition is written in data */
	for (i = 0; i < h->nr_maps; i++) {
		const struct ie_image_map *m = &v->maps[i];
		struct ie_map_def *def = (struct ie_map_def *)(data + m->def_off);

		check(name_bytes(m->name, IE_NAME_LEN) > 1);
		check(m->def_off % 4 == 0);
		check((__u64)m->def_off + sizeof(*def) <= h->data_size);
		def->slot = i;
		for (j = 0; j < i; j++)
			check(strcmp(v->maps[j].name, m->name) && v->maps[j].def_off != m->def_off);
	}
	free(tbuf);
	free(data);
	free(imports);
}

/* One ie_image_check() with a log buffer of @log_size bytes (0: counting only). */
static int check_once(const __u8 *img, size_t size, unsigned int flags, size_t log_size)
{
	char logbuf[128 + 1];
	struct ie_log log = { .buf = log_size ? logbuf : NULL, .size = (__u32)log_size };
	struct ie_image_view v;
	int ret;

	check(log_size < sizeof(logbuf));
	/* the module's log buffer is kvzalloc()ed; a canary after it */
	memset(logbuf, 0x5a, sizeof(logbuf));
	memset(logbuf, 0, log_size);
	memset(&v, 0, sizeof(v));
	ret = ie_image_check(img, size, flags, &log, &v);
	check(ret == 0 || ret == -EINVAL || ret == -E2BIG);
	check(log.nr_msgs == (ret ? 1U : 0U));
	if (log_size) {
		/* one line, truncated to the buffer, NUL-terminated, nothing written past it */
		check(log.len < log_size);
		check(strlen(logbuf) == log.len);
		check(logbuf[log_size] == 0x5a);
		if (ret && log_size > 2)
			check(log.len > 1 && logbuf[log.len - 1] == '\n');
	} else {
		check(log.len == 0);
	}
	if (!ret)
		use_view(img, size, &v, flags);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the log buffer size: the last byte picks it, without changing the image */
	size_t log_size = size ? data[size - 1] % 129 : 0;
	__u8 *img = malloc(size ? size : 1);
	int plain, endbr;

	if (!img)
		return 0;
	memcpy(img, data, size);
	plain = check_once(img, size, 0, 128);
	endbr = check_once(img, size, IE_IMAGE_F_REQUIRE_ENDBR, log_size);
	/* an IBT kernel refuses what a plain one refuses, and only adds the endbr64 check */
	check(!plain || endbr == plain);
	free(img);
	return 0;
}
