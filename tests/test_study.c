/* test_study.c — a study that grows, end to end through the binary: the
 * results schema (data parameters as data.PARAM columns, the union of
 * columns across files: --resume, merge, check and plot after a method and a
 * data kind were added), a plan that lists rows twice, and which `invalid`
 * rows are expected (exit 0) and which are a config error. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "formats/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>


/* attnbench itself in dir (testlib's ab_test_run_bin). */
static int run_ab(const char *dir, const char *args, char **output)
{
    return ab_test_run_bin(AB_BIN, dir, args, output);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void load(const char *dir, const char *name, struct ab_table *t)
{
    char path[1200];
    struct ab_err err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (ab_table_load(path, t, &err))
        fail_msg("%s", err.msg);
}

static int row_of(const struct ab_table *t, const char *col, const char *val)
{
    int c = ab_table_col(t, col);
    for (size_t r = 0; r < t->nrows; r++)
        if (!strcmp(ab_table_str(t, r, c), val))
            return (int)r;
    return -1;
}

static const char *const v1 =
    "name: grow\nrepeats: 1\nwarmup: 0\nwarmup_time: 0\nceiling: 0\nattn_metrics: off\n"
    "data:\n  - {kind: clustered, n: 64, d: 8, clusters: 4}\n"
    "methods:\n  - {name: exact}\n";
/* v1 plus a method (new parameter columns) and a data kind (another data
 * parameter column) */
static const char *const v2 =
    "name: grow\nrepeats: 1\nwarmup: 0\nwarmup_time: 0\nceiling: 0\nattn_metrics: off\n"
    "data:\n  - {kind: clustered, n: 64, d: 8, clusters: 4}\n"
    "  - {kind: local, n: 64, d: 8, width: 4}\n"
    "methods:\n  - {name: exact}\n  - {name: nystrom, landmarks: 8}\n";

static void data_parameters_have_columns_and_resume_after_adding_a_method(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("grow");
    write_file(dir, "v1.yaml", v1);
    write_file(dir, "v2.yaml", v2);
    char *out;
    assert_int_equal(run_ab(dir, "run v1.yaml --out r.csv --progress quiet", &out), 0);
    free(out);
    struct ab_table t;
    load(dir, "r.csv", &t);
    assert_int_equal(t.nrows, 1);
    /* the data parameter has its own column; fixed columns are not repeated */
    assert_string_equal(ab_table_str(&t, 0, ab_table_col(&t, "data.clusters")), "4");
    assert_true(ab_table_col(&t, "data.n") < 0 && ab_table_col(&t, "data.scale") < 0);
    assert_true(ab_table_col(&t, "landmarks") < 0); /* no nystrom yet */
    char exact_id[32];
    snprintf(exact_id, sizeof exact_id, "%s", ab_table_str(&t, 0, ab_table_col(&t, "row_id")));
    ab_table_free(&t);

    /* the study grows: a method and a data kind; --resume keeps the old row,
     * widens the file, and measures only the new rows */
    int rc = run_ab(dir, "run v2.yaml --out r.csv --resume --progress quiet", &out);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, out);
    free(out);
    load(dir, "r.csv", &t);
    assert_int_equal(t.nrows, 4); /* 2 data x 2 methods, each once */
    int r0 = row_of(&t, "row_id", exact_id);
    assert_int_equal(r0, 0); /* the old row, kept where it was */
    assert_string_equal(ab_table_str(&t, 0, ab_table_col(&t, "landmarks")), "");
    assert_string_equal(ab_table_str(&t, 0, ab_table_col(&t, "data.width")), "");
    int rn = row_of(&t, "method", "nystrom");
    assert_true(rn > 0);
    int rl = -1;
    for (size_t r = 0; r < t.nrows; r++)
        if (!strcmp(ab_table_str(&t, r, ab_table_col(&t, "data")), "local"))
            rl = (int)r;
    assert_true(rl > 0);
    assert_string_equal(ab_table_str(&t, (size_t)rl, ab_table_col(&t, "data.width")), "4");
    assert_string_equal(ab_table_str(&t, (size_t)rl, ab_table_col(&t, "data.clusters")), "");
    for (size_t r = 0; r < t.nrows; r++)
        assert_string_equal(ab_table_str(&t, r, ab_table_col(&t, "status")), "ok");
    /* no row_id twice */
    for (size_t a = 0; a < t.nrows; a++)
        for (size_t b = a + 1; b < t.nrows; b++)
            assert_string_not_equal(ab_table_str(&t, a, 0), ab_table_str(&t, b, 0));
    ab_table_free(&t);
    /* resuming again measures nothing and keeps every row */
    assert_int_equal(run_ab(dir, "run v2.yaml --out r.csv --resume --progress quiet", &out), 0);
    assert_non_null(strstr(out, "0 rows written"));
    free(out);

    /* the old one-method file and the grown one: check, merge and plot take both */
    assert_int_equal(run_ab(dir, "run v1.yaml --out old.csv --progress quiet", NULL), 0);
    rc = run_ab(dir, "check r.csv --baseline old.csv", &out);
    assert_int_equal(rc, 0); /* the old row compared, the new ones reported as new */
    assert_non_null(strstr(out, "1 rows compared"));
    free(out);
    rc = run_ab(dir, "check old.csv r.csv --baseline r.csv", &out);
    /* r.csv's rows twice on the results side: ambiguous, an error naming both */
    assert_int_equal(rc, 2);
    free(out);
    rc = run_ab(dir, "merge old.csv r.csv --out m.csv", &out);
    assert_int_equal(rc, 0);
    free(out);
    load(dir, "m.csv", &t);
    assert_int_equal(t.nrows, 4);
    assert_true(ab_table_col(&t, "landmarks") >= 0 && ab_table_col(&t, "data.width") >= 0);
    ab_table_free(&t);
    rc = run_ab(dir, "plot old.csv r.csv --name both --no-render --out p", &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "p/both-"));
    free(out);
}

