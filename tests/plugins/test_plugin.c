/* test_plugin.c — an out-of-tree method, built as a shared object the way a
 * method author would build theirs (only attnbench.h), used by the tests to
 * exercise --plugin and the driver's isolation.
 *
 * Method "test-fault": exact attention, computed naively in float64 (small N
 * only), unless `fault` says otherwise:
 *   crash    dereferences NULL in forward        -> status crashed
 *   abort    calls abort() in forward            -> status crashed
 *   oom      asks the harness allocator for 1 TiB -> status oom
 *   hang     loops forever in forward            -> status timeout
 *   nan      writes NaN into the output          -> status nan
 *   slow     sleeps `sleep_ms` per forward (for interrupt tests)
 *   crash-estimate  dereferences NULL in estimate (which --dry-run and
 *            --shard call: the driver must keep it away from its process)
 *   leak     claims masks but ignores them: every valid row attends every
 *            key (padded rows still 0) -> causal_leak / padding_leak > 0
 *   pad-junk writes 1 into padded output rows      -> status error
 * Masks (causal, padding) as attnbench.h defines them, unless `leak`.
 * Built three times: with -DAB_TEST_BAD_ABI it reports a wrong ABI version;
 * with -DAB_TEST_GARBAGE_TABLE its parameter table holds a wild pointer (the
 * driver must check a plugin without trusting it).
 */
#define _POSIX_C_SOURCE 200809L
#include "attnbench.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

enum { F_NONE, F_CRASH, F_ABORT, F_OOM, F_HANG, F_NAN, F_SLOW, F_CRASH_ESTIMATE, F_LEAK, F_PAD_JUNK };

static const struct ab_param params[] = {
    {.name = "fault", .type = AB_PT_ENUM, .def = "none",
     .choices = "none|crash|abort|oom|hang|nan|slow|crash-estimate|leak|pad-junk",
#ifdef AB_TEST_GARBAGE_TABLE
     .help = (const char *)(uintptr_t)16},
#else
     .help = "what goes wrong"},
#endif
    {.name = "sleep_ms", .type = AB_PT_INT, .def = "100", .lo = 0, .hi = 100000,
     .help = "slow: milliseconds per forward"},
};

struct state {
    struct ab_problem p;
    int fault;
    long sleep_ms;
    double *row; /* N logits */
};

static int estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *e,
                    struct ab_err *err)
{
    if (ab_values_isset(v, "fault") && ab_values_enum(v, "fault") == F_CRASH_ESTIMATE) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    if (p->n == 0 || p->n > 4096) {
        snprintf(err->msg, sizeof err->msg, "test-fault: N=%zu outside [1, 4096]", p->n);
        return AB_EINVAL;
    }
    e->flops = 2.0 * (double)p->heads * (double)p->n * (double)p->n * (double)(p->d + p->dv);
    e->workspace_bytes = (double)sizeof(struct state) + (double)p->n * sizeof(double);
    e->budget = (double)p->n;
    return AB_OK;
}

static int prepare(const struct ab_problem *p, const struct ab_values *v, void **out,
                   struct ab_err *err)
{
    struct ab_estimate e;
    int rc = estimate(p, v, &e, err);
    if (rc)
        return rc;
    struct state *s = p->alloc(sizeof *s);
    if (!s) {
        snprintf(err->msg, sizeof err->msg, "test-fault: out of memory for the state");
        return AB_ENOMEM;
    }
    *out = s;
    s->p = *p;
    s->fault = ab_values_enum(v, "fault");
    s->sleep_ms = ab_values_int(v, "sleep_ms");
    s->row = p->alloc(p->n * sizeof(double));
    if (!s->row) {
        snprintf(err->msg, sizeof err->msg, "test-fault: out of memory for %zu logits", p->n);
        return AB_ENOMEM;
    }
    if (s->fault == F_OOM) {
        void *huge = p->alloc((size_t)1 << 40);
        if (!huge) {
            snprintf(err->msg, sizeof err->msg, "test-fault: the harness refused 1 TiB");
            return AB_ENOMEM;
        }
        p->free(huge);
    }
    return AB_OK;
}

static int forward(void *st, float *out, struct ab_err *err)
{
    struct state *s = st;
    const struct ab_problem *p = &s->p;
    (void)err;
    if (s->fault == F_CRASH) {
        volatile int *null = NULL;
        *null = 1;
    }
    if (s->fault == F_ABORT)
        abort();
    if (s->fault == F_HANG)
        for (volatile int spin = 1; spin;)
            ;
    if (s->fault == F_SLOW) {
        struct timespec ts = {s->sleep_ms / 1000, (s->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    double sc = 1.0 / sqrt((double)p->d);
    for (size_t h = 0; h < p->heads; h++)
        for (size_t i = 0; i < p->n; i++) {
            const float *q = p->q + (h * p->n + i) * p->d;
            float *o = out + (h * p->n + i) * p->dv;
            size_t kend = ab_mask_keys(p, h, i);
            if (kend == 0) { /* a padded row */
                for (size_t c = 0; c < p->dv; c++)
                    o[c] = s->fault == F_PAD_JUNK ? 1.0f : 0.0f;
                continue;
            }
            if (s->fault == F_LEAK)
                kend = p->n;
            double mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < kend; j++) {
                const float *k = p->k + (h * p->n + j) * p->d;
                double dot = 0;
                for (size_t c = 0; c < p->d; c++)
                    dot += (double)q[c] * k[c];
                s->row[j] = dot * sc;
                mx = s->row[j] > mx ? s->row[j] : mx;
            }
            for (size_t j = 0; j < kend; j++)
                sum += (s->row[j] = exp(s->row[j] - mx));
            for (size_t c = 0; c < p->dv; c++) {
                double acc = 0;
                for (size_t j = 0; j < kend; j++)
                    acc += s->row[j] * p->v[(h * p->n + j) * p->dv + c];
                o[c] = (float)(acc / sum);
            }
        }
    if (s->fault == F_NAN)
        out[p->dv + 1] = NAN;
    return AB_OK;
}

static void release(void *st)
{
    struct state *s = st;
    if (!s)
        return;
    if (s->row)
        s->p.free(s->row);
    s->p.free(s);
}

static const struct ab_method method = {
    .name = "test-fault",
    .summary = "test plugin: naive exact attention, or a chosen failure",
    .params = params,
    .nparams = 2,
    .caps = AB_CAP_CPU | AB_CAP_ROWS_SUM_1 | AB_CAP_EXACT | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = estimate,
    .prepare = prepare,
    .forward = forward,
    .release = release,
};

const struct ab_method *ab_plugin_entry(int *abi_version)
{
#ifdef AB_TEST_BAD_ABI
    *abi_version = AB_ABI_VERSION + 1000;
#else
    *abi_version = AB_ABI_VERSION;
#endif
    return &method;
}
