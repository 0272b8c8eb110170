/* test_bert.c — the BERT encoder (harness/model/bert.c) on a tiny random BERT
 * (tests/fixtures/model/tiny: 2 layers, hidden 64, 4 heads; golden hidden
 * states and embeddings from Hugging Face's BertModel in float64, made by
 * experiments/model/make_fixture.py): the exact forward against them, layer
 * replacement (exact: bitwise; nystrom at m = n with the SVD pseudo-inverse:
 * float rounding; a crude method: visibly different), and the refusals of
 * config.json and the tensors. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "alloc.h"
#include "base/util.h"
#include "formats/npy.h"
#include "model/bert.h"
#include "registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TINY AB_FIXTURES "/model/tiny"
#define NSEQ 3

struct seq {
    int32_t ids[64];
    size_t n;
    struct ab_npy hidden, embedding; /* float64 goldens, as float32 */
    double *hidden64, *emb64;
};

/* The goldens are float64 .npy files; ab_npy keeps float32, so read the
 * float64 values from the file directly (header: the .npy v1 length). */
static double *read_f64(const char *path, size_t count)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char h[10];
    assert_int_equal(fread(h, 1, 10, f), 10);
    size_t hl = h[8] | (size_t)h[9] << 8;
    fseek(f, (long)(10 + hl), SEEK_SET);
    double *x = malloc(count * sizeof *x);
    assert_int_equal(fread(x, sizeof *x, count, f), count);
    fclose(f);
    return x;
}

static void load_seq(int i, struct seq *s)
{
    char path[512];
    struct ab_err err;
    struct ab_npy ids;
    snprintf(path, sizeof path, TINY "/ids_%d.npy", i);
    if (ab_npy_read(path, &ids, &err))
        fail_msg("%s", err.msg);
    s->n = ids.count;
    for (size_t t = 0; t < s->n; t++)
        s->ids[t] = (int32_t)ids.data[t];
    ab_npy_free(&ids);
    snprintf(path, sizeof path, TINY "/hidden_%d.npy", i);
    s->hidden64 = read_f64(path, 3 * s->n * 64);
    snprintf(path, sizeof path, TINY "/embedding_%d.npy", i);
    s->emb64 = read_f64(path, 64);
}

static struct ab_bert *tiny(void)
{
    struct ab_bert *m;
    struct ab_err err;
    if (ab_bert_load(TINY, &m, &err))
        fail_msg("%s", err.msg);
    return m;
}

/* Run the model with every layer on `meth` (vals) except layer `which`
 * (-1: none) on `alt` (alt_vals). hidden: (3, N, 64), emb: (64). */
static int run(const struct ab_bert *m, const struct seq *s, const struct ab_method *meth,
               const struct ab_values *vals, int which, const struct ab_method *alt,
               const struct ab_values *alt_vals, float *hidden, float *emb, struct ab_err *err)
{
    struct ab_bert_attn attn[2];
    for (int l = 0; l < 2; l++)
        attn[l] = l == which ? (struct ab_bert_attn){alt, alt_vals, AB_PREC_FP32}
                             : (struct ab_bert_attn){meth, vals, AB_PREC_FP32};
    struct ab_bert_opts o = {.attn = attn, .seed = 7, .threads = 1, .alloc = ab_mem_alloc,
                             .free = ab_mem_free, .hidden = hidden, .embedding = emb};
    return ab_bert_forward(m, s->ids, s->n, &o, NULL, err);
}

