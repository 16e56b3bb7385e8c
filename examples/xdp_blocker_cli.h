/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the two rule tools share (xdp_blocker_user for the native blocker,
 * ebpf/xdp_blocker_ebpf for its eBPF twin): errors, and "PORT tcp|udp".
 * User space only; the including file defines prog_name first.
 */
#ifndef XDP_BLOCKER_CLI_H
#define XDP_BLOCKER_CLI_H

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xdp_blocker.h"

/* One line on stderr, then exit: 1 for a failure, 2 for bad arguments. */
static void __attribute__((noreturn, format(printf, 2, 3))) fail(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static const char *proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "?";
	}
}

/* "PORT" "tcp|udp" -> key; exits 2 on bad input. */
static void parse_rule(const char *port, const char *proto, struct xdp_blocker_key *key)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(port, &end, 10);
	if (!port[0] || *end || errno || n > 65535 || port[0] == '-' || port[0] == '+')
		fail(2, "bad port '%s': a number from 0 to 65535", port);
	memset(key, 0, sizeof(*key));
	key->port = (__u16)n;
	if (!strcasecmp(proto, "tcp"))
		key->proto = IPPROTO_TCP;
	else if (!strcasecmp(proto, "udp"))
		key->proto = IPPROTO_UDP;
	else
		fail(2, "unknown protocol '%s': tcp or udp", proto);
}

#endif /* XDP_BLOCKER_CLI_H */
