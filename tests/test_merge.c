/* test_merge.c — shards and merge: every row in exactly one shard,
 * deterministically and with the load within LPT's 4/3 bound; merge keeps one
 * row per row_id (ok first), reports missing rows, refuses other columns;
 * three shards merged equal a single run; concurrent writers of one cached
 * reference never leave a torn file. */
#define _POSIX_C_SOURCE 200809L
#include "report/merge.h"
#include "plan.h"
#include "shard.h"
#include "reference.h"
#include "testlib.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *write_text(const char *name, const char *text)
{
    static char path[8][600];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 600, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void shards_cover_every_row_once_balanced_and_deterministic(void **s)
{
    (void)s;
    const char *cfg = write_text("sh.yaml", "seeds: [1, 2, 3]\n"
                                            "data:\n  - {kind: gaussian, n: [64, 256, 1024, 4096], d: 32}\n"
                                            "  - {kind: local, n: [100, 3000], d: 64, heads: 2}\n"
                                            "methods:\n  - {name: exact}\n  - {name: nystrom, landmarks: [8, 32]}\n");
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(cfg, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    size_t ni = ab_plan_instances(&plan);
    assert_int_equal(ni, 18);
    int a[18], b[18];
    double cost[8], total = 0, biggest = 0;
    for (size_t i = 0; i < ni; i++) {
        double c = ab_plan_instance_cost(&plan, i / plan.set.nseeds, NULL);
        total += c;
        biggest = fmax(biggest, c);
    }
    for (int n = 1; n <= 7; n++) {
        assert_int_equal(ab_plan_shards(&plan, NULL, n, a, cost, &err), AB_OK);
        assert_int_equal(ab_plan_shards(&plan, NULL, n, b, NULL, &err), AB_OK);
        assert_memory_equal(a, b, sizeof a);
        double sum = 0, worst = 0;
        for (size_t i = 0; i < ni; i++)
            assert_true(a[i] >= 0 && a[i] < n);
        for (int k = 0; k < n; k++)
            sum += cost[k], worst = fmax(worst, cost[k]);
        assert_true(fabs(sum - total) <= 1e-9 * total); /* each instance counted once */
        double bound = 4.0 / 3.0 * fmax(total / n, biggest);
        print_message("%d shards: largest %.3g, ideal %.3g, LPT bound %.3g\n", n, worst, total / n, bound);
        assert_true(worst <= bound * (1 + 1e-12));
    }
    assert_int_equal(ab_plan_shards(&plan, NULL, 0, a, NULL, &err), AB_EINVAL);
    ab_plan_free(&plan);
}

static void merge_keeps_ok_rows_and_takes_the_union_of_columns_by_name(void **s)
{
    (void)s;
    const char *hdr = "row_id,status,x\n";
    char a[600], b[600], c[600];
    snprintf(a, sizeof a, "%s", write_text("a.csv", "row_id,status,x\nr1,ok,1\nr2,crashed,\n"));
    snprintf(b, sizeof b, "%s", write_text("b.csv", "row_id,status,x\nr2,ok,2\nr3,ok,3\n"));
    snprintf(c, sizeof c, "%s", write_text("c.csv", "row_id,status,y\nr4,ok,4\n"));
    (void)hdr;
    const char *in[] = {a, b};
    char out[600];
    snprintf(out, sizeof out, "%s/m.csv", ab_test_tmpdir());
    struct ab_merge_summary sum;
    struct ab_err err;
    assert_int_equal(ab_merge(in, 2, NULL, 0, out, NULL, &sum, &err), AB_OK);
    assert_int_equal(sum.rows, 3);
    assert_int_equal(sum.duplicates, 1);
    FILE *f = fopen(out, "r");
    char text[256] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_string_equal(text, "row_id,status,x\nr1,ok,1\nr2,ok,2\nr3,ok,3\n");
    /* a file with another parameter column: the union, cells by name */
    const char *in2[] = {a, c};
    assert_int_equal(ab_merge(in2, 2, NULL, 0, out, NULL, &sum, &err), AB_OK);
    f = fopen(out, "r");
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_string_equal(text, "row_id,status,x,y\nr1,ok,1,\nr2,crashed,,\nr4,ok,,4\n");
    /* the columns in another order still go by name */
    char d[600], e[600];
    snprintf(d, sizeof d, "%s", write_text("d.csv", "x,status,row_id\n7,ok,r7\n"));
    const char *in3[] = {a, d};
    assert_int_equal(ab_merge(in3, 2, NULL, 0, out, NULL, &sum, &err), AB_OK);
    f = fopen(out, "r");
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "\nr7,ok,7\n"));
    /* a file without the key columns is not merged */
    snprintf(e, sizeof e, "%s", write_text("e.csv", "id,status,x\nr9,ok,9\n"));
    const char *in4[] = {a, e};
    assert_int_equal(ab_merge(in4, 2, NULL, 0, out, NULL, &sum, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "e.csv: lacks the column(s) row_id"));
}

