/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Runs innerext images in user space, to prove that what gcc and clang emit
 * relocates and runs correctly. Not a second validator: the image is checked by
 * the module's own ie_image_check() (kmod/image.c, built into the host tests),
 * and relocations are applied with the semantics of kmod/prog.c's
 * ie_apply_reloc(). Text and data go in low memory (MAP_32BIT) so that
 * -mcmodel=kernel's sign-extended 32-bit absolute addresses fit; each import
 * resolves to a small jump stub there that reaches the host function, the way
 * the module resolves imports to helpers within rel32 reach of the arenas.
 * It is not a sandbox.
 */
#ifndef __REF_LOADER_H
#define __REF_LOADER_H

#include <stddef.h>
#include <linux/innerext.h>

struct ref_helper {
	const char *name;
	void *addr;
};

struct ref_prog {
	void *mem;
	size_t mem_size;
	unsigned char *text;
	unsigned char *stubs;
	unsigned char *data;
	struct ie_image_hdr hdr;
	struct ie_image_entry *entries;		/* copy */
};

/*
 * ie_image_check() of the module on @image: 0 or its -errno; the module's log
 * (one line per message) in @log, "" when it accepted the image.
 */
int ref_check(const void *image, size_t size, unsigned int check_flags,
	      char *log, size_t log_size);
/*
 * Validate (as an IBT kernel does: IE_IMAGE_F_REQUIRE_ENDBR), place, resolve
 * imports against @helpers (terminated by { NULL }; __x86_return_thunk and
 * __x86_indirect_thunk_<reg> are built in), relocate. 0, or -1 with the
 * reason in err.
 */
int ref_load(const void *image, size_t size, const struct ref_helper *helpers,
	     struct ref_prog *prog, char *err, size_t errsz);
void *ref_entry(const struct ref_prog *prog, const char *name);
void ref_unload(struct ref_prog *prog);

#endif /* __REF_LOADER_H */
