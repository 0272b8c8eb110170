/* test_npy.c — the .npy reader and writer, every malformed-header case, and
 * the `npy` data kind (shapes, n, scale, relative paths, content ids). */
#define _POSIX_C_SOURCE 200809L
#include "data/data.h"
#include "formats/npy.h"
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tmp(const char *name)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 512, "%s/%s", ab_test_tmpdir(), name);
    return p;
}

/* A .npy from raw parts: version, header text (padded to 16 with spaces +
 * '\n' unless raw), then `data` bytes. */
static size_t build(unsigned char *out, int major, const char *header, const void *data,
                    size_t dlen)
{
    size_t pre = major == 1 ? 10 : 12, hl = strlen(header);
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major, out[7] = 0;
    if (major == 1)
        out[8] = (unsigned char)(hl & 0xff), out[9] = (unsigned char)(hl >> 8);
    else
        out[8] = (unsigned char)(hl & 0xff), out[9] = (unsigned char)(hl >> 8), out[10] = 0, out[11] = 0;
    memcpy(out + pre, header, hl);
    memcpy(out + pre + hl, data, dlen);
    return pre + hl + dlen;
}

static void float32_and_float64_round_trip(void **s)
{
    (void)s;
    size_t shapes[3][3] = {{7, 0, 0}, {5, 3, 0}, {2, 4, 3}};
    for (int nd = 1; nd <= 3; nd++) {
        size_t count = 1;
        for (int i = 0; i < nd; i++)
            count *= shapes[nd - 1][i];
        float *x = malloc(count * 4);
        double *y = malloc(count * 8);
        ab_test_fill_normal(x, count, ab_test_seed() + (uint64_t)nd, 3.0);
        for (size_t i = 0; i < count; i++)
            y[i] = (double)x[i] * 1.0000001;
        struct ab_err err;
        struct ab_npy a;
        assert_int_equal(ab_npy_write_f32(tmp("a.npy"), shapes[nd - 1], nd, x, &err), AB_OK);
        assert_int_equal(ab_npy_read(tmp("a.npy"), &a, &err), AB_OK);
        assert_int_equal(a.ndim, nd);
        assert_int_equal(a.count, count);
        assert_int_equal(a.src_dtype, AB_NPY_F32);
        assert_memory_equal(a.data, x, count * 4);
        ab_npy_free(&a);
        assert_int_equal(ab_npy_write_f64(tmp("b.npy"), shapes[nd - 1], nd, y, &err), AB_OK);
        assert_int_equal(ab_npy_read(tmp("b.npy"), &a, &err), AB_OK);
        assert_int_equal(a.src_dtype, AB_NPY_F64);
        for (size_t i = 0; i < count; i++)
            assert_true(a.data[i] == (float)y[i]);
        ab_npy_free(&a);
        /* NumPy's layout: the data start on a 64-byte boundary */
        struct stat st;
        stat(tmp("a.npy"), &st);
        assert_int_equal(((size_t)st.st_size - count * 4) % 64, 0);
        free(x), free(y);
    }
}

static void hand_written_headers_v2_v3_and_key_orders_parse(void **s)
{
    (void)s;
    unsigned char buf[512];
    float v[6] = {1, 2, 3, 4, 5, 6};
    const char *ok[] = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n",
        "{\"shape\": (2,3), \"descr\": \"<f4\", \"fortran_order\": False}\n",
        "{'fortran_order': False,'shape':(2, 3,),'descr':'|f4'}\n",
    };
    struct ab_npy a;
    struct ab_err err;
    for (int major = 1; major <= 3; major++)
        for (size_t i = 0; i < 3; i++) {
            size_t len = build(buf, major, ok[i], v, sizeof v);
            if (ab_npy_read_mem("mem.npy", buf, len, &a, &err))
                fail_msg("version %d, header %zu: %s", major, i, err.msg);
            assert_int_equal(a.ndim, 2);
            assert_int_equal(a.shape[0], 2);
            assert_int_equal(a.shape[1], 3);
            assert_true(a.data[5] == 6.0f);
            ab_npy_free(&a);
        }
}

