/* dry_run.h — `attnbench run --dry-run`: the plan's rows with each method's
 * estimated FLOPs and workspace (its `estimate`, no data touched, from the
 * table estimates.h makes in an isolated child), the rows
 * a method rejects, an estimated run time and the resources a job script
 * should ask for. Tests: tests/test_cli.c, tests/slurm (the resources line). */
#ifndef AB_DRY_RUN_H
#define AB_DRY_RUN_H

#include "estimates.h"
#include "plan.h"

/* Print the rows of the instances where mask[i] is 1, to stdout. Returns 0. */
int ab_dry_run(const struct ab_plan *plan, const unsigned char *mask, const struct ab_est *est);

#endif
