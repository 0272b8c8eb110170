/* dry_run.c — see dry_run.h. */
#include "dry_run.h"

#include "progress.h"
#include "registry.h"
#include "spectral.h"
#include "timing.h"

#include <stdio.h>

static int plan_has_cuda(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->nmethods; i++)
        if (plan->methods[i].backend == AB_BACKEND_CUDA)
            return 1;
    return 0;
}

/* The rate of the float64 GEMMs (the exact rows, OpenBLAS at `threads`
 * threads there): 4 GFLOP/s per thread, as for the reference. */
static double f64_rate(int threads) { return 4e9 * (threads > 0 ? threads : 1); }

/* One pass over a head's N x N attention difference (metrics.c, diff_block
 * and pass 1; spectral.c, gram_apply): the exact rows S = exp(Q K^T / sqrt D
 * - lse) (2D float64 FLOPs per entry, an exp), the method's rows (taken as
 * the same 2D FLOPs: the factor products of the methods with rows are of that
 * order), the difference, and per Lanczos pass E^T (E q) (4 FLOPs) — the
 * scalar work single-threaded at AB_DRY_ELEM_NS per entry. */
static double pass_s(double n, double d, int threads)
{
    return n * n * (4 * d / f64_rate(threads) + AB_DRY_ELEM_NS * 1e-9);
}

double ab_dry_attn_metrics_s(double heads, double n, double d, int threads, int spec)
{
    return heads * pass_s(n, d, threads) * (1 + (spec ? AB_DRY_LANCZOS_PASSES : 0));
}

double ab_dry_reference_s(double heads, double n, double d, double dv, int threads, int spec)
{
    /* reference.c: scores and output GEMMs, 2N^2(D + DV) FLOPs, and an exp per
     * entry over `threads` threads; with spec a Lanczos run of exact rows */
    int t = threads > 0 ? threads : 1;
    double main_s = n * n * (2 * (d + dv) / f64_rate(threads) + AB_DRY_ELEM_NS * 1e-9 / t);
    double spec_s = spec ? AB_DRY_LANCZOS_PASSES * n * n *
                               (2 * d / f64_rate(threads) + AB_DRY_ELEM_NS * 1e-9)
                         : 0;
    return heads * (main_s + spec_s);
}

