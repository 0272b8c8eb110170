/* test_masks.c — masks end to end below the CLI: a config's `mask` and
 * `lengths` become plan entries (lists expand, mistakes are errors at the
 * text), data take their mask (ids follow it), the float64 reference and the
 * metrics honour it, and the two methods every mask study needs — `exact`
 * (each impl) and `uniform` (the floor) — match the masked float64 oracle of
 * testlib.c, written from the mask's definition alone.
 * Fresh inputs every run (ab_test_seed); n never a multiple of a tile. */
#define _POSIX_C_SOURCE 200809L
#include "metrics.h"
#include "plan.h"
#include "reference.h"
#include "registry.h"
#include "testlib.h"
#include "base/util.h"
#include "data/data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *write_config(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* ---- config -> plan ---- */

static void mask_lists_expand_and_lengths_follow_padding(void **s)
{
    (void)s;
    const char *path = write_config("m.yaml",
                                    "name: m\n"
                                    "data:\n"
                                    "  - {kind: gaussian, n: [64, 100], d: 8, heads: 3,\n"
                                    "     mask: [none, causal, padding], lengths: [[64, 10], [33]]}\n"
                                    "methods:\n"
                                    "  - {name: exact}\n");
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    /* per n: none, causal, padding x 2 length sets */
    assert_int_equal(plan.ndata, 8);
    int masks[3] = {0};
    for (size_t i = 0; i < plan.ndata; i++) {
        const struct ab_plan_data *d = &plan.data[i];
        masks[d->mask]++;
        if (d->mask == AB_MASK_PADDING) {
            assert_true(d->nlengths == 2 || d->nlengths == 1);
            assert_non_null(strstr(d->params, "mask=padding;lengths="));
            assert_string_equal(d->lengths_text, d->nlengths == 2 ? "64 10" : "33");
        } else if (d->mask == AB_MASK_CAUSAL) {
            assert_non_null(strstr(d->params, "mask=causal"));
            assert_int_equal(d->nlengths, 0);
        } else {
            assert_null(strstr(d->params, "mask")); /* unmasked: the text (ids) as before */
        }
    }
    assert_int_equal(masks[AB_MASK_NONE], 2);
    assert_int_equal(masks[AB_MASK_CAUSAL], 2);
    assert_int_equal(masks[AB_MASK_PADDING], 4);
    /* row ids differ between masks of the same data */
    char a[17], b[17];
    ab_plan_row_id(&plan.data[0], 1, &plan.methods[0], a);
    ab_plan_row_id(&plan.data[1], 1, &plan.methods[0], b);
    assert_string_not_equal(a, b);
    ab_plan_free(&plan);
}

static void mask_mistakes_are_errors_at_the_text(void **s)
{
    (void)s;
    static const struct {
        const char *entry, *want;
    } cases[] = {
        {"{kind: gaussian, n: 64, mask: padding}", "needs 'lengths'"},
        {"{kind: gaussian, n: 64, lengths: [10]}", "applies only to mask: padding"},
        {"{kind: gaussian, n: 64, mask: causal, lengths: [10]}", "applies only to mask: padding"},
        {"{kind: gaussian, n: 64, mask: padding, lengths: [65]}", "exceeds n = 64"},
        {"{kind: gaussian, n: 64, mask: padding, lengths: [0]}", "out of range"},
        {"{kind: gaussian, n: 64, mask: padding, lengths: []}", "empty list"},
        {"{kind: gaussian, n: 64, mask: padding, lengths: 10}", "must be a list"},
        {"{kind: gaussian, n: 64, mask: casual}", "did you mean 'causal'"},
        {"{kind: gaussian, n: 64, mask: [causal, causal]}", "listed twice"},
        {"{kind: gaussian, n: 64, mask: {a: 1}}", "'mask' must be"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "name: m\ndata:\n  - %s\nmethods:\n  - {name: exact}\n",
                 cases[i].entry);
        const char *path = write_config("bad.yaml", text);
        struct ab_plan plan;
        struct ab_err err = {{0}};
        int rc = ab_plan_load(path, NULL, 0, &plan, &err);
        if (rc == AB_OK || !strstr(err.msg, cases[i].want) || !strstr(err.msg, "bad.yaml:3:"))
            fail_msg("%s: rc %d, message '%s' (want '%s' at bad.yaml:3)", cases[i].entry, rc,
                     err.msg, cases[i].want);
    }
}

