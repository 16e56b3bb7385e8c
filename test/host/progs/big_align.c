/* Data that needs page alignment, which the image cannot express. */
#include <innerext/extension.h>

char page_buf[4096] __attribute__((aligned(4096)));

SEC("kprobe/__x64_sys_getpid")
int use_page(void *ctx)
{
	(void)ctx;
	return page_buf[1];
}
