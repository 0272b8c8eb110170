/* test_bad_inputs.c — the bad-input corpus (tests/bad/cases.tsv): every
 * malformed config, data file, output path and command line gets its exit
 * code and a message that names the problem; none crashes. Binary .npy cases
 * are written here, from a good set of files with one thing broken. */
#define _POSIX_C_SOURCE 200809L
#include "formats/npy.h"
#include "testlib.h"

#include <fcntl.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_bytes(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

/* A .npy with a hand-written header (v1) and raw data bytes. */
static void write_npy_raw(const char *path, const char *header, const void *data, size_t len)
{
    unsigned char buf[8192];
    size_t hl = strlen(header);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hl & 0xff), buf[9] = (unsigned char)(hl >> 8);
    memcpy(buf + 10, header, hl);
    memcpy(buf + 10 + hl, data, len);
    write_bytes(path, buf, 10 + hl + len);
}

/* Good q, k, v (2, 16, 8) in dir, then break the one this case is about. */
static void make_npy_case(const char *name, const char *dir, const char *bad_dir)
{
    char q[600], k[600], v[600], src[600], dst[600];
    snprintf(q, sizeof q, "%s/q.npy", dir);
    snprintf(k, sizeof k, "%s/k.npy", dir);
    snprintf(v, sizeof v, "%s/v.npy", dir);
    float x[256];
    ab_test_fill_normal(x, 256, ab_test_seed(), 1.0);
    size_t shape[3] = {2, 16, 8};
    struct ab_err err;
    assert_int_equal(ab_npy_write_f32(q, shape, 3, x, &err), AB_OK);
    assert_int_equal(ab_npy_write_f32(k, shape, 3, x, &err), AB_OK);
    assert_int_equal(ab_npy_write_f32(v, shape, 3, x, &err), AB_OK);
    snprintf(src, sizeof src, "%s/npy_case.yaml", bad_dir);
    snprintf(dst, sizeof dst, "%s/npy_case.yaml", dir);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    char text[1024];
    size_t n = fread(text, 1, sizeof text, in);
    fclose(in);
    write_bytes(dst, text, n);
    const char *hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 16, 8), }\n";
    if (!strcmp(name, "npy_missing_file"))
        unlink(k);
    else if (!strcmp(name, "npy_truncated"))
        write_npy_raw(q, hdr, x, 1000);
    else if (!strcmp(name, "npy_int32"))
        write_npy_raw(q, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 16, 8), }\n", x, 1024);
    else if (!strcmp(name, "npy_fortran"))
        write_npy_raw(v, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 16, 8), }\n", x, 1024);
    else if (!strcmp(name, "npy_big_endian"))
        write_npy_raw(k, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 16, 8), }\n", x, 1024);
    else if (!strcmp(name, "npy_huge_header")) {
        unsigned char b[16] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0x20, 0};
        write_bytes(q, b, sizeof b);
    } else if (!strcmp(name, "npy_nan")) {
        float y[256];
        memcpy(y, x, sizeof y);
        y[1 * 128 + 2 * 8 + 3] = NAN;
        write_npy_raw(k, hdr, y, 1024);
    } else if (!strcmp(name, "npy_inf")) {
        float y[256];
        memcpy(y, x, sizeof y);
        y[5] = -INFINITY;
        write_npy_raw(v, hdr, y, 1024);
    } else if (!strcmp(name, "npy_shape_mismatch")) {
        size_t s2[3] = {2, 8, 16};
        assert_int_equal(ab_npy_write_f32(k, s2, 3, x, &err), AB_OK);
    } else if (!strcmp(name, "npy_4d")) {
        size_t s4[4] = {1, 2, 16, 8};
        assert_int_equal(ab_npy_write_f32(q, s4, 4, x, &err), AB_OK);
    } else if (!strcmp(name, "npy_object_dtype")) {
        write_npy_raw(q, "{'descr': '|O', 'fortran_order': False, 'shape': (2, 16, 8), }\n", x, 1024);
    } else if (!strcmp(name, "npy_shape_overflow")) {
        write_npy_raw(k, "{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (4294967296, 4294967296, 8), }\n", x, 1024);
    } else if (!strcmp(name, "npy_header_beyond_file")) {
        /* a v1 header length of 0x4000 bytes in a 74-byte file */
        unsigned char b[74] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x00, 0x40, '{'};
        write_bytes(v, b, sizeof b);
    } else if (!strcmp(name, "npy_fifo")) {
        unlink(q);
        assert_int_equal(mkfifo(q, 0600), 0);
    } else if (!strcmp(name, "npy_dev_zero")) {
        unlink(k);
        assert_int_equal(symlink("/dev/zero", k), 0);
    } else if (!strcmp(name, "npy_directory")) {
        unlink(v);
        assert_int_equal(mkdir(v, 0777), 0);
    } else if (!strcmp(name, "npy_scale_overflow")) {
        /* finite, but 3e38 x sqrt(1000) is not: a data error, not 2 rows of NaN */
        float y[256];
        memcpy(y, x, sizeof y);
        y[37] = 3e38f;
        write_npy_raw(q, hdr, y, 1024);
        write_bytes(dst, "repeats: 1\nceiling: 0\ndata:\n  - {kind: npy, q: q.npy, k: k.npy, "
                         "v: v.npy, scale: 1000}\nmethods:\n  - {name: exact}\n  - {name: nystrom, "
                         "landmarks: 4}\n",
                    strlen("repeats: 1\nceiling: 0\ndata:\n  - {kind: npy, q: q.npy, k: k.npy, "
                           "v: v.npy, scale: 1000}\nmethods:\n  - {name: exact}\n  - {name: nystrom, "
                           "landmarks: 4}\n"));
    } else if (!strcmp(name, "npy_logits_overflow")) {
        /* every value finite and modest in float32, but q.k reaches 1e50 */
        float y[256];
        for (int i = 0; i < 256; i++)
            y[i] = x[i] * 1e25f;
        write_npy_raw(q, hdr, y, 1024);
        write_npy_raw(k, hdr, y, 1024);
    } else if (!strcmp(name, "npy_bad_magic")) {
        static const char zip[] = "PK\x03\x04 this is a zip file, not an array";
        write_bytes(v, zip, sizeof zip - 1);
    } else {
        fail_msg("no generator for %s", name);
    }
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    write_bytes(p, text, strlen(text));
}