static void set_overrides_the_mask(void **s)
{
    (void)s;
    const char *path = write_config("s.yaml", "name: s\ndata:\n  - {kind: gaussian, n: 64}\n"
                                              "methods:\n  - {name: exact}\n");
    const char *sets[] = {"data.mask=padding", "data.lengths=[20, 64]"};
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(path, sets, 2, &plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan.ndata, 1);
    assert_int_equal(plan.data[0].mask, AB_MASK_PADDING);
    assert_string_equal(plan.data[0].lengths_text, "20 64");
    ab_plan_free(&plan);
}

/* ---- data ---- */

static struct ab_data gaussian(size_t H, size_t N, size_t D, size_t DV, uint64_t seed)
{
    const struct ab_datakind *g = ab_datakind_find("gaussian");
    struct ab_values vals;
    struct ab_err err;
    assert_int_equal(ab_values_defaults(&vals, g->params, g->nparams, &err), AB_OK);
    char text[32];
    const char *keys[4] = {"heads", "n", "d", "dv"};
    size_t v[4] = {H, N, D, DV};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < g->nparams; i++)
            if (!strcmp(g->params[i].name, keys[k])) {
                snprintf(text, sizeof text, "%zu", v[k]);
                assert_int_equal(ab_value_parse(&g->params[i], text, &vals.v[i], &vals.str[i], &err), AB_OK);
                vals.set[i] = 1;
            }
    struct ab_data d;
    if (ab_data_make(g, &vals, seed, NULL, &d, &err))
        fail_msg("%s", err.msg);
    return d;
}

static void data_ids_follow_the_mask(void **s)
{
    (void)s;
    uint64_t seed = ab_test_seed();
    struct ab_data a = gaussian(3, 50, 8, 8, seed), b = gaussian(3, 50, 8, 8, seed);
    uint64_t plain = a.id;
    struct ab_err err;
    assert_int_equal(ab_data_set_mask(&a, AB_MASK_NONE, NULL, 0, &err), AB_OK);
    assert_true(a.id == plain); /* none: the id unmasked data always had */
    assert_int_equal(ab_data_set_mask(&a, AB_MASK_CAUSAL, NULL, 0, &err), AB_OK);
    assert_true(a.id != plain);
    size_t l1[] = {50, 20}, l2[] = {50, 21};
    assert_int_equal(ab_data_set_mask(&a, AB_MASK_PADDING, l1, 2, &err), AB_OK);
    assert_int_equal(ab_data_set_mask(&b, AB_MASK_PADDING, l2, 2, &err), AB_OK);
    assert_true(a.id != b.id && a.id != plain);
    /* lengths cycle over the heads */
    assert_int_equal(a.lengths[0], 50);
    assert_int_equal(a.lengths[1], 20);
    assert_int_equal(a.lengths[2], 50);
    size_t bad[] = {51};
    assert_int_equal(ab_data_set_mask(&b, AB_MASK_PADDING, bad, 1, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "n = 50"));
    ab_data_free(&a), ab_data_free(&b);
}

/* ---- the reference and the metrics ---- */

static struct ab_problem problem_of(const struct ab_data *d)
{
    return ab_test_problem_masked(d->heads, d->n, d->d, d->dv, d->q, d->k, d->v, 1, d->mask,
                                  d->lengths);
}

static void reference_matches_the_masked_oracle(void **s)
{
    (void)s;
    size_t lens[] = {77, 33, 1};
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++) {
        struct ab_data d = gaussian(3, 77, 16, 8, ab_test_seed() + (uint64_t)mask);
        struct ab_err err;
        assert_int_equal(ab_data_set_mask(&d, mask, lens, 3, &err), AB_OK);
        struct ab_reference ref;
        if (ab_reference_compute(&d, 2, 1, &ref, &err))
            fail_msg("%s", err.msg);
        struct ab_problem p = problem_of(&d);
        size_t cnt = d.heads * d.n * d.dv, N = d.n;
        double *want = malloc(cnt * 8), *S = malloc(N * N * 8);
        assert_true(want && S);
        ab_test_attention_masked_f64(&p, want);
        double e = ab_test_rel_err_d(ref.out, want, cnt);
        if (!(e < 1e-12))
            fail_msg("mask %s: reference out vs oracle %.3g (tolerance 1e-12)", ab_mask_name(mask), e);
        /* entropy over the valid rows, Frobenius norms of the masked S */
        double ent = 0;
        size_t rows = 0;
        for (size_t h = 0; h < d.heads; h++) {
            ab_test_attn_matrix_masked_f64(&p, h, S);
            double f2 = 0;
            for (size_t i = 0; i < N; i++) {
                if (i >= ab_data_valid(&d, h))
                    continue;
                rows++;
                for (size_t j = 0; j < N; j++) {
                    double x = S[i * N + j];
                    f2 += x * x;
                    ent -= x > 0 ? x * log(x) : 0;
                }
            }
            assert_true(fabs(ref.fro2[h] - f2) <= 1e-12 * f2);
            assert_true(isfinite(ref.spec[h]) && ref.spec[h] > 0);
        }
        ent /= (double)rows;
        if (!(fabs(ref.entropy - ent) <= 1e-10 * ent))
            fail_msg("mask %s: entropy %.12g vs %.12g", ab_mask_name(mask), ref.entropy, ent);
        /* padded rows of the reference are 0 */
        for (size_t h = 0; mask == AB_MASK_PADDING && h < d.heads; h++)
            for (size_t i = lens[h] * d.dv; i < N * d.dv; i++)
                assert_true(ref.out[h * N * d.dv + i] == 0.0);
        free(want), free(S);
        ab_reference_free(&ref);
        ab_data_free(&d);
    }
}

