/* nystrom_causal_cpu.c — a Nystrom attention that is causal by construction
 * (mask: causal only).
 *
 * The N tokens are cut into M contiguous segments (xformers' uneven rule:
 * sizes floor(N/M) and that + 1; segment r = tokens [t0_r, t1_r), n_r of
 * them), with landmarks Qt_r, Kt_r = the segment means. With s = 1/sqrt(D),
 * a query i in segment c attends
 *   - its own segment exactly: E_i = softmax over t0_c <= j <= i of s q_i.k_j;
 *   - the completed segments r < c through the landmarks, Nystrom's
 *     F_i Z B V with every kernel looking backwards only:
 *       F_i = softmax over r < c of s q_i . Kt_r,
 *     and, by `inverse`:
 *       none        (default) B's row r = softmax of s Qt_r . k_j over its own
 *                   segment (j in [t0_r, t1_r)); then A = softmax(Qt Kt^T)
 *                   restricted the same way is I, Z = I: P_i = F_i (B V)_<c.
 *                   Stable; a two-level softmax (query -> landmark -> token).
 *       triangular  B's row r = softmax over its prefix j < t1_r; A's row r =
 *                   softmax over landmarks r' <= r (lower triangular, positive
 *                   diagonal); W = A^-1 (B V) by forward substitution
 *                   (float64). (A^-1)_<c,<c = (A_<c,<c)^-1, so
 *                   P_i = F_i (A_<c,<c)^-1 B_<c V, Nystrom's estimate of the
 *                   softmax over the keys before segment c. A^-1 is
 *                   ill-conditioned when segments are short (M near N on
 *                   random data its entries reach 1e11: float32 rounding
 *                   then dominates).
 *     Either way P_i's weights sum to 1 exactly (F 1 = 1, B 1 = 1, A 1 = 1);
 * and the two parts are merged under one normaliser (log-sum-exp): with
 *   lse_E = log sum_{t0_c<=j<=i} exp(s q_i . k_j) (exact) and
 *   lse_P = log sum_{r<c} n_r exp(s q_i . Kt_r) (each landmark key standing
 *           for the n_r keys of its segment),
 *   O_i = (e^lse_P P_i + e^lse_E E_i) / (e^lse_P + e^lse_E).
 * Row i reads Q, K, V of tokens <= i only, in reductions whose order the
 * future cannot change: causal_leak is exactly 0. At M = N (one token per
 * segment) both forms are exact causal attention.
 *
 * Cost per head (l = N/M): segment means 2ND; B V: none 2N(D + DV),
 * triangular about N M (D + DV) (row r over t1_r keys) plus A 2M^2 D and the
 * solve M^2 DV; F and F W about N M (D + DV); the own segments about
 * N l (D + DV). In all O(N M (D + DV) + (N^2/M)(D + DV)): linear in N for a
 * fixed segment length, quadratic (/ M) for fixed M. Memory: H M (2D + DV + 1)
 * floats and H M^2 doubles, plus per thread
 * max(N + 2 DV + 4M + 16, 64 (M + l + 1) + 128 DV + 128) floats.
 * Error against exact causal attention (tests/test_nystrom_causal.c, N = 257,
 * Gaussian Q, K, V): 0.24 to 0.32 relative for M = 4 .. 128, 1.5e-7 at M = N.
 *
 * `rows` gives row i of the implied matrix: the merge weight of the past times
 * F_i Z B on keys before segment c, that of E_i on t0_c..i, 0 beyond i.
 * Under mask: none the method refuses (it computes causal attention only);
 * mask: padding is not supported (mask_note).
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded; the
 * landmarks Qt, Kt, A (triangular: its float64 entries rounded to the
 * format) and B V (and W = A^-1 B V) are rounded where they are stored; the
 * own-segment softmax, F and the products stay float32, B V's sums and the
 * solve float64.
 * Tests: tests/test_nystrom_causal.c, tests/test_precision.c. */
#include "attnbench.h"
#include "base/util.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "nystrom/nystrom.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

enum { TQ = 64 };

static const struct ab_param nc_params[] = {
    {.name = "landmarks",
     .type = AB_PT_INT,
     .def = NULL,
     .lo = 1,
     .hi = 1 << 24,
     .help = "segments / landmarks M (default 64 unless landmark_ratio is given)"},
    {.name = "landmark_ratio",
     .type = AB_PT_REAL,
     .def = NULL,
     .lo = 1e-9,
     .hi = 1,
     .help = "M = max(1, round(ratio * N)); exclusive with landmarks"},
    {.name = "inverse",
     .type = AB_PT_ENUM,
     .def = "none",
     .choices = "none|triangular",
     .help = "none: B's rows over their own segment, A = I (stable); "
             "triangular: B's rows over "
             "their prefix, W = A^-1 B V (ill-conditioned for short segments)"},
};
enum { INV_NONE = 0, INV_TRIANGULAR = 1 };

