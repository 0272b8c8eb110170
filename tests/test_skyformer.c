/* test_skyformer.c — methods/skyformer: against a float64 evaluation of its
 * formula with the same landmarks (skyformer.h's draw; the iterative
 * pseudo-inverse in float64 from testlib), normalised and not, without a
 * mask and under padding (n not a multiple of the 128-token tile, odd and
 * even M, 1 and 2 threads); `rows` equal to that matrix; the padding leak
 * exactly 0 and causal refused with a note; report's target_rel_fro equal to
 * the test's own error against the exact Gaussian-kernel attention; with
 * every token a landmark, little ridge and a converged pseudo-inverse the
 * output reaches that target. No PyPI peer exists. */
#include "testlib.h"
#include "skyformer/skyformer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_skyformer_cpu;

/* kappa(x, y) = exp(-|x - y|^2 / (2 sqrt(D))) */
static double kappa(const float *x, const float *y, size_t D)
{
    double d2 = 0;
    for (size_t c = 0; c < D; c++)
        d2 += ((double)x[c] - y[c]) * ((double)x[c] - y[c]);
    return exp(-d2 / (2 * sqrt((double)D)));
}

/* The approximate matrix of head h (N x N, masked entries 0) from the
 * formula: kappa(Q, X~) Dh Z Dh kappa(X~, K), rows normalised if asked. */
static void formula_matrix(const struct ab_problem *p, size_t h, size_t m, double ridge, int iters,
                           int normalize, double *S)
{
    size_t N = p->n, D = p->d, L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
    size_t *idx = malloc(m * sizeof *idx);
    ab_skyformer_select(p->seed, h, L, m, idx);
    const float **x = malloc(m * sizeof *x);
    for (size_t l = 0; l < m; l++)
        x[l] = idx[l] < L ? p->q + (h * N + idx[l]) * D : p->k + (h * N + idx[l] - L) * D;
    double *a = malloc(m * m * 8), *z = malloc(m * m * 8), *ds = malloc(m * 8);
    double *fq = malloc(N * m * 8), *fk = malloc(N * m * 8), *pq = malloc(N * m * 8);
    for (size_t i = 0; i < m; i++) {
        double sum = 0;
        for (size_t j = 0; j < m; j++)
            sum += a[i * m + j] = kappa(x[i], x[j], D) + (i == j ? ridge : 0);
        ds[i] = 1 / sqrt(sum);
    }
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            a[i * m + j] *= ds[i] * ds[j];
    ab_test_pinv_iter_f64(a, m, ab_test_colmax_f64(a, m), iters, z);
    for (size_t i = 0; i < N; i++)
        for (size_t l = 0; l < m; l++) {
            fq[i * m + l] = kappa(p->q + (h * N + i) * D, x[l], D) * ds[l];
            fk[i * m + l] = kappa(p->k + (h * N + i) * D, x[l], D) * ds[l];
        }
    ab_test_mm_f64(fq, z, N, m, m, 1.0, pq);
    ab_test_abt_f64(pq, fk, N, N, m, 1.0, S);
    for (size_t i = 0; i < N; i++) {
        double sum = 0;
        for (size_t j = 0; j < N; j++) {
            if (i >= L || j >= L)
                S[i * N + j] = 0;
            sum += S[i * N + j];
        }
        for (size_t j = 0; normalize && i < L && j < N; j++)
            S[i * N + j] /= sum;
    }
    free(idx), free(x), free(a), free(z), free(ds), free(fq), free(fk), free(pq);
}

static void apply(const double *S, const float *v, size_t N, size_t DV, double *out)
{
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < DV; c++) {
            double acc = 0;
            for (size_t j = 0; j < N; j++)
                acc += S[i * N + j] * v[j * DV + c];
            out[i * DV + c] = acc;
        }
}

static const size_t lengths_203[3] = {150, 203, 13};

static void run(const struct ab_problem *p, const char *m, const char *norm, float *o)
{
    char a[48], b[48];
    snprintf(a, sizeof a, "landmarks=%s", m);
    snprintf(b, sizeof b, "normalize=%s", norm);
    struct ab_values vals = ab_test_values(&ab_skyformer_cpu, a, b, NULL);
    struct ab_err err;
    if (ab_test_run_method(&ab_skyformer_cpu, p, &vals, o, &err))
        fail_msg("%s", err.msg);
}

