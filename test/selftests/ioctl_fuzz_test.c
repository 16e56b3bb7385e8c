// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzz of the real module, in the VM: random and boundary struct sizes,
 * direction bits, flags, reserved fields, fds and user pointers against every
 * command of /dev/innerext and of map fds (and the same numbers on program and
 * link fds, which have no ioctls), truncated and mutated images loaded for real,
 * mmap/read/poll with odd arguments, and all of it from several threads while
 * another one closes and re-creates the objects the fds and ids point at.
 *
 * Every call must succeed or fail with a negative errno from a small allowed set
 * (where the answer follows from the size/direction/pointer rules alone, exactly
 * that errno); the kernel must not write past _IOC_SIZE nor past a log buffer;
 * afterwards no program, link or map is left, the arenas are back to their free
 * space, Slab is within a tolerance and the kernel log has no WARNING/BUG/Oops.
 *
 *   IOCTL_FUZZ_SEED=0x...   repeat a run (the seed is printed; default: time-based)
 *   IOCTL_FUZZ_ITERS=N      iterations per phase (default: see each phase)
 *   IOCTL_FUZZ_SECS=S       wall-clock budget of all phases together (default 48)
 *
 * Each phase seeds its own generator from the seed and the phase, so a phase
 * repeats on its own. Never attached: a mutated image. Link creation only ever
 * gets program fds of unmodified images (hello.o), and its targets come from a
 * short list of harmless or non-existent hooks.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <innerext/libinnerext.h>

#include "kselftest_harness.h"
#include "selftest_util.h"

#define FZ_MAX_USIZE	16383		/* _IOC_SIZE is 14 bits */
#define FZ_CANARY	256
#define FZ_CANARY_BYTE	0xa5
#define FZ_SCRATCH	(IE_LOG_MAX + (256 << 10))
#define FZ_MAX_REPORTS	25
#define FZ_SLACK	(128 << 10)
/*
 * The percpu allocator grows by whole chunks (2 MiB with 2 possible CPUs, 16 MiB
 * with 64) and frees empty ones lazily.
 */
#define FZ_PERCPU_TOLERANCE_KB	(nr_cpus() * 512 > 3072 ? nr_cpus() * 512 : 3072)

/* ------------------------------------------------------------------ configuration */

static __u64 fz_seed;
static long fz_iters_env = -1;
static double fz_secs = 48;

__attribute__((constructor)) static void fz_config(void)
{
	const char *s = getenv("IOCTL_FUZZ_SEED");

	if (s && *s) {
		fz_seed = strtoull(s, NULL, 0);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fz_seed = ((__u64)ts.tv_sec << 20) ^ (__u64)ts.tv_nsec ^ ((__u64)getpid() << 40);
	}
	s = getenv("IOCTL_FUZZ_ITERS");
	if (s && *s)
		fz_iters_env = strtol(s, NULL, 0);
	s = getenv("IOCTL_FUZZ_SECS");
	if (s && *s)
		fz_secs = strtod(s, NULL);
	printf("# ioctl_fuzz: seed 0x%llx (IOCTL_FUZZ_SEED=0x%llx to repeat), budget %.0f s\n",
	       (unsigned long long)fz_seed, (unsigned long long)fz_seed, fz_secs);
	fflush(stdout);
}

/* A phase's share of the budget, in seconds from now. */
static double fz_deadline(double share)
{
	return st_now_s() + fz_secs * share;
}

static long fz_iters(long dflt)
{
	return fz_iters_env > 0 ? fz_iters_env : dflt;
}

/* ------------------------------------------------------------------ PRNG (splitmix64) */

static __u64 rnd64(__u64 *s)
{
	__u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u32 rndn(__u64 *s, __u32 n)
{
	return n ? (__u32)(rnd64(s) % n) : 0;
}

static bool chance(__u64 *s, unsigned int pct)
{
	return rndn(s, 100) < pct;
}

static __u64 phase_seed(unsigned int phase)
{
	__u64 s = fz_seed ^ (0xd1b54a32d192ed03ULL * (phase + 1));

	rnd64(&s);
	return s;
}

/* ------------------------------------------------------------------ commands */

enum fz_target { T_DEV, T_MAP, T_PROG, T_LINK, T_NR };
static const char *const target_names[T_NR] = { "dev", "map", "prog", "link" };

struct fz_cmd {
	unsigned int nr;
	const char *name;
	unsigned int dir;
	unsigned int ksize;	/* the module's struct size */
	unsigned int minsize;	/* first published size */
	bool makes_fd;
	int allowed[16];	/* errnos (positive), 0-terminated */
};

#define COMMON	EINVAL, E2BIG, EFAULT, ENOTTY

static const struct fz_cmd dev_cmds[] = {
	{ 0x00, "GET_VERSION", _IOC_READ | _IOC_WRITE, sizeof(struct ie_version),
	  sizeof(struct ie_version), false, { COMMON } },
	{ 0x01, "PROG_LOAD", _IOC_READ | _IOC_WRITE, sizeof(struct ie_prog_load),
	  IE_PROG_LOAD_SIZE_V1, true,
	  /* no ERANGE: only a reloc value that does not fit, printed in the log, gave it */
	  { COMMON, ENOENT, ENOSPC, ENOMEM, EBADF, EOPNOTSUPP,
	    EKEYREJECTED, ENOKEY, EBADMSG, ENOPKG, EMSGSIZE } },
	{ 0x02, "LINK_CREATE", _IOC_READ | _IOC_WRITE, sizeof(struct ie_link_create),
	  sizeof(struct ie_link_create), true,
	  { COMMON, EBADF, ENOENT, ENODEV, EOPNOTSUPP, EBUSY, ESTALE, ENOMEM, EEXIST } },
	{ 0x03, "LINK_DETACH", _IOC_WRITE, sizeof(struct ie_link_detach),
	  sizeof(struct ie_link_detach), false, { COMMON, ENOENT } },
	{ 0x04, "GET_NEXT_ID", _IOC_READ | _IOC_WRITE, sizeof(struct ie_get_next_id),
	  sizeof(struct ie_get_next_id), false, { COMMON, ENOENT } },
	{ 0x05, "PROG_INFO", _IOC_READ | _IOC_WRITE, sizeof(struct ie_prog_info),
	  IE_PROG_INFO_SIZE_V1, false, { COMMON, ENOENT } },
	{ 0x06, "LINK_INFO", _IOC_READ | _IOC_WRITE, sizeof(struct ie_link_info),
	  sizeof(struct ie_link_info), false, { COMMON, ENOENT } },
	{ 0x07, "MAP_CREATE", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_create),
	  sizeof(struct ie_map_create), true, { COMMON, ENOMEM } },
	{ 0x08, "MAP_GET_FD_BY_ID", _IOC_WRITE, sizeof(struct ie_map_get_fd),
	  sizeof(struct ie_map_get_fd), true, { COMMON, ENOENT } },
	{ 0x09, "MAP_INFO", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_info),
	  sizeof(struct ie_map_info), false, { COMMON, ENOENT } },
};
#define NR_DEV_CMDS	(sizeof(dev_cmds) / sizeof(dev_cmds[0]))

static const struct fz_cmd map_cmds[] = {
	{ 0x20, "MAP_LOOKUP", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_elem),
	  sizeof(struct ie_map_elem), false, { COMMON, ENOENT, EOPNOTSUPP, ENOMEM } },
	{ 0x21, "MAP_UPDATE", _IOC_WRITE, sizeof(struct ie_map_elem),
	  sizeof(struct ie_map_elem), false,
	  { COMMON, ENOENT, EEXIST, EOPNOTSUPP, ENOMEM, EBUSY } },
	{ 0x22, "MAP_DELETE", _IOC_WRITE, sizeof(struct ie_map_elem),
	  sizeof(struct ie_map_elem), false, { COMMON, ENOENT, EOPNOTSUPP, ENOMEM, EBUSY } },
	{ 0x23, "MAP_GET_NEXT_KEY", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_elem),
	  sizeof(struct ie_map_elem), false, { COMMON, ENOENT, EOPNOTSUPP, ENOMEM } },
	{ 0x24, "MAP_DUMP", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_batch),
	  sizeof(struct ie_map_batch), false, { COMMON, ENOENT, ENOSPC, EOPNOTSUPP, ENOMEM } },
	{ 0x09, "MAP_INFO(fd)", _IOC_READ | _IOC_WRITE, sizeof(struct ie_map_info),
	  sizeof(struct ie_map_info), false, { COMMON } },
};
#define NR_MAP_CMDS	(sizeof(map_cmds) / sizeof(map_cmds[0]))

static const struct fz_cmd *find_cmd(enum fz_target t, unsigned int nr)
{
	const struct fz_cmd *tab = t == T_DEV ? dev_cmds : t == T_MAP ? map_cmds : NULL;
	size_t n = t == T_DEV ? NR_DEV_CMDS : t == T_MAP ? NR_MAP_CMDS : 0, i;

	for (i = 0; i < n; i++)
		if (tab[i].nr == nr)
			return &tab[i];
	return NULL;
}

static bool errno_allowed(const struct fz_cmd *c, int e)
{
	int i;

	if (!c)
		return e == ENOTTY;
	for (i = 0; i < 16 && c->allowed[i]; i++)
		if (c->allowed[i] == e)
			return true;
	return false;
}

/* ------------------------------------------------------------------ statistics */

#define NR_ERRNO	160

struct fz_stat {
	unsigned long calls, ok;
	unsigned long err[NR_ERRNO];
};

struct fz_stats {
	struct fz_stat st[T_NR][257];	/* [256]: wrong ioctl type byte */
	unsigned long total, failures;
	unsigned long extra_calls;	/* mmap, read, poll, cleanup */
};