static void every_malformed_file_is_a_clear_error(void **s)
{
    (void)s;
    float v[6] = {1, 2, 3, 4, 5, 6};
    double big[2] = {1e300, 1};
    float bad[6] = {1, 2, 3, 4, NAN, 6}, inf[6] = {1, INFINITY, 3, 4, 5, 6};
    const char *h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
    const struct {
        const char *name;
        int major;
        const char *header;
        const void *data;
        size_t dlen;
        const char *expect;
    } cases[] = {
        {"fortran", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", v, 24, "Fortran"},
        {"big-endian", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", v, 24, "big-endian"},
        {"int32", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }\n", v, 24, "'<i4' is not supported"},
        {"float16", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }\n", v, 12, "'<f2' is not supported"},
        {"truncated", 1, h, v, 20, "truncated: shape (2, 3) float32 needs 24 bytes of data, file has 20"},
        {"not-a-dict", 1, "['descr', '<f4']\n", v, 24, "not a dict"},
        {"no-shape", 1, "{'descr': '<f4', 'fortran_order': False, }\n", v, 24, "lacks 'shape'"},
        {"unterminated", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3\n", v, 24, "malformed header"},
        {"unknown-key", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}\n", v, 24, "unknown header key 'x'"},
        {"nan", 1, h, bad, 24, "NaN at index [1, 1]"},
        {"inf", 1, h, inf, 24, "+Inf at index [0, 1]"},
        {"f32-overflow", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", big, 16, "beyond float32's range"},
        {"version", 4, h, v, 24, "version 4.0 is not supported"},
    };
    unsigned char buf[1024];
    struct ab_npy a;
    struct ab_err err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = build(buf, cases[i].major == 4 ? 1 : cases[i].major, cases[i].header,
                           cases[i].data, cases[i].dlen);
        if (cases[i].major == 4)
            buf[6] = 4;
        int rc = ab_npy_read_mem(cases[i].name, buf, len, &a, &err);
        print_message("%s: %s\n", cases[i].name, err.msg);
        assert_int_equal(rc, AB_EINVAL);
        assert_non_null(strstr(err.msg, cases[i].expect));
        assert_true(strncmp(err.msg, cases[i].name, strlen(cases[i].name)) == 0);
        assert_null(a.data);
    }
    /* trailing bytes, bad magic, a huge declared header, an empty file */
    size_t len = build(buf, 1, h, v, 24);
    buf[len++] = 0;
    assert_int_equal(ab_npy_read_mem("x", buf, len, &a, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "1 trailing bytes"));
    memcpy(buf, "PK\x03\x04", 4);
    assert_int_equal(ab_npy_read_mem("x", buf, len, &a, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "bad magic"));
    len = build(buf, 2, h, v, 24);
    buf[10] = 0x10; /* header length 1 MiB + 60 */
    assert_int_equal(ab_npy_read_mem("x", buf, len, &a, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "huge header"));
    assert_int_equal(ab_npy_read_mem("x", buf, 0, &a, &err), AB_EINVAL);
    /* files that cannot be read */
    assert_int_equal(ab_npy_read("/nonexistent/q.npy", &a, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/q.npy"));
    assert_int_equal(ab_npy_write_f32("/nonexistent/o.npy", (size_t[]){2}, 1, v, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/o.npy"));
    /* a target that is not a regular file is refused, not replaced by the rename */
    const char *fifo = tmp("fifo.npy");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(ab_npy_write_f32(fifo, (size_t[]){2}, 1, v, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "not a regular file"));
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    /* reading one: refused by name, without blocking (the open is
     * O_NONBLOCK and only regular files are read); so are a device and a
     * directory */
    char want[600];
    assert_int_equal(ab_npy_read(fifo, &a, &err), AB_EIO);
    snprintf(want, sizeof want,
             "%s: is a FIFO (named pipe), not a regular file: the .npy file must be a file", fifo);
    assert_string_equal(err.msg, want);
    assert_int_equal(ab_npy_peek(fifo, &a, &err), AB_EIO);
    assert_string_equal(err.msg, want);
    unlink(fifo);
    assert_int_equal(ab_npy_peek("/dev/zero", &a, &err), AB_EIO);
    assert_string_equal(err.msg, "/dev/zero: is a character device, not a regular file: the .npy "
                                 "file must be a file");
    assert_int_equal(ab_npy_read(ab_test_tmpdir(), &a, &err), AB_EIO);
    assert_non_null(strstr(err.msg, ": is a directory, not a regular file"));
    /* a shape whose byte count overflows */
    assert_int_equal(ab_npy_write_f32(tmp("o.npy"), (size_t[]){SIZE_MAX / 2, 4}, 2, v, &err),
                     AB_EINVAL);
    assert_non_null(strstr(err.msg, "overflows"));
}

/* ---- the data kind ---- */

static void write_arr(const char *name, const size_t *shape, int nd, uint64_t seed)
{
    size_t count = 1;
    for (int i = 0; i < nd; i++)
        count *= shape[i];
    float *x = malloc(count * 4);
    ab_test_fill_normal(x, count, seed, 1.0);
    struct ab_err err;
    assert_int_equal(ab_npy_write_f32(tmp(name), shape, nd, x, &err), AB_OK);
    free(x);
}

static struct ab_values npy_vals(const char *q, const char *k, const char *v, const char *n,
                                 const char *scale)
{
    const struct ab_datakind *kind = ab_datakind_find("npy");
    struct ab_values vals;
    struct ab_err err;
    assert_int_equal(ab_values_defaults(&vals, kind->params, kind->nparams, &err), AB_OK);
    const char *in[5] = {q, k, v, n, scale}, *names[5] = {"q", "k", "v", "n", "scale"};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < kind->nparams; j++)
            if (in[i] && !strcmp(kind->params[j].name, names[i])) {
                assert_int_equal(ab_value_parse(&kind->params[j], in[i], &vals.v[j], &vals.str[j], &err),
                                 AB_OK);
                vals.set[j] = 1;
            }
    return vals;
}

static void npy_kind_reads_heads_truncates_scales_and_hashes_content(void **s)
{
    (void)s;
    const struct ab_datakind *kind = ab_datakind_find("npy");
    size_t s3[3] = {2, 40, 8}, sv[3] = {2, 40, 5}, s2[2] = {40, 8};
    write_arr("q.npy", s3, 3, 1);
    write_arr("k.npy", s3, 3, 2);
    write_arr("v.npy", sv, 3, 3);
    write_arr("q2.npy", s2, 2, 1);
    struct ab_err err;
    struct ab_data d, e, f;
    size_t dims[4];
    struct ab_values v = npy_vals("q.npy", "k.npy", "v.npy", NULL, NULL);
    assert_int_equal(kind->shape(&v, ab_test_tmpdir(), dims, &err), AB_OK); /* relative paths */
    assert_true(dims[0] == 2 && dims[1] == 40 && dims[2] == 8 && dims[3] == 5);
    assert_int_equal(kind->make(&v, 1, ab_test_tmpdir(), &d, &err), AB_OK);
    struct ab_npy q;
    assert_int_equal(ab_npy_read(tmp("q.npy"), &q, &err), AB_OK);
    assert_memory_equal(d.q, q.data, 2 * 40 * 8 * 4);
    /* n keeps the first tokens of every head; scale multiplies Q and K */
    struct ab_values v2 = npy_vals("q.npy", "k.npy", "v.npy", "25", "4");
    assert_int_equal(kind->make(&v2, 1, ab_test_tmpdir(), &e, &err), AB_OK);
    assert_int_equal(e.n, 25);
    for (size_t h = 0; h < 2; h++)
        for (size_t i = 0; i < 25 * 8; i++)
            assert_true(e.q[h * 25 * 8 + i] == 2.0f * q.data[h * 40 * 8 + i]);
    assert_true(d.id != e.id);
    /* head = 1 keeps that head alone */
    struct ab_values v3 = npy_vals("q.npy", "k.npy", "v.npy", NULL, NULL);
    for (int j = 0; j < kind->nparams; j++)
        if (!strcmp(kind->params[j].name, "head"))
            v3.v[j] = 1;
    assert_int_equal(kind->make(&v3, 1, ab_test_tmpdir(), &f, &err), AB_OK);
    assert_int_equal(f.heads, 1);
    assert_memory_equal(f.q, q.data + 40 * 8, 40 * 8 * 4);
    ab_data_free(&f);
    /* the same content under another seed: the same id */
    assert_int_equal(kind->make(&v, 99, ab_test_tmpdir(), &f, &err), AB_OK);
    assert_true(d.id == f.id);
    ab_data_free(&f);
    /* mismatched shapes, a 2-D Q with 3-D K, n too large, a missing file */
    struct ab_values bad = npy_vals("q.npy", "v.npy", "v.npy", NULL, NULL);
    assert_int_equal(kind->shape(&bad, ab_test_tmpdir(), dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "has shape (2, 40, 5) but"));
    bad = npy_vals("q2.npy", "k.npy", "v.npy", NULL, NULL);
    assert_int_equal(kind->make(&bad, 1, ab_test_tmpdir(), &f, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "K must match Q"));
    bad = npy_vals("q.npy", "k.npy", "v.npy", "41", NULL);
    assert_int_equal(kind->shape(&bad, ab_test_tmpdir(), dims, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "n = 41 exceeds the 40 tokens"));
    bad = npy_vals("missing.npy", "k.npy", "v.npy", NULL, NULL);
    assert_int_equal(kind->shape(&bad, ab_test_tmpdir(), dims, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "missing.npy"));
    ab_npy_free(&q);
    ab_data_free(&d), ab_data_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(float32_and_float64_round_trip),
        cmocka_unit_test(hand_written_headers_v2_v3_and_key_orders_parse),
        cmocka_unit_test(every_malformed_file_is_a_clear_error),
        cmocka_unit_test(npy_kind_reads_heads_truncates_scales_and_hashes_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