struct nc_state {
    struct ab_problem p;
    size_t m, lmax, stride;
    int inverse;
    size_t *t0;     /* M + 1 segment boundaries */
    float *ql, *kl; /* H x M x D landmarks */
    float *w;       /* H x M x DV: B V, then W = A^-1 B V */
    float *lseb;    /* H x M: log-normalisers of B's rows */
    double *a;      /* H x M x M: A (lower triangle) */
    float *work;    /* threads x stride */
    void *block;
};

static size_t up16(size_t x) { return (x + 15) & ~(size_t)15; }
static size_t zmax(size_t a, size_t b) { return a > b ? a : b; }

static size_t nc_stride(size_t n, size_t m, size_t lmax, size_t dv) {
    return up16(zmax(n + 2 * dv + 4 * m + 16, TQ * (m + lmax) + 2 * TQ * dv + 2 * TQ));
}

static size_t nc_bytes(const struct ab_problem *p, size_t m, size_t lmax) {
    size_t H = p->heads, T = (size_t)(p->threads > 0 ? p->threads : 1);
    size_t floats = H * m * (2 * p->d + p->dv + 1) + T * nc_stride(p->n, m, lmax, p->dv);
    return up16(sizeof(struct nc_state)) + up16((m + 1) * sizeof(size_t)) + H * m * m * 8 +
           floats * 4 + 64;
}

static int nc_check(const struct ab_problem *p, const struct ab_values *v, size_t *m, size_t *lmax,
                    struct ab_err *err) {
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL,
                       "nystrom-causal: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)", p->heads,
                       p->n, p->d, p->dv);
    if (ab_values_isset(v, "landmarks") && ab_values_isset(v, "landmark_ratio"))
        return ab_errf(err, AB_EINVAL,
                       "nystrom-causal: give landmarks or landmark_ratio, not both");
    *m = ab_nystrom_resolve_m(p, v);
    if (*m > p->n)
        return ab_errf(err, AB_EINVAL,
                       "nystrom-causal: landmarks M=%zu exceeds the sequence length N=%zu", *m,
                       p->n);
    if (p->mask != AB_MASK_CAUSAL)
        return ab_errf(err, AB_EREFUSED,
                       "nystrom-causal computes causal attention: it runs under "
                       "mask: causal only");
    *lmax = (p->n + *m - 1) / *m;
    return AB_OK;
}

static int nc_estimate(const struct ab_problem *p, const struct ab_values *v,
                       struct ab_estimate *est, struct ab_err *err) {
    size_t m, lmax;
    int rc = nc_check(p, v, &m, &lmax, err);
    if (rc)
        return rc;
    double d = (double)p->d, dv = (double)p->dv, M = (double)m, fl = 2.0 * (double)p->n * d;
    if (ab_values_enum(v, "inverse") == INV_TRIANGULAR)
        fl += 2.0 * M * M * d + M * M * dv;
    for (size_t s = 0; s < m; s++) {
        size_t t0, t1, div;
        ab_nystrom_segment(p->n, m, AB_SEG_UNEVEN, s, &t0, &t1, &div);
        double ns = (double)(t1 - t0);
        fl += 2.0 * (double)(ab_values_enum(v, "inverse") == INV_TRIANGULAR ? t1 : t1 - t0) *
              (d + dv);                           /* B V row s */
        fl += 2.0 * ns * (double)s * (d + dv);    /* F and F W of its queries */
        fl += 2.0 * ns * (ns + 1) / 2 * (d + dv); /* its own causal segment */
    }
    est->flops = (double)p->heads * fl;
    est->workspace_bytes = (double)nc_bytes(p, m, lmax);
    est->budget = M;
    return AB_OK;
}

