/* Two programs; the second one's hook does not exist, so loading must roll back. */
#include <innerext/extension.h>

SEC("kprobe/__x64_sys_getpid")
int first_ok(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("kprobe/no_such_function")
int second_fails(void *ctx)
{
	(void)ctx;
	return 0;
}