static void stats_merge(struct fz_stats *dst, const struct fz_stats *src)
{
	int t, n, e;

	for (t = 0; t < T_NR; t++)
		for (n = 0; n < 257; n++) {
			dst->st[t][n].calls += src->st[t][n].calls;
			dst->st[t][n].ok += src->st[t][n].ok;
			for (e = 0; e < NR_ERRNO; e++)
				dst->st[t][n].err[e] += src->st[t][n].err[e];
		}
	dst->total += src->total;
	dst->failures += src->failures;
	dst->extra_calls += src->extra_calls;
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case ESTALE: return "ESTALE";
	case EEXIST: return "EEXIST";
	case ERANGE: return "ERANGE";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EKEYREJECTED: return "EKEYREJECTED";
	case ENOKEY: return "ENOKEY";
	case EBADMSG: return "EBADMSG";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void stats_print(const char *phase, const struct fz_stats *s, double t0)
{
	int t, n, e;

	printf("# %s: %lu ioctls (%lu other calls) in %.1f s, %lu unexpected\n", phase, s->total,
	       s->extra_calls, st_now_s() - t0, s->failures);
	for (t = 0; t < T_NR; t++) {
		unsigned long unknown = 0, unknown_ok = 0;

		for (n = 0; n < 257; n++) {
			const struct fz_stat *x = &s->st[t][n];
			const struct fz_cmd *c = n < 256 ? find_cmd(t == T_DEV ? T_DEV : T_MAP, n) :
					       NULL;
			char line[512];
			int len;

			if (!x->calls)
				continue;
			if (!c) {
				unknown += x->calls;
				unknown_ok += x->ok;
				continue;
			}
			len = snprintf(line, sizeof(line), "#   %-4s 0x%02x %-17s %7lu  ok %-6lu",
				       target_names[t], n, c->name, x->calls, x->ok);
			for (e = 0; e < NR_ERRNO; e++)
				if (x->err[e] && len < (int)sizeof(line) - 32)
					len += snprintf(line + len, sizeof(line) - len, " %s %lu",
							errname(e), x->err[e]);
			puts(line);
		}
		if (unknown)
			printf("#   %-4s other numbers/types/directions %7lu  ok %lu\n",
			       target_names[t], unknown, unknown_ok);
	}
	fflush(stdout);
}

/* ------------------------------------------------------------------ kernel pointers in text */



/* ------------------------------------------------------------------ objects */

struct fz_map {
	int fd;
	__u32 id, type, ksize, vsize_user, max_entries;
};

struct fz_img {
	char path[128];
	void *img;
	size_t size;
	int map_fds[IE_MAX_MAPS];
	__u32 nr_maps;
	bool maps_ok;		/* every declared map could be created */
};

/* What the fds and ids in random arguments point at. Shared by threads; racy on purpose. */
struct fz_pool {
	int dev;
	int prog_fd;		/* hello.o, unmodified */
	__u32 prog_id;
	int link_fd;		/* hello on raw_syscalls:sys_enter, getppid only */
	__u32 link_id;
	struct fz_map maps[8];
	int nr_maps;
	int pipe_fds[2], efd, nullfd, memfd, closed_fd;
	struct fz_img hello;
	struct fz_img maps_img;	/* an image with maps and the fds that fit it (or none) */
	int getppid_nr;
};

/* One fuzzing thread's memory and state. */
struct fz_ctx {
	__u64 rng;
	struct fz_pool *pool;
	long page;
	unsigned char *tmpl;	/* the argument as built */
	unsigned char *argbuf;	/* where it normally goes, canary after it */
	unsigned char *ro;	/* read-only page (filled before each use) */
	unsigned char *guard;	/* a RW page followed by a PROT_NONE page */
	unsigned char *none;	/* PROT_NONE page */
	unsigned long unmapped;	/* an address that was mapped and is not */
	unsigned char *scratch;	/* FZ_SCRATCH bytes of RW memory for pointers in args,
				 * FZ_SLACK more after them for what the kernel writes */
	struct fz_stats stats;
	const char *phase;
	unsigned long iter;
	bool racy;		/* other threads close the fds in use: EBADF is fine */
};

static void *map_pages(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int ctx_init(struct fz_ctx *c, struct fz_pool *pool, __u64 seed, const char *phase)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->rng = seed;
	c->pool = pool;
	c->phase = phase;
	c->page = sysconf(_SC_PAGESIZE);
	c->tmpl = calloc(1, FZ_MAX_USIZE + FZ_CANARY + 64);
	c->argbuf = map_pages(FZ_MAX_USIZE + 2 * c->page + FZ_CANARY, PROT_READ | PROT_WRITE);
	c->ro = map_pages(4 * c->page, PROT_READ);
	c->guard = map_pages(2 * c->page, PROT_READ | PROT_WRITE);
	c->none = map_pages(c->page, PROT_NONE);
	c->scratch = map_pages(FZ_SCRATCH + FZ_SLACK, PROT_READ | PROT_WRITE);
	if (!c->tmpl || !c->argbuf || !c->ro || !c->guard || !c->none || !c->scratch)
		return -1;
	if (mprotect(c->guard + c->page, c->page, PROT_NONE))
		return -1;
	/*
	 * Never mapped: far below where mmap() puts anything (a freed mapping would
	 * do, but a later mmap() may reuse it, and the kernel would write there).
	 */
	c->unmapped = 0x10000;
	for (i = 0; i < FZ_SCRATCH; i += 8)
		*(__u64 *)(c->scratch + i) = rnd64(&c->rng);
	return 0;
}

static void ctx_fini(struct fz_ctx *c)
{
	free(c->tmpl);
	munmap(c->argbuf, FZ_MAX_USIZE + 2 * c->page + FZ_CANARY);
	munmap(c->ro, 4 * c->page);
	munmap(c->guard, 2 * c->page);
	munmap(c->none, c->page);
	munmap(c->scratch, FZ_SCRATCH + FZ_SLACK);
}

#define FZ_FAIL(c, fmt, ...)								\
	do {										\
		if ((c)->stats.failures++ < FZ_MAX_REPORTS)				\
			printf("# UNEXPECTED [%s #%lu]: " fmt "\n", (c)->phase, (c)->iter, \
			       ##__VA_ARGS__);						\
	} while (0)

/* ------------------------------------------------------------------ random values */

static __u32 interesting_u32(struct fz_ctx *c)
{
	static const __u32 v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 255, 256, 511, 512, 513,
		1023, 1024, 4095, 4096, 4097, 65535, 65536, 65537, 1U << 20, (1U << 20) + 1,
		IE_MAX_IMAGE_SIZE, IE_MAX_IMAGE_SIZE + 1, 0x7ffffff0, 0x7fffffff, 0x80000000,
		0xfffffff8, 0xfffffffe, 0xffffffff,
	};

	if (chance(&c->rng, 20))
		return (__u32)rnd64(&c->rng);
	return v[rndn(&c->rng, sizeof(v) / sizeof(v[0]))];
}

static __u64 interesting_u64(struct fz_ctx *c)
{
	static const __u64 v[] = {
		0, 1, 2, 3, 4, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
	};

	if (chance(&c->rng, 30))
		return rnd64(&c->rng);
	return v[rndn(&c->rng, sizeof(v) / sizeof(v[0]))];
}

/* Kernel-half and non-canonical addresses: copy_*_user must refuse every one. */
static const __u64 kernel_ptrs[] = {
	0xffff888000000000ULL, 0xffffffff81000000ULL, 0xffffc90000000000ULL,
	0xffffea0000000000ULL, 0xffffffffff600000ULL, 0xfffffffffffff000ULL,
	0xffffffffffffffffULL, 0xffff800000000000ULL, 0x0000800000000000ULL,
	0x8000000000000000ULL, 0x00007ffffffff000ULL, 0x00007fffffffffffULL,
};

enum ptr_kind { PK_VALID, PK_NULL, PK_SMALL, PK_UNMAPPED, PK_KERNEL, PK_MISALIGNED, PK_RO,
		PK_CROSS, PK_NONE, PK_SELF, PK_NR };

/*
 * A user pointer for a buffer the kernel reads or writes @len bytes of: mostly
 * valid (random contents), else one of the ways it may be wrong.
 */
static __u64 fz_ptr(struct fz_ctx *c, size_t len, void *self)
{
	unsigned int k = chance(&c->rng, 55) ? PK_VALID : rndn(&c->rng, PK_NR);
	size_t off;

	if (len > FZ_SCRATCH)
		len = FZ_SCRATCH;
	switch (k) {
	case PK_NULL:
		return 0;
	case PK_SMALL:
		return chance(&c->rng, 50) ? 16 : c->page - 1;
	case PK_UNMAPPED:
		return chance(&c->rng, 50) ? c->unmapped + rndn(&c->rng, c->page) : 0x20000000;
	case PK_KERNEL:
		return kernel_ptrs[rndn(&c->rng, sizeof(kernel_ptrs) / sizeof(kernel_ptrs[0]))];
	case PK_MISALIGNED:
		off = FZ_SCRATCH - len;
		off = off ? rndn(&c->rng, off) : 0;
		return (unsigned long)c->scratch + (off | 1);
	case PK_RO:
		return (unsigned long)c->ro + rndn(&c->rng, 64);
	case PK_CROSS:		/* starts at most a page before the guard page */
		return (unsigned long)c->guard + c->page - rndn(&c->rng, len < (size_t)c->page ?
								len + 1 : c->page);
	case PK_NONE:
		return (unsigned long)c->none;
	case PK_SELF:		/* the argument itself (its buffer has room for 16 KiB) */
		if (self && len <= 4096)
			return (unsigned long)self;
		/* fall through */
	default:
		off = FZ_SCRATCH - len;
		off = off ? rndn(&c->rng, off) & ~7UL : 0;
		return (unsigned long)c->scratch + off;
	}
}

/* An fd for a u32 fd field: of every kind, closed ones and junk included. */
static __u32 fz_fd(struct fz_ctx *c)
{
	struct fz_pool *p = c->pool;
	int m = p->nr_maps ? __atomic_load_n(&p->maps[rndn(&c->rng, p->nr_maps)].fd,
					     __ATOMIC_RELAXED) : -1;

	switch (rndn(&c->rng, 16)) {
	case 0: return (__u32)-1;
	case 1: return 0x7fffffff;
	case 2: return 1U << 20;
	case 3: return p->closed_fd;
	case 4: return p->pipe_fds[rndn(&c->rng, 2)];
	case 5: return p->efd;
	case 6: return p->nullfd;
	case 7: return p->memfd;
	case 8: return p->dev;
	case 9: case 10: return m;
	case 11: case 12: return __atomic_load_n(&p->prog_fd, __ATOMIC_RELAXED);
	case 13: return __atomic_load_n(&p->link_fd, __ATOMIC_RELAXED);
	case 14: return rndn(&c->rng, 64);
	default: return p->maps_img.nr_maps ? p->maps_img.map_fds[0] : m;
	}
}

static __u32 fz_id(struct fz_ctx *c)
{
	struct fz_pool *p = c->pool;

	switch (rndn(&c->rng, 10)) {
	case 0: return 0;
	case 1: return 0x7fffffff;
	case 2: return 0xffffffff;
	case 3: return rndn(&c->rng, 4096);
	case 4: case 5: return __atomic_load_n(&p->prog_id, __ATOMIC_RELAXED);
	case 6: return __atomic_load_n(&p->link_id, __ATOMIC_RELAXED);
	default:
		return p->nr_maps ? __atomic_load_n(&p->maps[rndn(&c->rng, p->nr_maps)].id,
						    __ATOMIC_RELAXED) : 1;
	}
}

static void fz_name(struct fz_ctx *c, char *name, size_t len)
{
	static const char *const names[] = { "fz", "a", "fz.prog-1_x", "bad name", "bad/name",
					      "\xff\xfe", "fz\nx" };
	size_t i;

	switch (rndn(&c->rng, 6)) {
	case 0:
		memset(name, 0, len);
		break;
	case 1:
		memset(name, 'A', len);		/* no NUL */
		break;
	case 2:
		for (i = 0; i < len; i++)
			name[i] = (char)rnd64(&c->rng);
		break;
	case 3:
		memset(name, 0, len);
		memset(name, 'n', len - 1);	/* the longest valid name */
		break;
	default:
		memset(name, 0, len);
		snprintf(name, len, "%s", names[rndn(&c->rng, sizeof(names) / sizeof(names[0]))]);
	}
}

/* ------------------------------------------------------------------ argument templates */

enum fk { K_SIZE, K_FLAGS, K_PAD, K_PTR, K_LEN, K_FD, K_ID, K_TYPE, K_NAME, K_U32, K_U64 };

struct fdesc {
	unsigned short off, width;
	enum fk kind;
};

#define FD_(st, f, k)	{ offsetof(struct st, f), sizeof(((struct st *)0)->f), k }

static const struct fdesc f_version[] = {
	FD_(ie_version, size, K_SIZE), FD_(ie_version, abi_version, K_U32),
	FD_(ie_version, features, K_U64), FD_(ie_version, nr_links, K_U32),
	FD_(ie_version, reserved[3], K_U64),
};
static const struct fdesc f_prog_load[] = {
	FD_(ie_prog_load, size, K_SIZE), FD_(ie_prog_load, flags, K_FLAGS),
	FD_(ie_prog_load, image, K_PTR), FD_(ie_prog_load, image_size, K_LEN),
	FD_(ie_prog_load, log_size, K_LEN), FD_(ie_prog_load, log_buf, K_PTR),
	FD_(ie_prog_load, name, K_NAME), FD_(ie_prog_load, prog_id, K_U32),
	FD_(ie_prog_load, pad, K_PAD), FD_(ie_prog_load, map_fds, K_PTR),
	FD_(ie_prog_load, nr_map_fds, K_LEN), FD_(ie_prog_load, pad2, K_PAD),
	FD_(ie_prog_load, budget_us, K_U32), FD_(ie_prog_load, fail_action, K_TYPE),
	FD_(ie_prog_load, max_aborts, K_U32), FD_(ie_prog_load, abort_window_ms, K_U32),
	FD_(ie_prog_load, sig, K_PTR), FD_(ie_prog_load, sig_size, K_LEN),
	FD_(ie_prog_load, pad3, K_PAD),
};
static const struct fdesc f_link_create[] = {
	FD_(ie_link_create, size, K_SIZE), FD_(ie_link_create, flags, K_FLAGS),
	FD_(ie_link_create, prog_fd, K_FD), FD_(ie_link_create, entry, K_TYPE),
	FD_(ie_link_create, hook, K_TYPE), FD_(ie_link_create, syscall_nr, K_U32),
	FD_(ie_link_create, target, K_NAME), FD_(ie_link_create, nr_args, K_TYPE),
	FD_(ie_link_create, log_size, K_LEN), FD_(ie_link_create, log_buf, K_PTR),
	FD_(ie_link_create, link_id, K_U32), FD_(ie_link_create, pad, K_PAD),
	FD_(ie_link_create, ifindex, K_TYPE), FD_(ie_link_create, pad2, K_PAD),
	FD_(ie_link_create, reserved[1], K_U64),
};
static const struct fdesc f_link_detach[] = {
	FD_(ie_link_detach, size, K_SIZE), FD_(ie_link_detach, flags, K_FLAGS),
	FD_(ie_link_detach, link_id, K_ID), FD_(ie_link_detach, pad, K_PAD),
	FD_(ie_link_detach, reserved[0], K_U64),
};
static const struct fdesc f_next_id[] = {
	FD_(ie_get_next_id, size, K_SIZE), FD_(ie_get_next_id, type, K_TYPE),
	FD_(ie_get_next_id, start_id, K_ID), FD_(ie_get_next_id, next_id, K_U32),
	FD_(ie_get_next_id, reserved[1], K_U64),
};
static const struct fdesc f_prog_info[] = {
	FD_(ie_prog_info, size, K_SIZE), FD_(ie_prog_info, id, K_ID),
	FD_(ie_prog_info, name, K_NAME), FD_(ie_prog_info, run_cnt, K_U64),
	FD_(ie_prog_info, map_ids, K_PTR), FD_(ie_prog_info, nr_map_ids, K_LEN),
	FD_(ie_prog_info, pad, K_PAD), FD_(ie_prog_info, reserved[0], K_U64),
	FD_(ie_prog_info, xdp_actions[3], K_U64), FD_(ie_prog_info, reserved2[2], K_U64),
};
static const struct fdesc f_link_info[] = {
	FD_(ie_link_info, size, K_SIZE), FD_(ie_link_info, id, K_ID),
	FD_(ie_link_info, target, K_NAME), FD_(ie_link_info, pad, K_PAD),
	FD_(ie_link_info, reserved[1], K_U64),
};
static const struct fdesc f_map_create[] = {
	FD_(ie_map_create, size, K_SIZE), FD_(ie_map_create, type, K_TYPE),
	FD_(ie_map_create, key_size, K_LEN), FD_(ie_map_create, value_size, K_LEN),
	FD_(ie_map_create, max_entries, K_LEN), FD_(ie_map_create, map_flags, K_FLAGS),
	FD_(ie_map_create, name, K_NAME), FD_(ie_map_create, log_size, K_LEN),
	FD_(ie_map_create, map_id, K_U32), FD_(ie_map_create, log_buf, K_PTR),
	FD_(ie_map_create, reserved[2], K_U64),
};
static const struct fdesc f_map_get_fd[] = {
	FD_(ie_map_get_fd, size, K_SIZE), FD_(ie_map_get_fd, map_id, K_ID),
	FD_(ie_map_get_fd, flags, K_FLAGS), FD_(ie_map_get_fd, pad, K_PAD),
	FD_(ie_map_get_fd, reserved[1], K_U64),
};
static const struct fdesc f_map_info[] = {
	FD_(ie_map_info, size, K_SIZE), FD_(ie_map_info, id, K_ID),
	FD_(ie_map_info, type, K_TYPE), FD_(ie_map_info, name, K_NAME),
	FD_(ie_map_info, reserved[3], K_U64),
};
static const struct fdesc f_map_elem[] = {
	FD_(ie_map_elem, size, K_SIZE), FD_(ie_map_elem, key_size, K_LEN),
	FD_(ie_map_elem, value_size, K_LEN), FD_(ie_map_elem, pad, K_PAD),
	FD_(ie_map_elem, key, K_PTR), FD_(ie_map_elem, value, K_PTR),
	FD_(ie_map_elem, next_key, K_PTR), FD_(ie_map_elem, flags, K_TYPE),
	FD_(ie_map_elem, reserved[0], K_U64),
};
static const struct fdesc f_map_batch[] = {
	FD_(ie_map_batch, size, K_SIZE), FD_(ie_map_batch, count, K_LEN),
	FD_(ie_map_batch, key_size, K_LEN), FD_(ie_map_batch, value_size, K_LEN),
	FD_(ie_map_batch, cursor, K_U64), FD_(ie_map_batch, keys, K_PTR),
	FD_(ie_map_batch, values, K_PTR), FD_(ie_map_batch, flags, K_U64),
	FD_(ie_map_batch, reserved[1], K_U64),
};

#define FT(a)	{ a, sizeof(a) / sizeof(a[0]) }
struct ftab {
	const struct fdesc *f;
	size_t n;
};

static struct ftab fields_of(enum fz_target t, unsigned int nr)
{
	static const struct ftab dev[] = {
		FT(f_version), FT(f_prog_load), FT(f_link_create), FT(f_link_detach),
		FT(f_next_id), FT(f_prog_info), FT(f_link_info), FT(f_map_create),
		FT(f_map_get_fd), FT(f_map_info),
	};
	static const struct ftab none = { NULL, 0 };

	if (t == T_DEV && nr < NR_DEV_CMDS)
		return dev[nr];
	if (t == T_MAP && nr >= 0x20 && nr <= 0x23)
		return (struct ftab)FT(f_map_elem);
	if (t == T_MAP && nr == 0x24)
		return (struct ftab)FT(f_map_batch);
	if (t == T_MAP && nr == 0x09)
		return (struct ftab)FT(f_map_info);
	return none;
}

static void put_field(unsigned char *p, unsigned int width, __u64 v)
{
	if (width == 8)
		memcpy(p, &v, 8);
	else if (width == 4) {
		__u32 x = (__u32)v;

		memcpy(p, &x, 4);
	} else if (width == 1) {
		*p = (unsigned char)v;
	}
}

static void mutate_field(struct fz_ctx *c, unsigned char *b, const struct fdesc *f,
			 unsigned int usize, void *self)
{
	unsigned char *p = b + f->off;
	__u64 v;

	switch (f->kind) {
	case K_SIZE: {
		const __u32 sz[] = { 0, usize, usize - 1, usize + 1, usize + 8, usize - 8,
				     IE_PROG_LOAD_SIZE_V1, IE_PROG_INFO_SIZE_V1, 0xffffffff };

		v = chance(&c->rng, 20) ? interesting_u32(c) : sz[rndn(&c->rng, 9)];
		break;
	}
	case K_FLAGS:
		v = chance(&c->rng, 50) ? 1ULL << rndn(&c->rng, f->width * 8) : interesting_u64(c);
		break;
	case K_PAD:
		v = chance(&c->rng, 70) ? 1ULL << rndn(&c->rng, f->width * 8) : interesting_u64(c);
		break;
	case K_PTR:
		v = fz_ptr(c, 1 + rndn(&c->rng, 8192), self);
		break;
	case K_LEN:
		v = interesting_u32(c);
		break;
	case K_FD:
		v = fz_fd(c);
		break;
	case K_ID:
		v = fz_id(c);
		break;
	case K_TYPE:
		v = chance(&c->rng, 80) ? rndn(&c->rng, 9) : interesting_u32(c);
		break;
	case K_NAME:
		fz_name(c, (char *)p, f->width);
		return;
	case K_U32:
		v = interesting_u32(c);
		break;
	default:
		v = interesting_u64(c);
	}
	put_field(p, f->width, v);
}

/* link targets: harmless hooks for hello.o, and ways to name none */
struct fz_hook {
	__u32 hook, flags;
	const char *target;
};

static const struct fz_hook hooks[] = {
	{ IE_HOOK_TRACEPOINT, IE_LINK_F_SYSCALL_NR, "raw_syscalls:sys_enter" },
	{ IE_HOOK_TRACEPOINT, IE_LINK_F_SYSCALL_NR | IE_LINK_F_PERSISTENT, "raw_syscalls:sys_enter" },
	{ IE_HOOK_KPROBE, 0, "__x64_sys_getppid" },
	{ IE_HOOK_KPROBE, IE_LINK_F_PERSISTENT, "__x64_sys_getppid" },
	{ IE_HOOK_TRACEPOINT, 0, "sched:sched_switch" },
	{ IE_HOOK_KPROBE, 0, "ie_ioctl" },		/* inside innerext: refused */
	{ IE_HOOK_KPROBE, 0, "__x64_sys_getppid+4" },
	{ IE_HOOK_KPROBE, 0, "no_such_function_fz" },
	{ IE_HOOK_TRACEPOINT, 0, "nosuch:tracepoint_fz" },
	{ IE_HOOK_TRACEPOINT, 0, "no_colon" },
	{ IE_HOOK_TRACEPOINT, 0, ":" },
	{ IE_HOOK_TRACEPOINT, 0, "syscalls:sys_enter_dup" },
	{ IE_HOOK_XDP, 0, "lo" },			/* not Ethernet: refused */
	{ IE_HOOK_XDP, 0, "fz0" },
	{ 0, 0, "x" },
	{ 7, 0, "x" },
};

/* A valid argument for (@t, @nr) in c->tmpl, for map fd @mapi where it matters. */
static void build_template(struct fz_ctx *c, enum fz_target t, unsigned int nr,
			   unsigned int usize, const struct fz_map *m)
{
	struct fz_pool *p = c->pool;
	unsigned char *b = c->tmpl;
	__u64 logp = (unsigned long)c->scratch + (rndn(&c->rng, 1024) & ~7U);
	__u32 logsz = chance(&c->rng, 50) ? LOG_SIZE : 0;

	memset(b, 0, FZ_MAX_USIZE + 1);
	if (t == T_DEV && nr == 0x01) {
		struct ie_prog_load *a = (void *)b;
		struct fz_img *im = p->maps_img.maps_ok && chance(&c->rng, 30) ? &p->maps_img :
				    &p->hello;

		a->image = (unsigned long)im->img;
		a->image_size = im->size;
		a->log_size = logsz;
		a->log_buf = logsz ? logp : 0;
		strcpy(a->name, "fz_prog");
		if (im->nr_maps) {
			a->map_fds = (unsigned long)im->map_fds;
			a->nr_map_fds = im->nr_maps;
		}
		if (chance(&c->rng, 20))
			a->budget_us = rndn(&c->rng, IE_BUDGET_MAX_US + 2);
		if (chance(&c->rng, 10))
			a->flags = IE_PROG_F_IRQS_OFF;
	} else if (t == T_DEV && nr == 0x02) {
		struct ie_link_create *a = (void *)b;
		const struct fz_hook *h = &hooks[rndn(&c->rng, sizeof(hooks) / sizeof(hooks[0]))];

		a->prog_fd = __atomic_load_n(&p->prog_fd, __ATOMIC_RELAXED);
		a->hook = h->hook;
		a->flags = h->flags;
		snprintf(a->target, sizeof(a->target), "%s", h->target);
		if (h->flags & IE_LINK_F_SYSCALL_NR)
			a->syscall_nr = p->getppid_nr;
		a->log_size = logsz;
		a->log_buf = logsz ? logp : 0;
	} else if (t == T_DEV && nr == 0x03) {
		struct ie_link_detach *a = (void *)b;

		a->link_id = fz_id(c);
	} else if (t == T_DEV && nr == 0x04) {
		struct ie_get_next_id *a = (void *)b;

		a->type = 1 + rndn(&c->rng, 3);
		a->start_id = chance(&c->rng, 50) ? 0 : fz_id(c);
	} else if (t == T_DEV && nr == 0x05) {
		struct ie_prog_info *a = (void *)b;

		a->id = chance(&c->rng, 70) ? p->prog_id : fz_id(c);
		if (chance(&c->rng, 50)) {
			a->nr_map_ids = rndn(&c->rng, 8);
			a->map_ids = (unsigned long)c->scratch + 64;
		}
	} else if (t == T_DEV && nr == 0x06) {
		struct ie_link_info *a = (void *)b;

		a->id = chance(&c->rng, 70) ? p->link_id : fz_id(c);
	} else if (t == T_DEV && nr == 0x07) {
		struct ie_map_create *a = (void *)b;

		a->type = 1 + rndn(&c->rng, IE_MAP_TYPE_MAX);
		a->key_size = a->type == IE_MAP_ARRAY || a->type == IE_MAP_PERCPU_ARRAY ? 4 :
			      1 + rndn(&c->rng, 64);
		a->value_size = 1 + rndn(&c->rng, 128);
		a->max_entries = 1 + rndn(&c->rng, 256);
		if (a->type == IE_MAP_RINGBUF) {
			a->key_size = a->value_size = 0;
			a->max_entries = 4096 << rndn(&c->rng, 4);
		}
		strcpy(a->name, "fz_map");
		a->log_size = logsz;
		a->log_buf = logsz ? logp : 0;
	} else if ((t == T_DEV && (nr == 0x08 || nr == 0x09)) || (t == T_MAP && nr == 0x09)) {
		struct ie_map_get_fd *a = (void *)b;	/* map_id where ie_map_info has id */

		if (t == T_MAP)
			a->map_id = chance(&c->rng, 50) ? 0 : m ? m->id : 0;
		else
			a->map_id = fz_id(c);
	} else if (t == T_MAP && nr >= 0x20 && nr <= 0x23 && m) {
		struct ie_map_elem *a = (void *)b;
		__u32 key = rndn(&c->rng, m->max_entries + 2);
		unsigned char *k = c->scratch + 4096 + (rndn(&c->rng, 64) << 3);

		memset(k, 0, m->ksize + 8);
		memcpy(k, &key, m->ksize < 4 ? m->ksize : 4);
		a->key_size = m->ksize;
		a->value_size = m->vsize_user;
		a->key = (unsigned long)k;
		a->value = (unsigned long)c->scratch + 65536;
		a->next_key = (unsigned long)c->scratch + 32768;
		if (nr == 0x23 && chance(&c->rng, 30))
			a->key = 0;
		if (nr == 0x21)
			a->flags = rndn(&c->rng, 3);
	} else if (t == T_MAP && nr == 0x24 && m) {
		struct ie_map_batch *a = (void *)b;
		__u32 per = m->ksize + m->vsize_user;

		a->count = 1 + rndn(&c->rng, 64);
		if ((__u64)a->count * per > FZ_SCRATCH / 2)
			a->count = 1;
		a->key_size = m->ksize;
		a->value_size = m->vsize_user;
		a->keys = (unsigned long)c->scratch;
		a->values = (unsigned long)c->scratch + FZ_SCRATCH / 2;
		a->cursor = chance(&c->rng, 70) ? 0 : interesting_u64(c);
	}
	*(__u32 *)b = usize;	/* every struct starts with its size */
}

/* ------------------------------------------------------------------ one ioctl */

enum placement { PL_NORMAL, PL_MISALIGNED, PL_RO, PL_CROSS, PL_BAD };

static bool is_fd_cmd(enum fz_target t, unsigned int nr)
{
	const struct fz_cmd *c = t == T_DEV ? find_cmd(t, nr) : NULL;

	return c && c->makes_fd;
}

static void cleanup_fd(struct fz_ctx *c, unsigned int nr, int fd, const unsigned char *arg)
{
	if (nr == 0x02) {
		/* a persistent link outlives its fd: detach it by id */
		struct ie_link_detach d = { .size = sizeof(d) };

		memcpy(&d.link_id, arg + offsetof(struct ie_link_create, link_id), 4);
		if (ioctl(c->pool->dev, IE_IOC_LINK_DETACH, &d))
			FZ_FAIL(c, "detaching new link %u: %s", d.link_id, strerror(errno));
		c->stats.extra_calls++;
	}
	close(fd);
}

/*
 * Issue one ioctl on @fd of kind @t: the argument in c->tmpl (usize bytes and
 * what follows) goes where @pl says. Checks the result and the canary.
 */
static void do_ioctl(struct fz_ctx *c, int fd, enum fz_target t, unsigned int type,
		     unsigned int dir, unsigned int nr, unsigned int usize, enum placement pl)
{
	const struct fz_cmd *cmd = type == IE_IOC_MAGIC && (t == T_DEV || t == T_MAP) ?
				   find_cmd(t, nr) : NULL;
	unsigned long req = _IOC(dir, type, nr, usize);
	unsigned char *arg;
	bool readable4 = true, canary = false;
	int expect = 0, ret, err = 0, i;
	struct fz_stat *st;
	__u32 sizefield;

	switch (pl) {
	case PL_NORMAL:
	case PL_MISALIGNED:
		arg = c->argbuf + (pl == PL_MISALIGNED ? 1 + rndn(&c->rng, 7) : 0);
		memcpy(arg, c->tmpl, usize);
		memset(arg + usize, FZ_CANARY_BYTE, FZ_CANARY);
		canary = true;
		break;
	case PL_RO:
		if (usize > 2 * (unsigned int)c->page) {
			arg = c->argbuf;
			memcpy(arg, c->tmpl, usize);
			break;
		}
		mprotect(c->ro, 2 * c->page, PROT_READ | PROT_WRITE);
		memcpy(c->ro, c->tmpl, usize > 4 ? usize : 4);
		mprotect(c->ro, 2 * c->page, PROT_READ);
		arg = c->ro;
		break;
	case PL_CROSS: {
		unsigned int in = usize > 1 ? rndn(&c->rng, usize) : 0;

		if (in > (unsigned int)c->page)
			in = c->page;
		arg = c->guard + c->page - in;
		memcpy(arg, c->tmpl, in);
		readable4 = in >= 4;
		break;
	}
	default:
		arg = (unsigned char *)(unsigned long)
			kernel_ptrs[rndn(&c->rng, sizeof(kernel_ptrs) / sizeof(kernel_ptrs[0]))];
		switch (rndn(&c->rng, 5)) {
		case 0: arg = NULL; break;
		case 1: arg = (unsigned char *)c->unmapped; break;
		case 2: arg = c->none; break;
		case 3: arg = (unsigned char *)16; break;
		}
		readable4 = false;
		break;
	}
	memcpy(&sizefield, c->tmpl, 4);
	/* a pointer field aimed at the argument itself: the kernel may write over the canary */
	for (i = 0; canary && i + 8 <= (int)usize; i += 4) {
		__u64 v;

		memcpy(&v, c->tmpl + i, 8);
		if (v >= (unsigned long)c->argbuf &&
		    v < (unsigned long)c->argbuf + FZ_MAX_USIZE + 2 * c->page)
			canary = false;
	}

	/* what the rules alone decide (main.c, map.c, ie_copy_args) */
	if (t == T_PROG || t == T_LINK || !cmd || dir != cmd->dir)
		expect = ENOTTY;
	else if (usize > 4096)
		expect = E2BIG;
	else if (!readable4)
		expect = EFAULT;
	else if (sizefield != usize || usize < cmd->minsize)
		expect = EINVAL;

	ret = ioctl(fd, req, arg);
	if (ret < 0)
		err = errno;
	c->stats.total++;
	st = &c->stats.st[t][type == IE_IOC_MAGIC ? nr : 256];
	st->calls++;
	if (ret >= 0)
		st->ok++;
	else if (err < NR_ERRNO)
		st->err[err]++;

	if (c->racy && t != T_DEV) {
		/* the fd number may have been closed and reused by another kind of object */
		if (ret < 0 && (err == EBADF || err == ENOTTY))
			return;
		expect = 0;
		cmd = find_cmd(T_MAP, nr);
	}
	if (ret < 0 && err == EBADF && c->racy)
		return;		/* an fd in the argument was closed under us */
	if (ret < 0 && ret != -1)
		FZ_FAIL(c, "%s nr 0x%02x size %u: returned %d", target_names[t], nr, usize, ret);
	if (expect && (ret >= 0 || err != expect))
		FZ_FAIL(c, "%s %s (nr 0x%02x dir %u size %u size field %u placement %d): %s, expected %s",
			target_names[t], cmd ? cmd->name : "?", nr, dir, usize, sizefield, pl,
			ret >= 0 ? "success" : errname(err), errname(expect));
	else if (ret < 0 && !errno_allowed(cmd, err))
		FZ_FAIL(c, "%s %s (nr 0x%02x size %u placement %d): errno %s is not expected here",
			target_names[t], cmd ? cmd->name : "?", nr, usize, pl, errname(err));
	if (ret > 0 && !is_fd_cmd(t, nr))
		FZ_FAIL(c, "%s nr 0x%02x: positive return %d", target_names[t], nr, ret);
	if (ret >= 0 && is_fd_cmd(t, nr))
		cleanup_fd(c, nr, ret, arg);
	if (canary)
		for (i = 0; i < FZ_CANARY; i++)
			if (arg[usize + i] != FZ_CANARY_BYTE) {
				FZ_FAIL(c, "%s %s size %u: the kernel wrote byte %d past _IOC_SIZE",
					target_names[t], cmd ? cmd->name : "?", usize, i);
				break;
			}
}

/* Pick a size for a known command: exact most of the time, else the boundaries. */
static unsigned int pick_size(struct fz_ctx *c, const struct fz_cmd *cmd)
{
	unsigned int k = cmd ? cmd->ksize : 64, m = cmd ? cmd->minsize : 64;
	const unsigned int v[] = { 0, 1, 2, 3, 4, 7, 8, 16, k - 1, k + 1, k - 8, k + 8, m - 1,
				   m + 1, m - 8, m + 8, m, k + 64, 4096, 4095, 4097, 8192,
				   FZ_MAX_USIZE };

	if (chance(&c->rng, 50))
		return k;
	if (chance(&c->rng, 15))
		return rndn(&c->rng, 4097);
	return v[rndn(&c->rng, sizeof(v) / sizeof(v[0]))];
}

static enum placement pick_placement(struct fz_ctx *c)
{
	unsigned int r = rndn(&c->rng, 100);

	if (r < 72)
		return PL_NORMAL;
	if (r < 80)
		return PL_MISALIGNED;
	if (r < 88)
		return PL_RO;
	if (r < 94)
		return PL_CROSS;
	return PL_BAD;
}

static const struct fz_map *pick_map(struct fz_ctx *c)
{
	struct fz_pool *p = c->pool;

	return p->nr_maps ? &p->maps[rndn(&c->rng, p->nr_maps)] : NULL;
}

/* One random ioctl of target @t on @fd (for T_MAP: map @m). */
static void fuzz_one(struct fz_ctx *c, int fd, enum fz_target t, const struct fz_map *m)
{
	unsigned int type = IE_IOC_MAGIC, nr, dir, usize, r = rndn(&c->rng, 100), i, nmut;
	const struct fz_cmd *cmd;
	struct ftab ft;

	if (t == T_DEV)
		nr = dev_cmds[rndn(&c->rng, NR_DEV_CMDS)].nr;
	else
		nr = map_cmds[rndn(&c->rng, NR_MAP_CMDS)].nr;
	if (r < 8)
		nr = rndn(&c->rng, 256);		/* any number */
	else if (r < 12)
		nr = t == T_DEV ? 0x20 + rndn(&c->rng, 5) : rndn(&c->rng, NR_DEV_CMDS);	/* the other table */
	else if (r < 15)
		type = (const unsigned int[]){ 0xe6, 0xe8, 0xff, 0x7e }[rndn(&c->rng, 4)];
	/* prog and link fds get the map fd commands (with real structs): ENOTTY */
	cmd = find_cmd(t == T_DEV ? T_DEV : T_MAP, nr);
	dir = cmd ? cmd->dir : _IOC_READ | _IOC_WRITE;
	if (chance(&c->rng, 8))
		dir = rndn(&c->rng, 4);
	usize = pick_size(c, cmd);

	build_template(c, t == T_PROG || t == T_LINK ? T_MAP : t, nr, usize, m);
	ft = fields_of(t == T_PROG || t == T_LINK ? T_MAP : t, nr);
	nmut = chance(&c->rng, 30) ? 0 : 1 + rndn(&c->rng, 3);
	for (i = 0; i < nmut && ft.n; i++) {
		const struct fdesc *f = &ft.f[rndn(&c->rng, ft.n)];

		if (f->off + f->width <= FZ_MAX_USIZE)
			mutate_field(c, c->tmpl, f, usize, c->argbuf);
	}
	if (chance(&c->rng, 5))		/* a few random bytes anywhere */
		for (i = 0; i < 1 + rndn(&c->rng, 4); i++)
			c->tmpl[rndn(&c->rng, usize + 1)] ^= 1 << rndn(&c->rng, 8);
	if (cmd && usize > cmd->ksize && chance(&c->rng, 30))	/* a non-zero tail */
		c->tmpl[cmd->ksize + rndn(&c->rng, usize - cmd->ksize)] = 1 + rndn(&c->rng, 255);
	do_ioctl(c, fd, t, type, dir, nr, usize, pick_placement(c));
}

/* ------------------------------------------------------------------ pool setup */

static int img_load_file(struct fz_img *im, const char *path)
{
	struct innerext_object *obj = innerext_object__open(path);
	const void *img;
	size_t size;

	memset(im, 0, sizeof(*im));
	snprintf(im->path, sizeof(im->path), "%s", path);
	if (!obj)
		return -1;
	img = innerext_object__image(obj, &size);
	im->img = img ? malloc(size) : NULL;
	if (im->img) {
		memcpy(im->img, img, size);
		im->size = size;
	}
	innerext_object__close(obj);
	return im->img ? 0 : -1;
}

/* Create the maps an image declares (sizes as declared), for loading it. */
static void img_make_maps(int dev, struct fz_img *im)
{
	const struct ie_image_hdr *h = im->img;
	const struct ie_image_map *d;
	__u32 i;

	im->nr_maps = 0;
	im->maps_ok = true;
	if (im->size < sizeof(*h) || h->nr_maps > IE_MAX_MAPS ||
	    (__u64)h->maps_off + (__u64)h->nr_maps * sizeof(*d) > im->size)
		return;
	d = (const void *)((const char *)im->img + h->maps_off);
	for (i = 0; i < h->nr_maps; i++) {
		int fd = map_create(dev, d[i].type, d[i].key_size, d[i].value_size,
				    d[i].max_entries, "fz_img_map", NULL);

		if (fd < 0) {
			im->maps_ok = false;
			fd = -1;
		}
		im->map_fds[im->nr_maps++] = fd;
	}
}

static void img_free(struct fz_img *im)
{
	__u32 i;

	for (i = 0; i < im->nr_maps; i++)
		if (im->map_fds[i] >= 0)
			close(im->map_fds[i]);
	free(im->img);
	memset(im, 0, sizeof(*im));
}

static int pool_add_map(struct fz_pool *p, __u32 type, __u32 ks, __u32 vs, __u32 max)
{
	struct ie_map_create a = { 0 };
	struct fz_map *m = &p->maps[p->nr_maps];
	int fd = map_create_tweak(p->dev, type, ks, vs, max, "fz_pool", NULL, &a);

	if (fd < 0)
		return fd;
	m->fd = fd;
	m->id = a.map_id;
	m->type = type;
	m->ksize = ks;
	m->vsize_user = innerext_map_user_value_size(type, vs);
	m->max_entries = max;
	p->nr_maps++;
	return 0;
}

static int pool_link(struct fz_pool *p)
{
	struct ie_link_create a = { 0 };
	int fd;

	a.prog_fd = p->prog_fd;
	a.hook = IE_HOOK_TRACEPOINT;
	a.flags = IE_LINK_F_SYSCALL_NR;
	a.syscall_nr = p->getppid_nr;
	strcpy(a.target, "raw_syscalls:sys_enter");
	fd = innerext_link_create(p->dev, &a);
	if (fd >= 0)
		p->link_id = a.link_id;
	return fd;
}

static int pool_prog(struct fz_pool *p, __u32 *id)
{
	return innerext_prog_load(p->dev, "fz_pool", p->hello.img, p->hello.size, NULL, 0, id);
}

static int pool_init(struct fz_pool *p)
{
	int fd;

	memset(p, 0, sizeof(*p));
	innerext_set_print(quiet_print);
	p->dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (p->dev < 0)
		return -1;
	p->getppid_nr = innerext_syscall_nr("getppid");
	if (img_load_file(&p->hello, "examples/hello.o"))
		return -2;
	if (!img_load_file(&p->maps_img, "examples/map_test.o"))
		img_make_maps(p->dev, &p->maps_img);
	p->prog_fd = pool_prog(p, &p->prog_id);
	if (p->prog_fd < 0)
		return -3;
	p->link_fd = pool_link(p);
	if (p->link_fd < 0)
		return -4;
	if (pool_add_map(p, IE_MAP_ARRAY, 4, 8, 16) || pool_add_map(p, IE_MAP_HASH, 8, 16, 64) ||
	    pool_add_map(p, IE_MAP_PERCPU_ARRAY, 4, 12, 8) ||
	    pool_add_map(p, IE_MAP_PERCPU_HASH, 4, 8, 32) ||
	    pool_add_map(p, IE_MAP_LRU_HASH, 16, 4, 8) ||
	    pool_add_map(p, IE_MAP_RINGBUF, 0, 0, 4096) ||
	    pool_add_map(p, IE_MAP_HASH, 512, 4096, 4) ||
	    pool_add_map(p, IE_MAP_ARRAY, 4, 1, 1))
		return -5;
	if (pipe2(p->pipe_fds, O_CLOEXEC))
		return -6;
	p->efd = eventfd(0, EFD_CLOEXEC);
	p->nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	p->memfd = memfd_create("fz", MFD_CLOEXEC);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(fd);
	p->closed_fd = fd;
	return p->efd >= 0 && p->nullfd >= 0 && p->memfd >= 0 ? 0 : -7;
}

static void pool_fini(struct fz_pool *p)
{
	int i;

	for (i = 0; i < p->nr_maps; i++)
		close(p->maps[i].fd);
	if (p->link_fd >= 0)
		close(p->link_fd);
	if (p->prog_fd >= 0)
		close(p->prog_fd);
	img_free(&p->hello);
	img_free(&p->maps_img);
	close(p->pipe_fds[0]);
	close(p->pipe_fds[1]);
	close(p->efd);
	close(p->nullfd);
	close(p->memfd);
	close(p->dev);
}

/* ------------------------------------------------------------------ leak and log checks */

struct fz_baseline {
	struct ie_version v;
	__u32 nr_maps;
	long slab_kb;
	long percpu_kb;
	int kmsg;
	int nr_fds;		/* open in this process, the device and kmsg included */
};

static int count_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += !access(path, F_OK);
	}
	return n;
}

