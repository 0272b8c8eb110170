/* run.c — see run.h: the sweep. For each data instance of this shard,
 * the data and its reference, then each method's row measured in isolation
 * (measure.h, result.h), its ceiling (ceiling_cache.h), the row appended
 * (results_csv.h) and the progress shown (progress.h).
 * Tests: tests/test_cli.c, tests/test_bad_inputs.c, tests/test_merge.c. */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include "run.h"

#include "ceiling_cache.h"
#include "dry_run.h"
#include "inputs.h"
#include "measure.h"
#include "progress.h"
#include "provenance.h"
#include "reference_cache.h"
#include "shard.h"
#include "registry.h"
#include "result.h"
#include "results_csv.h"
#include "threads.h"
#include "timing.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Raised by SIGINT/SIGTERM/SIGHUP: the row in flight is killed and not written. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

static void measure_child(const void *arg, struct ab_result *res) { ab_measure(arg, res); }

int ab_data_fits(const struct ab_plan_data *pd, int want_ref, double extra_bytes, const char *extra_what,
                 struct ab_err *err)
{
    double H = (double)pd->dims[0], N = (double)pd->dims[1], D = (double)pd->dims[2],
           DV = (double)pd->dims[3];
    double need = 4 * H * N * (2 * D + DV) + (want_ref ? 8 * H * N * (DV + 2) : 0) + extra_bytes;
    double avail = ab_mem_available();
    if (!(avail > 0 && need > avail))
        return AB_OK;
    char what[300]; /* "Q, K, V", then the reference and the extra, joined by ", " and " and " */
    const char *parts[3] = {"Q, K, V", want_ref ? "the float64 reference" : NULL,
                            extra_bytes > 0 && extra_what ? extra_what : NULL};
    size_t np = 0, len = 0;
    for (int i = 0; i < 3; i++)
        if (parts[i])
            parts[np++] = parts[i];
    for (size_t i = 0; i < np && len < sizeof what; i++)
        len += (size_t)snprintf(what + len, sizeof what - len, "%s%s",
                                i == 0 ? "" : i + 1 == np ? " and " : ", ", parts[i]);
    return ab_errf(err, AB_ENOMEM,
                   "the data instance needs %.2f GiB in this process (%s; H=%.0f N=%.0f D=%.0f "
                   "DV=%.0f) and this machine has %.2f GiB available",
                   need / 1073741824.0, what, H, N, D, DV,
                   avail / 1073741824.0);
}

/* A status cell of a row that did not succeed: neither ok, nor refused (a
 * size past the method's memory cap), nor invalid (a parameter point the
 * size cannot take, m > n: expected in a grid sweep; a point no size can
 * take is a config error before anything runs, ab_plan_check_valid). */
static int status_failed(const char *status)
{
    return strcmp(status, ab_row_status_name(AB_ROW_OK)) != 0 &&
           strcmp(status, ab_row_status_name(AB_ROW_REFUSED)) != 0 &&
           strcmp(status, ab_row_status_name(AB_ROW_INVALID)) != 0;
}

/* --resume: the rows of instance (pd, seed) already in the file must have
 * been measured on these inputs (inputs.h); a row measured on other content
 * is an error naming its line, never kept beside rows of the new content. */
static int check_present_inputs(const struct ab_csv *csv, const struct ab_plan_data *pd,
                                const struct ab_data *d, uint64_t seed, const struct ab_plan *plan,
                                const char *out, struct ab_err *err)
{
    for (size_t mi = 0; mi < plan->nmethods; mi++) {
        const struct ab_plan_method *pm = &plan->methods[mi];
        char id[17], now[17];
        ab_plan_row_id(pd, seed, pm, id);
        for (size_t i = 0; i < ab_csv_prev_rows(csv); i++) {
            if (strcmp(ab_csv_prev_cell(csv, i, "row_id"), id) != 0)
                continue;
            const char *then = ab_csv_prev_cell(csv, i, "inputs_id");
            if (!*then)
                break; /* a skipped row: no data was made for it */
            ab_row_inputs_id(d, pm, now);
            if (strcmp(then, now) != 0)
                return ab_errf(err, AB_EINVAL,
                               "%s:%d: row %s (%s(%s) seed=%llu %s(%s)) was measured on other "
                               "inputs (inputs_id %s then, %s now: a data or method file has "
                               "changed since): --resume would keep it beside rows of the new "
                               "content; use --force to measure everything again, or --out a new "
                               "file",
                               out, ab_csv_prev_line(csv, i), id, pd->kind->name, pd->params,
                               (unsigned long long)seed, pm->m->name, pm->params, then, now);
            break;
        }
    }
    return AB_OK;
}

/* dir + "/" + name + ext, malloc'd (any length: a path is never cut). */
static char *path_join(const char *dir, const char *name, const char *ext)
{
    size_t len = strlen(dir) + 1 + strlen(name) + strlen(ext) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s", dir, name, ext);
    return p;
}

