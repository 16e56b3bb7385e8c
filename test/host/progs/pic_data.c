/* Global data reached through the GOT when built with -fpic. */
#define INNEREXT_NO_BUILD_CHECKS
#include <innerext/extension.h>

int shared_counter;

SEC("kprobe/__x64_sys_getpid")
int bump(void *ctx)
{
	(void)ctx;
	return ++shared_counter;
}
