// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl list [-j]: loaded programs with their statistics, and their links.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"
#include "objects.h"

static void list_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl list [-j]\n"
		"\n"
		"Show loaded programs (size, runs, time spent, recursion misses, loader pid;\n"
		"packet verdicts for xdp programs) and the links attaching them to hooks.\n"
		"Interface names are those of extctl's network namespace.\n"
		"\n"
		"Per program, the runtime: its time budget, the runs it stopped by reason\n"
		"(timeout, out of stack, fault, stopped by a helper), the circuit breaker\n"
		"(N aborts within a window detach the program; TRIPPED once it did) and, for\n"
		"xdp programs, the verdict of a stopped run (fail drop|pass).\n"
		"\n"
		"  -j, --json    JSON: {\"programs\":[...],\"links\":[...]}\n");
}

static const char *fail_action_name(__u32 action)
{
	switch (action) {
	case IE_XDP_DROP:	return "drop";
	case IE_XDP_PASS:	return "pass";
	case IE_XDP_ABORTED:	return "aborted";
	case IE_XDP_TX:		return "tx";
	case IE_XDP_REDIRECT:	return "redirect";
	default:		return "unknown";
	}
}

/* 5000 -> "5ms", 500 -> "0.5ms", 1250 -> "1.25ms" */
static const char *ms_str(__u32 us, char *buf, size_t size)
{
	char frac[8];
	int n;

	if (!(us % 1000)) {
		snprintf(buf, size, "%ums", us / 1000);
		return buf;
	}
	snprintf(frac, sizeof(frac), "%03u", us % 1000);
	for (n = 2; n > 0 && frac[n] == '0'; n--)
		frac[n] = '\0';
	snprintf(buf, size, "%u.%sms", us / 1000, frac);
	return buf;
}

static void json_runtime(struct json_writer *jw, const struct ie_prog_info *p)
{
	jw_uint_field(jw, "budget_us", p->budget_us);
	jw_string_field(jw, "fail_action", fail_action_name(p->fail_action));
	jw_name(jw, "max_aborts");
	if (p->max_aborts == IE_BREAKER_OFF)
		jw_null(jw);
	else
		jw_uint(jw, p->max_aborts);
	jw_uint_field(jw, "abort_window_ms", p->abort_window_ms);
	jw_bool_field(jw, "breaker_tripped", p->breaker_tripped);
	jw_bool_field(jw, "irqs_off", p->flags & IE_PROG_F_IRQS_OFF);
	jw_uint_field(jw, "irqs_off_skips", p->irqs_off_skips);
	jw_name(jw, "aborts");
	jw_start_object(jw);
	jw_uint_field(jw, "timeout", p->aborts[IE_ABORT_TIMEOUT]);
	jw_uint_field(jw, "stack", p->aborts[IE_ABORT_STACK]);
	jw_uint_field(jw, "fault", p->aborts[IE_ABORT_FAULT]);
	jw_uint_field(jw, "helper", p->aborts[IE_ABORT_HELPER]);
	jw_end_object(jw);
}

/*
 * "\truntime: budget 5ms  aborts 12 (timeout 10, stack 1, fault 1, helper 0)  breaker 100/1000ms"
 * with "  fail pass" after the budget for xdp programs; the breaker part is
 * "breaker off" when disabled, "breaker TRIPPED: detached (100 aborts within 1000ms)"
 * once it tripped.
 */
static void print_runtime(const struct ie_prog_info *p, bool xdp)
{
	unsigned long long total = 0;
	char budget[32];
	size_t i;

	for (i = 0; i < IE_ABORT_NR_REASONS; i++)
		total += p->aborts[i];
	printf("\truntime: budget %s", ms_str(p->budget_us, budget, sizeof(budget)));
	if (xdp)
		printf("  fail %s", fail_action_name(p->fail_action));
	if (p->flags & IE_PROG_F_IRQS_OFF)
		printf("  irqs-off");
	else if (p->irqs_off_skips)
		printf("  skipped with irqs off %llu", (unsigned long long)p->irqs_off_skips);
	printf("  aborts %llu (timeout %llu, stack %llu, fault %llu, helper %llu)", total,
	       (unsigned long long)p->aborts[IE_ABORT_TIMEOUT],
	       (unsigned long long)p->aborts[IE_ABORT_STACK],
	       (unsigned long long)p->aborts[IE_ABORT_FAULT],
	       (unsigned long long)p->aborts[IE_ABORT_HELPER]);
	if (p->breaker_tripped)
		printf("  breaker TRIPPED: detached (%u aborts within %ums)\n", p->max_aborts,
		       p->abort_window_ms);
	else if (p->max_aborts == IE_BREAKER_OFF)
		printf("  breaker off\n");
	else
		printf("  breaker %u/%ums\n", p->max_aborts, p->abort_window_ms);
}