static __u32 count_ids(int dev, enum ie_obj_type type)
{
	__u32 id = 0, n = 0;

	while (!innerext_get_next_id(dev, type, id, &id))
		n++;
	return n;
}

static void drop_slab_caches(void)
{
	st_write_str("/proc/sys/vm/drop_caches", "2");	/* best effort */
}

static void baseline_take(int dev, struct fz_baseline *b)
{
	b->v.size = sizeof(b->v);
	innerext_get_version(dev, &b->v);
	b->nr_maps = count_ids(dev, IE_OBJ_MAP);
	drop_slab_caches();
	b->slab_kb = meminfo_kb("Slab");
	b->percpu_kb = meminfo_kb("Percpu");
	b->kmsg = st_kmsg_open();
	b->nr_fds = count_fds();
}

static const char *const kmsg_bad[] = {
	"WARNING:", "BUG:", "Oops", "Call Trace", "general protection", "usercopy:",
	"UBSAN", "KASAN", "kernel BUG", "refcount_t:", "list_add corruption",
	"list_del corruption", "stack-protector", "soft lockup", "hard LOCKUP",
	"detected stall", "Unable to handle", "page allocation failure", "vmalloc error",
	"hung_task", "blocked for more than", "kfence",
};

/* Wait for deferred frees, then compare with @b; 0 if clean. */
static int baseline_check(struct __test_metadata *_metadata, int dev, struct fz_baseline *b,
			  long slab_tolerance_kb)
{
	struct ie_version v = { .size = sizeof(v) };
	static char log[1 << 18];
	__u32 nr_maps = 0;
	long slab, percpu;
	int i, bad = 0, kbad = 0;
	size_t j;

	/* an fd the kernel installed and then failed the call would stay in our table */
	EXPECT_EQ(b->nr_fds, count_fds()) bad++;
	/* maps are freed after an RCU grace period by a worker: give them time */
	for (i = 0; i < 100; i++) {
		innerext_get_version(dev, &v);
		nr_maps = count_ids(dev, IE_OBJ_MAP);
		if (v.nr_progs == b->v.nr_progs && v.nr_links == b->v.nr_links &&
		    nr_maps == b->nr_maps && v.text_arena_free == b->v.text_arena_free &&
		    v.data_arena_free == b->v.data_arena_free)
			break;
		usleep(100 * 1000);
	}
	/* the map memory itself goes after the ids, from a worker */
	for (i = 0; i < 30; i++) {
		usleep(100 * 1000);
		percpu = meminfo_kb("Percpu");
		if (percpu - b->percpu_kb < FZ_PERCPU_TOLERANCE_KB)
			break;
	}
	drop_slab_caches();
	slab = meminfo_kb("Slab");
	printf("# objects: progs %u -> %u, links %u -> %u, maps %u -> %u; arena free text %llu -> %llu, data %llu -> %llu\n",
	       b->v.nr_progs, v.nr_progs, b->v.nr_links, v.nr_links, b->nr_maps, nr_maps,
	       (unsigned long long)b->v.text_arena_free, (unsigned long long)v.text_arena_free,
	       (unsigned long long)b->v.data_arena_free, (unsigned long long)v.data_arena_free);
	printf("# memory: Slab %ld -> %ld kB (tolerance %ld), Percpu %ld -> %ld kB (tolerance %d)\n",
	       b->slab_kb, slab, slab_tolerance_kb, b->percpu_kb, percpu, FZ_PERCPU_TOLERANCE_KB);
	EXPECT_EQ(b->v.nr_progs, v.nr_progs) bad++;
	EXPECT_EQ(b->v.nr_links, v.nr_links) bad++;
	EXPECT_EQ(b->nr_maps, nr_maps) bad++;
	EXPECT_EQ(b->v.text_arena_free, v.text_arena_free) bad++;
	EXPECT_EQ(b->v.data_arena_free, v.data_arena_free) bad++;
	EXPECT_GT(slab_tolerance_kb, slab - b->slab_kb) bad++;
	EXPECT_GT(FZ_PERCPU_TOLERANCE_KB, percpu - b->percpu_kb) bad++;
	log[0] = '\0';
	if (b->kmsg >= 0) {
		st_kmsg_read(b->kmsg, log, sizeof(log));
		close(b->kmsg);
		b->kmsg = -1;
	}
	for (j = 0; j < sizeof(kmsg_bad) / sizeof(kmsg_bad[0]); j++) {
		const char *hit = strstr(log, kmsg_bad[j]);

		if (hit) {
			const char *ls = hit;

			while (ls > log && ls[-1] != '\n')
				ls--;
			printf("# kernel log: %.*s\n", (int)strcspn(ls, "\n"), ls);
			kbad++;
		}
	}
	EXPECT_EQ(0, kbad);
	return bad + kbad;
}

