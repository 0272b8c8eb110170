/* test_performer.c — methods/performer: both kernels against a float64
 * implementation with the same features; orthogonal blocks are orthogonal;
 * the positive random features estimate the softmax kernel without bias and
 * with a variance that falls as features grow; defaults. (Rows summing to 1
 * and reproducing forward: tests/test_contract.c.) */
#include "performer/performer.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_performer_cpu;

/* phi(x) in float64 (no stabiliser, no 1/sqrt(r)). */
static void phi(const float *W, size_t r, size_t d, const float *x, int relu, double *out)
{
    double s = pow((double)d, -0.25), n2 = 0;
    for (size_t c = 0; c < d; c++)
        n2 += (double)x[c] * x[c] * s * s;
    for (size_t i = 0; i < r; i++) {
        double u = 0;
        for (size_t c = 0; c < d; c++)
            u += (double)W[i * d + c] * x[c] * s;
        out[i] = relu ? (u > 0 ? u : 0) + 1e-3 : exp(u - n2 / 2);
    }
}

static void oracle(const float *W, size_t r, size_t N, size_t d, size_t dv, const float *q,
                   const float *k, const float *v, int relu, double *out)
{
    double *pk = malloc(N * r * 8), *pq = malloc(r * 8), *kv = calloc(r * dv, 8), *ks = calloc(r, 8);
    for (size_t j = 0; j < N; j++) {
        phi(W, r, d, k + j * d, relu, pk + j * r);
        for (size_t i = 0; i < r; i++) {
            ks[i] += pk[j * r + i];
            for (size_t c = 0; c < dv; c++)
                kv[i * dv + c] += pk[j * r + i] * v[j * dv + c];
        }
    }
    for (size_t t = 0; t < N; t++) {
        phi(W, r, d, q + t * d, relu, pq);
        double den = 0;
        for (size_t i = 0; i < r; i++)
            den += pq[i] * ks[i];
        for (size_t c = 0; c < dv; c++) {
            double num = 0;
            for (size_t i = 0; i < r; i++)
                num += pq[i] * kv[i * dv + c];
            out[t * dv + c] = num / den;
        }
    }
    free(pk), free(pq), free(kv), free(ks);
}

static void matches_float64_formula_for_both_kernels(void **s)
{
    (void)s;
    size_t H = 2, N = 333, D = 16, DV = 8, r = 48;
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * DV * 4),
          *o = malloc(H * N * DV * 4), *W = malloc(r * D * 4);
    ab_test_fill_normal(q, H * N * D, ab_test_seed(), 1.0);
    ab_test_fill_normal(k, H * N * D, ab_test_seed() + 1, 1.0);
    ab_test_fill_normal(v, H * N * DV, ab_test_seed() + 2, 1.0);
    double *ref = malloc(H * N * DV * 8);
    const char *kernels[] = {"kernel=softmax", "kernel=relu"};
    const char *orth[] = {"orthogonal=true", "orthogonal=false"};
    for (int kk = 0; kk < 2; kk++)
        for (int oo = 0; oo < 2; oo++) {
            uint64_t seed = ab_test_seed() % 997 + (uint64_t)(2 * kk + oo);
            struct ab_values vals = ab_test_values(&ab_performer_cpu, "features=48", kernels[kk],
                                                   orth[oo], NULL);
            struct ab_problem p = ab_test_problem(H, N, D, DV, q, k, v, seed);
            p.threads = 1 + 2 * oo; /* 3 threads: key chunks merged across threads */
            struct ab_err err;
            if (ab_test_run_method(&ab_performer_cpu, &p, &vals, o, &err))
                fail_msg("%s", err.msg);
            assert_int_equal(ab_performer_draw(seed, r, D, oo == 0, AB_PERF_NORMS_CHI, W), 0);
            for (size_t h = 0; h < H; h++)
                oracle(W, r, N, D, DV, q + h * N * D, k + h * N * D, v + h * N * DV, kk,
                       ref + h * N * DV);
            print_message("%s %s: rel err %.2e\n", kernels[kk], orth[oo],
                          ab_test_rel_err(o, ref, H * N * DV));
            assert_rel_err(o, ref, H * N * DV, 1e-5);
        }
    free(q), free(k), free(v), free(o), free(W), free(ref);
}

/* performer-pytorch's features in float64: exp(u - |x'|^2/2 - c) + eps with
 * c the largest u = W x' (per query row; per head over every key and
 * feature): the constant does not cancel, so c must be theirs. */
