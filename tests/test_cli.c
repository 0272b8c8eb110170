/* test_cli.c — the attnbench binary end to end: a plugin through the driver,
 * faults isolated into status rows, resume after an interrupt, config errors
 * with positions, --set, --dry-run, --save-outputs, list. Runs the built
 * binary (AB_BIN) and reads its CSV with the harness's own CSV reader. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock */
#include "dry_run.h"
#include "formats/csv.h"
#include "formats/table.h"
#include "data/data.h"
#include "formats/npy.h"
#include "testlib.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */


/* attnbench itself in dir (testlib's ab_test_run_bin). */
static int run_ab(const char *dir, const char *args, char **output)
{
    return ab_test_run_bin(AB_BIN, dir, args, output);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

struct table {
    char *text;
    int ncols, nrows;
    char *cols[AB_CSV_MAX_COLS];
    char *cells[512][AB_CSV_MAX_COLS];
};

static struct table *read_csv(const char *path)
{
    struct table *t = calloc(1, sizeof *t);
    t->text = ab_test_slurp(path);
    assert_non_null(t->text);
    char *save = NULL;
    int first = 1;
    size_t len = strlen(t->text);
    assert_true(len == 0 || t->text[len - 1] == '\n'); /* no torn last line */
    for (char *line = strtok_r(t->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (first) {
            t->ncols = ab_csv_split(line, t->cols, AB_CSV_MAX_COLS);
            assert_true(t->ncols > 10);
            first = 0;
            continue;
        }
        assert_true(t->nrows < 512);
        int nf = ab_csv_split(line, t->cells[t->nrows], AB_CSV_MAX_COLS);
        assert_int_equal(nf, t->ncols);
        t->nrows++;
    }
    return t;
}

static const char *cell(const struct table *t, int row, const char *col)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->cols[c], col))
            return t->cells[row][c];
    fail_msg("no column %s", col);
    return NULL;
}

static void free_table(struct table *t)
{
    free(t->text);
    free(t);
}

static int find_row(const struct table *t, const char *col, const char *value)
{
    for (int r = 0; r < t->nrows; r++)
        if (!strcmp(cell(t, r, col), value))
            return r;
    return -1;
}

/* ---- tests ---- */

static void plugin_faults_become_status_rows_and_the_sweep_completes(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("faults");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/faults.yaml", dir);
    write_file(cfg, "name: faults\n"
                    "repeats: 2\n"
                    "timeout: 3\n"
                    "data:\n"
                    "  - {kind: gaussian, n: 48, d: 8, heads: 2}\n"
                    "methods:\n"
                    "  - {name: test-fault, fault: [none, crash, abort, oom, hang, nan]}\n"
                    "  - {name: exact}\n");
    char args[2048], *out;
    snprintf(args, sizeof args, "run faults.yaml --out r.csv --plugin '%s' --progress lines",
             AB_PLUGIN);
    int rc = run_ab(dir, args, &out);
    print_message("%s", out);
    assert_int_equal(rc, 3); /* some rows failed, on purpose */
    char path[1200];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 7);
    const char *want[][2] = {{"fault=none;sleep_ms=100", "ok"},    {"fault=crash;sleep_ms=100", "crashed"},
                             {"fault=abort;sleep_ms=100", "crashed"}, {"fault=oom;sleep_ms=100", "oom"},
                             {"fault=hang;sleep_ms=100", "timeout"}, {"fault=nan;sleep_ms=100", "nan"}};
    for (int i = 0; i < 6; i++) {
        int r = find_row(t, "params", want[i][0]);
        assert_true(r >= 0);
        assert_string_equal(cell(t, r, "status"), want[i][1]);
        assert_string_equal(cell(t, r, "method"), "test-fault");
    }
    /* the good plugin row is measured like any built-in: exact to float32 */
    int r = find_row(t, "params", "fault=none;sleep_ms=100");
    assert_true(strtod(cell(t, r, "out_rel_fro"), NULL) < 1e-6);
    assert_string_equal(cell(t, r, "fault"), "none");
    r = find_row(t, "params", "fault=crash;sleep_ms=100");
    assert_non_null(strstr(cell(t, r, "error"), "signal 11"));
    r = find_row(t, "params", "fault=nan;sleep_ms=100");
    assert_non_null(strstr(cell(t, r, "error"), "[0, 1, 1]"));
    r = find_row(t, "method", "exact");
    assert_string_equal(cell(t, r, "status"), "ok");
    assert_true(strtod(cell(t, r, "out_rel_fro"), NULL) < 1e-6);
    assert_true(strtod(cell(t, r, "entropy"), NULL) > 0);
    assert_string_equal(cell(t, r, "impl"), "fused");
    assert_string_equal(cell(t, r, "fault"), "");
    /* the SGEMM ceiling of this run, and the row's fraction of it */
    double ceil = strtod(cell(t, r, "sgemm_gflops"), NULL), frac = strtod(cell(t, r, "frac_of_sgemm"), NULL);
    assert_true(ceil > 0.1);
    assert_true(fabs(frac - strtod(cell(t, r, "gflops"), NULL) / ceil) <= 1e-3 * frac + 1e-9);
    free_table(t);
    free(out);
}