static void exact_forward_matches_hugging_face_float64(void **st)
{
    (void)st;
    struct ab_bert *m = tiny();
    const struct ab_bert_config *c = ab_bert_config(m);
    assert_true(c->layers == 2 && c->hidden == 64 && c->heads == 4 && c->head_dim == 16);
    const struct ab_method *ex = ab_method_find("exact");
    for (int i = 0; i < NSEQ; i++) {
        struct seq s;
        load_seq(i, &s);
        float *hid = malloc(3 * s.n * 64 * sizeof *hid), emb[64];
        struct ab_err err;
        for (int impl = 0; impl < 3; impl++) {
            const char *impls[] = {"impl=fused", "impl=stream", "impl=materialize"};
            struct ab_values v = ab_test_values(ex, impls[impl], NULL);
            if (run(m, &s, ex, &v, -1, NULL, NULL, hid, emb, &err))
                fail_msg("%s", err.msg);
            for (int l = 0; l < 3; l++) {
                double e = ab_test_rel_err(hid + l * s.n * 64, s.hidden64 + l * s.n * 64, s.n * 64);
                if (impl == 0)
                    print_message("n=%zu layer %d: rel err vs HF float64 %.2e\n", s.n, l, e);
                assert_rel_err(hid + l * s.n * 64, s.hidden64 + l * s.n * 64, s.n * 64, 1e-5);
            }
            assert_rel_err(emb, s.emb64, 64, 1e-5);
        }
        free(hid), free(s.hidden64), free(s.emb64);
    }
    ab_bert_destroy(m);
}

static void replacing_a_layer_with_exact_is_bitwise_the_exact_model(void **st)
{
    (void)st;
    struct ab_bert *m = tiny();
    const struct ab_method *ex = ab_method_find("exact"), *ny = ab_method_find("nystrom");
    struct ab_values ev = ab_test_values(ex, NULL), ev2 = ab_test_values(ex, "impl=fused", NULL),
                     nv = ab_test_values(ny, "landmarks=4", NULL);
    struct seq s;
    load_seq(2, &s);
    size_t nh = 3 * s.n * 64;
    float *ref = malloc(nh * sizeof *ref), *got = malloc(nh * sizeof *got), e1[64], e2[64];
    struct ab_err err;
    if (run(m, &s, ex, &ev, -1, NULL, NULL, ref, e1, &err))
        fail_msg("%s", err.msg);
    for (int which = 0; which < 2; which++) {
        /* a nystrom layer first: no state may carry over to the next forward */
        if (run(m, &s, ex, &ev, which, ny, &nv, got, e2, &err))
            fail_msg("%s", err.msg);
        assert_true(memcmp(got, ref, nh * sizeof *got) != 0);
        if (run(m, &s, ex, &ev, which, ex, &ev2, got, e2, &err))
            fail_msg("%s", err.msg);
        assert_memory_equal(got, ref, nh * sizeof *got);
        assert_memory_equal(e1, e2, sizeof e1);
    }
    free(ref), free(got), free(s.hidden64), free(s.emb64);
    ab_bert_destroy(m);
}

static void nystrom_at_m_equals_n_with_svd_is_the_exact_model(void **st)
{
    (void)st;
    struct ab_bert *m = tiny();
    const struct ab_method *ex = ab_method_find("exact"), *ny = ab_method_find("nystrom");
    struct ab_values ev = ab_test_values(ex, NULL);
    for (int i = 0; i < NSEQ; i++) {
        struct seq s;
        load_seq(i, &s);
        char lm[32];
        snprintf(lm, sizeof lm, "landmarks=%zu", s.n);
        struct ab_values nv = ab_test_values(ny, lm, "pinv=svd", NULL);
        size_t nh = 3 * s.n * 64;
        float *ref = malloc(nh * sizeof *ref), *got = malloc(nh * sizeof *got), e1[64], e2[64];
        struct ab_err err;
        if (run(m, &s, ex, &ev, -1, NULL, NULL, ref, e1, &err) ||
            run(m, &s, ny, &nv, -1, NULL, NULL, got, e2, &err))
            fail_msg("%s", err.msg);
        double *r64 = malloc(nh * sizeof *r64);
        for (size_t k = 0; k < nh; k++)
            r64[k] = ref[k];
        double e = ab_test_rel_err(got + 2 * s.n * 64, r64 + 2 * s.n * 64, s.n * 64);
        print_message("n=%zu: nystrom m=n svd, last layer rel err vs exact model %.2e\n", s.n, e);
        assert_rel_err(got, r64, nh, 1e-4);
        /* and against Hugging Face in float64 */
        assert_rel_err(got, s.hidden64, nh, 1e-4);
        free(r64), free(ref), free(got), free(s.hidden64), free(s.emb64);
    }
    ab_bert_destroy(m);
}

