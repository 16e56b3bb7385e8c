/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/hash_ext.c (the extension) and map_hash_test.c. */
#ifndef HASH_EXT_H
#define HASH_EXT_H

#define HASH_EXT_TAG		0x4a5bULL
#define HASH_EXT_FULL		64	/* max_entries of full and lru_full */
#define HASH_EXT_MAX_CPUS	8

#define HASH_EXT_CMD(op, arg)	(HASH_EXT_TAG << 32 | (__u64)(op) << 24 | (arg))

enum hash_ext_op {
	OP_LRU_TOUCH = 1,	/* look arg up in lru (marks it referenced) */
	OP_PC_UPDATE,		/* pc[arg] = 1000 + cpu, this CPU's copy */
	OP_PC_READ,		/* res[R_PC_SEEN + cpu] = this CPU's pc[arg] */
	OP_FULL_CHURN,		/* arg times: delete full[i], insert full[1000 + i] */
	OP_LRU_FILL,		/* arg times: insert lru_full[1000 + i] */
	OP_FLAGS,		/* a sequence of updates and deletes on flags_h */
};

/* slots of the res array */
enum {
	R_GUARD_BUSY,
	R_GUARD_OK,
	R_GUARD_OTHER,
	R_LRU_HIT,
	R_LRU_MISS,
	R_PC_OK,
	R_PC_ERR,
	R_CHURN_OK,
	R_CHURN_ENOMEM,
	R_CHURN_OTHER,
	R_CHURN_DEL_ERR,
	R_LRU_OK,
	R_LRU_ENOMEM,
	R_LRU_OTHER,
	R_GUARD_ENOMEM,		/* guard: no free element (pool waiting for a grace period) */
	R_GUARD_LAST_ERR,	/* guard: the last error counted in R_GUARD_OTHER */
	R_FLAGS = 16,		/* 11 results */
	R_PC_SEEN = 32,		/* HASH_EXT_MAX_CPUS values */
	R_MAX = R_PC_SEEN + HASH_EXT_MAX_CPUS,
};

#endif /* HASH_EXT_H */
