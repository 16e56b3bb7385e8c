/* A tentative definition: a COMMON symbol when built with -fcommon. */
#define INNEREXT_NO_BUILD_CHECKS
#include <innerext/extension.h>

int tentative;

SEC("kprobe/__x64_sys_getpid")
int use_common(void *ctx)
{
	(void)ctx;
	return ++tentative;
}
