/* linear_cpu.c — linear attention (Katharopoulos et al., ICML 2020,
 * "Transformers are RNNs"), phi(x) = elu(x) + 1 on the raw Q and K (no
 * 1/sqrt(D), as in the paper and pytorch-fast-transformers):
 *
 *   O_i = phi(q_i)^T sum_j phi(k_j) v_j^T / (phi(q_i)^T sum_j phi(k_j) + eps)
 *
 * F = D features, on the shared engine (linear.h): sums over tokens in
 * double; causal by prefix sums (row i reads keys <= i only: causal_leak is
 * exactly 0), padding with the padded keys out of both sums and padded rows
 * 0. FLOPs per head 4 N D DV + 4 N D (+ 2 N D for phi); memory H D (DV + 1)
 * doubles: O(N) time, O(1) in N memory.
 *
 * Two targets. Softmax is the harness's (out_rel_fro: linear attention is a
 * different kernel, so that error does not go to 0). Its own exact target is
 * the kernel attention with S_ij = phi(q_i).phi(k_j) / sum_l phi(q_i).phi(k_l),
 * which the formula above equals exactly (associativity): `report`'s
 * target_rel_fro measures that against a float64 evaluation, i.e. the
 * float32 rounding of this implementation. `rows` gives that normalised
 * kernel matrix. eps: pytorch-fast-transformers adds 1e-6 to the
 * denominator; the default 0 keeps every row summing to 1 (phi > 0, so the
 * denominator is positive).
 * precision: bf16|fp16 (AB_CAP_PRECISION): phi(Q), phi(K), the sums and the
 * normaliser stored in the format (linear.h); fp32 unchanged.
 * Tests: tests/test_linear.c (float64 quadratic reference under every mask,
 * leaks, rows, target), tests/test_peers.c (pytorch-fast-transformers),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "linear/linear.h"
#include "base/util.h"

#include <math.h>
#include <string.h>

static const struct ab_param linear_params[] = {
    {.name = "eps", .type = AB_PT_REAL, .def = "0", .lo = 0, .hi = 1,
     .help = "added to the denominator (pytorch-fast-transformers: 1e-6)"},
};

struct linear_state {
    struct ab_lin lin;
};

static void elu1(const void *ctx, const float *x, size_t d, size_t i, size_t valid, double *out)
{
    (void)ctx, (void)i, (void)valid;
    for (size_t c = 0; c < d; c++) {
        double a = (double)x[c];
        out[c] = a > 0 ? a + 1.0 : exp(a);
    }
}

static int linear_estimate(const struct ab_problem *p, const struct ab_values *v,
                           struct ab_estimate *est, struct ab_err *err)
{
    (void)v;
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "linear: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    est->flops = ab_lin_flops(p, p->d, (double)p->d);
    est->workspace_bytes = (double)(sizeof(struct linear_state) + ab_lin_bytes(p, p->d));
    est->budget = (double)p->d; /* the features */
    return AB_OK;
}

static int linear_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                          struct ab_err *err)
{
    struct ab_estimate est;
    int rc = linear_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct linear_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "linear: out of memory for the state");
    memset(s, 0, sizeof *s);
    s->lin.p = *p; /* release needs the allocator even if init fails */
    *statep = s;
    return ab_lin_init(&s->lin, p, p->d, elu1, NULL, AB_LIN_DEN_ADD, ab_values_real(v, "eps"),
                       "linear", err);
}

static int linear_forward(void *state, float *out, struct ab_err *err)
{
    struct linear_state *s = state;
    return ab_lin_underflow(&s->lin, ab_lin_forward(&s->lin, out), "linear", err);
}

static int linear_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct linear_state *s = state;
    return ab_lin_rows(&s->lin, h, r0, r1, S, "linear", err);
}

static int linear_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct linear_state *s = state;
    return ab_lin_target_rel_fro(&s->lin, &rep->target_rel_fro, "linear", err);
}

static void linear_release(void *state)
{
    struct linear_state *s = state;
    if (!s)
        return;
    ab_lin_free(&s->lin);
    s->lin.p.free(s);
}

const struct ab_method ab_linear_cpu = {
    .name = "linear",
    .summary = "linear attention, phi = elu + 1 (Katharopoulos et al.): O(N), its own kernel, not softmax",
    .params = linear_params,
    .nparams = (int)(sizeof linear_params / sizeof linear_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = linear_estimate,
    .prepare = linear_prepare,
    .forward = linear_forward,
    .rows = linear_rows,
    .report = linear_report,
    .release = linear_release,
};
