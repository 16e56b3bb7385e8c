# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# innerext SDK: compiler flags for native innerext extensions (x86-64 ELF relocatable
# objects loaded into the kernel by innerext.ko). Use from a Makefile:
#
#   include path/to/libinnerext/innerext.mk     (installed: PREFIX/share/innerext/innerext.mk)
#   prog.o: prog.c
#   	$(CC) $(INNEREXT_CFLAGS) -c $< -o $@
#
# Why each flag (an extension runs in kernel context, loaded within +-2 GiB of the kernel):
#   -ffreestanding                   no hosted libc; only the helpers in <innerext/extension.h>
#   -fno-pic -fno-pie -mcmodel=kernel  absolute addresses as sign-extended 32-bit (R_X86_64_32S),
#                                    direct calls (R_X86_64_PLT32), no GOT
#   -mno-red-zone                    interrupts use the same stack
#   -mgeneral-regs-only              the kernel does not save FPU/SIMD state for us
#   -fno-stack-protector             there is no __stack_chk_guard for extensions
#   -fno-asynchronous-unwind-tables -fno-unwind-tables  no .eh_frame (never loaded)
#   -fno-jump-tables                 no indirect jumps through tables (retpoline cost, IBT)
#   -fno-common                      tentative definitions get real storage in .bss
#   -fcf-protection=branch           endbr64 at function entries (kernels with IBT)
#   -mfunction-return=thunk-extern -mindirect-branch=thunk-extern -mindirect-branch-register
#                                    returns and indirect branches through the kernel's
#                                    __x86_return_thunk / __x86_indirect_thunk_<reg>
#                                    (gcc; clang 14 only has -mretpoline-external-thunk)
#   -finstrument-functions (gcc; clang: -finstrument-functions-after-inlining)
#                                    every function entry calls __cyg_profile_func_enter, which
#                                    the module resolves to its stack check: runaway recursion
#                                    is stopped before the extension stack runs out. The SDK's
#                                    own inline accessors are left out (gcc exclude list)
#   -Werror=frame-larger-than=8192 (gcc spelling) -Werror=vla
#                                    the stack check keeps 8 KiB + helper room free below each
#                                    frame, so no single frame may be larger (no VLAs/alloca)
# Deliberately NOT here: -fno-plt. With it, gcc and clang call every external function
# through the GOT (R_X86_64_GOTPCRELX) even with -fno-pic, which the loader cannot
# represent; without it non-PIC calls are plain "call sym" (R_X86_64_PLT32 = PC32).

INNEREXT_SDK_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# In the source tree, point at uapi/ and libinnerext/include. `make install` writes its
# include directory into the installed copy's INNEREXT_INSTALL_INCLUDEDIR; nothing is
# added for /usr/include and /usr/local/include, the compiler's default include path.
INNEREXT_INSTALL_INCLUDEDIR :=
INNEREXT_INCLUDES := $(if $(wildcard $(INNEREXT_SDK_DIR)/include/innerext/extension.h),\
	-I$(abspath $(INNEREXT_SDK_DIR)/../uapi) -I$(INNEREXT_SDK_DIR)/include,\
	$(addprefix -I,$(filter-out /usr/include /usr/local/include,$(INNEREXT_INSTALL_INCLUDEDIR))))

INNEREXT_COMMON_CFLAGS := -O2 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-jump-tables -fno-common \
	-fcf-protection=branch -Werror=vla

INNEREXT_GCC_CFLAGS := $(INNEREXT_COMMON_CFLAGS) -mfunction-return=thunk-extern \
	-finstrument-functions \
	-finstrument-functions-exclude-file-list=innerext/extension.h,innerext/packet.h \
	-Werror=frame-larger-than=8192 \
	-mindirect-branch=thunk-extern -mindirect-branch-register $(INNEREXT_INCLUDES)

INNEREXT_CLANG_CFLAGS := $(INNEREXT_COMMON_CFLAGS) -mretpoline-external-thunk \
	-finstrument-functions-after-inlining -Wframe-larger-than=8192 -Werror=frame-larger-than \
	$(INNEREXT_INCLUDES)

# Picked by the compiler in $(CC) when used (recursive, so CC may be set later).
INNEREXT_CFLAGS = $(if $(findstring clang,$(CC)),$(INNEREXT_CLANG_CFLAGS),$(INNEREXT_GCC_CFLAGS))