static void a_file_without_the_key_columns_is_not_resumed(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("nokey");
    write_file(dir, "v1.yaml", v1);
    write_file(dir, "r.csv", "id,status\nx,ok\n");
    char *out;
    assert_int_equal(run_ab(dir, "run v1.yaml --out r.csv --resume --progress quiet", &out), 2);
    assert_non_null(strstr(out, "r.csv:1: lacks the column(s) row_id"));
    free(out);
    char path[1200];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    char *text = ab_test_slurp(path);
    assert_string_equal(text, "id,status\nx,ok\n"); /* untouched */
    free(text);
}

static void a_plan_listing_rows_twice_measures_each_once_and_says_so(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("dup");
    /* a repeated list value, a repeated seed, an explicit default, and a
     * --set that makes two method entries equal */
    write_file(dir, "d.yaml",
               "repeats: 1\nwarmup: 0\nwarmup_time: 0\nceiling: 0\nattn_metrics: off\n"
               "seeds: [1, 1]\n"
               "data:\n  - {kind: gaussian, n: [32, 32], d: 8}\n"
               "methods:\n  - {name: nystrom, landmarks: [4, 4]}\n"
               "  - {name: nystrom, landmarks: 4, pinv_iters: 6}\n"
               "  - {name: nystrom, landmarks: 8}\n");
    char *out;
    int rc = run_ab(dir, "run d.yaml --out d.csv --progress quiet --set methods.landmarks=4", &out);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, out);
    /* 2 data x 2 seeds x 3 method points (the --set makes the list [4, 4]
     * one 4) = 12 listed, 1 distinct */
    assert_non_null(strstr(out, "11 rows are listed more than once, measured once (1 distinct row)"));
    assert_non_null(strstr(out, "is listed twice"));
    free(out);
    struct ab_table t;
    load(dir, "d.csv", &t);
    assert_int_equal(t.nrows, 1);
    ab_table_free(&t);
    /* --dry-run says the same and plans one row */
    rc = run_ab(dir, "run d.yaml --dry-run --set methods.landmarks=4", &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "11 rows are listed more than once"));
    free(out);
}

static void invalid_for_one_size_is_expected_invalid_for_all_is_a_config_error(void **s)
{
    (void)s;
    const char *dir = ab_test_newdir("invalid");
    /* an n x m grid: m = 48 > n = 32 is invalid at that size only */
    write_file(dir, "g.yaml",
               "repeats: 1\nwarmup: 0\nwarmup_time: 0\nceiling: 0\nattn_metrics: off\n"
               "data:\n  - {kind: gaussian, n: [32, 64], d: 8}\n"
               "methods:\n  - {name: nystrom, landmarks: [8, 48]}\n");
    char *out;
    int rc = run_ab(dir, "run g.yaml --out g.csv --progress quiet", &out);
    if (rc != 0)
        fail_msg("exit %d (an expected invalid row must not fail the run): %s", rc, out);
    free(out);
    struct ab_table t;
    load(dir, "g.csv", &t);
    assert_int_equal(t.nrows, 4);
    int invalid = 0;
    for (size_t r = 0; r < t.nrows; r++)
        invalid += !strcmp(ab_table_str(&t, r, ab_table_col(&t, "status")), "invalid");
    assert_int_equal(invalid, 1);
    ab_table_free(&t);
    /* landmarks with landmark_ratio: no size can take it */
    write_file(dir, "b.yaml",
               "repeats: 1\ndata:\n  - {kind: gaussian, n: [32, 64], d: 8}\n"
               "methods:\n  - {name: exact}\n"
               "  - {name: nystrom, landmarks: 8, landmark_ratio: 0.25}\n");
    rc = run_ab(dir, "run b.yaml --out b.csv --progress quiet", &out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "b.yaml:6:5: method 'nystrom'"));
    assert_non_null(strstr(out, "invalid for every data size"));
    assert_non_null(strstr(out, "not both"));
    free(out);
    char path[1200];
    snprintf(path, sizeof path, "%s/b.csv", dir);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0); /* nothing ran */
    rc = run_ab(dir, "run b.yaml --dry-run", &out);
    assert_int_equal(rc, 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_parameters_have_columns_and_resume_after_adding_a_method),
        cmocka_unit_test(a_file_without_the_key_columns_is_not_resumed),
        cmocka_unit_test(a_plan_listing_rows_twice_measures_each_once_and_says_so),
        cmocka_unit_test(invalid_for_one_size_is_expected_invalid_for_all_is_a_config_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
