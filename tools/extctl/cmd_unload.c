// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl unload NAME | name NAME | id ID: detach every link of the matching
 * program(s). A program is freed once it has no links and no open fds.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"
#include "objects.h"

static void unload_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl unload NAME\n"
		"       extctl unload name NAME\n"
		"       extctl unload id ID\n"
		"\n"
		"Detach all links of the program(s) called NAME (or with id ID), persistent or\n"
		"not. A program is freed when it has no links left and no process holds it open.\n"
		"\n"
		"  -j, --json    JSON output\n");
}

static int parse_id(const char *s, __u32 *id)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || !v || v > UINT_MAX || s[0] == '-')
		return -EINVAL;
	*id = (__u32)v;
	return 0;
}

static int do_unload(struct extctl *ctx, int argc, char **argv)
{
	const char *name = NULL;
	struct ie_objects objs;
	size_t i, j, matched = 0;
	int fd, err, ret = 0, a = 1;
	__u32 id = 0;

	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			ctx->json = true;
		} else if (!strcmp(argv[a], "-p") || !strcmp(argv[a], "--pretty")) {
			ctx->json = ctx->pretty = true;
		} else if (!strcmp(argv[a], "--")) {
			a++;
			break;
		} else {
			p_err("unload: unknown option '%s'; try 'extctl unload help'", argv[a]);
			return EXIT_USAGE;
		}
	}
	argc -= a;
	argv += a;
	if (argc == 2 && !strcmp(argv[0], "id")) {
		if (parse_id(argv[1], &id)) {
			p_err("unload: '%s' is not a program id", argv[1]);
			return EXIT_USAGE;
		}
	} else if (argc == 2 && !strcmp(argv[0], "name")) {
		name = argv[1];
	} else if (argc == 1) {
		name = argv[0];
	} else {
		p_err("unload: expected NAME or 'id ID'; try 'extctl unload help'");
		return EXIT_USAGE;
	}

	fd = extctl_dev_open();
	if (fd < 0)
		return 1;
	if (objects_fetch(fd, &objs)) {
		close(fd);
		return 1;
	}

	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_name(&ctx->jw, "detached");
		jw_start_array(&ctx->jw);
	}
	for (i = 0; i < objs.nr_progs; i++) {
		const struct ie_prog_info *p = &objs.progs[i];
		size_t prog_links = 0;

		if (name ? strcmp(p->name, name) : p->id != id)
			continue;
		matched++;
		for (j = 0; j < objs.nr_links; j++) {
			const struct ie_link_info *l = &objs.links[j];
			char desc[IE_TARGET_LEN + 64];

			if (l->prog_id != p->id)
				continue;
			err = innerext_link_detach_id(fd, l->id);
			if (err == -ENOENT)
				continue;	/* detached meanwhile */
			if (err) {
				p_err("detaching link %u of '%s' (prog id %u): %s",
				      l->id, p->name, p->id, strerror(-err));
				ret = 1;
				continue;
			}
			prog_links++;
			link_describe(l, desc, sizeof(desc));
			if (ctx->json) {
				jw_start_object(&ctx->jw);
				jw_uint_field(&ctx->jw, "link_id", l->id);
				jw_uint_field(&ctx->jw, "prog_id", p->id);
				jw_string_field(&ctx->jw, "name", p->name);
				jw_string_field(&ctx->jw, "entry_name", l->entry_name);
				jw_string_field(&ctx->jw, "attached_to", desc);
				jw_end_object(&ctx->jw);
			} else {
				printf("detached link %u: %s (%s, prog id %u)\n",
				       l->id, desc, p->name, p->id);
			}
		}
		if (!prog_links && !ctx->json)
			printf("'%s' (prog id %u) has no links to detach; it is held open by a process (loaded by pid %u)\n",
			       p->name, p->id, p->owner_pid);
	}
	if (ctx->json) {
		jw_end_array(&ctx->jw);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	}
	if (!matched) {
		if (name)
			p_err("no program named '%s' is loaded", name);
		else
			p_err("no program with id %u is loaded", id);
		ret = 1;
	}
	objects_free(&objs);
	close(fd);
	return ret;
}

const struct extctl_cmd cmd_unload = {
	.name = "unload",
	.run = do_unload,
	.help = unload_help,
	.summary = "detach all links of a program (by name or id)",
	.needs_dev = true,
};
