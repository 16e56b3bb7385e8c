/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __EXTCTL_MAIN_H
#define __EXTCTL_MAIN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <innerext/libinnerext.h>

#include "json.h"

#define EXIT_USAGE	2

struct extctl {
	bool json;		/* -j: machine-readable output */
	bool pretty;		/* -p: indented JSON (implies -j) */
	bool debug;		/* -d: show libinnerext debug messages */
	struct json_writer jw;
};

struct extctl_cmd {
	const char *name;
	int (*run)(struct extctl *ctx, int argc, char **argv);	/* argv[0] is the command */
	void (*help)(FILE *out);
	const char *summary;
	bool needs_dev;		/* check CAP_SYS_ADMIN and /dev/innerext first */
};

extern const struct extctl_cmd cmd_load, cmd_list, cmd_unload, cmd_trace, cmd_events,
	cmd_map, cmd_sign, cmd_keyring, cmd_version;

/* "extctl: <message>" on stderr. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -n COUNT (a positive integer) and -t SECONDS (>= 0) of trace and events: 0 or -EINVAL
 * after printing "CMD: COUNT must be ..." */
/* Set by SIGINT/SIGTERM once extctl_stop_on_signals() ran; waits then return EINTR. */
extern volatile sig_atomic_t extctl_stop;
void extctl_stop_on_signals(void);
/* -t SECONDS: extctl_deadline(timeout) (timeout < 0: none, returns 0), then before each
 * wait extctl_time_left(): false once the deadline passed, else *wait_ms (-1: forever). */
double extctl_deadline(double timeout);
bool extctl_time_left(double deadline, int *wait_ms);
int parse_count(const char *cmd, const char *arg, unsigned long long *count);
int parse_seconds(const char *cmd, const char *arg, double *seconds);
/*
 * Report a failed libinnerext call as one line: the library's own message when it
 * printed one (it names the file, section, symbol...), else "<what>: <strerror>".
 */
void p_lib_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Forget any library message captured so far (call before a library call). */
void lib_msg_clear(void);
/*
 * The module's reason in the library's last message "...: <strerror(err)>: <reason>"
 * (a refused attach), as @len bytes without the newline; NULL if there is none.
 */
const char *lib_msg_reason(int err, int *len);

/* The checks done before commands with needs_dev (module loaded, CAP_SYS_ADMIN), for
 * commands that parse their arguments first; prints the reason, returns -1. */
int extctl_preflight(void);
/* Open /dev/innerext for a command that passed the preflight checks; prints on error. */
int extctl_dev_open(void);

/* Per-command option parsing helpers. */
bool is_help_arg(const char *arg);
void json_begin(struct extctl *ctx);

#endif /* __EXTCTL_MAIN_H */