static void eps_oracle(const float *W, size_t r, size_t N, size_t d, size_t dv, const float *q,
                       const float *k, const float *v, double eps, double *out)
{
    double s = pow((double)d, -0.25), ck = -INFINITY;
    double *u = malloc(N * r * 8), *h = malloc(N * 8), *kv = calloc(r * dv, 8), *ks = calloc(r, 8);
    /* u = W x' and h = |x'|^2 / 2 of row j of x (N x d); returns max_i u_i */
    for (int pass = 0; pass < 2; pass++) { /* 0: keys; 1: queries, each to its output */
        const float *x = pass ? q : k;
        for (size_t j = 0; j < N; j++) {
            double n2 = 0, mx = -INFINITY;
            for (size_t c = 0; c < d; c++)
                n2 += (double)x[j * d + c] * x[j * d + c] * s * s;
            h[j] = n2 / 2;
            for (size_t i = 0; i < r; i++) {
                double a = 0;
                for (size_t c = 0; c < d; c++)
                    a += (double)W[i * d + c] * x[j * d + c] * s;
                u[j * r + i] = a;
                mx = fmax(mx, a);
            }
            if (!pass) {
                ck = fmax(ck, mx);
                continue;
            }
            double den = 0, *f = u + j * r;
            for (size_t i = 0; i < r; i++) {
                f[i] = exp(f[i] - h[j] - mx) + eps;
                den += f[i] * ks[i];
            }
            for (size_t c = 0; c < dv; c++) {
                double num = 0;
                for (size_t i = 0; i < r; i++)
                    num += f[i] * kv[i * dv + c];
                out[j * dv + c] = num / den;
            }
        }
        if (!pass) /* the keys' features, phi(K)^T V and phi(K)^T 1 */
            for (size_t j = 0; j < N; j++)
                for (size_t i = 0; i < r; i++) {
                    double f = exp(u[j * r + i] - h[j] - ck) + eps;
                    ks[i] += f;
                    for (size_t c = 0; c < dv; c++)
                        kv[i * dv + c] += f * v[j * dv + c];
                }
    }
    free(u), free(h), free(kv), free(ks);
}

static void eps_matches_float64_formula_with_pytorch_stabilisers(void **s)
{
    (void)s;
    /* N > 256 keys: several key tiles, so the online rescaling is exercised */
    size_t H = 2, N = 700, D = 16, DV = 8, r = 40;
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * DV * 4),
          *o = malloc(H * N * DV * 4), *W = malloc(r * D * 4);
    ab_test_fill_normal(q, H * N * D, ab_test_seed() + 11, 1.5);
    ab_test_fill_normal(k, H * N * D, ab_test_seed() + 12, 1.5);
    ab_test_fill_normal(v, H * N * DV, ab_test_seed() + 13, 1.0);
    double *ref = malloc(H * N * DV * 8);
    const char *eps[] = {"eps=1e-4", "eps=0.01"};
    double epsv[] = {1e-4, 0.01};
    for (int e = 0; e < 2; e++)
        for (int threads = 1; threads <= 3; threads += 2) {
            uint64_t seed = ab_test_seed() % 991 + (uint64_t)e;
            struct ab_values vals = ab_test_values(&ab_performer_cpu, "features=40", eps[e], NULL);
            struct ab_problem p = ab_test_problem(H, N, D, DV, q, k, v, seed);
            p.threads = threads;
            struct ab_err err;
            if (ab_test_run_method(&ab_performer_cpu, &p, &vals, o, &err))
                fail_msg("%s", err.msg);
            assert_int_equal(ab_performer_draw(seed, r, D, 1, AB_PERF_NORMS_CHI, W), 0);
            for (size_t h = 0; h < H; h++)
                eps_oracle(W, r, N, D, DV, q + h * N * D, k + h * N * D, v + h * N * DV, epsv[e],
                           ref + h * N * DV);
            print_message("%s, %d threads: rel err %.2e\n", eps[e], threads,
                          ab_test_rel_err(o, ref, H * N * DV));
            assert_rel_err(o, ref, H * N * DV, 1e-5);
        }
    free(q), free(k), free(v), free(o), free(W), free(ref);
}