/* ------------------------------------------------------------------ fixture */

FIXTURE(fz) {
	struct fz_pool pool;
	struct fz_ctx ctx;
	struct fz_baseline base;
};

FIXTURE_SETUP(fz)
{
	int err;

	innerext_set_print(quiet_print);
	self->base.kmsg = -1;
	err = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, err) TH_LOG("open %s: %s", INNEREXT_DEV_PATH, strerror(errno));
	baseline_take(err, &self->base);
	close(err);
	err = pool_init(&self->pool);
	ASSERT_EQ(0, err) TH_LOG("pool setup failed at step %d: %s", err, strerror(errno));
	ASSERT_EQ(0, ctx_init(&self->ctx, &self->pool, 0, "setup"));
}

FIXTURE_TEARDOWN(fz)
{
	ctx_fini(&self->ctx);
}

/* Tear the pool down and check that everything is back to the baseline. */
static void fz_finish(struct __test_metadata *_metadata, FIXTURE_DATA(fz) *self,
		      long slab_tolerance_kb)
{
	int dev = open(INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);

	char buf[4096];
	int fl;

	pool_fini(&self->pool);
	ASSERT_LE(0, dev);
	baseline_check(_metadata, dev, &self->base, slab_tolerance_kb);
	/* leave no trace lines (hello printed some) for the tests after this one */
	fl = fcntl(dev, F_GETFL);
	fcntl(dev, F_SETFL, fl | O_NONBLOCK);
	while (read(dev, buf, sizeof(buf)) > 0)
		;
	close(dev);
}

