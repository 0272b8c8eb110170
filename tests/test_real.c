/* test_real.c — real attention inputs without torch: the committed fixture
 * (MiniLM-L6 layers 0, 2, 5, heads 0-3, on the GPL-3 text) through the
 * `manifest` and `safetensors` kinds (the same tensors give the same data id,
 * so they share one exact reference), head selection, and every malformed
 * .safetensors case. */
#define _POSIX_C_SOURCE 200809L
#include "data/data.h"
#include "formats/npy.h"
#include "formats/safetensors.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ab_values vals_of(const struct ab_datakind *k, const char *const *kv)
{
    struct ab_values v;
    struct ab_err err;
    assert_int_equal(ab_values_defaults(&v, k->params, k->nparams, &err), AB_OK);
    for (; *kv; kv += 2)
        for (int j = 0; j < k->nparams; j++)
            if (!strcmp(k->params[j].name, kv[0])) {
                if (ab_value_parse(&k->params[j], kv[1], &v.v[j], &v.str[j], &err))
                    fail_msg("%s", err.msg);
                v.set[j] = 1;
            }
    return v;
}

static void manifest_and_safetensors_give_the_same_data(void **s)
{
    (void)s;
    const struct ab_datakind *mk = ab_datakind_find("manifest"), *sk = ab_datakind_find("safetensors");
    assert_non_null(mk);
    assert_non_null(sk);
    const char *mkv[] = {"manifest", "real/manifest.yaml", "sequence", "n512", "layer", "0", NULL};
    const char *skv[] = {"file", "real/layer0.safetensors", NULL};
    struct ab_values mv = vals_of(mk, mkv), sv = vals_of(sk, skv);
    struct ab_data a, b;
    struct ab_err err;
    size_t dims[4];
    if (mk->shape(&mv, AB_FIXTURES, dims, &err))
        fail_msg("%s", err.msg);
    assert_true(dims[0] == 4 && dims[1] == 512 && dims[2] == 32 && dims[3] == 32);
    if (mk->make(&mv, 1, AB_FIXTURES, &a, &err) || sk->make(&sv, 1, AB_FIXTURES, &b, &err))
        fail_msg("%s", err.msg);
    assert_memory_equal(a.q, b.q, 4 * 512 * 32 * 4);
    assert_memory_equal(a.v, b.v, 4 * 512 * 32 * 4);
    assert_true(a.id == b.id);
    /* real attention is not uniform: the [CLS]/[SEP] and punctuation sinks of
     * BERT-style models show as a mean row entropy well below log n */
    double *S = malloc(512 * 512 * sizeof *S), ent = 0;
    ab_test_attn_matrix_f64(512, 32, a.q, a.k, S);
    for (size_t i = 0; i < 512 * 512; i++)
        ent -= S[i] > 0 ? S[i] * log(S[i]) : 0;
    ent /= 512;
    print_message("layer 0 head 0: mean row entropy %.2f nats (uniform %.2f)\n", ent, log(512.0));
    assert_true(ent < log(512.0) - 0.5);
    free(S);
    ab_data_free(&a), ab_data_free(&b);
    /* one head, the first 100 tokens */
    const char *hkv[] = {"manifest", "real/manifest.yaml", "layer", "5", "head", "2", "n", "100", NULL};
    struct ab_values hv = vals_of(mk, hkv);
    if (mk->make(&hv, 1, AB_FIXTURES, &a, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(a.heads, 1);
    assert_int_equal(a.n, 100);
    char path[600];
    snprintf(path, sizeof path, "%s/real/n512/layer5-q.npy", AB_FIXTURES);
    struct ab_npy q;
    assert_int_equal(ab_npy_read(path, &q, &err), AB_OK);
    assert_memory_equal(a.q, q.data + 2 * 512 * 32, 100 * 32 * 4);
    ab_npy_free(&q);
    ab_data_free(&a);
}

static void manifest_errors_name_what_is_missing(void **s)
{
    (void)s;
    const struct ab_datakind *mk = ab_datakind_find("manifest");
    struct ab_err err;
    size_t dims[4];
    const char *a[] = {"manifest", "real/manifest.yaml", "sequence", "n999", NULL};
    struct ab_values v = vals_of(mk, a);
    assert_int_equal(mk->shape(&v, AB_FIXTURES, dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "no sequence 'n999' (it has: n512)"));
    const char *b[] = {"manifest", "real/manifest.yaml", "layer", "3", NULL};
    v = vals_of(mk, b);
    assert_int_equal(mk->shape(&v, AB_FIXTURES, dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "has no layer 3"));
    const char *c[] = {"manifest", "real/manifest.yaml", "head", "4", NULL};
    v = vals_of(mk, c);
    assert_int_equal(mk->shape(&v, AB_FIXTURES, dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "head = 4, but"));
}

/* A .safetensors file in memory: header text, then `data` bytes. */
static size_t st_build(unsigned char *buf, const char *header, const void *data, size_t len)
{
    uint64_t hl = strlen(header);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(hl >> (8 * i));
    memcpy(buf + 8, header, hl);
    memcpy(buf + 8 + hl, data, len);
    return 8 + hl + len;
}

static void malformed_safetensors_are_clear_errors(void **s)
{
    (void)s;
    float x[6] = {1, 2, 3, 4, 5, 6}, bad[6] = {1, 2, NAN, 4, 5, 6};
    uint16_t half[6] = {0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600}; /* 1 2 3 4 5 6 */
    unsigned char buf[2048];
    struct ab_npy a;
    struct ab_err err;
    const char *ok = "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
    size_t len = st_build(buf, ok, x, 24);
    assert_int_equal(ab_safetensors_read_mem("t.st", buf, len, "q", 0, &a, &err), AB_OK);
    assert_true(a.ndim == 2 && a.shape[1] == 3 && a.data[5] == 6.0f);
    ab_npy_free(&a);
    len = st_build(buf, "{\"q\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]}}", half, 12);
    assert_int_equal(ab_safetensors_read_mem("t.st", buf, len, "q", 0, &a, &err), AB_OK);
    assert_true(a.data[0] == 1.0f && a.data[5] == 6.0f);
    ab_npy_free(&a);
    const struct {
        const char *header, *tensor, *expect;
        const void *data;
        size_t len;
    } cases[] = {
        {ok, "k", "no tensor 'k' (it has: q)", x, 24},
        {"{\"q\":{\"dtype\":\"I32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "q", "dtype I32", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,24]}}", "q",
         "t.st: tensor 'q': shape [2, 4] of F32 needs 32 bytes, data_offsets [0, 24] hold 24", x, 24},
        /* the dtype disagrees with the byte count: F64 (2, 3) is 48 bytes */
        {"{\"q\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "q",
         "t.st: tensor 'q': shape [2, 3] of F64 needs 48 bytes, data_offsets [0, 24] hold 24", x, 24},
        /* a header that is valid JSON but an array, or a tensor that is not an object */
        {"[{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}]", "q",
         "t.st: the JSON header is an array, not an object of tensors", x, 24},
        {"{\"q\":[0,24]}", "q", "t.st: tensor 'q' is an array, not an object", x, 24},
        /* data_offsets: fractional, negative, reversed, beyond the data, overlapping */
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0.5,24.5]}}", "q",
         "t.st: tensor 'q': data_offsets [0.5, 24.5]: the begin is not a whole number", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[-8,16]}}", "q",
         "t.st: tensor 'q': data_offsets [-8, 16]: the begin is negative", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}}", "q",
         "t.st: tensor 'q': data_offsets [24, 0] end before they begin", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,1e300]}}", "q",
         "t.st: tensor 'q': data_offsets [0, 1.0000000000000001e+300]: the end is beyond 2^53", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[4,16]},"
         "\"k\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]}}", "q",
         "t.st: tensor 'q': data_offsets [4, 16] overlap those of tensor 'k' [0, 12]", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}}", "q",
         "t.st: tensor 'q': shape [2, -3]: dimension 1 is negative", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,1.5],\"data_offsets\":[0,24]}}", "q",
         "t.st: tensor 'q': shape [2, 1.5]: dimension 1 is not a whole number", x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}", "q",
         "t.st: tensor 'q': data_offsets [8, 32] end beyond the data, which have 24 bytes (truncated?)",
         x, 24},
        {"{\"q\":{\"dtype\":\"F32\",\"shape\":[2,3]}}", "q", "t.st: tensor 'q' lacks data_offsets", x, 24},
        {"{\"q\": [1, 2", "q", "does not parse", x, 24},
        {ok, "q", "NaN at index [0, 2]", bad, 24},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        len = st_build(buf, cases[i].header, cases[i].data, cases[i].len);
        int rc = ab_safetensors_read_mem("t.st", buf, len, cases[i].tensor, 0, &a, &err);
        print_message("%s\n", err.msg);
        assert_int_equal(rc, AB_EINVAL);
        assert_non_null(strstr(err.msg, cases[i].expect));
        assert_true(!strncmp(err.msg, "t.st: ", 6));
    }
    /* a header length beyond the file, and one beyond 100 MiB */
    len = st_build(buf, ok, x, 24);
    buf[0] = 0xff, buf[1] = 0x7f;
    assert_int_equal(ab_safetensors_read_mem("t.st", buf, len, "q", 0, &a, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "truncated"));
    buf[4] = 0x01;
    assert_int_equal(ab_safetensors_read_mem("t.st", buf, len, "q", 0, &a, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "more than 100 MiB"));
    assert_int_equal(ab_safetensors_read("/nonexistent.safetensors", "q", 0, &a, &err), AB_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_and_safetensors_give_the_same_data),
        cmocka_unit_test(manifest_errors_name_what_is_missing),
        cmocka_unit_test(malformed_safetensors_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