static void masked_rows_report_leaks_refusals_and_padding_faults(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("masks");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/masks.yaml", dir);
    write_file(cfg, "name: masks\n"
                    "repeats: 1\n"
                    "data:\n"
                    "  - {kind: gaussian, n: 70, d: 8, heads: 2, mask: [causal, padding],\n"
                    "     lengths: [70, 29]}\n"
                    "methods:\n"
                    "  - {name: test-fault, fault: [none, leak, pad-junk]}\n"
                    "  - {name: exact}\n"
                    "  - {name: uniform}\n"
                    "  - {name: nystrom, landmarks: 8}\n");
    char args[2048], *out;
    snprintf(args, sizeof args, "run masks.yaml --out r.csv --plugin '%s'", AB_PLUGIN);
    int rc = run_ab(dir, args, &out);
    print_message("%s", out);
    assert_int_equal(rc, 3); /* the pad-junk rows fail, on purpose */
    char path[1200];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 12);
    for (int r = 0; r < t->nrows; r++) {
        const char *mask = cell(t, r, "mask"), *method = cell(t, r, "method");
        const char *params = cell(t, r, "params"), *status = cell(t, r, "status");
        int causal = !strcmp(mask, "causal");
        assert_true(causal || !strcmp(mask, "padding"));
        assert_string_equal(cell(t, r, "lengths"), causal ? "" : "70 29");
        const char *mine = cell(t, r, causal ? "causal_leak" : "padding_leak");
        const char *other = cell(t, r, causal ? "padding_leak" : "causal_leak");
        assert_string_equal(other, "");
        if (strstr(params, "fault=leak")) { /* claims the mask, ignores it: caught */
            assert_string_equal(status, "ok");
            assert_true(strtod(mine, NULL) > 1e-3);
            assert_true(strtod(cell(t, r, "out_rel_fro"), NULL) > 1e-3);
        } else if (strstr(params, "fault=pad-junk")) {
            assert_string_equal(status, causal ? "ok" : "error");
            if (!causal)
                assert_non_null(strstr(cell(t, r, "error"), "is padding"));
        } else if (!strcmp(method, "nystrom") && causal) {
            assert_string_equal(status, "refused");
            assert_non_null(strstr(cell(t, r, "error"), "does not support mask: causal"));
        } else if (!strcmp(method, "nystrom")) {
            assert_true(!strcmp(status, "ok") || !strcmp(status, "refused"));
        } else { /* exact, uniform, the honest plugin: leak-free by construction */
            assert_string_equal(status, "ok");
            assert_string_equal(mine, "0");
            double err = strtod(cell(t, r, "out_rel_fro"), NULL);
            assert_true(!strcmp(method, "uniform") ? err > 0.1 : err < 1e-5);
        }
    }
    free_table(t);
    free(out);
}

static void plugin_with_another_abi_is_refused(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("abi");
    char args[2048], *out;
    snprintf(args, sizeof args, "list --plugin '%s'", AB_PLUGIN_BADABI);
    assert_int_equal(run_ab(dir, args, &out), 2);
    char want[64];
    snprintf(want, sizeof want, "ABI version %d", AB_ABI_VERSION + 1000);
    assert_non_null(strstr(out, want));
    free(out);
    assert_int_equal(run_ab(dir, "list --plugin /nonexistent/lib.so", &out), 2);
    assert_non_null(strstr(out, "/nonexistent/lib.so"));
    free(out);
}

static void list_shows_methods_params_defaults_and_ranges(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("list");
    char args[2048], *out;
    snprintf(args, sizeof args, "list --plugin '%s'", AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, &out), 0);
    assert_non_null(strstr(out, "nystrom"));
    assert_non_null(strstr(out, "pinv_init"));
    assert_non_null(strstr(out, "per-head|global"));
    assert_non_null(strstr(out, "test-fault"));
    assert_non_null(strstr(out, "clustered"));
    free(out);
}

/* Lines of the CSV keyed by row_id, with the columns that do not depend on
 * time (timings, dates, run id and RSS excluded). */
static void stable_columns(const struct table *t, int row, char *out, size_t cap)
{
    const char *cols[] = {"row_id", "data_id", "seed", "method", "params", "status",
                          "out_rel_fro", "out_max_abs", "out_cos", "attn_rel_fro", "attn_rel_spec",
                          "row_sum_dev", "pinv_resid", "pinv_vs_svd", "entropy", "peak_bytes"};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s|", cell(t, row, cols[i]));
}

static void resume_after_an_interrupt_gives_the_same_rows(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("resume");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/sweep.yaml", dir);
    write_file(cfg, "name: sweep\n"
                    "seeds: [1, 2]\n"
                    "repeats: 1\n"
                    "warmup: 0\n"
                    "data:\n"
                    "  - {kind: gaussian, n: [40, 64], d: 8}\n"
                    "methods:\n"
                    "  - {name: exact}\n"
                    "  - {name: nystrom, landmarks: [4, 8]}\n"
                    "  - {name: test-fault, fault: slow, sleep_ms: 150}\n");
    char args[2048];
    snprintf(args, sizeof args, "run sweep.yaml --out full.csv --plugin '%s' --progress quiet",
             AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, NULL), 0);

    /* the same sweep, interrupted with SIGINT after a few rows */
    char part[1200];
    snprintf(part, sizeof part, "%s/part.csv", dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(99);
        execl(AB_BIN, AB_BIN, "run", "sweep.yaml", "--out", "part.csv", "--plugin", AB_PLUGIN,
              "--progress", "quiet", (char *)NULL);
        _exit(98);
    }
    for (int waited = 0; waited < 600; waited++) { /* until 5 rows are in (at most 60 s) */
        char *text = ab_test_slurp(part);
        int lines = 0;
        for (char *p = text; p && *p; p++)
            lines += *p == '\n';
        free(text);
        if (lines >= 6)
            break;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    struct table *t = read_csv(part); /* asserts: every line complete */
    int partial = t->nrows;
    free_table(t);
    print_message("interrupted after %d of 16 rows\n", partial);
    assert_true(partial >= 5 && partial < 16);

    snprintf(args, sizeof args,
             "run sweep.yaml --out part.csv --resume --plugin '%s' --progress lines", AB_PLUGIN);
    char *out;
    assert_int_equal(run_ab(dir, args, &out), 0);
    assert_non_null(strstr(out, "already in the results"));
    free(out);

    char full[1200];
    snprintf(full, sizeof full, "%s/full.csv", dir);
    struct table *a = read_csv(full), *b = read_csv(part);
    assert_int_equal(a->nrows, 16);
    assert_int_equal(b->nrows, 16);
    for (int r = 0; r < a->nrows; r++) {
        int q = find_row(b, "row_id", cell(a, r, "row_id"));
        assert_true(q >= 0);
        char x[2048], y[2048];
        stable_columns(a, r, x, sizeof x);
        stable_columns(b, q, y, sizeof y);
        assert_string_equal(x, y);
    }
    free_table(a);
    free_table(b);
}


