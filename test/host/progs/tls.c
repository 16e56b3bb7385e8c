#include <innerext/extension.h>

__thread int per_thread;

SEC("kprobe/__x64_sys_getpid")
int use_tls(void *ctx)
{
	(void)ctx;
	return ++per_thread;
}