static void output_metrics_leave_padded_rows_out(void **s)
{
    (void)s;
    size_t H = 2, N = 10, DV = 3, cnt = H * N * DV, lens[] = {10, 4};
    float *got = malloc(cnt * 4);
    double *ref = malloc(cnt * 8);
    ab_test_fill_normal(got, cnt, ab_test_seed(), 1.0);
    for (size_t i = 0; i < cnt; i++)
        ref[i] = got[i] * 1.01; /* 1% off everywhere */
    struct ab_out_metrics a, b;
    ab_metrics_output(got, ref, cnt, DV, N, lens, &a);
    for (size_t i = lens[1] * DV; i < N * DV; i++) /* the padded rows: garbage */
        got[N * DV + i] = (i % 2) ? NAN : 1e30f;
    ab_metrics_output(got, ref, cnt, DV, N, lens, &b);
    assert_true(a.rel_fro == b.rel_fro && a.max_abs == b.max_abs && a.cos == b.cos);
    assert_int_equal(b.nonfinite, 0);
    assert_true(fabs(a.rel_fro - 0.01 / 1.01) < 1e-6);
    ab_metrics_output(got, ref, cnt, DV, N, NULL, &b); /* without lengths they count */
    assert_true(b.nonfinite > 0);
    free(got), free(ref);
}

/* ---- exact and uniform ---- */

static void run_and_compare(const struct ab_method *m, const struct ab_values *vals,
                            const struct ab_problem *p, const char *what, double tol)
{
    size_t cnt = p->heads * p->n * p->dv;
    float *o = malloc(cnt * 4);
    double *want = malloc(cnt * 8);
    assert_true(o && want);
    struct ab_err err = {{0}};
    if (ab_test_run_method(m, p, vals, o, &err))
        fail_msg("%s: %s", what, err.msg);
    ab_test_attention_masked_f64(p, want);
    double e = ab_test_rel_err(o, want, cnt);
    print_message("[ masked   ] %-42s rel err %.3g (tolerance %g)\n", what, e, tol);
    if (!(e <= tol))
        fail_msg("%s: ||O - O_f64|| / ||O_f64|| = %.3g > %g", what, e, tol);
    /* and its rows, where it has them */
    if (m->rows) {
        void *st = NULL;
        assert_int_equal(m->prepare(p, vals, &st, &err), AB_OK);
        assert_int_equal(m->forward(st, o, &err), AB_OK);
        float *S = malloc(AB_ROWS_BLOCK * p->n * 4);
        double *R = malloc(p->n * p->n * 8);
        for (size_t h = 0; h < p->heads; h++) {
            ab_test_attn_matrix_masked_f64(p, h, R);
            for (size_t r0 = 0; r0 < p->n; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < p->n ? r0 + AB_ROWS_BLOCK : p->n;
                assert_int_equal(m->rows(st, h, r0, r1, S, &err), AB_OK);
                double er = ab_test_rel_err(S, R + r0 * p->n, (r1 - r0) * p->n);
                if (!(er <= tol))
                    fail_msg("%s: rows [%zu, %zu) of head %zu: %.3g", what, r0, r1, h, er);
            }
        }
        m->release(st);
        free(S), free(R);
    }
    free(o), free(want);
}

