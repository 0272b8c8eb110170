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

/* A method point that no size can take: its estimate is AB_EINVAL for every
 * data entry of the plan and for each of them at N = 2^20 (so a point that
 * is invalid only because its budget exceeds the plan's sizes, m > n, is
 * not one: that row is `invalid` and expected in a grid). Such a point (e.g.
 * nystrom with both landmarks and landmark_ratio) is a config error naming
 * its entry (file:line:column) and the method's reason. Estimates run in a
 * child unless no_fork; one that crashes or hangs is not judged here.
 * AB_OK or AB_EINVAL. */
int ab_plan_check_valid(const struct ab_plan *plan, int no_fork, struct ab_err *err);

#endif
