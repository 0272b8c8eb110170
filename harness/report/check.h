/* check.h — `attnbench check`: the CI gate on approximation error. It fails
 * closed: whatever it cannot compare is an error, never a pass.
 *
 * Rows of RESULTS and BASELINE are matched by row_id (the hash of data kind,
 * data parameters, seed, method and parameters; data_id must agree too). For
 * each error column (out_rel_fro, out_max_abs, out_cos — higher is better —,
 * attn_rel_fro, attn_rel_spec, row_sum_dev, pinv_resid, pinv_vs_svd; the
 * masked rows' causal_leak, padding_leak; and `attnbench model`'s
 * attn_out_rel, hidden_rel_l1..l12, and emb_cos_mean, emb_cos_min,
 * top10_overlap, spearman — higher is better) a value
 * regresses when it is worse than the baseline's by more than
 * abs + rel * |baseline|; a value the baseline has and the results lack
 * regresses. A baseline row missing from the results fails the check; rows
 * only in the results are reported as new. Timing is opt-in (time_ratio):
 * each row's time divided by the exact row's time for the same data and seed
 * (so the ratio holds across machines of different speed) may grow at most
 * that much.
 *
 * Statuses are ordered: ok > refused, invalid > the failure kinds (oom,
 * error, nan, timeout, crashed, skipped). A move up the order is an
 * improvement; any other change is a regression: down the order, from one
 * failure kind to another (crashed -> timeout), or between refused and
 * invalid. Only an identical status compares the values.
 *
 * Impossible values: a cell of an error column that is not a number, NaN,
 * infinite, a negative norm, or a cosine (out_cos) outside [-1, 1] by more
 * than AB_CHECK_COS_SLACK. In RESULTS it is a regression (never an
 * improvement); in BASELINE it is an error naming BASELINE:line and the
 * column, as is a baseline status that is not one of the statuses above.
 *
 * Errors (ab_check returns AB_EINVAL / AB_EIO; `check` exits 2): a file that
 * cannot be read (see ab_table_load: NUL bytes, ragged lines, torn last
 * line, all named file:line), a file without the results columns, a
 * baseline with none of the error columns, a file with no rows, an empty or
 * repeated row_id in either file (file:line of both), garbage in the
 * baseline, and a check that compared no row at all.
 * Exit codes of `attnbench check`: 0 pass, 1 regression or missing rows,
 * 2 usage, unreadable input or nothing compared.
 * Tests: tests/test_check.c, tests/bad/cases.tsv (check_*). */
#ifndef AB_CHECK_H
#define AB_CHECK_H

#include "attnbench.h"

#include <stdio.h>

#define AB_CHECK_MAX_COLS 32
#define AB_CHECK_DEFAULT_REL 1e-3
#define AB_CHECK_DEFAULT_ABS 1e-6
/* rounding allowed beyond [-1, 1] for a cosine */
#define AB_CHECK_COS_SLACK 1e-6

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
/* results: one or more files, read as one (their rows together; columns by
 * name, so files of a study that grew compare together). */
int ab_check(const char *const *results, size_t nresults, const char *baseline,
             const struct ab_check_opts *o, FILE *out, struct ab_check_summary *sum,
             struct ab_err *err);

#endif
