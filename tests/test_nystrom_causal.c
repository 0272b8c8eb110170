/* test_nystrom_causal.c — methods/nystrom_causal: against a float64
 * evaluation of its own formula; exact causal attention at M = N; its error
 * against exact causal attention as M grows; causal_leak exactly 0; rows
 * consistent with forward and zero above the diagonal; refused unmasked. */
#include "nystrom/nystrom.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_nystrom_causal_cpu;

/* The formula of nystrom_causal_cpu.c in float64, head by head. */
static void oracle(size_t H, size_t N, size_t D, size_t DV, size_t M, int tri, const float *q,
                   const float *k, const float *v, double *out) {
    double sc = 1.0 / sqrt((double)D);
    double *ql = malloc(M * D * 8), *kl = malloc(M * D * 8), *A = malloc(M * M * 8);
    double *bv = malloc(M * DV * 8), *w = malloc(M * DV * 8), *lg = malloc(N * 8);
    size_t *t0 = malloc((M + 1) * sizeof *t0);
    for (size_t s = 0; s < M; s++) {
        size_t a, b, div;
        ab_nystrom_segment(N, M, AB_SEG_UNEVEN, s, &a, &b, &div);
        t0[s] = a, t0[s + 1] = b;
    }
    for (size_t h = 0; h < H; h++) {
        const float *Q = q + h * N * D, *K = k + h * N * D, *V = v + h * N * DV;
        for (size_t s = 0; s < M; s++)
            for (size_t c = 0; c < D; c++) {
                double x = 0, y = 0;
                for (size_t t = t0[s]; t < t0[s + 1]; t++)
                    x += Q[t * D + c], y += K[t * D + c];
                ql[s * D + c] = x / (double)(t0[s + 1] - t0[s]);
                kl[s * D + c] = y / (double)(t0[s + 1] - t0[s]);
            }
        /* A: lower-triangular softmax; B V over keys < t1_r (tri), else over
         * the own segment with A = I */
        for (size_t r = 0; r < M; r++) {
            double mx = -INFINITY, sum = 0;
            for (size_t c = 0; c <= r; c++) {
                double x = 0;
                for (size_t e = 0; e < D; e++)
                    x += ql[r * D + e] * kl[c * D + e];
                A[r * M + c] = x * sc, mx = fmax(mx, x * sc);
            }
            for (size_t c = 0; c < M; c++)
                A[r * M + c] = c <= r ? exp(A[r * M + c] - mx) : 0, sum += A[r * M + c];
            for (size_t c = 0; c <= r; c++)
                A[r * M + c] /= sum;
            size_t nk = t0[r + 1], k0 = tri ? 0 : t0[r];
            mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < k0; j++)
                lg[j] = 0;
            for (size_t j = k0; j < nk; j++) {
                double x = 0;
                for (size_t e = 0; e < D; e++)
                    x += ql[r * D + e] * K[j * D + e];
                lg[j] = x * sc, mx = fmax(mx, lg[j]);
            }
            for (size_t j = k0; j < nk; j++)
                sum += (lg[j] = exp(lg[j] - mx));
            for (size_t c = 0; c < DV; c++) {
                double x = 0;
                for (size_t j = 0; j < nk; j++)
                    x += lg[j] * V[j * DV + c];
                bv[r * DV + c] = x / sum;
            }
        }
        for (size_t r = 0; r < M; r++) /* W = A^-1 B V */
            for (size_t c = 0; c < DV; c++) {
                double x = bv[r * DV + c];
                for (size_t u = 0; u < r && tri; u++)
                    x -= A[r * M + u] * w[u * DV + c];
                w[r * DV + c] = tri ? x / A[r * M + r] : x;
            }
        for (size_t i = 0, c = 0; i < N; i++) {
            while (i >= t0[c + 1])
                c++;
            double mx = -INFINITY, se = 0, sp = 0, sw = 0, pm = -INFINITY;
            for (size_t j = t0[c]; j <= i; j++) {
                double x = 0;
                for (size_t e = 0; e < D; e++)
                    x += (double)Q[i * D + e] * K[j * D + e];
                lg[j] = x * sc, mx = fmax(mx, lg[j]);
            }
            for (size_t j = t0[c]; j <= i; j++)
                se += (lg[j] = exp(lg[j] - mx));
            double *o = out + (h * N + i) * DV, lse_e = mx + log(se);
            double f[4096];
            for (size_t r = 0; r < c; r++) {
                double x = 0;
                for (size_t e = 0; e < D; e++)
                    x += (double)Q[i * D + e] * kl[r * D + e];
                f[r] = x * sc, pm = fmax(pm, f[r]);
            }
            for (size_t r = 0; r < c; r++) {
                f[r] = exp(f[r] - pm);
                sp += f[r], sw += f[r] * (double)(t0[r + 1] - t0[r]);
            }
            double lse_p = c ? pm + log(sw) : -INFINITY, top = fmax(lse_p, lse_e);
            double a = c ? exp(lse_p - top) : 0, b = exp(lse_e - top);
            for (size_t e = 0; e < DV; e++) {
                double pe = 0, ee = 0;
                for (size_t r = 0; r < c; r++)
                    pe += f[r] / sp * w[r * DV + e];
                for (size_t j = t0[c]; j <= i; j++)
                    ee += lg[j] / se * V[j * DV + e];
                o[e] = (a * pe + b * ee) / (a + b);
            }
        }
    }
    free(ql), free(kl), free(A), free(bv), free(w), free(lg), free(t0);
}

