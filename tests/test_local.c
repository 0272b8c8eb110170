/* test_local.c — methods/local: a full window is exact attention, window 0
 * copies V, a dense float64 masked softmax agrees for windows and global
 * tokens, and each row's L1 error is twice the exact mass outside its set;
 * the same under the causal and padding masks (the full window against the
 * masked float64 oracle of testlib, the identity against the masked exact
 * matrix), and both leaks exactly 0. (global > n: tests/test_contract.c.) */
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

/* ---- masks ---- */

/* The local set intersected with the mask, from the definitions: causal
 * j <= i; padding i, j < L. */
static int allowed_masked(size_t i, size_t j, size_t h, size_t g, int mask, size_t L)
{
    if (mask == AB_MASK_CAUSAL && j > i)
        return 0;
    if (mask == AB_MASK_PADDING && (i >= L || j >= L))
        return 0;
    return allowed(i, j, h, g);
}

/* Dense float64 under the mask: softmax over the allowed set, times V; padded
 * rows 0. */
static void oracle_masked(const struct ab_test_in *x, size_t window, size_t g, int mask,
                          const size_t *lengths, double *out)
{
    size_t h = window / 2, N = x->N;
    double *S = malloc(N * N * 8);
    for (size_t hd = 0; hd < x->H; hd++) {
        size_t L = mask == AB_MASK_PADDING ? lengths[hd] : N;
        ab_test_attn_matrix_f64(N, x->D, x->q + hd * N * x->D, x->k + hd * N * x->D, S);
        for (size_t i = 0; i < N; i++) {
            double mass = 0;
            for (size_t j = 0; j < N; j++)
                mass += allowed_masked(i, j, h, g, mask, L) ? S[i * N + j] : 0;
            for (size_t c = 0; c < x->DV; c++) {
                double acc = 0;
                for (size_t j = 0; j < N; j++)
                    if (allowed_masked(i, j, h, g, mask, L))
                        acc += S[i * N + j] / mass * x->v[(hd * N + j) * x->DV + c];
                out[(hd * N + i) * x->DV + c] = mass > 0 ? acc : 0.0;
            }
        }
    }
    free(S);
}

static void run_masked(const struct ab_test_in *x, const char *window, const char *global, int mask,
                       const size_t *lengths, int threads)
{
    char w[32], g[32];
    snprintf(w, sizeof w, "window=%s", window);
    snprintf(g, sizeof g, "global=%s", global);
    struct ab_values vals = ab_test_values(&ab_local_cpu, w, g, NULL);
    struct ab_problem p = ab_test_problem_masked(x->H, x->N, x->D, x->DV, x->q, x->k, x->v, 1,
                                                 mask, lengths);
    p.threads = threads;
    struct ab_err err;
    if (ab_test_run_method(&ab_local_cpu, &p, &vals, x->o, &err))
        fail_msg("%s", err.msg);
}

static const char *mask_name(int mask) { return mask == AB_MASK_CAUSAL ? "causal" : "padding"; }

/* lengths: not multiples of the 32-row tile, one of them n, one shorter
 * than the window, one shorter than the globals */
static const size_t lengths_203[3] = {150, 203, 13};

static void masked_full_window_is_masked_exact_attention(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 101);
    double *ref = malloc(H * N * DV * 8);
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
        const size_t *len = mask == AB_MASK_PADDING ? lengths_203 : NULL;
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask, len);
        ab_test_attention_masked_f64(&p, ref);
        const char *globals[] = {"0", "7", "203"};
        for (int gi = 0; gi < 3; gi++) { /* globals inside a full window change nothing */
            run_masked(&x, "404", globals[gi], mask, len, 2);
            double e = ab_test_rel_err(x.o, ref, H * N * DV);
            print_message("%s, window 2(n-1), global %s: rel err vs masked exact %.2e\n",
                          mask_name(mask), globals[gi], e);
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
        }
        /* the first global rows under causal are exact causal attention at
         * any window: their keys <= i are all global */
        if (mask == AB_MASK_CAUSAL) {
            run_masked(&x, "4", "70", mask, len, 1);
            for (size_t hd = 0; hd < H; hd++)
                assert_rel_err(x.o + hd * N * DV, ref + hd * N * DV, 70 * DV, 1e-6);
        }
    }
    free(ref);
    ab_test_in_drop(&x);
}

