/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by stress_test.c and its fixtures progs/stress_sys.c, stress_pkt.c and
 * stress_churn.c: key layouts, map indexes, ports.
 */
#ifndef STRESS_PROGS_H
#define STRESS_PROGS_H

/* ---- stress_sys.o: resident syscall programs ---------------------------- */

/*
 * getpgid(0, ST_TAG << 32 | slot) is counted by st_tp (tracepoint
 * syscalls:sys_enter_getpgid) into st_shared[ST_KEY_TP | slot]; getppid() by
 * a thread of the test process is counted by st_kp (kprobe __x64_sys_getppid)
 * into st_shared[ST_KEY_KP | tid]. User space creates these keys (value 0)
 * before the programs run; a count whose key is missing goes to st_err.
 * Both programs also insert and delete st_shared[ST_KEY_CHURN | cpu] on every
 * run. Keys from ST_KEY_USER on belong to user-space threads only.
 */
#define ST_TAG		0x57e5ULL
#define ST_KEY_TP	0x10000000u
#define ST_KEY_KP	0x20000000u
#define ST_KEY_USER	0x40000000u
#define ST_KEY_CHURN	0x80000000u
#define ST_SHARED_MAX	2048
#define ST_ARR_MAX	1024

enum st_cfg {
	ST_CFG_TGID	= 0,	/* the test's tgid: st_kp counts its threads only */
	ST_CFG_MAX	= 4,
};

enum st_runs {			/* st_runs: per-CPU array, one slot per program */
	ST_RUN_TP	= 0,
	ST_RUN_KP	= 1,
	ST_RUN_MAX	= 2,
};

enum st_err {			/* st_err: array of error counters */
	ST_ERR_MISSING	= 0,	/* a counting key was not in st_shared */
	ST_ERR_CHURN_INS = 1,	/* churn insert failed (other than -ENOMEM) */
	ST_ERR_CHURN_NOMEM = 2,	/* churn insert failed with -ENOMEM (documented) */
	ST_ERR_CHURN_DEL = 3,	/* churn delete failed */
	ST_ERR_MAX	= 8,
};

/* ---- stress_pkt.o: the resident packet program ------------------------- */

/* UDP destination ports of the frames the packet thread sends */
#define ST_PORT_PASS	7101	/* always passed */
#define ST_PORT_DROP	7102	/* always dropped */
#define ST_PORT_TOGGLE	7103	/* dropped while pk_rules has the port (a map thread toggles it) */
#define ST_PORT_SENTINEL 7999	/* passed: the sender's delivery marker */

enum pk_cnt {			/* pk_cnt: array, what the program decided */
	PK_PASS		= 0,
	PK_DROP		= 1,
	PK_TOGGLE_PASS	= 2,
	PK_TOGGLE_DROP	= 3,
	PK_SENTINEL	= 4,
	PK_OTHER	= 5,	/* anything else: passed */
	PK_MAX		= 8,
};

/* ---- stress_churn.o: loaded, attached and unloaded all the time --------- */

/* ch_runs: per-CPU array [1]; ch_cpu: hash cpu -> runs on that CPU */
#define CH_MAX_CPUS	64

/* ---- stress_spin.o: a program that busy-waits, for the watchdog's accounting */

/* sp_cfg: array of __u64, [SP_TGID] the process it spins for, [SP_NS] how long */
enum sp_cfg {
	SP_TGID		= 0,
	SP_NS		= 1,
	SP_MAX		= 2,
};

#endif /* STRESS_PROGS_H */
