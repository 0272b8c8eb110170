/* test_plot.c — `attnbench plot` and `heatmap`: aggregation over seeds
 * (mean, min, max) in the .dat files, the fitted log-log slope in the legend,
 * charts skipped when the CSV lacks their rows, clear errors for empty or
 * foreign CSVs, a missing gnuplot named with its package and the CSV left
 * untouched, and the heat map: its exact block against the float64 oracle,
 * each method once with its errors, one symmetric colour scale, panels
 * shaped like the block, pdf output, masks passed on or refused, the head
 * and memory checked before the data is made. */
#define _POSIX_C_SOURCE 200809L
#include "data/data.h"
#include "heatmap.h"
#include "plan.h"
#include "report/plot.h"
#include "formats/npy.h"
#include "base/util.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path_in(const char *dir, const char *name)
{
    static char buf[4][600];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 600, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A results file: time = n^2 / 1e4 ms for method a (slope 2), n / 100 for b
 * (slope 1); two seeds with errors 0.1 and 0.3 for b at budget 16. */
static const char *make_csv(const char *dir)
{
    const char *csv = path_in(dir, "toy.csv");
    FILE *f = fopen(csv, "w");
    fputs("row_id,status,method,params,data,n,seed,budget,out_rel_fro,time_ms_median,peak_bytes,"
          "entropy,config,cpu,threads\n",
          f);
    int id = 0;
    for (int n = 1024; n <= 16384; n *= 2)
        for (int seed = 1; seed <= 2; seed++) {
            fprintf(f, "%d,ok,a,k=1,gaussian,%d,%d,%d,0.5,%.9g,%d,5.0,toy.yaml,cpu x,2\n", id++, n,
                    seed, n, (double)n * n / 1e4, n * 10);
            fprintf(f, "%d,ok,b,landmarks=16,gaussian,%d,%d,16,%.2f,%.9g,%d,5.0,toy.yaml,cpu x,2\n", id++, n,
                    seed, seed == 1 ? 0.1 : 0.3, n / 100.0, 4096);
            fprintf(f, "%d,ok,b,landmarks=32,gaussian,%d,%d,32,0.05,%.9g,%d,5.0,toy.yaml,cpu x,2\n", id++, n,
                    seed, n / 50.0, 8192);
        }
    fputs("99,refused,a,\"k=1\",gaussian,32768,1,,,,,,toy.yaml,cpu x,2\n", f);
    fclose(f);
    return csv;
}

static void plot_aggregates_seeds_and_fits_slopes(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char csv[600];
    snprintf(csv, sizeof csv, "%s", make_csv(dir));
    char *before = ab_test_slurp(csv);
    char out[600];
    snprintf(out, sizeof out, "%s/plots", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .svg = 0, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    /* the time chart's legend has each series' slope */
    char *gp = ab_test_slurp(path_in(out, "toy-time.gp"));
    assert_non_null(gp);
    /* the slope from 3 or more sizes, with the range it was fitted over */
    assert_non_null(strstr(gp, "a (slope 2.00 over n 1k–16k; 2 seeds)"));
    assert_non_null(strstr(gp, "b landmarks=16 (slope 1.00 over n 1k–16k; 2 seeds)"));
    /* the n axis: base 2, a tick at each power of two */
    assert_non_null(strstr(gp, "set logscale x 2"));
    assert_non_null(strstr(gp, "\"1k\" 1024, \"2k\" 2048, \"4k\" 4096, \"8k\" 8192, \"16k\" 16384"));
    /* budget chart: b at budget 16 is mean 0.2, min 0.1, max 0.3 over seeds */
    char *dat = ab_test_slurp(path_in(out, "toy-budget.dat"));
    assert_non_null(dat);
    assert_non_null(strstr(dat, "\n16 0.2 0.1 0.3 nan 2 2\n"));
    /* the refused row is drawn on the memory chart, not dropped */
    char *mem = ab_test_slurp(path_in(out, "toy-memory.gp"));
    assert_non_null(strstr(mem, "[refused: drawn at the top]"));
    /* no pinv_iters column: that chart is skipped, not empty */
    struct stat st;
    assert_int_not_equal(stat(path_in(out, "toy-pinv.gp"), &st), 0);
    char *after = ab_test_slurp(csv);
    assert_string_equal(before, after);
    free(gp), free(dat), free(mem), free(before), free(after);
}

static void missing_gnuplot_names_the_package_and_leaves_the_csv(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char csv[600];
    snprintf(csv, sizeof csv, "%s", make_csv(dir));
    char *before = ab_test_slurp(csv);
    char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1);
    char out[600];
    snprintf(out, sizeof out, "%s/plots2", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .svg = 1, .render = 1};
    struct ab_err err;
    int rc = ab_plot((const char *[]){csv}, 1, &o, &err);
    if (path)
        setenv("PATH", path, 1);
    free(path);
    assert_int_equal(rc, AB_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "gnuplot-nox"));
    char *after = ab_test_slurp(csv);
    assert_string_equal(before, after);
    free(before), free(after);
}

static void empty_or_foreign_csvs_are_clear_errors(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plot_opts o = {.out_dir = path_in(dir, "p3"), .png = 1, .render = 0};
    struct ab_err err;
    write_text(path_in(dir, "empty.csv"), "");
    assert_int_equal(ab_plot((const char *[]){path_in(dir, "empty.csv")}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "empty"));
    write_text(path_in(dir, "foreign.csv"), "a,b\n1,2\n");
    assert_int_equal(ab_plot((const char *[]){path_in(dir, "foreign.csv")}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "status, method"));
    write_text(path_in(dir, "none.csv"),
               "status,method,params,data,n,out_rel_fro,time_ms_median\ncrashed,a,,g,8,,\n");
    assert_int_equal(ab_plot((const char *[]){path_in(dir, "none.csv")}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "no rows with status ok"));
    write_text(path_in(dir, "ragged.csv"), "status,method\nok\n");
    assert_int_equal(ab_plot((const char *[]){path_in(dir, "ragged.csv")}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "ragged.csv:2:"));
    assert_int_equal(ab_plot((const char *[]){path_in(dir, "nonexistent.csv")}, 1, &o, &err), AB_EIO);
}

