/* Calls a libc function: the module refuses the import (with a log line). */
#include <innerext/extension.h>

int printf(const char *fmt, ...);

SEC("kprobe/__x64_sys_getpid")
int bad_import(void *ctx)
{
	(void)ctx;
	return printf("no libc in the kernel\n");
}
