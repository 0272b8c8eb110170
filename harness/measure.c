/* measure.c — see measure.h. */
#include "measure.h"

#include "alloc.h"
#include "device.h"
#include "formats/npy.h"
#include "metrics.h"
#include "threads.h"
#include "timing.h"
#include "base/rng.h"
#include "base/util.h"
#include "registry.h"
#include "kernels/round.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

/* The leak checks (measure.h): the same method, seed and parameters on a
 * copy of the problem whose inputs a mask says cannot matter are replaced by
 * fresh random values (N(0,1) times the RMS of what they replace, per head
 * and array, so the scale of the logits stays); the result is the largest
 * change of a row that must not move, relative to its norm in `out`.
 *   causal:  K, V of tokens >= N/2; rows i < N/2 compared.
 *   padding: Q, K, V of the padded tokens; the valid rows compared. */
static int leak_check(const struct ab_method *m, const struct ab_values *vals,
                      const struct ab_problem *p0, const float *out, int threads, double *leak,
                      struct ab_err *err)
{
    size_t H = p0->heads, N = p0->n, D = p0->d, DV = p0->dv;
    size_t nq = H * N * D, nv = H * N * DV;
    float *q = ab_aligned_alloc(nq * 4), *k = ab_aligned_alloc(nq * 4);
    float *v = ab_aligned_alloc(nv * 4), *o2 = ab_aligned_alloc(nv * 4);
    if (!q || !k || !v || !o2) {
        ab_aligned_free(q), ab_aligned_free(k), ab_aligned_free(v), ab_aligned_free(o2);
        return ab_errf(err, AB_ENOMEM, "out of memory for the perturbed copy");
    }
    memcpy(q, p0->q, nq * 4), memcpy(k, p0->k, nq * 4), memcpy(v, p0->v, nv * 4);
    struct ab_rng rng;
    ab_rng_seed(&rng, p0->seed, 0x6c65616b2d636b31ull); /* stream "leak-ck1" */
    int causal = p0->mask == AB_MASK_CAUSAL;
    for (size_t h = 0; h < H; h++) {
        size_t from = causal ? N / 2 : ab_mask_valid(p0, h);
        float *arr[3] = {q, k, v};
        size_t cols[3] = {D, D, DV};
        for (int a = causal ? 1 : 0; a < 3; a++) {
            float *x = arr[a] + h * N * cols[a];
            double ss = 0;
            for (size_t i = from * cols[a]; i < N * cols[a]; i++)
                ss += (double)x[i] * x[i];
            size_t cnt = (N - from) * cols[a];
            double rms = cnt ? sqrt(ss / (double)cnt) : 0.0;
            if (!(rms > 0))
                rms = 1.0;
            for (size_t i = from * cols[a]; i < N * cols[a]; i++)
                x[i] = (float)(rms * ab_rng_normal(&rng));
        }
    }
    /* a low-precision row: the fresh values rounded as the harness rounds
     * the inputs (the rest of the copy is already rounded) */
    ab_round(q, nq, p0->precision), ab_round(k, nq, p0->precision), ab_round(v, nv, p0->precision);
    struct ab_problem p = *p0;
    p.q = q, p.k = k, p.v = v;
    void *state = NULL;
    int rc = m->prepare(&p, vals, &state, err);
    if (rc == AB_OK)
        rc = m->forward(state, o2, err);
    m->release(state);
    double worst = 0;
    for (size_t h = 0; rc == AB_OK && h < H; h++) {
        size_t rows = causal ? N / 2 : ab_mask_valid(p0, h);
        for (size_t i = 0; i < rows; i++) {
            const float *a = out + (h * N + i) * DV, *b = o2 + (h * N + i) * DV;
            double dn = 0, nn = 0;
            for (size_t c = 0; c < DV; c++) {
                double e = (double)b[c] - a[c];
                dn += e * e, nn += (double)a[c] * a[c];
            }
            double r = nn > 0 ? sqrt(dn / nn) : sqrt(dn);
            if (r != r) /* a non-finite row of the perturbed run: a leak beyond measure */
                r = INFINITY;
            worst = r > worst ? r : worst;
        }
    }
    (void)threads;
    ab_aligned_free(q), ab_aligned_free(k), ab_aligned_free(v), ab_aligned_free(o2);
    if (rc == AB_OK)
        *leak = worst;
    return rc;
}