/* One safetensors file t.safetensors with tensors q, k, v (2, 16, 8) F32 at
 * [0, 1024), [1024, 2048), [2048, 3072), unless `header` replaces the JSON. */
static void write_st(const char *dir, const char *header)
{
    static const char good[] =
        "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]},"
        "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[1024,2048]},"
        "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[2048,3072]}}";
    const char *h = header ? header : good;
    size_t hl = strlen(h);
    unsigned char *buf = calloc(1, 8 + hl + 3072);
    assert_non_null(buf);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, h, hl);
    float x[768]; /* (the data may start unaligned in the file: copied in) */
    ab_test_fill_normal(x, 768, ab_test_seed(), 1.0);
    memcpy(buf + 8 + hl, x, sizeof x);
    char p[700];
    snprintf(p, sizeof p, "%s/t.safetensors", dir);
    write_bytes(p, buf, 8 + hl + 3072);
    free(buf);
    write_text(dir, "st_case.yaml",
               "repeats: 1\nceiling: 0\ndata:\n  - {kind: safetensors, file: t.safetensors}\n"
               "methods:\n  - {name: exact}\n");
}

/* Cases of the "resource limits and file types" block that need files made
 * here: FIFOs, sparse files, generated YAML too big to keep in the tree,
 * hand-broken .safetensors headers. */
