/* run.c — see run.h. Tests: tests/test_cli.c, tests/test_bad_inputs.c, tests/test_merge.c. */
#define _GNU_SOURCE /* strsignal */
#include "run.h"

#include "alloc.h"
#include "ceiling.h"
#include "formats/csv.h"
#include "device.h"
#include "threads.h"
#include "metrics.h"
#include "formats/npy.h"
#include "provenance.h"
#include "reference.h"
#include "registry.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const status_names[] = {"ok",  "invalid", "refused", "oom",    "error",
                                           "nan", "timeout", "crashed", "skipped"};

const char *ab_row_status_name(int status)
{
    return status >= 0 && status <= AB_ROW_SKIPPED ? status_names[status] : "?";
}

/* What a measurement sends back to the parent: plain data, one write. */
struct ab_result {
    int status;
    int reps;
    double out_rel_fro, out_max_abs, out_cos, attn_rel_fro, attn_rel_spec, row_sum_dev;
    double pinv_resid, pinv_vs_svd;
    double t_med, t_min, t_max, prepare_ms, flops, budget;
    uint64_t peak_bytes, rss_bytes;
    double dev_mem_bytes; /* CUDA rows: cudaMemGetInfo growth over the row */
    char device[200];     /* CUDA rows: the device description */
    char error[480];
};

static void result_init(struct ab_result *r)
{
    memset(r, 0, sizeof *r);
    r->out_rel_fro = r->out_max_abs = r->out_cos = NAN;
    r->attn_rel_fro = r->attn_rel_spec = r->row_sum_dev = NAN;
    r->pinv_resid = r->pinv_vs_svd = NAN;
    r->t_med = r->t_min = r->t_max = r->prepare_ms = r->flops = r->budget = NAN;
    r->dev_mem_bytes = NAN;
}