void ab_measure(const struct ab_row_job *job, struct ab_result *res)
{
    const struct ab_settings *set = &job->plan->set;
    const struct ab_method *m = job->pm->m;
    const struct ab_data *d = job->data;
    struct ab_err err = {{0}};
    int cuda = (m->caps & AB_CAP_CUDA) != 0;
    ab_result_init(res);
    res->load_avg = ab_load_avg(); /* at the row's start */
    omp_set_num_threads(set->threads);
    ab_blas_set_threads(1);
    ab_mem_reset(set->mem_limit);
    struct ab_problem p = {.heads = d->heads, .n = d->n, .d = d->d, .dv = d->dv, .q = d->q,
                           .k = d->k, .v = d->v, .seed = job->seed, .threads = set->threads,
                           .alloc = ab_mem_alloc, .free = ab_mem_free, .mask = d->mask,
                           .lengths = d->lengths, .precision = job->pm->precision};
    if (!ab_mask_supported(m, d->mask, res->error, sizeof res->error) ||
        !ab_precision_supported(m, p.precision, res->error, sizeof res->error)) {
        res->status = AB_ROW_REFUSED;
        return;
    }
    struct ab_estimate est = {0};
    int rc = m->estimate(&p, &job->pm->vals, &est, &err);
    if (rc) {
        res->status = ab_row_status_of(rc);
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
    /* precision bf16/fp16: the method gets Q, K, V rounded to the format, in
     * a copy outside its measured workspace (kernels/round.h); the reference
     * stays the exact attention of the float32 inputs */
    float *rounded = NULL;
    if (ab_round_inputs(&p, &rounded)) {
        res->status = AB_ROW_OOM;
        snprintf(res->error, sizeof res->error, "cannot allocate the %s copy of Q, K, V",
                 ab_precision_name(p.precision));
        ab_aligned_free(out);
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
    /* the timed repeats, measured again while they look noisy (timing.h):
     * up to AB_TIMING_ATTEMPTS attempts, each between two calibration loops;
     * another attempt only while the timed time so far leaves room for it in
     * repeat_budget and in half the row's timeout. The error metrics below
     * are computed once, from the last forward's output: every forward is the
     * same computation, only its timings are measured again. */
    double *times = calloc((size_t)set->repeats, sizeof *times);
    struct ab_timing_stats kept = {0};
    int kept_flag = AB_TIMING_NONE, kept_reps = 0;
    double spent_all = 0, kept_ratio = NAN, row_t0 = ab_now();
    for (int attempt = 0; rc == AB_OK && times && attempt < AB_TIMING_ATTEMPTS; attempt++) {
        double c0 = job->calib_ref_ms > 0 ? ab_calibrate_ms() : NAN;
        double spent = 0;
        int reps = 0;
        while (rc == AB_OK && reps < set->repeats) {
            rc = timed_forward(m, cuda, state, out, &times[reps], &err);
            spent += times[reps] / 1e3;
            reps++;
            if (spent > set->repeat_budget_s)
                break;
        }
        if (rc != AB_OK)
            break;
        double c1 = job->calib_ref_ms > 0 ? ab_calibrate_ms() : NAN;
        double ratio = (c0 > c1 ? c0 : c1) / job->calib_ref_ms;
        double cmin = c0 < c1 ? c0 : c1;
        if (!(res->calib_min_ms <= cmin)) /* NaN: the first */
            res->calib_min_ms = cmin;
        struct ab_timing_stats st;
        ab_timing_stats(times, reps, &st);
        int flag = ab_timing_flag(reps, st.cv, st.spread, ratio);
        res->timing_attempts = attempt + 1;
        if (attempt == 0 || ab_timing_better(&st, flag, &kept, kept_flag))
            kept = st, kept_flag = flag, kept_ratio = ratio, kept_reps = reps;
        spent_all += spent;
        double elapsed = ab_now() - row_t0 + res->prepare_ms / 1e3;
        if (kept_flag == AB_TIMING_OK || spent_all + spent > set->repeat_budget_s ||
            elapsed + 2 * spent > 0.5 * set->timeout_s)
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
        res->status = ab_row_status_of(rc);
        snprintf(res->error, sizeof res->error, "%s", err.msg);
        uint64_t refused = cuda ? ab_dev_mem_refused() : ab_mem_refused();
        uint64_t sys = cuda ? 0 : ab_mem_sys_refused();
        size_t len = strlen(res->error);
        if (rc == AB_ENOMEM && refused)
            snprintf(res->error + len, sizeof res->error - len,
                     " (a request of %.1f MiB was refused: mem_limit %.1f MiB)",
                     (double)refused / 1048576.0, (double)set->mem_limit / 1048576.0);
        else if (rc == AB_ENOMEM && sys)
            snprintf(res->error + len, sizeof res->error - len,
                     " (the system refused %.1f MiB within mem_limit %.1f MiB: the measurement's "
                     "address-space cap, its size at start + mem_limit + 2 GiB, or the machine's "
                     "memory)",
                     (double)sys / 1048576.0, (double)set->mem_limit / 1048576.0);
        goto done;
    }
    if (!times) {
        res->status = AB_ROW_OOM;
        snprintf(res->error, sizeof res->error, "out of memory for the timings");
        goto done;
    }
    res->reps = kept_reps;
    res->t_min = kept.min;
    res->t_max = kept.max;
    res->t_med = kept.median;
    res->time_spread = kept.spread;
    res->time_cv = kept.cv;
    res->calib_ratio = kept_ratio;
    res->timing = kept_flag;

    struct ab_out_metrics om;
    if (!job->ref->out) { /* no reference for this size: only the finiteness check */
        memset(&om, 0, sizeof om);
        for (size_t i = 0; i < count; i++)
            if (!isfinite(out[i]) && om.nonfinite++ == 0)
                om.first_bad = i;
        om.rel_fro = om.max_abs = om.cos = NAN;
    } else {
        ab_metrics_output(out, job->ref->out, count, d->dv, d->n,
                          d->mask == AB_MASK_PADDING ? d->lengths : NULL, &om);
    }
    if (d->mask == AB_MASK_PADDING) { /* padded rows are defined as zero */
        for (size_t h = 0; h < d->heads; h++)
            for (size_t i = d->lengths[h] * d->dv; i < d->n * d->dv; i++)
                if (out[h * d->n * d->dv + i] != 0.0f) {
                    res->status = AB_ROW_ERROR;
                    snprintf(res->error, sizeof res->error,
                             "output row [%zu, %zu] is padding (lengths[%zu] = %zu) but holds %g: "
                             "a padded query row's output must be zero",
                             h, i / d->dv, h, d->lengths[h], (double)out[h * d->n * d->dv + i]);
                    goto done;
                }
    }
    if (om.nonfinite) {
        size_t i = om.first_bad, h = i / (d->n * d->dv), r = i / d->dv % d->n, c = i % d->dv;
        res->status = AB_ROW_NAN;
        snprintf(res->error, sizeof res->error,
                 "output has %zu non-finite values; the first at [%zu, %zu, %zu] is %g", om.nonfinite,
                 h, r, c, (double)out[i]);
        goto done;
    }
    if (job->ref->out) { /* the error along the sequence, by eighths */
        double num[AB_POS_BINS] = {0}, den[AB_POS_BINS] = {0};
        for (size_t h = 0; h < d->heads; h++)
            for (size_t i = 0; i < ab_data_valid(d, h); i++) {
                size_t b = i * AB_POS_BINS / d->n;
                const float *a = out + (h * d->n + i) * d->dv;
                const double *r = job->ref->out + (h * d->n + i) * d->dv;
                for (size_t c = 0; c < d->dv; c++)
                    num[b] += (a[c] - r[c]) * (a[c] - r[c]), den[b] += r[c] * r[c];
            }
        for (int b = 0; b < AB_POS_BINS; b++)
            res->err_by_pos[b] = den[b] > 0 ? sqrt(num[b] / den[b]) : NAN;
    }
    res->out_rel_fro = om.rel_fro;
    res->out_max_abs = om.max_abs;
    res->out_cos = om.cos;
    if (job->want_attn && m->rows) {
        struct ab_attn_metrics am;
        rc = ab_metrics_attention(m, state, d, job->ref, job->want_spec, set->threads, &am, &err);
        if (rc) {
            res->status = ab_row_status_of(rc);
            snprintf(res->error, sizeof res->error, "attention rows: %s", err.msg);
            goto done;
        }
        res->attn_rel_fro = am.rel_fro;
        res->attn_rel_spec = am.rel_spec;
        res->row_sum_dev = am.row_sum_dev;
    }
    if (m->report) {
        struct ab_report rep = {.pinv_resid = NAN, .pinv_vs_svd = NAN, .target_rel_fro = NAN};
        rc = m->report(state, &rep, &err);
        if (rc) {
            res->status = ab_row_status_of(rc);
            snprintf(res->error, sizeof res->error, "report: %s", err.msg);
            goto done;
        }
        res->pinv_resid = rep.pinv_resid;
        res->pinv_vs_svd = rep.pinv_vs_svd;
        res->target_rel_fro = rep.target_rel_fro;
    }
    if (d->mask != AB_MASK_NONE) { /* the leak checks: a second problem, this state gone */
        m->release(state);
        state = NULL;
        double leak = NAN;
        rc = leak_check(m, &job->pm->vals, &p, out, set->threads, &leak, &err);
        if (rc) {
            res->status = ab_row_status_of(rc);
            snprintf(res->error, sizeof res->error, "%s_leak: %s",
                     d->mask == AB_MASK_CAUSAL ? "causal" : "padding", err.msg);
            goto done;
        }
        if (d->mask == AB_MASK_CAUSAL)
            res->causal_leak = leak;
        else
            res->padding_leak = leak;
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
    free(rounded);
    ab_aligned_free(out);
}
