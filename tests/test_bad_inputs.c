/* test_bad_inputs.c — the bad-input corpus (tests/bad/cases.tsv): every
 * malformed config, data file, output path and command line gets its exit
 * code and a message that names the problem; none crashes. Binary .npy cases
 * are written here, from a good set of files with one thing broken. */
#define _POSIX_C_SOURCE 200809L
#include "formats/npy.h"
#include "testlib.h"

#include <fcntl.h>
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
    } else if (!strcmp(name, "npy_bad_magic")) {
        static const char zip[] = "PK\x03\x04 this is a zip file, not an array";
        write_bytes(v, zip, sizeof zip - 1);
    } else {
        fail_msg("no generator for %s", name);
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