/* ------------------------------------------------------------------ phase 1: /dev/innerext */

TEST_F_TIMEOUT(fz, dev_ioctls, 300)
{
	struct fz_ctx *c = &self->ctx;
	long n = fz_iters(30000);
	double end = fz_deadline(0.25);
	double t0 = st_now_s();

	c->rng = phase_seed(1);
	c->phase = "dev";
	for (c->iter = 0; c->iter < (unsigned long)n && st_now_s() < end; c->iter++)
		fuzz_one(c, self->pool.dev, T_DEV, NULL);
	stats_print("dev_ioctls", &c->stats, t0);
	EXPECT_EQ(0, c->stats.failures);
	fz_finish(_metadata, self, 4096);
}

/* ------------------------------------------------------------------ faulting arguments */

/* @arg (@size bytes) copied to the read-only page, then the ioctl: its result or -errno. */
static int ro_ioctl(struct fz_ctx *c, int fd, unsigned long cmd, const void *arg, size_t size)
{
	int ret;

	mprotect(c->ro, 2 * c->page, PROT_READ | PROT_WRITE);
	memcpy(c->ro, arg, size);
	mprotect(c->ro, 2 * c->page, PROT_READ);
	ret = ioctl(fd, cmd, c->ro);
	return ret < 0 ? -errno : ret;
}

