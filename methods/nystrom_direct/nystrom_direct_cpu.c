/* nystrom_direct_cpu.c — the classical Nystrom approximation of the TRUE
 * attention matrix (Williams & Seeger 2001), a quality reference:
 *
 *   S^ = S[:, L] pinv(S[L, L]) S[L, :],   O = S[:, L] (pinv(S[L, L]) (S[L, :] V))
 *
 * over M landmark tokens L (selection: strided = floor(l N / M), or random),
 * with S's exact rows S_ij = exp(s_ij - lse_i). Needing true columns of S, it
 * costs an O(N^2 D) pass for the row normalisers lse — as much as exact
 * attention: it answers "what quality would Nystrom give if true columns were
 * affordable", it is not a fast method. Memory O(N M) (C = S[:, L]) per head.
 * pinv: svd (float64, rcond M 2^-23, the default) or the Nystromformer
 * iteration with per-head init. Rows need not sum to 1.
 * Masks: S is the true masked matrix (row i over keys [0, keys(i)), padded
 * rows 0) — its lse, its columns S[:, L] and rows S[L, :] all masked. Under
 * padding each head takes min(M, L_h) landmarks among its L_h valid tokens
 * (padded rows and keys 0, valid rows independent of the padding). Under
 * causal S[L, L] is lower triangular (landmarks sorted), so its exact inverse
 * would keep S^ causal; the float64 SVD pseudo-inverse (and the iteration,
 * from Z0 = A^T / c, not triangular) mixes in later landmarks at rounding
 * level or more: the harness's causal_leak measures it.
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded; the
 * stored C = S[:, L] (and so S[L, L]), S[L, :] V, Z (every iterate with
 * pinv: iterative, the float64 SVD's result rounded once) and Y are rounded
 * where they are stored; lse and every product stay float32 (the SVD
 * float64).
 * Tests: tests/test_nystrom_direct.c, tests/test_precision.c. */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "nystrom/nystrom.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { TQ = 128, TK = 512 };
enum { PINV_ITERATIVE = 0, PINV_SVD = 1 };

static const struct ab_param nd_params[] = {
    {.name = "landmarks", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 1 << 24,
     .help = "landmark tokens M (default 64 unless landmark_ratio is given)"},
    {.name = "landmark_ratio", .type = AB_PT_REAL, .def = NULL, .lo = 1e-9, .hi = 1,
     .help = "M = max(1, round(ratio * N)); exclusive with landmarks"},
    {.name = "selection", .type = AB_PT_ENUM, .def = "strided", .choices = "strided|random",
     .help = "landmark tokens floor(l N / M), or M random tokens (seeded)"},
    {.name = "pinv", .type = AB_PT_ENUM, .def = "svd", .choices = "iterative|svd",
     .help = "pseudo-inverse of S[L, L]: float64 SVD, or the Nystromformer iteration"},
    {.name = "pinv_iters", .type = AB_PT_INT, .def = "6", .lo = 0, .hi = 1000,
     .help = "pinv: iterative: iterations"},
};

struct nd_state {
    struct ab_problem p;
    size_t m, lwork, stride;
    int pinv, iters, selection;
    size_t *idx;            /* H x M landmark tokens (valid tokens only under padding) */
    float *c, *lse, *ql, *kl; /* H x N x M, H x N, H x M x D (twice) */
    float *z, *slv, *y;     /* H x M x M, H x M x DV, H x M x DV */
    float *work;            /* threads x stride */
    double *dwork;          /* SVD: 4 M^2 + M + lwork doubles */
    int *iwork;
};

/* Landmarks of head h: M, or min(M, L_h) under padding. */
static size_t nd_mh(const struct nd_state *s, size_t h)
{
    size_t L = ab_mask_valid(&s->p, h);
    return s->m < L ? s->m : L;
}

static size_t nd_m(const struct ab_problem *p, const struct ab_values *v)
{
    if (ab_values_isset(v, "landmarks"))
        return (size_t)ab_values_int(v, "landmarks");
    if (ab_values_isset(v, "landmark_ratio")) {
        double m = floor(ab_values_real(v, "landmark_ratio") * (double)p->n + 0.5);
        return m < 1 ? 1 : (size_t)m;
    }
    return 64;
}

/* Floats per thread of the work buffer: a logits tile (TQ x TK) with its
 * max and sum, a B block (M x TK), M x DV, and the pinv temporaries (3 M^2);
 * rounded to 64 bytes. */
static size_t nd_stride(size_t m, size_t dv)
{
    return (TQ * TK + 2 * TQ + m * TK + m * dv + 3 * m * m + 15) & ~(size_t)15;
}

