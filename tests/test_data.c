/* test_data.c — the synthetic data kinds: golden values (bitwise, so a
 * change of stream or arithmetic fails), determinism, ids, shapes, the
 * temperature knob, and the structure each kind promises. */
#include "data/data.h"
#include "testlib.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values for `kind` from "k=v" pairs (NULL-terminated) over the defaults. */
static struct ab_values kv(const struct ab_datakind *k, ...)
{
    struct ab_values v;
    struct ab_err err;
    assert_int_equal(ab_values_defaults(&v, k->params, k->nparams, &err), AB_OK);
    va_list ap;
    va_start(ap, k);
    for (const char *s; (s = va_arg(ap, const char *));) {
        const char *eq = strchr(s, '=');
        int found = 0;
        for (int j = 0; j < k->nparams; j++)
            if (strlen(k->params[j].name) == (size_t)(eq - s) &&
                !strncmp(k->params[j].name, s, (size_t)(eq - s))) {
                if (ab_value_parse(&k->params[j], eq + 1, &v.v[j], &v.str[j], &err))
                    fail_msg("%s", err.msg);
                v.set[j] = 1, found = 1;
            }
        if (!found)
            fail_msg("%s has no parameter in %s", k->name, s);
    }
    va_end(ap);
    return v;
}

static struct ab_data make(const char *kind, uint64_t seed, struct ab_values v)
{
    const struct ab_datakind *k = ab_datakind_find(kind);
    assert_non_null(k);
    struct ab_data d;
    struct ab_err err;
    if (k->make(&v, seed, NULL, &d, &err))
        fail_msg("%s", err.msg);
    return d;
}

static void every_kind_matches_its_golden_values(void **s)
{
    (void)s;
    /* heads 2, n 16, d 4, dv 3, rank 2, clusters 4, sinks 2, seed 7:
     * q[0], q[last], k[5], v[3] and the id */
    const struct {
        const char *kind;
        float q0, qlast, k5, v3;
        const char *id;
    } g[] = {
        {"gaussian", 0x1.38ed14p-2f, -0x1.3414bap+0f, 0x1.3e5a5p-6f, 0x1.098e62p+0f, "45ac135d03cd3ede"},
        {"lowrank", 0x1.b92ff4p-1f, -0x1.189ea4p+0f, -0x1.f7de78p-3f, 0x1.e45ab2p+0f, "c3a445dcfa3d4fa8"},
        {"clustered", -0x1.30b7ccp-2f, 0x1.05ed04p-1f, 0x1.19b72p-3f, 0x1.216846p-1f, "f662894657bcbad6"},
        {"local", 0x1.3fa658p-3f, 0x1.45e418p-1f, 0x1.4e68aep+0f, 0x1.5eab78p-2f, "5bc52f08ad8a7f86"},
        {"heavy", 0x1.f0dc8ap-1f, 0x1.6dbc4cp+0f, 0x1.fa3774p-2f, 0x1.10ac16p-1f, "84d1db464ed4975f"},
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        const struct ab_datakind *k = ab_datakind_find(g[i].kind);
        struct ab_values v = kv(k, "heads=2", "n=16", "d=4", "dv=3", NULL);
        for (int j = 0; j < k->nparams; j++) {
            if (!strcmp(k->params[j].name, "rank"))
                v.v[j] = 2;
            if (!strcmp(k->params[j].name, "clusters"))
                v.v[j] = 4;
            if (!strcmp(k->params[j].name, "sinks"))
                v.v[j] = 2;
        }
        struct ab_data d = make(g[i].kind, 7, v);
        print_message("%s: %a %a %a %a %s\n", g[i].kind, (double)d.q[0], (double)d.q[2 * 16 * 4 - 1],
                      (double)d.k[5], (double)d.v[3], d.idhex);
        assert_true(d.q[0] == g[i].q0);
        assert_true(d.q[2 * 16 * 4 - 1] == g[i].qlast);
        assert_true(d.k[5] == g[i].k5);
        assert_true(d.v[3] == g[i].v3);
        assert_string_equal(d.idhex, g[i].id);
        ab_data_free(&d);
    }
}