static int nc_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                      struct ab_err *err) {
    size_t m, lmax;
    int rc = nc_check(p, v, &m, &lmax, err);
    if (rc)
        return rc;
    size_t bytes = nc_bytes(p, m, lmax), H = p->heads,
           T = (size_t)(p->threads > 0 ? p->threads : 1);
    char *blk = p->alloc(bytes);
    if (!blk)
        return ab_errf(err, AB_ENOMEM, "nystrom-causal: cannot allocate %.1f MiB of workspace",
                       (double)bytes / 1048576.0);
    struct nc_state *s = (struct nc_state *)blk;
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->m = m;
    s->lmax = lmax;
    s->block = blk;
    s->stride = nc_stride(p->n, m, lmax, p->dv);
    s->inverse = ab_values_enum(v, "inverse");
    char *at = blk + up16(sizeof(struct nc_state));
    s->t0 = (size_t *)at;
    at += up16((m + 1) * sizeof(size_t));
    at = (char *)(((uintptr_t)at + 63) & ~(uintptr_t)63);
    s->a = (double *)at;
    at += H * m * m * 8;
    float *f = (float *)at; /* the work first: 64-byte aligned, with doubles inside */
    s->work = f, f += T * s->stride;
    s->ql = f, f += H * m * p->d;
    s->kl = f, f += H * m * p->d;
    s->w = f, f += H * m * p->dv;
    s->lseb = f;
    for (size_t j = 0; j < m; j++) {
        size_t t0, t1, div;
        ab_nystrom_segment(p->n, m, AB_SEG_UNEVEN, j, &t0, &t1, &div);
        s->t0[j] = t0;
        s->t0[j + 1] = t1;
    }
    return AB_OK;
}

/* The segment of token i. */
static size_t seg_of(const struct nc_state *s, size_t i) {
    size_t lo = 0, hi = s->m; /* t0[lo] <= i < t0[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->t0[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* A of head h: lower-triangular row softmax of s Qt Kt^T, in float64. */
static void landmark_kernel(struct nc_state *s, size_t h) {
    const struct ab_problem *p = &s->p;
    size_t M = s->m, D = p->d;
    const float *ql = s->ql + h * M * D, *kl = s->kl + h * M * D;
    double *a = s->a + h * M * M, sc = 1.0 / sqrt((double)D);
    for (size_t r = 0; r < M; r++) {
        double mx = -INFINITY, sum = 0;
        for (size_t c = 0; c <= r; c++) {
            double x = 0;
            for (size_t e = 0; e < D; e++)
                x += (double)ql[r * D + e] * kl[c * D + e];
            a[r * M + c] = x * sc;
            mx = fmax(mx, x * sc);
        }
        for (size_t c = 0; c <= r; c++)
            sum += (a[r * M + c] = exp(a[r * M + c] - mx));
        for (size_t c = 0; c < M; c++)
            a[r * M + c] = c <= r ? a[r * M + c] / sum : 0.0;
        if (p->precision != AB_PREC_FP32) /* A stored in the format */
            for (size_t c = 0; c <= r; c++)
                a[r * M + c] = ab_round1((float)a[r * M + c], p->precision);
    }
}

/* Row r of B V (keys j < t1_r) and its log-normaliser; work: N + 2 DV floats.
 */
static void bv_row(struct nc_state *s, size_t h, size_t r, float *work) {
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, M = s->m, k0 = s->inverse == INV_NONE ? s->t0[r] : 0,
           nk = s->t0[r + 1] - k0;
    float *lg = work;
    double *acc = (double *)(void *)(work + up16(N));
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)nk, (int)D, sc, p->k + (h * N + k0) * D, (int)D,
                s->ql + (h * M + r) * D, 1, 0.0f, lg, 1);
    float mx = ab_max(lg, nk);
    double sum = ab_exp_shift_sum(lg, nk, mx);
    for (size_t c = 0; c < DV; c++)
        acc[c] = 0;
    const float *v = p->v + (h * N + k0) * DV;
    for (size_t j = 0; j < nk; j++)
        for (size_t c = 0; c < DV; c++)
            acc[c] += (double)lg[j] * v[j * DV + c];
    for (size_t c = 0; c < DV; c++)
        s->w[(h * M + r) * DV + c] = (float)(acc[c] / sum);
    s->lseb[h * M + r] = mx + (float)log(sum);
}

/* W = A^-1 (B V) for head h, in place, by forward substitution. */
static void solve(struct nc_state *s, size_t h) {
    size_t M = s->m, DV = s->p.dv;
    const double *a = s->a + h * M * M;
    float *w = s->w + h * M * DV;
    for (size_t r = 0; r < M; r++)
        for (size_t c = 0; c < DV; c++) {
            double x = w[r * DV + c];
            for (size_t q = 0; q < r; q++)
                x -= a[r * M + q] * w[q * DV + c];
            w[r * DV + c] = (float)(x / a[r * M + r]);
        }
}

