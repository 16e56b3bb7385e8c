// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl load FILE [--name NAME] [--prog PROG] [--kprobe FUNC | --tracepoint CAT:NAME]
 *
 * Load an extension object and attach its programs with persistent links, then
 * exit: the links (and so the program) stay until `extctl unload`. All or nothing:
 * when an attach fails, what was created is detached again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static void load_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl load FILE [--name NAME] [--prog PROG] [--kprobe FUNC | --tracepoint CAT:NAME]\n"
		"\n"
		"Load the extension object FILE (built with libinnerext/innerext.mk) and attach\n"
		"its programs with persistent links: each where its SEC() name says\n"
		"(\"kprobe/FUNC\", \"tracepoint/CAT/NAME\"), or all to the hook given on the command\n"
		"line. The links stay after extctl exits, until 'extctl unload NAME'.\n"
		"\n"
		"  --name NAME            program name for 'extctl list' (default: FILE without .o)\n"
		"  --prog PROG            attach only program (function) PROG; required with\n"
		"                         --kprobe/--tracepoint when FILE has several programs\n"
		"  --kprobe FUNC          attach to kernel function FUNC instead\n"
		"  --tracepoint CAT:NAME  attach to tracepoint CAT:NAME instead\n"
		"                         (syscalls:sys_enter_X is raw_syscalls:sys_enter filtered on X)\n"
		"  -j, --json             JSON output\n"
		"\n"
		"Example: extctl load examples/hello.o --kprobe __x64_sys_dup\n");
}

