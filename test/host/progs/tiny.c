/* No includes: builds for any target (i386, bpf, shared object, executable). */
int tiny_entry(void) __attribute__((section("kprobe/tiny")));
int tiny_entry(void)
{
	return 1;
}

void _start(void)
{
	tiny_entry();
}
