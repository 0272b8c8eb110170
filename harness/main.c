/* main.c — the attnbench command line. Only main decides to exit; every
 * module returns a status.
 *
 *   attnbench run [CONFIG...] [--out FILE.csv] [--save-outputs DIR] [--resume]
 *                 [--force] [--set KEY=VALUE]... [--dry-run] [--plugin SO]...
 *                 [--no-fork] [--progress bar|lines|quiet]
 *   attnbench list [--plugin SO]...
 *
 * Tests: tests/e2e/ (the CLI end to end). */
#define _POSIX_C_SOURCE 200809L
#include "attnbench.h"
#include "data.h"
#include "plan.h"
#include "registry.h"
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CONFIG "experiments/default.yaml"

static void usage_main(FILE *f)
{
    fputs("usage: attnbench <command> [options]\n"
          "\n"
          "commands:\n"
          "  run [CONFIG...]   measure every row of the configs' sweeps into a CSV\n"
          "                    (default config: " DEFAULT_CONFIG ")\n"
          "  list              print every method and data kind with its parameters\n"
          "\n"
          "`attnbench <command> --help` describes a command.\n",
          f);
}

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
          "  --force              replace an existing results file\n"
          "  --set KEY=VALUE      override the config: KEY, data.[KIND.]PARAM or\n"
          "                       methods.[NAME.]PARAM; VALUE is YAML, e.g. n=[512,1024]\n"
          "  --dry-run            print the plan (rows, estimated time and memory), run nothing\n"
          "  --save-outputs DIR   write each row's output as DIR/<row_id>.npy (H, N, DV) float32\n"
          "  --plugin SO          load an out-of-tree method (repeatable)\n"
          "  --no-fork            measure in this process (debugging; no crash isolation)\n"
          "  --progress MODE      bar (default on a terminal), lines, or quiet\n"
          "\n"
          "exit status: 0 every row ok (or refused); 3 some rows failed (see status);\n"
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
        char path[1200];
        if (out)
            snprintf(path, sizeof path, "%s", out);
        else
            snprintf(path, sizeof path, "results/%s.csv", plan.set.name);
        o.out = path;
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
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "list")) {
        for (int i = 2; i < argc; i++) {
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
    fprintf(stderr, "attnbench: unknown command '%s'\n\n", cmd);
    usage_main(stderr);
    return 2;
}
