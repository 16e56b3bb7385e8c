// SPDX-License-Identifier: GPL-2.0
/*
 * User-space ie_log() for building kmod/image.c into host tests (kmod/log.c is
 * kernel-only). Same semantics as the module's: every call counts a message;
 * when a buffer is set and has room, the message is appended with a '\n' and
 * the buffer stays NUL-terminated; a message that does not fit is truncated.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void ie_log(struct ie_log *log, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	log->nr_msgs++;
	if (!log->buf || log->len + 1 >= log->size)
		return;
	/* like vscnprintf(): the number of characters actually stored */
	room = log->size - log->len - 1;
	va_start(ap, fmt);
	n = vsnprintf(log->buf + log->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room)
		n = (int)room - 1;
	log->len += n;
	log->buf[log->len++] = '\n';
	log->buf[log->len] = '\0';
}