static const char *const inverses[] = {"inverse=none", "inverse=triangular"};

static int run(const struct ab_test_in *x, size_t M, int tri, int threads, struct ab_err *err) {
    char m[32];
    snprintf(m, sizeof m, "landmarks=%zu", M);
    struct ab_values vals = ab_test_values(&ab_nystrom_causal_cpu, m, inverses[tri], NULL);
    struct ab_problem p =
        ab_test_problem_masked(x->H, x->N, x->D, x->DV, x->q, x->k, x->v, 1, AB_MASK_CAUSAL, NULL);
    p.threads = threads;
    return ab_test_run_method(&ab_nystrom_causal_cpu, &p, &vals, x->o, err);
}

static void matches_float64_formula(void **st) {
    (void)st;
    struct {
        size_t H, N, D, DV, M;
        int threads;
    } cases[] = {{2, 203, 16, 8, 13, 1},
                 {3, 150, 8, 12, 7, 2},
                 {1, 97, 32, 32, 1, 2},
                 {2, 300, 16, 16, 64, 2},
                 {1, 130, 16, 8, 43, 1}};
    for (size_t c = 0; c < 2 * sizeof cases / sizeof cases[0]; c++) {
        int tri = (int)(c % 2);
        size_t k = c / 2;
        struct ab_test_in x = ab_test_in_make(cases[k].H, cases[k].N, cases[k].D, cases[k].DV,
                                              ab_test_seed() + c, 1.0);
        size_t cnt = x.H * x.N * x.DV;
        double *ref = malloc(cnt * 8);
        struct ab_err err;
        if (run(&x, cases[k].M, tri, cases[k].threads, &err))
            fail_msg("%s", err.msg);
        oracle(x.H, x.N, x.D, x.DV, cases[k].M, tri, x.q, x.k, x.v, ref);
        print_message("%-18s H=%zu N=%zu M=%zu: rel err vs float64 formula %.2e\n", inverses[tri],
                      x.H, x.N, cases[k].M, ab_test_rel_err(x.o, ref, cnt));
        assert_rel_err(x.o, ref, cnt, 1e-5);
        free(ref);
        ab_test_in_drop(&x);
    }
}

/* One token per segment: A = B = the exact causal matrix, lse_P exact. The
 * error against exact causal attention, measured for growing M (printed;
 * the bound asserted is the uniform floor's order, not a claim of accuracy). */
static void exact_at_m_equals_n_and_error_vs_exact_causal(void **st) {
    (void)st;
    size_t H = 2, N = 257, D = 16, DV = 16;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 40, 1.0);
    /* keys near the queries keep A well conditioned at M = N */
    for (size_t i = 0; i < H * N * D; i++)
        x.k[i] = x.q[i] + 0.5f * x.k[i];
    size_t cnt = H * N * DV;
    double *ref = malloc(cnt * 8);
    struct ab_problem p =
        ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, AB_MASK_CAUSAL, NULL);
    ab_test_attention_masked_f64(&p, ref);
    size_t ms[] = {4, 16, 64, 128, 257};
    struct ab_err err;
    for (size_t c = 0; c < 10; c++) {
        int tri = (int)(c / 5);
        if (run(&x, ms[c % 5], tri, 2, &err))
            fail_msg("%s", err.msg);
        double e = ab_test_rel_err(x.o, ref, cnt);
        print_message("%-18s M=%3zu: rel err vs exact causal attention %.3e\n", inverses[tri],
                      ms[c % 5], e);
        if (ms[c % 5] == N)
            assert_rel_err(x.o, ref, cnt, 1e-5);
        else
            assert_true(e < 1.0);
    }
    free(ref);
    ab_test_in_drop(&x);
}

