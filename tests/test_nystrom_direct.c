/* test_nystrom_direct.c — methods/nystrom_direct: with every token a landmark
 * it is exact attention (S S^+ S = S); against a float64 evaluation of
 * S[:, L] pinv(S[L, L]) S[L, :] V; random landmarks are seeded. (Landmarks
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_tokens_as_landmarks_is_exact),
        cmocka_unit_test(matches_float64_classical_nystrom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
