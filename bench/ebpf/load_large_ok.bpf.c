// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * load_large_ok.bpf.c: examples/ebpf/large_program.bpf.c compiled once more, with
 * one change: lp_round() is a global function instead of a static one. The
 * verifier checks a global function once, on its own, for any argument, instead
 * of walking its 4096 cases again at each of the 64 calls, so it accepts the
 * program. Same source, same instructions otherwise: bench/load_bench.sh times
 * it (and the refused original) against examples/large_program.o.
 *
 * How: every header the example includes is included first (they have include
 * guards, and the helper declarations in <bpf/bpf_helper_defs.h> must stay
 * static), then "static" is defined away for the example's own text, where
 * lp_round() is the only static definition.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../examples/verifier_examples.h"

#define static	/* lp_round(): global */
#include "../../examples/ebpf/large_program.bpf.c"
#undef static