static const char *path_or(const char *dir, const char *name)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static int run_bin(const char *dir, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >/dev/null 2>&1", dir, AB_BIN, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void three_shards_merged_equal_a_single_run(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    write_text("m3.yaml", "name: m3\nseeds: [1, 2]\nrepeats: 1\nceiling: 0\n"
                          "data:\n  - {kind: gaussian, n: [48, 96], d: 8}\n  - {kind: clustered, n: 80, d: 8}\n"
                          "methods:\n  - {name: exact}\n  - {name: nystrom, landmarks: [4, 8]}\n");
    assert_int_equal(run_bin(dir, "run m3.yaml --out single.csv --force --progress quiet"), 0);
    for (int i = 1; i <= 3; i++) {
        char args[200];
        snprintf(args, sizeof args, "run m3.yaml --shard %d/3 --force --progress quiet", i);
        assert_int_equal(run_bin(dir, args), 0);
    }
    /* a shard missing: merge says so */
    assert_int_equal(run_bin(dir, "merge results/m3.shard-1-of-3.csv results/m3.shard-2-of-3.csv "
                                  "--out part.csv --config m3.yaml"),
                     1);
    assert_int_equal(run_bin(dir, "merge results/m3.shard-3-of-3.csv results/m3.shard-1-of-3.csv "
                                  "results/m3.shard-2-of-3.csv --out merged.csv --config m3.yaml"),
                     0);
    /* the same rows, in the same order, with the same error columns */
    assert_int_equal(run_bin(dir, "check merged.csv --baseline single.csv --tol out_rel_fro=0,0 "
                                  "--tol out_max_abs=0,0 --tol out_cos=0,0 --tol pinv_resid=0,0"),
                     0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && cut -d, -f1 single.csv > a.txt && cut -d, -f1 merged.csv > b.txt && cmp -s a.txt b.txt",
             dir);
    int st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void concurrent_reference_writers_never_tear_the_file(void **s)
{
    (void)s;
    struct ab_data d = {.heads = 1, .n = 300, .d = 16, .dv = 16};
    d.q = ab_aligned_alloc(300 * 16 * 4), d.k = ab_aligned_alloc(300 * 16 * 4), d.v = ab_aligned_alloc(300 * 16 * 4);
    ab_test_fill_normal(d.q, 300 * 16, ab_test_seed(), 1.0);
    ab_test_fill_normal(d.k, 300 * 16, ab_test_seed() + 1, 1.0);
    ab_test_fill_normal(d.v, 300 * 16, ab_test_seed() + 2, 1.0);
    d.id = 12345;
    char path[600];
    snprintf(path, sizeof path, "%s/shared.ref", ab_test_tmpdir());
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) { /* two "shards" computing and saving the same reference */
            struct ab_reference ref;
            struct ab_err err;
            for (int i = 0; i < 40; i++) {
                if (ab_reference_compute(&d, 1, 0, &ref, &err) || ab_reference_save(path, &ref, &err))
                    _exit(1);
                ab_reference_free(&ref);
            }
            _exit(0);
        }
    }
    int loads = 0, torn = 0;
    for (int alive = 2; alive;) {
        struct ab_reference ref;
        struct ab_err err;
        if (ab_reference_load(path, &d, 0, &ref, &err) == AB_OK) {
            loads++;
            ab_reference_free(&ref);
        } else if (!strstr(err.msg, "No such file")) {
            torn++; /* it opened but did not load: torn (before the first save: ENOENT) */
            print_error("%s\n", err.msg);
        }
        alive = 0;
        for (int k = 0; k < 2; k++)
            alive += waitpid(kids[k], NULL, WNOHANG) == 0;
    }
    print_message("%d complete loads while two writers raced, %d torn\n", loads, torn);
    assert_int_equal(torn, 0);
    assert_true(loads > 0);
    ab_data_free(&d);
}

