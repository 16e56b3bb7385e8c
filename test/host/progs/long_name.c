#include <innerext/extension.h>

SEC("kprobe/__x64_sys_getpid")
int this_program_name_is_longer_than_31_chars(void *ctx)
{
	(void)ctx;
	return 0;
}
