/* test_peers.c — attnbench against the public PyTorch implementations, on
 * real (MiniLM) and synthetic inputs: golden outputs written by
 * experiments/peers/golden.py (torch's scaled_dot_product_attention, Hugging
 * Face's NystromformerSelfAttention, lucidrains' nystrom-attention,
 * performer-pytorch's FastAttention, lucidrains' linformer), float32.
 * Each intentional difference is an option of ours that reproduces the peer:
 * HF = pinv_init: global, segments: uneven (n divides by m); lucidrains =
 * pinv_init: global, segments: pad-keys (its unmasked zero padding);
 * performer-pytorch = its exported W (features_file) and eps: 1e-4, and
 * for causal=True also stabilizer: global and causal_eps: 1e-6;
 * linformer = its exported projections (projection: file); reformer-pytorch's
 * LSHAttention (experiments/peers/reformer_golden.py) = reformer with
 * qk: shared on K and its recorded rotations (rotations_file); pytorch-fast-transformers'
 * LinearAttention (experiments/peers/linear_golden.py) = linear with eps: 1e-6.
 * Masks: SDPA with is_causal, and a padded batch (each head one sequence,
 * a boolean key mask, padded query rows set to 0), on the first two heads of
 * each input: checked against the masked float64 oracle and `local` with a
 * full window (which validates the goldens), and against `exact` with the
 * mask (test_peers_exact_masked). Under a padding mask (a batch of sequences
 * of different lengths): HF's attention_mask = padding_rule: hf; lucidrains'
 * mask = padding_rule: lucidrains (with the same pinv_init and segments as
 * unmasked). */
#include "formats/npy.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_exact_cpu, ab_nystrom_cpu, ab_performer_cpu, ab_linformer_cpu,
    ab_local_cpu, ab_reformer_cpu, ab_linear_cpu;

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

/* Our method m on `input` ("real" or "syn") under `mask` (none or causal),
 * against golden; returns the relative difference (asserted <= tol unless
 * tol < 0). The parameters p1..p4 ("key=value") end at the first NULL. */
static double compare_masked(const char *input, const char *golden, const struct ab_method *m,
                             double tol, int mask, const char *p1, const char *p2, const char *p3,
                             const char *p4)
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
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, Q.data, K.data, V.data, 1, mask, NULL);
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

static double compare(const char *input, const char *golden, const struct ab_method *m, double tol,
                      const char *p1, const char *p2, const char *p3, const char *p4)
{
    return compare_masked(input, golden, m, tol, AB_MASK_NONE, p1, p2, p3, p4);
}

static void exact_matches_torch_sdpa(void **s)
{
    (void)s;
    compare("real", "exact-real.npy", &ab_exact_cpu, 1e-5, NULL, NULL, NULL, NULL);
    compare("syn", "exact-syn.npy", &ab_exact_cpu, 1e-5, NULL, NULL, NULL, NULL);
}

/* ---- masked goldens ---- */

/* experiments/peers/golden.py's PAD_LENGTHS: valid tokens of heads 0, 1 */
static const size_t pad_real[2] = {397, 203}, pad_syn[2] = {431, 77};

/* The golden "exact-<mask>-<input>.npy" (heads 0, 1 of the input) against
 * m with that mask, or against the masked float64 oracle when m is NULL;
 * asserts the relative difference <= tol and returns it. */
static double compare_sdpa_masked(const char *input, int mask, const struct ab_method *m,
                                  const char *param, double tol)
{
    char q[600], k[600], v[600], g[600];
    const char *dir = !strcmp(input, "real") ? AB_FIXTURES "/real/n512/layer0-" : AB_GOLDEN "/syn-";
    snprintf(q, sizeof q, "%sq.npy", dir);
    snprintf(k, sizeof k, "%sk.npy", dir);
    snprintf(v, sizeof v, "%sv.npy", dir);
    const char *mname = mask == AB_MASK_CAUSAL ? "causal" : "padding";
    snprintf(g, sizeof g, "%s/exact-%s-%s.npy", AB_GOLDEN, mname, input);
    struct ab_npy Q = load(q), K = load(k), V = load(v), G = load(g);
    size_t H = 2, N = Q.shape[1], D = Q.shape[2], DV = V.shape[2];
    assert_true(Q.shape[0] >= H);
    assert_int_equal(G.count, H * N * DV);
    const size_t *len = mask != AB_MASK_PADDING ? NULL : !strcmp(input, "real") ? pad_real : pad_syn;
    /* the first H heads are the first H * N rows of the (heads, N, D) arrays */
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, Q.data, K.data, V.data, 1, mask, len);
    double *ref = malloc(H * N * DV * sizeof *ref);
    float *out = malloc(H * N * DV * sizeof *out);
    assert_true(ref && out);
    for (size_t i = 0; i < H * N * DV; i++)
        ref[i] = G.data[i];
    double e;
    if (m) {
        struct ab_values vals = ab_test_values(m, param, NULL);
        struct ab_err err;
        if (ab_test_run_method(m, &p, &vals, out, &err))
            fail_msg("%s", err.msg);
        e = ab_test_rel_err(out, ref, H * N * DV);
        for (size_t h = 0; len && h < H; h++) /* padded rows: exactly 0, like the golden's */
            for (size_t i = len[h] * DV; i < N * DV; i++)
                assert_true(out[h * N * DV + i] == 0.0f && G.data[h * N * DV + i] == 0.0f);
    } else {
        double *o64 = malloc(H * N * DV * sizeof *o64);
        assert_non_null(o64);
        ab_test_attention_masked_f64(&p, o64);
        e = ab_test_rel_err_d(o64, ref, H * N * DV);
        free(o64);
    }
    print_message("exact-%s-%-5s vs %-16s %s: rel diff %.2e (tol %.0e)\n", mname, input,
                  m ? m->name : "float64 oracle", param ? param : "", e, tol);
    assert_true(e <= tol);
    free(out), free(ref);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V), ab_npy_free(&G);
    return e;
}

