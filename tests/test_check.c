/* test_check.c — `attnbench check`: identical files pass; a worse error
 * beyond tolerance, a lower cosine, ok -> crashed, a changed data id and a
 * missing row fail; within tolerance passes; new rows are reported; the
 * timing gate normalises by exact attention; tolerances from flags and YAML;
 * bad input is an error naming the file. */
#define _POSIX_C_SOURCE 200809L
#include "report/check.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *HDR = "row_id,data,data_id,seed,method,params,status,error,out_rel_fro,out_cos,"
                         "time_ms_median\n";

static const char *file(const char *name, const char *body)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(HDR, f);
    fputs(body, f);
    fclose(f);
    return p;
}

static const char *BASE = "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                          "b,g,d1,1,nystrom,landmarks=8,ok,,0.25,0.9,2\n"
                          "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n";

static struct ab_check_summary run_check(const char *res, const char *base,
                                         const struct ab_check_opts *o)
{
    struct ab_check_summary sum;
    struct ab_err err;
    FILE *devnull = fopen("/dev/null", "w");
    if (ab_check((const char *[]){res}, 1, base, o, devnull, &sum, &err))
        fail_msg("%s", err.msg);
    fclose(devnull);
    return sum;
}

static void identical_and_within_tolerance_pass(void **s)
{
    (void)s;
    struct ab_check_opts o;
    ab_check_defaults(&o);
    char base[512];
    snprintf(base, sizeof base, "%s", file("base.csv", BASE));
    struct ab_check_summary sum = run_check(base, base, &o);
    assert_int_equal(sum.compared, 3);
    assert_int_equal(sum.regressions + sum.missing, 0);
    /* 0.25 -> 0.25002: +0.008 %, under the default 0.1 %; 1e-7 -> 6e-7 under abs 1e-6 */
    const char *res = file("res.csv", "a,g,d1,1,exact,impl=stream,ok,,6e-7,1,10\n"
                                      "b,g,d1,1,nystrom,landmarks=8,ok,,0.25002,0.9,2\n"
                                      "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n");
    sum = run_check(res, base, &o);
    assert_int_equal(sum.regressions, 0);
}

static void worse_errors_status_and_data_fail(void **s)
{
    (void)s;
    struct ab_check_opts o;
    ab_check_defaults(&o);
    char base[512];
    snprintf(base, sizeof base, "%s", file("base.csv", BASE));
    const char *res = file("res.csv", "a,g,d1,1,exact,impl=stream,crashed,killed by signal 11,,,\n"
                                      "b,g,d1,1,nystrom,landmarks=8,ok,,0.26,0.85,2\n"
                                      "c,g,dX,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n"
                                      "e,g,d1,1,local,window=4,ok,,0.3,0.9,1\n");
    struct ab_check_summary sum = run_check(res, base, &o);
    /* a: status; b: out_rel_fro up 4 % and out_cos down; c: data id */
    assert_int_equal(sum.regressions, 4);
    assert_int_equal(sum.added, 1);
    assert_int_equal(sum.missing, 0);
    /* the same with a looser tolerance on the two columns: only a and c */
    assert_int_equal(ab_check_parse_tol(&o, "out_rel_fro=0.05", NULL), AB_OK);
    assert_int_equal(ab_check_parse_tol(&o, "out_cos=0.1,0", NULL), AB_OK);
    sum = run_check(res, base, &o);
    assert_int_equal(sum.regressions, 2);
    /* a baseline row missing from the results fails */
    res = file("res2.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n");
    ab_check_defaults(&o);
    sum = run_check(res, base, &o);
    assert_int_equal(sum.missing, 2);
    /* improvements are reported, not failed */
    res = file("res3.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                           "b,g,d1,1,nystrom,landmarks=8,ok,,0.1,0.99,2\n"
                           "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n");
    sum = run_check(res, base, &o);
    assert_int_equal(sum.regressions, 0);
    assert_int_equal(sum.improvements, 2);
}