/* "a, b, c" of the object's program names */
static void prog_names(const struct innerext_object *obj, char *buf, size_t size)
{
	struct innerext_program *p;
	size_t used = 0;

	buf[0] = '\0';
	innerext_object__for_each_program(p, obj) {
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
				 innerext_program__name(p));

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/*
 * "extctl: load of 'x' refused: <the module's first reason> (<errno>)", then any
 * further log lines indented: the first line alone says what to fix.
 */
static void print_load_refusal(const struct innerext_object *obj, int err)
{
	const char *log = innerext_object__load_log(obj);
	const char *nl = strchr(log, '\n');
	int len = nl ? (int)(nl - log) : (int)strlen(log);

	p_err("load of '%s' refused: %.*s (%s)", innerext_object__name(obj), len, log,
	      strerror(-err));
	log += len;
	if (*log)
		log++;
	while (*log) {
		nl = strchr(log, '\n');
		if (!nl)
			nl = log + strlen(log);
		if (nl > log)
			fprintf(stderr, "  %.*s\n", (int)(nl - log), log);
		log = *nl ? nl + 1 : nl;
	}
}

static int do_load(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name",       required_argument, NULL, 'N' },
		{ "prog",       required_argument, NULL, 'P' },
		{ "kprobe",     required_argument, NULL, 'k' },
		{ "tracepoint", required_argument, NULL, 't' },
		{ "json",       no_argument,       NULL, 'j' },
		{ "pretty",     no_argument,       NULL, 'p' },
		{ 0 }
	};
	const char *file, *name = NULL, *prog_name = NULL, *kprobe = NULL, *tp = NULL;
	struct innerext_program *progs[IE_MAX_ENTRIES];
	struct innerext_link *links[IE_MAX_ENTRIES];
	char tp_cat[IE_TARGET_LEN], *tp_name = NULL;
	struct innerext_object *obj = NULL;
	struct innerext_program *p;
	size_t nr = 0, nr_links = 0, i, total = 0;
	char names[512];
	int opt, err, ret = 1;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jp", opts, NULL)) != -1) {
		switch (opt) {
		case 'N': name = optarg; break;
		case 'P': prog_name = optarg; break;
		case 'k': kprobe = optarg; break;
		case 't': tp = optarg; break;
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		case ':':
			p_err("load: option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			p_err("load: unknown option '%s'; try 'extctl load help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		p_err(optind >= argc ? "load: missing FILE; try 'extctl load help'" :
				       "load: one FILE at a time; try 'extctl load help'");
		return EXIT_USAGE;
	}
	file = argv[optind];
	if (kprobe && tp) {
		p_err("load: --kprobe and --tracepoint exclude each other");
		return EXIT_USAGE;
	}
	if (tp) {
		const char *colon = strchr(tp, ':');

		if (!colon || colon == tp || !colon[1] || (size_t)(colon - tp) >= sizeof(tp_cat)) {
			p_err("load: --tracepoint wants CATEGORY:NAME (e.g. sched:sched_switch), not '%s'",
			      tp);
			return EXIT_USAGE;
		}
		memcpy(tp_cat, tp, (size_t)(colon - tp));
		tp_cat[colon - tp] = '\0';
		tp_name = (char *)colon + 1;
	}

	{
		INNEREXT_OPTS_DECLARE(innerext_object_open_opts, oopts, .object_name = name);

		lib_msg_clear();
		obj = innerext_object__open_file(file, &oopts);
		if (!obj) {
			p_lib_err(-errno, "cannot open '%s'", file);
			return 1;
		}
	}

	/* Which programs to attach */
	innerext_object__for_each_program(p, obj)
		total++;
	prog_names(obj, names, sizeof(names));
	if (prog_name) {
		p = innerext_object__find_program_by_name(obj, prog_name);
		if (!p) {
			p_err("%s has no program '%s' (programs: %s)", file, prog_name, names);
			goto out;
		}
		progs[nr++] = p;
	} else {
		if ((kprobe || tp) && total > 1) {
			p_err("%s has %zu programs (%s): pick one with --prog NAME", file, total, names);
			goto out;
		}
		innerext_object__for_each_program(p, obj)
			progs[nr++] = p;
	}

	lib_msg_clear();
	err = innerext_object__load(obj);
	if (err) {
		if (!innerext_object__load_log(obj)[0]) {
			/* could not talk to the module, or it gave no reason */
			p_lib_err(err, "load of '%s' failed", innerext_object__name(obj));
		} else {
			print_load_refusal(obj, err);
		}
		goto out;
	}

	for (i = 0; i < nr; i++) {
		INNEREXT_OPTS_DECLARE(innerext_attach_opts, aopts, .persistent = true);
		struct innerext_link *link;

		lib_msg_clear();
		if (kprobe)
			link = innerext_program__attach_kprobe(progs[i], kprobe, &aopts);
		else if (tp)
			link = innerext_program__attach_tracepoint(progs[i], tp_cat, tp_name, &aopts);
		else
			link = innerext_program__attach(progs[i], &aopts);
		if (!link) {
			p_lib_err(-errno, "attach of '%s' failed", innerext_program__name(progs[i]));
			goto out_detach;
		}
		links[nr_links++] = link;
	}

	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_string_field(&ctx->jw, "name", innerext_object__name(obj));
		jw_string_field(&ctx->jw, "file", file);
		jw_uint_field(&ctx->jw, "prog_id", innerext_object__prog_id(obj));
		jw_name(&ctx->jw, "links");
		jw_start_array(&ctx->jw);
		for (i = 0; i < nr_links; i++) {
			jw_start_object(&ctx->jw);
			jw_uint_field(&ctx->jw, "id", innerext_link__id(links[i]));
			jw_string_field(&ctx->jw, "program", innerext_program__name(progs[i]));
			jw_string_field(&ctx->jw, "section", innerext_program__section_name(progs[i]));
			jw_string_field(&ctx->jw, "target", innerext_link__description(links[i]));
			jw_bool_field(&ctx->jw, "persistent", true);
			jw_end_object(&ctx->jw);
		}
		jw_end_array(&ctx->jw);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	} else {
		for (i = 0; i < nr_links; i++)
			printf("loaded '%s' as prog id %u; link id %u: %s (%s)\n",
			       innerext_object__name(obj), innerext_object__prog_id(obj),
			       innerext_link__id(links[i]), innerext_link__description(links[i]),
			       innerext_program__name(progs[i]));
	}
	/* Success: the persistent links keep the program; drop our handles. */
	for (i = 0; i < nr_links; i++)
		innerext_link__disconnect(links[i]);
	nr_links = 0;
	ret = 0;

out_detach:
	/* Failure: take back what we attached, so nothing stays behind. */
	for (i = 0; i < nr_links; i++) {
		err = innerext_link__destroy(links[i]);
		if (err)
			p_lib_err(err, "cleanup: detaching link failed");
	}
out:
	innerext_object__close(obj);
	return ret;
}

const struct extctl_cmd cmd_load = {
	.name = "load",
	.run = do_load,
	.help = load_help,
	.summary = "load an extension object and attach its programs (persistent)",
	.needs_dev = true,
};
