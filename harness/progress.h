/* progress.h — the sweep's progress on stderr: a bar on a terminal, a line
 * per row otherwise (status, error or out_rel_fro and time, ETA), or
 * nothing. Tests: tests/test_cli.c (--progress lines, quiet). */
#ifndef AB_PROGRESS_H
#define AB_PROGRESS_H

#include "plan.h"
#include "result.h"

#include <stddef.h>
#include <stdint.h>

enum ab_progress_mode { AB_PROGRESS_AUTO, AB_PROGRESS_BAR, AB_PROGRESS_LINES, AB_PROGRESS_QUIET };

struct ab_progress {
    int mode; /* enum ab_progress_mode, AUTO resolved by the caller */
    size_t total, done, measured;
    double t0, last_draw;
};

/* One row done: measured (r) or skipped as already in the results. */
void ab_progress_row(struct ab_progress *pg, const struct ab_plan_data *pd, uint64_t seed,
                     const struct ab_plan_method *pm, const struct ab_result *r, int skipped);

/* "42s", "3m07s", "2h05m"; "?" for a negative, NaN or huge value. */
void ab_fmt_duration(double s, char *out, size_t cap);

#endif
