// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl keyring [list] | add CERT... | remove ID
 *
 * The module's keyring ".innerext" of trusted signers, beside the kernel's own
 * keys: its serial is the read-only module parameter "keyring". Certificates
 * are added with add_key(2) ("asymmetric" keys: the kernel parses the X.509 and
 * names the key "<subject CN>: <key id>"), listed with KEYCTL_READ and
 * KEYCTL_DESCRIBE, removed with KEYCTL_UNLINK. The keyring belongs to root:
 * nobody else can read or change it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "main.h"

#define KEYRING_PARAM	"/sys/module/innerext/parameters/keyring"
#define MAX_CERT_SIZE	(1U << 20)

static void keyring_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl keyring [list]\n"
		"       extctl keyring add CERT...\n"
		"       extctl keyring remove ID\n"
		"\n"
		"The module's keyring .innerext holds the X.509 certificates whose keys may sign\n"
		"images ('extctl sign'), beside the kernel's trusted keys (those that may sign\n"
		"modules). It is the module's: it starts empty at each insmod. Root only.\n"
		"\n"
		"  list          its serial and keys (id and the kernel's description)\n"
		"  add CERT...   add the certificates in each CERT file (PEM, or one DER)\n"
		"  remove ID     take key ID out of the keyring\n"
		"  -j, --json    JSON output\n"
		"\n"
		"Its serial is in " KEYRING_PARAM " (keyctl works too:\n"
		"keyctl padd asymmetric '' SERIAL < cert.der).\n");
}

static long sys_keyctl(int cmd, unsigned long a2, unsigned long a3, unsigned long a4)
{
	return syscall(SYS_keyctl, cmd, a2, a3, a4, 0UL);
}

/* The keyring's serial from the module parameter; prints the failure, returns 0. */
static __s32 keyring_serial(void)
{
	char buf[32] = "";
	long v = 0;
	FILE *f;

	f = fopen(KEYRING_PARAM, "re");
	if (!f) {
		if (errno == ENOENT)
			p_err("keyring: %s not found: load the module first (sudo insmod kmod/innerext.ko)",
			      KEYRING_PARAM);
		else
			p_err("keyring: cannot read %s: %s", KEYRING_PARAM, strerror(errno));
		return 0;
	}
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	if (v <= 0 || v > INT32_MAX) {
		p_err("keyring: the module has no keyring (this kernel cannot verify signatures)");
		return 0;
	}
	return (__s32)v;
}

/* "type;uid;gid;perm;description" -> description, or NULL. */
static int describe(__s32 id, char *buf, size_t size, const char **desc)
{
	long n = sys_keyctl(KEYCTL_DESCRIBE, (unsigned long)id, (unsigned long)buf, size);
	const char *p = buf;
	int i;

	if (n < 0)
		return -errno;
	buf[size - 1] = '\0';
	for (i = 0; i < 4 && p; i++) {
		p = strchr(p, ';');
		if (p)
			p++;
	}
	*desc = p ? p : buf;
	return 0;
}

static const char *key_errstr(int err)
{
	if (err == -EACCES || err == -EPERM)
		return "permission denied (the .innerext keyring is root's)";
	return strerror(-err);
}

static int keyring_list(struct extctl *ctx, __s32 ring)
{
	__s32 ids[1024];
	char buf[512];
	const char *desc;
	long n;
	size_t i, nr;

	n = sys_keyctl(KEYCTL_READ, (unsigned long)ring, (unsigned long)ids, sizeof(ids));
	if (n < 0) {
		p_err("keyring: cannot read keyring %d: %s", ring, key_errstr(-errno));
		return 1;
	}
	nr = (size_t)n / sizeof(ids[0]);
	if (nr > sizeof(ids) / sizeof(ids[0]))
		nr = sizeof(ids) / sizeof(ids[0]);
	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_int_field(&ctx->jw, "keyring", ring);
		jw_name(&ctx->jw, "keys");
		jw_start_array(&ctx->jw);
	} else {
		printf("keyring .innerext (%d): %zu key%s\n", ring, nr, nr == 1 ? "" : "s");
	}
	for (i = 0; i < nr; i++) {
		if (describe(ids[i], buf, sizeof(buf), &desc))
			desc = "?";
		if (ctx->json) {
			jw_start_object(&ctx->jw);
			jw_int_field(&ctx->jw, "id", ids[i]);
			jw_string_field(&ctx->jw, "description", desc);
			jw_end_object(&ctx->jw);
		} else {
			printf("  %-10d %s\n", ids[i], desc);
		}
	}
	if (ctx->json) {
		jw_end_array(&ctx->jw);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	}
	return 0;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 of [s, e) (whitespace skipped, '=' ends it) into @out; bytes or -1. */
