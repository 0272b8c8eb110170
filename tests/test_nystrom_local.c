/* test_nystrom_local.c — methods/nystrom_local: a window covering the
 * sequence is exact attention, the empty window is nystrom, and the formula
 * (exact window softmax weighted by what the Nystrom rows leave) against a
 * float64 evaluation on nystrom's own rows, unmasked and under mask: padding
 * (with the padding leak of each padding_rule). (Rows consistent with forward:
 * tests/test_contract.c.) */
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_nystrom_local_cpu, ab_nystrom_cpu;

/* fresh inputs: Q, K ~ N(0, 1.2^2) */
static struct ab_test_in make(size_t H, size_t N, size_t D, size_t DV, uint64_t seed)
{
    return ab_test_in_make(H, N, D, DV, seed, 1.2);
}

static void run(const struct ab_method *m, const struct ab_test_in *x, const char *a, const char *b)
{
    struct ab_values vals = ab_test_values(m, a, b, NULL);
    struct ab_problem p = ab_test_problem(x->H, x->N, x->D, x->DV, x->q, x->k, x->v, 1);
    struct ab_err err;
    if (ab_test_run_method(m, &p, &vals, x->o, &err))
        fail_msg("%s", err.msg);
}

static void covering_window_is_exact_attention(void **s)
{
    (void)s;
    struct ab_test_in x = make(2, 180, 16, 8, ab_test_seed());
    double *ref = malloc(2 * 180 * 8 * 8);
    ab_test_attention_f64(2, 180, 16, 8, x.q, x.k, x.v, ref);
    run(&ab_nystrom_local_cpu, &x, "window=358", "landmarks=12");
    print_message("rel err vs exact %.2e\n", ab_test_rel_err(x.o, ref, 2 * 180 * 8));
    assert_rel_err(x.o, ref, 2 * 180 * 8, 1e-5);
    free(ref);
    ab_test_in_drop(&x);
}

static void empty_window_is_nystrom(void **s)
{
    (void)s;
    struct ab_test_in x = make(2, 150, 16, 8, ab_test_seed() + 3);
    float *ny = malloc(2 * 150 * 8 * 4);
    run(&ab_nystrom_cpu, &x, "landmarks=10", "pinv_iters=8");
    memcpy(ny, x.o, 2 * 150 * 8 * 4);
    struct ab_values vals = ab_test_values(&ab_nystrom_local_cpu, "window=-1", "landmarks=10",
                                           "pinv_iters=8", NULL);
    struct ab_problem p = ab_test_problem(2, 150, 16, 8, x.q, x.k, x.v, 1);
    struct ab_err err;
    assert_int_equal(ab_test_run_method(&ab_nystrom_local_cpu, &p, &vals, x.o, &err), AB_OK);
    assert_memory_equal(x.o, ny, 2 * 150 * 8 * 4);
    free(ny);
    ab_test_in_drop(&x);
}

static void matches_the_formula_on_nystrom_rows(void **s)
{
    (void)s;
    size_t N = 200, D = 16, DV = 8, h = 7;
    struct ab_test_in x = make(1, N, D, DV, ab_test_seed() + 5);
    run(&ab_nystrom_local_cpu, &x, "window=14", "landmarks=16");
    /* S^ rows from nystrom itself; everything else in float64 */
    struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=16", NULL);
    struct ab_problem p = ab_test_problem(1, N, D, DV, x.q, x.k, x.v, 1);
    struct ab_err err;
    void *st = NULL;
    float *tmp = malloc(N * DV * 4), *R = malloc(AB_ROWS_BLOCK * N * 4);
    assert_int_equal(ab_nystrom_cpu.prepare(&p, &vals, &st, &err), AB_OK);
    assert_int_equal(ab_nystrom_cpu.forward(st, tmp, &err), AB_OK);
    double *S = malloc(N * N * 8), *ref = malloc(N * DV * 8);
    ab_test_attn_matrix_f64(N, D, x.q, x.k, S);
    for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
        size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
        assert_int_equal(ab_nystrom_cpu.rows(st, 0, r0, r1, R, &err), AB_OK);
        for (size_t i = r0; i < r1; i++) {
            const float *sh = R + (i - r0) * N;
            double outside = 0, win = 0;
            for (size_t j = 0; j < N; j++) {
                int in_w = (i > j ? i - j : j - i) <= h;
                outside += in_w ? 0 : sh[j];
                win += in_w ? S[i * N + j] : 0;
            }
            for (size_t c = 0; c < DV; c++) {
                double acc = 0;
                for (size_t j = 0; j < N; j++) {
                    int in_w = (i > j ? i - j : j - i) <= h;
                    double wgt = in_w ? (1 - outside) * S[i * N + j] / win : sh[j];
                    acc += wgt * x.v[j * DV + c];
                }
                ref[i * DV + c] = acc;
            }
        }
    }
    print_message("rel err vs formula %.2e\n", ab_test_rel_err(x.o, ref, N * DV));
    assert_rel_err(x.o, ref, N * DV, 1e-5);
    ab_nystrom_cpu.release(st);
    free(tmp), free(R), free(S), free(ref);
    ab_test_in_drop(&x);
}

