/* main.c — the attnbench command line. Only main decides to exit; every
 * module returns a status.
 *
 *   attnbench run [CONFIG...] [--out FILE.csv] [--save-outputs DIR] [--resume]
 *                 [--force] [--set KEY=VALUE]... [--dry-run] [--plugin SO]...
 *                 [--no-fork] [--progress bar|lines|quiet]
 *   attnbench list [--plugin SO]...
 *
 * Tests: tests/test_cli.c, tests/test_bad_inputs.c (the CLI end to end). */
#define _POSIX_C_SOURCE 200809L
#include "attnbench.h"
#include "ceiling.h"
#include "report/check.h"
#include "data/data.h"
#include "heatmap.h"
#include "report/merge.h"
#include "model_study.h"
#include "plan.h"
#include "report/plot.h"
#include "registry.h"
#include "run.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cblas.h>
#include <omp.h>

#define DEFAULT_CONFIG "experiments/default.yaml"

static void usage_run(FILE *f)
{
    fputs("usage: attnbench run [CONFIG...] [options]\n"
          "\n"
          "Runs each config's sweep: data x seeds x methods, each row measured in its own\n"
          "process against the float64 exact reference. Rows are appended to the CSV as\n"
          "they finish. With no CONFIG, runs " DEFAULT_CONFIG ".\n"
          "\n"
          "options:\n"
          "  --out FILE.csv       results file (default: results/<config name>.csv;\n"
          "                       only with a single config)\n"
          "  --resume             keep the rows already in the results file, measure the rest\n"
          "                       (a row measured on other input content is an error)\n"
          "  --retry-failed       --resume, and measure again the rows that did not succeed\n"
          "                       (status other than ok, refused and invalid)\n"
          "  --force              replace an existing results file\n"
          "  --set KEY=VALUE      override the config: KEY, data.[KIND.]PARAM or\n"
          "                       methods.[NAME.]PARAM; VALUE is YAML, e.g. n=[512,1024]\n"
          "  --dry-run            print the plan (rows, estimated time and memory), run nothing\n"
          "  --save-outputs DIR   write each row's output as DIR/<row_id>.npy (H, N, DV) float32\n"
          "  --plugin SO          load an out-of-tree method (repeatable)\n"
          "  --no-fork            measure in this process (debugging; no crash isolation)\n"
          "  --shard I/N          run shard I of N (1 <= I <= N): data instances assigned by\n"
          "                       estimated cost, every row in exactly one shard; default\n"
          "                       output results/<name>.shard-I-of-N.csv (see `merge`)\n"
          "  --progress MODE      bar (default on a terminal), lines, or quiet\n"
          "\n"
          "A row listed twice (a repeated list value or seed, an alias, a --set that makes\n"
          "two entries equal) is measured and written once; stderr says how many and names\n"
          "one. A parameter point that a size cannot take (landmarks m > n in an n x m grid)\n"
          "is an `invalid` row; a point that no size can take (landmarks together with\n"
          "landmark_ratio) is a config error at its file:line:column.\n"
          "\n"
          "exit status: 0 every row in the file ok, refused (past a method's memory cap) or\n"
          "             invalid (a size the point cannot take);\n"
          "             3 some rows in the file failed: oom, error, nan, timeout, crashed or\n"
          "             skipped (see status; rows kept by --resume count);\n"
          "             2 bad config or usage; 130 interrupted (the CSV keeps complete rows)\n",
          f);
}

static void usage_list(FILE *f)
{
    fputs("usage: attnbench list [--plugin SO]...\n"
          "\n"
          "Prints every method (built-in and loaded plugins) and every data kind, with\n"
          "each parameter's type, default and allowed range or choices.\n",
          f);
}

