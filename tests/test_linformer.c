/* test_linformer.c — methods/linformer against a dense float64
 * implementation of its formula with the same random projections; the
 * segment-means control at k = n is exact attention; share_kv; determinism;
 * k = 0 refused; padding: the formula on the valid keys, exact with
 * segment means at k >= the lengths, no padding leak; causal refused.
 * (k > n: tests/test_contract.c.) */
#include "linformer/linformer.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_linformer_cpu;

/* O = softmax(Q (E K)^T / sqrt(D)) (F V), float64, one head. */
static void oracle(size_t N, size_t D, size_t DV, size_t k, const float *q, const float *K,
                   const float *V, const float *E, const float *F, double *out)
{
    double *ek = calloc(k * D, 8), *fv = calloc(k * DV, 8), *row = malloc(k * 8);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < N; j++) {
            for (size_t c = 0; c < D; c++)
                ek[i * D + c] += (double)E[i * N + j] * K[j * D + c];
            for (size_t c = 0; c < DV; c++)
                fv[i * DV + c] += (double)F[i * N + j] * V[j * DV + c];
        }
    for (size_t t = 0; t < N; t++) {
        double mx = -INFINITY, sum = 0;
        for (size_t i = 0; i < k; i++) {
            double s = 0;
            for (size_t c = 0; c < D; c++)
                s += (double)q[t * D + c] * ek[i * D + c];
            row[i] = s / sqrt((double)D);
            mx = fmax(mx, row[i]);
        }
        for (size_t i = 0; i < k; i++)
            sum += (row[i] = exp(row[i] - mx));
        for (size_t c = 0; c < DV; c++) {
            double acc = 0;
            for (size_t i = 0; i < k; i++)
                acc += row[i] / sum * fv[i * DV + c];
            out[t * DV + c] = acc;
        }
    }
    free(ek), free(fv), free(row);
}

/* fresh inputs: Q, K ~ N(0, 1.0^2) */
static struct ab_test_in make(size_t H, size_t N, size_t D, size_t DV, uint64_t seed)
{
    return ab_test_in_make(H, N, D, DV, seed, 1.0);
}

static void run(const struct ab_test_in *x, uint64_t seed, const char *k, const char *share, const char *proj)
{
    struct ab_values vals = ab_test_values(&ab_linformer_cpu, k, share, proj, NULL);
    struct ab_problem p = ab_test_problem(x->H, x->N, x->D, x->DV, x->q, x->k, x->v, seed);
    struct ab_err err;
    if (ab_test_run_method(&ab_linformer_cpu, &p, &vals, x->o, &err))
        fail_msg("%s", err.msg);
}

static void matches_float64_formula_with_the_same_projections(void **s)
{
    (void)s;
    size_t H = 2, N = 300, D = 16, DV = 8, k = 40;
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed());
    uint64_t seed = ab_test_seed() % 1000;
    float *E = malloc(k * N * 4), *F = malloc(k * N * 4);
    ab_linformer_projection(seed, 'E', k, N, E);
    ab_linformer_projection(seed, 'F', k, N, F);
    double *ref = malloc(H * N * DV * 8);
    for (int share = 0; share < 2; share++) {
        run(&x, seed, "k=40", share ? "share_kv=true" : "share_kv=false", "projection=gaussian");
        for (size_t h = 0; h < H; h++)
            oracle(N, D, DV, k, x.q + h * N * D, x.k + h * N * D, x.v + h * N * DV, E, share ? E : F,
                   ref + h * N * DV);
        print_message("share_kv=%d: rel err %.2e\n", share, ab_test_rel_err(x.o, ref, H * N * DV));
        assert_rel_err(x.o, ref, H * N * DV, 1e-5);
    }
    /* the projection has the JL scale: E E^T ~ (n/k) I on the diagonal */
    double diag = 0;
    for (size_t j = 0; j < N; j++)
        diag += (double)E[j] * E[j];
    assert_true(fabs(diag - (double)N / k) < 0.25 * (double)N / k);
    free(E), free(F), free(ref);
    ab_test_in_drop(&x);
}

static void segment_means_with_k_equal_n_is_exact(void **s)
{
    (void)s;
    struct ab_test_in x = make(2, 90, 8, 8, ab_test_seed() + 5);
    run(&x, 1, "k=90", "share_kv=false", "projection=segment-means");
    double *ref = malloc(2 * 90 * 8 * 8);
    ab_test_attention_f64(2, 90, 8, 8, x.q, x.k, x.v, ref);
    assert_rel_err(x.o, ref, 2 * 90 * 8, 1e-6);
    free(ref);
    ab_test_in_drop(&x);
}

static void same_seed_same_output_other_seed_other_output(void **s)
{
    (void)s;
    struct ab_test_in x = make(1, 200, 8, 8, ab_test_seed() + 9);
    float *a = malloc(200 * 8 * 4);
    run(&x, 7, "k=32", "share_kv=false", "projection=gaussian");
    memcpy(a, x.o, 200 * 8 * 4);
    run(&x, 7, "k=32", "share_kv=false", "projection=gaussian");
    assert_memory_equal(a, x.o, 200 * 8 * 4);
    run(&x, 8, "k=32", "share_kv=false", "projection=gaussian");
    assert_true(memcmp(a, x.o, 200 * 8 * 4) != 0);
    free(a);
    ab_test_in_drop(&x);
}

/* The first L columns of a k x N projection, k x L. */
static float *columns(const float *E, size_t k, size_t N, size_t L)
{
    float *out = malloc(k * L * 4);
    for (size_t i = 0; i < k; i++)
        memcpy(out + i * L, E + i * N, L * 4);
    return out;
}

