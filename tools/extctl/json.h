/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A tiny streaming JSON writer for extctl -j / -p. */
#ifndef __EXTCTL_JSON_H
#define __EXTCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH	16

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool after_name;
};

void jw_init(struct json_writer *jw, FILE *out, bool pretty);
void jw_start_object(struct json_writer *jw);
void jw_end_object(struct json_writer *jw);
void jw_start_array(struct json_writer *jw);
void jw_end_array(struct json_writer *jw);
void jw_name(struct json_writer *jw, const char *name);
void jw_string(struct json_writer *jw, const char *s);
void jw_string_len(struct json_writer *jw, const char *s, size_t len);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
void jw_bool(struct json_writer *jw, bool v);
/* A number with @decimals digits after the point. */
void jw_fixed(struct json_writer *jw, double v, int decimals);
void jw_null(struct json_writer *jw);
/* Ends a top-level value: newline and flush. */
void jw_finish(struct json_writer *jw);

static inline void jw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

static inline void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

static inline void jw_int_field(struct json_writer *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

static inline void jw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}

#endif /* __EXTCTL_JSON_H */