/* --format: a comma list of png, svg and pdf (at least one). */
static int parse_formats(const char *cmd, const char *f, int *png, int *svg, int *pdf)
{
    char rest[64];
    snprintf(rest, sizeof rest, "%s", f);
    *png = *svg = *pdf = 0;
    for (char *save = NULL, *t = strtok_r(rest, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "png"))
            *png = 1;
        else if (!strcmp(t, "svg"))
            *svg = 1;
        else if (!strcmp(t, "pdf"))
            *pdf = 1;
        else {
            fprintf(stderr, "attnbench %s: --format takes png, svg and/or pdf, got '%s'\n", cmd, t);
            return 2;
        }
    }
    if (!*png && !*svg && !*pdf) {
        fprintf(stderr, "attnbench %s: --format takes png, svg and/or pdf, got '%s'\n", cmd, f);
        return 2;
    }
    return 0;
}

static void usage_plot(FILE *f)
{
    fputs("usage: attnbench plot RESULTS.csv [--out DIR] [--format png,svg] [--no-render]\n"
          "                      [--where KEY=VALUE]... [--by KEY]...\n"
          "\n"
          "Aggregates the rows over seeds ONLY (the legend says how many) and writes, for\n"
          "each chart the CSV supports,\n"
          "DIR/<csv name>-<chart>.dat, a gnuplot script .gp beside it (kept, so that you can\n"
          "restyle and re-render), and the rendered .png/.svg. Charts: time and memory vs n\n"
          "(log-log, fitted slopes), error vs budget and vs budget/n (per data kind, min-max\n"
          "band over seeds), error and ||I - AZ|| vs pinv iterations, error vs time with the\n"
          "Pareto front, error vs attention entropy. Default DIR: plots.\n"
          "\n"
          "Nothing but the seed is averaged: every data parameter that varies in the file\n"
          "(data_params: order, scale, heads, d, ...) splits the panels (titled e.g.\n"
          "'clustered, order=shuffled'), every method parameter that varies (params) splits\n"
          "the series. Parameters without an effect on a row do not split: pinv_iters and\n"
          "pinv_init unless pinv=iterative, kmeans_iters unless selection=kmeans, and on the\n"
          "error charts tile_q, tile_k, cap_mib (they change time, not results). A chart\n"
          "with more than 12 panels or 16 series in a panel is not drawn; a message names\n"
          "the parameters that vary and their values.\n"
          "\n"
          "  --where KEY=VALUE  keep only the rows whose data parameter, method parameter or\n"
          "                     column KEY is VALUE (e.g. --where method=nystrom --where\n"
          "                     n=4096); repeatable; the same KEY twice keeps either value\n"
          "  --by KEY           split the panels by KEY too (repeatable)\n"
          "\n"
          "Exit status: 0 when at least one chart is written (charts not drawn for too\n"
          "many panels or series are reported on stderr); 2 for a bad CSV or option, or\n"
          "when no chart at all could be drawn; 3 when gnuplot is missing or fails.\n",
          f);
}

static int cmd_plot_parse(int argc, char **argv, const char **csvs, size_t *ncsv);

static int cmd_plot(int argc, char **argv)
{
    const char **csvs = calloc((size_t)argc + 1, sizeof *csvs);
    size_t ncsv = 0;
    if (!csvs) {
        fprintf(stderr, "attnbench plot: out of memory\n");
        return 2;
    }
    int rc = cmd_plot_parse(argc, argv, csvs, &ncsv);
    free(csvs);
    return rc;
}

