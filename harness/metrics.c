/* metrics.c — see metrics.h. Tests: tests/test_metrics.c. */
#include "metrics.h"

#include "spectral.h"
#include "threads.h"

#include "base/rng.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ab_metrics_output(const float *out, const double *ref, size_t count, size_t dv, size_t n,
                       const size_t *lengths, struct ab_out_metrics *m)
{
    double num = 0, den = 0, mx = 0, cos_sum = 0;
    size_t bad = 0, first = 0, rows = 0;
    for (size_t r = 0; r < count / dv; r++) {
        if (lengths && r % n >= lengths[r / n])
            continue; /* a padded row: in no metric */
        rows++;
        double dot = 0, na = 0, nb = 0;
        for (size_t c = 0; c < dv; c++) {
            size_t i = r * dv + c;
            double a = out[i], b = ref[i];
            if (!isfinite(a)) {
                if (!bad)
                    first = i;
                bad++;
                continue;
            }
            double e = a - b;
            num += e * e;
            den += b * b;
            mx = fabs(e) > mx ? fabs(e) : mx;
            dot += a * b, na += a * a, nb += b * b;
        }
        cos_sum += (na > 0 && nb > 0) ? dot / sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
    }
    m->rel_fro = den > 0 ? sqrt(num / den) : sqrt(num);
    m->max_abs = mx;
    m->cos = rows ? cos_sum / (double)rows : NAN;
    m->nonfinite = bad;
    m->first_bad = first;
}

struct diff_ctx {
    const struct ab_method *m;
    void *state;
    size_t h, n, d, valid;
    int causal;
    const double *qd, *kd, *lse;
    float *approx;  /* AB_ROWS_BLOCK x N */
    double *exact;  /* AB_ROWS_BLOCK x N */
    struct ab_err *err;
    int failed;
};

/* E rows = S^ rows - S rows, in blocks of at most AB_ROWS_BLOCK. */
static int diff_block(void *vctx, size_t r0, size_t r1, double *rows)
{
    struct diff_ctx *c = vctx;
    for (size_t b0 = r0; b0 < r1; b0 += AB_ROWS_BLOCK) {
        size_t b1 = b0 + AB_ROWS_BLOCK < r1 ? b0 + AB_ROWS_BLOCK : r1;
        if (c->m->rows(c->state, c->h, b0, b1, c->approx, c->err)) {
            c->failed = 1;
            return AB_EINVAL;
        }
        ab_reference_rows(c->qd, c->kd, c->lse, c->n, c->d, c->valid, c->causal, b0, b1, c->exact);
        double *dst = rows + (b0 - r0) * c->n;
        for (size_t i = 0; i < (b1 - b0) * c->n; i++)  /* padded rows: E = 0 */
            dst[i] = b0 + i / c->n >= c->valid ? 0.0 : (double)c->approx[i] - c->exact[i];
    }
    return AB_OK;
}

int ab_metrics_attention(const struct ab_method *m, void *state, const struct ab_data *d,
                         const struct ab_reference *ref, int want_spec, int threads,
                         struct ab_attn_metrics *out, struct ab_err *err)
{
    size_t N = d->n, D = d->d, H = d->heads;
    if (!m->rows)
        return ab_errf(err, AB_EUNSUPPORTED, "%s has no rows()", m->name);
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8);
    double *exact = malloc((size_t)AB_ROWS_BLOCK * N * 8);
    float *approx = malloc((size_t)AB_ROWS_BLOCK * N * 4);
    double *work = malloc(ab_power_spec_doubles(N) * 8);
    if (!qd || !kd || !exact || !approx || !work) {
        free(qd), free(kd), free(exact), free(approx), free(work);
        return ab_errf(err, AB_ENOMEM, "attention metrics: out of memory at N=%zu", N);
    }
    ab_blas_set_threads(threads);
    double e2 = 0, s2 = 0, dev = 0, spec_sum = 0;
    int rc = AB_OK;
    for (size_t h = 0; h < H && rc == AB_OK; h++) {
        for (size_t i = 0; i < N * D; i++)
            qd[i] = d->q[h * N * D + i], kd[i] = d->k[h * N * D + i];
        size_t valid = ab_data_valid(d, h);
        int causal = d->mask == AB_MASK_CAUSAL;
        struct diff_ctx c = {m,  state, h,   N,     D,   valid, causal, qd,
                             kd, ref->lse + h * N, approx, exact, err, 0};
        /* pass 1: ||E||_F and row sums */
        for (size_t r0 = 0; r0 < N && rc == AB_OK; r0 += AB_ROWS_BLOCK) {
            size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
            if (m->rows(state, h, r0, r1, approx, err)) {
                rc = AB_EINVAL;
                break;
            }
            ab_reference_rows(qd, kd, ref->lse + h * N, N, D, valid, causal, r0, r1, exact);
            for (size_t r = 0; r < r1 - r0; r++) {
                if (r0 + r >= valid)
                    continue; /* a padded row: in no metric */
                double rs = 0;
                for (size_t j = 0; j < N; j++) {
                    double a = approx[r * N + j], e = a - exact[r * N + j];
                    rs += a;
                    e2 += e * e;
                }
                double dv = fabs(rs - 1.0);
                dev = dv > dev || dv != dv ? dv : dev;
            }
        }
        s2 += ref->fro2[h];
        if (rc == AB_OK && want_spec) {
            double se = ab_power_spec(diff_block, &c, N, d->id + 7 * h + 1, work);
            if (c.failed)
                rc = AB_EINVAL;
            spec_sum += se / ref->spec[h];
        }
    }
    ab_blas_set_threads(1);
    free(qd), free(kd), free(exact), free(approx), free(work);
    if (rc)
        return rc;
    out->rel_fro = s2 > 0 ? sqrt(e2 / s2) : NAN;
    out->row_sum_dev = dev;
    out->rel_spec = want_spec ? spec_sum / (double)H : NAN;
    return AB_OK;
}
