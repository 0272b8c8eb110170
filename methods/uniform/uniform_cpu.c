/* uniform_cpu.c — the trivial floor: every query attends equally to every
 * key its mask leaves it, so O_i is the mean of those values.
 *
 *   no mask   O_i = (1/N) sum_j v_j               (one mean per head)
 *   padding   O_i = (1/L) sum_{j<L} v_j, i < L;   rows i >= L are 0
 *   causal    O_i = (1/(i+1)) sum_{j<=i} v_j      (a prefix sum)
 *
 * Sums in double, in key order (a row never reads a later key: causal_leak
 * is exactly 0). It is what "attention" degrades to when it stops telling
 * tokens apart: an approximation whose error reaches uniform's has lost all
 * of the attention pattern. FLOPs: N DV additions and N DV divisions per
 * head; memory: DV doubles per head. `rows` gives S_ij = 1/keys(i).
 * precision: bf16|fp16 (AB_CAP_PRECISION): V arrives rounded; the means
 * accumulate in float64 as always.
 * Tests: tests/test_masks.c, tests/test_precision.c. */
#include "attnbench.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>

struct uniform_state {
    struct ab_problem p;
    double *acc; /* H x DV */
};

static int uniform_estimate(const struct ab_problem *p, const struct ab_values *vals,
                            struct ab_estimate *est, struct ab_err *err)
{
    (void)vals;
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0) {
        snprintf(err->msg, sizeof err->msg, "uniform: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                 p->heads, p->n, p->d, p->dv);
        return AB_EINVAL;
    }
    est->flops = 2.0 * (double)p->heads * (double)p->n * (double)p->dv;
    est->budget = 1; /* one "landmark": the mean */
    est->workspace_bytes =
        (double)sizeof(struct uniform_state) + (double)(p->heads * p->dv * sizeof(double));
    return AB_OK;
}

static int uniform_prepare(const struct ab_problem *p, const struct ab_values *vals, void **statep,
                           struct ab_err *err)
{
    struct ab_estimate est;
    int rc = uniform_estimate(p, vals, &est, err);
    if (rc)
        return rc;
    struct uniform_state *s = p->alloc(sizeof *s);
    if (!s) {
        snprintf(err->msg, sizeof err->msg, "uniform: out of memory for the state");
        return AB_ENOMEM;
    }
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    if (!(s->acc = p->alloc(p->heads * p->dv * sizeof(double)))) {
        snprintf(err->msg, sizeof err->msg, "uniform: out of memory for the sums");
        return AB_ENOMEM;
    }
    return AB_OK;
}

static int uniform_forward(void *state, float *out, struct ab_err *err)
{
    struct uniform_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, DV = p->dv;
    (void)err;
#pragma omp parallel for schedule(static) num_threads(p->threads)
    for (long hh = 0; hh < (long)p->heads; hh++) {
        size_t h = (size_t)hh, L = ab_mask_valid(p, h);
        const float *v = p->v + h * N * DV;
        float *o = out + h * N * DV;
        double *acc = s->acc + h * DV;
        memset(acc, 0, DV * sizeof *acc);
        if (p->mask == AB_MASK_CAUSAL) {
            for (size_t i = 0; i < N; i++) {
                double inv = 1.0 / (double)(i + 1);
                for (size_t c = 0; c < DV; c++) {
                    acc[c] += v[i * DV + c];
                    o[i * DV + c] = (float)(acc[c] * inv);
                }
            }
            continue;
        }
        for (size_t j = 0; j < L; j++)
            for (size_t c = 0; c < DV; c++)
                acc[c] += v[j * DV + c];
        double inv = 1.0 / (double)L;
        for (size_t i = 0; i < L; i++)
            for (size_t c = 0; c < DV; c++)
                o[i * DV + c] = (float)(acc[c] * inv);
        memset(o + L * DV, 0, (N - L) * DV * sizeof(float));
    }
    return AB_OK;
}

static int uniform_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct uniform_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n;
    if (h >= p->heads || r0 > r1 || r1 > N) {
        snprintf(err->msg, sizeof err->msg, "uniform: rows [%zu, %zu) of head %zu out of range", r0,
                 r1, h);
        return AB_EINVAL;
    }
    for (size_t r = r0; r < r1; r++) {
        float *row = S + (r - r0) * N;
        size_t kend = ab_mask_keys(p, h, r);
        float w = kend ? (float)(1.0 / (double)kend) : 0.0f;
        for (size_t j = 0; j < N; j++)
            row[j] = j < kend ? w : 0.0f;
    }
    return AB_OK;
}

static void uniform_release(void *state)
{
    struct uniform_state *s = state;
    if (!s)
        return;
    if (s->acc)
        s->p.free(s->acc);
    s->p.free(s);
}

const struct ab_method ab_uniform_cpu = {
    .name = "uniform",
    .summary = "the floor: every query attends equally to the keys its mask leaves (the mean of V)",
    .params = NULL,
    .nparams = 0,
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_CAUSAL |
            AB_CAP_PADDING,
    .estimate = uniform_estimate,
    .prepare = uniform_prepare,
    .forward = uniform_forward,
    .rows = uniform_rows,
    .report = NULL,
    .release = uniform_release,
};
