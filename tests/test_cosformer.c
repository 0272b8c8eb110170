/* test_cosformer.c — methods/cosformer: against a float64 quadratic
 * evaluation written from the cos form, s_ij = ReLU(q_i).ReLU(k_j)
 * cos(pi/2 (i - j) / M) with M = N (valid length under padding), normalised
 * with max(den, eps), over the keys the mask leaves (no mask, causal,
 * padding, n not a multiple of the 64-row tile, 1 and 2 threads) — the
 * method computes it through sin/cos features, so this checks the identity
 * too; `rows` equal to that matrix, both leaks exactly 0, a row whose
 * features vanish gives 0 (the clamp), and report's target_rel_fro at the
 * float32 rounding level. No PyPI peer exists. */
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_cosformer_cpu;

static double relu(double x) { return x > 0 ? x : 0; }

/* The kernel attention matrix of head h from its definition (N x N, padded
 * rows 0): s_ij over j < keys(i), normalised by max(den, eps). */
static void kernel_matrix(const struct ab_problem *p, size_t h, double eps, double *S)
{
    size_t N = p->n, D = p->d;
    for (size_t i = 0; i < N; i++) {
        size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
        size_t keys = i >= L ? 0 : p->mask == AB_MASK_CAUSAL ? i + 1 : L;
        double den = 0, M = (double)L;
        for (size_t j = 0; j < N; j++) {
            double e = 0;
            for (size_t c = 0; j < keys && c < D; c++)
                e += relu(p->q[(h * N + i) * D + c]) * relu(p->k[(h * N + j) * D + c]);
            e *= cos(acos(-1.0) / 2 * ((double)i - (double)j) / M);
            S[i * N + j] = j < keys ? e : 0.0;
            den += S[i * N + j];
        }
        for (size_t j = 0; j < N; j++)
            S[i * N + j] = keys ? S[i * N + j] / fmax(den, eps) : 0.0;
    }
}

static void reference(const struct ab_problem *p, double eps, double *out)
{
    size_t N = p->n, DV = p->dv;
    double *S = malloc(N * N * 8);
    for (size_t h = 0; h < p->heads; h++) {
        kernel_matrix(p, h, eps, S);
        for (size_t i = 0; i < N; i++)
            for (size_t c = 0; c < DV; c++) {
                double acc = 0;
                for (size_t j = 0; j < N; j++)
                    acc += S[i * N + j] * p->v[(h * N + j) * DV + c];
                out[(h * N + i) * DV + c] = acc;
            }
    }
    free(S);
}

static const size_t lengths_203[3] = {150, 203, 13};
static const char *mask_name(int m) { return m == 0 ? "none" : m == 1 ? "causal" : "padding"; }

static void matches_float64_kernel_attention_under_every_mask(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12; /* 203: not a multiple of the 64-row tile */
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed(), 1.3);
    double *ref = malloc(H * N * DV * 8);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++)
        for (int threads = 1; threads <= 2; threads++) {
            const size_t *len = mask == AB_MASK_PADDING ? lengths_203 : NULL;
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask, len);
            p.threads = threads;
            struct ab_values vals = ab_test_values(&ab_cosformer_cpu, NULL);
            struct ab_err err;
            if (ab_test_run_method(&ab_cosformer_cpu, &p, &vals, x.o, &err))
                fail_msg("%s", err.msg);
            reference(&p, 1e-6, ref);
            print_message("%s, %d thread(s): rel err vs float64 kernel attention %.2e\n",
                          mask_name(mask), threads, ab_test_rel_err(x.o, ref, H * N * DV));
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
            if (len) /* padded rows exactly zero */
                for (size_t h = 0; h < H; h++)
                    for (size_t i = len[h] * DV; i < N * DV; i++)
                        assert_true(x.o[h * N * DV + i] == 0.0f);
        }
    free(ref);
    ab_test_in_drop(&x);
}

/* eps = 0.5 clamps small denominators; a query with no positive entry
 * (ReLU features all 0) gives a zero row, not NaN */
static void denominator_is_clamped_at_eps(void **s)
{
    (void)s;
    size_t H = 2, N = 77, D = 8, DV = 5;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 5, 0.5);
    for (size_t c = 0; c < D; c++)
        x.q[3 * D + c] = -fabsf(x.q[3 * D + c]) - 0.1f; /* head 0, row 3 */
    double *ref = malloc(H * N * DV * 8);
    struct ab_problem p = ab_test_problem(H, N, D, DV, x.q, x.k, x.v, 1);
    const char *eps[2] = {"eps=0.5", "eps=1e-6"};
    for (int e = 0; e < 2; e++) {
        struct ab_values vals = ab_test_values(&ab_cosformer_cpu, eps[e], NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_cosformer_cpu, &p, &vals, x.o, &err))
            fail_msg("%s", err.msg);
        reference(&p, e ? 1e-6 : 0.5, ref);
        assert_rel_err(x.o, ref, H * N * DV, 1e-6);
        for (size_t c = 0; c < DV; c++)
            assert_true(x.o[3 * DV + c] == 0.0f);
    }
    free(ref);
    ab_test_in_drop(&x);
}

