/* test_nystrom_direct.c — methods/nystrom_direct: with every token a landmark
 * it is exact attention (S S^+ S = S); against a float64 evaluation of
 * S[:, L] pinv(S[L, L]) S[L, :] V, unmasked and on the masked S (causal,
 * padding), with the leaks; random landmarks are seeded. (Landmarks
 * > N: tests/test_contract.c.) */
#include "nystrom/nystrom.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_nystrom_direct_cpu;

static void run(size_t H, size_t N, size_t D, const float *q, const float *k, const float *v,
                float *o, const char *a, const char *b, uint64_t seed)
{
    struct ab_values vals = ab_test_values(&ab_nystrom_direct_cpu, a, b, NULL);
    struct ab_problem p = ab_test_problem(H, N, D, D, q, k, v, seed);
    struct ab_err err;
    if (ab_test_run_method(&ab_nystrom_direct_cpu, &p, &vals, o, &err))
        fail_msg("%s", err.msg);
}

static void all_tokens_as_landmarks_is_exact(void **s)
{
    (void)s;
    size_t H = 2, N = 96, D = 16;
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * D * 4),
          *o = malloc(H * N * D * 4);
    ab_test_fill_normal(q, H * N * D, ab_test_seed(), 1.0);
    ab_test_fill_normal(k, H * N * D, ab_test_seed() + 1, 1.0);
    ab_test_fill_normal(v, H * N * D, ab_test_seed() + 2, 1.0);
    for (size_t i = 0; i < H * N * D; i++)
        k[i] = q[i] + 0.25f * k[i]; /* a well-conditioned S, as in test_nystrom */
    double *ref = malloc(H * N * D * 8);
    ab_test_attention_f64(H, N, D, D, q, k, v, ref);
    run(H, N, D, q, k, v, o, "landmarks=96", "selection=strided", 1);
    assert_rel_err(o, ref, H * N * D, 1e-4);
    run(H, N, D, q, k, v, o, "landmarks=96", "selection=random", 1);
    assert_rel_err(o, ref, H * N * D, 1e-4);
    free(q), free(k), free(v), free(o), free(ref);
}

static void matches_float64_classical_nystrom(void **s)
{
    (void)s;
    size_t N = 120, D = 16, M = 12;
    float *q = malloc(N * D * 4), *k = malloc(N * D * 4), *v = malloc(N * D * 4), *o = malloc(N * D * 4);
    ab_test_fill_normal(q, N * D, ab_test_seed() + 3, 1.5);
    ab_test_fill_normal(k, N * D, ab_test_seed() + 4, 1.5);
    ab_test_fill_normal(v, N * D, ab_test_seed() + 5, 1.0);
    run(1, N, D, q, k, v, o, "landmarks=12", "selection=random", 77);
    size_t idx[12];
    ab_nystrom_select(N, M, AB_SEL_RANDOM, 77, idx);
    double *S = malloc(N * N * 8), *W = malloc(M * M * 8), *Wp = malloc(M * M * 8);
    ab_test_attn_matrix_f64(N, D, q, k, S);
    for (size_t a = 0; a < M; a++)
        for (size_t b = 0; b < M; b++)
            W[a * M + b] = S[idx[a] * N + idx[b]];
    /* pinv(W) by SVD with the method's rcond (testlib's, the same rule) */
    double cond = ab_test_cond2_f64(W, M);
    ab_test_pinv_svd_f64(W, M, Wp);
    double *ref = malloc(N * D * 8), slv[12 * 16], y[12 * 16];
    for (size_t a = 0; a < M; a++)
        for (size_t c = 0; c < D; c++) {
            double acc = 0;
            for (size_t j = 0; j < N; j++)
                acc += S[idx[a] * N + j] * v[j * D + c];
            slv[a * D + c] = acc;
        }
    for (size_t a = 0; a < M; a++)
        for (size_t c = 0; c < D; c++) {
            double acc = 0;
            for (size_t b = 0; b < M; b++)
                acc += Wp[a * M + b] * slv[b * D + c];
            y[a * D + c] = acc;
        }
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < D; c++) {
            double acc = 0;
            for (size_t a = 0; a < M; a++)
                acc += S[i * N + idx[a]] * y[a * D + c];
            ref[i * D + c] = acc;
        }
    double e = ab_test_rel_err(o, ref, N * D), tol = fmax(1e-5, 1e-7 * cond);
    print_message("cond(S[L,L]) %.3g, rel err %.2e (tol %.1e)\n", cond, e, tol);
    assert_rel_err(o, ref, N * D, tol);
    free(q), free(k), free(v), free(o), free(S), free(W), free(Wp), free(ref);
}

/* Under a mask: S is the true masked matrix; with padding each head takes
 * min(M, L) strided landmarks among its L valid tokens. */