int ab_run(const struct ab_plan *plan, const struct ab_run_opts *o, struct ab_err *err)
{
    /* plugin code in the parent only behind isolation: the estimates that
     * --dry-run prints and --shard balances on come from a child */
    struct ab_est *est = NULL;
    if (ab_plan_check_valid(plan, o->no_fork, err))
        return AB_EXIT_USAGE;
    if ((o->dry_run || o->nshards > 0) && ab_plan_estimates(plan, o->no_fork, &est, err))
        return AB_EXIT_USAGE;
    unsigned char *mask = ab_plan_shard_mask(plan, est, o->shard, o->nshards, err);
    if (!mask) {
        free(est);
        return AB_EXIT_USAGE;
    }
    if (o->dry_run) {
        ab_dry_run(plan, mask, est);
        free(est);
        free(mask);
        return AB_EXIT_OK;
    }
    free(est);
    /* contention: a loaded machine makes timings noisy (OpenMP barriers wait
     * out other processes' scheduler quanta); say so once, and take the run's
     * reference calibration (timing.h) that every row's is compared with */
    double load = ab_load_avg();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (ab_load_warn(load, online, plan->set.threads))
        fprintf(stderr,
                "attnbench: warning: the 1-minute load average is %.2f and %ld of %ld cores are "
                "free of this run's %d threads: timings may be noisy (see the timing column)\n",
                load, online > plan->set.threads ? online - plan->set.threads : 0, online,
                plan->set.threads);
    double calib_ref = ab_calibrate_ref_ms(5); /* lowered by faster rows below */
    struct ab_prov prov;
    ab_provenance(&prov);
    ab_blas_set_threads(1);
    struct ab_columns cols;
    ab_results_columns(plan, &cols);
    if (o->save_outputs && ab_mkdirs(o->save_outputs) != 0) {
        free(mask);
        return ab_errf(err, AB_EIO, "--save-outputs %s: %s", o->save_outputs, strerror(errno)),
               AB_EXIT_USAGE;
    }
    struct ab_csv csv;
    if (ab_csv_open(&csv, o->out, cols.names, cols.n, cols.keys, cols.nkeys, o->resume,
                    o->force, err)) {
        free(mask);
        return AB_EXIT_USAGE;
    }
    /* --retry-failed: the rows that did not succeed leave the file, to be
     * measured again */
    size_t nprev = ab_csv_prev_rows(&csv), retry = 0;
    if (o->retry_failed && nprev) {
        unsigned char *keep = malloc(nprev);
        if (!keep) {
            ab_csv_close(&csv);
            free(mask);
            return ab_errf(err, AB_ENOMEM, "out of memory"), AB_EXIT_USAGE;
        }
        for (size_t i = 0; i < nprev; i++) {
            keep[i] = !status_failed(ab_csv_prev_cell(&csv, i, "status"));
            retry += !keep[i];
        }
        int rc = retry ? ab_csv_keep_prev(&csv, keep, err) : AB_OK;
        free(keep);
        if (rc) {
            ab_csv_close(&csv);
            free(mask);
            return AB_EXIT_USAGE;
        }
        fprintf(stderr, "attnbench: --retry-failed: %zu row%s of %s to measure again\n", retry,
                retry == 1 ? "" : "s", o->out);
    }
    struct sigaction sa = {0}, old_int, old_term, old_hup;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    size_t in_shard = 0;
    for (size_t i = 0; i < ab_plan_instances(plan); i++)
        in_shard += mask[i];
    struct ab_progress pg = {o->progress, in_shard * plan->nmethods, 0, 0, ab_now(), 0};
    if (pg.mode == AB_PROGRESS_AUTO)
        pg.mode = isatty(2) ? AB_PROGRESS_BAR : AB_PROGRESS_LINES;
    struct ab_ceilings ceil = {0};
    size_t failed = 0, written = 0;
    int exit_code = AB_EXIT_OK;

    for (size_t di = 0; di < plan->ndata && !interrupted; di++) {
        const struct ab_plan_data *pd = &plan->data[di];
        for (size_t si = 0; si < plan->set.nseeds && !interrupted; si++) {
            if (!mask[di * plan->set.nseeds + si])
                continue; /* another shard's */
            uint64_t seed = plan->set.seeds[si];
            /* rows of this instance still to measure, and rows already there */
            size_t todo = 0, present = 0;
            for (size_t mi = 0; mi < plan->nmethods; mi++) {
                char id[17];
                ab_plan_row_id(pd, seed, &plan->methods[mi], id);
                int has = o->resume && ab_csv_has(&csv, id);
                todo += !has, present += has;
            }
            struct ab_data d = {0};
            struct ab_reference ref = {0};
            struct ab_err derr = {{0}};
            /* the data is made for the rows to measure, and for the rows
             * already there: their inputs must be these inputs */
            /* the data (and its reference) live in this process: checked
             * against the memory there is before they are made */
            int want_ref = !plan->set.ref_max_n || pd->dims[1] <= plan->set.ref_max_n;
            int drc = ab_data_fits(pd, want_ref, 0, NULL, &derr);
            if (drc == AB_OK)
                drc = ab_plan_data_make(pd, seed, &d, &derr);
            if (drc == AB_OK && present &&
                check_present_inputs(&csv, pd, &d, seed, plan, o->out, err) != AB_OK) {
                ab_data_free(&d);
                exit_code = AB_EXIT_USAGE;
                interrupted = -1;
                break;
            }
            if (!todo) {
                for (size_t mi = 0; mi < plan->nmethods; mi++)
                    ab_progress_row(&pg, pd, seed, &plan->methods[mi], NULL, 1);
                ab_data_free(&d);
                continue;
            }
            int want_attn = want_ref && ab_plan_attn(&plan->set, pd->dims[1]);
            int any_rows = 0;
            for (size_t mi = 0; mi < plan->nmethods; mi++)
                any_rows |= plan->methods[mi].m->rows != NULL;
            int want_spec = want_attn && any_rows && plan->set.attn_spec;
            if (drc == AB_OK && want_ref)
                drc = ab_reference_get(plan, &d, want_spec, o->no_fork, &interrupted, &ref, &derr);
            else if (drc == AB_OK)
                ref.entropy = NAN; /* above reference_max_n: timed, not compared */
            for (size_t mi = 0; mi < plan->nmethods && !interrupted; mi++) {
                const struct ab_plan_method *pm = &plan->methods[mi];
                char id[17];
                ab_plan_row_id(pd, seed, pm, id);
                if (o->resume && ab_csv_has(&csv, id)) {
                    ab_progress_row(&pg, pd, seed, pm, NULL, 1);
                    continue;
                }
                struct ab_result res;
                if (drc != AB_OK) {
                    ab_result_init(&res);
                    res.status = AB_ROW_SKIPPED;
                    snprintf(res.error, sizeof res.error, "%s", derr.msg);
                } else {
                    char *save = NULL;
                    if (o->save_outputs && !(save = path_join(o->save_outputs, id, ".npy"))) {
                        ab_result_init(&res);
                        res.status = AB_ROW_ERROR;
                        snprintf(res.error, sizeof res.error, "out of memory for the output path");
                    } else {
                        struct ab_row_job job = {plan,      pm,        &d,   &ref,     seed,
                                                 want_attn, want_spec, save, calib_ref};
                        if (o->no_fork)
                            ab_measure(&job, &res);
                        else
                            ab_result_isolated(measure_child, &job, plan->set.timeout_s,
                                               plan->set.mem_limit, &interrupted, &res);
                    }
                    free(save);
                }
                if (interrupted)
                    break; /* the row in flight was killed: it is not a result */
                /* the run's reference calibration: the fastest loop seen so far
                 * (a run that starts under load learns the machine's pace) */
                if (res.calib_min_ms > 0 && res.calib_min_ms < calib_ref)
                    calib_ref = res.calib_min_ms;
                /* the CPU's SGEMM ceiling: not a yardstick for a CUDA row */
                double cg = res.status == AB_ROW_OK && pm->backend != AB_BACKEND_CUDA
                                ? ab_ceiling_for(&ceil, plan, pd->dims[2], pd->dims[3], o->no_fork,
                                                 &interrupted)
                                : NAN;
                char inputs[17] = "";
                if (drc == AB_OK)
                    ab_row_inputs_id(&d, pm, inputs);
                struct ab_row row = {.row_id = id,
                                     .plan = plan,
                                     .prov = &prov,
                                     .pd = pd,
                                     .d = drc == AB_OK ? &d : NULL,
                                     .inputs_id = inputs,
                                     .entropy = drc == AB_OK ? ref.entropy : NAN,
                                     .seed = seed,
                                     .pm = pm,
                                     .res = &res,
                                     .ceiling = cg};
                if (ab_results_write(&csv, &cols, &row, err)) {
                    exit_code = AB_EXIT_USAGE;
                    interrupted = -1;
                    break;
                }
                written++;
                failed += status_failed(ab_row_status_name(res.status));
                ab_progress_row(&pg, pd, seed, pm, &res, 0);
            }
            ab_reference_free(&ref);
            ab_data_free(&d);
        }
    }
    /* failures still in the file: the rows kept from before count too */
    size_t failed_before = 0;
    for (size_t i = 0; i < ab_csv_prev_rows(&csv); i++)
        failed_before += status_failed(ab_csv_prev_cell(&csv, i, "status"));
    ab_csv_close(&csv);
    free(mask);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    if (exit_code == AB_EXIT_USAGE)
        return exit_code;
    if (interrupted) {
        if (pg.mode == AB_PROGRESS_BAR)
            fputc('\n', stderr);
        fprintf(stderr,
                "attnbench: interrupted; %zu rows written to %s (complete rows only); rerun with "
                "--resume to continue\n",
                written, o->out);
        return AB_EXIT_INTERRUPTED;
    }
    fprintf(stderr, "attnbench: %zu rows written to %s%s", written, o->out,
            failed || failed_before ? "" : "\n");
    if (failed)
        fprintf(stderr, "; %zu did not succeed (see the status and error columns)", failed);
    if (failed_before)
        fprintf(stderr, "; %zu rows from before in the file did not succeed (--retry-failed "
                        "measures them again)",
                failed_before);
    if (failed || failed_before) {
        fputc('\n', stderr);
        return AB_EXIT_ROWS_FAILED;
    }
    return AB_EXIT_OK;
}
