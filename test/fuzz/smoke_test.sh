#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make check's short fuzzing run (a SCRIPT_TEST of test/host): test/fuzz/run.sh smoke.
# make check runs us from make: do not inherit its jobserver or flags
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
exec bash "$(dirname "$0")/run.sh" smoke