static void a_100_row_sweep_with_faults_keeps_every_good_row_exact(void **s)
{
    (void)s;
    /* 10 data instances x 10 methods, 5 of which fail on purpose in every
     * instance; the 50 good rows must equal those of a sweep without faults */
    const char *dir = ab_test_newdir("faults100");
    const char *good = "  - {name: exact}\n"
                       "  - {name: nystrom, landmarks: [4, 8]}\n"
                       "  - {name: local, window: 8}\n"
                       "  - {name: test-fault}\n";
    char cfg[2048], path[1200];
    snprintf(cfg, sizeof cfg,
             "name: f100\nseeds: [1, 2, 3, 4, 5]\nrepeats: 1\nwarmup: 0\ntimeout: 1\nceiling: 0\n"
             "data:\n  - {kind: gaussian, n: [24, 40], d: 8, heads: 2}\nmethods:\n%s"
             "  - {name: test-fault, fault: [crash, abort, oom, hang, nan]}\n",
             good);
    snprintf(path, sizeof path, "%s/f100.yaml", dir);
    write_file(path, cfg);
    snprintf(cfg, sizeof cfg,
             "name: f50\nseeds: [1, 2, 3, 4, 5]\nrepeats: 1\nwarmup: 0\nceiling: 0\n"
             "data:\n  - {kind: gaussian, n: [24, 40], d: 8, heads: 2}\nmethods:\n%s",
             good);
    snprintf(path, sizeof path, "%s/f50.yaml", dir);
    write_file(path, cfg);
    char args[2048];
    snprintf(args, sizeof args, "run f100.yaml --out f100.csv --plugin '%s' --progress quiet", AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, NULL), 3);
    snprintf(args, sizeof args, "run f50.yaml --out f50.csv --plugin '%s' --progress quiet", AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, NULL), 0);
    snprintf(path, sizeof path, "%s/f100.csv", dir);
    struct table *all = read_csv(path);
    snprintf(path, sizeof path, "%s/f50.csv", dir);
    struct table *ok = read_csv(path);
    assert_int_equal(all->nrows, 100);
    assert_int_equal(ok->nrows, 50);
    int counts[6] = {0};
    const char *want[] = {"ok", "crashed", "oom", "timeout", "nan"};
    for (int r = 0; r < all->nrows; r++)
        for (int k = 0; k < 5; k++)
            counts[k] += !strcmp(cell(all, r, "status"), want[k]);
    assert_int_equal(counts[0], 50);
    assert_int_equal(counts[1], 20); /* crash and abort */
    assert_int_equal(counts[2], 10);
    assert_int_equal(counts[3], 10);
    assert_int_equal(counts[4], 10);
    for (int r = 0; r < ok->nrows; r++) {
        int q = find_row(all, "row_id", cell(ok, r, "row_id"));
        assert_true(q >= 0);
        char x[2048], y[2048];
        stable_columns(ok, r, x, sizeof x);
        stable_columns(all, q, y, sizeof y);
        assert_string_equal(x, y);
    }
    free_table(all);
    free_table(ok);
}

struct bad_case {
    const char *name, *yaml, *expect_pos, *expect_msg;
};

static void bad_configs_name_file_line_and_column(void **s)
{
    (void)s;
    const struct bad_case cases[] = {
        {"unknown_key", "data:\n  - {kind: gaussian, n: 64}\nmethods:\n  - {name: nystrom, landmark: 8}\n",
         "unknown_key.yaml:4:21:", "did you mean 'landmarks'?"},
        {"range", "data:\n  - {kind: gaussian, n: 64}\nmethods:\n  - {name: nystrom, pinv_iters: -1}\n",
         "range.yaml:4:33:", "out of range [0, 1000]"},
        {"unknown_method", "data:\n  - {kind: gaussian, n: 64}\nmethods:\n  - {name: nystromm}\n",
         "unknown_method.yaml:4:12:", "did you mean 'nystrom'?"},
        {"bad_choice", "data:\n  - {kind: gaussian, n: 64}\nmethods:\n  - {name: nystrom, pinv: svdd}\n",
         "bad_choice.yaml:4:27:", "iterative|svd"},
        {"empty_list", "data:\n  - {kind: gaussian, n: []}\nmethods:\n  - {name: exact}\n",
         "empty_list.yaml:2:25:", "empty list"},
        {"tab", "data:\n\t- {kind: gaussian}\nmethods:\n  - {name: exact}\n", "tab.yaml:2:",
         "tab"},
        {"top_key", "seed: [1]\ndata:\n  - {kind: gaussian}\nmethods:\n  - {name: exact}\n",
         "top_key.yaml:1:1:", "did you mean 'seeds'?"},
        {"wrong_type", "repeats: many\ndata:\n  - {kind: gaussian}\nmethods:\n  - {name: exact}\n",
         "wrong_type.yaml:1:10:", "integer"},
        {"n_zero", "data:\n  - {kind: gaussian, n: 0}\nmethods:\n  - {name: exact}\n",
         "n_zero.yaml:2:25:", "out of range"},
        {"no_methods", "data:\n  - {kind: gaussian}\n", "no_methods.yaml:1:1:", "no 'methods'"},
        {"kind", "data:\n  - {kind: gausian}\nmethods:\n  - {name: exact}\n", "kind.yaml:2:12:",
         "did you mean 'gaussian'?"},
    };
    const char *dir = ab_test_newdir("bad");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1200], args[1400], *out;
        snprintf(path, sizeof path, "%s/%s.yaml", dir, cases[i].name);
        write_file(path, cases[i].yaml);
        snprintf(args, sizeof args, "run %s.yaml --out x.csv", cases[i].name);
        int rc = run_ab(dir, args, &out);
        print_message("%s: exit %d: %s", cases[i].name, rc, out);
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, cases[i].expect_pos));
        assert_non_null(strstr(out, cases[i].expect_msg));
        assert_non_null(strstr(out, "^")); /* the caret under the source line */
        free(out);
    }
    char x[1200];
    snprintf(x, sizeof x, "%s/x.csv", dir);
    assert_int_equal(access(x, F_OK), -1); /* nothing written */
}

