// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * map_test: count system calls per syscall number, system-wide, in a hash map.
 *
 *   sudo extctl load examples/map_test.o            # tracepoint raw_syscalls:sys_enter
 *   sudo extctl map dump syscall_count              # key: syscall nr, value: calls
 *   sudo extctl map lookup syscall_count key 39     # getpid (a 4-byte key: one number)
 *   sudo extctl map update blocked key 39 value 1   # stop counting getpid
 *   sudo extctl map delete blocked key 39
 *   sudo extctl map dump invocations                # per-CPU: runs of the program
 *   sudo extctl unload map_test
 *
 * Maps:
 *   syscall_count  hash __u32 syscall nr -> __u64 calls
 *   blocked        hash __u16 syscall nr -> __u8 flag: syscalls not counted
 *   invocations    per-CPU array [1] of __u64: how often the program ran on each CPU
 */
#include <innerext/extension.h>

IE_MAP(syscall_count, IE_MAP_HASH, __u32 /* nr */, __u64, 512, 0);
IE_MAP(blocked, IE_MAP_HASH, __u16, __u8, 64, 0);
IE_MAP(invocations, IE_MAP_PERCPU_ARRAY, __u32, __u64, 1, 0);

/* raw_syscalls:sys_enter(struct pt_regs *regs, long id) */
SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(struct ie_tp_ctx *ctx)
{
	__u32 nr = (__u32)ctx->args[1], zero = 0;
	__u16 nr16 = (__u16)nr;
	__u64 one = 1, *count, *runs;

	runs = ie_map_lookup_elem(&invocations, &zero);
	if (runs)
		(*runs)++;		/* this CPU's own slot: no atomics needed */

	if (nr > 0xffff || ie_map_lookup_elem(&blocked, &nr16))
		return 0;

	count = ie_map_lookup_elem(&syscall_count, &nr);
	if (!count) {
		/* first call of this syscall; another CPU may win the race: add then */
		if (!ie_map_update_elem(&syscall_count, &nr, &one, IE_NOEXIST))
			return 0;
		count = ie_map_lookup_elem(&syscall_count, &nr);
		if (!count)
			return 0;	/* deleted meanwhile, or the map is full */
	}
	__sync_fetch_and_add(count, 1);
	return 0;
}
