// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run innerext images in user space (see ref_loader.h). Validation is the
 * module's ie_image_check(); only placement and relocation live here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "image.h"		/* kmod/image.h */
#include "ref_loader.h"

#define STUB_SIZE	16
#define PAGE		4096UL

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

int ref_check(const void *image, size_t size, unsigned int check_flags,
	      char *log, size_t log_size)
{
	struct ie_log l = { .buf = log, .size = (__u32)log_size };
	struct ie_image_view v;

	if (log && log_size)
		log[0] = '\0';
	return ie_image_check(image, size, check_flags, &l, &v);
}

/* jmp *%reg for __x86_indirect_thunk_<reg> */
static int thunk_stub(const char *reg, unsigned char *stub)
{
	static const char *const regs[] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	int i;

	for (i = 0; i < 16; i++) {
		if (strcmp(reg, regs[i]))
			continue;
		if (i >= 8)
			*stub++ = 0x41;
		stub[0] = 0xff;
		stub[1] = (unsigned char)(0xe0 | (i & 7));
		return 0;
	}
	return -1;
}

/* The host's ie_helper_lookup(): a stub in low memory that reaches the helper. */
static int make_stub(const char *name, const struct ref_helper *helpers, unsigned char *stub)
{
	uint64_t addr;
	size_t i;

	memset(stub, 0xcc, STUB_SIZE);
	if (!strcmp(name, "__x86_return_thunk")) {
		stub[0] = 0xc3;		/* ret */
		return 0;
	}
	if (!strncmp(name, "__x86_indirect_thunk_", 21))
		return thunk_stub(name + 21, stub);
	for (i = 0; helpers[i].name; i++) {
		if (strcmp(helpers[i].name, name))
			continue;
		/* jmp *0(%rip); .quad addr */
		stub[0] = 0xff;
		stub[1] = 0x25;
		memset(stub + 2, 0, 4);
		addr = (uint64_t)(uintptr_t)helpers[i].addr;
		memcpy(stub + 6, &addr, 8);
		return 0;
	}
	return -1;
}

/* kmod/prog.c: ie_reloc_target() + ie_apply_reloc(), on a placed program. */
static int apply_reloc(const struct ref_prog *prog, const struct ie_image_reloc *r,
		       unsigned char *const *imports, __u32 idx, char *err, size_t errsz)
{
	unsigned char *loc = (r->seg == IE_SEG_TEXT ? prog->text : prog->data) + r->offset;
	int64_t p = (int64_t)(uintptr_t)loc;
	int64_t val;
	uint64_t v64;
	int32_t v32;

	switch (r->target_seg) {
	case IE_SEG_TEXT:
		val = (int64_t)(uintptr_t)(prog->text + r->target);
		break;
	case IE_SEG_DATA:
		val = (int64_t)(uintptr_t)(prog->data + r->target);
		break;
	default:
		val = (int64_t)(uintptr_t)imports[r->target];
		break;
	}
	val += r->addend;

	switch (r->type) {
	case IE_RELOC_ABS64:
		v64 = (uint64_t)val;
		memcpy(loc, &v64, 8);
		return 0;
	case IE_RELOC_PC32:
		val -= p;
		break;
	case IE_RELOC_ABS32S:
		break;
	}
	if (val != (int64_t)(int32_t)val)
		return fail(err, errsz, "reloc #%u: value 0x%llx does not fit in 32 bits",
			    idx, (unsigned long long)val);
	v32 = (int32_t)val;
	memcpy(loc, &v32, 4);
	return 0;
}

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

int ref_load(const void *image, size_t size, const struct ref_helper *helpers,
	     struct ref_prog *prog, char *err, size_t errsz)
{
	struct ie_log log = { .buf = err, .size = (__u32)errsz };
	unsigned char *imports[IE_MAX_IMPORTS];
	const struct ie_image_hdr *h;
	struct ie_image_view v;
	size_t text_sz, stubs_sz;
	__u32 i;

	memset(prog, 0, sizeof(*prog));
	err[0] = '\0';
	if (ie_image_check(image, size, IE_IMAGE_F_REQUIRE_ENDBR, &log, &v))
		return -1;
	h = v.hdr;

	text_sz = round_up(h->text_size, PAGE);
	stubs_sz = round_up((size_t)h->nr_imports * STUB_SIZE, PAGE);
	prog->mem_size = text_sz + stubs_sz + round_up(h->data_mem_size + 1, PAGE);
	/* low 2 GiB: -mcmodel=kernel code uses sign-extended 32-bit absolute addresses */
	prog->mem = mmap(NULL, prog->mem_size, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (prog->mem == MAP_FAILED) {
		prog->mem = NULL;
		return fail(err, errsz, "mmap failed");
	}
	if ((uintptr_t)prog->mem + prog->mem_size > 0x80000000UL) {
		ref_unload(prog);
		return fail(err, errsz, "could not map below 2 GiB");
	}
	prog->text = prog->mem;
	prog->stubs = prog->text + text_sz;
	prog->data = prog->stubs + stubs_sz;
	memset(prog->text, 0xcc, text_sz);
	memcpy(prog->text, v.text, h->text_size);
	memcpy(prog->data, v.data, h->data_size);	/* the bss tail stays zero */

	/* kmod/prog.c ie_resolve_imports() */
	for (i = 0; i < h->nr_imports; i++) {
		imports[i] = prog->stubs + (size_t)i * STUB_SIZE;
		if (make_stub(v.imports[i].name, helpers, imports[i])) {
			ref_unload(prog);
			return fail(err, errsz, "unknown helper '%s' (import #%u)",
				    v.imports[i].name, i);
		}
	}
	for (i = 0; i < h->nr_relocs; i++) {
		if (apply_reloc(prog, &v.relocs[i], imports, i, err, errsz)) {
			ref_unload(prog);
			return -1;
		}
	}

	prog->hdr = *h;
	prog->entries = malloc((size_t)h->nr_entries * sizeof(*prog->entries));
	if (!prog->entries) {
		ref_unload(prog);
		return fail(err, errsz, "out of memory");
	}
	memcpy(prog->entries, v.entries, (size_t)h->nr_entries * sizeof(*prog->entries));
	__builtin___clear_cache((char *)prog->text, (char *)prog->text + text_sz);
	return 0;
}

void *ref_entry(const struct ref_prog *prog, const char *name)
{
	size_t i;

	for (i = 0; i < prog->hdr.nr_entries; i++)
		if (!strcmp(prog->entries[i].name, name))
			return prog->text + prog->entries[i].text_off;
	return NULL;
}

void ref_unload(struct ref_prog *prog)
{
	if (prog->mem)
		munmap(prog->mem, prog->mem_size);
	free(prog->entries);
	memset(prog, 0, sizeof(*prog));
}