static const char *hook_name(__u32 hook)
{
	switch (hook) {
	case IE_HOOK_KPROBE:		return "kprobe";
	case IE_HOOK_TRACEPOINT:	return "tracepoint";
	case IE_HOOK_XDP:		return "xdp";
	default:			return "unknown";
	}
}

static void json_xdp(struct json_writer *jw, const struct ie_prog_info *p)
{
	jw_name(jw, "xdp");
	jw_start_object(jw);
	jw_uint_field(jw, "pass", p->xdp_actions[IE_XDP_PASS]);
	jw_uint_field(jw, "drop", p->xdp_actions[IE_XDP_DROP]);
	jw_uint_field(jw, "tx", p->xdp_actions[IE_XDP_TX]);
	jw_uint_field(jw, "redirect", p->xdp_actions[IE_XDP_REDIRECT]);
	jw_uint_field(jw, "aborted", p->xdp_actions[IE_XDP_ABORTED]);
	jw_uint_field(jw, "invalid", p->xdp_invalid);
	jw_uint_field(jw, "tx_errors", p->xdp_tx_errors);
	jw_end_object(jw);
}

static void json_prog(struct json_writer *jw, const struct ie_prog_info *p,
		      const struct ie_objects *objs)
{
	jw_start_object(jw);
	jw_uint_field(jw, "id", p->id);
	jw_string_field(jw, "name", p->name);
	jw_uint_field(jw, "text_size", p->text_size);
	jw_uint_field(jw, "data_size", p->data_size);
	jw_uint_field(jw, "nr_entries", p->nr_entries);
	jw_uint_field(jw, "run_cnt", p->run_cnt);
	jw_uint_field(jw, "run_time_ns", p->run_time_ns);
	jw_uint_field(jw, "avg_ns", p->run_cnt ? p->run_time_ns / p->run_cnt : 0);
	jw_uint_field(jw, "recursion_misses", p->recursion_misses);
	jw_uint_field(jw, "nr_links", p->nr_links);
	jw_uint_field(jw, "owner_pid", p->owner_pid);
	jw_uint_field(jw, "refcnt", p->refcnt);
	jw_uint_field(jw, "load_time_ns", p->load_time_ns);
	json_runtime(jw, p);
	if (prog_has_xdp(p, objs))
		json_xdp(jw, p);
	jw_end_object(jw);
}

static void json_link(struct json_writer *jw, const struct ie_link_info *l)
{
	char desc[IE_TARGET_LEN + 64], ifname[IF_NAMESIZE];
	const char *sc;

	link_describe(l, desc, sizeof(desc));
	jw_start_object(jw);
	jw_uint_field(jw, "id", l->id);
	jw_uint_field(jw, "prog_id", l->prog_id);
	jw_uint_field(jw, "entry", l->entry);
	jw_string_field(jw, "entry_name", l->entry_name);
	jw_string_field(jw, "hook", hook_name(l->hook));
	jw_string_field(jw, "target", l->target);
	jw_string_field(jw, "attached_to", desc);
	if (l->flags & IE_LINK_F_SYSCALL_NR) {
		jw_uint_field(jw, "syscall_nr", l->syscall_nr);
		sc = innerext_syscall_name((int)l->syscall_nr);
		jw_name(jw, "syscall");
		if (sc)
			jw_string(jw, sc);
		else
			jw_null(jw);
	}
	if (l->hook == IE_HOOK_XDP) {
		jw_uint_field(jw, "ifindex", l->ifindex);	/* 0: the device is gone */
		jw_name(jw, "ifname");
		if (link_ifname(l, ifname))
			jw_string(jw, ifname);
		else
			jw_null(jw);
	}
	jw_uint_field(jw, "nr_args", l->nr_args);
	jw_uint_field(jw, "flags", l->flags);
	jw_bool_field(jw, "persistent", l->flags & IE_LINK_F_PERSISTENT);
	jw_bool_field(jw, "attached", l->attached);
	jw_end_object(jw);
}

