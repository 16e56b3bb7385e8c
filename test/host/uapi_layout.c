// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The innerext uapi layout is ABI: sizes, alignment and field offsets must never
 * change by accident (Documentation/process/botching-up-ioctls.rst). The sizes are
 * checked at compile time; the tests print and re-check them at run time.
 */
#include <assert.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <linux/innerext.h>

#include "kselftest_harness.h"

#define SIZE_IS(type, n)						\
	static_assert(sizeof(struct type) == (n), #type " is ABI: " #n " bytes");	\
	static_assert(sizeof(struct type) % 8 == 0, #type " must be a multiple of 8 bytes")

SIZE_IS(ie_image_hdr, 96);
SIZE_IS(ie_image_reloc, 24);
SIZE_IS(ie_image_import, 32);
SIZE_IS(ie_image_entry, 104);
SIZE_IS(ie_version, 96);
SIZE_IS(ie_prog_load, 120);
SIZE_IS(ie_link_create, 208);
SIZE_IS(ie_link_detach, 32);
SIZE_IS(ie_get_next_id, 32);
SIZE_IS(ie_prog_info, 328);
SIZE_IS(ie_xdp_md, 32);
SIZE_IS(ie_link_info, 224);
SIZE_IS(ie_tp_ctx, 48);
SIZE_IS(ie_syscall_ctx, 56);
SIZE_IS(ie_image_map, 56);
SIZE_IS(ie_map_def, 24);
SIZE_IS(ie_map_create, 104);
SIZE_IS(ie_map_get_fd, 32);
SIZE_IS(ie_map_info, 120);
SIZE_IS(ie_map_elem, 64);
SIZE_IS(ie_map_batch, 64);

/* every struct starts with its size (the image header with its magic) */
static_assert(offsetof(struct ie_version, size) == 0, "size first");
static_assert(offsetof(struct ie_prog_load, size) == 0, "size first");
static_assert(offsetof(struct ie_link_create, size) == 0, "size first");
static_assert(offsetof(struct ie_link_detach, size) == 0, "size first");
static_assert(offsetof(struct ie_get_next_id, size) == 0, "size first");
static_assert(offsetof(struct ie_prog_info, size) == 0, "size first");
static_assert(offsetof(struct ie_link_info, size) == 0, "size first");

/* pointers travel as 8-byte aligned u64 */
static_assert(offsetof(struct ie_prog_load, image) % 8 == 0, "aligned pointer");
static_assert(offsetof(struct ie_prog_load, log_buf) % 8 == 0, "aligned pointer");
static_assert(offsetof(struct ie_link_create, log_buf) % 8 == 0, "aligned pointer");
static_assert(offsetof(struct ie_image_reloc, addend) % 8 == 0, "aligned addend");

/* ie_prog_load and ie_prog_info grew at their ends: the v1 prefixes are unchanged */
static_assert(offsetof(struct ie_prog_load, sig) == IE_PROG_LOAD_SIZE_V1, "v1 prefix");
static_assert(sizeof(struct ie_prog_load) == IE_PROG_LOAD_SIZE_V2, "v2 size");
static_assert(offsetof(struct ie_prog_info, xdp_actions) == IE_PROG_INFO_SIZE_V1, "v1 prefix");
static_assert(sizeof(struct ie_prog_info) == IE_PROG_INFO_SIZE_V2, "v2 size");
static_assert(offsetof(struct ie_link_create, ifindex) == 176, "ifindex in old reserved space");
static_assert(offsetof(struct ie_link_info, ifindex) == 200, "ifindex in old reserved space");

/* offsets user space and the module both rely on */
static_assert(offsetof(struct ie_image_hdr, text_off) == 16, "hdr layout");
static_assert(offsetof(struct ie_image_hdr, entries_off) == 52, "hdr layout");
static_assert(offsetof(struct ie_image_hdr, maps_off) == 60, "hdr layout");
static_assert(offsetof(struct ie_image_hdr, reserved) == 68, "hdr layout");
static_assert(offsetof(struct ie_image_reloc, seg) == 4, "reloc layout");
static_assert(offsetof(struct ie_image_reloc, target) == 8, "reloc layout");
static_assert(offsetof(struct ie_image_reloc, addend) == 16, "reloc layout");
static_assert(offsetof(struct ie_image_entry, sec) == IE_NAME_LEN, "entry layout");
static_assert(offsetof(struct ie_image_entry, text_off) == IE_NAME_LEN + IE_SEC_LEN,
	      "entry layout");
static_assert(offsetof(struct ie_prog_load, name) == 32, "prog_load layout");
static_assert(offsetof(struct ie_prog_load, prog_id) == 64, "prog_load layout");
static_assert(offsetof(struct ie_prog_load, map_fds) == 72, "prog_load layout");
static_assert(offsetof(struct ie_link_create, target) == 24, "link_create layout");
static_assert(offsetof(struct ie_link_create, nr_args) == 152, "link_create layout");
static_assert(offsetof(struct ie_link_create, link_id) == 168, "link_create layout");
static_assert(offsetof(struct ie_syscall_ctx, args) == 8, "syscall ctx layout");

static_assert(IE_LINK_F_ALL == (IE_LINK_F_PERSISTENT | IE_LINK_F_SYSCALL_NR), "flags");

TEST(struct_sizes)
{
	EXPECT_EQ(96, sizeof(struct ie_image_hdr));
	EXPECT_EQ(24, sizeof(struct ie_image_reloc));
	EXPECT_EQ(32, sizeof(struct ie_image_import));
	EXPECT_EQ(104, sizeof(struct ie_image_entry));
	EXPECT_EQ(96, sizeof(struct ie_version));
	EXPECT_EQ(IE_PROG_LOAD_SIZE_V2, sizeof(struct ie_prog_load));
	EXPECT_EQ(208, sizeof(struct ie_link_create));
	EXPECT_EQ(32, sizeof(struct ie_link_detach));
	EXPECT_EQ(32, sizeof(struct ie_get_next_id));
	EXPECT_EQ(IE_PROG_INFO_SIZE_V2, sizeof(struct ie_prog_info));
	EXPECT_EQ(224, sizeof(struct ie_link_info));
}

/* The ioctl numbers encode the struct sizes: a size change changes the ABI. */
TEST(ioctl_numbers)
{
	EXPECT_EQ(sizeof(struct ie_version), _IOC_SIZE(IE_IOC_GET_VERSION));
	EXPECT_EQ(sizeof(struct ie_prog_load), _IOC_SIZE(IE_IOC_PROG_LOAD));
	EXPECT_EQ(sizeof(struct ie_link_create), _IOC_SIZE(IE_IOC_LINK_CREATE));
	EXPECT_EQ(sizeof(struct ie_link_detach), _IOC_SIZE(IE_IOC_LINK_DETACH));
	EXPECT_EQ(sizeof(struct ie_get_next_id), _IOC_SIZE(IE_IOC_GET_NEXT_ID));
	EXPECT_EQ(sizeof(struct ie_prog_info), _IOC_SIZE(IE_IOC_PROG_INFO));
	EXPECT_EQ(sizeof(struct ie_link_info), _IOC_SIZE(IE_IOC_LINK_INFO));
	EXPECT_EQ(IE_IOC_MAGIC, _IOC_TYPE(IE_IOC_PROG_LOAD));
	EXPECT_EQ(_IOC_READ | _IOC_WRITE, _IOC_DIR(IE_IOC_PROG_LOAD));
	EXPECT_EQ(_IOC_WRITE, _IOC_DIR(IE_IOC_LINK_DETACH));
	/* distinct command numbers */
	EXPECT_NE(_IOC_NR(IE_IOC_PROG_LOAD), _IOC_NR(IE_IOC_LINK_CREATE));
}

TEST(image_magic)
{
	/* "IEXT" in file order on little-endian x86-64 */
	const unsigned int magic = IE_IMAGE_MAGIC;

	EXPECT_EQ('I', ((const char *)&magic)[0]);
	EXPECT_EQ('E', ((const char *)&magic)[1]);
	EXPECT_EQ('X', ((const char *)&magic)[2]);
	EXPECT_EQ('T', ((const char *)&magic)[3]);
}

TEST_HARNESS_MAIN
