/* ceiling_cache.c — see ceiling_cache.h. */
#include "ceiling_cache.h"

#include "ceiling.h"
#include "result.h"

#include <math.h>
#include <omp.h>

struct ceiling_job {
    size_t d, dv;
    int threads;
    double seconds;
};

static void ceiling_child(const void *arg, struct ab_result *res)
{
    const struct ceiling_job *j = arg;
    ab_result_init(res);
    omp_set_num_threads(j->threads);
    res->t_med = ab_ceiling(j->d, j->dv, j->threads, j->seconds);
    res->status = res->t_med > 0 ? AB_ROW_OK : AB_ROW_ERROR;
}

double ab_ceiling_for(struct ab_ceilings *c, const struct ab_plan *plan, size_t d, size_t dv,
                      int no_fork, volatile sig_atomic_t *stop)
{
    if (plan->set.ceiling_s <= 0)
        return NAN;
    for (size_t i = 0; i < c->n; i++)
        if (c->d[i] == d && c->dv[i] == dv)
            return c->gflops[i];
    struct ceiling_job job = {d, dv, plan->set.threads, plan->set.ceiling_s};
    struct ab_result res;
    if (no_fork)
        ceiling_child(&job, &res);
    else
        ab_result_isolated(ceiling_child, &job, 60 + 4 * plan->set.ceiling_s, 0, stop, &res);
    double g = res.status == AB_ROW_OK ? res.t_med : NAN;
    if (c->n < AB_MAX_CEILINGS) {
        c->d[c->n] = d, c->dv[c->n] = dv, c->gflops[c->n] = g;
        c->n++;
    }
    return g;
}