static void landmarks_above_n_is_an_invalid_row_with_the_reason(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("mgtn");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/m.yaml", dir);
    write_file(cfg, "repeats: 1\ndata:\n  - {kind: gaussian, n: 32, d: 8}\n"
                    "methods:\n  - {name: nystrom, landmarks: [8, 64]}\n");
    char *out;
    /* an invalid row for this size is expected in a grid: not a failure */
    assert_int_equal(run_ab(dir, "run m.yaml --out m.csv --progress lines", &out), 0);
    free(out);
    char path[1200];
    snprintf(path, sizeof path, "%s/m.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 2);
    int r = find_row(t, "landmarks", "64");
    assert_string_equal(cell(t, r, "status"), "invalid");
    assert_non_null(strstr(cell(t, r, "error"), "M=64 exceeds the sequence length N=32"));
    r = find_row(t, "landmarks", "8");
    assert_string_equal(cell(t, r, "status"), "ok");
    free_table(t);
}

/* Two runs on one --out: the results file is locked; the second is refused
 * (exit 2, "in use by another attnbench run") and the file stays a valid CSV
 * with every row once. */
static void a_locked_results_file_refuses_a_second_run(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("lock");
    char cfg[1200], csv[1200];
    snprintf(cfg, sizeof cfg, "%s/c.yaml", dir);
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    write_file(cfg, "seeds: [1, 2]\nrepeats: 2\nceiling: 0\ndata:\n  - {kind: gaussian, n: [64, 128, 256], d: 16}\n"
                    "methods:\n  - {name: exact}\n  - {name: nystrom, landmarks: [8, 16]}\n");
    char *out;
    assert_int_equal(run_ab(dir, "run c.yaml --out r.csv --force --progress quiet", &out), 0);
    free(out);
    char *before = ab_test_slurp(csv);
    /* the lock held by this process */
    int fd = open(csv, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    assert_int_equal(run_ab(dir, "run c.yaml --out r.csv --resume --progress quiet", &out), 2);
    assert_non_null(strstr(out, "r.csv is in use by another attnbench run"));
    free(out);
    assert_int_equal(run_ab(dir, "run c.yaml --out r.csv --force --progress quiet", &out), 2);
    assert_non_null(strstr(out, "in use by another attnbench run"));
    free(out);
    char *after = ab_test_slurp(csv);
    assert_string_equal(before, after); /* neither truncated nor appended */
    free(after);
    close(fd);
    /* two runs at once on one new file */
    unlink(csv);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            char sub[1300];
            snprintf(sub, sizeof sub, "%s/k%d", dir, k);
            mkdir(sub, 0777);
            char args[1400];
            snprintf(args, sizeof args, "run ../c.yaml --out ../r.csv --resume --progress quiet");
            _exit(run_ab(sub, args, NULL));
        }
    }
    int rcs[2];
    for (int k = 0; k < 2; k++) {
        int st;
        waitpid(kids[k], &st, 0);
        rcs[k] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    int refused = 0;
    for (int k = 0; k < 2; k++) {
        assert_true(rcs[k] == 0 || rcs[k] == 2);
        if (rcs[k] == 2) {
            char p[1400];
            snprintf(p, sizeof p, "%s/k%d/out.txt", dir, k);
            char *t = ab_test_slurp(p);
            assert_non_null(t);
            assert_non_null(strstr(t, "in use by another attnbench run"));
            free(t);
            refused++;
        }
    }
    print_message("two concurrent runs: %d refused (0: the first had finished before the second "
                  "started)\n", refused);
    assert_true(refused < 2);
    struct ab_table t;
    struct ab_err err;
    if (ab_table_load(csv, &t, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(t.nrows, 3 * 2 * 3);
    int id = ab_table_col(&t, "row_id");
    for (size_t i = 0; i < t.nrows; i++)
        for (size_t j = i + 1; j < t.nrows; j++)
            assert_string_not_equal(ab_table_str(&t, i, id), ab_table_str(&t, j, id));
    ab_table_free(&t);
    free(before);
}

static void set_overrides_and_dry_run(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("set");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/c.yaml", dir);
    write_file(cfg, "data:\n  - {kind: gaussian, n: 64, d: 8}\n  - {kind: local, n: 64, d: 8}\n"
                    "methods:\n  - {name: exact}\n  - {name: nystrom, landmarks: 8}\n");
    char *out;
    assert_int_equal(run_ab(dir,
                         "run c.yaml --dry-run --set seeds=[1,2,3] --set data.gaussian.n=[32,48] "
                         "--set methods.nystrom.pinv_iters=[2,4]",
                         &out),
                     0);
    /* (2 gaussian + 1 local) x 3 seeds x (1 exact + 2 nystrom) = 27 rows */
    assert_non_null(strstr(out, "27 rows (0 invalid)"));
    assert_non_null(strstr(out, "pinv_iters=4"));
    free(out);
    assert_int_equal(access("results/c.csv", F_OK), -1);
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set methods.nystrom.landmark=3", &out), 2);
    assert_non_null(strstr(out, "no method entry named nystrom has a parameter 'landmark'"));
    free(out);
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set repeat=3", &out), 2);
    assert_non_null(strstr(out, "did you mean 'repeats'?"));
    free(out);
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set 'methods.nystrom.pinv_iters=[2'", &out), 2);
    assert_non_null(strstr(out, "--set methods.nystrom.pinv_iters:1:"));
    free(out);
    /* an existing results file is not overwritten without --force */
    assert_int_equal(run_ab(dir, "run c.yaml --out c.csv --set repeats=1 --progress quiet", &out), 0);
    free(out);
    assert_int_equal(run_ab(dir, "run c.yaml --out c.csv --set repeats=1", &out), 2);
    assert_non_null(strstr(out, "--resume"));
    free(out);
}

static int has_column(const struct table *t, const char *col)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->cols[c], col))
            return 1;
    return 0;
}