/* What prepare allocates, piece by piece (see nd_prepare): the state, the
 * landmark indices, C, lse, the landmarks, Z, S[L,:] V, Y, the threads' work
 * and the SVD's doubles (4 M^2 + M + lwork) and ints (8 M). */
static size_t nd_bytes(const struct ab_problem *p, size_t m, size_t lwork)
{
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, T = (size_t)(p->threads > 0 ? p->threads : 1);
    return sizeof(struct nd_state) + H * m * sizeof(size_t) +
           (H * N * m + H * N + 2 * H * m * D + H * m * m + 2 * H * m * DV + T * nd_stride(m, DV)) *
               sizeof(float) +
           (4 * m * m + m + lwork) * sizeof(double) + 8 * m * sizeof(int);
}

static int nd_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                       struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "nystrom-direct: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    if (ab_values_isset(v, "landmarks") && ab_values_isset(v, "landmark_ratio"))
        return ab_errf(err, AB_EINVAL, "nystrom-direct: give landmarks or landmark_ratio, not both");
    size_t m = nd_m(p, v);
    if (m > p->n)
        return ab_errf(err, AB_EINVAL,
                       "nystrom-direct: landmarks M=%zu exceeds the sequence length N=%zu", m, p->n);
    double n = (double)p->n, M = (double)m, d = (double)p->d, dv = (double)p->dv;
    double pinv = ab_values_enum(v, "pinv") == PINV_SVD ? 24.0 * M * M * M
                                                        : 8.0 * M * M * M * (double)ab_values_int(v, "pinv_iters");
    est->flops = (double)p->heads * (2.0 * n * n * d + 2.0 * n * M * d + 2.0 * M * n * (d + dv) + pinv +
                                     2.0 * M * M * dv + 2.0 * n * M * dv);
    est->workspace_bytes = (double)nd_bytes(p, m, ab_nystrom_svd_lwork(m));
    est->budget = M;
    return AB_OK;
}

static int nd_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                      struct ab_err *err)
{
    struct ab_estimate est;
    int rc = nd_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct nd_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "nystrom-direct: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->m = nd_m(p, v);
    s->pinv = ab_values_enum(v, "pinv");
    s->iters = (int)ab_values_int(v, "pinv_iters");
    s->selection = ab_values_enum(v, "selection") == 1 ? AB_SEL_RANDOM : AB_SEL_STRIDED;
    size_t H = p->heads, N = p->n, M = s->m, D = p->d, DV = p->dv;
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1);
    s->stride = nd_stride(M, DV);
    s->lwork = ab_nystrom_svd_lwork(M);
    s->idx = p->alloc(H * M * sizeof *s->idx);
    s->c = p->alloc(H * N * M * sizeof(float));
    s->lse = p->alloc(H * N * sizeof(float));
    s->ql = p->alloc(H * M * D * sizeof(float));
    s->kl = p->alloc(H * M * D * sizeof(float));
    s->z = p->alloc(H * M * M * sizeof(float));
    s->slv = p->alloc(H * M * DV * sizeof(float));
    s->y = p->alloc(H * M * DV * sizeof(float));
    s->work = p->alloc(T * s->stride * sizeof(float));
    s->dwork = p->alloc((4 * M * M + M + s->lwork) * sizeof(double));
    s->iwork = p->alloc(8 * M * sizeof(int));
    if (!s->idx || !s->c || !s->lse || !s->ql || !s->kl || !s->z || !s->slv || !s->y || !s->work || !s->dwork ||
        !s->iwork)
        return ab_errf(err, AB_ENOMEM, "nystrom-direct: cannot allocate its O(N M) buffers (M = %zu)",
                       M);
    for (size_t h = 0; h < H; h++) /* unmasked: the same set for every head */
        if (ab_nystrom_select(ab_mask_valid(p, h), nd_mh(s, h), s->selection, p->seed, s->idx + h * M))
            return ab_errf(err, AB_ENOMEM, "nystrom-direct: cannot allocate %zu indices to choose "
                           "landmarks", N);
    return AB_OK;
}

/* B = S[L, c0 : c0 + cols] of head h, the landmark rows of the masked S
 * (Mh x cols): exp(s q_L . k_j - lse_L), 0 beyond each landmark row's keys. */
