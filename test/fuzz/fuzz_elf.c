// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness for libinnerext's ELF reader: the input is an ELF
 * relocatable object, opened with innerext_object__open_mem() (elf_reader.c,
 * image.c, object.c, map.c, compiled into this binary with the sanitizers).
 * Beyond "no crash, no leak, no sanitizer report" it checks:
 *
 *  - a refusal is NULL with errno set (and a message printed);
 *  - whatever the reader accepts, the module's validator accepts too
 *    (kmod/image.c's ie_image_check(), without IE_IMAGE_F_REQUIRE_ENDBR:
 *    a mutated entry may lose its endbr64, which only IBT kernels refuse);
 *  - the program and map API mirrors the image, and each program's section
 *    name goes through the SEC() parser the attach path uses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libinnerext_internal.h"
#include "image.h"		/* kmod/image.h */

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_elf: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static unsigned long nr_msgs;

/* Messages are formatted (so that bad format arguments are caught), not printed. */
static int quiet(enum innerext_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	(void)level;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	nr_msgs++;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	innerext_set_print(getenv("FUZZ_VERBOSE") ? NULL : quiet);
	return 0;
}

static void check_object(const struct innerext_object *obj)
{
	char text[256] = "";
	struct ie_log log = { .buf = text, .size = sizeof(text) };
	const struct ie_image_hdr *h;
	struct innerext_program *p;
	struct innerext_map *m;
	struct ie_image_view v;
	size_t size, n = 0;
	int ret;

	h = innerext_object__image(obj, &size);
	check(h && size >= sizeof(*h));
	ret = ie_image_check(h, size, 0, &log, &v);
	if (ret) {
		fprintf(stderr, "fuzz_elf: the module refuses an image libinnerext made: %d: %s",
			ret, text);
		abort();
	}

	innerext_object__for_each_program(p, obj) {
		const char *name = innerext_program__name(p);
		struct ie_attach_spec spec;

		check(innerext_program__entry_index(p) == n);
		check(!strcmp(name, v.entries[n].name));
		check(!strcmp(innerext_program__section_name(p), v.entries[n].sec));
		/* names need not be unique: the first of that name */
		check(innerext_object__find_program_by_name(obj, name));
		ret = ie_attach_spec_from_sec(innerext_program__section_name(p), name, &spec);
		check(ret <= 0);
		if (!ret)
			check(memchr(spec.target, 0, sizeof(spec.target)) &&
			      memchr(spec.desc, 0, sizeof(spec.desc)));
		n++;
	}
	check(n == h->nr_entries);

	n = 0;
	innerext_object__for_each_map(m, obj) {
		check(!strcmp(innerext_map__name(m), v.maps[n].name));
		check(innerext_object__find_map_by_name(obj, innerext_map__name(m)) == m);
		check(innerext_map__type(m) == v.maps[n].type);
		check(innerext_map__key_size(m) == v.maps[n].key_size);
		check(innerext_map__fd(m) < 0);
		n++;
	}
	check(n == h->nr_maps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct innerext_object *obj;

	errno = 0;
	obj = innerext_object__open_mem(data, size, NULL);
	if (!obj) {
		check(errno > 0);
		return 0;
	}
	check_object(obj);
	innerext_object__close(obj);
	return 0;
}
