/* test_peers.c — attnbench against the public PyTorch implementations, on
 * real (MiniLM) and synthetic inputs: golden outputs written by
 * experiments/peers/golden.py (torch's scaled_dot_product_attention, Hugging
 * Face's NystromformerSelfAttention, lucidrains' nystrom-attention,
 * performer-pytorch's FastAttention, lucidrains' linformer), float32.
 * Each intentional difference is an option of ours that reproduces the peer:
 * HF = pinv_init: global, segments: uneven (n divides by m); lucidrains =
 * pinv_init: global, segments: pad-keys (its unmasked zero padding);
 * performer-pytorch = its exported W (features_file) and eps: 1e-4;
 * linformer = its exported projections (projection: file). Under a padding
 * mask (a batch of sequences of different lengths): HF's attention_mask =
 * padding_rule: hf; lucidrains' mask = padding_rule: lucidrains (with the
 * same pinv_init and segments as unmasked). */
#include "formats/npy.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_exact_cpu, ab_nystrom_cpu, ab_performer_cpu, ab_linformer_cpu;

/* "key=<golden dir>/file" in one of a few static buffers. */
static const char *golden_arg(const char *key, const char *file)
{
    static char buf[4][700];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, sizeof buf[0], "%s=%s/%s", key, AB_GOLDEN, file);
    return p;
}

static struct ab_npy load(const char *path)
{
    struct ab_npy a;
    struct ab_err err;
    if (ab_npy_read(path, &a, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(a.ndim, 3);
    return a;
}

/* Our method m on `input` ("real" or "syn"), against golden; returns the
 * relative difference (asserted <= tol unless tol < 0). The parameters
 * p1..p4 ("key=value") end at the first NULL. */
static double compare(const char *input, const char *golden, const struct ab_method *m, double tol,
                      const char *p1, const char *p2, const char *p3, const char *p4)
{
    char q[600], k[600], v[600], g[600];
    if (!strcmp(input, "real")) {
        snprintf(q, sizeof q, "%s/real/n512/layer0-q.npy", AB_FIXTURES);
        snprintf(k, sizeof k, "%s/real/n512/layer0-k.npy", AB_FIXTURES);
        snprintf(v, sizeof v, "%s/real/n512/layer0-v.npy", AB_FIXTURES);
    } else {
        snprintf(q, sizeof q, "%s/syn-q.npy", AB_GOLDEN);
        snprintf(k, sizeof k, "%s/syn-k.npy", AB_GOLDEN);
        snprintf(v, sizeof v, "%s/syn-v.npy", AB_GOLDEN);
    }
    snprintf(g, sizeof g, "%s/%s", AB_GOLDEN, golden);
    struct ab_npy Q = load(q), K = load(k), V = load(v), G = load(g);
    size_t H = Q.shape[0], N = Q.shape[1], D = Q.shape[2], DV = V.shape[2];
    assert_int_equal(G.count, H * N * DV);
    struct ab_problem p = ab_test_problem(H, N, D, DV, Q.data, K.data, V.data, 1);
    struct ab_values vals = ab_test_values(m, p1, p2, p3, p4, NULL);
    float *out = malloc(H * N * DV * sizeof *out);
    double *ref = malloc(H * N * DV * sizeof *ref);
    for (size_t i = 0; i < H * N * DV; i++)
        ref[i] = G.data[i];
    struct ab_err err;
    if (ab_test_run_method(m, &p, &vals, out, &err))
        fail_msg("%s", err.msg);
    double e = ab_test_rel_err(out, ref, H * N * DV);
    print_message("%-24s %s(%s %s %s %s): rel diff %.2e (tol %.0e)\n", golden, m->name,
                  p1 ? p1 : "", p2 ? p2 : "", p3 ? p3 : "", p4 ? p4 : "", e, tol);
    if (tol >= 0)
        assert_rel_err(out, ref, H * N * DV, tol);
    free(out), free(ref);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V), ab_npy_free(&G);
    return e;
}

static void exact_matches_torch_sdpa(void **s)
{
    (void)s;
    compare("real", "exact-real.npy", &ab_exact_cpu, 1e-5, NULL, NULL, NULL, NULL);
    compare("syn", "exact-syn.npy", &ab_exact_cpu, 1e-5, NULL, NULL, NULL, NULL);
}

static void nystrom_matches_hugging_face_with_global_init(void **s)
{
    (void)s;
    compare("real", "hf-real-m64.npy", &ab_nystrom_cpu, 1e-4, "landmarks=64", "pinv_init=global",
            "segments=uneven", NULL);
    compare("syn", "hf-syn-m50.npy", &ab_nystrom_cpu, 1e-4, "landmarks=50", "pinv_init=global",
            "segments=uneven", NULL);
}

static void nystrom_matches_lucidrains_with_pad_keys(void **s)
{
    (void)s;
    compare("real", "lucid-real-m64.npy", &ab_nystrom_cpu, 1e-4, "landmarks=64", "pinv_init=global",
            "segments=pad-keys", NULL);
    /* 500 tokens, 64 landmarks: 12 zero rows of left padding that are keys */
    compare("syn", "lucid-syn-m64.npy", &ab_nystrom_cpu, 1e-4, "landmarks=64", "pinv_init=global",
            "segments=pad-keys", NULL);
}

/* The padded batch of golden.py (PAD_LENGTHS): the synthetic heads as two
 * sequences of 437 and 61 valid tokens. */
static const size_t pad_lengths[] = {437, 61};

/* compare() under mask: padding with pad_lengths. */
static double compare_padded(const char *golden, double tol, const char *p1, const char *p2,
                             const char *p3, const char *p4)
{
    char q[600], k[600], v[600], g[600];
    snprintf(q, sizeof q, "%s/syn-q.npy", AB_GOLDEN);
    snprintf(k, sizeof k, "%s/syn-k.npy", AB_GOLDEN);
    snprintf(v, sizeof v, "%s/syn-v.npy", AB_GOLDEN);
    snprintf(g, sizeof g, "%s/%s", AB_GOLDEN, golden);
    struct ab_npy Q = load(q), K = load(k), V = load(v), G = load(g);
    size_t H = Q.shape[0], N = Q.shape[1], D = Q.shape[2], DV = V.shape[2];
    assert_int_equal(H, 2);
    assert_int_equal(G.count, H * N * DV);
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, Q.data, K.data, V.data, 1,
                                                 AB_MASK_PADDING, pad_lengths);
    struct ab_values vals = ab_test_values(&ab_nystrom_cpu, p1, p2, p3, p4, NULL);
    float *out = malloc(H * N * DV * sizeof *out);
    double *ref = malloc(H * N * DV * sizeof *ref);
    for (size_t i = 0; i < H * N * DV; i++)
        ref[i] = G.data[i];
    struct ab_err err;
    if (ab_test_run_method(&ab_nystrom_cpu, &p, &vals, out, &err))
        fail_msg("%s", err.msg);
    double e = ab_test_rel_err(out, ref, H * N * DV);
    print_message("%-24s nystrom(%s %s %s %s): rel diff %.2e (tol %.0e)\n", golden, p1 ? p1 : "",
                  p2 ? p2 : "", p3 ? p3 : "", p4 ? p4 : "", e, tol);
    if (tol >= 0)
        assert_rel_err(out, ref, H * N * DV, tol);
    free(out), free(ref);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V), ab_npy_free(&G);
    return e;
}