static void print_link(const struct ie_link_info *l)
{
	char desc[IE_TARGET_LEN + 64];

	link_describe(l, desc, sizeof(desc));
	printf("\tlink %u: %s  entry %s%s%s\n", l->id, desc, l->entry_name,
	       l->flags & IE_LINK_F_PERSISTENT ? "  persistent" : "",
	       l->attached ? "" : "  detached");
}

static void print_xdp(const struct ie_prog_info *p)
{
	printf("\txdp: pass %llu  drop %llu  tx %llu  redirect %llu  aborted %llu"
	       " (invalid returns %llu, tx errors %llu)\n",
	       (unsigned long long)p->xdp_actions[IE_XDP_PASS],
	       (unsigned long long)p->xdp_actions[IE_XDP_DROP],
	       (unsigned long long)p->xdp_actions[IE_XDP_TX],
	       (unsigned long long)p->xdp_actions[IE_XDP_REDIRECT],
	       (unsigned long long)p->xdp_actions[IE_XDP_ABORTED],
	       (unsigned long long)p->xdp_invalid, (unsigned long long)p->xdp_tx_errors);
}

static int do_list(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",   no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ 0 }
	};
	struct ie_objects objs;
	size_t i, j;
	int opt, fd, err;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jp", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		default:
			p_err("list: unknown option '%s'; try 'extctl list help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		p_err("list: unexpected argument '%s'; try 'extctl list help'", argv[optind]);
		return EXIT_USAGE;
	}

	fd = extctl_dev_open();
	if (fd < 0)
		return 1;
	err = objects_fetch(fd, &objs);
	if (err) {
		close(fd);
		return 1;
	}

	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_name(&ctx->jw, "programs");
		jw_start_array(&ctx->jw);
		for (i = 0; i < objs.nr_progs; i++)
			json_prog(&ctx->jw, &objs.progs[i], &objs);
		jw_end_array(&ctx->jw);
		jw_name(&ctx->jw, "links");
		jw_start_array(&ctx->jw);
		for (i = 0; i < objs.nr_links; i++)
			json_link(&ctx->jw, &objs.links[i]);
		jw_end_array(&ctx->jw);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	} else {
		for (i = 0; i < objs.nr_progs; i++) {
			const struct ie_prog_info *p = &objs.progs[i];
			bool xdp;

			printf("%u: %s  text %uB  data %uB  runs %llu  time %lluns  avg %lluns\n",
			       p->id, p->name, p->text_size, p->data_size,
			       (unsigned long long)p->run_cnt, (unsigned long long)p->run_time_ns,
			       (unsigned long long)(p->run_cnt ? p->run_time_ns / p->run_cnt : 0));
			printf("\tloaded by pid %u  links %u  recursion misses %llu\n",
			       p->owner_pid, p->nr_links, (unsigned long long)p->recursion_misses);
			xdp = prog_has_xdp(p, &objs);
			print_runtime(p, xdp);
			if (xdp)
				print_xdp(p);
			for (j = 0; j < objs.nr_links; j++)
				if (objs.links[j].prog_id == p->id)
					print_link(&objs.links[j]);
		}
		/* links whose program went away between the two walks */
		for (j = 0; j < objs.nr_links; j++) {
			for (i = 0; i < objs.nr_progs; i++)
				if (objs.links[j].prog_id == objs.progs[i].id)
					break;
			if (i == objs.nr_progs) {
				printf("link %u of prog id %u:\n", objs.links[j].id, objs.links[j].prog_id);
				print_link(&objs.links[j]);
			}
		}
	}
	objects_free(&objs);
	close(fd);
	return 0;
}

const struct extctl_cmd cmd_list = {
	.name = "list",
	.run = do_list,
	.help = list_help,
	.summary = "show loaded programs and their links",
	.needs_dev = true,
};
