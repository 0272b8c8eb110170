/* test_metrics.c — output metrics on cases with known answers, the power
 * iteration against LAPACK's SVD, and the streamed attention-matrix metrics
 * against dense float64 computations through a method's rows(). */
#include "metrics.h"
#include "reference.h"
#include "spectral.h"
#include "testlib.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_nystrom_cpu, ab_exact_cpu;

static void output_metrics_on_known_cases(void **st)
{
    (void)st;
    /* two rows of dv = 2: ref (3,4), (1,0); got (3,4), (0,1) */
    double ref[4] = {3, 4, 1, 0};
    float got[4] = {3, 4, 0, 1};
    struct ab_out_metrics m;
    ab_metrics_output(got, ref, 4, 2, 2, NULL, &m);
    assert_true(fabs(m.rel_fro - sqrt(2.0 / 26.0)) < 1e-15);
    assert_true(m.max_abs == 1.0);
    assert_true(fabs(m.cos - 0.5) < 1e-15); /* cos 1 and cos 0 */
    assert_int_equal(m.nonfinite, 0);
    got[3] = NAN;
    got[2] = INFINITY;
    ab_metrics_output(got, ref, 4, 2, 2, NULL, &m);
    assert_int_equal(m.nonfinite, 2);
    assert_int_equal(m.first_bad, 2);
}

struct dense {
    const double *a;
    size_t n;
};

static int dense_rows(void *ctx, size_t r0, size_t r1, double *rows)
{
    struct dense *d = ctx;
    memcpy(rows, d->a + r0 * d->n, (r1 - r0) * d->n * sizeof(double));
    return 0;
}

static double svd_max(const double *a, size_t n)
{
    double *x = malloc(n * n * 8), *s = malloc(n * 8), *sup = malloc(n * 8);
    memcpy(x, a, n * n * 8);
    assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', (int)n, (int)n, x, (int)n, s, NULL, 1,
                                    NULL, 1, sup),
                     0);
    double r = s[0];
    free(x), free(s), free(sup);
    return r;
}

static void power_iteration_matches_svd(void **st)
{
    (void)st;
    size_t n = 97;
    double *a = malloc(n * n * 8), *work = malloc(ab_power_spec_doubles(n) * 8);
    float *tmp = malloc(n * n * 4);
    ab_test_fill_normal(tmp, n * n, ab_test_seed(), 1.0);
    for (size_t i = 0; i < n * n; i++)
        a[i] = tmp[i];
    /* no structure added: the top singular values of a square Gaussian
     * matrix are close together, the hard case for a power iteration */
    struct dense d = {a, n};
    double p = ab_power_spec(dense_rows, &d, n, 1, work), s = svd_max(a, n);
    print_message("power %.9f svd %.9f\n", p, s);
    assert_true(fabs(p - s) <= 1e-4 * s);
    free(a), free(work), free(tmp);
}

static void attention_metrics_match_dense_difference(void **st)
{
    (void)st;
    size_t H = 2, N = 130, D = 16;
    struct ab_data data = {.heads = H, .n = N, .d = D, .dv = D};
    data.q = ab_aligned_alloc(H * N * D * 4), data.k = ab_aligned_alloc(H * N * D * 4);
    data.v = ab_aligned_alloc(H * N * D * 4);
    ab_test_fill_normal(data.q, H * N * D, ab_test_seed() + 1, 1.4);
    ab_test_fill_normal(data.k, H * N * D, ab_test_seed() + 2, 1.4);
    ab_test_fill_normal(data.v, H * N * D, ab_test_seed() + 3, 1.0);
    data.id = 42;
    struct ab_reference ref;
    struct ab_err err;
    assert_int_equal(ab_reference_compute(&data, 2, 1, &ref, &err), AB_OK);
    struct ab_problem p = ab_test_problem(H, N, D, D, data.q, data.k, data.v, 1);
    struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=10", NULL);
    void *state = NULL;
    float *out = malloc(H * N * D * 4), *rows = malloc(AB_ROWS_BLOCK * N * 4);
    assert_int_equal(ab_nystrom_cpu.prepare(&p, &vals, &state, &err), AB_OK);
    assert_int_equal(ab_nystrom_cpu.forward(state, out, &err), AB_OK);
    struct ab_attn_metrics am;
    assert_int_equal(ab_metrics_attention(&ab_nystrom_cpu, state, &data, &ref, 1, 2, &am, &err),
                     AB_OK);
    /* dense: E_h = S^_h - S_h from rows() and the float64 oracle */
    double e2 = 0, s2 = 0, dev = 0, spec = 0;
    double *E = malloc(N * N * 8), *S = malloc(N * N * 8);
    for (size_t h = 0; h < H; h++) {
        ab_test_attn_matrix_f64(N, D, data.q + h * N * D, data.k + h * N * D, S);
        for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
            size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
            assert_int_equal(ab_nystrom_cpu.rows(state, h, r0, r1, rows, &err), AB_OK);
            for (size_t i = r0; i < r1; i++) {
                double rs = 0;
                for (size_t j = 0; j < N; j++) {
                    double a = rows[(i - r0) * N + j];
                    rs += a;
                    E[i * N + j] = a - S[i * N + j];
                    e2 += E[i * N + j] * E[i * N + j];
                    s2 += S[i * N + j] * S[i * N + j];
                }
                dev = fmax(dev, fabs(rs - 1));
            }
        }
        spec += svd_max(E, N) / svd_max(S, N);
    }
    spec /= (double)H;
    print_message("attn_rel_fro %.9f (dense %.9f), spec %.6f (svd %.6f), row dev %.3g (%.3g)\n",
                  am.rel_fro, sqrt(e2 / s2), am.rel_spec, spec, am.row_sum_dev, dev);
    assert_true(fabs(am.rel_fro - sqrt(e2 / s2)) <= 1e-9 * am.rel_fro);
    assert_true(fabs(am.row_sum_dev - dev) <= 1e-12 + 1e-9 * dev);
    assert_true(fabs(am.rel_spec - spec) <= 1e-3 * spec);
    ab_nystrom_cpu.release(state);
    /* and for exact attention every error is at float32 rounding */
    vals = ab_test_values(&ab_exact_cpu, NULL);
    assert_int_equal(ab_exact_cpu.prepare(&p, &vals, &state, &err), AB_OK);
    assert_int_equal(ab_exact_cpu.forward(state, out, &err), AB_OK);
    assert_int_equal(ab_metrics_attention(&ab_exact_cpu, state, &data, &ref, 1, 2, &am, &err), AB_OK);
    assert_true(am.rel_fro < 1e-6 && am.rel_spec < 1e-6 && am.row_sum_dev < 1e-5);
    ab_exact_cpu.release(state);
    free(E), free(S), free(out), free(rows);
    ab_reference_free(&ref);
    ab_data_free(&data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_metrics_on_known_cases),
        cmocka_unit_test(power_iteration_matches_svd),
        cmocka_unit_test(attention_metrics_match_dense_difference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