static void timing_gate_is_relative_to_exact(void **s)
{
    (void)s;
    struct ab_check_opts o;
    ab_check_defaults(&o);
    o.time_ratio = 1.5;
    char base[512];
    snprintf(base, sizeof base, "%s", file("base.csv", BASE));
    /* a machine twice as slow: every time doubles, ratios to exact do not */
    const char *res = file("slow.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,20\n"
                                       "b,g,d1,1,nystrom,landmarks=8,ok,,0.25,0.9,4\n"
                                       "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,4\n");
    struct ab_check_summary sum = run_check(res, base, &o);
    /* b passes (0.2 of exact both times); c has no exact row for its data, so
     * its raw time counts: 2 -> 4 ms is 2x, beyond 1.5x */
    assert_int_equal(sum.regressions, 1);
    res = file("slow2.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                            "b,g,d1,1,nystrom,landmarks=8,ok,,0.25,0.9,4\n"
                            "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n");
    sum = run_check(res, base, &o);
    assert_int_equal(sum.regressions, 1); /* b: 0.2 -> 0.4 of exact */
}

static void tolerances_from_yaml_and_bad_input(void **s)
{
    (void)s;
    struct ab_check_opts o;
    struct ab_err err;
    ab_check_defaults(&o);
    char path[512];
    snprintf(path, sizeof path, "%s/check.yaml", ab_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("check:\n  tolerances:\n    out_rel_fro: {rel: 0.05}\n  time_ratio: 2\n", f);
    fclose(f);
    assert_int_equal(ab_check_load_config(&o, path, &err), AB_OK);
    assert_true(o.rel[0] == 0.05 && o.time_ratio == 2);
    f = fopen(path, "w");
    fputs("check:\n  tolerances:\n    out_rel_from: {rel: 0.05}\n", f);
    fclose(f);
    assert_int_equal(ab_check_load_config(&o, path, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "check.yaml:3:5:"));
    assert_non_null(strstr(err.msg, "did you mean 'out_rel_fro'"));
    assert_int_equal(ab_check_parse_tol(&o, "bogus=1", &err), AB_EINVAL);
    assert_int_equal(ab_check_parse_tol(&o, "out_cos=x", &err), AB_EINVAL);
    char base[512];
    snprintf(base, sizeof base, "%s", file("base.csv", BASE));
    snprintf(path, sizeof path, "%s/ragged.csv", ab_test_tmpdir());
    f = fopen(path, "w");
    fputs(HDR, f);
    fputs("a,g,d1\n", f);
    fclose(f);
    struct ab_check_summary sum;
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(ab_check((const char *[]){path}, 1, base, &o, devnull, &sum, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "ragged.csv:2:"));
    snprintf(path, sizeof path, "%s/foreign.csv", ab_test_tmpdir());
    f = fopen(path, "w");
    fputs("x,y\n1,2\n", f);
    fclose(f);
    assert_int_equal(ab_check((const char *[]){path}, 1, base, &o, devnull, &sum, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "lacks the column(s) row_id"));
    assert_int_equal(ab_check((const char *[]){"/nonexistent.csv"}, 1, base, &o, devnull, &sum, &err), AB_EIO);
    fclose(devnull);
}

static const char *raw(const char *name, const char *text, size_t len)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return p;
}

static int check_err(const char *res, const char *base, struct ab_err *err)
{
    struct ab_check_opts o;
    struct ab_check_summary sum;
    ab_check_defaults(&o);
    FILE *devnull = fopen("/dev/null", "w");
    int rc = ab_check((const char *[]){res}, 1, base, &o, devnull, &sum, err);
    fclose(devnull);
    if (rc == AB_OK)
        print_error("ab_check passed: %zu compared, %zu regressions\n", sum.compared, sum.regressions);
    return rc;
}

