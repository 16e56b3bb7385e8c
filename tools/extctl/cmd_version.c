// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl version: what this extctl speaks and, if the module is loaded and
 * readable, what the module speaks (IE_IOC_GET_VERSION).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

#ifndef EXTCTL_VERSION
#define EXTCTL_VERSION	"0.1"
#endif

static void version_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl version [-j]\n"
		"\n"
		"Print extctl's version and ABI, and the loaded module's ABI, features,\n"
		"arena usage and object counts (when /dev/innerext can be opened).\n");
}

static const struct {
	__u64 bit;
	const char *name;
} features[] = {
	{ IE_FEAT_KPROBE,		"kprobe" },
	{ IE_FEAT_TRACEPOINT,		"tracepoint" },
	{ IE_FEAT_SYSCALL_FILTER,	"syscall_filter" },
	{ IE_FEAT_TRACE_READ,		"trace_read" },
	{ IE_FEAT_MAPS,			"maps" },
	{ IE_FEAT_XDP,			"xdp" },
	{ IE_FEAT_RUNTIME,		"runtime" },
	{ IE_FEAT_SIGNED,		"signed" },
	{ IE_FEAT_SIG_REQUIRED,		"sig_required" },
};
#define NR_FEATURES	(sizeof(features) / sizeof(features[0]))

static int do_version(struct extctl *ctx, int argc, char **argv)
{
	struct ie_version ver;
	int fd, err = -ENODEV;
	size_t i;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctx->json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			ctx->json = ctx->pretty = true;
		} else {
			p_err("version: unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}

	fd = innerext_dev_open(NULL);
	if (fd >= 0) {
		err = innerext_get_version(fd, &ver);
		close(fd);
	} else {
		err = fd;
	}

	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_string_field(&ctx->jw, "version", EXTCTL_VERSION);
		jw_uint_field(&ctx->jw, "abi_version", INNEREXT_ABI_VERSION);
		jw_name(&ctx->jw, "module");
		if (err) {
			jw_null(&ctx->jw);
		} else {
			jw_start_object(&ctx->jw);
			jw_uint_field(&ctx->jw, "abi_version", ver.abi_version);
			jw_name(&ctx->jw, "features");
			jw_start_array(&ctx->jw);
			for (i = 0; i < NR_FEATURES; i++)
				if (ver.features & features[i].bit)
					jw_string(&ctx->jw, features[i].name);
			jw_end_array(&ctx->jw);
			jw_uint_field(&ctx->jw, "features_mask", ver.features);
			jw_uint_field(&ctx->jw, "max_image_size", ver.max_image_size);
			jw_uint_field(&ctx->jw, "max_entries", ver.max_entries);
			jw_uint_field(&ctx->jw, "text_arena_size", ver.text_arena_size);
			jw_uint_field(&ctx->jw, "text_arena_free", ver.text_arena_free);
			jw_uint_field(&ctx->jw, "data_arena_size", ver.data_arena_size);
			jw_uint_field(&ctx->jw, "data_arena_free", ver.data_arena_free);
			jw_uint_field(&ctx->jw, "nr_progs", ver.nr_progs);
			jw_uint_field(&ctx->jw, "nr_links", ver.nr_links);
			jw_end_object(&ctx->jw);
		}
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
		return 0;
	}

	printf("extctl v%s (innerext ABI %d)\n", EXTCTL_VERSION, INNEREXT_ABI_VERSION);
	if (err) {
		if (err == -ENOENT)
			printf("module: not loaded (%s not found)\n", INNEREXT_DEV_PATH);
		else
			printf("module: cannot query %s: %s\n", INNEREXT_DEV_PATH, strerror(-err));
		return 0;
	}
	printf("module: ABI %u, features", ver.abi_version);
	for (i = 0; i < NR_FEATURES; i++)
		if (ver.features & features[i].bit)
			printf(" %s", features[i].name);
	printf("\n        max image %u bytes, max %u programs per object\n",
	       ver.max_image_size, ver.max_entries);
	printf("        text arena %llu KiB free of %llu KiB, data arena %llu KiB free of %llu KiB\n",
	       (unsigned long long)ver.text_arena_free >> 10,
	       (unsigned long long)ver.text_arena_size >> 10,
	       (unsigned long long)ver.data_arena_free >> 10,
	       (unsigned long long)ver.data_arena_size >> 10);
	printf("        %u programs, %u links\n", ver.nr_progs, ver.nr_links);
	return 0;
}

const struct extctl_cmd cmd_version = {
	.name = "version",
	.run = do_version,
	.help = version_help,
	.summary = "print versions of extctl and of the loaded module",
	.needs_dev = false,
};
