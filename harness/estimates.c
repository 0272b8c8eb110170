/* estimates.c — see estimates.h. */
#include "estimates.h"

#include "isolate.h"
#include "formats/config.h"
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

/* One method point's verdict: invalid at every size, and why. */
struct verdict {
    int everywhere;
    char msg[240];
};

struct vjob {
    const struct ab_plan *plan;
};

static void judge(const struct ab_plan *plan, size_t mi, struct verdict *v)
{
    const struct ab_plan_method *pm = &plan->methods[mi];
    memset(v, 0, sizeof *v);
    v->everywhere = plan->ndata > 0;
    for (size_t di = 0; di < plan->ndata && v->everywhere; di++)
        for (int big = 0; big < 2 && v->everywhere; big++) {
            struct ab_problem p = ab_plan_problem(plan, &plan->data[di]);
            if (big)
                p.n = p.n > ((size_t)1 << 20) ? p.n : (size_t)1 << 20;
            struct ab_estimate est;
            struct ab_err e = {{0}};
            memset(&est, 0, sizeof est);
            int rc = pm->m->estimate(&p, &pm->vals, &est, &e);
            if (rc != AB_EINVAL)
                v->everywhere = 0;
            else if (!v->msg[0])
                snprintf(v->msg, sizeof v->msg, "%s", e.msg);
        }
}

static void vchild(const void *arg, void *reply)
{
    const struct vjob *j = arg;
    struct verdict *v = reply;
    for (size_t i = 0; i < j->plan->nmethods; i++)
        judge(j->plan, i, &v[i]);
}

int ab_plan_check_valid(const struct ab_plan *plan, int no_fork, struct ab_err *err)
{
    size_t n = plan->nmethods;
    struct verdict *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    struct vjob j = {plan};
    if (no_fork) {
        vchild(&j, v);
    } else {
        struct ab_isolate_end end;
        if (ab_isolate(vchild, &j, v, n * sizeof *v, 60, 0, NULL, &end) != AB_ISO_OK)
            memset(v, 0, n * sizeof *v); /* a crashing estimate: the rows will say so */
    }
    int rc = AB_OK;
    for (size_t i = 0; i < n && rc == AB_OK; i++)
        if (v[i].everywhere) {
            const struct ab_plan_method *pm = &plan->methods[i];
            rc = cfg_errorf(err, pm->at,
                            "method '%s' (%s) is invalid for every data size, so every row of it "
                            "would be `invalid`: %s",
                            pm->m->name, pm->params, v[i].msg);
        }
    free(v);
    return rc;
}