static int raw(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/*
 * Each command where the kernel must write to user memory it cannot write (the
 * argument in a read-only page, or the log, value, key, id buffers): EFAULT,
 * and whatever the command had built on the way (a program, link, map, fd) is
 * gone again. The fixture's teardown counts objects, fds and the kernel log.
 */
TEST_F_TIMEOUT(fz, faulting_arguments_leave_nothing, 120)
{
	struct fz_ctx *c = &self->ctx;
	struct fz_pool *p = &self->pool;
	const struct fz_map *h = &p->maps[1];	/* hash, key 8, value 16 */
	unsigned char *ro = c->ro, *bad = (unsigned char *)c->unmapped;
	struct ie_version v0 = { .size = sizeof(v0) }, v1 = { .size = sizeof(v1) };
	struct ie_version ver = { .size = sizeof(ver) };
	struct ie_prog_load pl;
	struct ie_link_create lc;
	struct ie_get_next_id ni = { .size = sizeof(ni), .type = IE_OBJ_PROG };
	struct ie_prog_info pi = { .size = sizeof(pi), .id = p->prog_id };
	struct ie_link_info li = { .size = sizeof(li), .id = p->link_id };
	struct ie_map_create mc;
	struct ie_map_get_fd mg = { .size = sizeof(mg), .map_id = h->id };
	struct ie_map_info mi = { .size = sizeof(mi), .id = h->id };
	struct ie_map_batch b;
	__u64 key = 5, val[2] = { 1, 2 }, next = 0;
	struct ie_map_elem e = { .size = sizeof(e), .key_size = 8, .value_size = 16,
				 .key = (unsigned long)&key, .value = (unsigned long)val,
				 .next_key = (unsigned long)&next };
	__u32 maps0 = count_ids(p->dev, IE_OBJ_MAP);
	int i, fds0 = count_fds();

	c->phase = "faults";
	ASSERT_EQ(0, innerext_get_version(p->dev, &v0));
	ASSERT_EQ(0, raw(h->fd, IE_IOC_MAP_UPDATE, &e));

	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_GET_VERSION, &ver, sizeof(ver)));

	/* a program is built, then the id cannot be written back */
	memset(&pl, 0, sizeof(pl));
	pl.size = sizeof(pl);
	pl.image = (unsigned long)p->hello.img;
	pl.image_size = p->hello.size;
	strcpy(pl.name, "fz_ro");
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_PROG_LOAD, &pl, sizeof(pl)));
	/* ... or the log */
	pl.log_buf = (unsigned long)ro;
	pl.log_size = 256;
	EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_LOAD, &pl));
	pl.log_buf = (unsigned long)bad;
	EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_LOAD, &pl));
	pl.log_buf = 0;
	pl.log_size = 0;
	/* the image runs into a PROT_NONE page; the map fds are unreadable */
	memcpy(c->guard + c->page - p->hello.size + 8, p->hello.img, p->hello.size - 8);
	pl.image = (unsigned long)c->guard + c->page - p->hello.size + 8;
	EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_LOAD, &pl));
	if (p->maps_img.maps_ok) {
		pl.image = (unsigned long)p->maps_img.img;
		pl.image_size = p->maps_img.size;
		pl.map_fds = (unsigned long)bad;
		pl.nr_map_fds = p->maps_img.nr_maps;
		EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_LOAD, &pl));
		pl.map_fds = (unsigned long)c->guard + c->page - 4;	/* the first one readable */
		memcpy(c->guard + c->page - 4, &p->maps_img.map_fds[0], 4);
		EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_LOAD, &pl));
	}

	/* a link is attached (persistent or not), then it cannot be handed back */
	for (i = 0; i < 4; i++) {
		memset(&lc, 0, sizeof(lc));
		lc.size = sizeof(lc);
		lc.prog_fd = p->prog_fd;
		lc.hook = i % 2 ? IE_HOOK_KPROBE : IE_HOOK_TRACEPOINT;
		lc.flags = (i % 2 ? 0 : IE_LINK_F_SYSCALL_NR) | (i >= 2 ? IE_LINK_F_PERSISTENT : 0);
		lc.syscall_nr = i % 2 ? 0 : p->getppid_nr;
		strcpy(lc.target, i % 2 ? "__x64_sys_getppid" : "raw_syscalls:sys_enter");
		EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_LINK_CREATE, &lc, sizeof(lc)))
			TH_LOG("link variant %d", i);
		lc.log_buf = (unsigned long)ro;
		lc.log_size = 64;
		EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_LINK_CREATE, &lc)) TH_LOG("link variant %d", i);
	}

	/* the lookups by id */
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_GET_NEXT_ID, &ni, sizeof(ni)));
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_PROG_INFO, &pi, sizeof(pi)));
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_LINK_INFO, &li, sizeof(li)));
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_MAP_INFO, &mi, sizeof(mi)));
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_MAP_GET_FD_BY_ID, &mg, sizeof(mg)));
	if (p->maps_img.maps_ok) {
		__u32 id;
		int fd = innerext_prog_load_maps(p->dev, "fz_ro_maps", p->maps_img.img,
						 p->maps_img.size, p->maps_img.map_fds,
						 p->maps_img.nr_maps, NULL, 0, &id);

		ASSERT_LE(0, fd);
		pi.id = id;
		pi.map_ids = (unsigned long)ro;
		pi.nr_map_ids = 4;
		EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_PROG_INFO, &pi));
		close(fd);
	}

	/* a map is created, then the id or the log cannot be written */
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.type = IE_MAP_HASH;
	mc.key_size = 4;
	mc.value_size = 4;
	mc.max_entries = 4;
	strcpy(mc.name, "fz_ro");
	EXPECT_EQ(-EFAULT, ro_ioctl(c, p->dev, IE_IOC_MAP_CREATE, &mc, sizeof(mc)));
	mc.log_buf = (unsigned long)ro;
	mc.log_size = 64;
	EXPECT_EQ(-EFAULT, raw(p->dev, IE_IOC_MAP_CREATE, &mc));

	/* map fd commands: the value, next key, keys, values, info cannot be written */
	e.value = (unsigned long)ro;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_LOOKUP, &e));
	e.value = (unsigned long)bad;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_UPDATE, &e));
	e.key = (unsigned long)bad;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_DELETE, &e));
	e.key = 0;		/* the first key: 5, the only one */
	e.next_key = (unsigned long)ro;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_GET_NEXT_KEY, &e));
	e.key = (unsigned long)&key;
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 16;
	b.key_size = 8;
	b.value_size = 16;
	b.keys = (unsigned long)ro;
	b.values = (unsigned long)c->scratch;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_DUMP, &b));
	b.keys = (unsigned long)c->scratch;
	b.values = (unsigned long)ro;
	EXPECT_EQ(-EFAULT, raw(h->fd, IE_IOC_MAP_DUMP, &b));
	b.values = (unsigned long)c->scratch;
	EXPECT_EQ(-EFAULT, ro_ioctl(c, h->fd, IE_IOC_MAP_DUMP, &b, sizeof(b)));
	mi.id = 0;
	EXPECT_EQ(-EFAULT, ro_ioctl(c, h->fd, IE_IOC_MAP_INFO, &mi, sizeof(mi)));

	/* nothing stayed: no program, link, map or fd */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, innerext_get_version(p->dev, &v1));
		if (v1.nr_progs == v0.nr_progs && v1.nr_links == v0.nr_links &&
		    count_ids(p->dev, IE_OBJ_MAP) == maps0)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(v0.nr_progs, v1.nr_progs);
	EXPECT_EQ(v0.nr_links, v1.nr_links);
	EXPECT_EQ(v0.text_arena_free, v1.text_arena_free);
	EXPECT_EQ(v0.data_arena_free, v1.data_arena_free);
	EXPECT_EQ(maps0, count_ids(p->dev, IE_OBJ_MAP));
	EXPECT_EQ(fds0, count_fds());
	/* and the element is unchanged */
	e.value = (unsigned long)val;
	e.next_key = (unsigned long)&next;
	memset(val, 0, sizeof(val));
	ASSERT_EQ(0, raw(h->fd, IE_IOC_MAP_LOOKUP, &e));
	EXPECT_EQ(1, val[0]);
	EXPECT_EQ(2, val[1]);
	fz_finish(_metadata, self, 4096);
}

/* ------------------------------------------------------------------ phase 2: map, prog, link fds */

