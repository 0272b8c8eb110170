/* test_model_study.c — `attnbench model` end to end on the tiny random BERT
 * (tests/fixtures/model/study.yaml: 12 chunks of sample.txt, exact, nystrom
 * and local, layers all and each): the exact rows reproduce the exact model
 * (every error 0, cosine and retrieval agreement 1), replacing layer 1 leaves
 * layer 0's output bitwise untouched, replacing all layers starts with the
 * same layer-0 error as replacing layer 0 alone, --resume measures nothing
 * twice, and bad configs are positioned errors with exit status 2. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "formats/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CFG AB_FIXTURES "/model/study.yaml"

struct table {
    char *head[64];
    size_t ncols;
    char *rows[64][64];
    size_t nrows;
    char *buf[65];
};

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void read_table(const char *path, struct table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    for (size_t r = 0; fgets(line, sizeof line, f); r++) {
        assert_true(r < 65);
        t->buf[r] = strdup(line);
        char **dst = r == 0 ? t->head : t->rows[r - 1];
        int n = ab_csv_split(t->buf[r], dst, 64);
        if (r == 0)
            t->ncols = (size_t)n;
        else
            assert_int_equal((size_t)n, t->ncols), t->nrows++;
    }
    fclose(f);
}

static void free_table(struct table *t)
{
    for (size_t i = 0; i < 65; i++)
        free(t->buf[i]);
}

static const char *cell(const struct table *t, size_t r, const char *col)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (!strcmp(t->head[c], col))
            return t->rows[r][c];
    fail_msg("no column %s", col);
    return NULL;
}

static double num(const struct table *t, size_t r, const char *col)
{
    const char *s = cell(t, r, col);
    if (!*s)
        fail_msg("row %zu: %s is empty", r, col);
    return atof(s);
}

static size_t find(const struct table *t, const char *method, const char *layers)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (!strcmp(cell(t, r, "method"), method) && !strcmp(cell(t, r, "layers"), layers))
            return r;
    fail_msg("no row %s layers=%s", method, layers);
    return 0;
}

static void rows_reproduce_the_exact_model_and_keep_earlier_layers(void **st)
{
    (void)st;
    char out[600], cmd[2000];
    snprintf(out, sizeof out, "%s/study.csv", ab_test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s model %s --out %s --force --progress quiet", AB_BIN, CFG, out);
    assert_int_equal(sh(cmd), 0);
    struct table t;
    read_table(out, &t);
    assert_int_equal(t.nrows, 9); /* 3 methods x (all, 0, 1) */
    const char *errs[] = {"hidden_rel_l1", "hidden_rel_l2", "attn_out_rel"};
    const char *ones[] = {"emb_cos_mean", "emb_cos_min", "top10_overlap", "spearman"};
    for (size_t r = 0; r < t.nrows; r++) {
        assert_string_equal(cell(&t, r, "status"), "ok");
        assert_true(num(&t, r, "attn_share") > 0 && num(&t, r, "attn_share") < 1);
        if (strcmp(cell(&t, r, "method"), "exact"))
            continue;
        for (int i = 0; i < 3; i++)
            assert_true(num(&t, r, errs[i]) == 0);
        for (int i = 0; i < 4; i++)
            assert_true(num(&t, r, ones[i]) == 1);
    }
    const char *approx[] = {"nystrom", "local"};
    for (int i = 0; i < 2; i++) {
        size_t all = find(&t, approx[i], "all"), l0 = find(&t, approx[i], "0"),
               l1 = find(&t, approx[i], "1");
        /* layer 1 replaced: layer 0's output untouched, bitwise */
        assert_true(num(&t, l1, "hidden_rel_l1") == 0);
        assert_true(num(&t, l1, "hidden_rel_l2") > 1e-3);
        assert_true(num(&t, l0, "hidden_rel_l1") > 1e-3);
        /* all layers replaced: the same first layer as layer 0 alone */
        assert_string_equal(cell(&t, all, "hidden_rel_l1"), cell(&t, l0, "hidden_rel_l1"));
        assert_true(num(&t, all, "emb_cos_min") < 1);
        assert_true(num(&t, all, "attn_out_rel") > 1e-3);
        assert_true(num(&t, all, "top10_overlap") <= 1 && num(&t, all, "spearman") <= 1);
    }
    free_table(&t);
    /* --resume: every row is there, none is measured again */
    snprintf(cmd, sizeof cmd, "%s model %s --out %s --resume --progress quiet", AB_BIN, CFG, out);
    assert_int_equal(sh(cmd), 0);
    read_table(out, &t);
    assert_int_equal(t.nrows, 9);
    free_table(&t);
    /* without --resume or --force an existing file is not overwritten */
    snprintf(cmd, sizeof cmd, "%s model %s --out %s --progress quiet 2>/dev/null", AB_BIN, CFG, out);
    assert_int_equal(sh(cmd), 2);
}