/* A gate that compares nothing, or reads garbage, is an error. */
static void comparing_nothing_or_garbage_is_an_error(void **s)
{
    (void)s;
    struct ab_err err;
    char res[512];
    snprintf(res, sizeof res, "%s", file("res.csv", BASE));
    /* only a header */
    const char *b = file("hdr_only.csv", "");
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "hdr_only.csv: no rows"));
    assert_int_equal(check_err(b, res, &err), AB_EINVAL); /* results with no rows: the same */
    /* no error columns */
    const char *t = "row_id,data,data_id,seed,method,params,status\na,g,d1,1,exact,,ok\n";
    b = raw("noerr.csv", t, strlen(t));
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "noerr.csv:1: none of the error columns"));
    /* no row in common */
    b = file("other.csv", "z,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n");
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "nothing compared"));
    /* a repeated row_id, in either file */
    b = file("dup.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                        "b,g,d1,1,nystrom,landmarks=8,ok,,0.25,0.9,2\n"
                        "b,g,d1,1,nystrom,landmarks=8,ok,,0.99,0.1,2\n");
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "dup.csv:4: row_id b again (first on line 3)"));
    assert_int_equal(check_err(b, res, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "dup.csv:4:"));
    /* a NUL byte: the rows after it are not silently dropped */
    char text[512];
    int n = snprintf(text, sizeof text, "%sa,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\nb,g,d1", HDR);
    text[n] = '\0';
    n += snprintf(text + n + 1, sizeof text - (size_t)n - 1, ",1,nystrom,landmarks=8,ok,,0.25,0.9,2\n") + 1;
    b = raw("nul.csv", text, (size_t)n);
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "nul.csv:3: a NUL byte at column 7"));
    /* impossible values in the baseline: file:line and the column */
    static const char *const bad[] = {"-0.5", "nan", "inf", "-inf", "abc"};
    for (size_t i = 0; i < 5; i++) {
        char body[256];
        snprintf(body, sizeof body, "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                                    "b,g,d1,1,nystrom,landmarks=8,ok,,%s,0.9,2\n", bad[i]);
        b = file("imp.csv", body);
        assert_int_equal(check_err(res, b, &err), AB_EINVAL);
        assert_non_null(strstr(err.msg, "imp.csv:3: column 'out_rel_fro'"));
    }
    b = file("cos.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1.5,10\n");
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "cos.csv:2: column 'out_cos'"));
    b = file("st.csv", "a,g,d1,1,exact,impl=stream,fine,,1e-7,1,10\n");
    assert_int_equal(check_err(res, b, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "st.csv:2: column 'status'"));
    /* a cosine of 1 + rounding is possible */
    b = file("cos2.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,1.0000001,10\n");
    struct ab_check_opts o;
    ab_check_defaults(&o);
    struct ab_check_summary sum = run_check(res, b, &o);
    assert_int_equal(sum.compared, 1);
}

/* Impossible result values are regressions, never improvements; status
 * moves follow ok > refused/invalid > failure kinds. */
static void impossible_values_and_status_moves_regress(void **s)
{
    (void)s;
    struct ab_check_opts o;
    ab_check_defaults(&o);
    char base[512];
    snprintf(base, sizeof base, "%s", file("base.csv", BASE));
    static const char *const bad[] = {"-0.5", "nan", "inf", "-inf", "-1e-300"};
    for (size_t i = 0; i < 5; i++) {
        char body[512];
        snprintf(body, sizeof body, "a,g,d1,1,exact,impl=stream,ok,,1e-7,1,10\n"
                                    "b,g,d1,1,nystrom,landmarks=8,ok,,%s,0.9,2\n"
                                    "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,%s,2\n",
                 bad[i], i == 4 ? "1.5" : bad[i]);
        struct ab_check_summary sum = run_check(file("res.csv", body), base, &o);
        assert_int_equal(sum.regressions, 2);
        assert_int_equal(sum.improvements, 0);
    }
    struct ab_check_summary sum = run_check(
        file("res.csv", "a,g,d1,1,exact,impl=stream,ok,,1e-7,-1.5,10\n"
                        "b,g,d1,1,nystrom,landmarks=8,ok,,0.25,0.9,2\n"
                        "c,g,d2,1,nystrom,landmarks=8,ok,,0.5,0.8,2\n"),
        base, &o);
    assert_int_equal(sum.regressions, 1);
    /* status moves: from, to, regression? */
    static const struct {
        const char *from, *to;
        int regression;
    } moves[] = {
        {"invalid", "crashed", 1}, {"refused", "oom", 1},   {"crashed", "timeout", 1},
        {"nan", "error", 1},       {"ok", "skipped", 1},    {"refused", "invalid", 1},
        {"crashed", "ok", 0},      {"crashed", "refused", 0}, {"invalid", "ok", 0},
        {"ok", "fine", 1},
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        char b1[256], r1[256];
        snprintf(b1, sizeof b1, "a,g,d1,1,exact,impl=stream,%s,,,,\n", moves[i].from);
        snprintf(r1, sizeof r1, "a,g,d1,1,exact,impl=stream,%s,,,,\n", moves[i].to);
        char bp[512];
        snprintf(bp, sizeof bp, "%s", file("mb.csv", b1));
        sum = run_check(file("mr.csv", r1), bp, &o);
        if (sum.regressions != (size_t)moves[i].regression || sum.improvements != (size_t)!moves[i].regression)
            fail_msg("%s -> %s: %zu regressions, %zu improvements", moves[i].from, moves[i].to,
                     sum.regressions, sum.improvements);
    }
}

