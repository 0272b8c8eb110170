/* estimates.c — see estimates.h. */
#include "estimates.h"

#include "isolate.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct job {
    const struct ab_plan *plan;
    size_t first, count; /* pairs [first, first + count) */
};

static void one(const struct ab_plan *plan, size_t pair, struct ab_est *e)
{
    const struct ab_plan_data *pd = &plan->data[pair / plan->nmethods];
    const struct ab_plan_method *pm = &plan->methods[pair % plan->nmethods];
    struct ab_problem p = ab_plan_problem(plan, pd);
    struct ab_err err = {{0}};
    memset(e, 0, sizeof *e);
    e->rc = pm->m->estimate(&p, &pm->vals, &e->est, &err);
    if (e->rc)
        snprintf(e->msg, sizeof e->msg, "%s", err.msg);
}

static void child(const void *arg, void *reply)
{
    const struct job *j = arg;
    struct ab_est *e = reply;
    for (size_t i = 0; i < j->count; i++)
        one(j->plan, j->first + i, &e[i]);
}

int ab_plan_estimates(const struct ab_plan *plan, int no_fork, struct ab_est **out,
                      struct ab_err *err)
{
    size_t n = plan->ndata * plan->nmethods;
    struct ab_est *e = calloc(n ? n : 1, sizeof *e);
    if (!e)
        return ab_errf(err, AB_ENOMEM, "out of memory for %zu estimates", n);
    *out = e;
    if (no_fork) {
        for (size_t i = 0; i < n; i++)
            one(plan, i, &e[i]);
        return AB_OK;
    }
    struct job all = {plan, 0, n};
    struct ab_isolate_end end;
    if (ab_isolate(child, &all, e, n * sizeof *e, 60, 0, NULL, &end) == AB_ISO_OK)
        return AB_OK;
    /* someone's estimate crashed or hung: each alone, to name it */
    for (size_t i = 0; i < n; i++) {
        struct job j = {plan, i, 1};
        if (ab_isolate(child, &j, &e[i], sizeof e[i], 10, 0, NULL, &end) != AB_ISO_OK) {
            const struct ab_plan_method *pm = &plan->methods[i % plan->nmethods];
            memset(&e[i], 0, sizeof e[i]);
            e[i].rc = AB_EIO;
            snprintf(e[i].msg, sizeof e[i].msg, "%s: its estimate %s", pm->m->name, end.msg);
        }
    }
    return AB_OK;
}
