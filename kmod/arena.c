// SPDX-License-Identifier: GPL-2.0
/*
 * Text and data arenas (DESIGN §3, §7).
 *
 * Text: the RO+X NOBITS section from arena_text.S. It is never writable at its
 * own address (no W+X mapping): code is copied through a vmap(PAGE_KERNEL)
 * alias of the same pages, which is RW+NX and exists only for the copy.
 * Data: a page-aligned array in the module's .bss (RW+NX), close enough to the
 * text for RIP-relative and rel32 addressing.
 * Both are carved up with genalloc at cache-line granularity.
 */
#include <linux/kernel.h>
#include <linux/genalloc.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/sync_core.h>

#include "arena.h"

#define IE_ARENA_ORDER	6	/* 64-byte granules */

extern u8 ie_text_arena[];
extern u8 ie_text_arena_end[];
static u8 ie_data_arena[IE_DATA_ARENA_SIZE] __aligned(PAGE_SIZE);

static struct gen_pool *ie_text_pool;
static struct gen_pool *ie_data_pool;

bool ie_in_text_arena(unsigned long addr)
{
	return addr >= (unsigned long)ie_text_arena && addr < (unsigned long)ie_text_arena_end;
}

static struct gen_pool *ie_pool_new(void *base, size_t size)
{
	struct gen_pool *pool = gen_pool_create(IE_ARENA_ORDER, -1);

	if (!pool)
		return NULL;
	if (gen_pool_add(pool, (unsigned long)base, size, -1)) {
		gen_pool_destroy(pool);
		return NULL;
	}
	return pool;
}

int ie_arena_init(void)
{
	ie_text_pool = ie_pool_new(ie_text_arena, ie_text_arena_end - ie_text_arena);
	ie_data_pool = ie_pool_new(ie_data_arena, sizeof(ie_data_arena));
	if (!ie_text_pool || !ie_data_pool) {
		ie_arena_exit();
		return -ENOMEM;
	}
	return 0;
}

void ie_arena_exit(void)
{
	/* gen_pool_destroy() BUGs on outstanding allocations: callers free everything first */
	if (ie_text_pool)
		gen_pool_destroy(ie_text_pool);
	if (ie_data_pool)
		gen_pool_destroy(ie_data_pool);
	ie_text_pool = NULL;
	ie_data_pool = NULL;
}

void *ie_text_alloc(size_t size)
{
	return (void *)gen_pool_alloc(ie_text_pool, size);
}

void *ie_data_alloc(size_t size)
{
	void *p = (void *)gen_pool_alloc(ie_data_pool, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void ie_data_free(void *p, size_t size)
{
	gen_pool_free(ie_data_pool, (unsigned long)p, size);
}

static void ie_sync_core(void *unused)
{
	sync_core();
}

/*
 * Copy @len bytes of code to @dst (inside the text arena) through a temporary
 * RW alias. Sleeps (vmap/vunmap): process context only, and only while the code
 * is not reachable by any hook. Afterwards every CPU executes a serializing
 * instruction so none runs stale bytes from an earlier use of the same space.
 */
int ie_text_write(void *dst, const void *src, size_t len)
{
	unsigned long start = (unsigned long)dst & PAGE_MASK;
	unsigned int off = offset_in_page(dst);
	unsigned int i, nr = DIV_ROUND_UP(off + len, PAGE_SIZE);
	struct page **pages;
	void *alias;

	if (!ie_in_text_arena((unsigned long)dst) ||
	    !ie_in_text_arena((unsigned long)dst + len - 1))
		return -EFAULT;
	pages = kcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		pages[i] = vmalloc_to_page((void *)(start + i * PAGE_SIZE));
		if (!pages[i]) {
			kfree(pages);
			return -EFAULT;
		}
	}
	alias = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!alias)
		return -ENOMEM;
	if (src)
		memcpy(alias + off, src, len);
	else
		memset(alias + off, 0xcc, len);	/* int3: freed space traps if ever run */
	vunmap(alias);
	on_each_cpu(ie_sync_core, NULL, 1);
	return 0;
}

void ie_text_free(void *p, size_t size)
{
	/* Poison first; if that fails (no memory for the alias) the space is still free. */
	ie_text_write(p, NULL, size);
	gen_pool_free(ie_text_pool, (unsigned long)p, size);
}

void ie_arena_usage(u64 *text_size, u64 *text_free, u64 *data_size, u64 *data_free)
{
	*text_size = gen_pool_size(ie_text_pool);
	*text_free = gen_pool_avail(ie_text_pool);
	*data_size = gen_pool_size(ie_data_pool);
	*data_free = gen_pool_avail(ie_data_pool);
}