static void fuzz_mmap_read_poll(struct fz_ctx *c)
{
	struct fz_pool *p = c->pool;
	const struct fz_map *m = pick_map(c);
	int fds[] = { m ? m->fd : -1, p->prog_fd, p->link_fd };
	int fd = fds[chance(&c->rng, 80) ? 0 : 1 + rndn(&c->rng, 2)];
	const int prots[] = { PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE, PROT_EXEC,
			      PROT_READ | PROT_EXEC, PROT_NONE };
	size_t len = (size_t)c->page * (1 + rndn(&c->rng, 4));
	off_t off = (off_t)c->page * rndn(&c->rng, 4);
	int prot = prots[rndn(&c->rng, 6)], flags = chance(&c->rng, 70) ? MAP_SHARED : MAP_PRIVATE;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	volatile unsigned char sink;
	void *a;
	size_t i;

	if (chance(&c->rng, 20))
		len = rndn(&c->rng, 6 * c->page + 1);
	if (chance(&c->rng, 10))
		off = (off_t)c->page * (1 + rndn(&c->rng, 1 << 16));
	a = mmap(NULL, len, prot, flags, fd, off);
	c->stats.extra_calls++;
	if (a != MAP_FAILED) {
		if (prot & PROT_READ)
			for (i = 0; i < len; i += c->page)
				sink = ((unsigned char *)a)[i];
		munmap(a, len);
		(void)sink;
	} else if (errno != EINVAL && errno != EPERM && errno != ENODEV && errno != EACCES &&
		   errno != ENOMEM && !(c->racy && errno == EBADF)) {
		FZ_FAIL(c, "mmap(len %zu, prot %d, flags %d, off %lld): %s", len, prot, flags,
			(long long)off, strerror(errno));
	}
	if (poll(&pfd, 1, 0) < 0 && !(c->racy && errno == EBADF))
		FZ_FAIL(c, "poll: %s", strerror(errno));
	c->stats.extra_calls++;
}

/*
 * The largest dump buffer a caller can ask for: 4096 per-CPU values of 32 KiB.
 * With 16 or more possible CPUs that is more than kvmalloc() tries (INT_MAX):
 * -ENOMEM, and no WARN (boot with possible_cpus=64 to see it on this VM). With
 * fewer it is a real allocation of up to 2 GiB: skipped, it proves nothing here.
 */
static void big_dump(struct __test_metadata *_metadata, struct fz_ctx *c)
{
	int cpus = nr_cpus(), fd;
	struct ie_map_batch b = { .size = sizeof(b), .count = 4096, .key_size = 4 };

	if (cpus < 16) {
		printf("# big dump: %d possible CPUs, skipped (boot with possible_cpus=64)\n", cpus);
		return;
	}
	fd = map_create(c->pool->dev, IE_MAP_PERCPU_ARRAY, 4, 32768, 1, "fz_big", NULL);
	ASSERT_LE(0, fd);
	b.value_size = 32768 * cpus;
	b.keys = (unsigned long)c->scratch;
	b.values = (unsigned long)c->scratch;	/* never reached */
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, IE_IOC_MAP_DUMP, &b));
	EXPECT_EQ(ENOMEM, errno);
	printf("# big dump: 4096 x %u bytes: %s\n", b.value_size, strerror(errno));
	close(fd);
}

TEST_F_TIMEOUT(fz, map_prog_link_fd_ioctls, 300)
{
	struct fz_ctx *c = &self->ctx;
	long n = fz_iters(40000);
	double end = fz_deadline(0.18);
	double t0 = st_now_s();
	struct fz_pool *p = &self->pool;

	c->rng = phase_seed(2);
	c->phase = "fds";
	for (c->iter = 0; c->iter < (unsigned long)n && st_now_s() < end; c->iter++) {
		unsigned int r = rndn(&c->rng, 100);
		const struct fz_map *m = pick_map(c);

		if (r < 75)
			fuzz_one(c, m->fd, T_MAP, m);
		else if (r < 85)
			fuzz_one(c, p->prog_fd, T_PROG, m);
		else if (r < 95)
			fuzz_one(c, p->link_fd, T_LINK, m);
		else
			fuzz_mmap_read_poll(c);
	}
	big_dump(_metadata, c);
	stats_print("fd_ioctls", &c->stats, t0);
	EXPECT_EQ(0, c->stats.failures);
	fz_finish(_metadata, self, 4096);
}

/* ------------------------------------------------------------------ phase 3: images */

struct fz_images {
	struct fz_img im[64];
	int n;
};

static void images_open(int dev, struct fz_images *ims)
{
	const char *pats[] = { "examples/*.o", "test/selftests/fixtures/*.o" };
	glob_t g;
	size_t i, k;

	ims->n = 0;
	for (k = 0; k < 2; k++) {
		if (glob(pats[k], 0, NULL, &g))
			continue;
		for (i = 0; i < g.gl_pathc && ims->n < 64; i++) {
			struct fz_img *im = &ims->im[ims->n];

			if (img_load_file(im, g.gl_pathv[i]))
				continue;
			img_make_maps(dev, im);
			ims->n++;
		}
		globfree(&g);
	}
}

static const char *const helper_names[] = {
	"ie_trace_printk", "ie_ktime_get_ns", "ie_map_lookup_elem", "ie_probe_read_kernel",
	"memcpy", "ie_abort", "printk", "kallsyms_lookup_name",
};

/* Mutate the image copy @b (of @size bytes, room for @cap) in place; returns its new length. */
static size_t mutate_image(struct fz_ctx *c, unsigned char *b, size_t size, size_t cap)
{
	struct ie_image_hdr h;
	unsigned int kind = rndn(&c->rng, 10), i;
	__u32 *f;

	memcpy(&h, b, sizeof(h) < size ? sizeof(h) : size);
	f = (__u32 *)b;
	switch (kind) {
	case 0:		/* truncate */
		return rndn(&c->rng, size);
	case 1:		/* flip bits anywhere */
		for (i = 0; i < 1 + rndn(&c->rng, 8); i++)
			b[rndn(&c->rng, size)] ^= 1 << rndn(&c->rng, 8);
		return size;
	case 2:		/* a header field */
		if (size >= sizeof(h)) {
			__u32 v = interesting_u32(c);

			if (chance(&c->rng, 30))
				v = chance(&c->rng, 50) ? size : (__u32)size - 8 * rndn(&c->rng, 4);
			f[rndn(&c->rng, sizeof(h) / 4)] = v;
		}
		return size;
	case 3:		/* a relocation */
		if (h.nr_relocs && size >= sizeof(h) &&
		    (__u64)h.relocs_off + (__u64)h.nr_relocs * sizeof(struct ie_image_reloc) <= size) {
			struct ie_image_reloc *r = (void *)(b + h.relocs_off);

			r += rndn(&c->rng, h.nr_relocs);
			switch (rndn(&c->rng, 8)) {
			case 0: r->offset = chance(&c->rng, 50) ? interesting_u32(c) :
					    h.text_size - rndn(&c->rng, 9); break;
			case 1: r->seg = rndn(&c->rng, 5); break;
			case 2: r->type = rndn(&c->rng, 6); break;
			case 3: r->target_seg = rndn(&c->rng, 5); break;
			case 4: r->target = chance(&c->rng, 50) ? interesting_u32(c) :
					    h.data_mem_size + rndn(&c->rng, 3) - 1; break;
			case 5: r->addend = chance(&c->rng, 50) ? (__s64)interesting_u64(c) :
					    (__s64)IE_MAX_IMAGE_SIZE * (chance(&c->rng, 50) ? 1 : -1) +
					    (__s64)rndn(&c->rng, 3) - 1; break;
			case 6: r->pad = 1 + rndn(&c->rng, 255); break;
			default: r->reserved = interesting_u32(c) | 1; break;
			}
		}
		return size;
	case 4:		/* an import name */
		if (h.nr_imports && size >= sizeof(h) &&
		    (__u64)h.imports_off + (__u64)h.nr_imports * IE_NAME_LEN <= size) {
			char *n = (char *)b + h.imports_off + IE_NAME_LEN * rndn(&c->rng, h.nr_imports);

			switch (rndn(&c->rng, 3)) {
			case 0: memset(n, 'a', IE_NAME_LEN); break;	/* no NUL */
			case 1: memset(n, 0, IE_NAME_LEN);
				snprintf(n, IE_NAME_LEN, "%s",
					 helper_names[rndn(&c->rng, sizeof(helper_names) /
							   sizeof(helper_names[0]))]);
				break;
			default: n[rndn(&c->rng, IE_NAME_LEN)] = (char)rnd64(&c->rng); break;
			}
		}
		return size;
	case 5:		/* an entry */
		if (h.nr_entries && h.nr_entries <= IE_MAX_ENTRIES && size >= sizeof(h) &&
		    (__u64)h.entries_off + (__u64)h.nr_entries * sizeof(struct ie_image_entry) <= size) {
			struct ie_image_entry *e = (void *)(b + h.entries_off);

			e += rndn(&c->rng, h.nr_entries);
			switch (rndn(&c->rng, 5)) {
			case 0: e->text_off = chance(&c->rng, 50) ? interesting_u32(c) :
					      h.text_size - rndn(&c->rng, 5); break;
			case 1: memset(e->name, 'e', IE_NAME_LEN); break;
			case 2: memset(e->sec, 's', IE_SEC_LEN); break;
			case 3: e->flags = interesting_u32(c) | 1; break;
			default: e->text_off += 1 + rndn(&c->rng, 4); break;	/* not an endbr64 */
			}
		}
		return size;
	case 6:		/* a map declaration */
		if (h.nr_maps && h.nr_maps <= IE_MAX_MAPS && size >= sizeof(h) &&
		    (__u64)h.maps_off + (__u64)h.nr_maps * sizeof(struct ie_image_map) <= size) {
			struct ie_image_map *m = (void *)(b + h.maps_off);

			m += rndn(&c->rng, h.nr_maps);
			switch (rndn(&c->rng, 5)) {
			case 0: m->def_off = chance(&c->rng, 50) ? interesting_u32(c) :
					     h.data_size - rndn(&c->rng, 25); break;
			case 1: m->type = rndn(&c->rng, 9); break;
			case 2: m->key_size = interesting_u32(c); break;
			case 3: memset(m->name, 'm', IE_NAME_LEN); break;
			default: m->max_entries = interesting_u32(c); break;
			}
		}
		return size;
	case 7:		/* grow: garbage after the image */
		if (size < cap) {
			size_t add = 1 + rndn(&c->rng, cap - size);

			for (i = 0; i < add; i++)
				b[size + i] = chance(&c->rng, 50) ? 0 : (unsigned char)rnd64(&c->rng);
			return size + add;
		}
		return size;
	case 8:		/* several fields */
		size = mutate_image(c, b, size, cap);
		return mutate_image(c, b, size, cap);
	default:	/* region boundaries: an offset or count moved by a little */
		if (size >= sizeof(h)) {
			unsigned int idx = 4 + rndn(&c->rng, 13);	/* text_off .. nr_maps */

			f[idx] += (int)rndn(&c->rng, 17) - 8;
		}
		return size;
	}
}

static __u32 pick_log_size(struct fz_ctx *c)
{
	const __u32 v[] = { 0, 1, 2, 3, 7, 8, 63, 64, 100, 4095, 4096, 65536, IE_LOG_MAX,
			    IE_LOG_MAX + 1, 0xffffffff };

	return chance(&c->rng, 10) ? rndn(&c->rng, 70000) : v[rndn(&c->rng, sizeof(v) / sizeof(v[0]))];
}

