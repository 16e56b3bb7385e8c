/*
 * Objects the compiler builds but the module would refuse, one per BAD_* define
 * (test/host/Makefile builds bad_sym_<case>.o with -DBAD_<CASE>); libinnerext
 * refuses them itself, with a reason (first found by test/fuzz's fuzz_elf).
 */
#include <innerext/extension.h>

#if defined(BAD_IMPORT_NAME)
/* a helper whose name is not an identifier */
int helper(void) __asm__("ie.helper");

SEC("kprobe/__x64_sys_getpid")
int prog(void *ctx)
{
	(void)ctx;
	return helper();
}
#elif defined(BAD_PROG_NAME)
/* a program whose name is not an identifier */
SEC("kprobe/__x64_sys_getpid")
int prog(void *ctx) __asm__("my.prog");
int prog(void *ctx)
{
	(void)ctx;
	return 0;
}
#elif defined(BAD_ADDEND)
/* &buf[32 MiB]: the relocation's addend reaches past any image */
char buf[16];

SEC("kprobe/__x64_sys_getpid")
long prog(void *ctx)
{
	(void)ctx;
	return (long)&buf[32 << 20];
}
#endif
