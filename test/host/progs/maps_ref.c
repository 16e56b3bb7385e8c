/* A BPF-style (libbpf) map definition: not an innerext one, refused with a reason. */
#include <innerext/extension.h>

struct { int type; int max_entries; } counts SEC(".maps");

SEC("kprobe/__x64_sys_getpid")
int use_map(void *ctx)
{
	(void)ctx;
	return counts.max_entries;
}