static void nystrom_padding_rules_match_the_peers_with_masks(void **s)
{
    (void)s;
    /* HF with attention_mask: landmarks over all 500 tokens, the mask on B */
    compare_padded("hf-syn-m50-pad.npy", 1e-4, "landmarks=50", "pinv_init=global", "segments=uneven",
                   "padding_rule=hf");
    /* lucidrains with mask: left padding to 512 masked too, 64 landmarks of
     * which the 61-token sequence leaves most empty (uniform rows) */
    compare_padded("lucid-syn-m64-pad.npy", 1e-4, "landmarks=64", "pinv_init=global",
                   "segments=pad-keys", "padding_rule=lucidrains");
    /* the rules differ from each other and from strict: not decorative */
    double a = compare_padded("hf-syn-m50-pad.npy", -1, "landmarks=50", "pinv_init=global",
                              "segments=uneven", "padding_rule=strict");
    double b = compare_padded("lucid-syn-m64-pad.npy", -1, "landmarks=64", "pinv_init=global",
                              "segments=pad-keys", "padding_rule=hf");
    assert_true(a > 1e-3 && b > 1e-3);
}

static void the_options_matter(void **s)
{
    (void)s;
    /* the defaults (per-head init; pad without the zero keys) do not
     * reproduce the peers: the options are not decorative */
    char q[600], k[600], v[600], g[600];
    snprintf(q, sizeof q, "%s/syn-q.npy", AB_GOLDEN);
    snprintf(k, sizeof k, "%s/syn-k.npy", AB_GOLDEN);
    snprintf(v, sizeof v, "%s/syn-v.npy", AB_GOLDEN);
    snprintf(g, sizeof g, "%s/lucid-syn-m64.npy", AB_GOLDEN);
    struct ab_npy Q = load(q), K = load(k), V = load(v), G = load(g);
    size_t H = Q.shape[0], N = Q.shape[1], D = Q.shape[2];
    struct ab_problem p = ab_test_problem(H, N, D, D, Q.data, K.data, V.data, 1);
    float *out = malloc(H * N * D * sizeof *out);
    double *ref = malloc(H * N * D * sizeof *ref);
    for (size_t i = 0; i < H * N * D; i++)
        ref[i] = G.data[i];
    struct ab_err err;
    struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=64", "pinv_init=global",
                                           "segments=pad", NULL);
    assert_int_equal(ab_test_run_method(&ab_nystrom_cpu, &p, &vals, out, &err), AB_OK);
    double e = ab_test_rel_err(out, ref, H * N * D);
    print_message("segments=pad instead of pad-keys: rel diff %.2e\n", e);
    assert_true(e > 1e-3);
    free(out), free(ref);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V), ab_npy_free(&G);
}