static void backend_columns_appear_with_cuda_rows_only(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("backend");
    char cfg[1200], path[1200];
    snprintf(cfg, sizeof cfg, "%s/cpu.yaml", dir);
    write_file(cfg, "repeats: 1\ndata:\n  - {kind: gaussian, n: 64, d: 8}\n"
                    "methods:\n  - {name: exact}\n");
    char *out;
    assert_int_equal(run_ab(dir, "run cpu.yaml --out cpu.csv --progress quiet", &out), 0);
    free(out);
    snprintf(path, sizeof path, "%s/cpu.csv", dir);
    struct table *t = read_csv(path);
    assert_false(has_column(t, "backend")); /* a CPU-only run keeps its columns */
    assert_false(has_column(t, "dev_mem_bytes"));
    assert_string_equal(cell(t, 0, "device"), "cpu");
    free_table(t);

    snprintf(cfg, sizeof cfg, "%s/gpu.yaml", dir);
    write_file(cfg, "repeats: 1\ndata:\n  - {kind: gaussian, n: 100, d: 16, heads: 2}\n"
                    "methods:\n  - {name: exact}\n"
                    "  - {name: exact, backend: cuda, impl: [fused, chunked]}\n"
                    "  - {name: nystrom, backend: cuda, landmarks: 8}\n");
    int rc = run_ab(dir, "run gpu.yaml --out gpu.csv --progress lines", &out);
#ifdef AB_HAVE_CUDA
    snprintf(path, sizeof path, "%s/gpu.csv", dir);
    t = read_csv(path);
    assert_int_equal(t->nrows, 4);
    assert_true(has_column(t, "backend") && has_column(t, "dev_mem_bytes"));
    assert_string_equal(cell(t, 0, "backend"), "cpu");
    assert_string_equal(cell(t, 0, "device"), "cpu");
    assert_string_equal(cell(t, 0, "dev_mem_bytes"), "");
    int ok = 0;
    for (int r = 1; r < 4; r++) {
        assert_string_equal(cell(t, r, "backend"), "cuda");
        assert_non_null(strstr(cell(t, r, "params"), "backend=cuda;"));
        if (!strcmp(cell(t, r, "status"), "ok")) { /* a GPU is present */
            ok++;
            assert_string_not_equal(cell(t, r, "device"), "cpu");
            assert_true(strtod(cell(t, r, "peak_bytes"), NULL) >= 0);
            if (!strcmp(cell(t, r, "method"), "exact"))
                assert_true(strtod(cell(t, r, "out_rel_fro"), NULL) < 1e-5);
        } else { /* no GPU: an error row that says why, and the sweep goes on */
            assert_string_equal(cell(t, r, "status"), "error");
            assert_string_equal(cell(t, r, "device"), "none");
            assert_non_null(strstr(cell(t, r, "error"), "CUDA"));
        }
    }
    assert_int_equal(rc, ok == 3 ? 0 : 3);
    free_table(t);
#else
    assert_int_equal(rc, 2); /* a config error: nothing runs */
    assert_non_null(strstr(out, "built without CUDA"));
#endif
    free(out);
}

static void rows_above_reference_max_n_are_timed_but_not_compared(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("refmax");
    char cfg[1200], path[1200];
    snprintf(cfg, sizeof cfg, "%s/r.yaml", dir);
    write_file(cfg, "repeats: 1\nreference_max_n: 64\n"
                    "data:\n  - {kind: gaussian, n: [64, 96], d: 8}\n"
                    "methods:\n  - {name: nystrom, landmarks: 8}\n");
    char *out;
    assert_int_equal(run_ab(dir, "run r.yaml --out r.csv --progress quiet", &out), 0);
    free(out);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 2);
    int a = find_row(t, "n", "64"), b = find_row(t, "n", "96");
    assert_string_equal(cell(t, a, "status"), "ok");
    assert_string_not_equal(cell(t, a, "out_rel_fro"), "");
    assert_string_not_equal(cell(t, a, "entropy"), "");
    assert_string_equal(cell(t, b, "status"), "ok"); /* measured... */
    assert_true(strtod(cell(t, b, "time_ms_median"), NULL) > 0);
    assert_string_equal(cell(t, b, "out_rel_fro"), ""); /* ...but not compared */
    assert_string_equal(cell(t, b, "entropy"), "");
    assert_string_equal(cell(t, b, "attn_rel_fro"), "");
    free_table(t);
}

/* Bursty load on `k` processes: each spins 1-4 ms, sleeps 0-2 ms, at random,
 * until killed (or its parent dies, or two minutes pass). Intermittent
 * contention is what makes repeats disagree (a steady load slows every
 * repeat alike, and the scheduler's autogroups can shield the sweep from it). */