static void masked_matches_dense_masked_softmax(void **s)
{
    (void)s;
    const char *cases[][2] = {{"8", "0"}, {"31", "3"}, {"64", "1"}, {"2", "70"}, {"130", "5"},
                              {"0", "0"}, {"100", "20"}};
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 103);
    double *ref = malloc(H * N * DV * 8);
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
        const size_t *len = mask == AB_MASK_PADDING ? lengths_203 : NULL;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            run_masked(&x, cases[c][0], cases[c][1], mask, len, (int)(c % 2) + 1);
            oracle_masked(&x, (size_t)atoi(cases[c][0]), (size_t)atoi(cases[c][1]), mask, len, ref);
            double e = ab_test_rel_err(x.o, ref, H * N * DV);
            print_message("%s, window %s global %s: rel err %.2e\n", mask_name(mask), cases[c][0],
                          cases[c][1], e);
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
            if (mask == AB_MASK_PADDING) /* padded rows exactly zero */
                for (size_t hd = 0; hd < H; hd++)
                    for (size_t i = len[hd] * DV; i < N * DV; i++)
                        assert_true(x.o[hd * N * DV + i] == 0.0f);
        }
    }
    free(ref);
    ab_test_in_drop(&x);
}

/* ||S^_i - S_i||_1 = 2 (1 - S_i(A_i)) with S the exact masked matrix and A_i
 * the window set within the mask; masked keys and padded rows exactly 0. */
static void masked_row_l1_error_is_twice_the_mass_outside(void **s)
{
    (void)s;
    size_t H = 2, N = 140, D = 16;
    const size_t lengths[2] = {97, 5};
    struct ab_test_in x = make(H, N, D, D, ab_test_seed() + 107);
    double *S = malloc(N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    /* (window 20, global 2), then more global tokens than a row tile */
    for (int run = 0; run < 4; run++) {
        int mask = AB_MASK_CAUSAL + run % 2;
        size_t wh = run < 2 ? 10 : 2, g = run < 2 ? 2 : 70;
        struct ab_values vals = run < 2
                                    ? ab_test_values(&ab_local_cpu, "window=20", "global=2", NULL)
                                    : ab_test_values(&ab_local_cpu, "window=4", "global=70", NULL);
        const size_t *len = mask == AB_MASK_PADDING ? lengths : NULL;
        struct ab_problem p = ab_test_problem_masked(H, N, D, D, x.q, x.k, x.v, 1, mask, len);
        struct ab_err err;
        void *st = NULL;
        assert_int_equal(ab_local_cpu.prepare(&p, &vals, &st, &err), AB_OK);
        assert_int_equal(ab_local_cpu.forward(st, x.o, &err), AB_OK);
        double worst = 0;
        for (size_t hd = 0; hd < H; hd++) {
            size_t L = len ? len[hd] : N;
            ab_test_attn_matrix_masked_f64(&p, hd, S);
            for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                assert_int_equal(ab_local_cpu.rows(st, hd, r0, r1, R, &err), AB_OK);
                for (size_t i = r0; i < r1; i++) {
                    double l1 = 0, outside = 0, sum = 0;
                    for (size_t j = 0; j < N; j++) {
                        int in = allowed_masked(i, j, wh, g, mask, L);
                        l1 += fabs(R[(i - r0) * N + j] - S[i * N + j]);
                        outside += in ? 0 : S[i * N + j];
                        sum += R[(i - r0) * N + j];
                        if (!in)
                            assert_true(R[(i - r0) * N + j] == 0.0f);
                    }
                    worst = fmax(worst, fabs(l1 - 2 * outside));
                    assert_true(fabs(sum - (i < L ? 1.0 : 0.0)) < 1e-5);
                }
            }
        }
        print_message("%s, window %zu, global %zu: max | ||S^_i - S_i||_1 - 2 mass_outside | = "
                      "%.2e\n", mask_name(mask), 2 * wh, g, worst);
        assert_true(worst < 1e-6);
        ab_local_cpu.release(st);
    }
    free(S), free(R);
    ab_test_in_drop(&x);
}

/* Causal by construction and padding by exclusion: both leaks exactly 0. */
static void causal_and_padding_leaks_are_exactly_zero(void **s)
{
    (void)s;
    const char *cases[][2] = {{"8", "0"}, {"31", "3"}, {"2", "70"}, {"130", "5"}, {"1000", "0"}};
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 109);
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
        const size_t *len = mask == AB_MASK_PADDING ? lengths_203 : NULL;
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask, len);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            p.threads = (int)(c % 2) + 1;
            char w[32], g[32];
            snprintf(w, sizeof w, "window=%s", cases[c][0]);
            snprintf(g, sizeof g, "global=%s", cases[c][1]);
            struct ab_values vals = ab_test_values(&ab_local_cpu, w, g, NULL);
            double leak = ab_test_leak(&ab_local_cpu, &p, &vals, ab_test_seed() + 113 + c);
            print_message("%s, window %s global %s: leak %.3g\n", mask_name(mask), cases[c][0],
                          cases[c][1], leak);
            assert_true(leak == 0.0);
        }
    }
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
        cmocka_unit_test(masked_full_window_is_masked_exact_attention),
        cmocka_unit_test(masked_matches_dense_masked_softmax),
        cmocka_unit_test(masked_row_l1_error_is_twice_the_mass_outside),
        cmocka_unit_test(causal_and_padding_leaks_are_exactly_zero),
        cmocka_unit_test(negative_window_is_outside_the_parameter_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