/* `attnbench model` rows (no data_id, no seed) and masked rows' leaks are
 * gated like any error column: a lower embedding cosine or neighbour
 * overlap, a higher hidden-state error or a grown leak regresses. */
static void model_rows_and_leaks_are_gated(void **s)
{
    (void)s;
    struct ab_check_opts o;
    ab_check_defaults(&o);
    const char *hdr = "row_id,model,method,params,layers,status,error,hidden_rel_l1,hidden_rel_l2,"
                      "emb_cos_mean,top10_overlap,spearman\n";
    const char *rows[] = {"m1,minilm,nystrom,landmarks=8,all,ok,,0.2,0.4,0.9,0.8,0.95\n",
                          "m1,minilm,nystrom,landmarks=8,all,ok,,0.2,0.4,0.9,0.8,0.95\n",
                          "m1,minilm,nystrom,landmarks=8,all,ok,,0.2,0.4,0.85,0.8,0.95\n",
                          "m1,minilm,nystrom,landmarks=8,all,ok,,0.2,0.41,0.9,0.8,0.95\n",
                          "m1,minilm,nystrom,landmarks=8,all,ok,,0.2,0.4,0.9,0.7,0.95\n"};
    char paths[5][512];
    for (int i = 0; i < 5; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/model%d.csv", ab_test_tmpdir(), i);
        FILE *f = fopen(paths[i], "w");
        assert_non_null(f);
        fputs(hdr, f);
        fputs(rows[i], f);
        fclose(f);
    }
    struct ab_check_summary sum = run_check(paths[1], paths[0], &o);
    assert_int_equal(sum.compared, 1);
    assert_int_equal(sum.regressions, 0);
    for (int i = 2; i < 5; i++) { /* cosine down, hidden error up, overlap down */
        sum = run_check(paths[i], paths[0], &o);
        assert_int_equal(sum.regressions, 1);
    }
    /* a leak that grows regresses; one that stays 0 passes */
    const char *lh = "row_id,data_id,seed,method,params,status,error,out_rel_fro,causal_leak\n";
    const char *lrows[] = {"c1,d,1,m,x=1,ok,,0.5,0\n", "c1,d,1,m,x=1,ok,,0.5,0\n",
                           "c1,d,1,m,x=1,ok,,0.5,0.01\n"};
    for (int i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/leak%d.csv", ab_test_tmpdir(), i);
        FILE *f = fopen(paths[i], "w");
        assert_non_null(f);
        fputs(lh, f);
        fputs(lrows[i], f);
        fclose(f);
    }
    assert_int_equal(run_check(paths[1], paths[0], &o).regressions, 0);
    assert_int_equal(run_check(paths[2], paths[0], &o).regressions, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_and_within_tolerance_pass),
        cmocka_unit_test(worse_errors_status_and_data_fail),
        cmocka_unit_test(timing_gate_is_relative_to_exact),
        cmocka_unit_test(tolerances_from_yaml_and_bad_input),
        cmocka_unit_test(comparing_nothing_or_garbage_is_an_error),
        cmocka_unit_test(impossible_values_and_status_moves_regress),
        cmocka_unit_test(model_rows_and_leaks_are_gated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
