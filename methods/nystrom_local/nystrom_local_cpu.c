/* nystrom_local_cpu.c — the "segment" hybrid: exact attention inside each
 * query's window, Nystrom mass outside it.
 *
 * With S^ = F Z B (methods/nystrom), W(i) = {j : |i - j| <= window/2} and
 * r_i = sum_{j not in W(i)} S^_ij (the Nystrom mass outside the window):
 *   O_i = sum_{j not in W(i)} S^_ij v_j + (1 - r_i) sum_{j in W(i)} softmax_W(s_i)_j v_j
 * i.e. the window's exact softmax gets whatever mass the approximation leaves.
 * window >= 2(N-1): r_i = 0 and O is exact attention; window = -1 (the empty
 * window): O is `nystrom`'s output. Rows need not sum to 1 (Nystrom's don't).
 * mask: padding: nystrom's padding_rule for the Nystrom part; the band never
 * reaches a padded key and padded rows are 0.
 *
 * Computed as nystrom's F (Z (B V)) followed, per query tile, by a banded
 * correction: G = F_t Z, S^ on the band = G B[:, band] (window-masked),
 * sum_j S^_ij = sum_k G_ik (B's rows sum to 1), the exact softmax over the
 * band, and O -= S^_band V_band, O += (1 - r) P V_band. Cost: nystrom's plus
 * O(N (w + TQ) (M + D + DV)); memory: nystrom's plus threads x TQ x (3(TQ+w) + M).
 * precision: bf16|fp16 (AB_CAP_PRECISION): the inputs arrive rounded and the
 * Nystrom part rounds what nystrom stores (landmarks, A, Z, B V, W); the
 * band's F, G, B columns and softmax are per-tile float32 and not rounded.
 * Tests: tests/test_nystrom_local.c, tests/test_precision.c. */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "nystrom/nystrom.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

extern const struct ab_method ab_nystrom_cpu;

enum { TQ = 64 };

static const struct ab_param nl_params[] = {
    {.name = "window", .type = AB_PT_INT, .def = "128", .lo = -1, .hi = 1 << 30,
     .help = "exact attention for |i - j| <= window/2; -1: no window (plain nystrom)"},
    AB_NYSTROM_PARAMS,
};

struct nl_state {
    struct ab_problem p;
    void *ny;        /* the nystrom state */
    long window;
    size_t h, bw, m, stride;
    float *work;     /* threads x stride */
};

/* The band workspace per thread, in floats: F, G (TQ x M), B band (M x bw),
 * S^ band and logits (TQ x bw), X and E (TQ x DV), row sums (TQ); with the
 * half window h and the band width bw (both clamped to N). 0 for window < 0. */
static size_t band_stride(const struct ab_problem *p, long window, size_t m, size_t *h, size_t *bw)
{
    *h = *bw = 0;
    if (window < 0)
        return 0;
    *h = (size_t)window / 2 < p->n ? (size_t)window / 2 : p->n;
    *bw = TQ + 2 * *h < p->n ? TQ + 2 * *h : p->n;
    return (2 * TQ * m + m * *bw + 2 * TQ * *bw + 2 * TQ * p->dv + TQ + 15) & ~(size_t)15;
}

static int nl_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                       struct ab_err *err)
{
    int rc = ab_nystrom_cpu.estimate(p, v, est, err);
    if (rc)
        return rc;
    long w = ab_values_int(v, "window");
    size_t hw, bw, stride = band_stride(p, w, (size_t)est->budget, &hw, &bw);
    if (w >= 0) {
        double h = (double)(w / 2), band = fmin((double)p->n, 2 * h + TQ), m = est->budget;
        est->flops += (double)p->heads * (double)p->n *
                      (2.0 * m * m + band * (2.0 * m + 2.0 * (double)p->d + 4.0 * (double)p->dv));
    }
    /* nystrom's allocation, this state and the band workspace */
    est->workspace_bytes += (double)sizeof(struct nl_state) +
                            4.0 * (double)(p->threads > 0 ? p->threads : 1) * (double)stride;
    return AB_OK;
}

static int nl_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                      struct ab_err *err)
{
    struct ab_estimate est;
    int rc = nl_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct nl_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "nystrom-local: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->window = ab_values_int(v, "window");
    if ((rc = ab_nystrom_cpu.prepare(p, v, &s->ny, err)))
        return rc;
    struct ab_nystrom_view view;
    ab_nystrom_get_view(s->ny, 0, &view);
    s->m = view.m;
    if (s->window < 0)
        return AB_OK;
    s->stride = band_stride(p, s->window, s->m, &s->h, &s->bw);
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->work)
        return ab_errf(err, AB_ENOMEM, "nystrom-local: cannot allocate the band workspace");
    return AB_OK;
}

