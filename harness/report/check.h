/* check.h — `attnbench check`: the CI gate on approximation error.
 *
 * Rows of RESULTS and BASELINE are matched by row_id (the hash of data kind,
 * data parameters, seed, method and parameters; data_id must agree too). For
 * each error column (out_rel_fro, out_max_abs, out_cos — higher is better —,
 * attn_rel_fro, attn_rel_spec, row_sum_dev, pinv_resid, pinv_vs_svd) a value
 * regresses when it is worse than the baseline's by more than
 * abs + rel * |baseline|. A status that was ok and is not is a regression; a
 * baseline row missing from the results fails the check; rows only in the
 * results are reported as new. Timing is opt-in (time_ratio): each row's
 * time divided by the exact row's time for the same data and seed (so the
 * ratio holds across machines of different speed) may grow at most that much.
 * Tests: tests/test_check.c. */
#ifndef AB_CHECK_H
#define AB_CHECK_H

#include "attnbench.h"

#include <stdio.h>

#define AB_CHECK_MAX_COLS 8
#define AB_CHECK_DEFAULT_REL 1e-3
#define AB_CHECK_DEFAULT_ABS 1e-6

struct ab_check_opts {
    double rel[AB_CHECK_MAX_COLS], abs[AB_CHECK_MAX_COLS]; /* per error column */
    double time_ratio;                                      /* 0: no timing gate */
};

struct ab_check_summary {
    size_t compared, regressions, improvements, missing, added;
};

void ab_check_defaults(struct ab_check_opts *o);
/* "out_rel_fro=0.01" or "out_rel_fro=0.01,1e-5" (rel, then abs). */
int ab_check_parse_tol(struct ab_check_opts *o, const char *spec, struct ab_err *err);
/* A YAML file: check: {tolerances: {COLUMN: {rel: R, abs: A}}, time_ratio: T} */
int ab_check_load_config(struct ab_check_opts *o, const char *path, struct ab_err *err);
/* Compare; the table goes to out. AB_OK with the summary (the verdict is in
 * it), or an error for unreadable or foreign files. */
int ab_check(const char *results, const char *baseline, const struct ab_check_opts *o, FILE *out,
             struct ab_check_summary *sum, struct ab_err *err);

#endif