/* The goldens are what the mask means: torch's float32 SDPA against the
 * float64 oracle, and `local` with a window past 2(n - 1) (exact attention
 * under the mask) against the goldens. */
static void masked_sdpa_goldens_match_the_masked_oracle(void **s)
{
    (void)s;
    const char *inputs[] = {"real", "syn"};
    for (int i = 0; i < 2; i++)
        for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++) {
            compare_sdpa_masked(inputs[i], mask, NULL, NULL, 1e-5);
            compare_sdpa_masked(inputs[i], mask, &ab_local_cpu, "window=1100", 1e-5);
        }
}

/* `exact` with the mask against SDPA's masked goldens. Skipped while exact
 * declares neither mask (its CPU masks are written elsewhere); it must pass
 * once exact declares them. */
static void test_peers_exact_masked(void **s)
{
    (void)s;
    if (!(ab_exact_cpu.caps & AB_CAP_CAUSAL) || !(ab_exact_cpu.caps & AB_CAP_PADDING)) {
        print_message("exact declares no masks (caps %#x): nothing to compare yet\n",
                      ab_exact_cpu.caps);
        skip();
    }
    const char *inputs[] = {"real", "syn"};
    for (int i = 0; i < 2; i++)
        for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++)
            compare_sdpa_masked(inputs[i], mask, &ab_exact_cpu, NULL, 1e-5);
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

/* performer-pytorch FastAttention(causal=True): its key stabiliser is the
 * max over every key, future ones included (stabilizer: global), and it adds
 * 1e-6 to each prefix sum of the keys' features (causal_eps). */
static void performer_causal_matches_performer_pytorch_with_the_global_stabiliser(void **s)
{
    (void)s;
    const char *w = golden_arg("features_file", "performer-W.npy");
    compare_masked("syn", "performer-causal-syn.npy", &ab_performer_cpu, 1e-5, AB_MASK_CAUSAL, w,
                   "eps=1e-4", "stabilizer=global", "causal_eps=1e-6");
    /* neither option is decorative; our default (the causal stabiliser) is
     * a different, leak-free model */
    double e1 = compare_masked("syn", "performer-causal-syn.npy", &ab_performer_cpu, -1, AB_MASK_CAUSAL,
                               w, "eps=1e-4", "stabilizer=global", NULL);
    double e2 = compare_masked("syn", "performer-causal-syn.npy", &ab_performer_cpu, -1, AB_MASK_CAUSAL,
                               w, "eps=1e-4", "causal_eps=1e-6", NULL);
    assert_true(e1 > 1e-3 && e2 > 1e-3);
    /* causal_leak on the same input: performer-pytorch's options leak (the
     * future keys move the stabiliser, and with eps it does not cancel);
     * the causal stabiliser reads exactly 0 */
    char q[600], k[600], v[600];
    snprintf(q, sizeof q, "%s/syn-q.npy", AB_GOLDEN);
    snprintf(k, sizeof k, "%s/syn-k.npy", AB_GOLDEN);
    snprintf(v, sizeof v, "%s/syn-v.npy", AB_GOLDEN);
    struct ab_npy Q = load(q), K = load(k), V = load(v);
    size_t H = Q.shape[0], N = Q.shape[1], D = Q.shape[2];
    struct ab_problem p = ab_test_problem_masked(H, N, D, D, Q.data, K.data, V.data, 1, AB_MASK_CAUSAL, NULL);
    struct ab_values peer = ab_test_values(&ab_performer_cpu, w, "eps=1e-4", "stabilizer=global",
                                           "causal_eps=1e-6", NULL);
    struct ab_values ours = ab_test_values(&ab_performer_cpu, w, "eps=1e-4", "causal_eps=1e-6", NULL);
    double lp = ab_test_leak(&ab_performer_cpu, &p, &peer, ab_test_seed());
    double lo = ab_test_leak(&ab_performer_cpu, &p, &ours, ab_test_seed());
    print_message("causal_leak: performer-pytorch's options %.3g, stabilizer: causal %.3g\n", lp, lo);
    assert_true(lp > 0 && lo == 0.0);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V);
}

