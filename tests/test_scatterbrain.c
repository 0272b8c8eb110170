/* test_scatterbrain.c — methods/scatterbrain: output and `rows` against a
 * float64 oracle of its formula (A_ij = exp(q_i.k_j/sqrt(d)) inside the
 * window, (1/r) sum_f exp(w_f.q' - |q'|^2/2 + w_f.k' - |k'|^2/2) outside it,
 * with performer's W for the seed; rows of A normalised) with n not a
 * multiple of the tile, unmasked and padded; a window over every key is
 * exact attention; window -1 is `performer` with the same seed and
 * features (unmasked); padding_leak exactly 0; causal refused with a note. */
#include "testlib.h"
#include "performer/performer.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_scatterbrain_cpu, ab_performer_cpu;

static const size_t lengths_203[3] = {150, 203, 11};
static const char *mask_name(int mask) { return mask == AB_MASK_PADDING ? "padding" : "none"; }

struct sb_case {
    size_t r;
    long window;
};
static const struct sb_case cases[] = {{0, 128}, {16, 10}, {64, 0}, {40, 41}, {8, -1}, {100, 300}};

/* The float64 oracle: out (H N DV), S (H N N). */
static void oracle(const struct sb_case *c, const struct ab_problem *p, double *out, double *S)
{
    size_t N = p->n, D = p->d, DV = p->dv;
    size_t r = c->r ? c->r : (size_t)floor((double)D * log((double)D));
    float *W = malloc(r * D * 4);
    assert_int_equal(ab_performer_draw(p->seed, r, D, 1, AB_PERF_NORMS_CHI, W), 0);
    double x4 = pow((double)D, -0.25), *eq = malloc(N * r * 8), *ek = malloc(N * r * 8);
    memset(out, 0, p->heads * N * DV * 8);
    memset(S, 0, p->heads * N * N * 8);
    for (size_t h = 0; h < p->heads; h++) {
        size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
        const float *q = p->q + h * N * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
        for (size_t t = 0; t < L; t++) /* exponents w_f.x' - |x'|^2/2 */
            for (int which = 0; which < 2; which++) {
                const float *x = (which ? k : q) + t * D;
                double n2 = 0;
                for (size_t e = 0; e < D; e++)
                    n2 += (double)x[e] * x[e] * x4 * x4;
                for (size_t f = 0; f < r; f++) {
                    double u = 0;
                    for (size_t e = 0; e < D; e++)
                        u += (double)W[f * D + e] * x[e] * x4;
                    (which ? ek : eq)[t * r + f] = u - n2 / 2;
                }
            }
        for (size_t i = 0; i < L; i++) {
            double *row = S + (h * N + i) * N, sum = 0;
            for (size_t j = 0; j < L; j++) {
                size_t dist = i > j ? i - j : j - i;
                if (c->window >= 0 && dist <= (size_t)c->window / 2) {
                    double dot = 0;
                    for (size_t e = 0; e < D; e++)
                        dot += (double)q[i * D + e] * k[j * D + e];
                    row[j] = exp(dot / sqrt((double)D));
                } else {
                    double a = 0;
                    for (size_t f = 0; f < r; f++)
                        a += exp(eq[i * r + f] + ek[j * r + f]);
                    row[j] = a / (double)r;
                }
                sum += row[j];
            }
            for (size_t j = 0; j < L; j++)
                row[j] /= sum;
            for (size_t e = 0; e < DV; e++) {
                double a = 0;
                for (size_t j = 0; j < L; j++)
                    a += row[j] * v[j * DV + e];
                out[(h * N + i) * DV + e] = a;
            }
        }
    }
    free(W), free(eq), free(ek);
}

static struct ab_values values_of(const struct sb_case *c)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "features=%zu", c->r);
    snprintf(b, sizeof b, "window=%ld", c->window);
    return ab_test_values(&ab_scatterbrain_cpu, a, b, NULL);
}