static long b64_decode(const char *s, const char *e, unsigned char *out)
{
	unsigned int acc = 0;
	int bits = 0, v;
	long n = 0;

	for (; s < e && *s != '='; s++) {
		if (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
			continue;
		v = b64_val(*s);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

static int add_one(__s32 ring, const char *path, const void *der, size_t len, struct extctl *ctx)
{
	char buf[512];
	const char *desc;
	long id;

	id = syscall(SYS_add_key, "asymmetric", NULL, der, len, ring);
	if (id < 0) {
		int err = -errno;

		if (err == -EBADMSG)
			p_err("keyring add: %s: not an X.509 certificate the kernel accepts", path);
		else
			p_err("keyring add: %s: %s", path, key_errstr(err));
		return -1;
	}
	if (describe((__s32)id, buf, sizeof(buf), &desc))
		desc = "?";
	if (ctx->json) {
		jw_start_object(&ctx->jw);
		jw_string_field(&ctx->jw, "file", path);
		jw_int_field(&ctx->jw, "id", id);
		jw_string_field(&ctx->jw, "description", desc);
		jw_end_object(&ctx->jw);
	} else {
		printf("added key %ld to keyring .innerext (%d): %s\n", id, ring, desc);
	}
	return 0;
}

/* Every certificate of one file: PEM blocks, else the whole file as DER. */
static int add_file(__s32 ring, const char *path, struct extctl *ctx)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	unsigned char *der = NULL;
	char *data;
	const char *p, *q;
	size_t len = 0, got;
	int ret = -1, nr = 0;
	long n;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		p_err("keyring add: cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	data = malloc(MAX_CERT_SIZE + 1);
	if (!data) {
		fclose(f);
		p_err("keyring add: out of memory");
		return -1;
	}
	while ((got = fread(data + len, 1, MAX_CERT_SIZE + 1 - len, f)) > 0)
		len += got;
	fclose(f);
	if (len > MAX_CERT_SIZE) {
		p_err("keyring add: %s: larger than %u bytes", path, MAX_CERT_SIZE);
		goto out;
	}
	if (!len) {
		p_err("keyring add: %s is empty", path);
		goto out;
	}
	data[len] = '\0';
	if (!memmem(data, len, begin, sizeof(begin) - 1)) {
		ret = add_one(ring, path, data, len, ctx);
		goto out;
	}
	der = malloc(len);
	if (!der) {
		p_err("keyring add: out of memory");
		goto out;
	}
	for (p = data; (p = memmem(p, len - (size_t)(p - data), begin, sizeof(begin) - 1));) {
		p += sizeof(begin) - 1;
		q = memmem(p, len - (size_t)(p - data), end, sizeof(end) - 1);
		n = q ? b64_decode(p, q, der) : -1;
		if (n <= 0) {
			p_err("keyring add: %s: a PEM certificate that cannot be decoded", path);
			goto out;
		}
		if (add_one(ring, path, der, (size_t)n, ctx))
			goto out;
		nr++;
		p = q + sizeof(end) - 1;
	}
	ret = nr ? 0 : -1;
out:
	free(der);
	free(data);
	return ret;
}

static int parse_key_id(const char *s, __s32 *id)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT32_MAX)
		return -EINVAL;
	*id = (__s32)v;
	return 0;
}

static int do_keyring(struct extctl *ctx, int argc, char **argv)
{
	const char *sub = "list";
	int a = 1, i, ret = 0;
	__s32 ring, id = 0;

	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			ctx->json = true;
		} else if (!strcmp(argv[a], "-p") || !strcmp(argv[a], "--pretty")) {
			ctx->json = ctx->pretty = true;
		} else {
			p_err("keyring: unknown option '%s'; try 'extctl keyring help'", argv[a]);
			return EXIT_USAGE;
		}
	}
	if (a < argc)
		sub = argv[a++];
	if (!strcmp(sub, "list") || !strcmp(sub, "show")) {
		if (a != argc) {
			p_err("keyring list: unexpected argument '%s'", argv[a]);
			return EXIT_USAGE;
		}
	} else if (!strcmp(sub, "add")) {
		if (a == argc) {
			p_err("keyring add: missing CERT; try 'extctl keyring help'");
			return EXIT_USAGE;
		}
	} else if (!strcmp(sub, "remove") || !strcmp(sub, "delete")) {
		if (argc - a != 1) {
			p_err("keyring remove: expected one key ID; try 'extctl keyring help'");
			return EXIT_USAGE;
		}
		if (parse_key_id(argv[a], &id)) {
			p_err("keyring remove: '%s' is not a key id", argv[a]);
			return EXIT_USAGE;
		}
	} else {
		p_err("keyring: unknown subcommand '%s'; try 'extctl keyring help'", sub);
		return EXIT_USAGE;
	}

	ring = keyring_serial();
	if (!ring)
		return 1;
	if (!strcmp(sub, "list") || !strcmp(sub, "show"))
		return keyring_list(ctx, ring);
	if (!strcmp(sub, "add")) {
		if (ctx->json) {
			json_begin(ctx);
			jw_start_array(&ctx->jw);
		}
		for (i = a; i < argc && !ret; i++)
			if (add_file(ring, argv[i], ctx))
				ret = 1;
		if (ctx->json) {
			jw_end_array(&ctx->jw);
			jw_finish(&ctx->jw);
		}
		return ret;
	}
	if (sys_keyctl(KEYCTL_UNLINK, (unsigned long)id, (unsigned long)ring, 0) < 0) {
		p_err("keyring remove: key %d: %s", id,
		      errno == ENOENT ? "not in the .innerext keyring" : key_errstr(-errno));
		return 1;
	}
	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_int_field(&ctx->jw, "removed", id);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	} else {
		printf("removed key %d from keyring .innerext (%d)\n", id, ring);
	}
	return 0;
}

const struct extctl_cmd cmd_keyring = {
	.name = "keyring",
	.run = do_keyring,
	.help = keyring_help,
	.summary = "the module's keyring of trusted signers (list, add CERT, remove ID)",
	.needs_dev = false,
};
