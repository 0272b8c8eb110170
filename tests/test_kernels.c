/* test_kernels.c — kernels.c: the vectorised exp in ulps, the row softmax
 * and the online softmax recurrence against float64. */
#include "kernels/kernels.h"
#include "base/rng.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exp_is_within_2_ulp_of_correctly_rounded_exp(void **s)
{
    (void)s;
    enum { N = 1 << 20 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    struct ab_rng r;
    ab_rng_seed(&r, ab_test_seed(), 1);
    for (size_t i = 0; i < N; i++)
        x[i] = (float)(-87.0 + 175.0 * ab_rng_uniform(&r));
    x[0] = 0.0f, x[1] = -87.0f, x[2] = 88.0f, x[3] = 1e-8f, x[4] = -1e-8f;
    memcpy(y, x, N * sizeof *x);
    ab_exp_inplace(y, N);
    int64_t worst = 0;
    float at = 0;
    for (size_t i = 0; i < N; i++) {
        /* reference: exp in double, rounded once to float */
        float ref = (float)exp((double)x[i]);
        if (ref < 1.1754944e-38f)
            continue; /* denormal results: flushed by design */
        int64_t u = ab_test_ulps(y[i], ref);
        if (u > worst) {
            worst = u;
            at = x[i];
        }
    }
    print_message("max error %lld ulp at x = %.9g\n", (long long)worst, (double)at);
    assert_true(worst <= 2);
    free(x);
    free(y);
}

static void exp_handles_the_ends_of_the_range(void **s)
{
    (void)s;
    float v[5] = {-1000.0f, -90.0f, 100.0f, NAN, -INFINITY};
    ab_exp_inplace(v, 5);
    assert_true(v[0] == 0.0f && v[1] == 0.0f);
    assert_true(isinf(v[2]) && v[2] > 0);
    assert_true(isnan(v[3]));
    assert_true(v[4] == 0.0f);
}

static void softmax_rows_match_float64_and_sum_to_one(void **s)
{
    (void)s;
    size_t rows = 7, cols = 1001;
    float *a = malloc(rows * cols * sizeof *a), lse[7];
    ab_test_fill_normal(a, rows * cols, ab_test_seed() + 2, 3.0);
    double *ref = malloc(rows * cols * sizeof *ref);
    for (size_t r = 0; r < rows; r++) {
        double mx = -INFINITY, sum = 0;
        for (size_t c = 0; c < cols; c++)
            mx = fmax(mx, a[r * cols + c]);
        for (size_t c = 0; c < cols; c++)
            sum += exp(a[r * cols + c] - mx);
        for (size_t c = 0; c < cols; c++)
            ref[r * cols + c] = exp(a[r * cols + c] - mx) / sum;
        double want_lse = mx + log(sum);
        float tmp = 0;
        (void)tmp;
        ab_softmax_rows(a + r * cols, 1, cols, cols, &lse[r]);
        assert_true(fabs(lse[r] - want_lse) <= 1e-6 * fabs(want_lse) + 1e-6);
    }
    assert_rel_err(a, ref, rows * cols, 1e-6);
    free(a);
    free(ref);
}

static void online_softmax_over_blocks_equals_one_pass(void **s)
{
    (void)s;
    /* rows x n logits, processed in uneven blocks, against a one-pass
     * float64 softmax-weighted sum of V */
    size_t rows = 5, n = 700, dv = 9;
    float *logits = malloc(rows * n * sizeof *logits), *v = malloc(n * dv * sizeof *v);
    ab_test_fill_normal(logits, rows * n, ab_test_seed() + 3, 4.0);
    ab_test_fill_normal(v, n * dv, ab_test_seed() + 4, 1.0);
    double *ref = calloc(rows * dv, sizeof *ref);
    for (size_t r = 0; r < rows; r++) {
        double mx = -INFINITY, sum = 0;
        for (size_t j = 0; j < n; j++)
            mx = fmax(mx, logits[r * n + j]);
        for (size_t j = 0; j < n; j++)
            sum += exp(logits[r * n + j] - mx);
        for (size_t j = 0; j < n; j++)
            for (size_t c = 0; c < dv; c++)
                ref[r * dv + c] += exp(logits[r * n + j] - mx) / sum * v[j * dv + c];
    }
    float m[5], l[5], acc[5 * 9] = {0}, blk[5 * 256];
    for (size_t r = 0; r < rows; r++)
        m[r] = -INFINITY, l[r] = 0;
    size_t sizes[] = {1, 255, 13, 200, 231};
    for (size_t b = 0, c0 = 0; b < 5; c0 += sizes[b], b++) {
        size_t cols = sizes[b];
        for (size_t r = 0; r < rows; r++)
            memcpy(blk + r * cols, logits + r * n + c0, cols * sizeof(float));
        ab_online_softmax_step(blk, rows, cols, m, l, acc, dv);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < cols; j++)
                for (size_t c = 0; c < dv; c++)
                    acc[r * dv + c] += blk[r * cols + j] * v[(c0 + j) * dv + c];
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < dv; c++)
            acc[r * dv + c] /= l[r];
    assert_rel_err(acc, ref, rows * dv, 2e-6);
    free(logits);
    free(v);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exp_is_within_2_ulp_of_correctly_rounded_exp),
        cmocka_unit_test(exp_handles_the_ends_of_the_range),
        cmocka_unit_test(softmax_rows_match_float64_and_sum_to_one),
        cmocka_unit_test(online_softmax_over_blocks_equals_one_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