static void same_seed_same_bits_other_seed_other_data(void **s)
{
    (void)s;
    const char *kinds[] = {"gaussian", "lowrank", "clustered", "local", "heavy"};
    for (int i = 0; i < 5; i++) {
        const struct ab_datakind *k = ab_datakind_find(kinds[i]);
        struct ab_values v = kv(k, "n=100", "d=8", "heads=3", NULL);
        struct ab_data a = make(kinds[i], 11, v), b = make(kinds[i], 11, v), c = make(kinds[i], 12, v);
        assert_memory_equal(a.q, b.q, 3 * 100 * 8 * 4);
        assert_memory_equal(a.k, b.k, 3 * 100 * 8 * 4);
        assert_memory_equal(a.v, b.v, 3 * 100 * 8 * 4);
        assert_true(a.id == b.id && a.id != c.id);
        assert_true(memcmp(a.q, c.q, 3 * 100 * 8 * 4) != 0);
        /* heads are not copies of each other */
        assert_true(memcmp(a.q, a.q + 100 * 8, 100 * 8 * 4) != 0);
        ab_data_free(&a), ab_data_free(&b), ab_data_free(&c);
    }
    /* ids differ across kinds and params */
    struct ab_data x = make("gaussian", 1, kv(ab_datakind_find("gaussian"), "n=32", NULL));
    struct ab_data y = make("gaussian", 1, kv(ab_datakind_find("gaussian"), "n=33", NULL));
    struct ab_data z = make("local", 1, kv(ab_datakind_find("local"), "n=32", NULL));
    assert_true(x.id != y.id && x.id != z.id);
    ab_data_free(&x), ab_data_free(&y), ab_data_free(&z);
}

static void dv_shapes_v_only_and_scale_is_exact(void **s)
{
    (void)s;
    const char *kinds[] = {"gaussian", "lowrank", "clustered", "local", "heavy"};
    for (int i = 0; i < 5; i++) {
        const struct ab_datakind *k = ab_datakind_find(kinds[i]);
        struct ab_data a = make(kinds[i], 5, kv(k, "n=50", "d=8", "dv=3", NULL));
        struct ab_data b = make(kinds[i], 5, kv(k, "n=50", "d=8", "dv=13", NULL));
        struct ab_data c = make(kinds[i], 5, kv(k, "n=50", "d=8", "dv=3", "scale=4", NULL));
        assert_int_equal(a.dv, 3);
        assert_int_equal(b.dv, 13);
        assert_memory_equal(a.q, b.q, 50 * 8 * 4); /* dv does not touch Q or K */
        assert_memory_equal(a.k, b.k, 50 * 8 * 4);
        for (size_t j = 0; j < 50 * 8; j++) /* sqrt(4) = 2: exact in float */
            assert_true(c.q[j] == 2.0f * a.q[j] && c.k[j] == 2.0f * a.k[j]);
        assert_memory_equal(a.v, c.v, 50 * 3 * 4);
        ab_data_free(&a), ab_data_free(&b), ab_data_free(&c);
    }
}

/* Mean attention mass (float64 oracle) that rows put on columns where
 * pred(i, j) holds. */
static double attn_mass(const struct ab_data *d, int (*pred)(size_t, size_t, double), double arg)
{
    double *S = malloc(d->n * d->n * sizeof *S), mass = 0;
    ab_test_attn_matrix_f64(d->n, d->d, d->q, d->k, S);
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = 0; j < d->n; j++)
            if (pred(i, j, arg))
                mass += S[i * d->n + j];
    free(S);
    return mass / (double)d->n;
}

static int near_diag(size_t i, size_t j, double w) { return fabs((double)i - (double)j) <= w; }
static int is_sink(size_t i, size_t j, double sinks) { (void)i; return (double)j < sinks; }

static void local_concentrates_attention_near_the_diagonal(void **s)
{
    (void)s;
    struct ab_data l = make("local", ab_test_seed(), kv(ab_datakind_find("local"), "n=512", "d=64", NULL));
    struct ab_data g = make("gaussian", ab_test_seed(), kv(ab_datakind_find("gaussian"), "n=512", "d=64", NULL));
    double ml = attn_mass(&l, near_diag, 16), mg = attn_mass(&g, near_diag, 16);
    print_message("mass within |i-j| <= 16: local %.3f, gaussian %.3f\n", ml, mg);
    assert_true(ml > 0.5);
    assert_true(mg < 0.1);
    ab_data_free(&l), ab_data_free(&g);
}

