/* ceiling_cache.h — the SGEMM ceiling of each (D, DV) shape a sweep meets,
 * measured once per run (ceiling.h) in an isolated child and kept for the
 * rows that follow: the sgemm_gflops and frac_of_sgemm columns.
 * Tests: tests/test_cli.c (the columns filled, and empty with ceiling: 0). */
#ifndef AB_CEILING_CACHE_H
#define AB_CEILING_CACHE_H

#include "plan.h"

#include <signal.h>
#include <stddef.h>

#define AB_MAX_CEILINGS 32

struct ab_ceilings {
    size_t d[AB_MAX_CEILINGS], dv[AB_MAX_CEILINGS];
    double gflops[AB_MAX_CEILINGS];
    size_t n;
};

/* GFLOP/s of the ceiling for (d, dv) at the plan's threads, measured on the
 * first call for that shape (in-process with no_fork); NaN when the plan
 * sets `ceiling: 0` or the measurement failed. Beyond AB_MAX_CEILINGS shapes
 * a shape is measured again on each call. c starts zeroed. */
double ab_ceiling_for(struct ab_ceilings *c, const struct ab_plan *plan, size_t d, size_t dv,
                      int no_fork, volatile sig_atomic_t *stop);

#endif