static void matches_float64_formula_with_the_same_landmarks(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed(), 1.0);
    double *S = malloc(N * N * 8), *ref = malloc(H * N * DV * 8);
    const char *ms[2] = {"24", "17"}; /* 17 <= 2 x 13 - 1: the shortest head fits */
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += 2)
        for (int c = 0; c < 4; c++) {
            const char *norm = c % 2 ? "false" : "true";
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 7, mask,
                                                         mask ? lengths_203 : NULL);
            p.threads = 1 + c / 2;
            run(&p, ms[c / 2], norm, x.o);
            for (size_t h = 0; h < H; h++) {
                formula_matrix(&p, h, (size_t)atoi(ms[c / 2]), 0.1, 6, c % 2 == 0, S);
                apply(S, x.v + h * N * DV, N, DV, ref + h * N * DV);
            }
            double e = ab_test_rel_err(x.o, ref, H * N * DV);
            print_message("%s, M = %s, normalize %s: rel err vs the float64 formula %.2e\n",
                          mask ? "padding" : "none", ms[c / 2], norm, e);
            /* float32 kernels through the pseudo-inverse: measured 2-3e-7 */
            assert_rel_err(x.o, ref, H * N * DV, 1e-5);
            if (mask)
                for (size_t h = 0; h < H; h++)
                    for (size_t i = lengths_203[h] * DV; i < N * DV; i++)
                        assert_true(x.o[h * N * DV + i] == 0.0f);
        }
    free(S), free(ref);
    ab_test_in_drop(&x);
}

static void rows_are_the_formula_matrix(void **s)
{
    (void)s;
    size_t H = 2, N = 140, D = 16, DV = 4, m = 20;
    const size_t len[2] = {140, 37};
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 3, 1.0);
    double *S = malloc(N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 3, AB_MASK_PADDING, len);
    struct ab_values vals = ab_test_values(&ab_skyformer_cpu, "landmarks=20", NULL);
    struct ab_err err;
    void *st = NULL;
    assert_int_equal(ab_skyformer_cpu.prepare(&p, &vals, &st, &err), AB_OK);
    assert_int_equal(ab_skyformer_cpu.forward(st, x.o, &err), AB_OK);
    double num = 0, den = 0;
    for (size_t h = 0; h < H; h++) {
        formula_matrix(&p, h, m, 0.1, 6, 1, S);
        for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
            size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
            assert_int_equal(ab_skyformer_cpu.rows(st, h, r0, r1, R, &err), AB_OK);
            for (size_t i = 0; i < (r1 - r0) * N; i++) {
                double e = R[i] - S[r0 * N + i];
                num += e * e, den += S[r0 * N + i] * S[r0 * N + i];
                if (S[r0 * N + i] == 0)
                    assert_true(R[i] == 0.0f); /* masked */
            }
        }
    }
    print_message("rows vs the float64 formula matrix: rel err %.2e\n", sqrt(num / den));
    assert_true(sqrt(num / den) < 1e-5); /* measured 2e-7 */
    ab_skyformer_cpu.release(st);
    free(S), free(R);
    ab_test_in_drop(&x);
}

static void padding_leak_is_zero_and_causal_is_refused(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 5, 1.3);
    for (int threads = 1; threads <= 2; threads++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, AB_MASK_PADDING,
                                                     lengths_203);
        p.threads = threads;
        struct ab_values vals = ab_test_values(&ab_skyformer_cpu, "landmarks=20", NULL);
        double leak = ab_test_leak(&ab_skyformer_cpu, &p, &vals, ab_test_seed() + 7);
        print_message("padding, %d thread(s): leak %.3g\n", threads, leak);
        assert_true(leak == 0.0);
    }
    assert_false(ab_skyformer_cpu.caps & AB_CAP_CAUSAL);
    assert_non_null(ab_skyformer_cpu.mask_note);
    assert_non_null(strstr(ab_skyformer_cpu.mask_note, "causal"));
    ab_test_in_drop(&x);
}