static int status_of(int rc)
{
    switch (rc) {
    case AB_EINVAL:
    case AB_EUNSUPPORTED:
        return AB_ROW_INVALID;
    case AB_ENOMEM:
        return AB_ROW_OOM;
    case AB_EREFUSED:
        return AB_ROW_REFUSED;
    case AB_ENUMERIC:
        return AB_ROW_NAN;
    default:
        return AB_ROW_ERROR;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

/* ---- one measurement (in the child, or in-process with --no-fork) ---- */

struct row_job {
    const struct ab_plan *plan;
    const struct ab_plan_method *pm;
    const struct ab_data *data;
    const struct ab_reference *ref;
    uint64_t seed;
    int want_attn, want_spec;
    const char *save_path; /* NULL: do not save */
};

/* One timed forward: host wall clock for CPU methods; CUDA events around a
 * forward that computes on the device and synchronizes (out = NULL: the
 * output stays on the device). Returns the status; *ms the time. */
static int timed_forward(const struct ab_method *m, int cuda, void *state, float *out, double *ms,
                         struct ab_err *err)
{
    if (!cuda) {
        double a = ab_now();
        int rc = m->forward(state, out, err);
        *ms = 1e3 * (ab_now() - a);
        return rc;
    }
    if (ab_device_timer_start() != 0)
        return ab_errf(err, AB_EIO, "cannot record a CUDA event");
    int rc = m->forward(state, NULL, err);
    char why[200];
    double t = ab_device_timer_stop(why, sizeof why);
    if (rc == AB_OK && t < 0)
        return ab_errf(err, AB_EIO, "%s", why);
    *ms = t;
    return rc;
}

static void measure(const struct row_job *job, struct ab_result *res)
{
    const struct ab_settings *set = &job->plan->set;
    const struct ab_method *m = job->pm->m;
    const struct ab_data *d = job->data;
    struct ab_err err = {{0}};
    int cuda = (m->caps & AB_CAP_CUDA) != 0;
    result_init(res);
    omp_set_num_threads(set->threads);
    ab_blas_set_threads(1);
    ab_mem_reset(set->mem_limit);
    struct ab_problem p = {.heads = d->heads, .n = d->n, .d = d->d, .dv = d->dv, .q = d->q,
                           .k = d->k, .v = d->v, .seed = job->seed, .threads = set->threads,
                           .alloc = ab_mem_alloc, .free = ab_mem_free};
    struct ab_estimate est = {0};
    int rc = m->estimate(&p, &job->pm->vals, &est, &err);
    if (rc) {
        res->status = status_of(rc);
        snprintf(res->error, sizeof res->error, "%s", err.msg);
        return;
    }
    res->flops = est.flops;
    res->budget = est.budget;
    uint64_t dev_used0 = 0;
    if (cuda) {
        char why[300];
        if (!ab_device_probe(why, sizeof why)) {
            snprintf(res->device, sizeof res->device, "none");
            res->status = AB_ROW_ERROR;
            snprintf(res->error, sizeof res->error, "%s", why);
            return;
        }
        ab_device_describe(res->device, sizeof res->device);
        ab_dev_mem_reset(set->mem_limit);
        p.dev_alloc = ab_dev_alloc;
        p.dev_free = ab_dev_free;
        dev_used0 = ab_device_mem_used();
    }
    size_t count = d->heads * d->n * d->dv;
    float *out = ab_aligned_alloc(count * sizeof(float));
    if (!out) {
        res->status = AB_ROW_OOM;
        snprintf(res->error, sizeof res->error, "cannot allocate the output (%zu floats)", count);
        return;
    }
    void *state = NULL;
    double t0 = ab_now();
    rc = m->prepare(&p, &job->pm->vals, &state, &err);
    res->prepare_ms = 1e3 * (ab_now() - t0);
    /* warm-up: `warmup` calls, and at least `warmup_time` seconds of them
     * (idle vCPUs and cold thread pools make a fresh process's first
     * milliseconds slow: sub-millisecond rows need the time, not the count) */
    double w0 = ab_now();
    for (int i = 0; rc == AB_OK && set->warmup > 0 &&
                    (i < set->warmup || ab_now() - w0 < set->warmup_s);
         i++)
        rc = m->forward(state, cuda ? NULL : out, &err);
    double *times = calloc((size_t)set->repeats, sizeof *times);
    int reps = 0;
    double spent = 0;
    while (rc == AB_OK && reps < set->repeats && times) {
        rc = timed_forward(m, cuda, state, out, &times[reps], &err);
        spent += times[reps] / 1e3;
        reps++;
        if (spent > set->repeat_budget_s)
            break;
    }
    if (cuda && rc == AB_OK) {
        uint64_t used = ab_device_mem_used();
        res->dev_mem_bytes = used > dev_used0 ? (double)(used - dev_used0) : 0.0;
        rc = m->forward(state, out, &err); /* untimed: the output to the host */
    }
    res->peak_bytes = cuda ? ab_dev_mem_peak() : ab_mem_peak();
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        res->rss_bytes = (uint64_t)ru.ru_maxrss * 1024;
    if (rc != AB_OK) {
        res->status = status_of(rc);
        snprintf(res->error, sizeof res->error, "%s", err.msg);
        uint64_t refused = cuda ? ab_dev_mem_refused() : ab_mem_refused();
        if (rc == AB_ENOMEM && refused)
            snprintf(res->error + strlen(res->error), sizeof res->error - strlen(res->error),
                     " (a request of %.1f MiB was refused: mem_limit %.1f MiB)",
                     (double)refused / 1048576.0, (double)set->mem_limit / 1048576.0);
        goto done;
    }
    if (!times) {
        res->status = AB_ROW_OOM;
        snprintf(res->error, sizeof res->error, "out of memory for the timings");
        goto done;
    }
    qsort(times, (size_t)reps, sizeof *times, cmp_double);
    res->reps = reps;
    res->t_min = times[0];
    res->t_max = times[reps - 1];
    res->t_med = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);

    struct ab_out_metrics om;
    if (!job->ref->out) { /* no reference for this size: only the finiteness check */
        memset(&om, 0, sizeof om);
        for (size_t i = 0; i < count; i++)
            if (!isfinite(out[i]) && om.nonfinite++ == 0)
                om.first_bad = i;
        om.rel_fro = om.max_abs = om.cos = NAN;
    } else {
        ab_metrics_output(out, job->ref->out, count, d->dv, &om);
    }
    if (om.nonfinite) {
        size_t i = om.first_bad, h = i / (d->n * d->dv), r = i / d->dv % d->n, c = i % d->dv;
        res->status = AB_ROW_NAN;
        snprintf(res->error, sizeof res->error,
                 "output has %zu non-finite values; the first at [%zu, %zu, %zu] is %g", om.nonfinite,
                 h, r, c, (double)out[i]);
        goto done;
    }
    res->out_rel_fro = om.rel_fro;
    res->out_max_abs = om.max_abs;
    res->out_cos = om.cos;
    if (job->want_attn && m->rows) {
        struct ab_attn_metrics am;
        rc = ab_metrics_attention(m, state, d, job->ref, job->want_spec, set->threads, &am, &err);
        if (rc) {
            res->status = status_of(rc);
            snprintf(res->error, sizeof res->error, "attention rows: %s", err.msg);
            goto done;
        }
        res->attn_rel_fro = am.rel_fro;
        res->attn_rel_spec = am.rel_spec;
        res->row_sum_dev = am.row_sum_dev;
    }
    if (m->report) {
        struct ab_report rep = {NAN, NAN};
        rc = m->report(state, &rep, &err);
        if (rc) {
            res->status = status_of(rc);
            snprintf(res->error, sizeof res->error, "report: %s", err.msg);
            goto done;
        }
        res->pinv_resid = rep.pinv_resid;
        res->pinv_vs_svd = rep.pinv_vs_svd;
    }
    if (job->save_path) {
        size_t shape[3] = {d->heads, d->n, d->dv};
        rc = ab_npy_write_f32(job->save_path, shape, 3, out, &err);
        if (rc) {
            res->status = AB_ROW_ERROR;
            snprintf(res->error, sizeof res->error, "saving the output: %s", err.msg);
            goto done;
        }
    }
    res->status = AB_ROW_OK;
done:
    m->release(state);
    free(times);
    ab_aligned_free(out);
}

/* ---- isolation ---- */

static uint64_t vm_size_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (f) {
        if (fscanf(f, "%llu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, len -= (size_t)w;
    }
    return 0;
}

/* Run fn(arg, result) in a forked child with a memory cap and a timeout;
 * fill *res from it, or with timeout / crashed / oom as it ended. */
typedef void (*child_fn)(const void *arg, struct ab_result *res);

static void run_isolated(child_fn fn, const void *arg, double timeout_s, uint64_t mem_limit,
                         struct ab_result *res)
{
    result_init(res);
    int fds[2];
    if (pipe(fds) != 0) {
        res->status = AB_ROW_ERROR;
        snprintf(res->error, sizeof res->error, "pipe: %s", strerror(errno));
        return;
    }
    uint64_t vm = vm_size_bytes();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        res->status = AB_ROW_ERROR;
        snprintf(res->error, sizeof res->error, "fork: %s", strerror(errno));
        close(fds[0]), close(fds[1]);
        return;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(fds[0]);
#if !defined(__SANITIZE_ADDRESS__)
        /* (AddressSanitizer reserves terabytes of shadow address space) */
        if (mem_limit) {
            /* a safety net under the harness allocator's exact limit, for
             * methods that malloc directly: address space grows with thread
             * stacks and BLAS buffers, hence the slack */
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = vm + mem_limit + (2ull << 30);
            setrlimit(RLIMIT_AS, &rl);
        }
#else
        (void)vm, (void)mem_limit;
#endif
        struct ab_result r;
        fn(arg, &r);
        int ok = write_all(fds[1], &r, sizeof r) == 0;
        close(fds[1]);
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    char *buf = (char *)res;
    double deadline = ab_now() + timeout_s;
    int timed_out = 0;
    for (;;) {
        double left = deadline - ab_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pf, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (interrupted)
            break;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t r = read(fds[0], buf + got, sizeof *res - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EOF: the child is gone */
        got += (size_t)r;
        if (got == sizeof *res)
            break;
    }
    close(fds[0]);
    if (timed_out || interrupted)
        kill(pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (timed_out) {
        result_init(res);
        res->status = AB_ROW_TIMEOUT;
        snprintf(res->error, sizeof res->error, "killed after the %.3g s timeout", timeout_s);
    } else if (got != sizeof *res) {
        result_init(res);
        if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGKILL) {
            res->status = AB_ROW_OOM;
            snprintf(res->error, sizeof res->error,
                     "killed by SIGKILL (the kernel's OOM killer, most likely)");
        } else if (WIFSIGNALED(wst)) {
            res->status = AB_ROW_CRASHED;
            snprintf(res->error, sizeof res->error, "killed by signal %d (%s)", WTERMSIG(wst),
                     strsignal(WTERMSIG(wst)));
        } else {
            res->status = AB_ROW_CRASHED;
            snprintf(res->error, sizeof res->error, "exited with status %d before reporting",
                     WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
        }
    }
    res->error[sizeof res->error - 1] = '\0';
}

static void measure_child(const void *arg, struct ab_result *res) { measure(arg, res); }

/* ---- the SGEMM ceiling per (d, dv), measured once per run in a child ---- */

struct ceiling_job {
    size_t d, dv;
    int threads;
    double seconds;
};

static void ceiling_child(const void *arg, struct ab_result *res)
{
    const struct ceiling_job *j = arg;
    result_init(res);
    omp_set_num_threads(j->threads);
    res->t_med = ab_ceiling(j->d, j->dv, j->threads, j->seconds);
    res->status = res->t_med > 0 ? AB_ROW_OK : AB_ROW_ERROR;
}

struct ceilings {
    size_t d[32], dv[32];
    double gflops[32];
    size_t n;
};

static double ceiling_for(struct ceilings *c, const struct ab_plan *plan, size_t d, size_t dv,
                          int no_fork)
{
    if (plan->set.ceiling_s <= 0)
        return NAN;
    for (size_t i = 0; i < c->n; i++)
        if (c->d[i] == d && c->dv[i] == dv)
            return c->gflops[i];
    struct ceiling_job job = {d, dv, plan->set.threads, plan->set.ceiling_s};
    struct ab_result res;
    if (no_fork)
        ceiling_child(&job, &res);
    else
        run_isolated(ceiling_child, &job, 60 + 4 * plan->set.ceiling_s, 0, &res);
    double g = res.status == AB_ROW_OK ? res.t_med : NAN;
    if (c->n < 32) {
        c->d[c->n] = d, c->dv[c->n] = dv, c->gflops[c->n] = g;
        c->n++;
    }
    return g;
}

/* ---- the exact reference, cached ---- */

struct ref_job {
    const struct ab_data *data;
    int threads, want_spec;
    const char *path;
};

static void reference_child(const void *arg, struct ab_result *res)
{
    const struct ref_job *j = arg;
    struct ab_err err = {{0}};
    struct ab_reference ref;
    result_init(res);
    omp_set_num_threads(j->threads);
    ab_blas_set_threads(1);
    int rc = ab_reference_compute(j->data, j->threads, j->want_spec, &ref, &err);
    if (rc == AB_OK) {
        rc = ab_reference_save(j->path, &ref, &err);
        ab_reference_free(&ref);
    }
    res->status = rc == AB_OK ? AB_ROW_OK : AB_ROW_ERROR;
    snprintf(res->error, sizeof res->error, "%s", rc ? err.msg : "");
}

static int mkdirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int get_reference(const struct ab_plan *plan, const struct ab_data *d, int want_spec,
                         int no_fork, struct ab_reference *ref, struct ab_err *err)
{
    const struct ab_settings *s = &plan->set;
    char path[1200];
    if (mkdirs(s->cache) != 0)
        return ab_errf(err, AB_EIO, "cache directory %s: %s", s->cache, strerror(errno));
    snprintf(path, sizeof path, "%s/%s.ref", s->cache, d->idhex);
    struct ab_err miss;
    if (ab_reference_load(path, d, want_spec, ref, &miss) == AB_OK)
        return AB_OK;
    struct ref_job job = {d, s->threads, want_spec, path};
    struct ab_result res;
    if (no_fork)
        reference_child(&job, &res);
    else
        run_isolated(reference_child, &job, s->ref_timeout_s, 0, &res);
    if (res.status != AB_ROW_OK)
        return ab_errf(err, AB_EIO, "exact reference %s: %s: %s", d->idhex,
                       ab_row_status_name(res.status), res.error);
    return ab_reference_load(path, d, want_spec, ref, err);
}

/* ---- CSV rows ---- */

struct columns {
    const char *names[AB_CSV_MAX_COLS];
    size_t n, nfixed;
    size_t nparam0; /* first parameter column: nfixed, or nfixed + 2 with the backend columns */
};

static void build_columns(const struct ab_plan *plan, struct columns *c)
{
    static const char *const fixed[] = {AB_CSV_FIXED_COLUMNS};
    c->n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        c->names[c->n++] = fixed[i];
    c->nfixed = c->n;
    /* a plan with a non-CPU backend adds `backend` and `dev_mem_bytes`; a
     * CPU-only plan keeps the columns it always had (--resume works) */
    int other = 0;
    for (size_t i = 0; i < plan->nmethods; i++)
        other |= plan->methods[i].backend != AB_BACKEND_CPU;
    if (other) {
        c->names[c->n++] = "backend";
        c->names[c->n++] = "dev_mem_bytes";
    }
    c->nparam0 = c->n;
    /* then every parameter of the methods in the plan, first seen first */
    for (size_t i = 0; i < plan->nmethods; i++) {
        const struct ab_method *m = plan->methods[i].m;
        for (int k = 0; k < m->nparams && c->n < AB_CSV_MAX_COLS; k++) {
            int seen = 0;
            for (size_t j = 0; j < c->n && !seen; j++)
                seen = !strcmp(c->names[j], m->params[k].name);
            if (!seen)
                c->names[c->n++] = m->params[k].name;
        }
    }
}

static void fmt_num(char *out, size_t cap, double v, const char *fmt)
{
    if (isnan(v))
        out[0] = '\0';
    else
        snprintf(out, cap, fmt, v);
}

struct row_ctx {
    const struct ab_plan *plan;
    const struct ab_prov *prov;
    const struct columns *cols;
    struct ab_csv *csv;
};

static int write_row(const struct row_ctx *rc, const char *row_id, const struct ab_plan_data *pd,
                     const struct ab_data *d, double entropy, uint64_t seed,
                     const struct ab_plan_method *pm, const struct ab_result *r, double ceiling,
                     struct ab_err *err)
{
    enum { W = 64 };
    static char cellbuf[AB_CSV_MAX_COLS][W];
    const char *cells[AB_CSV_MAX_COLS] = {0};
    size_t i = 0;
    char date[32];
    ab_iso_now(date);
#define CELL_S(s) (cells[i++] = (s))
#define CELL_F(v, f) (fmt_num(cellbuf[i], W, (v), (f)), cells[i] = cellbuf[i], i++)
#define CELL_U(u) (snprintf(cellbuf[i], W, "%llu", (unsigned long long)(u)), cells[i] = cellbuf[i], i++)
    CELL_S(row_id);
    CELL_S(rc->prov->run_id);
    CELL_S(rc->plan->config);
    CELL_S(pd->kind->name);
    CELL_S(pd->params);
    CELL_S(d ? d->idhex : "");
    CELL_U(pd->dims[0]);
    CELL_U(pd->dims[1]);
    CELL_U(pd->dims[2]);
    CELL_U(pd->dims[3]);
    int si = -1;
    for (int k = 0; k < pd->vals.count; k++)
        if (!strcmp(pd->vals.params[k].name, "scale"))
            si = k;
    CELL_F(si >= 0 ? pd->vals.v[si] : NAN, "%.17g");
    CELL_U(seed);
    CELL_S(pm->m->name);
    CELL_S(pm->params);
    CELL_F(r->budget, "%.17g");
    CELL_S(ab_row_status_name(r->status));
    CELL_S(r->error);
    CELL_F(r->out_rel_fro, "%.9g");
    CELL_F(r->out_max_abs, "%.9g");
    CELL_F(r->out_cos, "%.9g");
    CELL_F(r->attn_rel_fro, "%.9g");
    CELL_F(r->attn_rel_spec, "%.9g");
    CELL_F(r->row_sum_dev, "%.9g");
    CELL_F(r->pinv_resid, "%.9g");
    CELL_F(r->pinv_vs_svd, "%.9g");
    CELL_F(entropy, "%.9g");
    CELL_F(r->t_med, "%.6g");
    CELL_F(r->t_min, "%.6g");
    CELL_F(r->t_max, "%.6g");
    if (r->reps)
        CELL_U(r->reps);
    else
        CELL_S("");
    CELL_F(r->prepare_ms, "%.6g");
    CELL_F(r->flops, "%.6g");
    double gflops = r->reps && r->t_med > 0 ? r->flops / (r->t_med * 1e6) : NAN;
    CELL_F(gflops, "%.6g");
    CELL_F(isnan(gflops) ? NAN : ceiling, "%.6g");
    CELL_F(gflops / ceiling, "%.4g");
    if (r->reps)
        CELL_U(r->peak_bytes);
    else
        CELL_S("");
    if (r->rss_bytes)
        CELL_U(r->rss_bytes);
    else
        CELL_S("");
    CELL_U(rc->plan->set.threads);
    CELL_S(date);
    CELL_S(rc->prov->git_rev);
    CELL_S(rc->prov->host);
    CELL_S(rc->prov->cpu);
    CELL_S(rc->prov->blas);
    CELL_S(rc->prov->blas_core);
    CELL_S(r->device[0] ? r->device : rc->prov->device);
    if (rc->cols->nparam0 > rc->cols->nfixed) {
        CELL_S(ab_backend_name(pm->backend));
        CELL_F(r->dev_mem_bytes, "%.17g");
    }
    /* parameter columns: this method's value, or empty */
    for (size_t c = rc->cols->nparam0; c < rc->cols->n; c++) {
        cells[c] = "";
        for (int k = 0; k < pm->vals.count; k++)
            if (pm->vals.set[k] && !strcmp(pm->vals.params[k].name, rc->cols->names[c])) {
                ab_value_format(&pm->vals.params[k], pm->vals.v[k], pm->vals.str[k], cellbuf[c], W);
                cells[c] = cellbuf[c];
            }
    }
#undef CELL_S
#undef CELL_F
#undef CELL_U
    return ab_csv_append(rc->csv, cells, err);
}

/* ---- progress ---- */

struct progress {
    int mode;
    size_t total, done, measured;
    double t0, last_draw;
};

static void fmt_dur(double s, char *out, size_t cap)
{
    if (!(s >= 0) || s > 1e7)
        snprintf(out, cap, "?");
    else if (s < 60)
        snprintf(out, cap, "%.0fs", s);
    else if (s < 3600)
        snprintf(out, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(out, cap, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

static void progress_row(struct progress *pg, const struct ab_plan_data *pd, uint64_t seed,
                         const struct ab_plan_method *pm, const struct ab_result *r, int skipped)
{
    pg->done++;
    if (!skipped)
        pg->measured++;
    double el = ab_now() - pg->t0;
    double eta = pg->measured ? el / (double)pg->measured * (double)(pg->total - pg->done) : NAN;
    char els[32], etas[32];
    fmt_dur(el, els, sizeof els);
    fmt_dur(eta, etas, sizeof etas);
    if (pg->mode == AB_PROGRESS_QUIET)
        return;
    if (pg->mode == AB_PROGRESS_BAR) {
        int width = 30, fill = (int)((double)width * (double)pg->done / (double)pg->total);
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r\033[K[%s] %zu/%zu  %s elapsed, ETA %s  %s n=%zu %s", bar, pg->done,
                pg->total, els, etas, pd->kind->name, pd->dims[1], pm->m->name);
        if (pg->done == pg->total)
            fputc('\n', stderr);
        return;
    }
    if (skipped) {
        fprintf(stderr, "[%zu/%zu] %s(%s) seed=%llu %s(%s): already in the results\n", pg->done,
                pg->total, pd->kind->name, pd->params, (unsigned long long)seed, pm->m->name,
                pm->params);
        return;
    }
    char detail[600];
    if (r->status == AB_ROW_OK)
        snprintf(detail, sizeof detail, "out_rel_fro=%.3e  %.4g ms", r->out_rel_fro, r->t_med);
    else
        snprintf(detail, sizeof detail, "%s", r->error);
    fprintf(stderr, "[%zu/%zu] %s(%s) seed=%llu %s(%s): %s  %s  (ETA %s)\n", pg->done, pg->total,
            pd->kind->name, pd->params, (unsigned long long)seed, pm->m->name, pm->params,
            ab_row_status_name(r->status), detail, etas);
}

/* ---- shards ---- */

/* 1 where instance i belongs to this run (every instance without --shard). */
static unsigned char *shard_mask(const struct ab_plan *plan, const struct ab_run_opts *o,
                                 struct ab_err *err)
{
    size_t ni = ab_plan_instances(plan);
    unsigned char *mask = malloc(ni ? ni : 1);
    int *of = malloc((ni ? ni : 1) * sizeof *of);
    if (!mask || !of) {
        free(mask), free(of);
        ab_errf(err, AB_ENOMEM, "out of memory");
        return NULL;
    }
    if (o->nshards > 0 && ab_plan_shards(plan, o->nshards, of, NULL, err)) {
        free(mask), free(of);
        return NULL;
    }
    for (size_t i = 0; i < ni; i++)
        mask[i] = o->nshards <= 0 || of[i] == o->shard - 1;
    free(of);
    return mask;
}

/* ---- dry run ---- */

static int plan_has_cuda(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->nmethods; i++)
        if (plan->methods[i].backend == AB_BACKEND_CUDA)
            return 1;
    return 0;
}

static int dry_run(const struct ab_plan *plan, const unsigned char *mask)
{
    /* Rates assumed for the estimate: SGEMM-bound methods at 15 GFLOP/s per
     * thread; the float64 reference at 4 GFLOP/s per thread. */
    const double rate = 15e9 * plan->set.threads, ref_rate = 4e9 * plan->set.threads;
    const double gpu_rate = 10e12; /* CUDA rows: 10 TFLOP/s, a round guess */
    double total_s = 0, max_ws = 0, ref_s = 0;
    size_t invalid = 0, rows = 0;
    printf("%-16s  %10s  %10s  %5s  %-44s  %s\n", "row_id", "GFLOP", "work MiB", "seed", "data",
           "method(params)");
    for (size_t di = 0; di < plan->ndata; di++) {
        const struct ab_plan_data *pd = &plan->data[di];
        struct ab_problem p = ab_plan_problem(plan, pd);
        double n = (double)p.n;
        for (size_t si = 0; si < plan->set.nseeds; si++) {
            if (!mask[di * plan->set.nseeds + si])
                continue;
            if (!plan->set.ref_max_n || p.n <= plan->set.ref_max_n)
                ref_s += (double)p.heads * (2 * n * n * (p.d + p.dv)) / ref_rate;
            for (size_t mi = 0; mi < plan->nmethods; mi++) {
                const struct ab_plan_method *pm = &plan->methods[mi];
                struct ab_estimate est = {0};
                struct ab_err err;
                char id[17], data[160];
                ab_plan_row_id(pd, plan->set.seeds[si], pm, id);
                snprintf(data, sizeof data, "%s(%s)", pd->kind->name, pd->params);
                int rc = pm->m->estimate(&p, &pm->vals, &est, &err);
                rows++;
                if (rc) {
                    invalid++;
                    printf("%-16s  %10s  %10s  %5llu  %-44s  %s(%s)  invalid: %s\n", id, "-", "-",
                           (unsigned long long)plan->set.seeds[si], data, pm->m->name, pm->params,
                           err.msg);
                    continue;
                }
                total_s += est.flops * (plan->set.warmup + plan->set.repeats) /
                           (pm->backend == AB_BACKEND_CUDA ? gpu_rate : rate);
                max_ws = est.workspace_bytes > max_ws ? est.workspace_bytes : max_ws;
                printf("%-16s  %10.3f  %10.2f  %5llu  %-44s  %s(%s)\n", id, est.flops / 1e9,
                       est.workspace_bytes / 1048576.0, (unsigned long long)plan->set.seeds[si], data,
                       pm->m->name, pm->params);
            }
        }
    }
    char a[32], b[32];
    fmt_dur(total_s, a, sizeof a);
    fmt_dur(ref_s, b, sizeof b);
    size_t ninst = 0;
    for (size_t i = 0; i < ab_plan_instances(plan); i++)
        ninst += mask[i];
    printf("\n%zu rows (%zu invalid), %zu data instances, %d threads\n", rows, invalid, ninst,
           plan->set.threads);
    printf("estimated time: %s of timed forwards + up to %s of exact references (uncached), "
           "assuming 15 GFLOP/s and 4 GFLOP/s (float64) per thread%s\n",
           a, b, gpu_rate > 0 && plan_has_cuda(plan) ? ", 10 TFLOP/s for CUDA rows" : "");
    printf("largest method workspace: %.2f MiB (mem_limit %.1f MiB)\n", max_ws / 1048576.0,
           (double)plan->set.mem_limit / 1048576.0);
    /* for job scripts (experiments/slurm/submit.sh): the resources to ask for —
     * the threads, the largest data instance and workspace with room for the
     * process, and a generous time: 3x the estimate plus 10 minutes */
    double biggest = 0;
    for (size_t di = 0; di < plan->ndata; di++) {
        const size_t *dm = plan->data[di].dims;
        double bytes = 4.0 * (double)dm[0] * (double)dm[1] * (2.0 * (double)dm[2] + 2.0 * (double)dm[3]) +
                       8.0 * (double)dm[0] * (double)dm[1] * ((double)dm[3] + 1);
        biggest = bytes > biggest ? bytes : biggest;
    }
    printf("# resources: cpus=%d mem_mb=%.0f time_min=%.0f\n", plan->set.threads,
           (biggest + max_ws) / 1048576.0 * 2 + 1024, 3 * (total_s + ref_s) / 60 + 10);
    return AB_EXIT_OK;
}

/* ---- the sweep ---- */

int ab_run(const struct ab_plan *plan, const struct ab_run_opts *o, struct ab_err *err)
{
    unsigned char *mask = shard_mask(plan, o, err);
    if (!mask)
        return AB_EXIT_USAGE;
    if (o->dry_run) {
        int rc = dry_run(plan, mask);
        free(mask);
        return rc;
    }
    struct ab_prov prov;
    ab_provenance(&prov);
    ab_blas_set_threads(1);
    struct columns cols;
    build_columns(plan, &cols);
    if (o->save_outputs && mkdirs(o->save_outputs) != 0) {
        free(mask);
        return ab_errf(err, AB_EIO, "--save-outputs %s: %s", o->save_outputs, strerror(errno)),
               AB_EXIT_USAGE;
    }
    struct ab_csv csv;
    if (ab_csv_open(&csv, o->out, cols.names, cols.n, o->resume, o->force, err)) {
        free(mask);
        return AB_EXIT_USAGE;
    }
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    size_t in_shard = 0;
    for (size_t i = 0; i < ab_plan_instances(plan); i++)
        in_shard += mask[i];
    struct progress pg = {o->progress, in_shard * plan->nmethods, 0, 0, ab_now(), 0};
    if (pg.mode == AB_PROGRESS_AUTO)
        pg.mode = isatty(2) ? AB_PROGRESS_BAR : AB_PROGRESS_LINES;
    struct row_ctx rctx = {plan, &prov, &cols, &csv};
    struct ceilings ceil = {0};
    size_t failed = 0, written = 0;
    int exit_code = AB_EXIT_OK;

    for (size_t di = 0; di < plan->ndata && !interrupted; di++) {
        const struct ab_plan_data *pd = &plan->data[di];
        for (size_t si = 0; si < plan->set.nseeds && !interrupted; si++) {
            if (!mask[di * plan->set.nseeds + si])
                continue; /* another shard's */
            uint64_t seed = plan->set.seeds[si];
            /* rows of this instance still to measure */
            size_t todo = 0;
            for (size_t mi = 0; mi < plan->nmethods; mi++) {
                char id[17];
                ab_plan_row_id(pd, seed, &plan->methods[mi], id);
                todo += !(o->resume && ab_csv_has(&csv, id));
            }
            if (!todo) {
                for (size_t mi = 0; mi < plan->nmethods; mi++)
                    progress_row(&pg, pd, seed, &plan->methods[mi], NULL, 1);
                continue;
            }
            struct ab_data d = {0};
            struct ab_reference ref = {0};
            struct ab_err derr = {{0}};
            int want_ref = !plan->set.ref_max_n || pd->dims[1] <= plan->set.ref_max_n;
            int want_attn = want_ref && ab_plan_attn(&plan->set, pd->dims[1]);
            int any_rows = 0;
            for (size_t mi = 0; mi < plan->nmethods; mi++)
                any_rows |= plan->methods[mi].m->rows != NULL;
            int want_spec = want_attn && any_rows && plan->set.attn_spec;
            int drc = pd->kind->make(&pd->vals, seed, pd->basedir, &d, &derr);
            if (drc == AB_OK && want_ref)
                drc = get_reference(plan, &d, want_spec, o->no_fork, &ref, &derr);
            else if (drc == AB_OK)
                ref.entropy = NAN; /* above reference_max_n: timed, not compared */
            for (size_t mi = 0; mi < plan->nmethods && !interrupted; mi++) {
                const struct ab_plan_method *pm = &plan->methods[mi];
                char id[17];
                ab_plan_row_id(pd, seed, pm, id);
                if (o->resume && ab_csv_has(&csv, id)) {
                    progress_row(&pg, pd, seed, pm, NULL, 1);
                    continue;
                }
                struct ab_result res;
                if (drc != AB_OK) {
                    result_init(&res);
                    res.status = AB_ROW_SKIPPED;
                    snprintf(res.error, sizeof res.error, "%s", derr.msg);
                } else {
                    char save[1100];
                    if (o->save_outputs)
                        snprintf(save, sizeof save, "%s/%s.npy", o->save_outputs, id);
                    struct row_job job = {plan, pm, &d, &ref, seed, want_attn, want_spec,
                                          o->save_outputs ? save : NULL};
                    if (o->no_fork)
                        measure(&job, &res);
                    else
                        run_isolated(measure_child, &job, plan->set.timeout_s, plan->set.mem_limit,
                                     &res);
                }
                if (interrupted)
                    break; /* the row in flight was killed: it is not a result */
                /* the CPU's SGEMM ceiling: not a yardstick for a CUDA row */
                double cg = res.status == AB_ROW_OK && pm->backend != AB_BACKEND_CUDA
                                ? ceiling_for(&ceil, plan, pd->dims[2], pd->dims[3], o->no_fork)
                                : NAN;
                if (write_row(&rctx, id, pd, drc == AB_OK ? &d : NULL,
                              drc == AB_OK ? ref.entropy : NAN, seed, pm, &res, cg, err)) {
                    exit_code = AB_EXIT_USAGE;
                    interrupted = -1;
                    break;
                }
                written++;
                failed += res.status != AB_ROW_OK && res.status != AB_ROW_REFUSED;
                progress_row(&pg, pd, seed, pm, &res, 0);
            }
            ab_reference_free(&ref);
            ab_data_free(&d);
        }
    }
    ab_csv_close(&csv);
    free(mask);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
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
            failed ? "" : "\n");
    if (failed) {
        fprintf(stderr, "; %zu did not succeed (see the status and error columns)\n", failed);
        return AB_EXIT_ROWS_FAILED;
    }
    return AB_EXIT_OK;
}