static void heatmap_exact_block_is_the_float64_attention(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    const char *cfg = path_in(dir, "hm.yaml");
    write_text(cfg, "name: hm\nseeds: [3]\nthreads: 2\ndata:\n  - {kind: clustered, n: 96, d: 16}\n"
                    "methods:\n  - {name: nystrom, landmarks: 8}\n");
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(cfg, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    struct ab_heatmap_opts o = {.out_dir = path_in(dir, "hm"), .r0 = 10, .r1 = 40, .c0 = 5, .c1 = 70,
                                .png = 1, .render = 0};
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    struct ab_data d;
    assert_int_equal(plan.data[0].kind->make(&plan.data[0].vals, 3, NULL, &d, &err), AB_OK);
    double *S = malloc(96 * 96 * sizeof *S);
    ab_test_attn_matrix_f64(96, 16, d.q, d.k, S);
    FILE *f = fopen(path_in(o.out_dir, "hm-heatmap-exact.dat"), "r");
    assert_non_null(f);
    unsigned long ncols;
    assert_int_equal(fscanf(f, "%lu", &ncols), 1);
    assert_int_equal(ncols, 65);
    for (unsigned long c = 0; c < ncols; c++) {
        unsigned long col;
        assert_int_equal(fscanf(f, "%lu", &col), 1);
        assert_int_equal(col, 5 + c);
    }
    double worst = 0;
    for (int r = 10; r < 40; r++) {
        double row;
        assert_int_equal(fscanf(f, "%lf", &row), 1);
        assert_true(row == r);
        for (int c = 5; c < 70; c++) {
            double v;
            assert_int_equal(fscanf(f, "%lf", &v), 1);
            worst = fmax(worst, fabs(v - S[r * 96 + c]) / (S[r * 96 + c] + 1e-300));
        }
    }
    fclose(f);
    print_message("worst relative difference %.2e (9 significant digits written)\n", worst);
    assert_true(worst < 1e-8);
    struct stat st;
    assert_int_equal(stat(path_in(o.out_dir, "hm-heatmap-m0.dat"), &st), 0);
    /* a block outside the data is refused */
    o.r1 = 97;
    assert_int_equal(ab_heatmap(&plan, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "outside the data"));
    free(S);
    ab_data_free(&d);
    ab_plan_free(&plan);
}

/* --- heat map: panels, colour scale, layout, formats, masks ------------ */

/* A plan from config text written to dir/<name>.yaml. */
static void load_plan(const char *dir, const char *name, const char *text, struct ab_plan *plan)
{
    char cfg[700];
    snprintf(cfg, sizeof cfg, "%s/%s.yaml", dir, name);
    write_text(cfg, text);
    struct ab_err err;
    if (ab_plan_load(cfg, NULL, 0, plan, &err))
        fail_msg("%s", err.msg);
}

static int count_of(const char *s, const char *needle)
{
    int k = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        k++;
    return k;
}

/* A block written by heatmap (nonuniform matrix): its values, row-major;
 * *rows and *cols receive the shape. NULL when the file is absent. */
static double *read_block(const char *path, size_t *rows, size_t *cols)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    unsigned long nc;
    assert_int_equal(fscanf(f, "%lu", &nc), 1);
    for (unsigned long c = 0; c < nc; c++) {
        double x;
        assert_int_equal(fscanf(f, "%lf", &x), 1);
    }
    size_t cap = 1024 * 1024, n = 0, nr = 0; /* blocks are at most 1024 x 1024 */
    double *v = malloc(cap * sizeof *v), rowid;
    assert_non_null(v);
    while (fscanf(f, "%lf", &rowid) == 1) {
        for (unsigned long c = 0; c < nc; c++) {
            assert_true(n < cap);
            assert_int_equal(fscanf(f, "%lf", &v[n++]), 1);
        }
        nr++;
    }
    fclose(f);
    *rows = nr, *cols = nc;
    return v;
}

/* An output folder dir/name that outlives path_in's rotating buffers. */
static const char *outdir(const char *dir, const char *name)
{
    static char buf[8][600];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 600, "%s/%s", dir, name);
    return p;
}

