// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Objects: an ELF file turned into an image (open), handed to the kernel (load).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "libinnerext_internal.h"

#define IE_LOAD_LOG_SIZE	(64 * 1024)

static bool valid_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static int check_name(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len >= IE_NAME_LEN) {
		pr_warn("object name '%s' must be 1 to %d characters long\n", name, IE_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!valid_name_char(name[i])) {
			pr_warn("object name '%s' may only contain [A-Za-z0-9_.-]\n", name);
			return -EINVAL;
		}
	}
	return 0;
}

/* "dir/hello.o" -> "hello"; other characters become '_', truncated like libbpf does. */
static void name_from_path(const char *path, char out[IE_NAME_LEN])
{
	const char *base = strrchr(path, '/');
	size_t len, i;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 2 && !strcmp(base + len - 2, ".o"))
		len -= 2;
	if (len >= IE_NAME_LEN)
		len = IE_NAME_LEN - 1;
	for (i = 0; i < len; i++)
		out[i] = valid_name_char(base[i]) ? base[i] : '_';
	out[len] = '\0';
	if (!len)
		strcpy(out, "ext");
}

static int init_programs(struct innerext_object *obj)
{
	const struct ie_image_hdr *hdr = obj->image;
	const struct ie_image_entry *e =
		(const void *)((const char *)obj->image + hdr->entries_off);
	__u32 i;

	obj->progs = calloc(hdr->nr_entries, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	for (i = 0; i < hdr->nr_entries; i++) {
		struct innerext_program *p = &obj->progs[i];

		p->obj = obj;
		memcpy(p->name, e[i].name, sizeof(p->name));
		memcpy(p->sec, e[i].sec, sizeof(p->sec));
		p->name[IE_NAME_LEN - 1] = '\0';
		p->sec[IE_SEC_LEN - 1] = '\0';
		p->entry_idx = i;
		p->text_off = e[i].text_off;
	}
	obj->nr_progs = hdr->nr_entries;
	return 0;
}

/* open_file (@path) and open_mem (@buf, @size: @path is NULL) */
static struct innerext_object *object_open(const char *path, const void *buf, size_t size,
					   const struct innerext_object_open_opts *opts)
{
	struct innerext_object *obj;
	const char *name, *dev_path;
	int err;

	name = IE_OPTS_GET(opts, object_name, NULL);
	dev_path = IE_OPTS_GET(opts, dev_path, NULL);

	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	obj->dev_fd = -1;
	obj->prog_fd = -1;

	if (name) {
		err = check_name(name);
		if (err)
			goto err_out;
		strcpy(obj->name, name);
	} else if (path) {
		name_from_path(path, obj->name);
	} else {
		strcpy(obj->name, "ext");
	}
	err = -ENOMEM;
	if (path)
		obj->path = strdup(path);
	else if (asprintf(&obj->path, "%s (in memory)", obj->name) < 0)
		obj->path = NULL;
	if (!obj->path)
		goto err_out;
	if (dev_path) {
		obj->dev_path = strdup(dev_path);
		if (!obj->dev_path)
			goto err_out;
	}
	if (path)
		err = ie_elf_to_image(path, &obj->image, &obj->image_size);
	else
		err = ie_elf_mem_to_image(obj->path, buf, size, &obj->image, &obj->image_size);
	if (err)
		goto err_out;
	err = init_programs(obj);
	if (err)
		goto err_out;
	err = ie_object_init_maps(obj);
	if (err)
		goto err_out;
	return obj;

err_out:
	innerext_object__close(obj);
	errno = -err;
	return NULL;
}

struct innerext_object *innerext_object__open_file(const char *path,
						   const struct innerext_object_open_opts *opts)
{
	if (!path || !IE_OPTS_VALID(opts, innerext_object_open_opts)) {
		errno = EINVAL;
		return NULL;
	}
	return object_open(path, NULL, 0, opts);
}

struct innerext_object *innerext_object__open_mem(const void *buf, size_t size,
						  const struct innerext_object_open_opts *opts)
{
	if (!buf || !size || !IE_OPTS_VALID(opts, innerext_object_open_opts)) {
		errno = EINVAL;
		return NULL;
	}
	return object_open(NULL, buf, size, opts);
}

struct innerext_object *innerext_object__open(const char *path)
{
	return innerext_object__open_file(path, NULL);
}

/* Strip trailing newlines so the log fits in one message. */
static const char *log_tail_trimmed(char *log)
{
	size_t len = strlen(log);

	while (len && (log[len - 1] == '\n' || log[len - 1] == ' '))
		log[--len] = '\0';
	return log;
}

int innerext_object__load(struct innerext_object *obj)
{
	const char *dev_path;
	char ebuf[IE_STRERR_BUFSZ];
	int map_fds[IE_MAX_MAPS];
	__u32 id = 0;
	size_t i;
	char *log;
	int dev_fd, fd, err;

	if (!obj)
		return -EINVAL;
	if (obj->prog_fd >= 0) {
		pr_warn("object '%s' is already loaded (prog id %u)\n", obj->name, obj->prog_id);
		return -EBUSY;
	}
	dev_path = obj->dev_path ? obj->dev_path : INNEREXT_DEV_PATH;
	dev_fd = innerext_dev_open(dev_path);
	if (dev_fd < 0) {
		pr_warn("load of '%s': cannot open %s: %s\n", obj->name, dev_path,
			ie_strerror(dev_fd, ebuf, sizeof(ebuf)));
		return dev_fd;
	}

	free(obj->log);
	obj->log = NULL;
	log = calloc(1, IE_LOAD_LOG_SIZE);
	if (!log) {
		close(dev_fd);
		return -ENOMEM;
	}
	/* a refused map is reported by create_maps; the load log stays empty */
	err = ie_object_create_maps(obj, dev_fd);
	if (err) {
		obj->log = log;
		close(dev_fd);
		return err;
	}
	for (i = 0; i < obj->nr_maps; i++)
		map_fds[i] = obj->maps[i].fd;
	{
		INNEREXT_OPTS_DECLARE(innerext_prog_load_opts, opts,
			.map_fds = map_fds,
			.nr_map_fds = (__u32)obj->nr_maps,
			.log_buf = log,
			.log_size = IE_LOAD_LOG_SIZE,
			.budget_us = obj->budget_us,
			.fail_action = obj->fail_action,
			.max_aborts = obj->max_aborts,
			.abort_window_ms = obj->abort_window_ms,
			.prog_flags = obj->prog_flags,
			.sig = obj->sig,
			.sig_size = (__u32)obj->sig_size,
		);

		fd = innerext_prog_load_opts(dev_fd, obj->name, obj->image, obj->image_size,
					     &opts);
		id = opts.prog_id;
	}
	/* keep only what the kernel wrote */
	obj->log = realloc(log, strlen(log) + 1);
	if (!obj->log)
		obj->log = log;
	if (fd < 0) {
		log_tail_trimmed(obj->log);
		pr_warn("load of '%s' refused: %s%s%s\n", obj->name,
			ie_strerror(fd, ebuf, sizeof(ebuf)), obj->log[0] ? ": " : "", obj->log);
		ie_object_release_maps(obj, false);
		close(dev_fd);
		return fd;
	}
	obj->dev_fd = dev_fd;
	obj->prog_fd = fd;
	obj->prog_id = id;
	pr_debug("loaded '%s' from %s: prog id %u, fd %d\n", obj->name, obj->path, id, fd);
	return 0;
}

int innerext_object__set_runtime(struct innerext_object *obj,
				 const struct innerext_runtime_opts *opts)
{
	if (!obj || !IE_OPTS_VALID(opts, innerext_runtime_opts))
		return -EINVAL;
	if (obj->prog_fd >= 0) {
		pr_warn("object '%s' is loaded (prog id %u): set its runtime before loading it\n",
			obj->name, obj->prog_id);
		return -EBUSY;
	}
	obj->budget_us = IE_OPTS_GET(opts, budget_us, 0);
	obj->fail_action = IE_OPTS_GET(opts, fail_action, 0);
	obj->max_aborts = IE_OPTS_GET(opts, max_aborts, 0);
	obj->abort_window_ms = IE_OPTS_GET(opts, abort_window_ms, 0);
	obj->prog_flags = IE_OPTS_GET(opts, prog_flags, 0);
	return 0;
}

int innerext_object__set_signature(struct innerext_object *obj, const void *sig, size_t size)
{
	void *copy = NULL;

	if (!obj || !sig != !size)
		return -EINVAL;
	if (obj->prog_fd >= 0) {
		pr_warn("object '%s' is loaded (prog id %u): set its signature before loading it\n",
			obj->name, obj->prog_id);
		return -EBUSY;
	}
	if (size > IE_SIG_MAX) {
		pr_warn("signature for '%s' is %zu bytes; the limit is %u\n", obj->name, size,
			IE_SIG_MAX);
		return -E2BIG;
	}
	if (size) {
		copy = malloc(size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, sig, size);
	}
	free(obj->sig);
	obj->sig = copy;
	obj->sig_size = size;
	return 0;
}

void innerext_object__close(struct innerext_object *obj)
{
	if (!obj)
		return;
	if (obj->prog_fd >= 0)
		close(obj->prog_fd);
	if (obj->maps)
		ie_object_release_maps(obj, true);
	if (obj->dev_fd >= 0)
		close(obj->dev_fd);
	btf__free(obj->vmlinux_btf);
	free(obj->log);
	free(obj->progs);
	free(obj->maps);
	free(obj->image);
	free(obj->sig);
	free(obj->dev_path);
	free(obj->path);
	free(obj);
}

const char *innerext_object__name(const struct innerext_object *obj)
{
	return obj->name;
}

int innerext_object__prog_fd(const struct innerext_object *obj)
{
	if (!obj || obj->prog_fd < 0)
		return -EINVAL;
	return obj->prog_fd;
}

__u32 innerext_object__prog_id(const struct innerext_object *obj)
{
	return obj ? obj->prog_id : 0;
}

const char *innerext_object__load_log(const struct innerext_object *obj)
{
	return obj && obj->log ? obj->log : "";
}

const void *innerext_object__image(const struct innerext_object *obj, size_t *size)
{
	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (size)
		*size = obj->image_size;
	return obj->image;
}