/* The window correction for query rows [r0, r1) of head hd (see the top). */
static void correct_tile(const struct nl_state *s, size_t hd, size_t r0, size_t r1, float *out,
                         float *work)
{
    const struct ab_problem *p = &s->p;
    struct ab_nystrom_view view;
    ab_nystrom_get_view(s->ny, hd, &view);
    r1 = r1 < view.nq ? r1 : view.nq; /* padded rows stay 0; padded keys out of the band */
    if (r0 >= r1)
        return;
    size_t N = p->n, D = p->d, DV = p->dv, M = view.m, rows = r1 - r0;
    size_t b0 = r0 > s->h ? r0 - s->h : 0, b1 = r1 + s->h < view.kv ? r1 + s->h : view.kv,
           bw = b1 - b0;
    float *F = work, *G = F + TQ * M, *Bb = G + TQ * M, *Sb = Bb + M * s->bw, *L = Sb + TQ * s->bw;
    float *X = L + TQ * s->bw, *E = X + TQ * DV, *rsum = E + TQ * DV;
    ab_nystrom_f_rows(s->ny, hd, r0, rows, F);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)M, (int)M, 1.0f, F, (int)M,
                view.z, (int)M, 0.0f, G, (int)M);
    ab_nystrom_b_cols(s->ny, hd, b0, b1, Bb);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)bw, (int)M, 1.0f, G, (int)M,
                Bb, (int)bw, 0.0f, Sb, (int)bw);
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)bw, (int)D, sc,
                p->q + (hd * N + r0) * D, (int)D, p->k + (hd * N + b0) * D, (int)D, 0.0f, L, (int)bw);
    for (size_t r = 0; r < rows; r++) {
        size_t i = r0 + r;
        double total = 0, inside = 0;
        for (size_t k = 0; k < M; k++)
            total += G[r * M + k]; /* sum_j S^_ij: B's rows sum to 1 */
        for (size_t j = b0; j < b1; j++) {
            size_t dist = i > j ? i - j : j - i;
            if (dist > s->h) {
                Sb[r * bw + (j - b0)] = 0.0f;
                L[r * bw + (j - b0)] = -INFINITY;
            } else {
                inside += Sb[r * bw + (j - b0)];
            }
        }
        rsum[r] = (float)(1.0 - (total - inside)); /* 1 - r_i */
    }
    ab_softmax_rows(L, rows, bw, bw, NULL);
    const float *vb = p->v + (hd * N + b0) * DV;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)bw, 1.0f, Sb,
                (int)bw, vb, (int)DV, 0.0f, X, (int)DV);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)bw, 1.0f, L,
                (int)bw, vb, (int)DV, 0.0f, E, (int)DV);
    float *o = out + (hd * N + r0) * DV;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < DV; c++)
            o[r * DV + c] += rsum[r] * E[r * DV + c] - X[r * DV + c];
}

static int nl_forward(void *state, float *out, struct ab_err *err)
{
    struct nl_state *s = state;
    int rc = ab_nystrom_cpu.forward(s->ny, out, err);
    if (rc || s->window < 0)
        return rc;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, tiles = (N + TQ - 1) / TQ;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t hd = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TQ, r1 = r0 + TQ < N ? r0 + TQ : N;
        correct_tile(s, hd, r0, r1, out, s->work + (size_t)omp_get_thread_num() * s->stride);
    }
    return AB_OK;
}

static int nl_rows(void *state, size_t hd, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct nl_state *s = state;
    int rc = ab_nystrom_cpu.rows(s->ny, hd, r0, r1, S, err);
    if (rc || s->window < 0)
        return rc;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d;
    float sc = (float)(1.0 / sqrt((double)D));
    size_t M = s->m;
    struct ab_nystrom_view view;
    ab_nystrom_get_view(s->ny, hd, &view);
    /* per row: F_i (M), G = F_i Z (M), then the band's logits */
    M = view.m;
    float *F = s->work, *G = F + M, *L = G + M;
    for (size_t i = r0; i < r1 && i < view.nq; i++) { /* padded rows: nystrom's zeros */
        float *row = S + (i - r0) * N;
        size_t b0 = i > s->h ? i - s->h : 0, b1 = i + s->h + 1 < view.kv ? i + s->h + 1 : view.kv,
               bw = b1 - b0;
        /* sum_j S^_ij as forward takes it: sum_k (F Z)_ik, B's rows summing to
         * 1 over every key B has (with segments=pad-keys, the padding keys too) */
        ab_nystrom_f_rows(s->ny, hd, i, 1, F);
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)M, (int)M, 1.0f, view.z, (int)M, F, 1, 0.0f, G, 1);
        double inside = 0, total = 0;
        for (size_t k = 0; k < M; k++)
            total += G[k];
        for (size_t j = b0; j < b1; j++)
            inside += row[j];
        float keep = (float)(1.0 - (total - inside));
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)bw, (int)D, sc, p->k + (hd * N + b0) * D, (int)D,
                    p->q + (hd * N + i) * D, 1, 0.0f, L, 1);
        ab_softmax_rows(L, 1, bw, bw, NULL);
        for (size_t j = b0; j < b1; j++)
            row[j] = keep * L[j - b0];
    }
    return AB_OK;
}

static int nl_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct nl_state *s = state;
    return ab_nystrom_cpu.report(s->ny, rep, err);
}

static void nl_release(void *state)
{
    struct nl_state *s = state;
    if (!s)
        return;
    ab_nystrom_cpu.release(s->ny);
    if (s->work)
        s->p.free(s->work);
    s->p.free(s);
}

const struct ab_method ab_nystrom_local_cpu = {
    .name = "nystrom-local",
    .summary = "exact attention inside a window, Nystrom mass outside it (the segment hybrid)",
    .params = nl_params,
    .nparams = (int)(sizeof nl_params / sizeof nl_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_PINV | AB_CAP_PADDING,
    .estimate = nl_estimate,
    .prepare = nl_prepare,
    .forward = nl_forward,
    .rows = nl_rows,
    .report = nl_report,
    .release = nl_release,
    .mask_note = "causal: its Nystrom part pools the future into the landmarks (see nystrom); "
                 "nystrom-causal is causal by construction",
};
