/* progress.c — see progress.h. */
#include "progress.h"

#include "timing.h"

#include "base/util.h"

#include <math.h>
#include <stdio.h>

void ab_fmt_duration(double s, char *out, size_t cap)
{
    if (!(s >= 0) || s > 1e7)
        snprintf(out, cap, "?");
    else if (s < 60)
        snprintf(out, cap, "%.0fs", s);
    else if (s < 3600)
        snprintf(out, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(out, cap, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

void ab_progress_row(struct ab_progress *pg, const struct ab_plan_data *pd, uint64_t seed,
                     const struct ab_plan_method *pm, const struct ab_result *r, int skipped)
{
    pg->done++;
    if (!skipped)
        pg->measured++;
    double el = ab_now() - pg->t0;
    double eta = pg->measured ? el / (double)pg->measured * (double)(pg->total - pg->done) : NAN;
    char els[32], etas[32];
    ab_fmt_duration(el, els, sizeof els);
    ab_fmt_duration(eta, etas, sizeof etas);
    if (pg->mode == AB_PROGRESS_QUIET)
        return;
    if (pg->mode == AB_PROGRESS_BAR) {
        int width = 30, fill = (int)((double)width * (double)pg->done / (double)pg->total);
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r\033[K[%s] %zu/%zu  %s elapsed, ETA %s  %s n=%zu %s", bar, pg->done,
                pg->total, els, etas, pd->kind->name, pd->dims[1], pm->m->name);
        if (pg->done == pg->total)
            fputc('\n', stderr);
        return;
    }
    if (skipped) {
        fprintf(stderr, "[%zu/%zu] %s(%s) seed=%llu %s(%s): already in the results\n", pg->done,
                pg->total, pd->kind->name, pd->params, (unsigned long long)seed, pm->m->name,
                pm->params);
        return;
    }
    char detail[600];
    if (r->status == AB_ROW_OK)
        snprintf(detail, sizeof detail, "out_rel_fro=%.3e  %.4g ms%s", r->out_rel_fro, r->t_med,
                 r->reps && r->timing == AB_TIMING_NOISY ? " (timing noisy: see the timing column)"
                                                         : "");
    else
        snprintf(detail, sizeof detail, "%s", r->error);
    fprintf(stderr, "[%zu/%zu] %s(%s) seed=%llu %s(%s): %s  %s  (ETA %s)\n", pg->done, pg->total,
            pd->kind->name, pd->params, (unsigned long long)seed, pm->m->name, pm->params,
            ab_row_status_name(r->status), detail, etas);
}