static int cmd_plot_parse(int argc, char **argv, const char **csvs, size_t *ncsv)
{
    struct ab_plot_opts o = {.out_dir = "plots", .png = 1, .svg = 1, .render = 1};
    const char *where[64], *by[16];
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_plot(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--where") && i + 1 < argc) {
            if (!strchr(argv[i + 1], '=') || argv[i + 1][0] == '=') {
                fprintf(stderr, "attnbench plot: --where takes KEY=VALUE, got '%s'\n", argv[i + 1]);
                return 2;
            }
            if (o.nwhere == sizeof where / sizeof where[0]) {
                fprintf(stderr, "attnbench plot: at most %zu --where\n", sizeof where / sizeof where[0]);
                return 2;
            }
            where[o.nwhere++] = argv[++i];
            o.where = where;
        } else if (!strcmp(argv[i], "--by") && i + 1 < argc) {
            if (o.nby == sizeof by / sizeof by[0]) {
                fprintf(stderr, "attnbench plot: at most %zu --by\n", sizeof by / sizeof by[0]);
                return 2;
            }
            by[o.nby++] = argv[++i];
            o.by = by;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            o.out_dir = argv[++i];
        } else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
            o.name = argv[++i];
            char why[160];
            if (!ab_plan_name_ok(o.name, why, sizeof why)) {
                fprintf(stderr, "attnbench plot: --name '%s' %s (it names files: letters, digits, "
                                "'.', '_', '-')\n",
                        o.name, why);
                return 2;
            }
        } else if (!strcmp(argv[i], "--no-render")) {
            o.render = 0;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (parse_formats("plot", argv[++i], &o.png, &o.svg, &o.pdf))
                return 2;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "attnbench plot: unknown or incomplete option '%s' (see --help)\n", argv[i]);
            return 2;
        } else {
            csvs[(*ncsv)++] = argv[i];
        }
    }
    if (!*ncsv) {
        usage_plot(stderr);
        return 2;
    }
    struct ab_err err;
    int rc = ab_plot(csvs, *ncsv, &o, &err);
    if (rc) {
        fprintf(stderr, "attnbench plot: %s\n", err.msg);
        return rc == AB_EUNSUPPORTED ? 3 : 2;
    }
    return 0;
}

static int load_plugin(const char *path);

static void usage_check(FILE *f)
{
    fputs("usage: attnbench check RESULTS.csv --baseline BASE.csv [--tol COLUMN=REL[,ABS]]...\n"
          "                       [--config CHECK.yaml] [--time-ratio R]\n"
          "\n"
          "Matches rows by row_id and compares the error columns (out_rel_fro, out_max_abs,\n"
          "out_cos, attn_rel_fro, attn_rel_spec, row_sum_dev, pinv_resid, pinv_vs_svd): a value\n"
          "worse than the baseline's by more than ABS + REL * |baseline| is a regression\n"
          "(defaults REL 1e-3, ABS 1e-6), as is a value that is gone, or a baseline row\n"
          "missing from the results. --time-ratio R also fails a row whose time relative to\n"
          "exact attention on the same data grew more than R times.\n"
          "Statuses are ordered ok > refused, invalid > failures (oom, error, nan, timeout,\n"
          "crashed, skipped): a move up is an improvement, any other change a regression\n"
          "(a failure of another kind too). An impossible value (not a number, NaN, inf, a\n"
          "negative norm, a cosine outside [-1, 1]) is a regression in RESULTS and an error\n"
          "in BASE (naming BASE:line and the column).\n"
          "The gate fails closed: an unreadable file (NUL bytes, ragged or torn lines), a\n"
          "baseline with no error columns or no rows, a repeated row_id, or a check that\n"
          "compares no row at all is an error.\n"
          "CHECK.yaml: check: {tolerances: {out_rel_fro: {rel: 0.01, abs: 1e-5}}, time_ratio: 2}\n"
          "\n"
          "exit status: 0 pass; 1 regression or missing rows; 2 usage, unreadable input or\n"
          "nothing compared\n",
          f);
}

static int cmd_check_run(int argc, char **argv, const char **results, size_t *nresults);

static int cmd_check(int argc, char **argv)
{
    const char **results = calloc((size_t)argc + 1, sizeof *results);
    size_t nresults = 0;
    if (!results) {
        fprintf(stderr, "attnbench check: out of memory\n");
        return 2;
    }
    int rc = cmd_check_run(argc, argv, results, &nresults);
    free(results);
    return rc;
}