/* Queries [i0, i1) of head h, all in segment c: the landmark part, the own
 * segment exactly, merged under one normaliser. */
static void query_tile(const struct nc_state *s, size_t h, size_t c, size_t i0, size_t i1,
                       float *out, float *work) {
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, M = s->m, rows = i1 - i0, t0 = s->t0[c];
    size_t nk = i1 - t0; /* own-segment keys this tile can reach */
    float sc = (float)(1.0 / sqrt((double)D));
    float *P = work, *C = P + TQ * M, *po = C + TQ * s->lmax, *eo = po + TQ * DV,
          *lsp = eo + TQ * DV, *lse = lsp + TQ;
    const float *q = p->q + (h * N + i0) * D;
    /* own segment, exact: keys [t0, i], row by row */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nk, (int)D, sc, q, (int)D,
                p->k + (h * N + t0) * D, (int)D, 0.0f, C, (int)nk);
    for (size_t r = 0; r < rows; r++) {
        size_t keys = i0 + r - t0 + 1;
        float *row = C + r * nk;
        for (size_t j = keys; j < nk; j++)
            row[j] = 0.0f;
        float mx = ab_max(row, keys);
        double sum = ab_exp_shift_sum(row, keys, mx);
        float inv = (float)(1.0 / sum);
        for (size_t j = 0; j < keys; j++)
            row[j] *= inv;
        lse[r] = mx + (float)log(sum);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)nk, 1.0f, C,
                (int)nk, p->v + (h * N + t0) * DV, (int)DV, 0.0f, eo, (int)DV);
    if (c == 0) {
        memcpy(out + (h * N + i0) * DV, eo, rows * DV * sizeof(float));
        return;
    }
    /* the past through landmarks r < c */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)c, (int)D, sc, q, (int)D,
                s->kl + h * M * D, (int)D, 0.0f, P, (int)c);
    for (size_t r = 0; r < rows; r++) {
        float *row = P + r * c;
        float mx = ab_max(row, c);
        double sum = 0, wsum = 0;
        for (size_t j = 0; j < c; j++) {
            double e = exp((double)row[j] - mx);
            sum += e;
            wsum += e * (double)(s->t0[j + 1] - s->t0[j]);
            row[j] = (float)e;
        }
        float inv = (float)(1.0 / sum);
        for (size_t j = 0; j < c; j++)
            row[j] *= inv;
        lsp[r] = mx + (float)log(wsum);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)c, 1.0f, P,
                (int)c, s->w + h * M * DV, (int)DV, 0.0f, po, (int)DV);
    for (size_t r = 0; r < rows; r++) {
        double top = fmax(lsp[r], lse[r]), a = exp(lsp[r] - top), b = exp(lse[r] - top);
        float fa = (float)(a / (a + b)), fb = (float)(b / (a + b));
        float *o = out + (h * N + i0 + r) * DV;
        for (size_t e = 0; e < DV; e++)
            o[e] = fa * po[r * DV + e] + fb * eo[r * DV + e];
    }
}

static int nc_forward(void *state, float *out, struct ab_err *err) {
    (void)err;
    struct nc_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, D = p->d, M = s->m;
    int T = p->threads > 0 ? p->threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long h = 0; h < (long)H; h++) {
        ab_nystrom_landmarks(p->q + (size_t)h * N * D, N, D, M, AB_SEG_UNEVEN,
                             s->ql + (size_t)h * M * D);
        ab_nystrom_landmarks(p->k + (size_t)h * N * D, N, D, M, AB_SEG_UNEVEN,
                             s->kl + (size_t)h * M * D);
        ab_round(s->ql + (size_t)h * M * D, M * D, p->precision); /* precision: landmarks */
        ab_round(s->kl + (size_t)h * M * D, M * D, p->precision);
        if (s->inverse == INV_TRIANGULAR)
            landmark_kernel(s, (size_t)h);
    }
