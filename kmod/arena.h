/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IE_ARENA_H
#define IE_ARENA_H

#include <linux/types.h>

int ie_arena_init(void);
void ie_arena_exit(void);

void *ie_text_alloc(size_t size);
void ie_text_free(void *p, size_t size);
int ie_text_write(void *dst, const void *src, size_t len);
bool ie_in_text_arena(unsigned long addr);

void *ie_data_alloc(size_t size);
void ie_data_free(void *p, size_t size);

void ie_arena_usage(u64 *text_size, u64 *text_free, u64 *data_size, u64 *data_free);

#endif /* IE_ARENA_H */
