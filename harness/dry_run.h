/* dry_run.h — `attnbench run --dry-run`: the plan's rows with each method's
 * estimated FLOPs and workspace (its `estimate`, no data touched, from the
 * table estimates.h makes in an isolated child), the rows
 * a method rejects, an estimated run time and the resources a job script
 * should ask for. Tests: tests/test_cli.c, tests/slurm (the resources line). */
#ifndef AB_DRY_RUN_H
#define AB_DRY_RUN_H

#include "estimates.h"
#include "plan.h"

/* The cost model of the work around the timed forwards (seconds), from the
 * code that does it (dry_run.c says how each term is counted):
 * - the attention-matrix metrics of one row (metrics.c): one pass over the
 *   H x N x N matrix for attn_rel_fro and row_sum_dev, and with spec a
 *   Lanczos run for attn_rel_spec (spectral.c, AB_DRY_LANCZOS_PASSES passes
 *   assumed, at most AB_POWER_MAX_ITERS);
 * - the float64 exact reference of one data instance (reference.c): the
 *   scores, exp and output pass, and with spec its own Lanczos run. */
#define AB_DRY_LANCZOS_PASSES 15 /* typical: 11 at n = 256, 15 at n = 512 (ci.yaml) */
#define AB_DRY_ELEM_NS 12.0      /* per matrix entry and pass, single-threaded: exp, diff, E^T E q */
#define AB_DRY_ROW_S 0.02        /* per row: the child process, its thread pool, calibration */
double ab_dry_attn_metrics_s(double heads, double n, double d, int threads, int spec);
double ab_dry_reference_s(double heads, double n, double d, double dv, int threads, int spec);

/* Print the rows of the instances where mask[i] is 1, to stdout. Returns 0. */
int ab_dry_run(const struct ab_plan *plan, const unsigned char *mask, const struct ab_est *est);

#endif