#pragma omp parallel for schedule(dynamic, 4) num_threads(T)
    for (long it = 0; it < (long)(H * M); it++)
        bv_row(s, (size_t)it / M, (size_t)it % M,
               s->work + (size_t)omp_get_thread_num() * s->stride);
    ab_round(s->w, H * M * p->dv, p->precision); /* precision: B V, stored */
    if (s->inverse == INV_TRIANGULAR) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
        for (long h = 0; h < (long)H; h++)
            solve(s, (size_t)h);
        ab_round(s->w, H * M * p->dv, p->precision); /* and W = A^-1 B V */
    }
    /* query tiles: segment by segment, TQ queries at a time */
    size_t per = (s->lmax + TQ - 1) / TQ;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long it = 0; it < (long)(H * M * per); it++) {
        size_t h = (size_t)it / (M * per), c = (size_t)it / per % M, k = (size_t)it % per;
        size_t i0 = s->t0[c] + k * TQ, i1 = i0 + TQ < s->t0[c + 1] ? i0 + TQ : s->t0[c + 1];
        if (i0 >= i1)
            continue;
        query_tile(s, h, c, i0, i1, out, s->work + (size_t)omp_get_thread_num() * s->stride);
    }
    return AB_OK;
}

static int nc_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err) {
    struct nc_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, M = s->m;
    if (h >= p->heads || r0 > r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "nystrom-causal: rows [%zu, %zu) of head %zu out of range",
                       r0, r1, h);
    float sc = (float)(1.0 / sqrt((double)D));
    float *lg = s->work;                                           /* N floats */
    double *f = (double *)(void *)(s->work + up16(N)), *g = f + M; /* 2M doubles */
    for (size_t i = r0; i < r1; i++) {
        float *row = S + (i - r0) * N;
        memset(row, 0, N * sizeof(float));
        size_t c = seg_of(s, i), t0 = s->t0[c], keys = i - t0 + 1;
        const float *q = p->q + (h * N + i) * D;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)keys, (int)D, sc, p->k + (h * N + t0) * D,
                    (int)D, q, 1, 0.0f, lg, 1);
        float mx = ab_max(lg, keys);
        double sum = ab_exp_shift_sum(lg, keys, mx), lse = mx + log(sum);
        double a = 0, b = 1;
        if (c > 0) {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)c, (int)D, sc, s->kl + h * M * D, (int)D,
                        q, 1, 0.0f, lg + keys, 1);
            float pm = ab_max(lg + keys, c);
            double ps = 0, wsum = 0;
            for (size_t j = 0; j < c; j++) {
                double e = exp((double)lg[keys + j] - pm);
                ps += e, wsum += e * (double)(s->t0[j + 1] - s->t0[j]);
                f[j] = e;
            }
            double lsp = pm + log(wsum), top = fmax(lsp, lse);
            a = exp(lsp - top), b = exp(lse - top);
            double tot = a + b;
            a /= tot, b /= tot;
            /* G = F (A_<c,<c)^-1: back substitution on the triangular A */
            const double *A = s->a + h * M * M;
            for (size_t r = c; r-- > 0;) {
                double x = f[r] / ps;
                for (size_t u = r + 1; u < c && s->inverse == INV_TRIANGULAR; u++)
                    x -= g[u] * A[u * M + r];
                g[r] = s->inverse == INV_TRIANGULAR ? x / A[r * M + r] : x;
            }
        }
        for (size_t j = 0; j < keys; j++)
            row[t0 + j] = (float)(b * lg[j] / sum);
        for (size_t r = 0; r < c; r++) { /* a G_r B_r on B's keys */
            size_t k0 = s->inverse == INV_NONE ? s->t0[r] : 0, nk = s->t0[r + 1] - k0;
            float *bl = lg; /* the own-segment values are written already */
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)nk, (int)D, sc, p->k + (h * N + k0) * D,
                        (int)D, s->ql + (h * M + r) * D, 1, 0.0f, bl, 1);
            float shift = s->lseb[h * M + r];
            for (size_t j = 0; j < nk; j++)
                bl[j] -= shift;
            ab_exp_inplace(bl, nk);
            float wgt = (float)(a * g[r]);
            for (size_t j = 0; j < nk; j++)
                row[k0 + j] += wgt * bl[j];
        }
    }
    return AB_OK;
}

static void nc_release(void *state) {
    struct nc_state *s = state;
    if (s)
        s->p.free(s->block);
}

const struct ab_method ab_nystrom_causal_cpu = {
    .name = "nystrom-causal",
    .summary = "causal Nystrom: past segments through triangular landmark "
               "kernels, the own segment "
               "exactly, one log-sum-exp normaliser",
    .params = nc_params,
    .nparams = (int)(sizeof nc_params / sizeof nc_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_CAUSAL,
    .estimate = nc_estimate,
    .prepare = nc_prepare,
    .forward = nc_forward,
    .rows = nc_rows,
    .report = NULL,
    .release = nc_release,
    .mask_note = "padding: not implemented (it runs under mask: causal only)",
};
