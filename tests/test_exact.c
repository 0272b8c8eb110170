/* test_exact.c — methods/exact: every impl against the float64 oracle, rows
 * out of range, the materialize cap, bad sizes. (The contract's checks for
 * every method, rows against the oracle among them: tests/test_contract.c.) */
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_exact_cpu;

struct sizes {
    size_t H, N, D, DV;
};

static void check_against_oracle(const char *impl, const char *tq, const char *tk)
{
    const struct sizes cases[] = {{1, 1, 8, 8}, {2, 37, 16, 5}, {3, 128, 64, 64}, {1, 512, 32, 48}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct sizes z = cases[c];
        float *q = malloc(z.H * z.N * z.D * 4), *k = malloc(z.H * z.N * z.D * 4),
              *v = malloc(z.H * z.N * z.DV * 4), *o = malloc(z.H * z.N * z.DV * 4);
        double *ref = malloc(z.H * z.N * z.DV * 8);
        uint64_t seed = ab_test_seed() + c;
        ab_test_fill_normal(q, z.H * z.N * z.D, seed, 1.5);
        ab_test_fill_normal(k, z.H * z.N * z.D, seed + 100, 1.5);
        ab_test_fill_normal(v, z.H * z.N * z.DV, seed + 200, 1.0);
        ab_test_attention_f64(z.H, z.N, z.D, z.DV, q, k, v, ref);
        struct ab_problem p = ab_test_problem(z.H, z.N, z.D, z.DV, q, k, v, 1);
        char a[32], b[32], i[32];
        snprintf(i, sizeof i, "impl=%s", impl);
        snprintf(a, sizeof a, "tile_q=%s", tq);
        snprintf(b, sizeof b, "tile_k=%s", tk);
        struct ab_values vals = ab_test_values(&ab_exact_cpu, i, a, b, NULL);
        struct ab_err err;
        int rc = ab_test_run_method(&ab_exact_cpu, &p, &vals, o, &err);
        if (rc)
            fail_msg("%s", err.msg);
        print_message("%s H=%zu N=%zu D=%zu DV=%zu rel err %.2e\n", impl, z.H, z.N, z.D, z.DV,
                      ab_test_rel_err(o, ref, z.H * z.N * z.DV));
        assert_rel_err(o, ref, z.H * z.N * z.DV, 1e-6);
        free(q), free(k), free(v), free(o), free(ref);
    }
}

static void stream_matches_float64_oracle_with_ragged_tiles(void **s)
{
    (void)s;
    check_against_oracle("stream", "7", "13");
}

static void stream_matches_float64_oracle_with_default_tiles(void **s)
{
    (void)s;
    check_against_oracle("stream", "128", "512");
}

static void fused_matches_float64_oracle_with_ragged_tiles(void **s)
{
    (void)s;
    check_against_oracle("fused", "37", "13"); /* lane blocks of 32 + 5; key blocks < FK */
    check_against_oracle("fused", "70", "300"); /* key blocks of 300 in steps of 128 */
}

static void fused_matches_float64_oracle_with_default_tiles(void **s)
{
    (void)s;
    check_against_oracle("fused", "0", "2048"); /* auto: 32 ... 1024 rows */
}

static void materialize_matches_float64_oracle(void **s)
{
    (void)s;
    check_against_oracle("materialize", "128", "512");
}

static void rows_out_of_range_are_an_error(void **s)
{
    (void)s; /* rows = the float64 attention rows, summing to 1: tests/test_contract.c */
    size_t N = 40, D = 8;
    float *x = calloc(2 * N * D, 4), *o = malloc(2 * N * D * 4), *S = malloc(N * 4);
    struct ab_problem p = ab_test_problem(2, N, D, D, x, x, x, 1);
    struct ab_values vals = ab_test_values(&ab_exact_cpu, NULL);
    struct ab_err err;
    void *st = NULL;
    assert_int_equal(ab_exact_cpu.prepare(&p, &vals, &st, &err), AB_OK);
    assert_int_equal(ab_exact_cpu.forward(st, o, &err), AB_OK);
    assert_int_equal(ab_exact_cpu.rows(st, 2, 0, 1, S, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "out of range"));
    ab_exact_cpu.release(st);
    free(x), free(o), free(S);
}

static void materialize_is_refused_beyond_its_cap(void **s)
{
    (void)s;
    size_t N = 1024, D = 8; /* N x N float32 = 4 MiB > 1 MiB */
    float *q = calloc(N * D, 4);
    struct ab_problem p = ab_test_problem(1, N, D, D, q, q, q, 1);
    struct ab_values vals = ab_test_values(&ab_exact_cpu, "impl=materialize", "cap_mib=1", NULL);
    struct ab_err err;
    void *st = NULL;
    assert_int_equal(ab_exact_cpu.prepare(&p, &vals, &st, &err), AB_EREFUSED);
    assert_non_null(strstr(err.msg, "cap_mib=1"));
    ab_exact_cpu.release(st);
    free(q);
}

static void empty_problems_are_clear_errors(void **s)
{
    (void)s;
    float x[8] = {0};
    struct ab_values vals = ab_test_values(&ab_exact_cpu, NULL);
    struct ab_err err;
    struct ab_estimate est;
    struct ab_problem p = ab_test_problem(1, 0, 8, 8, x, x, x, 1);
    assert_int_equal(ab_exact_cpu.estimate(&p, &vals, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "N=0"));
    p = ab_test_problem(1, 4, 0, 8, x, x, x, 1);
    void *st = NULL;
    assert_int_equal(ab_exact_cpu.prepare(&p, &vals, &st, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "D=0"));
    ab_exact_cpu.release(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_matches_float64_oracle_with_ragged_tiles),
        cmocka_unit_test(stream_matches_float64_oracle_with_default_tiles),
        cmocka_unit_test(fused_matches_float64_oracle_with_ragged_tiles),
        cmocka_unit_test(fused_matches_float64_oracle_with_default_tiles),
        cmocka_unit_test(materialize_matches_float64_oracle),
        cmocka_unit_test(rows_out_of_range_are_an_error),
        cmocka_unit_test(materialize_is_refused_beyond_its_cap),
        cmocka_unit_test(empty_problems_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