static void a_method_error_names_the_layer_and_method(void **st)
{
    (void)st;
    struct ab_bert *m = tiny();
    const struct ab_method *ex = ab_method_find("exact"), *ny = ab_method_find("nystrom");
    struct ab_values ev = ab_test_values(ex, NULL), nv = ab_test_values(ny, "landmarks=32", NULL);
    struct seq s;
    load_seq(0, &s); /* n = 5 < 32 landmarks */
    struct ab_err err;
    assert_int_equal(run(m, &s, ex, &ev, 1, ny, &nv, NULL, NULL, &err), AB_EINVAL);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "layer 1"));
    assert_non_null(strstr(err.msg, "nystrom"));
    s.ids[2] = 96; /* outside the vocabulary */
    assert_int_equal(run(m, &s, ex, &ev, -1, NULL, NULL, NULL, NULL, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "token id 96 at position 2"));
    free(s.hidden64), free(s.emb64);
    ab_bert_destroy(m);
}

static void unsupported_configs_are_refused_by_key(void **st)
{
    (void)st;
    struct {
        const char *json, *want;
    } cases[] = {
        {"{\"model_type\": \"gpt2\", \"hidden_size\": 8}", "model_type 'gpt2' is not supported"},
        {"{\"model_type\": \"bert\", \"hidden_act\": \"relu\"}", "hidden_act 'relu'"},
        {"{\"model_type\": \"bert\", \"position_embedding_type\": \"relative_key\"}",
         "position_embedding_type 'relative_key'"},
        {"{\"model_type\": \"bert\", \"is_decoder\": true}", "is_decoder"},
        {"{\"model_type\": \"bert\", \"num_hidden_layers\": 2}", "missing key 'hidden_size'"},
        {"{\"model_type\": \"bert\", \"num_hidden_layers\": 2, \"hidden_size\": 10, "
         "\"num_attention_heads\": 4, \"intermediate_size\": 8, \"vocab_size\": 9, "
         "\"max_position_embeddings\": 8}",
         "hidden_size 10 is not a multiple of num_attention_heads 4"},
        {"{\"model_type\": \"bert\", \"num_hidden_layers\": -2}", "'num_hidden_layers' must be"},
        {"[1, 2]", "not a JSON object"},
        {"{\"model_type\": ", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ab_bert_config c;
        struct ab_err err;
        assert_int_not_equal(ab_bert_parse_config("x/config.json", cases[i].json, &c, &err), AB_OK);
        if (!strstr(err.msg, cases[i].want) || strncmp(err.msg, "x/config.json: ", 15) != 0)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].want);
    }
}

static void a_tensor_of_the_wrong_shape_is_named(void **st)
{
    (void)st;
    /* the tiny weights with a config that claims hidden 32 (8 heads of 4) */
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/bert_shape", ab_test_tmpdir());
    ab_mkdirs(dir);
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"model_type\": \"bert\", \"hidden_act\": \"gelu\", \"num_hidden_layers\": 2, "
          "\"hidden_size\": 64, \"num_attention_heads\": 4, \"intermediate_size\": 100, "
          "\"vocab_size\": 96, \"max_position_embeddings\": 64}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    unlink(path);
    assert_int_equal(symlink(TINY "/model.safetensors", path), 0);
    struct ab_bert *m;
    struct ab_err err;
    assert_int_equal(ab_bert_load(dir, &m, &err), AB_EINVAL);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "encoder.layer.0.intermediate.dense.weight"));
    assert_non_null(strstr(err.msg, "(128, 64)"));
    assert_non_null(strstr(err.msg, "(100, 64)"));
    assert_int_equal(ab_bert_load("/nonexistent", &m, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/config.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_forward_matches_hugging_face_float64),
        cmocka_unit_test(replacing_a_layer_with_exact_is_bitwise_the_exact_model),
        cmocka_unit_test(nystrom_at_m_equals_n_with_svd_is_the_exact_model),
        cmocka_unit_test(a_method_error_names_the_layer_and_method),
        cmocka_unit_test(unsupported_configs_are_refused_by_key),
        cmocka_unit_test(a_tensor_of_the_wrong_shape_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