static void heavy_has_heavy_tails_and_sinks_draw_attention(void **s)
{
    (void)s;
    const struct ab_datakind *k = ab_datakind_find("heavy");
    struct ab_data d = make("heavy", ab_test_seed(), kv(k, "n=512", "d=64", "nu=5", "sinks=4", NULL));
    double m2 = 0, m4 = 0;
    size_t cnt = 512 * 64;
    struct ab_data t = make("heavy", ab_test_seed(), kv(k, "n=512", "d=64", "nu=5", "sinks=0", NULL));
    for (size_t i = 0; i < cnt; i++) {
        double x = t.k[i];
        m2 += x * x, m4 += x * x * x * x;
    }
    m2 /= (double)cnt, m4 /= (double)cnt;
    double sink = attn_mass(&d, is_sink, 4);
    print_message("excess kurtosis %.2f, mass on 4 sinks %.3f (uniform %.4f)\n", m4 / (m2 * m2) - 3,
                  sink, 4.0 / 512);
    assert_true(m4 / (m2 * m2) - 3 > 1.0);
    assert_true(sink > 10 * 4.0 / 512);
    ab_data_free(&d), ab_data_free(&t);
}

static void lowrank_without_noise_has_its_rank(void **s)
{
    (void)s;
    const struct ab_datakind *k = ab_datakind_find("lowrank");
    struct ab_data d = make("lowrank", ab_test_seed(), kv(k, "n=200", "d=16", "rank=5", "noise=0", NULL));
    double *a = malloc(200 * 16 * 8), sv[16], sup[16];
    for (size_t i = 0; i < 200 * 16; i++)
        a[i] = d.q[i];
    assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', 200, 16, a, 16, sv, NULL, 1, NULL, 1, sup), 0);
    print_message("singular values: %.3g ... sv[4] %.3g, sv[5] %.3g\n", sv[0], sv[4], sv[5]);
    assert_true(sv[4] > 1e-2 * sv[0]);
    assert_true(sv[5] < 1e-6 * sv[0]);
    free(a);
    ab_data_free(&d);
}

static double cosine(const float *a, const float *b, size_t d)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < d; i++)
        ab += (double)a[i] * b[i], aa += (double)a[i] * a[i], bb += (double)b[i] * b[i];
    return ab / sqrt(aa * bb);
}

static void clustered_tokens_group_contiguously_or_shuffled(void **s)
{
    (void)s;
    const struct ab_datakind *k = ab_datakind_find("clustered");
    struct ab_data c = make("clustered", ab_test_seed(), kv(k, "n=256", "d=32", "clusters=8", NULL));
    struct ab_data sh = make("clustered", ab_test_seed(),
                             kv(k, "n=256", "d=32", "clusters=8", "order=shuffled", NULL));
    /* contiguous: token i is in cluster i*8/256 = i/32 */
    double same = 0, cross = 0;
    size_t ns = 0, nc = 0;
    for (size_t i = 0; i < 256; i += 3)
        for (size_t j = i + 1; j < 256; j += 5) {
            double cs = cosine(c.q + i * 32, c.q + j * 32, 32);
            if (i / 32 == j / 32)
                same += cs, ns++;
            else
                cross += cs, nc++;
        }
    same /= (double)ns, cross /= (double)nc;
    print_message("mean cosine: same cluster %.3f, across %.3f\n", same, cross);
    assert_true(same > 0.8 && fabs(cross) < 0.3);
    /* shuffled: neighbours are mostly from different clusters, but each token
     * still has ~256/8 - 1 near-duplicates somewhere */
    int neighbours_alike = 0, has_twin = 0;
    for (size_t i = 0; i + 1 < 256; i++) {
        neighbours_alike += cosine(sh.q + i * 32, sh.q + (i + 1) * 32, 32) > 0.8;
        int twins = 0;
        for (size_t j = 0; j < 256; j++)
            twins += j != i && cosine(sh.q + i * 32, sh.q + j * 32, 32) > 0.8;
        has_twin += twins >= 20;
    }
    print_message("shuffled: %d of 255 neighbour pairs alike, %d tokens with >= 20 twins\n",
                  neighbours_alike, has_twin);
    assert_true(neighbours_alike < 80);
    /* (150 fresh seeds: 250-255 tokens; seed 12549701743396690607 gave 238,
     * so the bound is 200: most tokens, not a tail count) */
    assert_true(has_twin > 200);
    ab_data_free(&c), ab_data_free(&sh);
}