static int spin_start(pid_t *pids, int k)
{
    int n = 0;
    for (; n < k; n++) {
        pid_t p = fork();
        if (p < 0)
            break;
        if (p == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            alarm(120);
            srand((unsigned)getpid());
            for (;;) {
                double end = ab_now() + (1 + rand() % 4) * 1e-3;
                while (ab_now() < end)
                    ;
                struct timespec ts = {0, (rand() % 3) * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
        pids[n] = p;
    }
    return n;
}

static void spin_stop(pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++)
        waitpid(pids[i], NULL, 0);
}

/* The timing columns of a row with timings: a flag, 1-3 attempts, a spread
 * of at least 1, a cv of at least 0, the calibration and the load. */
static void assert_timing_cells(const struct table *t, int r)
{
    const char *flag = cell(t, r, "timing");
    assert_true(!strcmp(flag, "ok") || !strcmp(flag, "noisy"));
    long att = strtol(cell(t, r, "timing_attempts"), NULL, 10);
    assert_true(att >= 1 && att <= 3);
    assert_string_not_equal(cell(t, r, "time_spread"), "");
    assert_true(strtod(cell(t, r, "time_spread"), NULL) >= 1);
    assert_string_not_equal(cell(t, r, "time_cv"), "");
    assert_true(strtod(cell(t, r, "time_cv"), NULL) >= 0);
    assert_string_not_equal(cell(t, r, "calib_ratio"), "");
    assert_string_not_equal(cell(t, r, "load_avg"), "");
}

static void timing_columns_are_filled_for_timed_rows_only(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("timing");
    char cfg[1200], path[1200];
    snprintf(cfg, sizeof cfg, "%s/t.yaml", dir);
    write_file(cfg, "repeats: 3\nceiling: 0\n"
                    "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                    "methods:\n  - {name: nystrom, landmarks: [8, 200]}\n  - {name: exact}\n");
    char *out;
    /* 0: an invalid row (m > n) is expected, not a failure */
    assert_int_equal(run_ab(dir, "run t.yaml --out t.csv --progress quiet", &out), 0);
    free(out);
    snprintf(path, sizeof path, "%s/t.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 3);
    int ok = 0;
    for (int r = 0; r < t->nrows; r++) {
        if (!strcmp(cell(t, r, "status"), "ok")) {
            ok++;
            assert_timing_cells(t, r);
        } else { /* no timings: no flag */
            assert_string_equal(cell(t, r, "timing"), "");
            assert_string_equal(cell(t, r, "timing_attempts"), "");
            assert_string_equal(cell(t, r, "time_spread"), "");
            assert_string_equal(cell(t, r, "time_cv"), "");
        }
    }
    assert_int_equal(ok, 2);
    free_table(t);
}

static void rows_measured_under_load_are_flagged_noisy(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("noisy");
    char cfg[1200], path[1200];
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1)
        online = 1;
    /* OpenMP threads = the online cores, four bursty loads per core: the
     * barriers of a sub-millisecond forward wait out other processes'
     * scheduler quanta, now and then */
    snprintf(cfg, sizeof cfg, "%s/n.yaml", dir);
    char text[600];
    snprintf(text, sizeof text,
             "repeats: 15\nwarmup: 1\nceiling: 0\nthreads: %ld\nattn_metrics: off\n"
             "reference_max_n: 1\n"
             "data:\n  - {kind: gaussian, n: 1024, d: 32, heads: 1}\n"
             "methods:\n  - {name: nystrom, landmarks: [16, 32, 64]}\n  - {name: exact}\n",
             online);
    write_file(cfg, text);
    pid_t pids[256];
    int k = (int)(4 * online < 256 ? 4 * online : 256);
    int n = spin_start(pids, k);
    char *out;
    int rc = run_ab(dir, "run n.yaml --out n.csv --progress quiet", &out);
    spin_stop(pids, n);
    assert_int_equal(n, k);
    assert_int_equal(rc, 0);
    free(out);
    snprintf(path, sizeof path, "%s/n.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 4);
    int noisy = 0, again = 0;
    for (int r = 0; r < t->nrows; r++) {
        assert_string_equal(cell(t, r, "status"), "ok");
        assert_timing_cells(t, r);
        if (!strcmp(cell(t, r, "timing"), "noisy")) {
            noisy++;
            /* measured again before it was flagged, as far as repeat_budget and
             * half the timeout allow (a slow build, e.g. under the sanitizers,
             * may have room for fewer attempts) */
            long attempts = strtol(cell(t, r, "timing_attempts"), NULL, 10);
            assert_true(attempts >= 1 && attempts <= 3);
            again += attempts > 1;
        }
    }
    print_message("%d of %d rows noisy, %d of them measured more than once\n", noisy, t->nrows,
                  again);
    assert_true(noisy >= 1);
    free_table(t);
}

/* --dry-run's estimate counts the attention-matrix metrics (where they run:
 * methods with rows, attn_metrics) and the exact references, with the model
 * of dry_run.h. */
static void dry_run_estimate_counts_metrics_and_references(void **s)
{
    (void)s;
    /* the model: one pass, plus the Lanczos passes with spec; ~N^2 */
    double one = ab_dry_attn_metrics_s(1, 1024, 32, 2, 0);
    double spec = ab_dry_attn_metrics_s(1, 1024, 32, 2, 1);
    assert_true(one > 0);
    assert_true(fabs(spec / one - (1 + AB_DRY_LANCZOS_PASSES)) < 1e-9);
    assert_true(fabs(ab_dry_attn_metrics_s(1, 2048, 32, 2, 0) / one - 4) < 1e-9);
    assert_true(fabs(ab_dry_attn_metrics_s(4, 1024, 32, 2, 0) / one - 4) < 1e-9);
    assert_true(ab_dry_reference_s(1, 1024, 32, 32, 2, 1) > ab_dry_reference_s(1, 1024, 32, 32, 2, 0));
    const char *dir = ab_test_newdir("dryest");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/c.yaml", dir);
    write_file(cfg, "threads: 2\ndata:\n  - {kind: gaussian, n: 1024, d: 32, heads: 4}\n"
                    "methods:\n  - {name: exact}\n  - {name: linformer, k: 32}\n");
    char *out;
    /* metrics on: exact has rows (4 heads x 16 passes at n = 1024: ~2 s) */
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set attn_metrics=on", &out), 0);
    assert_non_null(strstr(out, "of attention-matrix metrics"));
    assert_null(strstr(out, "+ 0s of attention-matrix metrics"));
    assert_non_null(strstr(out, "of exact references"));
    free(out);
    /* off: no metric cost */
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set attn_metrics=off", &out), 0);
    assert_non_null(strstr(out, "+ 0s of attention-matrix metrics"));
    free(out);
    /* linformer alone has no rows: no metric cost even when on */
    assert_int_equal(run_ab(dir, "run c.yaml --dry-run --set attn_metrics=on --set "
                              "'methods=[{name: linformer, k: 32}]'",
                         &out),
                     0);
    assert_non_null(strstr(out, "+ 0s of attention-matrix metrics"));
    free(out);
}

static void saved_outputs_reproduce_the_reported_error(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("save");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/s.yaml", dir);
    write_file(cfg, "seeds: [7]\nrepeats: 1\n"
                    "data:\n  - {kind: clustered, n: 96, d: 16, dv: 8, heads: 2}\n"
                    "methods:\n  - {name: nystrom, landmarks: 12}\n");
    char *out;
    assert_int_equal(run_ab(dir, "run s.yaml --out s.csv --save-outputs outs --progress quiet", &out), 0);
    free(out);
    char path[1200];
    snprintf(path, sizeof path, "%s/s.csv", dir);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 1);
    snprintf(path, sizeof path, "%s/outs/%s.npy", dir, cell(t, 0, "row_id"));
    struct ab_npy a;
    struct ab_err err;
    if (ab_npy_read(path, &a, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(a.ndim, 3);
    assert_int_equal(a.shape[0], 2);
    assert_int_equal(a.shape[1], 96);
    assert_int_equal(a.shape[2], 8);
    /* regenerate the data, compute the float64 exact output here, compare */
    const struct ab_datakind *k = ab_datakind_find("clustered");
    struct ab_values vals;
    assert_int_equal(ab_values_defaults(&vals, k->params, k->nparams, &err), AB_OK);
    const char *kv[][2] = {{"n", "96"}, {"d", "16"}, {"dv", "8"}, {"heads", "2"}};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < k->nparams; j++)
            if (!strcmp(k->params[j].name, kv[i][0])) {
                ab_value_parse(&k->params[j], kv[i][1], &vals.v[j], &vals.str[j], &err);
                vals.set[j] = 1;
            }
    struct ab_data d;
    assert_int_equal(k->make(&vals, 7, NULL, &d, &err), AB_OK);
    assert_string_equal(d.idhex, cell(t, 0, "data_id"));
    double *ref = malloc(2 * 96 * 8 * sizeof *ref);
    ab_test_attention_f64(2, 96, 16, 8, d.q, d.k, d.v, ref);
    double e = ab_test_rel_err(a.data, ref, 2 * 96 * 8), reported = strtod(cell(t, 0, "out_rel_fro"), NULL);
    print_message("recomputed %.9g, reported %.9g\n", e, reported);
    assert_true(fabs(e - reported) <= 1e-6 * reported);
    free(ref);
    ab_data_free(&d);
    ab_npy_free(&a);
    free_table(t);
}

/* A .npy of fresh normals at dir/name. */
static void write_npy_normal(const char *dir, const char *name, size_t a, size_t b, size_t c,
                             size_t ndim)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t shape[3] = {a, b, c}, count = a * b * (ndim == 3 ? c : 1);
    float *x = malloc(count * sizeof *x);
    ab_test_fill_normal(x, count, ab_test_seed() ^ (uint64_t)strlen(name) ^ (uint64_t)rand(), 1.0);
    struct ab_err err;
    if (ab_npy_write_f32(path, shape, ndim, x, &err))
        fail_msg("%s", err.msg);
    free(x);
}

/* --resume keeps rows only when they were measured on the same content: a
 * data file or a method's file that changed since is an error naming the
 * row's line, and the file is left as it was. */
static void resume_refuses_rows_measured_on_changed_files(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("inputs");
    write_npy_normal(dir, "q.npy", 2, 48, 8, 3);
    write_npy_normal(dir, "k.npy", 2, 48, 8, 3);
    write_npy_normal(dir, "v.npy", 2, 48, 8, 3);
    write_npy_normal(dir, "w.npy", 16, 8, 0, 2);
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/in.yaml", dir);
    write_file(cfg, "name: in\nrepeats: 1\nwarmup: 0\n"
                    "data:\n  - {kind: npy, q: q.npy, k: k.npy, v: v.npy}\n"
                    "methods:\n  - {name: exact}\n"
                    "  - {name: performer, features: 16, features_file: w.npy}\n");
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --progress quiet", NULL), 0);
    char csv[1200];
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    char *before = ab_test_slurp(csv);
    /* unchanged: resumed, nothing to do */
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --resume --progress quiet", NULL), 0);
    /* the method's file changes: the performer row (line 3) was measured on the old one */
    write_npy_normal(dir, "w.npy", 16, 8, 0, 2);
    char *out;
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --resume --progress quiet", &out), 2);
    assert_non_null(strstr(out, "r.csv:3:"));
    assert_non_null(strstr(out, "measured on other inputs"));
    free(out);
    /* a data file changes: every row of the instance */
    write_npy_normal(dir, "v.npy", 2, 48, 8, 3);
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --resume --progress quiet", &out), 2);
    assert_non_null(strstr(out, "r.csv:2:"));
    free(out);
    char *after = ab_test_slurp(csv);
    assert_string_equal(before, after);
    free(before), free(after);
    /* --force measures everything on the new content */
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --force --progress quiet", NULL), 0);
    assert_int_equal(run_ab(dir, "run in.yaml --out r.csv --resume --progress quiet", NULL), 0);
}

/* Failures stay failures: a resumed run exits 3 while the file holds a
 * failed row, and --retry-failed measures exactly those rows again,
 * replacing them (no row twice). */
static void retry_failed_replaces_failed_rows_and_exit_reflects_the_file(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("retry");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/rt.yaml", dir);
    write_file(cfg, "name: rt\nrepeats: 1\nwarmup: 0\nseeds: [1, 2]\n"
                    "data:\n  - {kind: gaussian, n: 32, d: 8}\n"
                    "methods:\n  - {name: exact}\n"
                    "  - {name: test-fault, fault: slow, sleep_ms: 1500}\n");
    char args[2048];
    /* a timeout too short for the slow rows: they fail (a transient cause) */
    snprintf(args, sizeof args, "run rt.yaml --out r.csv --plugin '%s' --set timeout=0.3 --progress quiet",
             AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, NULL), 3);
    char csv[1200];
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    struct table *t = read_csv(csv);
    assert_int_equal(t->nrows, 4);
    char exact_run[64];
    int e = find_row(t, "method", "exact");
    snprintf(exact_run, sizeof exact_run, "%s", cell(t, e, "run_id"));
    for (int r = 0; r < 4; r++)
        if (!strcmp(cell(t, r, "method"), "test-fault"))
            assert_string_equal(cell(t, r, "status"), "timeout");
    free_table(t);
    /* --resume: nothing to measure, but the file still holds failures */
    snprintf(args, sizeof args, "run rt.yaml --out r.csv --plugin '%s' --resume --progress quiet",
             AB_PLUGIN);
    char *out;
    assert_int_equal(run_ab(dir, args, &out), 3);
    assert_non_null(strstr(out, "2 rows from before"));
    free(out);
    /* --retry-failed with room to finish: the two rows again, now ok */
    snprintf(args, sizeof args,
             "run rt.yaml --out r.csv --plugin '%s' --retry-failed --set timeout=60 --progress quiet",
             AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, &out), 0);
    assert_non_null(strstr(out, "2 rows of"));
    free(out);
    t = read_csv(csv);
    assert_int_equal(t->nrows, 4);
    for (int r = 0; r < 4; r++) {
        assert_string_equal(cell(t, r, "status"), "ok");
        assert_int_equal(find_row(t, "row_id", cell(t, r, "row_id")), r); /* each once */
        if (!strcmp(cell(t, r, "method"), "exact"))
            assert_string_equal(cell(t, r, "run_id"), exact_run); /* kept, not re-measured */
    }
    free_table(t);
}

/* Plugin code never runs unprotected in the sweep's process: an estimate
 * that crashes under --dry-run or --shard is a named failure, a plugin
 * whose tables hold a wild pointer is refused at load, loading one twice is
 * a clear message, and NAME.so in the working folder loads. */
static void plugin_faults_outside_a_row_are_clear_errors(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("plugfault");
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/pf.yaml", dir);
    write_file(cfg, "name: pf\nrepeats: 1\nwarmup: 0\n"
                    "data:\n  - {kind: gaussian, n: [32, 48], d: 8}\n"
                    "methods:\n  - {name: exact}\n"
                    "  - {name: test-fault, fault: crash-estimate}\n");
    char args[2048], *out;
    snprintf(args, sizeof args, "run pf.yaml --plugin '%s' --dry-run", AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, &out), 0);
    assert_non_null(strstr(out, "test-fault: its estimate killed by signal 11"));
    free(out);
    snprintf(args, sizeof args, "run pf.yaml --plugin '%s' --shard 1/2 --out s1.csv --progress quiet",
             AB_PLUGIN);
    int rc = run_ab(dir, args, &out);
    assert_true(rc == 3); /* the row crashes, in its child; the sweep goes on */
    free(out);
    snprintf(args, sizeof args, "run pf.yaml --plugin '%s' --shard 2/2 --out s2.csv --progress quiet",
             AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, NULL), 3);
    char csv[1200];
    snprintf(csv, sizeof csv, "%s/s1.csv", dir);
    struct table *a = read_csv(csv);
    snprintf(csv, sizeof csv, "%s/s2.csv", dir);
    struct table *b = read_csv(csv);
    assert_int_equal(a->nrows + b->nrows, 4);
    free_table(a), free_table(b);

    snprintf(args, sizeof args, "list --plugin '%s'", AB_PLUGIN_GARBAGE);
    assert_int_equal(run_ab(dir, args, &out), 2);
    assert_non_null(strstr(out, "failed while being loaded and checked"));
    free(out);

    snprintf(args, sizeof args, "list --plugin '%s' --plugin '%s'", AB_PLUGIN, AB_PLUGIN);
    assert_int_equal(run_ab(dir, args, &out), 2);
    assert_non_null(strstr(out, "method 'test-fault' (backend cpu) is already registered"));
    free(out);

    /* a plugin in the working folder, named without ./ */
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/libhere.so'", AB_PLUGIN, dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run_ab(dir, "list --plugin libhere.so", &out), 0);
    assert_non_null(strstr(out, "test-fault"));
    free(out);
}