/* the exact (normalised) Gaussian-kernel attention, float64 */
static void gaussian_attention(const struct ab_problem *p, int normalize, double *out)
{
    size_t N = p->n, D = p->d, DV = p->dv;
    double *S = malloc(N * N * 8);
    for (size_t h = 0; h < p->heads; h++) {
        size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
        for (size_t i = 0; i < N; i++) {
            double sum = 0;
            for (size_t j = 0; j < N; j++)
                sum += S[i * N + j] = i < L && j < L ? kappa(p->q + (h * N + i) * D,
                                                              p->k + (h * N + j) * D, D)
                                                     : 0.0;
            for (size_t j = 0; normalize && i < L && j < N; j++)
                S[i * N + j] /= sum;
        }
        apply(S, p->v + h * N * DV, N, DV, out + h * N * DV);
    }
    free(S);
}

static double report_target(const struct ab_problem *p, const char *const *kv, float *o)
{
    struct ab_values vals = ab_test_values(&ab_skyformer_cpu, kv[0], kv[1], kv[2], kv[3], NULL);
    struct ab_err err;
    void *st = NULL;
    assert_int_equal(ab_skyformer_cpu.prepare(p, &vals, &st, &err), AB_OK);
    assert_int_equal(ab_skyformer_cpu.forward(st, o, &err), AB_OK);
    struct ab_report rep = {.pinv_resid = NAN, .pinv_vs_svd = NAN, .target_rel_fro = NAN};
    if (ab_skyformer_cpu.report(st, &rep, &err))
        fail_msg("%s", err.msg);
    assert_true(isnan(rep.pinv_resid) && isnan(rep.pinv_vs_svd));
    ab_skyformer_cpu.release(st);
    return rep.target_rel_fro;
}

static void report_target_is_the_gaussian_kernel_attention(void **s)
{
    (void)s;
    size_t H = 2, N = 150, D = 16, DV = 8;
    const size_t len[2] = {150, 61};
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 9, 1.0);
    double *ref = malloc(H * N * DV * 8);
    for (int c = 0; c < 4; c++) {
        int mask = c < 2 ? AB_MASK_NONE : AB_MASK_PADDING, normalize = c % 2 == 0;
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask,
                                                     mask ? len : NULL);
        p.threads = 2;
        const char *kv[4] = {"landmarks=32", normalize ? "normalize=true" : "normalize=false", NULL,
                             NULL};
        double t = report_target(&p, kv, x.o);
        gaussian_attention(&p, normalize, ref);
        double mine = ab_test_rel_err(x.o, ref, H * N * DV);
        print_message("%s, normalize %d: target_rel_fro %.4g (the test's float64: %.4g)\n",
                      mask ? "padding" : "none", normalize, t, mine);
        assert_true(fabs(t - mine) < 1e-6 * (1 + mine));
    }
    const char *off[4] = {"target=false", NULL, NULL, NULL};
    struct ab_problem p = ab_test_problem(H, N, D, DV, x.q, x.k, x.v, 1);
    assert_true(isnan(report_target(&p, off, x.o)));
    free(ref);
    ab_test_in_drop(&x);
}

/* Every token a landmark (M = 2N: X~ holds every query and key), ridge
 * 1e-4 and a converged iteration: kappa(Q, X~) A^-1 kappa(X~, K) is the
 * exact kernel block, so the output reaches its target. */
static void all_tokens_as_landmarks_reach_the_target(void **s)
{
    (void)s;
    size_t H = 1, N = 40, D = 8, DV = 4;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 11, 0.5);
    struct ab_problem p = ab_test_problem(H, N, D, DV, x.q, x.k, x.v, 1);
    const char *few[4] = {"landmarks=8", "ridge=1e-4", "pinv_iters=60", NULL};
    const char *all[4] = {"landmarks=80", "ridge=1e-4", "pinv_iters=60", NULL};
    double t8 = report_target(&p, few, x.o), t80 = report_target(&p, all, x.o);
    print_message("target_rel_fro: M = 8 %.3g, M = 2N = 80 %.3g\n", t8, t80);
    assert_true(t80 < 1e-2);
    assert_true(t80 < t8);
    ab_test_in_drop(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_formula_with_the_same_landmarks),
        cmocka_unit_test(rows_are_the_formula_matrix),
        cmocka_unit_test(padding_leak_is_zero_and_causal_is_refused),
        cmocka_unit_test(report_target_is_the_gaussian_kernel_attention),
        cmocka_unit_test(all_tokens_as_landmarks_reach_the_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
