/* Uses every SDK helper and macro: the SDK must compile warning-free with gcc and clang. */
#include <innerext/extension.h>

static char saved[64];

SEC("kprobe/do_sys_openat2")
int sdk_all(struct ie_pt_regs *regs)
{
	char comm[16], path[32];
	__u64 t = ie_ktime_get_ns(), j = ie_jiffies64(), id = ie_get_current_pid_tgid();
	__u32 cpu = ie_get_smp_processor_id();
	long v = 0, n;

	ie_get_current_comm(comm, sizeof(comm));
	ie_probe_read_kernel(&v, sizeof(v), (void *)IE_PT_REGS_PARM1(regs));
	ie_probe_read_user(&v, sizeof(v), (void *)IE_PT_REGS_PARM2(regs));
	n = ie_probe_read_kernel_str(path, sizeof(path), (void *)IE_PT_REGS_PARM3(regs));
	n += ie_probe_read_user_str(path, sizeof(path), (void *)IE_PT_REGS_PARM2(regs));
	memcpy(saved, path, sizeof(path));
	memmove(saved + 1, saved, 8);
	memset(saved + 40, 0, 8);
	if (likely(!memcmp(saved, comm, 4)) || unlikely(IE_PT_REGS_PARM4(regs) + IE_PT_REGS_PARM5(regs) +
							 IE_PT_REGS_PARM6(regs) + IE_PT_REGS_IP(regs) +
							 IE_PT_REGS_SP(regs) + IE_PT_REGS_FP(regs) +
							 IE_PT_REGS_RC(regs) == 1))
		ie_printk("%s %llu %llu %u", comm, (unsigned long long)t, (unsigned long long)j, cpu);
	ie_printk("%d %lx %ld %%", (int)(id >> 32), (unsigned long)v, n);
	ie_trace_printk("%p\n", (void *)regs);
	return 0;
}