static void bad_configs_are_positioned_errors(void **st)
{
    (void)st;
    struct {
        const char *yaml, *want;
    } cases[] = {
        {"model: M\ncorpus: {files: [S]}\nlayers: [5]\nmethods: [{name: exact}]\n",
         "bad.yaml:3:10: "},
        {"model: M\ncorpsu: {files: [S]}\nmethods: [{name: exact}]\n", "did you mean 'corpus'"},
        {"model: M\ncorpus: {files: [S], max_tokens: 100}\nmethods: [{name: exact}]\n",
         "'max_tokens'"},
        {"model: M\ncorpus: {files: [S]}\nmethods: [{name: nystrom, landmark: 4}]\n",
         "did you mean 'landmarks'"},
        {"model: nowhere\ncorpus: {files: [S]}\nmethods: [{name: exact}]\n", "nowhere/config.json"},
        {"model: M\ncorpus: {files: [missing.txt]}\nmethods: [{name: exact}]\n", "missing.txt"},
    };
    const char *dir = ab_test_tmpdir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[600], cmd[2400], log[600];
        /* M and S: the tiny model and the sample text, by absolute paths */
        snprintf(path, sizeof path, "%s/bad.yaml", dir);
        snprintf(log, sizeof log, "%s/bad.log", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        for (const char *c = cases[i].yaml; *c; c++)
            if (*c == 'M' && c[1] == '\n')
                fputs(AB_FIXTURES "/model/tiny", f);
            else if (*c == 'S' && c[1] == ']')
                fputs(AB_FIXTURES "/model/sample.txt", f);
            else
                fputc(*c, f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "%s model %s --out %s/bad.csv --force --progress quiet 2>%s",
                 AB_BIN, path, dir, log);
        int rc = sh(cmd);
        char msg[4096] = "";
        f = fopen(log, "r");
        assert_non_null(f);
        size_t got = fread(msg, 1, sizeof msg - 1, f);
        msg[got] = '\0';
        fclose(f);
        print_message("case %zu: exit %d: %s", i, rc, msg);
        assert_int_equal(rc, 2);
        if (!strstr(msg, cases[i].want))
            fail_msg("case %zu: the message lacks '%s'", i, cases[i].want);
    }
}

/* A plugin method in a layer, and a plugin that crashes: that row is
 * "crashed" (its child died), the others are measured, exit status 3. */
static void plugins_run_in_the_model_and_a_crash_is_a_row(void **st)
{
    (void)st;
    const char *dir = ab_test_tmpdir();
    char cfg[600], out[600], cmd[2400];
    snprintf(cfg, sizeof cfg, "%s/plugin.yaml", dir);
    snprintf(out, sizeof out, "%s/plugin.csv", dir);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fprintf(f, "model: %s/model/tiny\ncorpus: {files: [%s/model/sample.txt], chunks: 4, "
               "max_tokens: 32}\nlayers: [1]\nmethods:\n  - {name: test-fault}\n"
               "  - {name: test-fault, fault: crash}\n",
            AB_FIXTURES, AB_FIXTURES);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s model %s --plugin %s --out %s --force --progress quiet",
             AB_BIN, cfg, AB_PLUGIN, out);
    assert_int_equal(sh(cmd), 3);
    struct table t;
    read_table(out, &t);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(cell(&t, 0, "status"), "ok");
    /* float64 exact attention in layer 1: float32 rounding away from the exact model */
    assert_true(num(&t, 0, "hidden_rel_l1") == 0);
    assert_true(num(&t, 0, "hidden_rel_l2") < 1e-5);
    assert_true(num(&t, 0, "attn_out_rel") < 1e-5);
    assert_string_equal(cell(&t, 1, "status"), "crashed");
    assert_non_null(strstr(cell(&t, 1, "error"), "signal"));
    free_table(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_reproduce_the_exact_model_and_keep_earlier_layers),
        cmocka_unit_test(bad_configs_are_positioned_errors),
        cmocka_unit_test(plugins_run_in_the_model_and_a_crash_is_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