static int cmd_check_run(int argc, char **argv, const char **results, size_t *nresults)
{
    const char *baseline = NULL;
    struct ab_check_opts o;
    struct ab_err err;
    ab_check_defaults(&o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_check(stdout);
            return 0;
        } else if (!strcmp(a, "--baseline") && i + 1 < argc) {
            baseline = argv[++i];
        } else if (!strcmp(a, "--tol") && i + 1 < argc) {
            if (ab_check_parse_tol(&o, argv[++i], &err)) {
                fprintf(stderr, "attnbench check: %s\n", err.msg);
                return 2;
            }
        } else if (!strcmp(a, "--config") && i + 1 < argc) {
            if (ab_check_load_config(&o, argv[++i], &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 2;
            }
        } else if (!strcmp(a, "--time-ratio") && i + 1 < argc) {
            char *end;
            o.time_ratio = strtod(argv[++i], &end);
            if (*end || !(o.time_ratio >= 1)) {
                fprintf(stderr, "attnbench check: --time-ratio takes a number >= 1, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "attnbench check: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        } else {
            results[(*nresults)++] = a;
        }
    }
    if (!*nresults || !baseline) {
        usage_check(stderr);
        return 2;
    }
    struct ab_check_summary sum;
    if (ab_check(results, *nresults, baseline, &o, stdout, &sum, &err)) {
        fprintf(stderr, "attnbench check: %s\n", err.msg);
        return 2;
    }
    return sum.regressions || sum.missing ? 1 : 0;
}

static int cmd_merge_run(int argc, char **argv, const char **inputs, const char **sets);

static int cmd_merge(int argc, char **argv)
{
    /* at most argc of each: no fixed limit, none ignored */
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (!inputs || !sets) {
        free(inputs), free(sets);
        fprintf(stderr, "attnbench merge: out of memory for %d arguments\n", argc);
        return 2;
    }
    int rc = cmd_merge_run(argc, argv, inputs, sets);
    free(inputs), free(sets);
    return rc;
}

static int cmd_merge_run(int argc, char **argv, const char **inputs, const char **sets)
{
    const char *out = NULL, *config = NULL;
    size_t n = 0, nsets = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            puts("usage: attnbench merge SHARD.csv... --out FILE.csv [--config CONFIG.yaml] [--set K=V]...\n\n"
                 "Combines shard results (identical columns required), keeps one row per row_id\n"
                 "(an ok one when there are duplicates) and, given the config the shards ran,\n"
                 "writes the rows in the plan's order (as a single run would) and lists the\n"
                 "plan's rows no shard has.\n\n"
                 "exit status: 0 complete; 1 rows missing (the merged file is still written);\n"
                 "2 usage or input error");
            return 0;
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            sets[nsets++] = argv[++i];
        } else if (!strcmp(a, "--plugin") && i + 1 < argc) {
            if (load_plugin(argv[++i]))
                return 2;
        } else if (a[0] == '-') {
            fprintf(stderr, "attnbench merge: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        } else {
            inputs[n++] = a;
        }
    }
    if (!n || !out) {
        fprintf(stderr, "usage: attnbench merge SHARD.csv... --out FILE.csv [--config CONFIG.yaml]\n");
        return 2;
    }
    struct ab_plan plan;
    struct ab_err err;
    struct ab_merge_summary sum;
    if (config && ab_plan_load(config, sets, nsets, &plan, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    /* the plan's rows, in the order a single run writes them */
    struct ab_merge_planned *planned = NULL;
    size_t nplanned = 0;
    int rc = AB_OK;
    if (config) {
        nplanned = plan.ndata * plan.set.nseeds * plan.nmethods;
        planned = calloc(nplanned ? nplanned : 1, sizeof *planned);
        char **labels = calloc(nplanned ? nplanned : 1, sizeof *labels);
        if (!planned || !labels)
            rc = ab_errf(&err, AB_ENOMEM, "out of memory for %zu planned rows", nplanned);
        size_t p = 0;
        for (size_t d = 0; rc == AB_OK && d < plan.ndata; d++)
            for (size_t s = 0; s < plan.set.nseeds; s++)
                for (size_t m = 0; m < plan.nmethods; m++, p++) {
                    const struct ab_plan_data *pd = &plan.data[d];
                    const struct ab_plan_method *pm = &plan.methods[m];
                    ab_plan_row_id(pd, plan.set.seeds[s], pm, planned[p].id);
                    int len = snprintf(NULL, 0, "%s(%s) seed=%llu %s(%s)", pd->kind->name, pd->params,
                                       (unsigned long long)plan.set.seeds[s], pm->m->name, pm->params);
                    labels[p] = malloc((size_t)len + 1);
                    if (labels[p])
                        snprintf(labels[p], (size_t)len + 1, "%s(%s) seed=%llu %s(%s)", pd->kind->name,
                                 pd->params, (unsigned long long)plan.set.seeds[s], pm->m->name,
                                 pm->params);
                    planned[p].label = labels[p] ? labels[p] : "";
                }
        if (rc == AB_OK)
            rc = ab_merge(inputs, n, planned, nplanned, out, stderr, &sum, &err);
        for (size_t i = 0; labels && i < nplanned; i++)
            free(labels[i]);
        free(labels);
        free(planned);
        ab_plan_free(&plan);
    } else {
        rc = ab_merge(inputs, n, NULL, 0, out, stderr, &sum, &err);
    }
    if (rc) {
        fprintf(stderr, "attnbench merge: %s\n", err.msg);
        return 2;
    }
    fprintf(stderr, "attnbench merge: %zu rows to %s; %zu duplicates dropped; %zu missing%s\n", sum.rows,
            out, sum.duplicates, sum.missing, config ? "" : " (no --config: not checked)");
    return sum.missing ? 1 : 0;
}

/* A whole-number option value in [lo, hi]; a message and -1 otherwise. */
static int opt_number(const char *opt, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "attnbench ceiling: %s takes a whole number in [%ld, %ld], got '%s'\n", opt, lo,
                hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int cmd_ceiling(int argc, char **argv)
{
    int threads = 0;
    double seconds = 1.0;
    size_t d = 64;
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: attnbench ceiling [--threads T] [--d D] [--seconds S] [--out FILE.csv]\n\n"
                 "SGEMM GFLOP/s through OpenBLAS on this machine: the tile products the methods\n"
                 "run (T OpenMP threads, each single-threaded BLAS on its own tiles) and large\n"
                 "products with OpenBLAS's own T threads. The `ceiling` row is what every results\n"
                 "row's frac_of_sgemm divides by. Last, the FMA peak: T threads of 512-bit FMAs\n"
                 "on registers (the roof no kernel with an exp reaches; AVX-512 builds only).\n"
                 "Default T: online CPUs; D: 64.");
            return 0;
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            long v;
            if (opt_number(argv[i], argv[i + 1], 1, 4096, &v) != 0)
                return 2;
            threads = (int)v, i++;
        } else if (!strcmp(argv[i], "--d") && i + 1 < argc) {
            long v;
            if (opt_number(argv[i], argv[i + 1], 1, 4096, &v) != 0)
                return 2;
            d = (size_t)v, i++;
        } else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            char *end;
            seconds = strtod(argv[++i], &end);
            if (end == argv[i] || *end || !(seconds > 0 && seconds <= 3600)) {
                fprintf(stderr, "attnbench ceiling: --seconds takes a number in (0, 3600], got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "attnbench ceiling: unknown or incomplete option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (threads <= 0)
        threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    FILE *csv = out ? fopen(out, "w") : NULL;
    if (out && !csv) {
        fprintf(stderr, "attnbench ceiling: %s: %s\n", out, strerror(errno));
        return 2;
    }
    omp_set_num_threads(threads);
    ab_ceiling_table(d, threads, seconds, stdout, csv);
    if (csv && fclose(csv) != 0) {
        fprintf(stderr, "attnbench ceiling: %s: %s\n", out, strerror(errno));
        return 2;
    }
    return 0;
}

static void usage_heatmap(FILE *f)
{
    fputs("usage: attnbench heatmap CONFIG.yaml [--set KEY=VALUE]... [--plugin SO]... [--out DIR]\n"
          "                         [--head H] [--rows R0:R1] [--cols C0:C1] [--format png,svg,pdf]\n"
          "                         [--no-render]\n"
          "\n"
          "For the config's first data entry and first seed (under its mask), renders the\n"
          "block rows [R0, R1) x keys [C0, C1) (default 0:64 x 0:64) of head H (default 0)\n"
          "of the exact attention matrix, once, beside the same block of each method point\n"
          "with rows(), once each, titled with its block and output errors against exact\n"
          "(the Nystromformer paper's Fig. 3 view). One colour bar for all panels: a\n"
          "diverging scale, white at 0, symmetric about it, so negative weights show.\n"
          "Writes DIR/<name>-heatmap.{gp,png,svg} (--format: any of png, svg, pdf) and\n"
          "the blocks as .dat (default DIR: plots).\n",
          f);
}

static int parse_range(const char *s, size_t *a, size_t *b)
{
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end != ':')
        return -1;
    unsigned long long y = strtoull(end + 1, &end, 10);
    if (*end || y <= x)
        return -1;
    *a = (size_t)x, *b = (size_t)y;
    return 0;
}

static int cmd_heatmap(int argc, char **argv)
{
    const char *config = NULL, *sets[256];
    size_t nsets = 0;
    struct ab_heatmap_opts o = {.out_dir = "plots", .png = 1, .svg = 1, .render = 1};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_heatmap(stdout);
            return 0;
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            o.out_dir = argv[++i];
        } else if (!strcmp(a, "--set") && i + 1 < argc && nsets < 256) {
            sets[nsets++] = argv[++i];
        } else if (!strcmp(a, "--plugin") && i + 1 < argc) {
            if (load_plugin(argv[++i]))
                return 2;
        } else if (!strcmp(a, "--head") && i + 1 < argc) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (end == argv[i] || *end || errno || argv[i][0] == '-') {
                fprintf(stderr, "attnbench heatmap: --head takes a head number (0, 1, ...), got '%s'\n",
                        argv[i]);
                return 2;
            }
            o.head = (size_t)v;
        } else if ((!strcmp(a, "--rows") || !strcmp(a, "--cols")) && i + 1 < argc) {
            int bad = a[2] == 'r' ? parse_range(argv[i + 1], &o.r0, &o.r1)
                                  : parse_range(argv[i + 1], &o.c0, &o.c1);
            if (bad) {
                fprintf(stderr, "attnbench heatmap: %s takes START:END with START < END, got '%s'\n",
                        a, argv[i + 1]);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (parse_formats("heatmap", argv[++i], &o.png, &o.svg, &o.pdf))
                return 2;
        } else if (!strcmp(a, "--no-render")) {
            o.render = 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "attnbench heatmap: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        } else {
            config = a;
        }
    }
    if (!config) {
        usage_heatmap(stderr);
        return 2;
    }
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(config, sets, nsets, &plan, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    int rc = ab_heatmap(&plan, &o, &err);
    ab_plan_free(&plan);
    if (rc) {
        fprintf(stderr, "attnbench heatmap: %s\n", err.msg);
        return rc == AB_EUNSUPPORTED ? 3 : 2;
    }
    return 0;
}

static void print_params(const struct ab_param *ps, int n)
{
    for (int i = 0; i < n; i++) {
        const struct ab_param *p = &ps[i];
        char range[160];
        switch (p->type) {
        case AB_PT_INT:
            snprintf(range, sizeof range, "int in [%.0f, %.0f]", p->lo, p->hi);
            break;
        case AB_PT_REAL:
            snprintf(range, sizeof range, "real in [%g, %g]", p->lo, p->hi);
            break;
        case AB_PT_ENUM:
            snprintf(range, sizeof range, "%s", p->choices);
            break;
        case AB_PT_BOOL:
            snprintf(range, sizeof range, "true|false");
            break;
        case AB_PT_STRING:
            snprintf(range, sizeof range, "text");
            break;
        }
        printf("    %-16s %-28s default %-10s %s\n", p->name, range, p->def ? p->def : "-",
               p->help ? p->help : "");
    }
}

static int cmd_list(void)
{
    size_t count;
    const struct ab_method *const *ms = ab_methods(&count);
    printf("methods:\n");
    for (size_t i = 0; i < count; i++) {
        const struct ab_method *m = ms[i];
        printf("  %s%s — %s%s\n", m->name, m->caps & AB_CAP_CUDA ? " (backend: cuda)" : "",
               m->summary ? m->summary : "", m->caps & AB_CAP_ROWS ? " [rows]" : "");
        print_params(m->params, m->nparams);
    }
    printf("\ndata kinds:\n");
    for (int i = 0; i < ab_ndatakinds; i++) {
        const struct ab_datakind *k = ab_datakinds[i];
        printf("  %s — %s\n", k->name, k->summary ? k->summary : "");
        print_params(k->params, k->nparams);
    }
    return 0;
}

static int load_plugin(const char *path)
{
    struct ab_err err;
    if (ab_plugin_load(path, &err)) {
        fprintf(stderr, "attnbench: %s\n", err.msg);
        return 2;
    }
    return 0;
}

/* Fetch the argument of option argv[*i]; NULL (after a message) if missing. */
static const char *optarg_of(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "attnbench: %s needs an argument (see --help)\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int cmd_run(int argc, char **argv)
{
    const char *configs[64], *sets[256], *out = NULL;
    size_t nconfigs = 0, nsets = 0;
    struct ab_run_opts o = {0};
    o.progress = AB_PROGRESS_AUTO;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_run(stdout);
            return 0;
        } else if (!strcmp(a, "--out")) {
            if (!(out = optarg_of(argc, argv, &i)))
                return 2;
        } else if (!strcmp(a, "--save-outputs")) {
            if (!(o.save_outputs = optarg_of(argc, argv, &i)))
                return 2;
        } else if (!strcmp(a, "--retry-failed")) {
            o.resume = o.retry_failed = 1;
        } else if (!strcmp(a, "--resume")) {
            o.resume = 1;
        } else if (!strcmp(a, "--force")) {
            o.force = 1;
        } else if (!strcmp(a, "--dry-run")) {
            o.dry_run = 1;
        } else if (!strcmp(a, "--no-fork")) {
            o.no_fork = 1;
        } else if (!strcmp(a, "--set")) {
            if (!(v = optarg_of(argc, argv, &i)))
                return 2;
            if (nsets == 256) {
                fprintf(stderr, "attnbench: too many --set options\n");
                return 2;
            }
            sets[nsets++] = v;
        } else if (!strcmp(a, "--plugin")) {
            if (!(v = optarg_of(argc, argv, &i)) || load_plugin(v))
                return 2;
        } else if (!strcmp(a, "--shard")) {
            if (!(v = optarg_of(argc, argv, &i)))
                return 2;
            char *end;
            long si = strtol(v, &end, 10), sn = *end == '/' ? strtol(end + 1, &end, 10) : 0;
            if (*end || si < 1 || sn < 1 || si > sn || sn > 100000) {
                fprintf(stderr, "attnbench: --shard takes I/N with 1 <= I <= N, got '%s'\n", v);
                return 2;
            }
            o.shard = (int)si, o.nshards = (int)sn;
        } else if (!strcmp(a, "--progress")) {
            if (!(v = optarg_of(argc, argv, &i)))
                return 2;
            if (!strcmp(v, "bar"))
                o.progress = AB_PROGRESS_BAR;
            else if (!strcmp(v, "lines"))
                o.progress = AB_PROGRESS_LINES;
            else if (!strcmp(v, "quiet"))
                o.progress = AB_PROGRESS_QUIET;
            else {
                fprintf(stderr, "attnbench: --progress must be bar, lines or quiet, got '%s'\n", v);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "attnbench run: unknown option '%s' (see attnbench run --help)\n", a);
            return 2;
        } else {
            if (nconfigs == 64) {
                fprintf(stderr, "attnbench: too many configs\n");
                return 2;
            }
            configs[nconfigs++] = a;
        }
    }
    if (nconfigs == 0)
        configs[nconfigs++] = DEFAULT_CONFIG;
    if (out && nconfigs > 1) {
        fprintf(stderr, "attnbench: --out takes one config; each of several configs writes "
                        "results/<its name>.csv\n");
        return 2;
    }
    if (o.resume && o.force) {
        fprintf(stderr, "attnbench: --resume and --force contradict each other\n");
        return 2;
    }
    int worst = 0;
    for (size_t c = 0; c < nconfigs; c++) {
        struct ab_plan plan;
        struct ab_err err;
        if (ab_plan_load(configs[c], sets, nsets, &plan, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 2;
        }
        if (plan.dup_rows)
            fprintf(stderr,
                    "attnbench: %s: %zu row%s listed more than once, measured once (%zu "
                    "distinct row%s); e.g. %s\n",
                    configs[c], plan.dup_rows, plan.dup_rows == 1 ? " is" : "s are",
                    ab_plan_rows(&plan), ab_plan_rows(&plan) == 1 ? "" : "s", plan.dup_example);
        char path[1200];
        if (!out && !plan.set.name[0]) {
            fprintf(stderr,
                    "attnbench: %s: the file name gives no usable results name (letters, digits, "
                    "'.', '_', '-'; not starting with '.'): set 'name:' in the config or give "
                    "--out\n",
                    configs[c]);
            ab_plan_free(&plan);
            return 2;
        }
        if (out)
            path[0] = '\0'; /* --out is used as given, whatever its length */
        else if (o.nshards)
            snprintf(path, sizeof path, "results/%s.shard-%d-of-%d.csv", plan.set.name, o.shard,
                     o.nshards);
        else
            snprintf(path, sizeof path, "results/%s.csv", plan.set.name);
        if (!out && !o.dry_run && mkdir("results", 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "attnbench: cannot create results/: %s\n", strerror(errno));
            ab_plan_free(&plan);
            return 2;
        }
        o.out = out ? out : path;
        int rc = ab_run(&plan, &o, &err);
        ab_plan_free(&plan);
        if (rc == AB_EXIT_USAGE) {
            fprintf(stderr, "attnbench: %s\n", err.msg);
            return rc;
        }
        if (rc == AB_EXIT_INTERRUPTED)
            return rc;
        if (rc > worst)
            worst = rc;
    }
    return worst;
}

static int cmd_list_args(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_list(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--plugin") && i + 1 < argc) {
            if (load_plugin(argv[++i]))
                return 2;
        } else {
            fprintf(stderr, "attnbench list: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    return cmd_list();
}

/* The commands: `attnbench NAME ARGS...` calls fn(argc, argv) with the
 * arguments after NAME; each answers --help itself. */
static const struct command {
    const char *name, *synopsis, *summary;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"run", "run [CONFIG...]",
     "measure every row of the configs' sweeps into a CSV\n(default config: " DEFAULT_CONFIG ")",
     cmd_run},
    {"list", "list", "print every method and data kind with its parameters", cmd_list_args},
    {"plot", "plot RESULTS.csv", "render a results file's charts with gnuplot", cmd_plot},
    {"heatmap", "heatmap CONFIG", "exact vs approximate attention blocks, side by side", cmd_heatmap},
    {"ceiling", "ceiling", "measure the SGEMM ceiling of this machine and thread count", cmd_ceiling},
    {"check", "check RESULTS.csv --baseline BASE.csv", "fail on an approximation-error regression",
     cmd_check},
    {"merge", "merge SHARD.csv... --out FILE.csv [--config C.yaml]", "combine shard results",
     cmd_merge},
    {"model", "model CONFIG.yaml", "substitute methods into a pretrained BERT encoder's layers",
     ab_cmd_model},
};

static void usage_main(FILE *f)
{
    fputs("usage: attnbench <command> [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %s\n", commands[i].synopsis);
        for (const char *s = commands[i].summary; *s;) { /* each summary line, indented */
            const char *nl = strchr(s, '\n');
            int len = nl ? (int)(nl - s) : (int)strlen(s);
            fprintf(f, "      %.*s\n", len, s);
            s += len + (nl != NULL);
        }
    }
    fputs("\n`attnbench <command> --help` describes a command.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 2, argv + 2);
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i].name;
    const char *near = ab_closest(cmd, names, sizeof names / sizeof names[0]);
    fprintf(stderr, "attnbench: unknown command '%s'", cmd);
    if (near)
        fprintf(stderr, " (did you mean '%s'?)", near);
    fputs("\n\n", stderr);
    usage_main(stderr);
    return 2;
}
