// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Thin wrappers over the /dev/innerext ioctls (uapi/linux/innerext.h).
 * They zero the argument struct, fill in its size, and return 0 / an fd or -errno.
 * They print nothing: callers decide what an error means.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libinnerext_internal.h"

int ie_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int innerext_dev_open(const char *path)
{
	int fd;

	fd = open(path ? path : INNEREXT_DEV_PATH, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int innerext_get_version(int dev_fd, struct ie_version *ver)
{
	if (!ver)
		return -EINVAL;
	memset(ver, 0, sizeof(*ver));
	ver->size = sizeof(*ver);
	return ie_ioctl(dev_fd, IE_IOC_GET_VERSION, ver);
}

int innerext_get_next_id(int dev_fd, enum ie_obj_type type, __u32 start_id, __u32 *next_id)
{
	struct ie_get_next_id attr;
	int err;

	if (!next_id)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.start_id = start_id;
	err = ie_ioctl(dev_fd, IE_IOC_GET_NEXT_ID, &attr);
	if (err < 0)
		return err;
	*next_id = attr.next_id;
	return 0;
}

int innerext_prog_get_info_by_id(int dev_fd, __u32 id, struct ie_prog_info *info)
{
	int err;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = id;
	err = ie_ioctl(dev_fd, IE_IOC_PROG_INFO, info);
	return err < 0 ? err : 0;
}

int innerext_link_get_info_by_id(int dev_fd, __u32 id, struct ie_link_info *info)
{
	int err;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = id;
	err = ie_ioctl(dev_fd, IE_IOC_LINK_INFO, info);
	return err < 0 ? err : 0;
}

int innerext_prog_get_map_ids(int dev_fd, __u32 prog_id, __u32 *map_ids, __u32 *nr_map_ids)
{
	struct ie_prog_info info;
	int err;

	if (!nr_map_ids || (*nr_map_ids && !map_ids))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = prog_id;
	info.map_ids = ie_ptr_to_u64(*nr_map_ids ? map_ids : NULL);
	info.nr_map_ids = *nr_map_ids;
	err = ie_ioctl(dev_fd, IE_IOC_PROG_INFO, &info);
	if (err < 0)
		return err;
	*nr_map_ids = info.nr_map_ids;
	return 0;
}

int innerext_link_detach_id(int dev_fd, __u32 link_id)
{
	struct ie_link_detach attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.link_id = link_id;
	err = ie_ioctl(dev_fd, IE_IOC_LINK_DETACH, &attr);
	return err < 0 ? err : 0;
}

int innerext_prog_load(int dev_fd, const char *name, const void *image, size_t image_size,
		       char *log_buf, size_t log_size, __u32 *prog_id)
{
	return innerext_prog_load_maps(dev_fd, name, image, image_size, NULL, 0,
				       log_buf, log_size, prog_id);
}

int innerext_prog_load_maps(int dev_fd, const char *name, const void *image, size_t image_size,
			    const int *map_fds, __u32 nr_map_fds,
			    char *log_buf, size_t log_size, __u32 *prog_id)
{
	INNEREXT_OPTS_DECLARE(innerext_prog_load_opts, opts,
		.map_fds = map_fds,
		.nr_map_fds = nr_map_fds,
		.log_buf = log_buf,
		.log_size = log_size > IE_LOG_MAX ? IE_LOG_MAX : (__u32)log_size,
	);
	int fd;

	/* log_size without log_buf: -EINVAL from innerext_prog_load_opts() (clamped, not 0) */
	fd = innerext_prog_load_opts(dev_fd, name, image, image_size, &opts);
	if (fd >= 0 && prog_id)
		*prog_id = opts.prog_id;
	return fd;
}

int innerext_prog_load_opts(int dev_fd, const char *name, const void *image, size_t image_size,
			    struct innerext_prog_load_opts *opts)
{
	__u32 fds[IE_MAX_MAPS], nr_map_fds, log_size, sig_size;
	const int *map_fds;
	const void *sig;
	struct ie_prog_load attr;
	char *log_buf;
	__u32 i;
	int fd;

	if (!IE_OPTS_VALID(opts, innerext_prog_load_opts))
		return -EINVAL;
	map_fds = IE_OPTS_GET(opts, map_fds, NULL);
	nr_map_fds = IE_OPTS_GET(opts, nr_map_fds, 0);
	log_buf = IE_OPTS_GET(opts, log_buf, NULL);
	log_size = IE_OPTS_GET(opts, log_size, 0);
	sig = IE_OPTS_GET(opts, sig, NULL);
	sig_size = IE_OPTS_GET(opts, sig_size, 0);
	if (!name || strlen(name) >= IE_NAME_LEN || !image || !image_size ||
	    (log_size && !log_buf) || (nr_map_fds && !map_fds) || !sig != !sig_size)
		return -EINVAL;
	if (nr_map_fds > IE_MAX_MAPS)
		return -E2BIG;
	for (i = 0; i < nr_map_fds; i++) {
		if (map_fds[i] < 0)
			return -EBADF;
		fds[i] = (__u32)map_fds[i];
	}
	if (image_size > UINT32_MAX)
		return -E2BIG;
	if (log_size > IE_LOG_MAX)
		log_size = IE_LOG_MAX;	/* the buffer is at least that large */
	if (log_size)
		log_buf[0] = '\0';

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.image = ie_ptr_to_u64(image);
	attr.image_size = (__u32)image_size;
	attr.log_size = log_size;
	attr.log_buf = ie_ptr_to_u64(log_size ? log_buf : NULL);
	strcpy(attr.name, name);
	attr.map_fds = ie_ptr_to_u64(nr_map_fds ? fds : NULL);
	attr.nr_map_fds = nr_map_fds;
	attr.budget_us = IE_OPTS_GET(opts, budget_us, 0);
	attr.fail_action = IE_OPTS_GET(opts, fail_action, 0);
	attr.max_aborts = IE_OPTS_GET(opts, max_aborts, 0);
	attr.abort_window_ms = IE_OPTS_GET(opts, abort_window_ms, 0);
	attr.flags = IE_OPTS_GET(opts, prog_flags, 0);
	attr.sig = ie_ptr_to_u64(sig);
	attr.sig_size = sig_size;	/* the module refuses > IE_SIG_MAX (-E2BIG) */

	fd = ie_ioctl(dev_fd, IE_IOC_PROG_LOAD, &attr);
	if (log_size)
		log_buf[log_size - 1] = '\0';
	if (fd >= 0 && IE_OPTS_HAS(opts, prog_id))
		opts->prog_id = attr.prog_id;
	return fd;
}

int innerext_link_create(int dev_fd, struct ie_link_create *attr)
{
	char *log;
	int fd;

	if (!attr || (attr->log_size && !attr->log_buf))
		return -EINVAL;
	attr->size = sizeof(*attr);
	attr->pad = 0;
	memset(attr->reserved, 0, sizeof(attr->reserved));
	if (attr->log_size > IE_LOG_MAX)
		attr->log_size = IE_LOG_MAX;	/* the buffer is at least that large */
	log = (char *)(uintptr_t)attr->log_buf;
	if (attr->log_size)
		log[0] = '\0';
	fd = ie_ioctl(dev_fd, IE_IOC_LINK_CREATE, attr);
	if (attr->log_size)
		log[attr->log_size - 1] = '\0';
	return fd;
}