static void heatmap_draws_each_method_once_with_its_errors(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    /* two exact entries (the float64 block is exact already) and two
     * nystrom points: three panels, not five */
    load_plan(dir, "once",
              "name: once\nseeds: [3]\nthreads: 2\ndata:\n  - {kind: clustered, n: 96, d: 16}\n"
              "methods:\n  - {name: exact, impl: [fused, stream]}\n  - {name: nystrom, landmarks: [4, 8]}\n",
              &plan);
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "once"), .r0 = 8, .r1 = 40, .c0 = 0, .c1 = 48,
                                .png = 1, .render = 0};
    struct ab_err err;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(o.out_dir, "once-heatmap.gp"));
    assert_non_null(gp);
    assert_int_equal(count_of(gp, "nonuniform matrix with image"), 3);
    assert_int_equal(count_of(gp, "'exact softmax'"), 1);
    assert_int_equal(count_of(gp, "'nystrom landmarks=4'"), 1);
    assert_int_equal(count_of(gp, "'nystrom landmarks=8'"), 1);
    struct stat st; /* the exact entries (methods 0, 1) wrote no block */
    assert_int_not_equal(stat(path_in(o.out_dir, "once-heatmap-m0.dat"), &st), 0);
    assert_int_not_equal(stat(path_in(o.out_dir, "once-heatmap-m1.dat"), &st), 0);
    /* each title's block error is ||A^ - A||_F / ||A||_F of the blocks drawn */
    size_t R, C, R2, C2;
    double *e = read_block(path_in(o.out_dir, "once-heatmap-exact.dat"), &R, &C);
    assert_non_null(e);
    assert_int_equal(R, 32), assert_int_equal(C, 48);
    for (int mi = 2; mi <= 3; mi++) {
        char name[64], want[200];
        snprintf(name, sizeof name, "once-heatmap-m%d.dat", mi);
        double *a = read_block(path_in(o.out_dir, name), &R2, &C2);
        assert_non_null(a);
        assert_int_equal(R2 * C2, R * C);
        double num = 0, den = 0;
        for (size_t i = 0; i < R * C; i++)
            num += (a[i] - e[i]) * (a[i] - e[i]), den += e[i] * e[i];
        snprintf(want, sizeof want, "'nystrom landmarks=%d' . \"\\n\" . 'rel. error: block %.3g, output ",
                 mi == 2 ? 4 : 8, sqrt(num / den));
        if (!strstr(gp, want))
            fail_msg("no title %s in\n%s", want, gp);
        free(a);
    }
    free(e), free(gp);
    ab_plan_free(&plan);
}

static void heatmap_has_one_symmetric_colour_scale(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    /* Nystrom with the SVD pseudo-inverse and classical Nystrom give
     * negative weights on gaussian data */
    load_plan(dir, "div",
              "name: div\nseeds: [1]\nthreads: 2\ndata:\n  - {kind: gaussian, n: 128, d: 16}\n"
              "methods:\n  - {name: nystrom, landmarks: 8, pinv: svd}\n  - {name: nystrom-direct, landmarks: 8}\n"
              "  - {name: performer, features: 8}\n",
              &plan);
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "div"), .png = 1, .render = 0};
    struct ab_err err;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    double lo = 0, amax = 0, emax = 0;
    const char *files[] = {"div-heatmap-exact.dat", "div-heatmap-m0.dat", "div-heatmap-m1.dat",
                           "div-heatmap-m2.dat"};
    for (int k = 0; k < 4; k++) {
        size_t R, C;
        double *v = read_block(path_in(o.out_dir, files[k]), &R, &C);
        assert_non_null(v);
        for (size_t i = 0; i < R * C; i++) {
            lo = fmin(lo, v[i]), amax = fmax(amax, fabs(v[i]));
            if (k == 0)
                emax = fmax(emax, fabs(v[i]));
        }
        free(v);
    }
    print_message("weights in [%g, ...], largest |w| %g, exact's %g\n", lo, amax, emax);
    assert_true(lo < 0); /* the premise: negative weights exist */
    char *gp = ab_test_slurp(path_in(o.out_dir, "div-heatmap.gp"));
    assert_non_null(gp);
    /* one range, one colour bar (drawn by the first panel), for all panels */
    assert_int_equal(count_of(gp, "set cbrange"), 1);
    assert_int_equal(count_of(gp, "  set colorbox"), 1);
    assert_int_equal(count_of(gp, "unset colorbox"), 1);
    const char *first = strstr(gp, "  plot "), *off = strstr(gp, "unset colorbox");
    assert_true(first && off > first);
    assert_true(strstr(first + 1, "  plot ") > off);
    double a, b;
    assert_int_equal(sscanf(strstr(gp, "set cbrange"), "set cbrange [%lf:%lf]", &a, &b), 2);
    assert_true(a == -b); /* symmetric about 0: the palette's white */
    assert_non_null(strstr(gp, "0 \"#ffffff\""));
    if (strstr(gp, "clipped at"))
        assert_true(fabs(b - AB_HEATMAP_CLIP * emax) <= 1e-5 * b && amax > b);
    else
        assert_true(b >= amax * (1 - 1e-6) && b <= amax * (1 + 1e-5));
    free(gp);
    ab_plan_free(&plan);
}

static void heatmap_panels_follow_a_non_square_block(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    load_plan(dir, "ns",
              "name: ns\nseeds: [1]\nthreads: 2\ndata:\n  - {kind: clustered, n: 128, d: 16}\n"
              "methods:\n  - {name: nystrom, landmarks: [4, 8]}\n",
              &plan);
    struct ab_err err;
    /* tall: 64 queries x 32 keys -> panels twice as high as wide, side by side */
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "ns-tall"), .r0 = 0, .r1 = 64, .c0 = 0, .c1 = 32,
                                .png = 1, .render = 0};
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(o.out_dir, "ns-heatmap.gp"));
    assert_non_null(strstr(gp, "set size ratio 2\n"));
    assert_non_null(strstr(gp, "set multiplot layout 1,3 "));
    assert_non_null(strstr(gp, "set xrange [-0.5:31.5]\nset yrange [63.5:-0.5]"));
    free(gp);
    /* wide: 16 queries x 64 keys -> strips a quarter as high as wide,
     * stacked (not one row four times wider than high) */
    o.out_dir = outdir(dir, "ns-wide"), o.r1 = 16, o.c1 = 64;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    gp = ab_test_slurp(path_in(o.out_dir, "ns-heatmap.gp"));
    assert_non_null(strstr(gp, "set size ratio 0.25\n"));
    unsigned rows, cols, w, h;
    assert_int_equal(sscanf(strstr(gp, "set multiplot layout"), "set multiplot layout %u,%u", &rows, &cols), 2);
    assert_true(rows > 1 && rows * cols >= 3 && (rows - 1) * cols < 3);
    assert_int_equal(sscanf(strstr(gp, "pngcairo noenhanced size"), "pngcairo noenhanced size %u,%u", &w, &h), 2);
    print_message("wide block: layout %u x %u, %u x %u px\n", rows, cols, w, h);
    assert_true(h < w && 4 * h > w); /* a figure, not a ribbon */
    free(gp);
    ab_plan_free(&plan);
}

