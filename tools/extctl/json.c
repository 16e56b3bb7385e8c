// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A tiny streaming JSON writer. Strings are escaped per RFC 8259; bytes that are
 * not valid UTF-8 (task names, trace text) become U+FFFD so the output always parses.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void jw_init(struct json_writer *jw, FILE *out, bool pretty)
{
	memset(jw, 0, sizeof(*jw));
	jw->out = out;
	jw->pretty = pretty;
}

static void indent(struct json_writer *jw)
{
	int i;

	if (!jw->pretty)
		return;
	fputc('\n', jw->out);
	for (i = 0; i < jw->depth; i++)
		fputs("  ", jw->out);
}

/* Before any value or name: separator and indentation. */
static void before_value(struct json_writer *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (jw->depth > 0) {
		if (jw->need_comma[jw->depth])
			fputc(',', jw->out);
		indent(jw);
	}
	jw->need_comma[jw->depth] = true;
}

static void open_container(struct json_writer *jw, char c)
{
	before_value(jw);
	fputc(c, jw->out);
	if (jw->depth < JW_MAX_DEPTH - 1)
		jw->depth++;
	jw->need_comma[jw->depth] = false;
}

static void close_container(struct json_writer *jw, char c)
{
	bool had_items = jw->need_comma[jw->depth];

	if (jw->depth > 0)
		jw->depth--;
	if (had_items)
		indent(jw);
	fputc(c, jw->out);
}

void jw_start_object(struct json_writer *jw)
{
	open_container(jw, '{');
}

void jw_end_object(struct json_writer *jw)
{
	close_container(jw, '}');
}

void jw_start_array(struct json_writer *jw)
{
	open_container(jw, '[');
}

void jw_end_array(struct json_writer *jw)
{
	close_container(jw, ']');
}

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_escaped(FILE *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;

	fputc('"', out);
	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  fputs("\\\"", out); i++; continue;
		case '\\': fputs("\\\\", out); i++; continue;
		case '\b': fputs("\\b", out); i++; continue;
		case '\f': fputs("\\f", out); i++; continue;
		case '\n': fputs("\\n", out); i++; continue;
		case '\r': fputs("\\r", out); i++; continue;
		case '\t': fputs("\\t", out); i++; continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_len(s + i, n - i);
		if (!len) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		fwrite(s + i, 1, len, out);
		i += len;
	}
	fputc('"', out);
}

void jw_name(struct json_writer *jw, const char *name)
{
	before_value(jw);
	put_escaped(jw->out, name, strlen(name));
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->after_name = true;
}

void jw_string_len(struct json_writer *jw, const char *s, size_t len)
{
	before_value(jw);
	put_escaped(jw->out, s, len);
}

void jw_string(struct json_writer *jw, const char *s)
{
	jw_string_len(jw, s ? s : "", s ? strlen(s) : 0);
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	before_value(jw);
	fprintf(jw->out, "%" PRIu64, v);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	before_value(jw);
	fprintf(jw->out, "%" PRId64, v);
}

void jw_bool(struct json_writer *jw, bool v)
{
	before_value(jw);
	fputs(v ? "true" : "false", jw->out);
}

void jw_fixed(struct json_writer *jw, double v, int decimals)
{
	before_value(jw);
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", jw->out);	/* JSON has no NaN or infinity */
	else
		fprintf(jw->out, "%.*f", decimals, v);
}

void jw_null(struct json_writer *jw)
{
	before_value(jw);
	fputs("null", jw->out);
}

void jw_finish(struct json_writer *jw)
{
	fputc('\n', jw->out);
	fflush(jw->out);
	jw->need_comma[0] = false;
}