static void s_rows_block(const struct nd_state *s, size_t h, size_t Mh, size_t c0, size_t cols,
                         float *B)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, M = s->m, D = p->d;
    const size_t *idx = s->idx + h * M;
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)Mh, (int)cols, (int)D, sc,
                s->ql + h * M * D, (int)D, p->k + (h * N + c0) * D, (int)D, 0.0f, B, (int)cols);
    for (size_t l = 0; l < Mh; l++) {
        float shift = s->lse[h * N + idx[l]];
        size_t keys = ab_mask_keys(p, h, idx[l]);
        float *row = B + l * cols;
        for (size_t c = 0; c < cols; c++)
            row[c] -= shift;
        ab_exp_inplace(row, cols);
        for (size_t c = keys > c0 ? keys - c0 : 0; c < cols; c++)
            row[c] = 0.0f;
    }
}

static int nd_forward(void *state, float *out, struct ab_err *err)
{
    struct nd_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, M = s->m, D = p->d, DV = p->dv, tiles = (N + TQ - 1) / TQ;
    int T = p->threads > 0 ? p->threads : 1;
    float sc = (float)(1.0 / sqrt((double)D));
    /* 1. the exact row normalisers, O(N^2 D); and C = S[:, L] tile by tile */
    for (size_t h = 0; h < H; h++)
        for (size_t l = 0; l < nd_mh(s, h); l++) {
            const size_t *idx = s->idx + h * M;
            memcpy(s->ql + (h * M + l) * D, p->q + (h * N + idx[l]) * D, D * sizeof(float));
            memcpy(s->kl + (h * M + l) * D, p->k + (h * N + idx[l]) * D, D * sizeof(float));
        }
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TQ, all = N - r0 < TQ ? N - r0 : TQ;
        size_t nq = ab_mask_valid(p, h), rows = r0 < nq ? (nq - r0 < all ? nq - r0 : all) : 0;
        size_t Mh = nd_mh(s, h), kmax = rows ? ab_mask_keys(p, h, r0 + rows - 1) : 0;
        const size_t *idx = s->idx + h * M;
        float *lse = s->lse + h * N + r0, *c = s->c + (h * N + r0) * M;
        for (size_t r = rows; r < all; r++) /* padded rows: no keys, C row 0 */
            lse[r] = -INFINITY, memset(c + r * M, 0, M * sizeof(float));
        if (!rows)
            continue;
        float *L = s->work + (size_t)omp_get_thread_num() * s->stride, *mx = L + TQ * TK, *l = mx + TQ;
        const float *q = p->q + (h * N + r0) * D, *k = p->k + h * N * D;
        for (size_t r = 0; r < rows; r++)
            mx[r] = -INFINITY, l[r] = 0;
        for (size_t c0 = 0; c0 < kmax; c0 += TK) { /* every row has key 0 in the first block */
            size_t cols = kmax - c0 < TK ? kmax - c0 : TK;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)D, sc, q,
                        (int)D, k + c0 * D, (int)D, 0.0f, L, (int)cols);
            for (size_t r = 0; r < rows; r++)
                for (size_t j = ab_mask_keys(p, h, r0 + r); j < c0 + cols; j++)
                    if (j >= c0)
                        L[r * cols + (j - c0)] = -INFINITY;
            ab_online_softmax_step(L, rows, cols, mx, l, NULL, 0);
        }
        for (size_t r = 0; r < rows; r++)
            lse[r] = mx[r] + logf(l[r]);
        /* C rows: exp(s q . k_L - lse), 0 on masked landmark columns */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)Mh, (int)D, sc, q, (int)D,
                    s->kl + h * M * D, (int)D, 0.0f, c, (int)M);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < Mh; j++)
                c[r * M + j] -= lse[r];
        for (size_t r = 0; r < rows; r++)
            ab_exp_inplace(c + r * M, Mh);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < Mh; j++)
                if (idx[j] >= ab_mask_keys(p, h, r0 + r))
                    c[r * M + j] = 0.0f;
        ab_round(c, rows * M, p->precision); /* precision: C = S[:, L], stored */
    }
    /* 2. S[L, :] V per head, by key blocks (the lse of the landmark rows is known) */
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long h = 0; h < (long)H; h++) {
        float *B = s->work + (size_t)omp_get_thread_num() * s->stride + TQ * TK + 2 * TQ;
        float *slv = s->slv + (size_t)h * M * DV;
        size_t Mh = nd_mh(s, (size_t)h), kv = ab_mask_valid(p, (size_t)h);
        memset(slv, 0, M * DV * sizeof(float));
        for (size_t c0 = 0; c0 < kv; c0 += TK) {
            size_t cols = kv - c0 < TK ? kv - c0 : TK;
            s_rows_block(s, (size_t)h, Mh, c0, cols, B);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)Mh, (int)DV, (int)cols, 1.0f, B,
                        (int)cols, p->v + ((size_t)h * N + c0) * DV, (int)DV, 1.0f, slv, (int)DV);
        }
        ab_round(slv, M * DV, p->precision);
    }
    /* 3. Z = pinv(S[L, L]) = pinv(C[L, :]); Y = Z S[L, :] V; O = C Y */
    for (size_t h = 0; h < H; h++) {
        size_t Ms = M, Mh = nd_mh(s, h);
        float *wm = s->work, *tmp = wm + Ms * Ms, *z = s->z + h * Ms * Ms;
        for (size_t a = 0; a < Mh; a++)
            memcpy(wm + a * Mh, s->c + (h * N + s->idx[h * Ms + a]) * Ms, Mh * sizeof(float));
        if (s->pinv == PINV_SVD) {
            double *zd = s->dwork + 3 * Mh * Mh + Mh + s->lwork;
            if (!s->lwork || ab_nystrom_pinv_svd(Mh, s->lwork, wm, zd, s->dwork, s->iwork))
                return ab_errf(err, AB_ENUMERIC, "nystrom-direct: the SVD of S[L, L] failed (head %zu)", h);
            for (size_t i = 0; i < Mh * Mh; i++)
                z[i] = (float)zd[i];
            ab_round(z, Mh * Mh, p->precision);
        } else {
            ab_nystrom_pinv_iterative_prec(wm, Mh, s->iters, ab_nystrom_colmax(wm, Mh), z, tmp, T,
                                           p->precision);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)Mh, (int)DV, (int)Mh, 1.0f, z, (int)Mh,
                    s->slv + h * Ms * DV, (int)DV, 0.0f, s->y + h * Ms * DV, (int)DV);
        ab_round(s->y + h * Ms * DV, Mh * DV, p->precision);
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TQ, rows = N - r0 < TQ ? N - r0 : TQ;
        /* padded rows: C's rows are 0, and so are theirs */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)nd_mh(s, h),
                    1.0f, s->c + (h * N + r0) * M, (int)M, s->y + h * M * DV, (int)DV, 0.0f,
                    out + (h * N + r0) * DV, (int)DV);
        for (size_t r = r0; r < r0 + rows; r++)
            if (r >= ab_mask_valid(p, h)) /* exactly +0, not a product's -0 */
                memset(out + (h * N + r) * DV, 0, DV * sizeof(float));
    }
    return AB_OK;
}

