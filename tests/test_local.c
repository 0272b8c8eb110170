/* test_local.c — methods/local: a full window is exact attention, window 0
 * copies V, a dense float64 masked softmax agrees for windows and global
 * tokens, and each row's L1 error is twice the exact mass outside its set.
 * (global > n: tests/test_contract.c.) */
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_local_cpu;

/* fresh inputs: Q, K ~ N(0, 1.3^2) */
static struct ab_test_in make(size_t H, size_t N, size_t D, size_t DV, uint64_t seed)
{
    return ab_test_in_make(H, N, D, DV, seed, 1.3);
}

static int allowed(size_t i, size_t j, size_t h, size_t g)
{
    size_t dist = i > j ? i - j : j - i;
    return dist <= h || j < g || i < g;
}

/* Dense float64: softmax over the allowed set, times V. */
static void oracle(const struct ab_test_in *x, size_t window, size_t g, double *out)
{
    size_t h = window / 2;
    double *S = malloc(x->N * x->N * 8);
    for (size_t hd = 0; hd < x->H; hd++) {
        ab_test_attn_matrix_f64(x->N, x->D, x->q + hd * x->N * x->D, x->k + hd * x->N * x->D, S);
        for (size_t i = 0; i < x->N; i++) {
            double mass = 0;
            for (size_t j = 0; j < x->N; j++)
                mass += allowed(i, j, h, g) ? S[i * x->N + j] : 0;
            for (size_t c = 0; c < x->DV; c++) {
                double acc = 0;
                for (size_t j = 0; j < x->N; j++)
                    if (allowed(i, j, h, g))
                        acc += S[i * x->N + j] / mass * x->v[(hd * x->N + j) * x->DV + c];
                out[(hd * x->N + i) * x->DV + c] = acc;
            }
        }
    }
    free(S);
}

static void run(const struct ab_test_in *x, const char *window, const char *global)
{
    char w[32], g[32];
    snprintf(w, sizeof w, "window=%s", window);
    snprintf(g, sizeof g, "global=%s", global);
    struct ab_values vals = ab_test_values(&ab_local_cpu, w, g, NULL);
    struct ab_problem p = ab_test_problem(x->H, x->N, x->D, x->DV, x->q, x->k, x->v, 1);
    struct ab_err err;
    if (ab_test_run_method(&ab_local_cpu, &p, &vals, x->o, &err))
        fail_msg("%s", err.msg);
}

static void full_window_is_exact_attention(void **s)
{
    (void)s;
    struct ab_test_in x = make(2, 150, 16, 8, ab_test_seed());
    double *ref = malloc(2 * 150 * 8 * 8);
    ab_test_attention_f64(2, 150, 16, 8, x.q, x.k, x.v, ref);
    run(&x, "298", "0"); /* 2 (n - 1) */
    assert_rel_err(x.o, ref, 2 * 150 * 8, 1e-6);
    run(&x, "100000", "0");
    assert_rel_err(x.o, ref, 2 * 150 * 8, 1e-6);
    free(ref);
    ab_test_in_drop(&x);
}

static void window_zero_copies_v(void **s)
{
    (void)s;
    struct ab_test_in x = make(1, 70, 8, 5, ab_test_seed() + 3);
    run(&x, "0", "0");
    double *want = malloc(70 * 5 * 8);
    for (size_t i = 0; i < 70 * 5; i++)
        want[i] = x.v[i];
    assert_rel_err(x.o, want, 70 * 5, 1e-7);
    free(want);
    ab_test_in_drop(&x);
}

static void matches_dense_masked_softmax_with_globals(void **s)
{
    (void)s;
    const char *cases[][2] = {{"8", "0"}, {"31", "3"}, {"64", "1"}, {"2", "70"}, {"130", "5"}};
    struct ab_test_in x = make(2, 203, 16, 12, ab_test_seed() + 7); /* 203: not a multiple of the tile */
    double *ref = malloc(2 * 203 * 12 * 8);
    for (size_t c = 0; c < 5; c++) {
        run(&x, cases[c][0], cases[c][1]);
        oracle(&x, (size_t)atoi(cases[c][0]), (size_t)atoi(cases[c][1]), ref);
        print_message("window %s global %s: rel err %.2e\n", cases[c][0], cases[c][1],
                      ab_test_rel_err(x.o, ref, 2 * 203 * 12));
        assert_rel_err(x.o, ref, 2 * 203 * 12, 1e-6);
    }
    free(ref);
    ab_test_in_drop(&x);
}

static void row_l1_error_is_twice_the_mass_outside(void **s)
{
    (void)s;
    size_t N = 140, D = 16;
    struct ab_test_in x = make(1, N, D, D, ab_test_seed() + 11);
    struct ab_values vals = ab_test_values(&ab_local_cpu, "window=20", "global=2", NULL);
    struct ab_problem p = ab_test_problem(1, N, D, D, x.q, x.k, x.v, 1);
    struct ab_err err;
    void *st = NULL;
    assert_int_equal(ab_local_cpu.prepare(&p, &vals, &st, &err), AB_OK);
    assert_int_equal(ab_local_cpu.forward(st, x.o, &err), AB_OK);
    double *S = malloc(N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    ab_test_attn_matrix_f64(N, D, x.q, x.k, S);
    double worst = 0;
    for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
        size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
        assert_int_equal(ab_local_cpu.rows(st, 0, r0, r1, R, &err), AB_OK);
        for (size_t i = r0; i < r1; i++) {
            double l1 = 0, outside = 0, sum = 0;
            for (size_t j = 0; j < N; j++) {
                l1 += fabs(R[(i - r0) * N + j] - S[i * N + j]);
                outside += allowed(i, j, 10, 2) ? 0 : S[i * N + j];
                sum += R[(i - r0) * N + j];
                if (!allowed(i, j, 10, 2))
                    assert_true(R[(i - r0) * N + j] == 0.0f);
            }
            worst = fmax(worst, fabs(l1 - 2 * outside));
            assert_true(fabs(sum - 1) < 1e-5);
        }
    }
    print_message("max | ||S^_i - S_i||_1 - 2 mass_outside | = %.2e\n", worst);
    assert_true(worst < 1e-6);
    ab_local_cpu.release(st);
    free(S), free(R);
    ab_test_in_drop(&x);
}

static void negative_window_is_outside_the_parameter_range(void **s)
{
    (void)s; /* global > n: tests/test_contract.c */
    struct ab_err err;
    double v;
    const char *str;
    assert_int_equal(ab_value_parse(&ab_local_cpu.params[0], "-1", &v, &str, &err), AB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_window_is_exact_attention),
        cmocka_unit_test(window_zero_copies_v),
        cmocka_unit_test(matches_dense_masked_softmax_with_globals),
        cmocka_unit_test(row_l1_error_is_twice_the_mass_outside),
        cmocka_unit_test(negative_window_is_outside_the_parameter_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
