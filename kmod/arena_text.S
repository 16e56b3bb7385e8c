/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executable arena: a section with "ax" flags inside the module's own
 * image, so the module loader maps it read-only + executable within the
 * module area (rel32 reach to kernel and module text). Extension code is
 * written into it only through a temporary writable alias (arena.c).
 *
 * It is PROGBITS filled with int3, not NOBITS: on IBT kernels (6.12) objtool
 * runs on the linked module and crashes on an executable NOBITS section, and
 * an int3 filler also traps any jump into space no program owns. The price is
 * that the .ko carries the arena's bytes, so the default size is modest.
 */
#include <linux/objtool.h>

	.section .ie_text_arena, "ax", @progbits
	.balign 4096
	.globl ie_text_arena
ie_text_arena:
	ANNOTATE_NOENDBR	/* the module takes the arena's address; it is no call target */
	.fill IE_TEXT_ARENA_SIZE, 1, 0xcc
	.globl ie_text_arena_end
ie_text_arena_end:
	.previous
