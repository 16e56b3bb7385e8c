// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl load FILE [--name NAME] [--prog PROG]
 *                   [--kprobe FUNC | --tracepoint CAT:NAME | --xdp IFACE]
 *
 * Load an extension object and attach its programs with persistent links, then
 * exit: the links (and so the program) stay until `extctl unload`. All or nothing:
 * when an attach fails, what was created is detached again.
 *
 * --xdp IFACE attaches the object's SEC("xdp") program to a network device, like
 * `ip link set dev IFACE xdp obj FILE`; IFACE is resolved here, in extctl's network
 * namespace, before anything is loaded.
 *
 * The runtime options (--budget-ms/-us, --fail-action, --max-aborts,
 * --abort-window-ms) go with the load (innerext_object__set_runtime()). extctl
 * checks their form (usage error, exit 2); the module checks their limits and a
 * value out of them is a refused load (exit 1, the module's reason).
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"
#include "objects.h"

static void load_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl load FILE [--name NAME] [--prog PROG]\n"
		"                        [--kprobe FUNC | --tracepoint CAT:NAME | --xdp IFACE]\n"
		"                        [--budget-ms MS | --budget-us US] [--fail-action drop|pass]\n"
		"                        [--max-aborts N|off] [--abort-window-ms MS] [--irqs-off]\n"
		"                        [--sig SIGFILE]\n"
		"\n"
		"Load the extension object FILE (built with libinnerext/innerext.mk) and attach\n"
		"its programs with persistent links: each where its SEC() name says\n"
		"(\"kprobe/FUNC\", \"tracepoint/CAT/NAME\"), or all to the hook given on the command\n"
		"line. A packet program (SEC(\"xdp\")) needs --xdp IFACE. The links stay after\n"
		"extctl exits, until 'extctl unload NAME'.\n"
		"\n"
		"  --name NAME            program name for 'extctl list' (default: FILE without .o)\n"
		"  --prog PROG            attach only program (function) PROG; required with\n"
		"                         --kprobe/--tracepoint/--xdp when FILE has several\n"
		"  --kprobe FUNC          attach to kernel function FUNC instead\n"
		"  --tracepoint CAT:NAME  attach to tracepoint CAT:NAME instead\n"
		"                         (syscalls:sys_enter_X is raw_syscalls:sys_enter filtered on X)\n"
		"  --xdp IFACE            attach the SEC(\"xdp\") program to network interface IFACE\n"
		"                         (a name in this network namespace, or an ifindex); one\n"
		"                         program per interface, not a bridge/bond port\n"
		"  --sig SIGFILE          send this signature of the image ('extctl sign'); the\n"
		"                         module verifies it (and with require_signature=1\n"
		"                         refuses images without one)\n"
		"  -j, --json             JSON output\n"
		"\n"
		"The runtime stops a run that goes on too long, runs out of stack or faults;\n"
		"'extctl list' counts these aborts.\n"
		"  --budget-ms MS         time budget of one run in milliseconds, to the\n"
		"                         microsecond (0.5 is 500 us); default %u ms, at most %u ms\n"
		"  --budget-us US         the same in microseconds\n"
		"  --fail-action drop|pass\n"
		"                         with --xdp: the verdict for a packet whose run was\n"
		"                         stopped (default drop)\n"
		"  --max-aborts N|off     circuit breaker: after N stopped runs within the window\n"
		"                         the module detaches the program from every hook\n"
		"                         (default %u; off: never)\n"
		"  --abort-window-ms MS   the breaker's window (default %u ms, at most %u ms)\n"
		"  --irqs-off             also run where interrupts are disabled (hard IRQ\n"
		"                         tracepoints, kprobes in IRQs-off code); skipped and\n"
		"                         counted otherwise. A runaway there is stopped by an\n"
		"                         NMI from another CPU: not on a 1-CPU machine, nor\n"
		"                         while holding a lock the other CPUs spin on with\n"
		"                         interrupts off (sched_switch): see README\n"
		"\n"
		"Examples: extctl load examples/hello.o --kprobe __x64_sys_dup\n"
		"          extctl load examples/xdp_blocker.o --xdp eth0\n"
		"          extctl load examples/xdp_blocker.o --xdp eth0 --budget-ms 0.5 --fail-action pass\n",
		IE_BUDGET_DEFAULT_US / 1000, IE_BUDGET_MAX_US / 1000, IE_BREAKER_DEFAULT_ABORTS,
		IE_BREAKER_DEFAULT_WINDOW_MS, IE_BREAKER_MAX_WINDOW_MS);
}