TEST_F_TIMEOUT(fz, images, 300)
{
	struct fz_ctx *c = &self->ctx;
	long n = fz_iters(15000);
	double end = fz_deadline(0.25);
	double t0 = st_now_s();
	static struct fz_images ims;
	unsigned long loaded = 0, refused = 0, by_errno[NR_ERRNO] = { 0 }, erange_shown = 0;
	size_t cap = 0, pl;
	unsigned char *area;
	int i;

	c->rng = phase_seed(3);
	c->phase = "images";
	images_open(self->pool.dev, &ims);
	ASSERT_LT(0, ims.n);
	for (i = 0; i < ims.n; i++)
		if (ims.im[i].size + 8192 > cap)
			cap = ims.im[i].size + 8192;
	pl = (cap + c->page - 1) / c->page * c->page;
	/* the image copy ends at a PROT_NONE page: reads past what was passed fault */
	area = map_pages(pl + c->page, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, area);
	ASSERT_EQ(0, mprotect(area + pl, c->page, PROT_NONE));

	/* every unmodified image that has its maps loads (else the fuzz would not go deep) */
	for (i = 0; i < ims.n; i++) {
		struct fz_img *im = &ims.im[i];
		char log[LOG_SIZE];
		int fd;

		if (!im->maps_ok)
			continue;
		fd = innerext_prog_load_maps(self->pool.dev, "fz_img", im->img, im->size,
					     im->map_fds, im->nr_maps, log, sizeof(log), NULL);
		printf("# image %-42s %6zu bytes, %u maps: %s\n", im->path, im->size, im->nr_maps,
		       fd >= 0 ? "loads" : strerror(-fd));
		if (fd >= 0)
			close(fd);
	}

	for (c->iter = 0; c->iter < (unsigned long)n && st_now_s() < end; c->iter++) {
		struct fz_img *im = &ims.im[rndn(&c->rng, ims.n)];
		struct ie_prog_load a = { .size = sizeof(a) };
		size_t len, room;
		unsigned char *img, *logp = NULL;
		__u32 logsz = pick_log_size(c), j;
		int fd, err = 0, nm = 1 + rndn(&c->rng, 3), fds[IE_MAX_MAPS];

		/* copy so that the (mutated) image ends right before the guard page */
		room = im->size + 4096;
		img = area + pl - room;
		memcpy(img, im->img, im->size);
		len = im->size;
		for (j = 0; j < (unsigned int)nm; j++)
			len = mutate_image(c, img, len, room);
		memmove(area + pl - len, img, len);
		img = area + pl - len;

		a.image = (unsigned long)img;
		a.image_size = len;
		if (chance(&c->rng, 3))
			a.image_size = len + 1 + rndn(&c->rng, 4096);	/* past the guard: EFAULT */
		snprintf(a.name, sizeof(a.name), "fz_img%lu", c->iter % 10);
		memcpy(fds, im->map_fds, sizeof(fds));
		if (im->nr_maps && chance(&c->rng, 10))
			fds[rndn(&c->rng, im->nr_maps)] = fz_fd(c);
		a.map_fds = (unsigned long)fds;
		a.nr_map_fds = im->nr_maps;
		if (chance(&c->rng, 5))
			a.nr_map_fds = rndn(&c->rng, 4);
		if (chance(&c->rng, 5))
			a.flags = IE_PROG_F_IRQS_OFF;
		if (logsz) {
			size_t lroom = FZ_SCRATCH - FZ_CANARY;

			if (logsz <= IE_LOG_MAX) {
				logp = c->scratch + (logsz < lroom ? rndn(&c->rng, lroom - logsz) : 0);
				memset(logp, 0x5a, logsz);
				memset(logp + logsz, FZ_CANARY_BYTE, FZ_CANARY);
				a.log_buf = (unsigned long)logp;
			} else {
				a.log_buf = (unsigned long)c->scratch;
			}
			a.log_size = logsz;
			if (chance(&c->rng, 5)) {
				a.log_buf = fz_ptr(c, logsz, NULL);
				logp = NULL;
			}
		} else if (chance(&c->rng, 5)) {
			a.log_buf = (unsigned long)c->scratch;	/* log_buf without a size */
		}

		fd = ioctl(self->pool.dev, IE_IOC_PROG_LOAD, &a);
		if (fd < 0)
			err = errno;
		c->stats.total++;
		c->stats.st[T_DEV][1].calls++;
		if (fd >= 0) {
			c->stats.st[T_DEV][1].ok++;
			loaded++;
			if (a.image_size > len)
				FZ_FAIL(c, "%s: loaded with image_size past the mapped image", im->path);
			close(fd);
		} else {
			refused++;
			if (err < NR_ERRNO) {
				by_errno[err]++;
				c->stats.st[T_DEV][1].err[err]++;
			}
			if (!errno_allowed(&dev_cmds[1], err))
				FZ_FAIL(c, "%s mutated (%zu bytes): errno %s", im->path, len, errname(err));
			if (a.image_size > len && err != EFAULT && err != EINVAL && err != E2BIG)
				FZ_FAIL(c, "%s: image_size past the guard page gave %s", im->path,
					errname(err));
		}
		/* the log: NUL-terminated within log_size, nothing written after it, no addresses */
		if (logp && err != EFAULT && logsz && logsz <= IE_LOG_MAX) {
			const char *k;

			if (!memchr(logp, 0, logsz)) {
				FZ_FAIL(c, "log of %u bytes not NUL-terminated", logsz);
			} else if ((k = st_text_kptr((char *)logp, strlen((char *)logp)))) {
				FZ_FAIL(c, "%s: a kernel address in the refusal log: %.*s", im->path,
					(int)strcspn((char *)logp, "\n"), (char *)logp);
			}
			if (err == ERANGE && erange_shown++ < 3)
				printf("# ERANGE log: %.*s\n", (int)strcspn((char *)logp, "\n"),
				       (char *)logp);
			for (j = 0; j < FZ_CANARY; j++)
				if (logp[logsz + j] != FZ_CANARY_BYTE) {
					FZ_FAIL(c, "log of %u bytes: byte %u after it was written",
						logsz, j);
					break;
				}
		}
	}
	printf("# images: %d objects, %lu mutated loads: %lu loaded, %lu refused:", ims.n,
	       c->iter, loaded, refused);
	for (i = 0; i < NR_ERRNO; i++)
		if (by_errno[i])
			printf(" %s %lu", errname(i), by_errno[i]);
	printf("\n");
	stats_print("images", &c->stats, t0);
	EXPECT_EQ(0, c->stats.failures);
	EXPECT_LT(0, refused);
	munmap(area, pl + c->page);
	for (i = 0; i < ims.n; i++)
		img_free(&ims.im[i]);
	fz_finish(_metadata, self, 4096);
}

/* ------------------------------------------------------------------ phase 4: races */

struct fz_thread {
	pthread_t tid;
	struct fz_ctx ctx;
	double end;
	long iters;
	volatile int *stop;
};

static void *racer(void *arg)
{
	struct fz_thread *th = arg;
	struct fz_ctx *c = &th->ctx;
	struct fz_pool *p = c->pool;

	for (c->iter = 0; c->iter < (unsigned long)th->iters && st_now_s() < th->end &&
			  !*th->stop; c->iter++) {
		const struct fz_map *m = pick_map(c);
		int mfd = __atomic_load_n(&m->fd, __ATOMIC_RELAXED);
		unsigned int r = rndn(&c->rng, 100);

		if (r < 45)
			fuzz_one(c, p->dev, T_DEV, NULL);
		else if (r < 85)
			fuzz_one(c, mfd, T_MAP, m);
		else if (r < 95)
			fuzz_one(c, __atomic_load_n(&p->link_fd, __ATOMIC_RELAXED), T_LINK, m);
		else
			fuzz_mmap_read_poll(c);
	}
	return NULL;
}

/*
 * Churn: close and re-create the objects behind the pool's fds and ids while the
 * racers use them (an fd number gets reused by another kind of object), detach
 * the link by id, read trace lines with odd buffers.
 */
static void churn(struct fz_ctx *c, double end, volatile int *stop)
{
	struct fz_pool *p = c->pool;
	char *rbuf = (char *)c->scratch + 8192;
	int devnb = open(INNEREXT_DEV_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	for (c->iter = 0; st_now_s() < end; c->iter++) {
		unsigned int r = rndn(&c->rng, 100);

		if (r < 30 && p->nr_maps) {
			struct fz_map *m = &p->maps[rndn(&c->rng, p->nr_maps)];
			struct ie_map_create a = { 0 };
			__u32 vs = m->type == IE_MAP_PERCPU_ARRAY || m->type == IE_MAP_PERCPU_HASH ?
				   8 : m->vsize_user;
			int old = __atomic_load_n(&m->fd, __ATOMIC_RELAXED), fd;

			close(old);
			fd = map_create_tweak(p->dev, m->type, m->ksize, m->type == IE_MAP_RINGBUF ?
					      0 : vs, m->max_entries, "fz_churn", NULL, &a);
			if (fd < 0) {
				FZ_FAIL(c, "re-creating a map: %s", strerror(-fd));
				break;
			}
			__atomic_store_n(&m->id, a.map_id, __ATOMIC_RELAXED);
			__atomic_store_n(&m->fd, fd, __ATOMIC_RELAXED);
		} else if (r < 45) {
			__u32 id;
			int old = __atomic_load_n(&p->prog_fd, __ATOMIC_RELAXED);
			int fd;

			close(old);
			fd = pool_prog(p, &id);
			if (fd < 0) {
				FZ_FAIL(c, "re-loading hello: %s", strerror(-fd));
				break;
			}
			__atomic_store_n(&p->prog_id, id, __ATOMIC_RELAXED);
			__atomic_store_n(&p->prog_fd, fd, __ATOMIC_RELAXED);
		} else if (r < 60) {
			int old = __atomic_load_n(&p->link_fd, __ATOMIC_RELAXED), fd;

			if (chance(&c->rng, 50))
				innerext_link_detach_id(p->dev, __atomic_load_n(&p->link_id,
										__ATOMIC_RELAXED));
			close(old);
			fd = pool_link(p);
			if (fd < 0) {
				FZ_FAIL(c, "re-attaching hello: %s", strerror(-fd));
				break;
			}
			__atomic_store_n(&p->link_fd, fd, __ATOMIC_RELAXED);
		} else if (r < 80) {
			/* trace lines: hello prints one per getppid() */
			ssize_t n;
			size_t cnt = chance(&c->rng, 50) ? 1 + rndn(&c->rng, 16) : 4096;
			void *buf = chance(&c->rng, 70) ? rbuf : (void *)(unsigned long)fz_ptr(c, cnt, NULL);

			syscall(SYS_getppid);
			n = read(devnb, buf, cnt);
			if (n < 0 && errno != EAGAIN && errno != EFAULT)
				FZ_FAIL(c, "read(/dev/innerext, %zu): %s", cnt, strerror(errno));
			c->stats.extra_calls++;
		} else {
			fuzz_one(c, p->dev, T_DEV, NULL);
		}
		c->stats.extra_calls++;
	}
	*stop = 1;
	close(devnb);
}

TEST_F_TIMEOUT(fz, concurrent, 300)
{
	static struct fz_thread th[2];
	volatile int stop = 0;
	double end = fz_deadline(0.17);
	double t0 = st_now_s();
	int i;

	self->ctx.rng = phase_seed(4);
	self->ctx.phase = "churn";
	self->ctx.racy = true;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ctx_init(&th[i].ctx, &self->pool, phase_seed(5 + i), "racer"));
		th[i].end = end;
		th[i].iters = fz_iters(100000);
		th[i].stop = &stop;
		th[i].ctx.racy = true;
		ASSERT_EQ(0, pthread_create(&th[i].tid, NULL, racer, &th[i]));
	}
	churn(&self->ctx, end, &stop);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i].tid, NULL);
		stats_merge(&self->ctx.stats, &th[i].ctx.stats);
		ctx_fini(&th[i].ctx);
	}
	printf("# churn: %lu object replacements, reads and device ioctls\n", self->ctx.iter);
	stats_print("concurrent", &self->ctx.stats, t0);
	EXPECT_EQ(0, self->ctx.stats.failures);
	fz_finish(_metadata, self, 4096);
}

TEST_HARNESS_MAIN
