/* test_reference.c — the float64 exact reference: output, log-normalisers,
 * entropy and norms against direct dense computation; the cache file round
 * trip; a cache file for other data, truncated or corrupted, is rejected. */
#define _POSIX_C_SOURCE 200809L
#include "reference.h"
#include "testlib.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ab_data make_data(size_t H, size_t N, size_t D, size_t DV, double scale, uint64_t seed)
{
    struct ab_data d = {.heads = H, .n = N, .d = D, .dv = DV};
    d.q = ab_aligned_alloc(H * N * D * 4), d.k = ab_aligned_alloc(H * N * D * 4);
    d.v = ab_aligned_alloc(H * N * DV * 4);
    ab_test_fill_normal(d.q, H * N * D, seed, sqrt(scale));
    ab_test_fill_normal(d.k, H * N * D, seed + 1, sqrt(scale));
    ab_test_fill_normal(d.v, H * N * DV, seed + 2, 1.0);
    d.id = seed;
    ab_hex64(d.id, d.idhex);
    return d;
}

static double largest_singular_value(const double *a, size_t n)
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

static void reference_matches_dense_float64_attention(void **st)
{
    (void)st;
    size_t H = 2, N = 150, D = 16, DV = 12;
    struct ab_data d = make_data(H, N, D, DV, 2.0, ab_test_seed());
    struct ab_reference ref;
    struct ab_err err;
    assert_int_equal(ab_reference_compute(&d, 2, 1, &ref, &err), AB_OK);
    double *want = malloc(H * N * DV * 8), *S = malloc(N * N * 8);
    ab_test_attention_f64(H, N, D, DV, d.q, d.k, d.v, want);
    assert_true(ab_test_rel_err_d(ref.out, want, H * N * DV) < 1e-13);
    double ent = 0;
    for (size_t h = 0; h < H; h++) {
        ab_test_attn_matrix_f64(N, D, d.q + h * N * D, d.k + h * N * D, S);
        double f2 = 0;
        for (size_t i = 0; i < N; i++) {
            double row_ent = 0;
            for (size_t j = 0; j < N; j++) {
                double p = S[i * N + j];
                f2 += p * p;
                row_ent -= p > 0 ? p * log(p) : 0;
                /* the log-normaliser reproduces the row: p = exp(s - lse) */
                double s = 0;
                for (size_t c = 0; c < D; c++)
                    s += (double)d.q[(h * N + i) * D + c] * d.k[(h * N + j) * D + c];
                s /= sqrt((double)D);
                assert_true(fabs(exp(s - ref.lse[h * N + i]) - p) <= 1e-13 + 1e-12 * p);
            }
            ent += row_ent;
        }
        assert_true(fabs(ref.fro2[h] - f2) <= 1e-12 * f2);
        double spec = largest_singular_value(S, N);
        print_message("head %zu: ||S||_2 power %.9f, SVD %.9f\n", h, ref.spec[h], spec);
        assert_true(fabs(ref.spec[h] - spec) <= 1e-4 * spec);
        /* (the largest singular value of a row-stochastic matrix is >= 1) */
        assert_true(spec >= 1.0 - 1e-12);
    }
    ent /= (double)(H * N);
    assert_true(fabs(ref.entropy - ent) <= 1e-12 * ent);
    free(want), free(S);
    ab_reference_free(&ref);
    ab_data_free(&d);
}

static void cache_round_trip_is_bitwise_and_rejects_other_data(void **st)
{
    (void)st;
    struct ab_data d = make_data(1, 70, 8, 8, 1.0, ab_test_seed() + 5);
    struct ab_reference ref, back;
    struct ab_err err;
    assert_int_equal(ab_reference_compute(&d, 1, 0, &ref, &err), AB_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/ref.bin", ab_test_tmpdir());
    assert_int_equal(ab_reference_save(path, &ref, &err), AB_OK);
    assert_int_equal(ab_reference_load(path, &d, 0, &back, &err), AB_OK);
    assert_memory_equal(ref.out, back.out, 70 * 8 * 8);
    assert_memory_equal(ref.lse, back.lse, 70 * 8);
    assert_true(ref.entropy == back.entropy);
    ab_reference_free(&back);
    /* saved without spectral norms: a run that needs them recomputes */
    assert_int_equal(ab_reference_load(path, &d, 1, &back, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "spectral"));
    /* another data id */
    struct ab_data other = d;
    other.id = d.id + 1;
    assert_int_equal(ab_reference_load(path, &other, 0, &back, &err), AB_EIO);
    /* a flipped byte in the body */
    FILE *f = fopen(path, "r+b");
    fseek(f, 200, SEEK_SET);
    int c = fgetc(f);
    fseek(f, 200, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
    assert_int_equal(ab_reference_load(path, &d, 0, &back, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "corrupt"));
    /* truncated */
    assert_int_equal(ab_reference_save(path, &ref, &err), AB_OK);
    assert_int_equal(truncate(path, 300), 0);
    assert_int_equal(ab_reference_load(path, &d, 0, &back, &err), AB_EIO);
    /* an unwritable place is an error, not a crash */
    assert_int_equal(ab_reference_save("/nonexistent-dir/x.ref", &ref, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.ref"));
    ab_reference_free(&ref);
    ab_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_matches_dense_float64_attention),
        cmocka_unit_test(cache_round_trip_is_bitwise_and_rejects_other_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
