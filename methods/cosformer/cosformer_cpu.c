/* cosformer_cpu.c — cosFormer (Qin et al., ICLR 2022): ReLU features with a
 * cos re-weighting of the position distance,
 *
 *   s_ij = ReLU(q_i) . ReLU(k_j) cos(pi/2 (i - j) / M),
 *   O_i  = sum_j s_ij v_j / max(sum_j s_ij, eps),
 *
 * computed by Ptolemy's identity cos(a - b) = cos a cos b + sin a sin b as
 * ONE linear attention with F = 2D features per token,
 *   phi(x_i) = [ReLU(x_i) sin(a_i), ReLU(x_i) cos(a_i)],  a_i = pi/2 (i + 1) / M,
 * (the 1-based position index of the authors' code, OpenNLPLab/cosFormer,
 * `get_index`: pi/2 * arange(1, len + 1), divided by M), on the shared
 * engine (linear/linear.h): sums in double, causal by prefix sums
 * (causal_leak exactly 0), padding with the padded keys out of both sums.
 * M: the authors use M = max(source, target length) = N; here M = N, and
 * under padding M = the head's valid length L (the re-weighting spans the
 * real sequence, so valid rows do not depend on how much padding follows;
 * padding_leak is exactly 0). Under the causal mask M = N too, as in their
 * causal branch (a fixed, known length: no future content enters). The
 * denominator is clamped at eps (their clamp_min, 1e-6): a row whose ReLU
 * features miss every key gives 0, not NaN, so rows need not sum to 1.
 * No 1/sqrt(D) scaling (the authors apply ReLU to the projections as they are).
 *
 * FLOPs per head 8 N D DV + 8 N D (+ phi); memory H 2D (DV + 1) doubles.
 * Targets: out_rel_fro against softmax (a different kernel: it does not go
 * to 0); report's target_rel_fro against its own exact kernel attention
 * (s_ij normalised) in float64, i.e. the float32 rounding; `rows` gives the
 * normalised s_ij. No PyPI package ships cosFormer: no peer golden.
 * precision: bf16|fp16 (AB_CAP_PRECISION): the features phi (the
 * re-weighted ReLU maps), the sums and the normaliser stored in the format
 * (linear.h); fp32 unchanged.
 * Tests: tests/test_cosformer.c (a float64 quadratic reference from the
 * cos form, every mask, leaks, rows, target), tests/test_precision.c. */
#include "attnbench.h"
#include "linear/linear.h"
#include "base/util.h"

#include <math.h>
#include <string.h>

static const struct ab_param cosformer_params[] = {
    {.name = "eps", .type = AB_PT_REAL, .def = "1e-6", .lo = 0, .hi = 1,
     .help = "the denominator is max(den, eps) (the authors' clamp_min, 1e-6)"},
};

struct cosformer_state {
    struct ab_lin lin;
};

/* [ReLU(x) sin a, ReLU(x) cos a], a = pi/2 (i + 1) / M with M = valid */
static void relu_cos(const void *ctx, const float *x, size_t d, size_t i, size_t valid, double *out)
{
    (void)ctx;
    double a = 1.5707963267948966 * (double)(i + 1) / (double)valid, sn = sin(a), cs = cos(a); /* pi/2 */
    for (size_t c = 0; c < d; c++) {
        double r = x[c] > 0 ? (double)x[c] : 0.0;
        out[c] = r * sn;
        out[d + c] = r * cs;
    }
}

static int cosformer_estimate(const struct ab_problem *p, const struct ab_values *v,
                              struct ab_estimate *est, struct ab_err *err)
{
    (void)v;
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "cosformer: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    est->flops = ab_lin_flops(p, 2 * p->d, 2.0 * (double)p->d);
    est->workspace_bytes = (double)(sizeof(struct cosformer_state) + ab_lin_bytes(p, 2 * p->d));
    est->budget = 2.0 * (double)p->d; /* the features */
    return AB_OK;
}

static int cosformer_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                             struct ab_err *err)
{
    struct ab_estimate est;
    int rc = cosformer_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct cosformer_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "cosformer: out of memory for the state");
    memset(s, 0, sizeof *s);
    s->lin.p = *p;
    *statep = s;
    return ab_lin_init(&s->lin, p, 2 * p->d, relu_cos, NULL, AB_LIN_DEN_CLAMP,
                       ab_values_real(v, "eps"), "cosformer", err);
}

static int cosformer_forward(void *state, float *out, struct ab_err *err)
{
    struct cosformer_state *s = state;
    return ab_lin_underflow(&s->lin, ab_lin_forward(&s->lin, out), "cosformer", err);
}

static int cosformer_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct cosformer_state *s = state;
    return ab_lin_rows(&s->lin, h, r0, r1, S, "cosformer", err);
}

static int cosformer_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct cosformer_state *s = state;
    return ab_lin_target_rel_fro(&s->lin, &rep->target_rel_fro, "cosformer", err);
}

static void cosformer_release(void *state)
{
    struct cosformer_state *s = state;
    if (!s)
        return;
    ab_lin_free(&s->lin);
    s->lin.p.free(s);
}

const struct ab_method ab_cosformer_cpu = {
    .name = "cosformer",
    .summary = "cosFormer (Qin et al.): ReLU features, cos re-weighting of i - j, M = N; O(N), its own kernel",
    .params = cosformer_params,
    .nparams = (int)(sizeof cosformer_params / sizeof cosformer_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = cosformer_estimate,
    .prepare = cosformer_prepare,
    .forward = cosformer_forward,
    .rows = cosformer_rows,
    .report = cosformer_report,
    .release = cosformer_release,
};