static void exact_every_impl_matches_the_masked_oracle(void **s)
{
    (void)s;
    const struct ab_method *m = ab_method_find("exact");
    size_t H = 3, N = 301, D = 24, DV = 20, lens[] = {301, 150, 37};
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed(), 1.0);
    const char *impls[][3] = {{"impl=fused", NULL, NULL},
                              {"impl=fused", "tile_q=64", "tile_k=100"},
                              {"impl=stream", NULL, NULL},
                              {"impl=stream", "tile_q=50", "tile_k=70"},
                              {"impl=materialize", NULL, NULL}};
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++)
        for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
            struct ab_values vals = ab_test_values(m, impls[i][0], impls[i][1], impls[i][2], NULL);
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask, lens);
            p.threads = 2;
            char what[160];
            snprintf(what, sizeof what, "exact %s %s %s %s", ab_mask_name(mask), impls[i][0],
                     impls[i][1] ? impls[i][1] : "", impls[i][2] ? impls[i][2] : "");
            run_and_compare(m, &vals, &p, what, 1e-5);
            double leak = ab_test_leak(m, &p, &vals, ab_test_seed() + 5);
            if (leak != 0.0)
                fail_msg("%s: leak %.3g (a causal-by-construction kernel reads 0)", what, leak);
        }
    ab_test_in_drop(&x);
}

static void uniform_is_the_mean_of_the_keys_the_mask_leaves(void **s)
{
    (void)s;
    const struct ab_method *m = ab_method_find("uniform");
    assert_non_null(m);
    size_t H = 2, N = 203, D = 8, DV = 5, lens[] = {11, 203};
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed(), 1.0);
    struct ab_values vals = ab_test_values(m, NULL);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 1, mask, lens);
        size_t cnt = H * N * DV;
        float *o = malloc(cnt * 4);
        double *want = malloc(cnt * 8);
        struct ab_err err;
        assert_int_equal(ab_test_run_method(m, &p, &vals, o, &err), AB_OK);
        /* the definition, directly: the mean over the allowed keys */
        for (size_t h = 0; h < H; h++)
            for (size_t i = 0; i < N; i++) {
                size_t valid = mask == AB_MASK_PADDING ? lens[h] : N;
                size_t kend = i >= valid ? 0 : mask == AB_MASK_CAUSAL ? i + 1 : valid;
                for (size_t c = 0; c < DV; c++) {
                    double sum = 0;
                    for (size_t j = 0; j < kend; j++)
                        sum += x.v[(h * N + j) * DV + c];
                    want[(h * N + i) * DV + c] = kend ? sum / (double)kend : 0.0;
                }
            }
        double e = ab_test_rel_err(o, want, cnt);
        if (!(e <= 1e-6))
            fail_msg("uniform, mask %s: %.3g", ab_mask_name(mask), e);
        if (mask != AB_MASK_NONE && ab_test_leak(m, &p, &vals, ab_test_seed() + 9) != 0.0)
            fail_msg("uniform, mask %s: leaks", ab_mask_name(mask));
        free(o), free(want);
    }
    ab_test_in_drop(&x);
}

static void methods_without_a_mask_say_so(void **s)
{
    (void)s;
    size_t count;
    const struct ab_method *const *ms = ab_methods(&count);
    char why[512];
    for (size_t i = 0; i < count; i++) {
        assert_true(ab_mask_supported(ms[i], AB_MASK_NONE, why, sizeof why));
        for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
            unsigned cap = mask == AB_MASK_CAUSAL ? AB_CAP_CAUSAL : AB_CAP_PADDING;
            int ok = ab_mask_supported(ms[i], mask, why, sizeof why);
            assert_int_equal(ok, (ms[i]->caps & cap) != 0);
            if (!ok) {
                assert_non_null(strstr(why, ms[i]->name));
                assert_non_null(strstr(why, ab_mask_name(mask)));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mask_lists_expand_and_lengths_follow_padding),
        cmocka_unit_test(mask_mistakes_are_errors_at_the_text),
        cmocka_unit_test(set_overrides_the_mask),
        cmocka_unit_test(data_ids_follow_the_mask),
        cmocka_unit_test(reference_matches_the_masked_oracle),
        cmocka_unit_test(output_metrics_leave_padded_rows_out),
        cmocka_unit_test(exact_every_impl_matches_the_masked_oracle),
        cmocka_unit_test(uniform_is_the_mean_of_the_keys_the_mask_leaves),
        cmocka_unit_test(methods_without_a_mask_say_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