static void linformer_matches_lucidrains_with_its_projections(void **s)
{
    (void)s;
    const char *e = golden_arg("e_file", "linformer-E.npy"), *f = golden_arg("f_file", "linformer-F.npy");
    compare("real", "linformer-real-k64.npy", &ab_linformer_cpu, 1e-4, "k=64", "projection=file", e, f);
    /* 500 tokens: the first 500 of the 512 columns, as lucidrains slices them */
    compare("syn", "linformer-syn-k64.npy", &ab_linformer_cpu, 1e-4, "k=64", "projection=file", e, f);
}

/* reformer-pytorch's LSHAttention(qk = K, bucket_size 32, n_hashes 4) on the
 * real heads (experiments/peers/reformer_golden.py): ours with qk: shared
 * and its recorded rotations; with our own draw instead the output moves. */
static void reformer_matches_reformer_pytorch_with_its_rotations(void **s)
{
    (void)s;
    const char *r = golden_arg("rotations_file", "reformer-R.npy");
    compare("real", "reformer-real.npy", &ab_reformer_cpu, 1e-5, "qk=shared", "chunk=32",
            "n_hashes=4", r);
    double e = compare("real", "reformer-real.npy", &ab_reformer_cpu, -1, "qk=shared", "chunk=32",
                       "n_hashes=4", NULL);
    assert_true(e > 1e-2);
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

/* pytorch-fast-transformers' LinearAttention (experiments/peers/linear_golden.py):
 * phi = elu + 1, eps 1e-6 added to the denominator = linear with eps: 1e-6;
 * its key_lengths (LengthMask: padded keys zeroed in phi(K)) = mask: padding
 * (padded query rows set to 0 in the golden, as the harness defines them). */
static void linear_matches_fast_transformers(void **s)
{
    (void)s;
    compare("syn", "linear-syn.npy", &ab_linear_cpu, 1e-5, "eps=1e-6", NULL, NULL, NULL);
    char q[600], k[600], v[600], g[600];
    snprintf(q, sizeof q, "%s/syn-q.npy", AB_GOLDEN);
    snprintf(k, sizeof k, "%s/syn-k.npy", AB_GOLDEN);
    snprintf(v, sizeof v, "%s/syn-v.npy", AB_GOLDEN);
    snprintf(g, sizeof g, "%s/linear-syn-pad.npy", AB_GOLDEN);
    struct ab_npy Q = load(q), K = load(k), V = load(v), G = load(g);
    size_t H = Q.shape[0], N = Q.shape[1], D = Q.shape[2], DV = V.shape[2];
    static const size_t len[2] = {437, 61}; /* linear_golden.py's PAD_LENGTHS */
    assert_int_equal(H, 2);
    assert_int_equal(G.count, H * N * DV);
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, Q.data, K.data, V.data, 1,
                                                 AB_MASK_PADDING, len);
    struct ab_values vals = ab_test_values(&ab_linear_cpu, "eps=1e-6", NULL);
    float *out = malloc(H * N * DV * sizeof *out);
    double *ref = malloc(H * N * DV * sizeof *ref);
    assert_true(out && ref);
    for (size_t i = 0; i < H * N * DV; i++)
        ref[i] = G.data[i];
    struct ab_err err;
    if (ab_test_run_method(&ab_linear_cpu, &p, &vals, out, &err))
        fail_msg("%s", err.msg);
    print_message("linear-syn-pad.npy       linear(eps=1e-6, padding 437, 61): rel diff %.2e (tol 1e-05)\n",
                  ab_test_rel_err(out, ref, H * N * DV));
    assert_rel_err(out, ref, H * N * DV, 1e-5);
    free(out), free(ref);
    ab_npy_free(&Q), ab_npy_free(&K), ab_npy_free(&V), ab_npy_free(&G);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(performer_matches_performer_pytorch_with_its_features_and_eps),
        cmocka_unit_test(performer_causal_matches_performer_pytorch_with_the_global_stabiliser),
        cmocka_unit_test(linformer_matches_lucidrains_with_its_projections),
        cmocka_unit_test(linear_matches_fast_transformers),
        cmocka_unit_test(reformer_matches_reformer_pytorch_with_its_rotations),
        cmocka_unit_test(file_options_are_checked),
        cmocka_unit_test(exact_matches_torch_sdpa),
        cmocka_unit_test(masked_sdpa_goldens_match_the_masked_oracle),
        cmocka_unit_test(test_peers_exact_masked),
        cmocka_unit_test(nystrom_matches_hugging_face_with_global_init),
        cmocka_unit_test(nystrom_matches_lucidrains_with_pad_keys),
        cmocka_unit_test(the_options_matter),
        cmocka_unit_test(nystrom_padding_rules_match_the_peers_with_masks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