static void matches_float64_oracle_of_its_formula(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 1, 1.0);
    double *ref = malloc(H * N * DV * 8), *S = malloc(H * N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
            const struct sb_case *c = &cases[ci];
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v,
                                                         ab_test_seed() + ci, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = (int)(ci % 2) + 1;
            struct ab_values vals = values_of(c);
            struct ab_err err;
            void *st = NULL;
            assert_int_equal(ab_scatterbrain_cpu.prepare(&p, &vals, &st, &err), AB_OK);
            assert_int_equal(ab_scatterbrain_cpu.forward(st, x.o, &err), AB_OK);
            oracle(c, &p, ref, S);
            double worst = 0;
            for (size_t h = 0; h < H; h++)
                for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                    size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                    assert_int_equal(ab_scatterbrain_cpu.rows(st, h, r0, r1, R, &err), AB_OK);
                    for (size_t i = 0; i < (r1 - r0) * N; i++)
                        worst = fmax(worst, fabs(R[i] - S[(h * N + r0) * N + i]));
                }
            print_message("%s, features %zu window %ld: out rel err %.2e, rows max abs err %.2e\n",
                          mask_name(mask), c->r, c->window, ab_test_rel_err(x.o, ref, H * N * DV),
                          worst);
            assert_rel_err(x.o, ref, H * N * DV, 1e-5);
            assert_true(worst < 1e-6);
            ab_scatterbrain_cpu.release(st);
        }
    free(ref), free(S), free(R);
    ab_test_in_drop(&x);
}

static void window_over_every_key_is_exact_and_no_window_is_performer(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 2, 1.3);
    double *ref = malloc(H * N * DV * 8);
    float *perf = malloc(H * N * DV * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 9, mask,
                                                     mask == AB_MASK_PADDING ? lengths_203 : NULL);
        ab_test_attention_masked_f64(&p, ref);
        struct ab_values full = ab_test_values(&ab_scatterbrain_cpu, "window=404", NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_scatterbrain_cpu, &p, &full, x.o, &err))
            fail_msg("%s", err.msg);
        print_message("%s, window 2(n-1): rel err vs exact %.2e\n", mask_name(mask),
                      ab_test_rel_err(x.o, ref, H * N * DV));
        assert_rel_err(x.o, ref, H * N * DV, 1e-6);
        if (mask == AB_MASK_PADDING)
            continue; /* performer declares no padding */
        struct ab_values none = ab_test_values(&ab_scatterbrain_cpu, "window=-1", "features=48", NULL);
        struct ab_values pv = ab_test_values(&ab_performer_cpu, "features=48", NULL);
        assert_int_equal(ab_test_run_method(&ab_scatterbrain_cpu, &p, &none, x.o, &err), AB_OK);
        assert_int_equal(ab_test_run_method(&ab_performer_cpu, &p, &pv, perf, &err), AB_OK);
        for (size_t i = 0; i < H * N * DV; i++)
            ref[i] = perf[i];
        print_message("%s, window -1 vs performer: rel diff %.2e\n", mask_name(mask),
                      ab_test_rel_err(x.o, ref, H * N * DV));
        assert_rel_err(x.o, ref, H * N * DV, 1e-5);
    }
    free(ref), free(perf);
    ab_test_in_drop(&x);
}

static void padding_leak_is_exactly_zero_and_causal_refused(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 5, 1.0);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 5 + ci,
                                                     AB_MASK_PADDING, lengths_203);
        p.threads = (int)(ci % 2) + 1;
        struct ab_values vals = values_of(&cases[ci]);
        double leak = ab_test_leak(&ab_scatterbrain_cpu, &p, &vals, ab_test_seed() + 11 + ci);
        print_message("padding, features %zu window %ld: leak %.3g\n", cases[ci].r,
                      cases[ci].window, leak);
        assert_true(leak == 0.0);
    }
    assert_false(ab_scatterbrain_cpu.caps & AB_CAP_CAUSAL);
    assert_non_null(ab_scatterbrain_cpu.mask_note);
    ab_test_in_drop(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_oracle_of_its_formula),
        cmocka_unit_test(window_over_every_key_is_exact_and_no_window_is_performer),
        cmocka_unit_test(padding_leak_is_exactly_zero_and_causal_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