static void masked_matches_float64_classical_nystrom(void **s)
{
    (void)s;
    size_t H = 3, N = 130, D = 16, M = 12, len[] = {130, 77, 9};
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * D * 4),
          *o = malloc(H * N * D * 4);
    double *S = malloc(N * N * 8), *W = malloc(M * M * 8), *Wp = malloc(M * M * 8);
    double *ref = calloc(H * N * D, 8), slv[12 * 16], y[12 * 16];
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
        ab_test_fill_normal(q, H * N * D, ab_test_seed() + 10 + (uint64_t)mask, 1.2);
        ab_test_fill_normal(k, H * N * D, ab_test_seed() + 20 + (uint64_t)mask, 1.2);
        ab_test_fill_normal(v, H * N * D, ab_test_seed() + 30 + (uint64_t)mask, 1.0);
        struct ab_problem p = ab_test_problem_masked(H, N, D, D, q, k, v, 1, mask,
                                                     mask == AB_MASK_PADDING ? len : NULL);
        struct ab_values vals = ab_test_values(&ab_nystrom_direct_cpu, "landmarks=12", NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_nystrom_direct_cpu, &p, &vals, o, &err))
            fail_msg("%s", err.msg);
        double worst = 0;
        for (size_t h = 0; h < H; h++) {
            size_t L = mask == AB_MASK_PADDING ? len[h] : N, Mh = M < L ? M : L, idx[12];
            ab_nystrom_select(L, Mh, AB_SEL_STRIDED, 1, idx);
            ab_test_attn_matrix_masked_f64(&p, h, S);
            for (size_t a = 0; a < Mh; a++)
                for (size_t b = 0; b < Mh; b++)
                    W[a * Mh + b] = S[idx[a] * N + idx[b]];
            worst = fmax(worst, ab_test_cond2_f64(W, Mh));
            ab_test_pinv_svd_f64(W, Mh, Wp);
            const float *vh = v + h * N * D;
            for (size_t a = 0; a < Mh; a++)
                for (size_t c = 0; c < D; c++) {
                    double acc = 0;
                    for (size_t j = 0; j < N; j++)
                        acc += S[idx[a] * N + j] * vh[j * D + c];
                    slv[a * D + c] = acc;
                }
            for (size_t a = 0; a < Mh; a++)
                for (size_t c = 0; c < D; c++) {
                    double acc = 0;
                    for (size_t b = 0; b < Mh; b++)
                        acc += Wp[a * Mh + b] * slv[b * D + c];
                    y[a * D + c] = acc;
                }
            for (size_t i = 0; i < N; i++)
                for (size_t c = 0; c < D; c++) {
                    double acc = 0;
                    for (size_t a = 0; a < Mh; a++)
                        acc += S[i * N + idx[a]] * y[a * D + c];
                    ref[(h * N + i) * D + c] = acc;
                }
        }
        double e = ab_test_rel_err(o, ref, H * N * D), tol = fmax(1e-5, 1e-7 * worst);
        print_message("mask %d: cond(S[L,L]) %.3g, rel err vs float64 %.2e (tol %.1e)\n", mask,
                      worst, e, tol);
        assert_rel_err(o, ref, H * N * D, tol);
    }
    free(q), free(k), free(v), free(o), free(S), free(W), free(Wp), free(ref);
}

/* Every (valid) token a landmark: exact masked attention; the padding leak
 * is 0; the causal leak (the SVD pinv of the triangular S[L, L] is
 * triangular only up to rounding) is printed and bounded. */
static void masked_all_tokens_exact_and_leaks(void **s)
{
    (void)s;
    size_t H = 2, N = 90, D = 16, len[] = {90, 41};
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * D * 4),
          *o = malloc(H * N * D * 4);
    double *ref = malloc(H * N * D * 8);
    ab_test_fill_normal(q, H * N * D, ab_test_seed() + 40, 1.0);
    ab_test_fill_normal(k, H * N * D, ab_test_seed() + 41, 1.0);
    ab_test_fill_normal(v, H * N * D, ab_test_seed() + 42, 1.0);
    for (size_t i = 0; i < H * N * D; i++)
        k[i] = q[i] + 0.25f * k[i];
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, D, q, k, v, 1, mask,
                                                     mask == AB_MASK_PADDING ? len : NULL);
        struct ab_values vals = ab_test_values(&ab_nystrom_direct_cpu, "landmarks=90", NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_nystrom_direct_cpu, &p, &vals, o, &err))
            fail_msg("%s", err.msg);
        ab_test_attention_masked_f64(&p, ref);
        print_message("mask %d, all tokens: rel err vs exact %.2e\n", mask,
                      ab_test_rel_err(o, ref, H * N * D));
        assert_rel_err(o, ref, H * N * D, 1e-4);
        vals = ab_test_values(&ab_nystrom_direct_cpu, "landmarks=12", NULL);
        double leak = ab_test_leak(&ab_nystrom_direct_cpu, &p, &vals, ab_test_seed() + 43);
        print_message("mask %d, M = 12: leak %.3g\n", mask, leak);
        if (mask == AB_MASK_PADDING)
            assert_true(leak == 0.0);
        else { /* causal: S[L, L] is triangular only in exact arithmetic, so the
                * pseudo-inverse's rounding, amplified by cond(S[L, L]), leaks at
                * m = 12 (0 on most seeds, 0.037 on one): measured, not bounded.
                * With every token a landmark the output is exact causal
                * attention (above), which reads no future key: the leak is
                * that rounding only */
            vals = ab_test_values(&ab_nystrom_direct_cpu, "landmarks=90", NULL);
            double all = ab_test_leak(&ab_nystrom_direct_cpu, &p, &vals, ab_test_seed() + 47);
            print_message("mask %d, every token a landmark: leak %.3g\n", mask, all);
            assert_true(isfinite(leak) && all <= 1e-3);
        }
    }
    free(q), free(k), free(v), free(o), free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_tokens_as_landmarks_is_exact),
        cmocka_unit_test(matches_float64_classical_nystrom),
        cmocka_unit_test(masked_matches_float64_classical_nystrom),
        cmocka_unit_test(masked_all_tokens_exact_and_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