/* mask: padding: the same formula on the valid tokens (the window never
 * reaches a padded key, padded rows 0), for padding_rule strict and hf, whose
 * Nystrom rows carry all their mass on valid keys (lucidrains' empty
 * landmarks spread theirs over the padded positions too: leak-checked below) */
static void padding_matches_the_formula_on_nystrom_rows(void **s)
{
    (void)s;
    size_t H = 3, N = 190, D = 16, DV = 8, h = 9, len[] = {190, 121, 30};
    const char *rules[] = {"padding_rule=strict", "padding_rule=hf"};
    for (int rule = 0; rule < 2; rule++) {
        struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 15 + (uint64_t)rule);
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, AB_MASK_PADDING,
                                                     len);
        struct ab_values lv = ab_test_values(&ab_nystrom_local_cpu, "window=18", "landmarks=16",
                                             rules[rule], NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_nystrom_local_cpu, &p, &lv, x.o, &err))
            fail_msg("%s", err.msg);
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=16", rules[rule], NULL);
        void *st = NULL;
        float *tmp = malloc(H * N * DV * 4), *R = malloc(AB_ROWS_BLOCK * N * 4);
        assert_int_equal(ab_nystrom_cpu.prepare(&p, &vals, &st, &err), AB_OK);
        assert_int_equal(ab_nystrom_cpu.forward(st, tmp, &err), AB_OK);
        double *S = malloc(N * N * 8), *ref = calloc(H * N * DV, 8);
        for (size_t hd = 0; hd < H; hd++) {
            ab_test_attn_matrix_masked_f64(&p, hd, S);
            for (size_t r0 = 0; r0 < len[hd]; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < len[hd] ? r0 + AB_ROWS_BLOCK : len[hd];
                assert_int_equal(ab_nystrom_cpu.rows(st, hd, r0, r1, R, &err), AB_OK);
                for (size_t i = r0; i < r1; i++) {
                    const float *sh = R + (i - r0) * N;
                    double outside = 0, win = 0;
                    for (size_t j = 0; j < len[hd]; j++) {
                        int in_w = (i > j ? i - j : j - i) <= h;
                        outside += in_w ? 0 : sh[j];
                        win += in_w ? S[i * N + j] : 0;
                    }
                    for (size_t c = 0; c < DV; c++) {
                        double acc = 0;
                        for (size_t j = 0; j < len[hd]; j++) {
                            int in_w = (i > j ? i - j : j - i) <= h;
                            double wgt = in_w ? (1 - outside) * S[i * N + j] / win : sh[j];
                            acc += wgt * x.v[(hd * N + j) * DV + c];
                        }
                        ref[(hd * N + i) * DV + c] = acc;
                    }
                }
            }
        }
        print_message("%s: rel err vs formula %.2e\n", rules[rule], ab_test_rel_err(x.o, ref, H * N * DV));
        assert_rel_err(x.o, ref, H * N * DV, 1e-5);
        for (size_t hd = 0; hd < H; hd++)
            for (size_t i = len[hd] * DV; i < N * DV; i++)
                assert_true(x.o[hd * N * DV + i] == 0.0f);
        ab_nystrom_cpu.release(st);
        free(tmp), free(R), free(S), free(ref);
        ab_test_in_drop(&x);
    }
}

static void padding_leak_is_zero_for_strict_and_lucidrains_not_hf(void **s)
{
    (void)s;
    size_t H = 3, N = 157, D = 16, DV = 8, len[] = {157, 100, 23};
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 21);
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, AB_MASK_PADDING, len);
    const char *rules[] = {"padding_rule=strict", "padding_rule=hf", "padding_rule=lucidrains"};
    for (int rule = 0; rule < 3; rule++) {
        struct ab_values v = ab_test_values(&ab_nystrom_local_cpu, "window=20", "landmarks=10",
                                            rules[rule], NULL);
        double leak = ab_test_leak(&ab_nystrom_local_cpu, &p, &v, ab_test_seed() + 3);
        print_message("%s: padding leak %.3g\n", rules[rule], leak);
        if (rule == 1)
            assert_true(leak > 1e-3);
        else
            assert_true(leak == 0.0);
    }
    ab_test_in_drop(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(covering_window_is_exact_attention),
        cmocka_unit_test(empty_window_is_nystrom),
        cmocka_unit_test(matches_the_formula_on_nystrom_rows),
        cmocka_unit_test(padding_matches_the_formula_on_nystrom_rows),
        cmocka_unit_test(padding_leak_is_zero_for_strict_and_lucidrains_not_hf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