static void gaussian_logits_have_std_scale(void **s)
{
    (void)s;
    const char *scales[] = {"scale=0.5", "scale=2"};
    const double want[] = {0.5, 2.0};
    for (int t = 0; t < 2; t++) {
        struct ab_data d = make("gaussian", ab_test_seed(),
                                kv(ab_datakind_find("gaussian"), "n=300", "d=64", scales[t], NULL));
        double s2 = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < 300; i++)
            for (size_t j = 0; j < 300; j++) {
                double l = 0;
                for (size_t c = 0; c < 64; c++)
                    l += (double)d.q[i * 64 + c] * d.k[j * 64 + c];
                l /= 8.0;
                s2 += l * l, cnt++;
            }
        double sd = sqrt(s2 / (double)cnt);
        print_message("scale %.1f: logit std %.3f\n", want[t], sd);
        assert_true(fabs(sd - want[t]) < 0.1 * want[t]);
        ab_data_free(&d);
    }
}

static void impossible_parameters_are_clear_errors(void **s)
{
    (void)s;
    struct ab_err err;
    size_t dims[4];
    const struct ab_datakind *k = ab_datakind_find("lowrank");
    struct ab_values v = kv(k, "d=8", "rank=9", NULL);
    assert_int_equal(k->shape(&v, NULL, dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "rank 9 exceeds d = 8"));
    struct ab_data d;
    assert_int_equal(k->make(&v, 1, NULL, &d, &err), AB_EINVAL);
    k = ab_datakind_find("clustered");
    v = kv(k, "n=10", "clusters=11", NULL);
    assert_int_equal(k->make(&v, 1, NULL, &d, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "clusters 11 exceeds n = 10"));
    k = ab_datakind_find("heavy");
    v = kv(k, "n=10", "sinks=11", NULL);
    assert_int_equal(k->shape(&v, NULL, dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "sinks 11 exceeds n = 10"));
    assert_null(ab_datakind_find("gausian"));
}

/* ab_data_check: a value that overflowed float32 is named by array and
 * index with the scale and the largest finite |value|; finite values whose
 * logits can overflow are named too; ordinary data pass. */
static void data_that_overflow_float32_are_one_data_error(void **s)
{
    (void)s;
    float q[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, k[2 * 4] = {1, 1, 1, 1, 1, 1, 1, 1},
          v[2 * 4] = {0};
    struct ab_data d = {.heads = 1, .n = 2, .d = 4, .dv = 4, .q = q, .k = k, .v = v};
    struct ab_err err;
    assert_int_equal(ab_data_check(&d, 1.0, &err), AB_OK);
    k[6] = INFINITY;
    assert_int_equal(ab_data_check(&d, 1000.0, &err), AB_EINVAL);
    assert_string_equal(err.msg, "K: the value at [0, 1, 2] is Inf after scale = 1000 (Q, K x "
                                 "sqrt(scale)); the largest finite |value| is 1: the data overflow "
                                 "float32");
    k[6] = 1e20f, q[0] = 1e20f;
    assert_int_equal(ab_data_check(&d, 2.0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "Q and K: after scale = 2 the logits QK^T/sqrt(D) of head 0 "
                                    "can reach 5e+39"));
    assert_non_null(strstr(err.msg, "the largest |value| of Q is 1e+20, of K 1e+20"));
    /* ab_data_make runs the check: gaussian data at the top scale pass */
    const struct ab_datakind *g = ab_datakind_find("gaussian");
    struct ab_values vals;
    assert_int_equal(ab_values_defaults(&vals, g->params, g->nparams, &err), AB_OK);
    struct ab_data out;
    assert_int_equal(ab_data_make(g, &vals, 1, NULL, &out, &err), AB_OK);
    ab_data_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_that_overflow_float32_are_one_data_error),
        cmocka_unit_test(every_kind_matches_its_golden_values),
        cmocka_unit_test(same_seed_same_bits_other_seed_other_data),
        cmocka_unit_test(dv_shapes_v_only_and_scale_is_exact),
        cmocka_unit_test(local_concentrates_attention_near_the_diagonal),
        cmocka_unit_test(heavy_has_heavy_tails_and_sinks_draw_attention),
        cmocka_unit_test(lowrank_without_noise_has_its_rank),
        cmocka_unit_test(clustered_tokens_group_contiguously_or_shuffled),
        cmocka_unit_test(gaussian_logits_have_std_scale),
        cmocka_unit_test(impossible_parameters_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