static void heatmap_writes_pdf_when_asked(void **s)
{
    (void)s;
    if (!ab_gnuplot_available() ||
        system("gnuplot -e 'set terminal pdfcairo' >/dev/null 2>&1") != 0) {
        print_message("gnuplot without pdfcairo: skipped\n");
        skip();
    }
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    load_plan(dir, "pdf",
              "name: pdf\nseeds: [1]\nthreads: 1\ndata:\n  - {kind: clustered, n: 64, d: 8}\n"
              "methods:\n  - {name: nystrom, landmarks: 4}\n",
              &plan);
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "pdf"), .pdf = 1, .render = 1};
    struct ab_err err;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    char *pdf = ab_test_slurp(path_in(o.out_dir, "pdf-heatmap.pdf"));
    assert_non_null(pdf);
    assert_memory_equal(pdf, "%PDF", 4);
    struct stat st; /* only what was asked */
    assert_int_not_equal(stat(path_in(o.out_dir, "pdf-heatmap.png"), &st), 0);
    assert_int_not_equal(stat(path_in(o.out_dir, "pdf-heatmap.svg"), &st), 0);
    free(pdf);
    ab_plan_free(&plan);
}

static void heatmap_passes_the_mask_and_refuses_methods_without_it(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    load_plan(dir, "causal",
              "name: causal\nseeds: [1]\nthreads: 2\ndata:\n  - {kind: clustered, n: 96, d: 16, mask: causal}\n"
              "methods:\n  - {name: local, window: 32}\n  - {name: nystrom, landmarks: 8}\n",
              &plan);
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "causal"), .r1 = 48, .c1 = 48, .png = 1,
                                .render = 0};
    struct ab_err err;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    /* local claims causal: its block has the mask (0 above the diagonal);
     * nystrom does not: refused, no panel */
    const char *files[] = {"causal-heatmap-exact.dat", "causal-heatmap-m0.dat"};
    for (int k = 0; k < 2; k++) {
        size_t R, C;
        double *v = read_block(path_in(o.out_dir, files[k]), &R, &C);
        assert_non_null(v);
        double above = 0, below = 0;
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++)
                *(j > i ? &above : &below) += fabs(v[i * C + j]);
        assert_true(above == 0 && below > 0);
        free(v);
    }
    struct stat st;
    assert_int_not_equal(stat(path_in(o.out_dir, "causal-heatmap-m1.dat"), &st), 0);
    char *gp = ab_test_slurp(path_in(o.out_dir, "causal-heatmap.gp"));
    assert_int_equal(count_of(gp, "nonuniform matrix with image"), 2);
    assert_non_null(strstr(gp, "mask=causal"));
    free(gp);
    ab_plan_free(&plan);
}

static void heatmap_checks_the_head_and_memory_before_making_data(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    struct ab_plan plan;
    load_plan(dir, "heads",
              "name: heads\nseeds: [1]\ndata:\n  - {kind: gaussian, n: 32, d: 8, heads: 2}\n"
              "methods:\n  - {name: nystrom, landmarks: 4}\n",
              &plan);
    struct ab_heatmap_opts o = {.out_dir = outdir(dir, "heads"), .head = 2, .png = 1, .render = 0};
    struct ab_err err;
    assert_int_equal(ab_heatmap(&plan, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "--head 2 is out of range"));
    assert_non_null(strstr(err.msg, "has 2 heads (0 to 1)"));
    o.head = 1;
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    ab_plan_free(&plan);
    /* 2^12 heads x 2^24 tokens x 2^12 dims: refused from the sizes alone,
     * nothing allocated */
    load_plan(dir, "huge",
              "name: huge\nseeds: [1]\ndata:\n  - {kind: gaussian, n: 16777216, d: 4096, heads: 4096}\n"
              "methods:\n  - {name: nystrom, landmarks: 4}\n",
              &plan);
    o.out_dir = outdir(dir, "huge"), o.head = 0;
    int rc = ab_heatmap(&plan, &o, &err);
    if (ab_mem_available() > 0) {
        assert_int_equal(rc, AB_ENOMEM);
        assert_non_null(strstr(err.msg, "GiB available"));
        assert_non_null(strstr(err.msg, "the heat map's buffers"));
    }
    ab_plan_free(&plan);
}

/* Text gnuplot would run if it reached a script unquoted or double-quoted:
 * backquotes, $(...), system(), @macros, quotes, a lone CR. Each command
 * would create a marker file in dir. */
static void hostile(char *out, size_t cap, const char *dir, const char *tag)
{
    snprintf(out, cap,
             "%s`touch %s/bq-%s` '' \"\"`touch %s/bq2-%s`\"\" $(touch %s/dollar-%s) "
             "\"\" . system(\"\"touch %s/sys-%s\"\") . \"\" @x '\r\\n end",
             tag, dir, tag, dir, tag, dir, tag, dir, tag);
}

