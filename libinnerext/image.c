// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The image under construction and its serialization into the uapi layout
 * (uapi/linux/innerext.h): hdr, text, data, relocs, imports, entries, maps, each
 * piece starting on an 8-byte boundary, padding zeroed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libinnerext_internal.h"

#define IE_ALIGN8(x)	(((x) + 7) & ~(size_t)7)

void ie_img_free(struct ie_img *img)
{
	free(img->text);
	free(img->data);
	free(img->relocs);
	free(img->imports);
	free(img->entries);
	free(img->maps);
	memset(img, 0, sizeof(*img));
}

/* Grow *arr (of elements of @elem_sz) so that it holds at least @need. */
static int grow(void **arr, size_t *cap, size_t need, size_t elem_sz)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 16;
	while (new_cap < need)
		new_cap *= 2;
	p = reallocarray(*arr, new_cap, elem_sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

int ie_img_import(struct ie_img *img, const char *name)
{
	size_t i;
	int err;

	for (i = 0; i < img->nr_imports; i++)
		if (!strcmp(img->imports[i].name, name))
			return (int)i;
	if (strlen(name) >= IE_NAME_LEN)
		return -ENAMETOOLONG;
	if (img->nr_imports >= IE_MAX_IMPORTS)
		return -E2BIG;
	err = grow((void **)&img->imports, &img->imports_cap, img->nr_imports + 1,
		   sizeof(*img->imports));
	if (err)
		return err;
	memset(&img->imports[img->nr_imports], 0, sizeof(*img->imports));
	strcpy(img->imports[img->nr_imports].name, name);
	return (int)img->nr_imports++;
}

int ie_img_add_reloc(struct ie_img *img, const struct ie_image_reloc *r)
{
	int err;

	if (img->nr_relocs >= IE_MAX_RELOCS)
		return -E2BIG;
	err = grow((void **)&img->relocs, &img->relocs_cap, img->nr_relocs + 1,
		   sizeof(*img->relocs));
	if (err)
		return err;
	img->relocs[img->nr_relocs++] = *r;
	return 0;
}

int ie_img_add_entry(struct ie_img *img, const struct ie_image_entry *e)
{
	int err;

	if (img->nr_entries >= IE_MAX_ENTRIES)
		return -E2BIG;
	err = grow((void **)&img->entries, &img->entries_cap, img->nr_entries + 1,
		   sizeof(*img->entries));
	if (err)
		return err;
	img->entries[img->nr_entries++] = *e;
	return 0;
}

int ie_img_add_map(struct ie_img *img, const struct ie_image_map *m)
{
	int err;

	if (img->nr_maps >= IE_MAX_MAPS)
		return -E2BIG;
	err = grow((void **)&img->maps, &img->maps_cap, img->nr_maps + 1, sizeof(*img->maps));
	if (err)
		return err;
	img->maps[img->nr_maps++] = *m;
	return 0;
}

int ie_img_serialize(const struct ie_img *img, void **image, size_t *size)
{
	size_t text_off, data_off, relocs_off, imports_off, entries_off, maps_off, total;
	struct ie_image_hdr *hdr;
	__u8 *buf;

	text_off = IE_ALIGN8(sizeof(*hdr));
	data_off = IE_ALIGN8(text_off + img->text_size);
	relocs_off = IE_ALIGN8(data_off + img->data_size);
	imports_off = relocs_off + img->nr_relocs * sizeof(struct ie_image_reloc);
	entries_off = imports_off + img->nr_imports * sizeof(struct ie_image_import);
	maps_off = IE_ALIGN8(entries_off + img->nr_entries * sizeof(struct ie_image_entry));
	total = maps_off + img->nr_maps * sizeof(struct ie_image_map);
	if (!img->nr_maps) {
		maps_off = 0;
		total = entries_off + img->nr_entries * sizeof(struct ie_image_entry);
	}

	if (total > IE_MAX_IMAGE_SIZE || img->data_mem_size > UINT32_MAX)
		return -E2BIG;

	buf = calloc(1, total);
	if (!buf)
		return -ENOMEM;
	hdr = (struct ie_image_hdr *)buf;
	hdr->magic = IE_IMAGE_MAGIC;
	hdr->version = IE_IMAGE_VERSION;
	hdr->hdr_size = sizeof(*hdr);
	hdr->flags = 0;
	hdr->text_off = (__u32)text_off;
	hdr->text_size = (__u32)img->text_size;
	hdr->data_off = (__u32)data_off;
	hdr->data_size = (__u32)img->data_size;
	hdr->data_mem_size = (__u32)img->data_mem_size;
	hdr->relocs_off = (__u32)relocs_off;
	hdr->nr_relocs = (__u32)img->nr_relocs;
	hdr->imports_off = (__u32)imports_off;
	hdr->nr_imports = (__u32)img->nr_imports;
	hdr->entries_off = (__u32)entries_off;
	hdr->nr_entries = (__u32)img->nr_entries;
	hdr->maps_off = (__u32)maps_off;
	hdr->nr_maps = (__u32)img->nr_maps;

	if (img->text_size)
		memcpy(buf + text_off, img->text, img->text_size);
	if (img->data_size)
		memcpy(buf + data_off, img->data, img->data_size);
	if (img->nr_relocs)
		memcpy(buf + relocs_off, img->relocs,
		       img->nr_relocs * sizeof(struct ie_image_reloc));
	if (img->nr_imports)
		memcpy(buf + imports_off, img->imports,
		       img->nr_imports * sizeof(struct ie_image_import));
	if (img->nr_entries)
		memcpy(buf + entries_off, img->entries,
		       img->nr_entries * sizeof(struct ie_image_entry));
	if (img->nr_maps)
		memcpy(buf + maps_off, img->maps, img->nr_maps * sizeof(struct ie_image_map));

	*image = buf;
	*size = total;
	return 0;
}
