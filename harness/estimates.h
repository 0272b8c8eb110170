/* estimates.h — every method's `estimate` for every data entry of a plan
 * (the FLOPs, workspace and budget --dry-run prints and --shard balances
 * on), computed in an isolated child: an estimate is plugin code, and a
 * plugin that crashes or hangs there must not take the sweep down. If the
 * child does not report, each pair is tried alone so that the culprits are
 * named; the rest keep their values.
 * Tests: tests/test_cli.c (a plugin whose estimate crashes, with --dry-run
 * and --shard). */
#ifndef AB_ESTIMATES_H
#define AB_ESTIMATES_H

#include "plan.h"

struct ab_est {
    int rc;                 /* the estimate's status; AB_EIO when it crashed or hung */
    struct ab_estimate est; /* when rc is AB_OK */
    char msg[240];          /* when it is not */
};

/* est[d * plan->nmethods + m] for data entry d and method m (an estimate
 * depends on the sizes and parameters, not on the seed). No fork with
 * no_fork. Returns AB_OK, or AB_ENOMEM. The caller frees *out. */
int ab_plan_estimates(const struct ab_plan *plan, int no_fork, struct ab_est **out,
                      struct ab_err *err);

#endif
