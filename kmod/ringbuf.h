/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring buffer maps: the producer side map_ringbuf.c offers to the extension
 * helpers in helpers_ringbuf.c. Both run in the extension's context (any
 * context, preemption disabled); nothing here sleeps.
 */
#ifndef IE_RINGBUF_H
#define IE_RINGBUF_H

#include <linux/types.h>

struct ie_map;

/*
 * Reserve a record of @size bytes (1 .. data size / 2) in ring buffer map @map.
 * Returns the record's data (8-byte aligned), or NULL: -EINVAL in *err for a
 * size out of range, -EAGAIN when the ring is full (counted in `dropped`), or
 * -EBUSY when the producer lock could not be taken in NMI context (counted).
 */
void *ie_ringbuf_reserve_rec(struct ie_map *map, u64 size, int *err);

/*
 * Commit a record ie_ringbuf_reserve_rec() returned for @map with @size:
 * clear BUSY (@discard: set DISCARD) and wake the reader if it waits for it.
 * Returns false if the record's header had been overwritten: it is repaired
 * and the record discarded.
 */
bool ie_ringbuf_commit_rec(struct ie_map *map, void *sample, u32 size, bool discard);

#endif /* IE_RINGBUF_H */
