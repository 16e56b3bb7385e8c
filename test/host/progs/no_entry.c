/* Only ordinary functions: nothing to load. */
#include <innerext/extension.h>

int not_a_program(int x)
{
	return x + 1;
}

static int also_not(void *ctx) SEC("kprobe/__x64_sys_getpid");
static int also_not(void *ctx)	/* static: not an entry either */
{
	(void)ctx;
	return not_a_program(1);
}

int (*keep)(void *) = also_not;