static void performer_matches_performer_pytorch_with_its_features_and_eps(void **s)
{
    (void)s;
    const char *w = golden_arg("features_file", "performer-W.npy");
    compare("real", "performer-real.npy", &ab_performer_cpu, 1e-4, w, "eps=1e-4", NULL, NULL);
    compare("syn", "performer-syn.npy", &ab_performer_cpu, 1e-4, w, "eps=1e-4", NULL, NULL);
    /* its generalized (ReLU) kernel is ours with the same W */
    compare("real", "performer-relu-real.npy", &ab_performer_cpu, 1e-4, w, "kernel=relu", NULL, NULL);
    /* without its eps the output moves: the constant is not decorative */
    double e = compare("real", "performer-real.npy", &ab_performer_cpu, -1, w, NULL, NULL, NULL);
    assert_true(e > 1e-3);
}

static void linformer_matches_lucidrains_with_its_projections(void **s)
{
    (void)s;
    const char *e = golden_arg("e_file", "linformer-E.npy"), *f = golden_arg("f_file", "linformer-F.npy");
    compare("real", "linformer-real-k64.npy", &ab_linformer_cpu, 1e-4, "k=64", "projection=file", e, f);
    /* 500 tokens: the first 500 of the 512 columns, as lucidrains slices them */
    compare("syn", "linformer-syn-k64.npy", &ab_linformer_cpu, 1e-4, "k=64", "projection=file", e, f);
}

static void file_options_are_checked(void **s)
{
    (void)s;
    size_t H = 1, N = 600, D = 32;
    float *x = calloc(H * N * D, sizeof *x), *out = malloc(H * N * D * sizeof *out);
    ab_test_fill_normal(x, H * N * D, ab_test_seed(), 1.0);
    struct ab_problem p = ab_test_problem(H, N, D, D, x, x, x, 1);
    struct ab_err err;
    struct {
        const struct ab_method *m;
        const char *a, *b, *c, *expect;
    } cases[] = {
        /* E has 512 columns: too few for 600 tokens */
        {&ab_linformer_cpu, "k=64", "projection=file", golden_arg("e_file", "linformer-E.npy"),
         "n' >= n = 600"},
        {&ab_linformer_cpu, "k=64", "projection=file", NULL, "projection: file needs e_file"},
        {&ab_linformer_cpu, "k=32", golden_arg("e_file", "linformer-E.npy"), NULL,
         "e_file is only read with projection: file"},
        {&ab_performer_cpu, "features=64", golden_arg("features_file", "performer-W.npy"), NULL,
         "features = 64 but features_file"},
        {&ab_performer_cpu, "kernel=relu", "eps=1e-4", NULL, "eps applies to kernel: softmax"},
        {&ab_performer_cpu, golden_arg("features_file", "missing.npy"), NULL, NULL, "missing.npy"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ab_values v = ab_test_values(cases[i].m, cases[i].a, cases[i].b, cases[i].c, NULL);
        int rc = ab_test_run_method(cases[i].m, &p, &v, out, &err);
        print_message("%s\n", err.msg);
        assert_int_not_equal(rc, AB_OK);
        assert_non_null(strstr(err.msg, cases[i].expect));
    }
    free(x), free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(performer_matches_performer_pytorch_with_its_features_and_eps),
        cmocka_unit_test(linformer_matches_lucidrains_with_its_projections),
        cmocka_unit_test(file_options_are_checked),
        cmocka_unit_test(exact_matches_torch_sdpa),
        cmocka_unit_test(nystrom_matches_hugging_face_with_global_init),
        cmocka_unit_test(nystrom_matches_lucidrains_with_pad_keys),
        cmocka_unit_test(the_options_matter),
        cmocka_unit_test(nystrom_padding_rules_match_the_peers_with_masks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