static void make_res_case(const char *name, const char *dir)
{
    char p[700];
    const char *ok = "repeats: 1\nceiling: 0\ndata:\n  - {kind: gaussian, n: 32, d: 8}\n"
                     "methods:\n  - {name: exact}\n";
    if (!strcmp(name, "res_config_fifo")) {
        snprintf(p, sizeof p, "%s/fifo.yaml", dir);
        assert_int_equal(mkfifo(p, 0600), 0);
    } else if (!strcmp(name, "res_config_too_big")) {
        snprintf(p, sizeof p, "%s/big.yaml", dir);
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(ftruncate(fileno(f), (16 << 20) + 1), 0);
        fclose(f);
    } else if (!strcmp(name, "res_120k_keys") || !strcmp(name, "res_anchors_aliases") ||
               !strcmp(name, "res_alias_depth")) {
        size_t cap = 4 << 20, len = 0;
        char *t = malloc(cap);
        assert_non_null(t);
        if (!strcmp(name, "res_120k_keys")) {
            len += (size_t)sprintf(t + len, "m:\n");
            for (int i = 0; i < 120000; i++)
                len += (size_t)sprintf(t + len, "  k%d: %d\n", i, i);
            len += (size_t)sprintf(t + len, "  k77777: again\n");
        } else if (!strcmp(name, "res_anchors_aliases")) {
            len += (size_t)sprintf(t + len, "a:\n");
            for (int i = 0; i < 20000; i++)
                len += (size_t)sprintf(t + len, "  - &x%d %d\n", i, i);
            len += (size_t)sprintf(t + len, "b:\n");
            for (int i = 0; i < 20000; i++)
                len += (size_t)sprintf(t + len, "  - *x%d\n", i);
        } else {
            len += (size_t)sprintf(t + len, "a0: &a0 [x]\n");
            for (int i = 1; i <= 17; i++)
                len += (size_t)sprintf(t + len, "a%d: &a%d [*a%d]\n", i, i, i - 1);
        }
        snprintf(p, sizeof p, "%s/gen.yaml", dir);
        write_bytes(p, t, len);
        free(t);
    } else if (!strcmp(name, "res_results_name_from_file")) {
        write_text(dir, ".yaml", ok);
    } else if (!strcmp(name, "res_st_fifo")) {
        write_st(dir, NULL);
        snprintf(p, sizeof p, "%s/t.safetensors", dir);
        unlink(p);
        assert_int_equal(mkfifo(p, 0600), 0);
    } else if (!strcmp(name, "res_manifest_fifo")) {
        write_text(dir, "mf_case.yaml",
                   "repeats: 1\nceiling: 0\ndata:\n  - {kind: manifest, manifest: m.yaml}\n"
                   "methods:\n  - {name: exact}\n");
        snprintf(p, sizeof p, "%s/m.yaml", dir);
        assert_int_equal(mkfifo(p, 0600), 0);
    } else if (!strcmp(name, "res_check_fifo")) {
        snprintf(p, sizeof p, "%s/fifo.csv", dir);
        assert_int_equal(mkfifo(p, 0600), 0);
    } else if (!strcmp(name, "res_projection_fifo")) {
        write_text(dir, "lf_case.yaml",
                   "repeats: 1\nceiling: 0\ndata:\n  - {kind: gaussian, n: 32, d: 8}\n"
                   "methods:\n  - {name: linformer, k: 4, projection: file, e_file: e.npy, "
                   "f_file: e.npy}\n");
        snprintf(p, sizeof p, "%s/e.npy", dir);
        assert_int_equal(mkfifo(p, 0600), 0);
    } else if (!strcmp(name, "res_st_array_header")) {
        write_st(dir, "[{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]}}]");
    } else if (!strcmp(name, "res_st_fractional_offsets")) {
        write_st(dir, "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0.5,1024.5]},"
                      "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[1024,2048]},"
                      "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[2048,3072]}}");
    } else if (!strcmp(name, "res_st_negative_offsets")) {
        write_st(dir, "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]},"
                      "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[-1024,0]},"
                      "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[2048,3072]}}");
    } else if (!strcmp(name, "res_st_overlapping_offsets")) {
        write_st(dir, "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]},"
                      "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[512,1536]},"
                      "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[2048,3072]}}");
    } else if (!strcmp(name, "res_st_offsets_beyond_file")) {
        write_st(dir, "{\"q\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]},"
                      "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[1024,2048]},"
                      "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[3072,4096]}}");
    } else if (!strcmp(name, "res_st_dtype_mismatch")) {
        write_st(dir, "{\"q\":{\"dtype\":\"F64\",\"shape\":[2,16,8],\"data_offsets\":[0,1024]},"
                      "\"k\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[1024,2048]},"
                      "\"v\":{\"dtype\":\"F32\",\"shape\":[2,16,8],\"data_offsets\":[2048,3072]}}");
    }
}

