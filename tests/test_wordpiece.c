/* test_wordpiece.c — the C BERT tokenizer (harness/model/wordpiece.c) against
 * Hugging Face's ids on a committed sample (tests/fixtures/model/sample.txt:
 * English, accents, ligatures, Greek, Cyrillic, CJK, kana, Hangul, emoji,
 * no-break and zero-width spaces, a 101-character word, full-width letters,
 * ASCII punctuation; ids in tokens.txt from experiments/model/make_fixture.py)
 * and its error messages. */
#include "testlib.h"

#include "model/wordpiece.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX AB_FIXTURES "/model"

static struct ab_wordpiece *load_vocab(void)
{
    struct ab_wordpiece *t;
    struct ab_err err;
    if (ab_wordpiece_load(FIX "/vocab.txt", &t, &err))
        fail_msg("%s", err.msg);
    return t;
}

static void ids_match_hugging_face_on_the_sample(void **st)
{
    (void)st;
    struct ab_wordpiece *t = load_vocab();
    assert_int_equal(ab_wordpiece_vocab_size(t), 30522);
    FILE *ft = fopen(FIX "/sample.txt", "r"), *fi = fopen(FIX "/tokens.txt", "r");
    assert_non_null(ft);
    assert_non_null(fi);
    char text[4096], idl[8192];
    int lines = 0, bad = 0;
    while (fgets(text, sizeof text, ft)) {
        assert_non_null(fgets(idl, sizeof idl, fi));
        text[strcspn(text, "\n")] = '\0';
        int32_t want[1024];
        size_t nw = 0;
        for (char *p = strtok(idl, " \n"); p; p = strtok(NULL, " \n"))
            want[nw++] = (int32_t)atol(p);
        int32_t *got;
        size_t ng;
        struct ab_err err;
        if (ab_wordpiece_encode(t, text, strlen(text), 512, &got, &ng, &err))
            fail_msg("%s", err.msg);
        size_t k = 0;
        while (k < ng && k < nw && got[k] == want[k])
            k++;
        if (k != ng || k != nw) {
            print_message("line %d: first difference at token %zu: C %s (%ld), HF %s (%ld)\n  %s\n",
                          lines + 1, k, k < ng ? ab_wordpiece_token(t, got[k]) : "(end)",
                          k < ng ? (long)got[k] : -1L,
                          k < nw ? ab_wordpiece_token(t, want[k]) : "(end)",
                          k < nw ? (long)want[k] : -1L, text);
            bad++;
        }
        free(got);
        lines++;
    }
    fclose(ft);
    fclose(fi);
    ab_wordpiece_destroy(t);
    assert_int_equal(lines, 12);
    assert_int_equal(bad, 0);
}

static void truncation_keeps_cls_and_sep(void **st)
{
    (void)st;
    struct ab_wordpiece *t = load_vocab();
    const char *s = "one two three four five six seven";
    int32_t *ids;
    size_t n;
    struct ab_err err;
    if (ab_wordpiece_encode(t, s, strlen(s), 5, &ids, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 5);
    assert_int_equal(ids[0], ab_wordpiece_cls(t));
    assert_int_equal(ids[4], ab_wordpiece_sep(t));
    assert_int_equal(ids[1], ab_wordpiece_id(t, "one"));
    assert_int_equal(ids[3], ab_wordpiece_id(t, "three"));
    free(ids);
    /* greedy longest match: "unaffable" is un ##aff ##able in BERT's vocabulary */
    if (ab_wordpiece_tokenize(t, "UNAFFABLE", 9, &ids, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 3);
    assert_string_equal(ab_wordpiece_token(t, ids[0]), "una");
    free(ids);
    /* invalid UTF-8 is dropped, not a crash */
    if (ab_wordpiece_tokenize(t, "a\xff\xc3 b\xe2\x82", 7, &ids, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    free(ids);
    ab_wordpiece_destroy(t);
}

static void a_vocabulary_without_specials_is_refused_by_name(void **st)
{
    (void)st;
    char path[512];
    snprintf(path, sizeof path, "%s/vocab.txt", ab_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[PAD]\n[UNK]\n[SEP]\nhello\n", f);
    fclose(f);
    struct ab_wordpiece *t;
    struct ab_err err;
    assert_int_equal(ab_wordpiece_load(path, &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "[CLS]"));
    assert_int_equal(ab_wordpiece_load("/nonexistent/vocab.txt", &t, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/vocab.txt"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_match_hugging_face_on_the_sample),
        cmocka_unit_test(truncation_keeps_cls_and_sep),
        cmocka_unit_test(a_vocabulary_without_specials_is_refused_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