static int markers(const char *dir)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -E '^(bq|bq2|dollar|sys)-' >/dev/null", dir);
    int st = system(cmd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void plot_never_runs_text_from_the_csv(void **s)
{
    (void)s;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/hostile", ab_test_tmpdir());
    mkdir(dir, 0777);
    char m1[1024], m2[1024], p1[1024], cfg[1024], data[1024], cpu[1024];
    hostile(m1, sizeof m1, dir, "method");
    snprintf(m2, sizeof m2, "peer:%s", m1);
    hostile(p1, sizeof p1, dir, "param");
    hostile(cfg, sizeof cfg, dir, "config");
    hostile(data, sizeof data, dir, "data");
    hostile(cpu, sizeof cpu, dir, "cpu");
    /* a file name that would run a command too: the stem is made safe */
    char csv[1400];
    snprintf(csv, sizeof csv, "%s/r`touch %s-fname`$(id) 'q\".csv", dir, "x");
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("row_id,status,method,params,data,n,seed,budget,out_rel_fro,time_ms_median,peak_bytes,"
          "entropy,pinv,pinv_iters,pinv_resid,config,cpu,threads\n", f);
    int id = 0;
    /* CSV-quote the hostile cells ("" for each ") */
    char qm1[2400], qm2[2400], qp[2400], qc[2400], qd[2400], qcpu[2400];
    const char *srcs[] = {m1, m2, p1, cfg, data, cpu};
    char *dsts[] = {qm1, qm2, qp, qc, qd, qcpu};
    for (int i = 0; i < 6; i++) {
        char *w = dsts[i];
        *w++ = '"';
        for (const char *r = srcs[i]; *r; r++) {
            if (*r == '"')
                *w++ = '"';
            *w++ = *r;
        }
        *w++ = '"', *w = '\0';
    }
    for (int n = 64; n <= 512; n *= 2)
        for (int seed = 1; seed <= 2; seed++)
            for (int it = 2; it <= 8; it *= 2) {
                for (int m = 0; m < 2; m++)
                    fprintf(f, "%d,ok,%s,\"landmarks=%d;x=%s,%s,%d,%d,%d,%.3g,%.9g,%d,%g,iterative,%d,%g,%s,%s,2\n",
                            id++, m ? qm2 : qm1, it * 2, qp + 1, qd, n, seed, it * 2,
                            0.5 / it + 0.01 * seed + m * 0.1, n * (m + 1) / 10.0, n * 100,
                            1.0 + n / 100.0 + it, it, 1.0 / it, qc, qcpu);
                fprintf(f, "%d,oom,%s,\"landmarks=%d;x=%s,%s,%d,%d,%d,,,,,,,,%s,%s,2\n", id++, qm1,
                        it * 2, qp + 1, qd, n * 64, seed, it * 2, qc, qcpu);
            }
    fclose(f);
    /* qp + 1 dropped the opening quote: the params cell is "landmarks=..;x=<hostile>" */
    char out[700];
    snprintf(out, sizeof out, "%s/plots", dir);
    int render = ab_gnuplot_available();
    if (!render)
        print_message("gnuplot is not installed: scripts written, not rendered\n");
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .svg = 1, .render = render};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    assert_false(markers(dir));
    assert_false(markers(out));
    assert_false(markers("."));
    /* the stems are safe names; the charts rendered */
    struct stat st;
    assert_int_equal(stat(path_in(out, "r_touch_x-fname___id___q_-time.gp"), &st), 0);
    if (render) {
        assert_int_equal(stat(path_in(out, "r_touch_x-fname___id___q_-time.png"), &st), 0);
        assert_int_equal(stat(path_in(out, "r_touch_x-fname___id___q_-pinv.svg"), &st), 0);
    }
    /* every script string is single-quoted: no double quote carries CSV text */
    char *gp = ab_test_slurp(path_in(out, "r_touch_x-fname___id___q_-time.gp"));
    assert_non_null(gp);
    assert_non_null(strstr(gp, "title 'method`touch "));
    assert_non_null(strstr(gp, " '.\"'\".''.\"'\".' ")); /* '' in the text */
    assert_null(strstr(gp, "\"method`"));
    free(gp);
}

