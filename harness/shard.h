/* shard.h — a plan cut into N shards for N machines (--shard i/N, SLURM job
 * arrays), deterministically, so that the shards' results merge into what a
 * single run writes. */
#ifndef AB_SHARD_H
#define AB_SHARD_H

#include "estimates.h"
#include "plan.h"

/* Sharding (--shard i/N): the unit is a data instance (entry x seed), so that
 * no two shards compute the same exact reference. Instances are assigned by
 * longest-processing-time-first on their estimated cost (the float64
 * reference plus every method's FLOPs x (warmup + repeats)): deterministic,
 * and within 4/3 of the best possible makespan. shard_of receives, for each
 * instance d * nseeds + s, its shard in [0, n). Returns the estimated cost of
 * each shard in cost[n] (may be NULL). */
int ab_plan_shards(const struct ab_plan *plan, const struct ab_est *est, int n, int *shard_of,
                   double *cost, struct ab_err *err);
/* A malloc'd mask over the instances (data entry x seed, in plan order): 1
 * where the instance belongs to shard `shard` (1-based) of `nshards`, every
 * instance when nshards <= 0. NULL with err on failure. */
unsigned char *ab_plan_shard_mask(const struct ab_plan *plan, const struct ab_est *est, int shard,
                                  int nshards,
                                  struct ab_err *err);
/* Estimated cost (FLOPs) of instance (d, s): its reference and its rows. */
double ab_plan_instance_cost(const struct ab_plan *plan, size_t d, const struct ab_est *est);

#endif
