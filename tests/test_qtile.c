/* test_qtile.c — qtile.c, the lane tiles (queries in vector lanes): both
 * products, fast path and generic, against float64 on fresh random inputs
 * at sizes that hit every register block and its remainders; padding lanes;
 * and the online softmax down the columns over several key blocks, with
 * masked (-Inf) logits, against a float64 softmax times V. */
#include "kernels/qtile.h"
#include "base/rng.h"
#include "testlib.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { L = AB_QT_LANES };

static float *fresh(size_t count, uint64_t seed)
{
    float *x = malloc(count * sizeof *x);
    ab_test_fill_normal(x, count, seed, 1.0);
    return x;
}

static void pack_transposes_scales_and_zero_pads(void **s)
{
    (void)s;
    /* partial tiles (scalar), and full ones whose first 64 columns go through
     * the 16 x 16 transposes and the rest (d = 71) through the scalar tail */
    const size_t rowss[] = {19, 32, 32}, ds[] = {7, 64, 71};
    for (size_t t = 0; t < 3; t++) {
        size_t rows = rowss[t], d = ds[t], ldq = d + 5;
        float *q = fresh(rows * ldq, ab_test_seed() + t), *qt = malloc(d * L * sizeof *qt);
        ab_qt_pack(q, rows, ldq, d, 0.5f, qt);
        for (size_t c = 0; c < d; c++)
            for (size_t l = 0; l < L; l++)
                assert_true(qt[c * L + l] == (l < rows ? 0.5f * q[l * ldq + c] : 0.0f));
        free(q), free(qt);
    }
}

static void unpack_transposes_and_scales_the_lanes(void **s)
{
    (void)s;
    const size_t rowss[] = {13, 32, 32}, dvs[] = {5, 64, 70};
    for (size_t t = 0; t < 3; t++) {
        size_t rows = rowss[t], dv = dvs[t], ldo = dv + 3;
        float *ot = fresh(dv * L, ab_test_seed() + 10 + t), *sc = fresh(L, ab_test_seed() + 20 + t);
        float *out = malloc(rows * ldo * sizeof *out);
        ab_qt_unpack(ot, dv, sc, rows, out, ldo);
        for (size_t l = 0; l < rows; l++)
            for (size_t c = 0; c < dv; c++)
                assert_true(out[l * ldo + c] == ot[c * L + l] * sc[l]);
        free(ot), free(sc), free(out);
    }
}

/* st[j][l] = sum_c k[j][c] qt[c][l] in float64 */
static void logits_f64(const float *qt, size_t d, const float *k, size_t ldk, size_t nk, double *st)
{
    for (size_t j = 0; j < nk; j++)
        for (size_t l = 0; l < L; l++) {
            double a = 0;
            for (size_t c = 0; c < d; c++)
                a += (double)k[j * ldk + c] * qt[c * L + l];
            st[j * L + l] = a;
        }
}

static void logits_match_float64_at_every_block_size(void **s)
{
    (void)s;
    /* nk: the 12-key blocks, the 4-key and 1-key remainders; d odd and 64 */
    const size_t nks[] = {1, 3, 4, 11, 12, 13, 29, 40, 300}, ds[] = {1, 5, 64};
    for (size_t a = 0; a < sizeof ds / sizeof ds[0]; a++)
        for (size_t b = 0; b < sizeof nks / sizeof nks[0]; b++) {
            size_t d = ds[a], nk = nks[b], ldk = d + 3;
            uint64_t seed = ab_test_seed() + 100 * a + b;
            float *qt = fresh(d * L, seed), *k = fresh(nk * ldk, seed + 1);
            float *st = malloc(nk * L * sizeof *st);
            double *ref = malloc(nk * L * sizeof *ref);
            logits_f64(qt, d, k, ldk, nk, ref);
            ab_qt_logits(qt, d, k, ldk, nk, st);
            /* a float32 dot of d terms: rel error ~ d * 2^-24 on ||ref|| */
            assert_rel_err(st, ref, nk * L, 2e-6 * (double)d + 1e-7);
            ab_qt_logits_generic(qt, d, k, ldk, nk, st);
            assert_rel_err(st, ref, nk * L, 2e-6 * (double)d + 1e-7);
            free(qt), free(k), free(st), free(ref);
        }
}

static void values_accumulate_and_match_float64(void **s)
{
    (void)s;
    const size_t dvs[] = {1, 7, 8, 9, 19, 64}, nks[] = {1, 13, 288};
    for (size_t a = 0; a < sizeof dvs / sizeof dvs[0]; a++)
        for (size_t b = 0; b < sizeof nks / sizeof nks[0]; b++) {
            size_t dv = dvs[a], nk = nks[b], ldv = dv + 2;
            uint64_t seed = ab_test_seed() + 1000 + 10 * a + b;
            float *pt = fresh(nk * L, seed), *v = fresh(nk * ldv, seed + 1);
            float *ot0 = fresh(dv * L, seed + 2), *ot = malloc(dv * L * sizeof *ot);
            double *ref = malloc(dv * L * sizeof *ref);
            for (size_t c = 0; c < dv; c++)
                for (size_t l = 0; l < L; l++) {
                    double acc = ot0[c * L + l]; /* += into what is there */
                    for (size_t j = 0; j < nk; j++)
                        acc += (double)v[j * ldv + c] * pt[j * L + l];
                    ref[c * L + l] = acc;
                }
            memcpy(ot, ot0, dv * L * sizeof *ot);
            ab_qt_values(pt, nk, v, ldv, dv, ot);
            assert_rel_err(ot, ref, dv * L, 2e-6 * sqrt((double)nk) + 1e-6);
            memcpy(ot, ot0, dv * L * sizeof *ot);
            ab_qt_values_generic(pt, nk, v, ldv, dv, ot);
            assert_rel_err(ot, ref, dv * L, 2e-6 * sqrt((double)nk) + 1e-6);
            free(pt), free(v), free(ot0), free(ot), free(ref);
        }
}