static void heatmap_never_runs_text_from_the_config(void **s)
{
    (void)s;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/hostile-hm", ab_test_tmpdir());
    mkdir(dir, 0777);
    /* the data files in a folder whose name would run commands */
    char sub[600], sub_path[1400], path[1600];
    snprintf(sub, sizeof sub, "d`touch bq-dir`$(touch dollar-dir)'x\"@m");
    snprintf(sub_path, sizeof sub_path, "%s/%s", dir, sub);
    mkdir(sub_path, 0777);
    float x[2 * 16 * 8];
    ab_test_fill_normal(x, 256, ab_test_seed(), 1.0);
    size_t shape[3] = {2, 16, 8};
    struct ab_err err;
    const char *qkv[] = {"q", "k", "v"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", sub_path, qkv[i]);
        assert_int_equal(ab_npy_write_f32(path, shape, 3, x, &err), AB_OK);
    }
    char cfg[800], text[4096];
    snprintf(cfg, sizeof cfg, "%s/hm.yaml", dir);
    /* YAML single-quoted: '' is one quote */
    snprintf(text, sizeof text,
             "name: hm-evil\nseeds: [1]\nthreads: 1\n"
             "data:\n  - {kind: npy, q: '%s/q.npy', k: '%s/k.npy', v: '%s/v.npy'}\n"
             "methods:\n  - {name: nystrom, landmarks: [4, 8]}\n",
             "d`touch bq-dir`$(touch dollar-dir)''x\"@m", "d`touch bq-dir`$(touch dollar-dir)''x\"@m",
             "d`touch bq-dir`$(touch dollar-dir)''x\"@m");
    write_text(cfg, text);
    struct ab_plan plan;
    if (ab_plan_load(cfg, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    char out[700];
    snprintf(out, sizeof out, "%s/hm", dir);
    int render = ab_gnuplot_available();
    struct ab_heatmap_opts o = {.out_dir = out, .png = 1, .svg = 1, .render = render};
    if (ab_heatmap(&plan, &o, &err))
        fail_msg("%s", err.msg);
    ab_plan_free(&plan);
    assert_false(markers(out));
    assert_false(markers(dir));
    struct stat st;
    const char *stem = "hm-evil-heatmap"; /* (plan.c allows [A-Za-z0-9._-] names only) */
    char gp[400];
    snprintf(gp, sizeof gp, "%s.gp", stem);
    assert_int_equal(stat(path_in(out, gp), &st), 0);
    if (render) {
        snprintf(gp, sizeof gp, "%s.png", stem);
        assert_int_equal(stat(path_in(out, gp), &st), 0);
    }
}

/* Clustered data in two orders (a data parameter), nystrom at landmarks 16
 * and 32, `nseeds` seeds: contiguous errors 0.08 (+0.02 per further seed),
 * shuffled 0.97 (+0.02). pinv=svd everywhere, so pinv_iters (and tile_q, a
 * performance knob) differ per seed without an effect: they must not split. */
static const char *make_orders_csv(const char *dir, const char *name, int nseeds)
{
    const char *csv = path_in(dir, name);
    FILE *f = fopen(csv, "w");
    fputs("row_id,status,method,params,data,data_params,n,seed,budget,out_rel_fro,time_ms_median,"
          "config,cpu,threads\n",
          f);
    int id = 0;
    for (int o = 0; o < 2; o++)
        for (int m = 16; m <= 32; m *= 2)
            for (int seed = 1; seed <= nseeds; seed++)
                fprintf(f,
                        "%d,ok,nystrom,landmarks=%d;pinv=svd;pinv_iters=%d;tile_q=%d,clustered,"
                        "\"heads=1;n=1024;order=%s;note=\"\"a\\\\;b=c\"\"\",1024,%d,%d,%.2f,1.0,toy.yaml,cpu x,2\n",
                        id++, m, 6 * seed, 256 * seed, o ? "shuffled" : "contiguous", seed, m,
                        (o ? 0.97 : 0.08) - (m == 32 ? 0.01 : 0) + 0.02 * (seed - 1));
    fclose(f);
    return csv;
}

/* One seed: two panels (one per order), each value alone, never the pooled
 * 0.52, and no band (there is nothing to span). */
static void plot_never_pools_a_data_parameter(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char csv[600], out[600];
    snprintf(csv, sizeof csv, "%s", make_orders_csv(dir, "orders1.csv", 1));
    snprintf(out, sizeof out, "%s/p1", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(out, "orders1-budget.gp")), *dat = ab_test_slurp(path_in(out, "orders1-budget.dat"));
    assert_non_null(gp);
    assert_non_null(dat);
    assert_non_null(strstr(gp, "set title 'clustered, order=contiguous'"));
    assert_non_null(strstr(gp, "set title 'clustered, order=shuffled'"));
    assert_null(strstr(gp, "filledcurves"));
    assert_null(strstr(dat, "0.52"));
    assert_null(strstr(dat, "0.525"));
    assert_non_null(strstr(dat, "\n16 0.08 0.08 0.08 nan 1 1\n"));
    assert_non_null(strstr(dat, "\n16 0.97 0.97 0.97 nan 1 1\n"));
    assert_non_null(strstr(gp, "title 'nystrom n=1024 (1 seed)'"));
    assert_int_equal(count_of(gp, "title 'nystrom"), 2); /* one series a panel */
    free(gp), free(dat);
}

/* Two seeds: the band spans exactly those two seeds of one order; the
 * no-effect parameters (pinv_iters under pinv=svd, tile_q on an error chart)
 * neither split nor label the series. */
static void plot_band_spans_seeds_only(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char csv[600], out[600];
    snprintf(csv, sizeof csv, "%s", make_orders_csv(dir, "orders2.csv", 2));
    snprintf(out, sizeof out, "%s/p2", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(out, "orders2-budget.gp")), *dat = ab_test_slurp(path_in(out, "orders2-budget.dat"));
    assert_non_null(gp);
    assert_non_null(strstr(dat, "\n16 0.09 0.08 0.1 nan 2 2\n"));
    assert_non_null(strstr(dat, "\n16 0.98 0.97 0.99 nan 2 2\n"));
    assert_int_equal(count_of(gp, "filledcurves"), 2);
    assert_non_null(strstr(gp, "title 'nystrom n=1024 (2 seeds)'"));
    assert_int_equal(count_of(gp, "title 'nystrom"), 2);
    assert_null(strstr(gp, "pinv_iters"));
    assert_null(strstr(gp, "tile_q"));
    assert_null(strstr(gp, "note=")); /* the quoted constant does not vary */
    free(gp), free(dat);
}

/* --where keeps the rows whose parameter or column matches; an unknown key
 * is an error that names it. */
static void plot_where_filters_rows(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    char csv[600], out[600];
    snprintf(csv, sizeof csv, "%s", make_orders_csv(dir, "orders3.csv", 1));
    snprintf(out, sizeof out, "%s/p3", dir);
    const char *where[] = {"order=shuffled", "method=nystrom"};
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0, .where = where, .nwhere = 2};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(out, "orders3-budget.gp")), *dat = ab_test_slurp(path_in(out, "orders3-budget.dat"));
    assert_non_null(gp);
    assert_null(strstr(gp, "contiguous"));
    assert_null(strstr(dat, "0.08"));
    assert_non_null(strstr(dat, "\n16 0.97 0.97 0.97 nan 1 1\n"));
    free(gp), free(dat);
    const char *bad[] = {"colour=red"};
    o.where = bad, o.nwhere = 1;
    assert_int_equal(ab_plot((const char *[]){csv}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "colour"));
    const char *none[] = {"method=performer"};
    o.where = none;
    assert_int_equal(ab_plot((const char *[]){csv}, 1, &o, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "--where"));
    /* --by splits panels by a column too */
    const char *by[] = {"method"};
    o.where = NULL, o.nwhere = 0, o.by = by, o.nby = 1;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    gp = ab_test_slurp(path_in(out, "orders3-budget.gp"));
    assert_non_null(strstr(gp, "set title 'clustered, order=shuffled, method=nystrom'"));
    free(gp);
}

