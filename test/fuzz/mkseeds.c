// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Seeds for fuzz_image: the image libinnerext makes of each object given on
 * the command line (refused objects are skipped), written as OUTDIR/NAME.img.
 *
 *   mkseeds OUTDIR OBJECT...
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <innerext/libinnerext.h>

static int quiet(enum innerext_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	int i, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR OBJECT...\n", argv[0]);
		return 2;
	}
	innerext_set_print(quiet);
	for (i = 2; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		struct innerext_object *obj;
		char path[4096];
		const void *img;
		size_t size;
		FILE *f;

		obj = innerext_object__open(argv[i]);
		if (!obj)
			continue;
		img = innerext_object__image(obj, &size);
		snprintf(path, sizeof(path), "%s/%s.img", argv[1], base ? base + 1 : argv[i]);
		f = fopen(path, "wb");
		if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
			perror(path);
			return 1;
		}
		innerext_object__close(obj);
		n++;
	}
	printf("mkseeds: %d images in %s\n", n, argv[1]);
	return 0;
}