/* colexp's vector exp (x = logit - max <= 0) within 2 ulp of exp rounded
 * once, -Inf and x below -87.34 to 0, column sums to float64. */
static void colexp_is_within_2_ulp_and_sums_its_columns(void **s)
{
    (void)s;
    size_t nk = 4099;
    float *st = malloc(nk * L * sizeof *st), *in = malloc(nk * L * sizeof *in);
    struct ab_rng r;
    ab_rng_seed(&r, ab_test_seed(), 9);
    float mx[L], sum[L];
    for (size_t l = 0; l < L; l++)
        mx[l] = (float)(10.0 * ab_rng_uniform(&r) - 5.0), sum[l] = 1.5f;
    for (size_t j = 0; j < nk; j++)
        for (size_t l = 0; l < L; l++)
            in[j * L + l] = mx[l] - (float)(87.0 * ab_rng_uniform(&r));
    in[0] = mx[0], in[L + 1] = -INFINITY, in[2 * L + 2] = mx[2] - 95.0f;
    memcpy(st, in, nk * L * sizeof *st);
    ab_qt_colexp(st, nk, mx, sum);
    int64_t worst = 0;
    for (size_t l = 0; l < L; l++) {
        double ref = 1.5;
        for (size_t j = 0; j < nk; j++) {
            float x = in[j * L + l] - mx[l]; /* the same float subtraction */
            float want = x < -87.3365447504f ? 0.0f : (float)exp((double)x);
            ref += want;
            if (want < 1.1754944e-38f) {
                assert_true(st[j * L + l] < 1.2e-38f);
                continue; /* denormal results: flushed by design */
            }
            int64_t u = ab_test_ulps(st[j * L + l], want);
            worst = u > worst ? u : worst;
        }
        assert_true(fabs(sum[l] - ref) <= 1e-6 * ref);
    }
    print_message("max error %lld ulp\n", (long long)worst);
    assert_true(worst <= 2);
    assert_true(st[0] == 1.0f && st[L + 1] == 0.0f && st[2 * L + 2] == 0.0f);
    free(st), free(in);
}

/* Attention of the lanes over nk keys in blocks of tk through ab_qt_online,
 * with the logits of `masked` (j, l) pairs set to -Inf, against float64. */
static void online_softmax_over_blocks_matches_float64(void **s)
{
    (void)s;
    size_t nk = 517, dv = 24, tk = 100, rows = 27;
    uint64_t seed = ab_test_seed() + 5000;
    float *logit = fresh(nk * L, seed), *v = fresh(nk * dv, seed + 1);
    for (size_t i = 0; i < nk * L; i++)
        logit[i] *= 4.0f; /* peaked rows: the running max moves */
    /* lane 3: every key of the first two blocks masked (its max starts at
     * -Inf and the accumulator must stay 0 until a real key arrives); lane 5:
     * every other key masked */
    for (size_t j = 0; j < nk; j++) {
        if (j < 2 * tk)
            logit[j * L + 3] = -INFINITY;
        if (j % 2)
            logit[j * L + 5] = -INFINITY;
    }
    double *ref = malloc(dv * rows * sizeof *ref);
    for (size_t l = 0; l < rows; l++) {
        double mx = -INFINITY, sum = 0;
        for (size_t j = 0; j < nk; j++)
            mx = fmax(mx, logit[j * L + l]);
        for (size_t c = 0; c < dv; c++)
            ref[l * dv + c] = 0;
        for (size_t j = 0; j < nk; j++) {
            double p = exp((double)logit[j * L + l] - mx);
            sum += p;
            for (size_t c = 0; c < dv; c++)
                ref[l * dv + c] += p * v[j * dv + c];
        }
        for (size_t c = 0; c < dv; c++)
            ref[l * dv + c] /= sum;
    }
    float *st = malloc(tk * L * sizeof *st), *ot = calloc(dv * L, sizeof *ot);
    float mx[L], inv[L], out[27 * 24];
    double sum[L];
    for (size_t l = 0; l < L; l++)
        mx[l] = -INFINITY, sum[l] = 0;
    for (size_t b0 = 0; b0 < nk; b0 += tk) {
        size_t cols = nk - b0 < tk ? nk - b0 : tk;
        memcpy(st, logit + b0 * L, cols * L * sizeof *st);
        ab_qt_online(st, cols, mx, sum, ot, dv);
        ab_qt_values(st, cols, v + b0 * dv, dv, dv, ot);
        if (b0 == 0)
            for (size_t c = 0; c < dv; c++)
                assert_true(ot[c * L + 3] == 0.0f); /* nothing seen yet */
    }
    for (size_t l = 0; l < L; l++)
        inv[l] = (float)(1.0 / sum[l]);
    ab_qt_unpack(ot, dv, inv, rows, out, dv);
    assert_rel_err(out, ref, rows * dv, 1e-5);
    free(logit), free(v), free(ref), free(st), free(ot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pack_transposes_scales_and_zero_pads),
        cmocka_unit_test(unpack_transposes_and_scales_the_lanes),
        cmocka_unit_test(logits_match_float64_at_every_block_size),
        cmocka_unit_test(values_accumulate_and_match_float64),
        cmocka_unit_test(colexp_is_within_2_ulp_and_sums_its_columns),
        cmocka_unit_test(online_softmax_over_blocks_matches_float64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