static void orthogonal_blocks_are_orthogonal_with_their_norms(void **s)
{
    (void)s;
    size_t r = 40, d = 16;
    float *W = malloc(r * d * 4);
    assert_int_equal(ab_performer_draw(ab_test_seed(), r, d, 1, AB_PERF_NORMS_SQRT_D, W), 0);
    for (size_t b = 0; b < r; b += d)
        for (size_t i = b; i < b + d && i < r; i++)
            for (size_t j = b; j < b + d && j < r; j++) {
                double dot = 0;
                for (size_t c = 0; c < d; c++)
                    dot += (double)W[i * d + c] * W[j * d + c];
                assert_true(fabs(dot - (i == j ? (double)d : 0.0)) < 1e-4);
            }
    free(W);
}

/* The estimator phi(q).phi(k)/r over many draws of W. */
static void estimate_kernel(size_t r, int orthogonal, int draws, double *mean, double *var)
{
    size_t d = 8;
    float q[8], k[8], *W = malloc(r * d * 4);
    for (size_t c = 0; c < d; c++)
        q[c] = 0.3f * (float)((int)c - 3), k[c] = 0.25f * (float)(c % 3) - 0.2f;
    double *pq = malloc(r * 8), *pk = malloc(r * 8), s1 = 0, s2 = 0;
    for (int t = 0; t < draws; t++) {
        assert_int_equal(ab_performer_draw(ab_test_seed() + (uint64_t)t * 7919, r, d, orthogonal,
                                           AB_PERF_NORMS_CHI, W),
                         0);
        phi(W, r, d, q, 0, pq);
        phi(W, r, d, k, 0, pk);
        double e = 0;
        for (size_t i = 0; i < r; i++)
            e += pq[i] * pk[i];
        e /= (double)r;
        s1 += e, s2 += e * e;
    }
    *mean = s1 / draws;
    *var = s2 / draws - *mean * *mean;
    free(W), free(pq), free(pk);
}

static void features_estimate_the_softmax_kernel_without_bias(void **s)
{
    (void)s;
    float q[8], k[8];
    for (size_t c = 0; c < 8; c++)
        q[c] = 0.3f * (float)((int)c - 3), k[c] = 0.25f * (float)(c % 3) - 0.2f;
    double dot = 0;
    for (size_t c = 0; c < 8; c++)
        dot += (double)q[c] * k[c];
    double truth = exp(dot / sqrt(8.0));
    for (int orth = 0; orth < 2; orth++) {
        double mean, var;
        const int draws = 3000;
        estimate_kernel(16, orth, draws, &mean, &var);
        double se = sqrt(var / draws);
        print_message("orthogonal=%d: mean %.5f, truth %.5f, standard error %.5f\n", orth, mean,
                      truth, se);
        assert_true(fabs(mean - truth) < 5 * se);
    }
}

static void variance_falls_as_features_grow(void **s)
{
    (void)s;
    /* Expected ratio about 8 (orthogonal features do a little better than 128/16). With 600
     * draws the heavy-tailed sample variance dipped below 4 about once in 60 seeds; with 3000
     * the smallest ratio over 100 seeds was 6.8. */
    double m16, v16, m128, v128;
    estimate_kernel(16, 1, 3000, &m16, &v16);
    estimate_kernel(128, 1, 3000, &m128, &v128);
    print_message("variance r=16 %.3g, r=128 %.3g, ratio %.1f\n", v16, v128, v16 / v128);
    assert_true(v16 / v128 > 4);
}

static void features_default_to_d_ln_d(void **s)
{
    (void)s;
    float z[64] = {0};
    struct ab_err err;
    struct ab_estimate est;
    struct ab_problem p = ab_test_problem(1, 4, 64, 4, z, z, z, 1);
    struct ab_values vals = ab_test_values(&ab_performer_cpu, NULL);
    assert_int_equal(ab_performer_cpu.estimate(&p, &vals, &est, &err), AB_OK);
    assert_true(est.budget == 266); /* floor(64 ln 64) */
    double v;
    const char *str;
    assert_int_equal(ab_value_parse(&ab_performer_cpu.params[0], "-1", &v, &str, &err), AB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_formula_for_both_kernels),
        cmocka_unit_test(eps_matches_float64_formula_with_pytorch_stabilisers),
        cmocka_unit_test(orthogonal_blocks_are_orthogonal_with_their_norms),
        cmocka_unit_test(features_estimate_the_softmax_kernel_without_bias),
        cmocka_unit_test(variance_falls_as_features_grow),
        cmocka_unit_test(features_default_to_d_ln_d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
