/* dry_run.c — see dry_run.h. */
#include "dry_run.h"

#include "progress.h"
#include "registry.h"

#include <stdio.h>

static int plan_has_cuda(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->nmethods; i++)
        if (plan->methods[i].backend == AB_BACKEND_CUDA)
            return 1;
    return 0;
}

int ab_dry_run(const struct ab_plan *plan, const unsigned char *mask, const struct ab_est *table)
{
    /* Rates assumed for the estimate: SGEMM-bound methods at 15 GFLOP/s per
     * thread; the float64 reference at 4 GFLOP/s per thread. */
    const double rate = 15e9 * plan->set.threads, ref_rate = 4e9 * plan->set.threads;
    const double gpu_rate = 10e12; /* CUDA rows: 10 TFLOP/s, a round guess */
    double total_s = 0, max_ws = 0, ref_s = 0;
    size_t invalid = 0, rows = 0;
    printf("%-16s  %10s  %10s  %5s  %-44s  %s\n", "row_id", "GFLOP", "work MiB", "seed", "data",
           "method(params)");
    for (size_t di = 0; di < plan->ndata; di++) {
        const struct ab_plan_data *pd = &plan->data[di];
        struct ab_problem p = ab_plan_problem(plan, pd);
        double n = (double)p.n;
        for (size_t si = 0; si < plan->set.nseeds; si++) {
            if (!mask[di * plan->set.nseeds + si])
                continue;
            if (!plan->set.ref_max_n || p.n <= plan->set.ref_max_n)
                ref_s += (double)p.heads * (2 * n * n * (p.d + p.dv)) / ref_rate;
            for (size_t mi = 0; mi < plan->nmethods; mi++) {
                const struct ab_plan_method *pm = &plan->methods[mi];
                const struct ab_est *e = &table[di * plan->nmethods + mi];
                struct ab_estimate est = e->est;
                char id[17], data[160];
                ab_plan_row_id(pd, plan->set.seeds[si], pm, id);
                snprintf(data, sizeof data, "%s(%s)", pd->kind->name, pd->params);
                int rc = e->rc;
                rows++;
                if (rc) {
                    invalid++;
                    printf("%-16s  %10s  %10s  %5llu  %-44s  %s(%s)  invalid: %s\n", id, "-", "-",
                           (unsigned long long)plan->set.seeds[si], data, pm->m->name, pm->params,
                           e->msg);
                    continue;
                }
                total_s += est.flops * (plan->set.warmup + plan->set.repeats) /
                           (pm->backend == AB_BACKEND_CUDA ? gpu_rate : rate);
                max_ws = est.workspace_bytes > max_ws ? est.workspace_bytes : max_ws;
                printf("%-16s  %10.3f  %10.2f  %5llu  %-44s  %s(%s)\n", id, est.flops / 1e9,
                       est.workspace_bytes / 1048576.0, (unsigned long long)plan->set.seeds[si], data,
                       pm->m->name, pm->params);
            }
        }
    }
    char a[32], b[32];
    ab_fmt_duration(total_s, a, sizeof a);
    ab_fmt_duration(ref_s, b, sizeof b);
    size_t ninst = 0;
    for (size_t i = 0; i < ab_plan_instances(plan); i++)
        ninst += mask[i];
    printf("\n%zu rows (%zu invalid), %zu data instances, %d threads\n", rows, invalid, ninst,
           plan->set.threads);
    printf("estimated time: %s of timed forwards + up to %s of exact references (uncached), "
           "assuming 15 GFLOP/s and 4 GFLOP/s (float64) per thread%s\n",
           a, b, gpu_rate > 0 && plan_has_cuda(plan) ? ", 10 TFLOP/s for CUDA rows" : "");
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
           (biggest + max_ws) / 1048576.0 * 2 + 1024, 3 * (total_s + ref_s) / 60 + 10);
    return 0;
}
