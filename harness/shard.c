/* shard.c — see shard.h. Tests: tests/test_plan.c (every row in exactly one
 * shard, balance), tests/test_merge.c and tests/slurm (shards merged equal a
 * single run). */
#include "shard.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

double ab_plan_instance_cost(const struct ab_plan *plan, size_t d, const struct ab_est *est)
{
    const struct ab_plan_data *pd = &plan->data[d];
    struct ab_problem p = ab_plan_problem(plan, pd);
    double n = (double)p.n, cost = 2.0 * (double)p.heads * n * n * (double)(p.d + p.dv);
    for (size_t m = 0; m < plan->nmethods; m++) {
        struct ab_est one;
        if (!est) { /* in this process (tests) */
            struct ab_err err;
            memset(&one, 0, sizeof one);
            one.rc = plan->methods[m].m->estimate(&p, &plan->methods[m].vals, &one.est, &err);
        }
        const struct ab_est *e = est ? &est[d * plan->nmethods + m] : &one;
        if (e->rc == AB_OK)
            cost += e->est.flops * (double)(plan->set.warmup + plan->set.repeats);
    }
    return cost;
}

struct inst {
    size_t index;
    double cost;
};

static int inst_cmp(const void *a, const void *b)
{
    const struct inst *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

int ab_plan_shards(const struct ab_plan *plan, const struct ab_est *est, int n, int *shard_of,
                   double *cost, struct ab_err *err)
{
    if (n < 1)
        return ab_errf(err, AB_EINVAL, "shard count must be at least 1");
    size_t ni = ab_plan_instances(plan);
    struct inst *v = malloc((ni ? ni : 1) * sizeof *v);
    double *load = calloc((size_t)n, sizeof *load);
    if (!v || !load) {
        free(v), free(load);
        return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ni; i++)
        v[i] = (struct inst){i, ab_plan_instance_cost(plan, i / plan->set.nseeds, est)};
    qsort(v, ni, sizeof *v, inst_cmp);
    for (size_t i = 0; i < ni; i++) {
        int best = 0;
        for (int k = 1; k < n; k++)
            if (load[k] < load[best])
                best = k;
        shard_of[v[i].index] = best;
        load[best] += v[i].cost;
    }
    if (cost)
        for (int k = 0; k < n; k++)
            cost[k] = load[k];
    free(v), free(load);
    return AB_OK;
}

unsigned char *ab_plan_shard_mask(const struct ab_plan *plan, const struct ab_est *est, int shard,
                                  int nshards,
                                  struct ab_err *err)
{
    size_t ni = ab_plan_instances(plan);
    unsigned char *mask = malloc(ni ? ni : 1);
    int *of = malloc((ni ? ni : 1) * sizeof *of);
    if (!mask || !of) {
        free(mask), free(of);
        ab_errf(err, AB_ENOMEM, "out of memory");
        return NULL;
    }
    if (nshards > 0 && ab_plan_shards(plan, est, nshards, of, NULL, err)) {
        free(mask), free(of);
        return NULL;
    }
    for (size_t i = 0; i < ni; i++)
        mask[i] = nshards <= 0 || of[i] == shard - 1;
    free(of);
    return mask;
}
