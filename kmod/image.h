/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image validator: checks every size, offset, relocation, import and entry of
 * an extension image before anything is copied or placed. Pure function of the
 * bytes, built both into the module and into user-space tests and fuzzers.
 */
#ifndef IE_IMAGE_H
#define IE_IMAGE_H

#include <linux/innerext.h>
#include "log.h"

/* Validated view of an image: pointers into the caller's buffer. */
struct ie_image_view {
	const struct ie_image_hdr *hdr;
	const __u8 *text;
	const __u8 *data;
	const struct ie_image_reloc *relocs;
	const struct ie_image_import *imports;
	const struct ie_image_entry *entries;
	const struct ie_image_map *maps;
};

#define IE_IMAGE_F_REQUIRE_ENDBR	(1U << 0)	/* entries must start with endbr64 */

int ie_image_check(const void *img, size_t size, unsigned int check_flags,
		   struct ie_log *log, struct ie_image_view *view);

/* A name from the image is NUL-terminated, non-empty and made of C identifier chars. */
int ie_name_valid(const char *name, size_t max, const char *extra_chars);

#endif /* IE_IMAGE_H */