/* 20 values of a method parameter: the budget chart is not drawn pooled,
 * stderr names the parameter and its values and asks for --where / --by;
 * the other charts still render and the call succeeds. */
static void plot_too_many_series_is_a_message(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    const char *csv = path_in(dir, "many.csv");
    FILE *f = fopen(csv, "w");
    fputs("row_id,status,method,params,data,data_params,n,seed,budget,out_rel_fro,time_ms_median,"
          "config,cpu,threads\n",
          f);
    for (int p = 1; p <= 20; p++)
        for (int m = 16; m <= 32; m *= 2)
            fprintf(f, "%d%d,ok,m,landmarks=%d;p=%d,gaussian,n=1024,1024,1,%d,0.%d,%d,t.yaml,c,2\n", p, m,
                    m, p, m, p, p + m);
    fputs("0,ok,exact,impl=fused,gaussian,n=1024,1024,1,1024,1e-7,5,t.yaml,c,2\n", f);
    fclose(f);
    char out[600], log[600];
    snprintf(out, sizeof out, "%s/p4", dir);
    snprintf(log, sizeof log, "%s/stderr.txt", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0};
    struct ab_err err;
    fflush(stderr);
    int saved = dup(2);
    assert_non_null(freopen(log, "w", stderr));
    int rc = ab_plot((const char *[]){csv}, 1, &o, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (rc)
        fail_msg("%s", err.msg);
    char *msg = ab_test_slurp(log);
    assert_non_null(strstr(msg, "budget: not drawn: 20 series"));
    assert_non_null(strstr(msg, "m p=1,2,3"));
    assert_non_null(strstr(msg, "--where KEY=VALUE"));
    assert_non_null(strstr(msg, "--by KEY"));
    struct stat st;
    assert_int_not_equal(stat(path_in(out, "many-budget.gp"), &st), 0);
    assert_int_equal(stat(path_in(out, "many-pareto.gp"), &st), 0); /* the others still draw */
    free(msg);
    /* --where p=3: one series, drawn */
    const char *where[] = {"p=3"};
    o.where = where, o.nwhere = 1;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(stat(path_in(out, "many-budget.gp"), &st), 0);
}


/* Paper charts: legends in numeric order, no slope from 2 sizes, the
 * uniform method as a floor line (not a series) on error charts, exact as a
 * vertical line at its time on the Pareto chart (not a point), each Pareto
 * point labelled with its budget, and a PDF terminal when asked. */
/* Causal rows: the error along the sequence, one point per eighth of the
 * positions, averaged over seeds; unmasked and padded rows are not drawn. */
static void position_chart_draws_causal_rows_by_eighths(void **s)
{
    (void)s;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/pos", ab_test_tmpdir());
    mkdir(dir, 0777);
    const char *csv = path_in(dir, "pos.csv");
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("row_id,status,method,params,data,data_params,n,seed,budget,out_rel_fro,time_ms_median,"
          "config,cpu,threads,mask,err_by_position\n", f);
    int id = 0;
    const char *masks[] = {"none", "causal", "padding"};
    for (int mk = 0; mk < 3; mk++)
        for (int seed = 1; seed <= 2; seed++) {
            char pos[200] = "";
            for (int b = 0; b < 8; b++) /* seed 1: 0.1 b, seed 2: 0.3 b; none/padding: 9 */
                snprintf(pos + strlen(pos), sizeof pos - strlen(pos), "%s%g", b ? " " : "",
                         mk == 1 ? (seed == 1 ? 0.1 : 0.3) * (b + 1) : 9.0);
            fprintf(f, "%d,ok,m,w=1,gaussian,%s%s,256,%d,4,0.5,1.0,p.yaml,cpu,2,%s,%s\n", id++,
                    mk ? "mask=" : "n=256", mk ? masks[mk] : "", seed, masks[mk], pos);
        }
    fclose(f);
    char out[700];
    snprintf(out, sizeof out, "%s/plots", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *dat = ab_test_slurp(path_in(out, "pos-position.dat"));
    assert_non_null(dat);
    /* eighth 1 (x = 1/16): mean of 0.1 and 0.3; eighth 8: of 0.8 and 2.4 */
    assert_non_null(strstr(dat, "\n0.0625 0.2 0.1 0.3 nan 2 2\n"));
    assert_non_null(strstr(dat, "\n0.9375 1.6 0.8 2.4 nan 2 2\n"));
    assert_null(strstr(dat, " 9 9 9 ")); /* the unmasked and padded rows: not here */
    assert_int_equal(count_of(dat, "\n0."), 8);
    free(dat);
}

/* Low-precision rows: error vs the format's unit roundoff, fp32 rows (no
 * precision in their params) at 2^-24, one series per method. */
static void precision_chart_puts_formats_at_their_unit_roundoff(void **s)
{
    (void)s;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/prec", ab_test_tmpdir());
    mkdir(dir, 0777);
    const char *csv = path_in(dir, "prec.csv");
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("row_id,status,method,params,data,data_params,n,seed,budget,out_rel_fro,time_ms_median,"
          "config,cpu,threads\n", f);
    const char *fmts[] = {"", "precision=fp16;", "precision=bf16;"};
    double errs[] = {1e-7, 4e-4, 3e-3};
    int id = 0;
    for (int k = 0; k < 3; k++)
        fprintf(f, "%d,ok,m,%sw=1,gaussian,n=256,256,1,4,%g,1.0,p.yaml,cpu,2\n", id++, fmts[k],
                errs[k]);
    fclose(f);
    char out[700];
    snprintf(out, sizeof out, "%s/plots", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *dat = ab_test_slurp(path_in(out, "prec-precision.dat"));
    assert_non_null(dat);
    assert_non_null(strstr(dat, "\n5.96046448e-08 1e-07 "));
    assert_non_null(strstr(dat, "\n0.00048828125 0.0004 "));
    assert_non_null(strstr(dat, "\n0.00390625 0.003 "));
    assert_null(strstr(dat, "precision=")); /* the axis, not a series label */
    free(dat);
}

static void paper_charts_sort_numerically_and_draw_references(void **s)
{
    (void)s;
    const char *dir = ab_test_tmpdir();
    const char *csv = path_in(dir, "paper.csv");
    FILE *f = fopen(csv, "w");
    fputs("row_id,status,method,params,data,n,seed,budget,out_rel_fro,time_ms_median,config,cpu,"
          "threads\n",
          f);
    int id = 0;
    for (int n = 1024; n <= 2048; n *= 2) {
        fprintf(f, "%d,ok,exact,,gaussian,%d,1,%d,1e-7,50,p.yaml,cpu,2\n", id++, n, n);
        fprintf(f, "%d,ok,uniform,,gaussian,%d,1,1,0.9,0.01,p.yaml,cpu,2\n", id++, n);
        int ms[] = {128, 16, 32};
        for (int k = 0; k < 3; k++)
            fprintf(f, "%d,ok,b,landmarks=%d,gaussian,%d,1,%d,%g,%g,p.yaml,cpu,2\n", id++, ms[k], n,
                    ms[k], 1.0 / ms[k], ms[k] / 10.0);
    }
    fclose(f);
    char out[600];
    snprintf(out, sizeof out, "%s/paper", dir);
    struct ab_plot_opts o = {.out_dir = out, .png = 1, .pdf = 1, .render = 0};
    struct ab_err err;
    if (ab_plot((const char *[]){csv}, 1, &o, &err))
        fail_msg("%s", err.msg);
    char *gp = ab_test_slurp(path_in(out, "paper-time.gp"));
    assert_non_null(gp);
    const char *a = strstr(gp, "'b landmarks=16"), *b = strstr(gp, "'b landmarks=32"),
               *c = strstr(gp, "'b landmarks=128");
    assert_true(a && b && c && a < b && b < c); /* 16 < 32 < 128, not 128 < 16 < 32 */
    assert_null(strstr(gp, "(slope ")); /* two sizes: no slope in a legend */
    assert_non_null(strstr(gp, "set terminal pdfcairo"));
    assert_non_null(strstr(gp, "formats = \"png pdf\""));
    free(gp);
    gp = ab_test_slurp(path_in(out, "paper-budget.gp"));
    assert_non_null(gp);
    assert_non_null(strstr(gp, "'uniform (floor) n=1024'"));
    assert_null(strstr(gp, "'uniform ("
                           "1 seed)'")); /* not a series */
    assert_non_null(strstr(gp, "dt 2 lw 2.5 lc rgb \"#888888\""));
    free(gp);
    gp = ab_test_slurp(path_in(out, "paper-pareto.gp"));
    assert_non_null(gp);
    assert_non_null(strstr(gp, "set arrow 1 from 50, graph 0 to 50, graph 1 nohead"));
    assert_non_null(strstr(gp, "'exact: 50 ms'"));
    assert_null(strstr(gp, "'exact (")); /* exact is no point series */
    assert_non_null(strstr(gp, "with labels")); /* the budgets */
    free(gp);
    char *dat = ab_test_slurp(path_in(out, "paper-pareto.dat"));
    assert_null(strstr(dat, "1e-07")); /* exact's error does not stretch the axis */
    free(dat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plot_aggregates_seeds_and_fits_slopes),
        cmocka_unit_test(paper_charts_sort_numerically_and_draw_references),
        cmocka_unit_test(missing_gnuplot_names_the_package_and_leaves_the_csv),
        cmocka_unit_test(empty_or_foreign_csvs_are_clear_errors),
        cmocka_unit_test(heatmap_exact_block_is_the_float64_attention),
        cmocka_unit_test(plot_never_runs_text_from_the_csv),
        cmocka_unit_test(heatmap_never_runs_text_from_the_config),
        cmocka_unit_test(heatmap_draws_each_method_once_with_its_errors),
        cmocka_unit_test(heatmap_has_one_symmetric_colour_scale),
        cmocka_unit_test(heatmap_panels_follow_a_non_square_block),
        cmocka_unit_test(heatmap_writes_pdf_when_asked),
        cmocka_unit_test(heatmap_passes_the_mask_and_refuses_methods_without_it),
        cmocka_unit_test(heatmap_checks_the_head_and_memory_before_making_data),
        cmocka_unit_test(plot_never_pools_a_data_parameter),
        cmocka_unit_test(plot_band_spans_seeds_only),
        cmocka_unit_test(plot_where_filters_rows),
        cmocka_unit_test(plot_too_many_series_is_a_message),
        cmocka_unit_test(position_chart_draws_causal_rows_by_eighths),
        cmocka_unit_test(precision_chart_puts_formats_at_their_unit_roundoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