/* attnbench with args in dir; stdout and stderr into *text (caller frees) */
static int run_cap(const char *dir, const char *args, char **text)
{
    size_t cap = strlen(dir) + strlen(AB_BIN) + strlen(args) + 64;
    char *cmd = malloc(cap);
    snprintf(cmd, cap, "cd '%s' && '%s' %s >merge-out.txt 2>&1", dir, AB_BIN, args);
    int st = system(cmd);
    free(cmd);
    char p[700];
    snprintf(p, sizeof p, "%s/merge-out.txt", dir);
    FILE *f = fopen(p, "rb");
    *text = calloc(1, 65536);
    if (f) {
        (*text)[fread(*text, 1, 65535, f)] = '\0';
        fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = calloc(1, 1 << 20);
    b[fread(b, 1, (1 << 20) - 1, f)] = '\0';
    fclose(f);
    return b;
}

static int tmp_files_beside(const char *dir)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp\\.'", dir);
    int st = system(cmd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void merge_reports_bad_inputs_and_keeps_its_output_safe(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char a[600], b[600];
    snprintf(a, sizeof a, "%s", write_text("ma.csv", "row_id,status,x\nr1,ok,1\nr2,ok,2\n"));
    snprintf(b, sizeof b, "%s", write_text("mb.csv", "row_id,status,x\nr3,ok,3\n"));
    char *text;
    /* an input named as --out: read whole, then replaced by the merge */
    assert_int_equal(run_cap(dir, "merge ma.csv mb.csv --out ma.csv", &text), 0);
    free(text);
    char *got = slurp(a);
    assert_string_equal(got, "row_id,status,x\nr1,ok,1\nr2,ok,2\nr3,ok,3\n");
    free(got);
    /* a NUL byte in an input: an error naming file:line, --out untouched */
    FILE *f = fopen(b, "wb");
    fwrite("row_id,status,x\nr3,ok,3\nr4,\0k,4\nr5,ok,5\n", 1, 40, f);
    fclose(f);
    assert_int_equal(run_cap(dir, "merge ma.csv mb.csv --out ma.csv", &text), 2);
    assert_non_null(strstr(text, "mb.csv:3: a NUL byte"));
    free(text);
    got = slurp(a);
    assert_string_equal(got, "row_id,status,x\nr1,ok,1\nr2,ok,2\nr3,ok,3\n");
    free(got);
    /* a ragged line and a torn last line: errors with file:line */
    write_text("mb.csv", "row_id,status,x\nr3,ok,3\nr4,ok\n");
    assert_int_equal(run_cap(dir, "merge ma.csv mb.csv --out m2.csv", &text), 2);
    assert_non_null(strstr(text, "mb.csv:3: line 3 has 2 fields, the header has 3"));
    free(text);
    write_text("mb.csv", "row_id,status,x\nr3,ok,3\nr4,ok,");
    assert_int_equal(run_cap(dir, "merge ma.csv mb.csv --out m2.csv", &text), 2);
    assert_non_null(strstr(text, "mb.csv:3: the last line has no newline"));
    free(text);
    struct stat st;
    assert_int_not_equal(stat(path_or(dir, "m2.csv"), &st), 0);
    assert_false(tmp_files_beside(dir));
    /* more inputs than the old fixed 4096: none ignored */
    write_text("mb.csv", "row_id,status,x\nr9,ok,9\n");
    size_t cap = 5000 * 8 + 200;
    char *args = malloc(cap);
    size_t len = (size_t)snprintf(args, cap, "merge");
    for (int i = 0; i < 5000; i++)
        len += (size_t)snprintf(args + len, cap - len, " ma.csv");
    snprintf(args + len, cap - len, " mb.csv --out many.csv");
    assert_int_equal(run_cap(dir, args, &text), 0);
    free(text);
    free(args);
    got = slurp(path_or(dir, "many.csv"));
    assert_string_equal(got, "row_id,status,x\nr1,ok,1\nr2,ok,2\nr3,ok,3\nr9,ok,9\n");
    free(got);
}

/* A full disk while the merged file is written: an error, and the old
 * --out as it was. Needs a small tmpfs (root; skipped otherwise). */
static void a_full_disk_leaves_the_old_output(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char mnt[700];
    snprintf(mnt, sizeof mnt, "%s/small-fs", dir);
    mkdir(mnt, 0777);
    if (geteuid() != 0 || mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
        print_message("skipped: cannot mount a 64 KiB tmpfs (needs root): %s\n", strerror(errno));
        skip();
    }
    /* 300 KiB of rows: more than the file system holds */
    char in[700];
    snprintf(in, sizeof in, "%s/big.csv", dir);
    FILE *f = fopen(in, "w");
    fputs("row_id,status,x\n", f);
    for (int i = 0; i < 6000; i++)
        fprintf(f, "r%05d,ok,%0*d\n", i, 40, i);
    fclose(f);
    char out[800];
    snprintf(out, sizeof out, "%s/merged.csv", mnt);
    f = fopen(out, "w");
    fputs("row_id,status,x\nold,ok,1\n", f);
    fclose(f);
    char args[2000], *text;
    snprintf(args, sizeof args, "merge big.csv --out '%s'", out);
    int rc = run_cap(dir, args, &text);
    char *got = slurp(out);
    int left = tmp_files_beside(mnt);
    umount(mnt);
    print_message("%s", text);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(text, "No space left on device"));
    assert_non_null(strstr(text, "merged.csv is left as it was"));
    assert_string_equal(got, "row_id,status,x\nold,ok,1\n");
    assert_false(left);
    free(text);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shards_cover_every_row_once_balanced_and_deterministic),
        cmocka_unit_test(merge_keeps_ok_rows_and_takes_the_union_of_columns_by_name),
        cmocka_unit_test(merge_reports_bad_inputs_and_keeps_its_output_safe),
        cmocka_unit_test(a_full_disk_leaves_the_old_output),
        cmocka_unit_test(three_shards_merged_equal_a_single_run),
        cmocka_unit_test(concurrent_reference_writers_never_tear_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
