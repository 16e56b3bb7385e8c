// SPDX-License-Identifier: GPL-2.0
/*
 * Image validator. No allocation, no kernel calls: every check is arithmetic
 * on the caller's buffer, done in 64-bit so that no u32 sum can wrap.
 * Structural errors are -EINVAL with one log line saying what and where.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdint.h>
#include <string.h>
#endif

#include "image.h"

struct ie_region {
	const char *what;
	__u64 off;
	__u64 len;
};

static const __u8 ie_endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

int ie_name_valid(const char *name, size_t max, const char *extra_chars)
{
	size_t i;

	for (i = 0; i < max; i++) {
		char c = name[i];

		if (!c)
			return i > 0;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')
			continue;
		if (!extra_chars || !strchr(extra_chars, c))
			return 0;
	}
	return 0;	/* not terminated */
}

static int ie_reserved_zero(const void *p, size_t len)
{
	const __u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

static int ie_check_regions(const struct ie_region *r, int n, __u64 hdr_size, __u64 size,
			    struct ie_log *log)
{
	int i, j;

	for (i = 0; i < n; i++) {
		/* empty, but the view's pointer to it still points into the image */
		if (!r[i].len && r[i].off > size) {
			ie_log(log,
			       "image truncated: empty %s at offset %llu is outside the image (%llu bytes)",
			       r[i].what, (unsigned long long)r[i].off, (unsigned long long)size);
			return -EINVAL;
		}
		if (!r[i].len)
			continue;
		if (r[i].off % 8) {
			ie_log(log, "image: %s at offset %llu is not 8-byte aligned",
			       r[i].what, (unsigned long long)r[i].off);
			return -EINVAL;
		}
		if (r[i].off < hdr_size || r[i].off + r[i].len > size) {
			ie_log(log, "image truncated: %s [%llu, %llu) is outside the image (%llu bytes)",
			       r[i].what, (unsigned long long)r[i].off,
			       (unsigned long long)(r[i].off + r[i].len), (unsigned long long)size);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!r[j].len)
				continue;
			if (r[i].off < r[j].off + r[j].len && r[j].off < r[i].off + r[i].len) {
				ie_log(log, "image: %s overlaps %s", r[i].what, r[j].what);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static const char *ie_seg_name(unsigned int seg)
{
	switch (seg) {
	case IE_SEG_TEXT:
		return "text";
	case IE_SEG_DATA:
		return "data";
	case IE_SEG_IMPORT:
		return "imports";
	}
	return "?";
}

static int ie_check_relocs(const struct ie_image_view *v, struct ie_log *log)
{
	const struct ie_image_hdr *h = v->hdr;
	__u32 i;

	for (i = 0; i < h->nr_relocs; i++) {
		const struct ie_image_reloc *r = &v->relocs[i];
		__u64 seg_size, width, limit;

		if (r->pad || r->reserved) {
			ie_log(log, "reloc #%u: reserved fields must be 0", i);
			return -EINVAL;
		}
		switch (r->type) {
		case IE_RELOC_ABS64:
			width = 8;
			break;
		case IE_RELOC_PC32:
		case IE_RELOC_ABS32S:
			width = 4;
			break;
		default:
			ie_log(log, "reloc #%u: unknown type %u", i, r->type);
			return -EINVAL;
		}
		if (r->seg == IE_SEG_TEXT) {
			seg_size = h->text_size;
		} else if (r->seg == IE_SEG_DATA) {
			seg_size = h->data_size;
		} else {
			ie_log(log, "reloc #%u: cannot patch segment %u", i, r->seg);
			return -EINVAL;
		}
		if ((__u64)r->offset + width > seg_size) {
			ie_log(log, "reloc #%u out of range: %llu bytes at offset %u are outside %s (%llu bytes)",
			       i, (unsigned long long)width, r->offset, ie_seg_name(r->seg),
			       (unsigned long long)seg_size);
			return -EINVAL;
		}
		/*
		 * Every target, imports included: an unbounded addend on a helper could
		 * overflow rel32 and put the helper's address + addend in the log.
		 */
		if (r->addend > (__s64)IE_MAX_IMAGE_SIZE || r->addend < -(__s64)IE_MAX_IMAGE_SIZE) {
			ie_log(log, "reloc #%u out of range: addend %lld", i, (long long)r->addend);
			return -EINVAL;
		}
		switch (r->target_seg) {
		case IE_SEG_TEXT:
			limit = h->text_size;
			break;
		case IE_SEG_DATA:
			limit = h->data_mem_size;
			break;
		case IE_SEG_IMPORT:
			if (r->target >= h->nr_imports) {
				ie_log(log, "reloc #%u out of range: import #%u does not exist (%u imports)",
				       i, r->target, h->nr_imports);
				return -EINVAL;
			}
			continue;
		default:
			ie_log(log, "reloc #%u: unknown target segment %u", i, r->target_seg);
			return -EINVAL;
		}
		/* a symbol may sit at the very end of its segment (e.g. __end markers) */
		if (r->target > limit) {
			ie_log(log, "reloc #%u out of range: target offset %u is outside %s (%llu bytes)",
			       i, r->target, ie_seg_name(r->target_seg), (unsigned long long)limit);
			return -EINVAL;
		}
	}
	return 0;
}

static int ie_check_maps(const struct ie_image_view *v, struct ie_log *log)
{
	const struct ie_image_hdr *h = v->hdr;
	__u32 i, j;

	for (i = 0; i < h->nr_maps; i++) {
		const struct ie_image_map *m = &v->maps[i];

		if (!ie_name_valid(m->name, IE_NAME_LEN, ".-")) {
			ie_log(log, "map #%u: name is empty, unterminated or not [A-Za-z0-9_.-]", i);
			return -EINVAL;
		}
		if (m->def_off % 4 || (__u64)m->def_off + sizeof(struct ie_map_def) > h->data_size) {
			ie_log(log, "map '%s': definition at data offset %u is outside data (%u bytes) or misaligned",
			       m->name, m->def_off, h->data_size);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(v->maps[j].name, m->name) ||
			    v->maps[j].def_off == m->def_off) {
				ie_log(log, "map '%s' is declared twice", m->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int ie_check_names(const struct ie_image_view *v, unsigned int check_flags,
			  struct ie_log *log)
{
	const struct ie_image_hdr *h = v->hdr;
	__u32 i;

	for (i = 0; i < h->nr_imports; i++) {
		if (!ie_name_valid(v->imports[i].name, IE_NAME_LEN, NULL)) {
			ie_log(log, "import #%u: name is empty, unterminated or not an identifier", i);
			return -EINVAL;
		}
	}
	for (i = 0; i < h->nr_entries; i++) {
		const struct ie_image_entry *e = &v->entries[i];

		if (!ie_name_valid(e->name, IE_NAME_LEN, NULL)) {
			ie_log(log, "entry #%u: name is empty, unterminated or not an identifier", i);
			return -EINVAL;
		}
		if (!memchr(e->sec, 0, IE_SEC_LEN)) {
			ie_log(log, "entry '%s': section name is not NUL-terminated", e->name);
			return -EINVAL;
		}
		if (e->flags) {
			ie_log(log, "entry '%s': unknown flags 0x%x", e->name, e->flags);
			return -EINVAL;
		}
		if (e->text_off >= h->text_size) {
			ie_log(log, "entry '%s' at offset %u is outside text (%u bytes)",
			       e->name, e->text_off, h->text_size);
			return -EINVAL;
		}
		if ((check_flags & IE_IMAGE_F_REQUIRE_ENDBR) &&
		    ((__u64)e->text_off + 4 > h->text_size ||
		     memcmp(v->text + e->text_off, ie_endbr64, 4))) {
			ie_log(log, "entry '%s' does not start with endbr64 and this kernel enforces IBT: build with -fcf-protection=branch (innerext.mk)",
			       e->name);
			return -EINVAL;
		}
	}
	return 0;
}

int ie_image_check(const void *img, size_t size, unsigned int check_flags,
		   struct ie_log *log, struct ie_image_view *view)
{
	const struct ie_image_hdr *h = img;
	struct ie_region regions[6];
	int err;

	if (size > IE_MAX_IMAGE_SIZE) {
		ie_log(log, "image is %zu bytes; the limit is %u", size, IE_MAX_IMAGE_SIZE);
		return -E2BIG;
	}
	if (size < sizeof(*h)) {
		ie_log(log, "image truncated: %zu bytes, the header alone is %zu", size, sizeof(*h));
		return -EINVAL;
	}
	if (h->magic != IE_IMAGE_MAGIC) {
		ie_log(log, "image: bad magic 0x%08x (expected 0x%08x): not an innerext image",
		       h->magic, IE_IMAGE_MAGIC);
		return -EINVAL;
	}
	if (h->version != IE_IMAGE_VERSION) {
		ie_log(log, "image: version %u is not supported (this module speaks %u)",
		       h->version, IE_IMAGE_VERSION);
		return -EINVAL;
	}
	if (h->hdr_size != sizeof(*h)) {
		ie_log(log, "image: header size %u, expected %zu", h->hdr_size, sizeof(*h));
		return -EINVAL;
	}
	if (h->flags) {
		ie_log(log, "image: unknown flags 0x%x", h->flags);
		return -EINVAL;
	}
	if (!ie_reserved_zero(h->reserved, sizeof(h->reserved))) {
		ie_log(log, "image: reserved header fields must be 0");
		return -EINVAL;
	}
	if (!h->text_size) {
		ie_log(log, "image: empty text");
		return -EINVAL;
	}
	if (h->data_mem_size < h->data_size) {
		ie_log(log, "image: data_mem_size %u is smaller than data_size %u",
		       h->data_mem_size, h->data_size);
		return -EINVAL;
	}
	if (h->data_mem_size > IE_MAX_IMAGE_SIZE) {
		ie_log(log, "image: data+bss of %u bytes exceeds the limit of %u",
		       h->data_mem_size, IE_MAX_IMAGE_SIZE);
		return -E2BIG;
	}
	if (!h->nr_entries || h->nr_entries > IE_MAX_ENTRIES) {
		ie_log(log, "image: %u entries (1..%u allowed)", h->nr_entries, IE_MAX_ENTRIES);
		return -EINVAL;
	}
	if (h->nr_relocs > IE_MAX_RELOCS || h->nr_imports > IE_MAX_IMPORTS ||
	    h->nr_maps > IE_MAX_MAPS) {
		ie_log(log, "image: %u relocs / %u imports / %u maps (limits %u / %u / %u)",
		       h->nr_relocs, h->nr_imports, h->nr_maps, IE_MAX_RELOCS, IE_MAX_IMPORTS,
		       IE_MAX_MAPS);
		return -EINVAL;
	}

	regions[0] = (struct ie_region){ "text", h->text_off, h->text_size };
	regions[1] = (struct ie_region){ "data", h->data_off, h->data_size };
	regions[2] = (struct ie_region){ "relocs", h->relocs_off,
		(__u64)h->nr_relocs * sizeof(struct ie_image_reloc) };
	regions[3] = (struct ie_region){ "imports", h->imports_off,
		(__u64)h->nr_imports * sizeof(struct ie_image_import) };
	regions[4] = (struct ie_region){ "entries", h->entries_off,
		(__u64)h->nr_entries * sizeof(struct ie_image_entry) };
	regions[5] = (struct ie_region){ "maps", h->maps_off,
		(__u64)h->nr_maps * sizeof(struct ie_image_map) };
	err = ie_check_regions(regions, 6, h->hdr_size, size, log);
	if (err)
		return err;

	view->hdr = h;
	view->text = (const __u8 *)img + h->text_off;
	view->data = (const __u8 *)img + h->data_off;
	view->relocs = (const void *)((const __u8 *)img + h->relocs_off);
	view->imports = (const void *)((const __u8 *)img + h->imports_off);
	view->entries = (const void *)((const __u8 *)img + h->entries_off);
	view->maps = (const void *)((const __u8 *)img + h->maps_off);

	err = ie_check_relocs(view, log);
	if (err)
		return err;
	err = ie_check_maps(view, log);
	if (err)
		return err;
	return ie_check_names(view, check_flags, log);
}