int ab_dry_run(const struct ab_plan *plan, const unsigned char *mask, const struct ab_est *table)
{
    /* Rates assumed for the estimate: SGEMM-bound methods at 15 GFLOP/s per
     * thread; the float64 reference and metrics as in the model above. */
    const double rate = 15e9 * plan->set.threads;
    const double gpu_rate = 10e12; /* CUDA rows: 10 TFLOP/s, a round guess */
    double total_s = 0, max_ws = 0, ref_s = 0, metrics_s = 0, warm_s = 0;
    int any_rows = 0;
    for (size_t i = 0; i < plan->nmethods; i++)
        any_rows |= plan->methods[i].m->rows != NULL;
    size_t invalid = 0, refused = 0, rows = 0;
    printf("%-16s  %10s  %10s  %5s  %-44s  %s\n", "row_id", "GFLOP", "work MiB", "seed", "data",
           "method(params)");
    for (size_t di = 0; di < plan->ndata; di++) {
        const struct ab_plan_data *pd = &plan->data[di];
        struct ab_problem p = ab_plan_problem(plan, pd);
        double n = (double)p.n;
        for (size_t si = 0; si < plan->set.nseeds; si++) {
            if (!mask[di * plan->set.nseeds + si])
                continue;
            /* as run.c decides: the reference below reference_max_n, the
             * attention metrics (and the spectral norm) where ab_plan_attn */
            int want_ref = !plan->set.ref_max_n || p.n <= plan->set.ref_max_n;
            int want_attn = want_ref && ab_plan_attn(&plan->set, p.n);
            int want_spec = want_attn && any_rows && plan->set.attn_spec;
            if (want_ref)
                ref_s += ab_dry_reference_s((double)p.heads, n, (double)p.d, (double)p.dv,
                                            plan->set.threads, want_spec);
            for (size_t mi = 0; mi < plan->nmethods; mi++) {
                const struct ab_plan_method *pm = &plan->methods[mi];
                const struct ab_est *e = &table[di * plan->nmethods + mi];
                struct ab_estimate est = e->est;
                char id[17], data[160];
                ab_plan_row_id(pd, plan->set.seeds[si], pm, id);
                snprintf(data, sizeof data, "%s(%s)", pd->kind->name, pd->params);
                int rc = e->rc;
                rows++;
                char why[512];
                if (!ab_mask_supported(pm->m, pd->mask, why, sizeof why) ||
                    !ab_precision_supported(pm->m, pm->precision, why, sizeof why)) {
                    refused++;
                    printf("%-16s  %10s  %10s  %5llu  %-44s  %s(%s)  refused: %s\n", id, "-", "-",
                           (unsigned long long)plan->set.seeds[si], data, pm->m->name, pm->params,
                           why);
                    continue;
                }
                if (rc) {
                    invalid++;
                    printf("%-16s  %10s  %10s  %5llu  %-44s  %s(%s)  invalid: %s\n", id, "-", "-",
                           (unsigned long long)plan->set.seeds[si], data, pm->m->name, pm->params,
                           e->msg);
                    continue;
                }
                double fwd = est.flops / (pm->backend == AB_BACKEND_CUDA ? gpu_rate : rate);
                /* a masked row runs once more for its leak check */
                total_s += fwd * (plan->set.repeats + (pd->mask != AB_MASK_NONE));
                /* warm-up: `warmup` calls and at least warmup_time seconds */
                if (plan->set.warmup > 0) {
                    double w = fwd * plan->set.warmup;
                    warm_s += w > plan->set.warmup_s ? w : plan->set.warmup_s;
                }
                if (want_attn && pm->m->rows)
                    metrics_s += ab_dry_attn_metrics_s((double)p.heads, n, (double)p.d,
                                                       plan->set.threads, want_spec);
                max_ws = est.workspace_bytes > max_ws ? est.workspace_bytes : max_ws;
                printf("%-16s  %10.3f  %10.2f  %5llu  %-44s  %s(%s)\n", id, est.flops / 1e9,
                       est.workspace_bytes / 1048576.0, (unsigned long long)plan->set.seeds[si], data,
                       pm->m->name, pm->params);
            }
        }
    }
    double rows_s = AB_DRY_ROW_S * (double)(rows - invalid - refused);
    double all_s = total_s + warm_s + metrics_s + rows_s + ref_s;
    char a[32], b[32], c[32], w[32], r[32], t[32];
    ab_fmt_duration(total_s, a, sizeof a);
    ab_fmt_duration(ref_s, b, sizeof b);
    ab_fmt_duration(metrics_s, c, sizeof c);
    ab_fmt_duration(warm_s, w, sizeof w);
    ab_fmt_duration(rows_s, r, sizeof r);
    ab_fmt_duration(all_s, t, sizeof t);
    size_t ninst = 0;
    for (size_t i = 0; i < ab_plan_instances(plan); i++)
        ninst += mask[i];
    if (refused)
        printf("\n%zu rows (%zu invalid, %zu refused: a mask or precision the method does not support), %zu "
               "data instances, %d threads\n", rows, invalid, refused, ninst, plan->set.threads);
    else
        printf("\n%zu rows (%zu invalid), %zu data instances, %d threads\n", rows, invalid, ninst,
               plan->set.threads);
    printf("estimated time: %s in all: %s of timed forwards (up to %dx when rows are measured "
           "again as noisy) + %s of warm-up + %s of attention-matrix metrics (Lanczos at %d "
           "passes; up to %dx at %d) + %s of per-row overhead + up to %s of exact references "
           "(uncached); assuming 15 GFLOP/s (float32) and 4 GFLOP/s (float64) per thread%s\n",
           t, a, AB_TIMING_ATTEMPTS, w, c, AB_DRY_LANCZOS_PASSES,
           AB_POWER_MAX_ITERS / AB_DRY_LANCZOS_PASSES, AB_POWER_MAX_ITERS, r, b,
           gpu_rate > 0 && plan_has_cuda(plan) ? ", 10 TFLOP/s for CUDA rows" : "");
    printf("largest method workspace: %.2f MiB (mem_limit %.1f MiB)\n", max_ws / 1048576.0,
           (double)plan->set.mem_limit / 1048576.0);
    /* for job scripts (experiments/slurm/submit.sh): the resources to ask for —
     * the threads, the largest data instance and workspace with room for the
     * process, and a generous time: 3x the estimate plus 10 minutes */
    double biggest = 0;
    for (size_t di = 0; di < plan->ndata; di++) {
        const size_t *dm = plan->data[di].dims;
        double bytes = 4.0 * (double)dm[0] * (double)dm[1] * (2.0 * (double)dm[2] + 2.0 * (double)dm[3]) +
                       8.0 * (double)dm[0] * (double)dm[1] * ((double)dm[3] + 1);
        biggest = bytes > biggest ? bytes : biggest;
    }
    printf("# resources: cpus=%d mem_mb=%.0f time_min=%.0f\n", plan->set.threads,
           (biggest + max_ws) / 1048576.0 * 2 + 1024, 3 * all_s / 60 + 10);
    return 0;
}