static void causal_leak_is_zero(void **st) {
    (void)st;
    size_t sizes[][3] = {{2, 203, 13}, {1, 64, 64}, {2, 150, 1}, {3, 333, 40}};
    for (size_t c = 0; c < 4; c++) {
        struct ab_test_in x =
            ab_test_in_make(sizes[c][0], sizes[c][1], 16, 8, ab_test_seed() + 60 + c, 1.0);
        char m[32];
        snprintf(m, sizeof m, "landmarks=%zu", sizes[c][2]);
        struct ab_problem p =
            ab_test_problem_masked(x.H, x.N, 16, 8, x.q, x.k, x.v, 1, AB_MASK_CAUSAL, NULL);
        p.threads = 2;
        for (int tri = 0; tri < 2; tri++) {
            struct ab_values vals = ab_test_values(&ab_nystrom_causal_cpu, m, inverses[tri], NULL);
            double leak = ab_test_leak(&ab_nystrom_causal_cpu, &p, &vals, ab_test_seed() + 7);
            print_message("%-18s N=%zu M=%zu: causal leak %.3g\n", inverses[tri], x.N, sizes[c][2],
                          leak);
            assert_true(leak == 0.0);
        }
        ab_test_in_drop(&x);
    }
}

static void rows_agree_with_forward_and_look_back_only(void **st) {
    (void)st;
    size_t H = 2, N = 170, D = 16, DV = 8;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 80, 1.0);
    struct ab_problem p =
        ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, AB_MASK_CAUSAL, NULL);
    struct ab_err err;
    for (int tri = 0; tri < 2; tri++) {
        struct ab_values vals =
            ab_test_values(&ab_nystrom_causal_cpu, "landmarks=12", inverses[tri], NULL);
        void *state = NULL;
        assert_int_equal(ab_nystrom_causal_cpu.prepare(&p, &vals, &state, &err), AB_OK);
        assert_int_equal(ab_nystrom_causal_cpu.forward(state, x.o, &err), AB_OK);
        float *S = malloc(AB_ROWS_BLOCK * N * 4);
        double worst = 0, worst_sum = 0;
        for (size_t h = 0; h < H; h++)
            for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                assert_int_equal(ab_nystrom_causal_cpu.rows(state, h, r0, r1, S, &err), AB_OK);
                for (size_t i = r0; i < r1; i++) {
                    const float *row = S + (i - r0) * N;
                    double sum = 0;
                    for (size_t j = 0; j < N; j++) {
                        if (j > i)
                            assert_true(row[j] == 0.0f);
                        sum += row[j];
                    }
                    worst_sum = fmax(worst_sum, fabs(sum - 1));
                    for (size_t c = 0; c < DV; c++) {
                        double a = 0;
                        for (size_t j = 0; j <= i; j++)
                            a += (double)row[j] * x.v[(h * N + j) * DV + c];
                        worst = fmax(worst, fabs(a - x.o[(h * N + i) * DV + c]));
                    }
                }
            }
        print_message("%-18s max |rows V - O| %.2e, max |row sum - 1| %.2e\n", inverses[tri], worst,
                      worst_sum);
        assert_true(worst < 1e-4);
        assert_true(worst_sum < 1e-4); /* F A^-1 B 1 = 1 and the merge weights sum to 1 */
        free(S);
        ab_nystrom_causal_cpu.release(state);
    }
    ab_test_in_drop(&x);
}

static void refused_without_the_causal_mask(void **st) {
    (void)st;
    struct ab_test_in x = ab_test_in_make(1, 50, 8, 8, ab_test_seed(), 1.0);
    struct ab_values vals = ab_test_values(&ab_nystrom_causal_cpu, "landmarks=5", NULL);
    struct ab_problem p = ab_test_problem(1, 50, 8, 8, x.q, x.k, x.v, 1);
    struct ab_err err;
    assert_int_equal(ab_test_run_method(&ab_nystrom_causal_cpu, &p, &vals, x.o, &err), AB_EREFUSED);
    assert_non_null(strstr(err.msg, "mask: causal"));
    vals = ab_test_values(&ab_nystrom_causal_cpu, "landmarks=51", NULL);
    p.mask = AB_MASK_CAUSAL;
    assert_int_equal(ab_test_run_method(&ab_nystrom_causal_cpu, &p, &vals, x.o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "M=51"));
    ab_test_in_drop(&x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_formula),
        cmocka_unit_test(exact_at_m_equals_n_and_error_vs_exact_causal),
        cmocka_unit_test(causal_leak_is_zero),
        cmocka_unit_test(rows_agree_with_forward_and_look_back_only),
        cmocka_unit_test(refused_without_the_causal_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