/* padding: the projections see the valid keys only (the formula on the
 * first L tokens with E[:, :L], F[:, :L]); padded rows are exactly 0.
 * Lengths not multiples of the lane tile (32); 3 threads over 2 heads split
 * each head's projection into key chunks. */
static void padding_projects_the_valid_keys_only(void **s)
{
    (void)s;
    size_t H = 2, N = 300, D = 16, DV = 8, k = 40, lengths[2] = {261, 27};
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 13);
    uint64_t seed = ab_test_seed() % 1000 + 1;
    float *E = malloc(k * N * 4), *F = malloc(k * N * 4);
    ab_linformer_projection(seed, 'E', k, N, E);
    ab_linformer_projection(seed, 'F', k, N, F);
    double *ref = calloc(H * N * DV, 8);
    for (int share = 0; share < 2; share++)
        for (int threads = 1; threads <= 3; threads += 2) {
            struct ab_values vals = ab_test_values(&ab_linformer_cpu, "k=40",
                                                   share ? "share_kv=true" : "share_kv=false", NULL);
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, seed,
                                                         AB_MASK_PADDING, lengths);
            p.threads = threads;
            struct ab_err err;
            if (ab_test_run_method(&ab_linformer_cpu, &p, &vals, x.o, &err))
                fail_msg("%s", err.msg);
            for (size_t h = 0; h < H; h++) {
                size_t L = lengths[h];
                float *EL = columns(E, k, N, L), *FL = columns(share ? E : F, k, N, L);
                oracle(L, D, DV, k, x.q + h * N * D, x.k + h * N * D, x.v + h * N * DV, EL, FL,
                       ref + h * N * DV);
                for (size_t i = L * DV; i < N * DV; i++)
                    if (x.o[h * N * DV + i] != 0.0f)
                        fail_msg("padded output row [%zu, %zu] is not 0", h, i / DV);
                free(EL), free(FL);
            }
            print_message("padding, share_kv=%d, %d threads: rel err %.2e\n", share, threads,
                          ab_test_rel_err(x.o, ref, H * N * DV));
            assert_rel_err(x.o, ref, H * N * DV, 1e-5);
        }
    free(E), free(F), free(ref);
    ab_test_in_drop(&x);
}

/* segment-means with k >= every length: each valid token its own segment
 * (min(k, L) segments), so the control is exact masked attention. */
static void padding_segment_means_with_k_at_least_the_lengths_is_exact(void **s)
{
    (void)s;
    size_t H = 2, N = 90, lengths[2] = {90, 37};
    struct ab_test_in x = make(H, N, 8, 8, ab_test_seed() + 17);
    struct ab_values vals = ab_test_values(&ab_linformer_cpu, "k=90", "projection=segment-means", NULL);
    struct ab_problem p = ab_test_problem_masked(H, N, 8, 8, x.q, x.k, x.v, 1, AB_MASK_PADDING, lengths);
    struct ab_err err;
    if (ab_test_run_method(&ab_linformer_cpu, &p, &vals, x.o, &err))
        fail_msg("%s", err.msg);
    double *ref = malloc(H * N * 8 * 8);
    ab_test_attention_masked_f64(&p, ref);
    assert_rel_err(x.o, ref, H * N * 8, 1e-6);
    free(ref);
    ab_test_in_drop(&x);
}

/* padding_leak (the harness's check): exactly 0 for every projection. */
static void padding_does_not_leak(void **s)
{
    (void)s;
    size_t H = 2, N = 301, D = 16, DV = 8, lengths[2] = {200, 45};
    struct ab_test_in x = make(H, N, D, DV, ab_test_seed() + 19);
    const char *cfg[][2] = {{"k=64", "projection=gaussian"}, {"k=64", "share_kv=true"},
                            {"k=64", "projection=segment-means"}, {"k=50", "projection=segment-means"}};
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (int threads = 1; threads <= 3; threads += 2) {
            struct ab_values vals = ab_test_values(&ab_linformer_cpu, cfg[c][0], cfg[c][1], NULL);
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 5, AB_MASK_PADDING,
                                                         lengths);
            p.threads = threads;
            double leak = ab_test_leak(&ab_linformer_cpu, &p, &vals, ab_test_seed() + 3);
            if (leak != 0.0)
                fail_msg("padding leak %.3g with %s %s, %d threads", leak, cfg[c][0], cfg[c][1], threads);
        }
    ab_test_in_drop(&x);
}

/* causal is refused, with the reason the `refused` row quotes. */
static void causal_is_refused_with_the_reason(void **s)
{
    (void)s;
    assert_false(ab_linformer_cpu.caps & AB_CAP_CAUSAL);
    assert_true(ab_linformer_cpu.caps & AB_CAP_PADDING);
    assert_non_null(ab_linformer_cpu.mask_note);
    assert_non_null(strstr(ab_linformer_cpu.mask_note, "causal"));
    assert_non_null(strstr(ab_linformer_cpu.mask_note, "future"));
}

static void k_zero_is_outside_the_parameter_range(void **s)
{
    (void)s; /* k > n: tests/test_contract.c */
    struct ab_err err;
    double v;
    const char *str;
    assert_int_equal(ab_value_parse(&ab_linformer_cpu.params[0], "0", &v, &str, &err), AB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_formula_with_the_same_projections),
        cmocka_unit_test(segment_means_with_k_equal_n_is_exact),
        cmocka_unit_test(same_seed_same_output_other_seed_other_output),
        cmocka_unit_test(k_zero_is_outside_the_parameter_range),
        cmocka_unit_test(padding_projects_the_valid_keys_only),
        cmocka_unit_test(padding_segment_means_with_k_at_least_the_lengths_is_exact),
        cmocka_unit_test(padding_does_not_leak),
        cmocka_unit_test(causal_is_refused_with_the_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