static int nd_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct nd_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, M = s->m, D = p->d, rows = r1 - r0;
    if (h >= p->heads || r0 >= r1 || r1 > N || rows > AB_ROWS_BLOCK || rows > TQ)
        return ab_errf(err, AB_EINVAL, "nystrom-direct: rows [%zu, %zu) of head %zu out of range", r0,
                       r1, h);
    float *G = s->work, *B = G + TQ * M; /* TQ M + M TK <= stride */
    size_t Mh = nd_mh(s, h);
    (void)D;
    /* G = C Z (Z: Mh x Mh); padded rows of C are 0, so are theirs in S^ */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)Mh, (int)Mh, 1.0f,
                s->c + (h * N + r0) * M, (int)M, s->z + h * M * M, (int)Mh, 0.0f, G, (int)Mh);
    for (size_t c0 = 0; c0 < N; c0 += TK) {
        size_t cols = N - c0 < TK ? N - c0 : TK;
        s_rows_block(s, h, Mh, c0, cols, B);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)cols, (int)Mh, 1.0f, G,
                    (int)Mh, B, (int)cols, 0.0f, S + c0, (int)N);
    }
    /* causal: S^ is lower triangular only up to the pinv's rounding (see the
     * top); rows give what forward computes */
    return AB_OK;
}

static void nd_release(void *state)
{
    struct nd_state *s = state;
    if (!s)
        return;
    void (*f)(void *) = s->p.free;
    f(s->idx), f(s->c), f(s->lse), f(s->ql), f(s->kl), f(s->z), f(s->slv), f(s->y), f(s->work), f(s->dwork);
    f(s->iwork), f(s);
}

const struct ab_method ab_nystrom_direct_cpu = {
    .name = "nystrom-direct",
    .summary = "classical Nystrom of the true attention matrix (a quality reference: O(n^2 d))",
    .params = nd_params,
    .nparams = (int)(sizeof nd_params / sizeof nd_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = nd_estimate,
    .prepare = nd_prepare,
    .forward = nd_forward,
    .rows = nd_rows,
    .report = NULL,
    .release = nd_release,
};