/* --out is used whole: a path longer than any fixed buffer is written where
 * it says, never at a truncated name. */
static void a_long_out_path_is_used_whole(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("longout");
    char rel[1600] = "", path[3000];
    for (int i = 0; i < 6; i++) { /* 6 folders of 240 characters */
        size_t l = strlen(rel);
        memset(rel + l, 'a' + i, 240);
        rel[l + 240] = '/';
        rel[l + 241] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        mkdir(path, 0777);
    }
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/lo.yaml", dir);
    write_file(cfg, "name: lo\nrepeats: 1\nwarmup: 0\ndata:\n  - {kind: gaussian, n: 32, d: 8}\n"
                    "methods:\n  - {name: exact}\n");
    char args[4096];
    snprintf(args, sizeof args, "run lo.yaml --out '%sr.csv' --progress quiet", rel);
    assert_int_equal(run_ab(dir, args, NULL), 0);
    snprintf(path, sizeof path, "%s/%sr.csv", dir, rel);
    struct table *t = read_csv(path);
    assert_int_equal(t->nrows, 1);
    free_table(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plugin_faults_become_status_rows_and_the_sweep_completes),
        cmocka_unit_test(plugin_with_another_abi_is_refused),
        cmocka_unit_test(list_shows_methods_params_defaults_and_ranges),
        cmocka_unit_test(resume_after_an_interrupt_gives_the_same_rows),
        cmocka_unit_test(a_100_row_sweep_with_faults_keeps_every_good_row_exact),
        cmocka_unit_test(bad_configs_name_file_line_and_column),
        cmocka_unit_test(landmarks_above_n_is_an_invalid_row_with_the_reason),
        cmocka_unit_test(set_overrides_and_dry_run),
        cmocka_unit_test(a_locked_results_file_refuses_a_second_run),
        cmocka_unit_test(saved_outputs_reproduce_the_reported_error),
        cmocka_unit_test(backend_columns_appear_with_cuda_rows_only),
        cmocka_unit_test(rows_above_reference_max_n_are_timed_but_not_compared),
        cmocka_unit_test(resume_refuses_rows_measured_on_changed_files),
        cmocka_unit_test(a_long_out_path_is_used_whole),
        cmocka_unit_test(plugin_faults_outside_a_row_are_clear_errors),
        cmocka_unit_test(retry_failed_replaces_failed_rows_and_exit_reflects_the_file),
        cmocka_unit_test(timing_columns_are_filled_for_timed_rows_only),
        cmocka_unit_test(rows_measured_under_load_are_flagged_noisy),
        cmocka_unit_test(dry_run_estimate_counts_metrics_and_references),
        cmocka_unit_test(masked_rows_report_leaks_refusals_and_padding_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