/* rows: the normalised kernel matrix (not softmax), masked entries 0 */
static void rows_are_the_normalised_kernel_matrix(void **s)
{
    (void)s;
    size_t H = 3, N = 140, D = 16, DV = 4;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 7, 1.0);
    const size_t len[3] = {97, 140, 5};
    double *S = malloc(N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask,
                                                     mask == AB_MASK_PADDING ? len : NULL);
        struct ab_values vals = ab_test_values(&ab_cosformer_cpu, NULL);
        struct ab_err err;
        void *st = NULL;
        assert_int_equal(ab_cosformer_cpu.prepare(&p, &vals, &st, &err), AB_OK);
        assert_int_equal(ab_cosformer_cpu.forward(st, x.o, &err), AB_OK);
        double worst = 0;
        for (size_t h = 0; h < H; h++) {
            kernel_matrix(&p, h, 1e-6, S);
            for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                assert_int_equal(ab_cosformer_cpu.rows(st, h, r0, r1, R, &err), AB_OK);
                for (size_t i = 0; i < (r1 - r0) * N; i++) {
                    worst = fmax(worst, fabs(R[i] - S[r0 * N + i]));
                    if (S[r0 * N + i] == 0)
                        assert_true(R[i] == 0.0f);
                }
            }
        }
        print_message("%s: max |rows - S_kernel| = %.2e\n", mask_name(mask), worst);
        assert_true(worst < 2e-7); /* float32 rounding of entries <= 1 */
        ab_cosformer_cpu.release(st);
    }
    free(S), free(R);
    ab_test_in_drop(&x);
}

static void causal_and_padding_leaks_are_exactly_zero(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 11, 1.3);
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++)
        for (int threads = 1; threads <= 2; threads++) {
            struct ab_problem p = ab_test_problem_masked(
                H, N, D, DV, x.q, x.k, x.v, 1, mask, mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = threads;
            struct ab_values vals = ab_test_values(&ab_cosformer_cpu, NULL);
            double leak = ab_test_leak(&ab_cosformer_cpu, &p, &vals, ab_test_seed() + 13);
            print_message("%s, %d thread(s): leak %.3g\n", mask_name(mask), threads, leak);
            assert_true(leak == 0.0);
        }
    ab_test_in_drop(&x);
}

/* report: target_rel_fro is the output's distance to the float64 kernel
 * attention (float32 rounding); pinv fields stay NaN */
static void report_target_error_is_float32_rounding(void **s)
{
    (void)s;
    size_t H = 2, N = 150, D = 16, DV = 8;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 17, 1.3);
    double *ref = malloc(H * N * DV * 8);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++) {
        const size_t len[2] = {150, 61};
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask,
                                                     mask == AB_MASK_PADDING ? len : NULL);
        struct ab_values vals = ab_test_values(&ab_cosformer_cpu, NULL);
        struct ab_err err;
        void *st = NULL;
        assert_int_equal(ab_cosformer_cpu.prepare(&p, &vals, &st, &err), AB_OK);
        assert_int_equal(ab_cosformer_cpu.forward(st, x.o, &err), AB_OK);
        struct ab_report rep = {.pinv_resid = NAN, .pinv_vs_svd = NAN, .target_rel_fro = NAN};
        assert_int_equal(ab_cosformer_cpu.report(st, &rep, &err), AB_OK);
        reference(&p, 1e-6, ref);
        double mine = ab_test_rel_err(x.o, ref, H * N * DV);
        print_message("%s: target_rel_fro %.3g (test's quadratic float64: %.3g)\n", mask_name(mask),
                      rep.target_rel_fro, mine);
        assert_true(isfinite(rep.target_rel_fro) && rep.target_rel_fro < 1e-6);
        assert_true(fabs(rep.target_rel_fro - mine) < 1e-7);
        assert_true(isnan(rep.pinv_resid) && isnan(rep.pinv_vs_svd));
        ab_cosformer_cpu.release(st);
    }
    free(ref);
    ab_test_in_drop(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_kernel_attention_under_every_mask),
        cmocka_unit_test(denominator_is_clamped_at_eps),
        cmocka_unit_test(rows_are_the_normalised_kernel_matrix),
        cmocka_unit_test(causal_and_padding_leaks_are_exactly_zero),
        cmocka_unit_test(report_target_error_is_float32_rounding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