/*
 * A whole number > 0 that fits in 32 bits: 0, -EINVAL (not one: no sign, no
 * space, no hex) or -ERANGE (too large).
 */
static int parse_u32_pos(const char *arg, __u32 *v)
{
	unsigned long long n = 0;
	const char *p;

	if (!*arg)
		return -EINVAL;
	for (p = arg; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > UINT32_MAX)
			return -ERANGE;
	}
	if (!n)
		return -EINVAL;
	*v = (__u32)n;
	return 0;
}

/* Milliseconds with up to 3 decimals ("5", "0.5", "1.250") -> microseconds > 0. */
static int parse_ms_to_us(const char *arg, __u32 *us)
{
	unsigned long long n = 0;
	const char *p = arg;
	int decimals = -1;

	if (!*arg || *arg == '.')
		return -EINVAL;
	for (; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals >= 3)
			return -EINVAL;
		n = n * 10 + (unsigned long long)(*p - '0');
		if (decimals >= 0)
			decimals++;
		if (n > UINT32_MAX)
			return -ERANGE;
	}
	if (!decimals)
		return -EINVAL;	/* "5." */
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 3; decimals++)
		n *= 10;
	if (n > UINT32_MAX)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	*us = (__u32)n;
	return 0;
}

/* The usage error of a runtime option: "load: --OPT wants WHAT, not 'ARG'" (or too large). */
static int bad_value(const char *opt, const char *arg, int err, const char *what)
{
	if (err == -ERANGE)
		p_err("load: --%s %s: too large", opt, arg);
	else
		p_err("load: --%s wants %s, not '%s'", opt, what, arg);
	return EXIT_USAGE;
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

/* --sig FILE: read it (at most IE_SIG_MAX bytes) and attach it to @obj; prints the failure. */
static int set_signature_file(struct innerext_object *obj, const char *path)
{
	char *buf;
	size_t len = 0, n;
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f) {
		p_err("cannot read signature %s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(IE_SIG_MAX + 1);
	if (!buf) {
		fclose(f);
		p_err("out of memory");
		return -1;
	}
	while ((n = fread(buf + len, 1, IE_SIG_MAX + 1 - len, f)) > 0)
		len += n;
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (err)
		p_err("cannot read signature %s: %s", path, strerror(-err));
	else if (!len)
		p_err("signature %s is empty", path);
	else if (len > IE_SIG_MAX)
		p_err("signature %s is larger than %u bytes: not a signature", path, IE_SIG_MAX);
	if (err || !len || len > IE_SIG_MAX) {
		free(buf);
		return -1;
	}
	lib_msg_clear();
	err = innerext_object__set_signature(obj, buf, len);
	free(buf);
	if (err) {
		p_lib_err(err, "cannot use signature %s", path);
		return -1;
	}
	return 0;
}

static bool is_xdp_section(const char *sec)
{
	return !strcmp(sec, "xdp") || !strncmp(sec, "xdp/", 4) || !strncmp(sec, "xdp.", 4);
}

/*
 * --xdp IFACE: an interface name, else a number taken as an ifindex; both must
 * exist in our network namespace. Fills @ifname; prints the failure.
 */
static int resolve_iface(const char *arg, int *ifindex, char ifname[IF_NAMESIZE])
{
	unsigned long v;
	bool numeric;
	char *end;

	*ifindex = (int)if_nametoindex(arg);
	if (*ifindex > 0) {
		snprintf(ifname, IF_NAMESIZE, "%s", arg);
		return 0;
	}
	if (errno != ENODEV && errno != ENXIO) {
		p_err("cannot look up interface '%s': %s", arg, strerror(errno));
		return -1;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	numeric = end != arg && !*end && arg[0] >= '0' && arg[0] <= '9';
	if (!errno && numeric && v && v <= INT32_MAX && if_indextoname((unsigned int)v, ifname)) {
		*ifindex = (int)v;
		return 0;
	}
	if (numeric)
		p_err("no interface with index %s in this network namespace", arg);
	else
		p_err("no interface '%s' in this network namespace", arg);
	return -1;
}

/*
 * A refused xdp attach, as one line: "attach of 'P' to xdp IFACE refused: <the
 * module's reason>", plus what to do when the device is taken.
 */
static void print_xdp_refusal(const struct innerext_program *prog, const char *ifname,
			      int ifindex, int err)
{
	char hint[IE_NAME_LEN + 64] = "";
	struct ie_objects objs;
	const char *reason;
	size_t i, j;
	int len, fd;

	reason = lib_msg_reason(err, &len);
	if (!reason) {
		p_lib_err(err, "attach of '%s' to xdp %s failed", innerext_program__name(prog), ifname);
		return;
	}
	if (len > 5 && !strncmp(reason, "xdp: ", 5)) {
		reason += 5;
		len -= 5;
	}
	if (err == -EBUSY) {
		/* another innerext program: name it for 'extctl unload' */
		fd = innerext_dev_open(NULL);
		if (fd >= 0 && !objects_fetch(fd, &objs)) {
			for (j = 0; j < objs.nr_links && !hint[0]; j++) {
				const struct ie_link_info *l = &objs.links[j];

				if (l->hook != IE_HOOK_XDP || l->ifindex != (__u32)ifindex || !l->attached)
					continue;
				for (i = 0; i < objs.nr_progs; i++)
					if (objs.progs[i].id == l->prog_id)
						snprintf(hint, sizeof(hint), " (extctl unload %s)",
							 objs.progs[i].name);
			}
			objects_free(&objs);
		}
		if (fd >= 0)
			close(fd);
		if (!hint[0] && (strstr(reason, "bridge port") || strstr(reason, "bond slave") ||
				 strstr(reason, "team port")))
			snprintf(hint, sizeof(hint), "; take it out first: ip link set dev %s nomaster",
				 ifname);
	}
	p_err("attach of '%s' to xdp %s refused: %.*s%s", innerext_program__name(prog), ifname,
	      len, reason, hint);
	lib_msg_clear();
}

static int do_load(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name",       required_argument, NULL, 'N' },
		{ "prog",       required_argument, NULL, 'P' },
		{ "kprobe",     required_argument, NULL, 'k' },
		{ "tracepoint", required_argument, NULL, 't' },
		{ "xdp",        required_argument, NULL, 'x' },
		{ "budget-ms",  required_argument, NULL, 'B' },
		{ "budget-us",  required_argument, NULL, 'U' },
		{ "fail-action", required_argument, NULL, 'F' },
		{ "max-aborts", required_argument, NULL, 'M' },
		{ "abort-window-ms", required_argument, NULL, 'W' },
		{ "irqs-off",   no_argument,       NULL, 'I' },
		{ "sig",        required_argument, NULL, 'S' },
		{ "json",       no_argument,       NULL, 'j' },
		{ "pretty",     no_argument,       NULL, 'p' },
		{ 0 }
	};
	const char *file, *name = NULL, *prog_name = NULL, *kprobe = NULL, *tp = NULL;
	const char *xdp = NULL, *sig_file = NULL;
	char ifname[IF_NAMESIZE] = "";
	int ifindex = 0;
	struct innerext_program *progs[IE_MAX_ENTRIES];
	struct innerext_link *links[IE_MAX_ENTRIES];
	char tp_cat[IE_TARGET_LEN], *tp_name = NULL;
	struct innerext_object *obj = NULL;
	struct innerext_program *p;
	size_t nr = 0, nr_links = 0, i, total = 0;
	char names[512];
	INNEREXT_OPTS_DECLARE(innerext_runtime_opts, ropts);
	const char *budget_opt = NULL;
	int opt, err, ret = 1;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jp", opts, NULL)) != -1) {
		switch (opt) {
		case 'N': name = optarg; break;
		case 'P': prog_name = optarg; break;
		case 'k': kprobe = optarg; break;
		case 't': tp = optarg; break;
		case 'x': xdp = optarg; break;
		case 'B':
		case 'U':
			if (budget_opt && strcmp(budget_opt, opt == 'B' ? "ms" : "us")) {
				p_err("load: --budget-ms and --budget-us exclude each other");
				return EXIT_USAGE;
			}
			budget_opt = opt == 'B' ? "ms" : "us";
			err = opt == 'B' ? parse_ms_to_us(optarg, &ropts.budget_us) :
					   parse_u32_pos(optarg, &ropts.budget_us);
			if (err)
				return bad_value(opt == 'B' ? "budget-ms" : "budget-us", optarg, err,
						 opt == 'B' ?
						 "milliseconds > 0, at most 3 decimals (e.g. 5 or 0.5)" :
						 "a whole number of microseconds > 0");
			break;
		case 'F':
			if (!strcmp(optarg, "drop")) {
				ropts.fail_action = IE_XDP_DROP;
			} else if (!strcmp(optarg, "pass")) {
				ropts.fail_action = IE_XDP_PASS;
			} else {
				p_err("load: --fail-action wants 'drop' or 'pass', not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M':
			if (!strcmp(optarg, "off")) {
				ropts.max_aborts = IE_BREAKER_OFF;
				break;
			}
			err = parse_u32_pos(optarg, &ropts.max_aborts);
			if (!err && ropts.max_aborts == IE_BREAKER_OFF)
				err = -ERANGE;
			if (err)
				return bad_value("max-aborts", optarg, err, "a number > 0 or 'off'");
			break;
		case 'W':
			err = parse_u32_pos(optarg, &ropts.abort_window_ms);
			if (err)
				return bad_value("abort-window-ms", optarg, err,
						 "a whole number of milliseconds > 0");
			break;
		case 'I': ropts.prog_flags |= IE_PROG_F_IRQS_OFF; break;
		case 'S': sig_file = optarg; break;
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
	if (xdp && (kprobe || tp)) {
		p_err("load: --xdp and %s exclude each other", kprobe ? "--kprobe" : "--tracepoint");
		return EXIT_USAGE;
	}
	if (xdp && !*xdp) {
		p_err("load: --xdp wants an interface name or ifindex");
		return EXIT_USAGE;
	}
	if (sig_file && !*sig_file) {
		p_err("load: --sig wants a signature file ('extctl sign')");
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

	/* arguments are fine: now the module, the privilege and the interface */
	if (extctl_preflight())
		return 1;
	if (xdp && resolve_iface(xdp, &ifindex, ifname))
		return 1;

	{
		INNEREXT_OPTS_DECLARE(innerext_object_open_opts, oopts, .object_name = name);

		lib_msg_clear();
		obj = innerext_object__open_file(file, &oopts);
		if (!obj) {
			p_lib_err(-errno, "cannot open '%s'", file);
			return 1;
		}
	}

	err = innerext_object__set_runtime(obj, &ropts);
	if (err) {
		p_lib_err(err, "cannot set the runtime options of '%s'", innerext_object__name(obj));
		goto out;
	}
	if (sig_file && set_signature_file(obj, sig_file))
		goto out;

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
	} else if (xdp) {
		/* the object's packet program(s); others stay loaded, unattached */
		innerext_object__for_each_program(p, obj)
			if (is_xdp_section(innerext_program__section_name(p)))
				progs[nr++] = p;
		if (nr > 1) {
			p_err("%s has %zu xdp programs (%s, %s%s): pick one with --prog NAME", file, nr,
			      innerext_program__name(progs[0]), innerext_program__name(progs[1]),
			      nr > 2 ? ", ..." : "");
			goto out;
		}
		if (!nr) {
			p_err("%s has no xdp program (SEC(\"xdp\")) to attach to %s (programs: %s)",
			      file, ifname, names);
			goto out;
		}
	} else {
		if ((kprobe || tp) && total > 1) {
			p_err("%s has %zu programs (%s): pick one with --prog NAME", file, total, names);
			goto out;
		}
		innerext_object__for_each_program(p, obj)
			progs[nr++] = p;
	}
	/* a packet program gets a packet, a tracing program registers: never mix them */
	for (i = 0; i < nr; i++) {
		const char *sec = innerext_program__section_name(progs[i]);

		if (xdp && !is_xdp_section(sec)) {
			p_err("program '%s' is no xdp program (section '%s'): --xdp takes a SEC(\"xdp\") program",
			      innerext_program__name(progs[i]), sec);
			goto out;
		}
		if (!xdp && is_xdp_section(sec)) {
			p_err("program '%s' is an xdp program: give the interface with --xdp IFACE",
			      innerext_program__name(progs[i]));
			goto out;
		}
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
		if (xdp)
			link = innerext_program__attach_xdp(progs[i], ifindex, &aopts);
		else if (kprobe)
			link = innerext_program__attach_kprobe(progs[i], kprobe, &aopts);
		else if (tp)
			link = innerext_program__attach_tracepoint(progs[i], tp_cat, tp_name, &aopts);
		else
			link = innerext_program__attach(progs[i], &aopts);
		if (!link) {
			if (xdp)
				print_xdp_refusal(progs[i], ifname, ifindex, -errno);
			else
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
			if (xdp) {
				jw_uint_field(&ctx->jw, "ifindex", (__u32)ifindex);
				jw_string_field(&ctx->jw, "ifname", ifname);
			}
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
	.summary = "load an object, attach its programs persistently (--xdp IFACE)",
	.needs_dev = false,	/* checked after the arguments, so usage errors are usage errors */
};