static char *replace_all(const char *s, const char *from, const char *to)
{
    static char out[4096];
    out[0] = '\0';
    size_t fl = strlen(from);
    for (const char *p = s; *p;) {
        if (!strncmp(p, from, fl)) {
            strncat(out, to, sizeof out - strlen(out) - 1);
            p += fl;
        } else {
            size_t len = strlen(out);
            if (len + 1 < sizeof out)
                out[len] = *p, out[len + 1] = '\0';
            p++;
        }
    }
    return out;
}

/* Run attnbench with args (space-separated) in dir; output in *text. */
static int run(const char *dir, char *args, char **text)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)AB_BIN;
    for (char *save = NULL, *t = strtok_r(args, " ", &save); t && argc < 63;
         t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    char outp[700];
    snprintf(outp, sizeof outp, "%s/output.txt", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || chdir(dir) != 0)
            _exit(120);
        dup2(fd, 1), dup2(fd, 2);
        execv(AB_BIN, argv);
        _exit(121);
    }
    int st;
    waitpid(pid, &st, 0);
    FILE *f = fopen(outp, "rb");
    *text = calloc(1, 65536);
    if (f) {
        size_t n = fread(*text, 1, 65535, f);
        (*text)[n] = '\0';
        fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void every_bad_input_has_its_exit_code_and_message(void **s)
{
    (void)s;
    char path[700];
    snprintf(path, sizeof path, "%s/cases.tsv", AB_BAD_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[2048];
    int cases = 0, failures = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *name = strtok(line, "\t"), *code = strtok(NULL, "\t"), *msg = strtok(NULL, "\t"),
             *args = strtok(NULL, "\t");
        assert_non_null(args);
        char dir[700];
        snprintf(dir, sizeof dir, "%s/%s", ab_test_tmpdir(), name);
        mkdir(dir, 0777);
        if (!strncmp(name, "npy_", 4))
            make_npy_case(name, dir, AB_BAD_DIR);
        else if (!strncmp(name, "res_", 4))
            make_res_case(name, dir);
        char a1[4096], m1[1024];
        snprintf(a1, sizeof a1, "%s", replace_all(args, "$BAD", AB_BAD_DIR));
        snprintf(a1, sizeof a1, "%s", replace_all(a1, "$CASE", dir));
        snprintf(m1, sizeof m1, "%s", replace_all(msg, "$BAD", AB_BAD_DIR));
        char *text;
        int rc = run(dir, a1, &text);
        int ok = rc == atoi(code) && strstr(text, m1) != NULL;
        if (!ok) {
            failures++;
            print_error("%s: exit %d (want %s), want the message \"%s\" in:\n%s\n", name, rc, code, m1,
                        text);
        }
        free(text);
        cases++;
    }
    fclose(f);
    print_message("%d cases, %d failures\n", cases, failures);
    assert_true(cases >= 40);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_bad_input_has_its_exit_code_and_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
