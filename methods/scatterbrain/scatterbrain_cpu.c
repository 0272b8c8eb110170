/* scatterbrain_cpu.c — Scatterbrain (Chen, Dao et al., NeurIPS 2021),
 * untrained: a sparse plus low-rank estimate of the softmax kernel with the
 * overlap removed.
 *
 * Low rank: Performer's FAVOR+ features (methods/performer: the same draw,
 * ab_performer_draw, and the same exponents, ab_performer_exponents),
 * phi(x) = exp(W x' - |x'|^2/2) / sqrt(r), E[phi(q) . phi(k)] = exp(q.k/sqrt(d)).
 * Sparse: a local window W(i) = {j : |i - j| <= window/2} (chosen over LSH
 * buckets: deterministic, and it always holds the diagonal, where softmax
 * mass concentrates on local and real data). The unnormalised attention is
 *   A = phi(Q) phi(K)^T + (exp(Q K^T / sqrt(d)) - phi(Q) phi(K)^T) on W,
 * i.e. A_ij = exp(l_ij) inside the window and phi(q_i).phi(k_j) outside it:
 * the sparse part replaces the low-rank estimate where it is computed
 * exactly, so the combination is unbiased (E[A_ij] = exp(l_ij) for every
 * pair). O = D^-1 A V, D = diag(A 1): every entry is positive, so rows of
 * D^-1 A are probability rows (they sum to 1).
 * Computed without subtracting anything (one_head): per query tile the
 * band's logits and phi(Q_tile) phi(K_band)^T by SGEMM give the band's
 * entries (exact in each row's window, low rank elsewhere), and the keys
 * left and right of the band enter through running sums of phi(K)^T V and
 * phi(K)^T 1 (a forward and a backward sweep over the tiles): rows sum to 1
 * to float rounding. Stabilisers: one key maximum c_k per head (as performer), and per
 * query row s_i = max(c_q,i + c_k, max_band l_ij): the row's low-rank part is
 * exp(exponent - (s_i - c_k)), its exact part exp(l_ij - s_i), both <= 1, and
 * s_i cancels in D^-1. `window: -1` turns the sparse part off (FAVOR+ alone:
 * equal to `performer` with the same seed and features).
 *
 * Cost per head: 6 N r D (features; the query features twice, once per
 * sweep) + 8 N r DV (the running sums and their products) + 2 N (w + 64)
 * (D + r + DV) for the band. Memory per thread: phi(K) of a head (N x r: linear in N,
 * kept for `rows`), the tile buffers; one thread per head.
 *
 * Masks: padding — each head on its L valid tokens (keys >= L in neither
 * part), padded rows 0, padding_leak exactly 0. Causal is refused: the
 * low-rank part would need prefix sums of phi(K)^T V with a key stabiliser
 * from past keys only (the head-wide c_k above reads the future).
 * precision: bf16|fp16 (AB_CAP_PRECISION), as performer: Q, K, V arrive
 * rounded; phi(K) (kept for `rows`), each tile's phi(Q), the running sums
 * phi(K)^T V and phi(K)^T 1 as each tile reads them (rounded copies; the
 * sums keep accumulating in float32 / float64) and each normaliser D_i are
 * stored in the format; the window part (logits, exp, P) stays float32, as
 * exact's; W (the draw) too. A normaliser 0 or not finite in the format
 * (window -1 only: the window holds the diagonal otherwise) is AB_ENUMERIC
 * with the count. fp32 rounds nothing: bitwise the same.
 * Tests: tests/test_scatterbrain.c (float64 oracle of the formula, full
 * window = exact attention, window -1 = performer, leak 0),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "performer/performer.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { TQ = 64 };

static const struct ab_param scatterbrain_params[] = {
    {.name = "features", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1 << 20,
     .help = "random features r of the low-rank part; 0: floor(d ln d)"},
    {.name = "window", .type = AB_PT_INT, .def = "128", .lo = -1, .hi = 1 << 30,
     .help = "sparse part: keys with |i - j| <= window/2 exact; -1: none (FAVOR+ alone)"},
};

struct sb_state {
    struct ab_problem p;
    size_t r, stride;
    long h;           /* window / 2, or -1 */
    float *w;         /* r x D, times D^(-1/4) */
    float *work;      /* threads x stride */
    long rows_head;   /* the head whose phi(K) thread 0's slice holds for rows, or -1 */
    float rows_ck;
};

static size_t resolve_r(const struct ab_problem *p, const struct ab_values *v)
{
    size_t r = (size_t)ab_values_int(v, "features");
    if (r == 0) {
        r = (size_t)floor((double)p->d * log((double)p->d));
        r = r ? r : 1;
    }
    return r;
}

static long half_window(const struct ab_values *v)
{
    long w = ab_values_int(v, "window");
    return w < 0 ? -1 : w / 2;
}

static size_t band_max(const struct ab_problem *p, long h)
{
    size_t b = h < 0 ? 0 : TQ + 2 * (size_t)h;
    return b < p->n ? b : p->n;
}

/* Floats per thread: the running phi(K)^T 1 (r doubles) and every row's
 * denominator (N doubles), phi(K) (N x r), the running phi(K)^T V (r x DV),
 * and per tile logits and P (TQ x band), phi(Q) (TQ x r), c_q (TQ); every
 * row's s_i (N). */
static size_t base_floats(const struct ab_problem *p, size_t r, long h)
{
    size_t N = p->n, DV = p->dv, B = band_max(p, h);
    size_t f = 2 * r + 2 * N + N * r + r * DV + 2 * TQ * B + TQ * r + TQ + N;
    return (f + 15) & ~(size_t)15;
}

/* precision bf16/fp16 adds, after those, the running sums as read: phi(K)^T 1
 * (r doubles) and phi(K)^T V (r x DV), rounded to the format. */
static size_t work_floats(const struct ab_problem *p, size_t r, long h)
{
    size_t f = base_floats(p, r, h);
    if (p->precision != AB_PREC_FP32)
        f = (f + 2 * r + r * p->dv + 15) & ~(size_t)15;
    return f;
}

static int sb_check(const struct ab_problem *p, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "scatterbrain: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    return AB_OK;
}

static int sb_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                       struct ab_err *err)
{
    int rc = sb_check(p, err);
    if (rc)
        return rc;
    size_t r = resolve_r(p, v);
    long h = half_window(v);
    double fl = 0, B = (double)band_max(p, h);
    for (size_t hd = 0; hd < p->heads; hd++) {
        double L = (double)ab_mask_valid(p, hd);
        /* features of K once and of Q twice; phi(K)^T V into both sweeps' sums
         * and phi(Q) times them; the band's logits, P and values */
        fl += 6.0 * L * (double)r * (double)p->d + 8.0 * L * (double)r * (double)p->dv +
              2.0 * L * fmin(B, L) * (double)(p->d + r + p->dv);
    }
    est->flops = fl;
    est->workspace_bytes = (double)sizeof(struct sb_state) + (double)(r * p->d) * 4.0 +
                           (double)(p->threads > 0 ? p->threads : 1) * (double)work_floats(p, r, h) * 4.0;
    est->budget = (double)r + (h < 0 ? 0.0 : 2.0 * (double)h + 1.0);
    return AB_OK;
}

static int sb_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                      struct ab_err *err)
{
    int rc = sb_check(p, err);
    if (rc)
        return rc;
    struct sb_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "scatterbrain: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->r = resolve_r(p, v), s->h = half_window(v), s->rows_head = -1;
    s->stride = work_floats(p, s->r, s->h);
    s->w = p->alloc(s->r * p->d * sizeof(float));
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->w || !s->work)
        return ab_errf(err, AB_ENOMEM, "scatterbrain: cannot allocate the features (r = %zu)", s->r);
    /* performer's draw (orthogonal blocks, chi norms): the model's weights */
    int info = ab_performer_draw(p->seed, s->r, p->d, 1, AB_PERF_NORMS_CHI, s->w);
    if (info)
        return ab_errf(err, AB_ENUMERIC, "scatterbrain: QR of a feature block failed (info %d)", info);
    float x4 = (float)pow((double)p->d, -0.25);
    for (size_t i = 0; i < s->r * p->d; i++)
        s->w[i] *= x4;
    return AB_OK;
}

/* phi(K) of head hd's L keys into UK (L x r, exp(exponent - c_k)); returns c_k. */
static float key_features(const struct sb_state *s, size_t hd, size_t L, float *UK)
{
    const struct ab_problem *p = &s->p;
    float ck = ab_performer_exponents(s->w, s->r, p->d, p->k + hd * p->n * p->d, L, UK, NULL);
    ab_exp_shift_sum(UK, L * s->r, ck);
    ab_round(UK, L * s->r, p->precision); /* precision: phi(K), stored */
    return ck;
}

/* The band of query rows [r0, r1) on L tokens: keys [*b0, *b1). */
static void band(const struct sb_state *s, size_t L, size_t r0, size_t r1, size_t *b0, size_t *b1)
{
    if (s->h < 0) {
        *b0 = *b1 = r0;
        return;
    }
    size_t h = (size_t)s->h;
    *b0 = r0 > h ? r0 - h : 0;
    *b1 = r1 + h < L ? r1 + h : L;
}

/* Keys [j0, j1) into the running sums: KVs += phi(K)^T V, kss += phi(K)^T 1. */
static void add_keys(const struct sb_state *s, const float *UK, const float *v, size_t j0, size_t j1,
                     float *KVs, double *kss)
{
    size_t r = s->r, DV = s->p.dv;
    if (j0 >= j1)
        return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r, (int)DV, (int)(j1 - j0), 1.0f,
                UK + j0 * r, (int)r, v + j0 * DV, (int)DV, 1.0f, KVs, (int)DV);
    for (size_t j = j0; j < j1; j++)
        for (size_t f = 0; f < r; f++)
            kss[f] += UK[j * r + f];
}

/* phi(Q) of rows [r0, r0 + rows) in the rows' units: exp(exponent - (s_i - c_k)). */
static void query_features(const struct sb_state *s, const float *q, size_t rows, const float *sr,
                           float ck, float *UQ, float *cq)
{
    size_t r = s->r;
    ab_performer_exponents(s->w, r, s->p.d, q, rows, UQ, cq);
    for (size_t i = 0; i < rows; i++)
        ab_exp_shift_sum(UQ + i * r, r, sr[i] - ck);
    ab_round(UQ, rows * r, s->p.precision); /* precision: phi(Q), stored */
}

/* The running sums as a tile reads them: themselves at fp32, else rounded
 * copies in the slice's tail (the sums themselves keep accumulating). */
static void sums_read(const struct sb_state *s, const float *KV, const double *ks, float *KVr,
                      double *ksr, const float **kv_out, const double **ks_out)
{
    int prec = s->p.precision;
    size_t r = s->r, DV = s->p.dv;
    if (prec == AB_PREC_FP32) {
        *kv_out = KV, *ks_out = ks;
        return;
    }
    memcpy(KVr, KV, r * DV * sizeof *KVr);
    ab_round(KVr, r * DV, prec);
    for (size_t f = 0; f < r; f++)
        ksr[f] = (double)ab_round1((float)ks[f], prec);
    *kv_out = KVr, *ks_out = ksr;
}

/* One head, no cancellation: row i's keys are its window (exact, r exp(l -
 * s_i)), the tile band's other keys (phi(q_i).phi(k_j) from P), and the keys
 * left and right of the band (phi(q_i) times running sums of phi(K)^T V and
 * phi(K)^T 1: the left sums grow in a forward sweep over the tiles, the
 * right sums in a backward sweep). Every term is positive. */
static size_t one_head(struct sb_state *s, size_t hd, float *out, float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, r = s->r, L = ab_mask_valid(p, hd), B = band_max(p, s->h);
    const float *q = p->q + hd * N * D, *k = p->k + hd * N * D, *v = p->v + hd * N * DV;
    double *ks = (double *)(void *)work, *den = ks + r; /* doubles first: aligned */
    float *UK = work + 2 * r + 2 * N, *KV = UK + N * r, *Lg = KV + r * DV, *P = Lg + TQ * B,
          *UQ = P + TQ * B, *cq = UQ + TQ * r, *sr = cq + TQ;
    double *ksr = (double *)(void *)(work + base_floats(p, r, s->h)); /* precision only */
    float *KVr = (float *)(void *)(ksr + r);
    const float *kvx;
    const double *ksx;
    size_t bad = 0;
    float ck = key_features(s, hd, L, UK);
    float sc = (float)(1.0 / sqrt((double)D));
    memset(KV, 0, r * DV * sizeof(float));
    memset(ks, 0, r * sizeof(double));
    size_t done = 0; /* keys [0, done) are in the left sums */
    for (size_t r0 = 0; r0 < L; r0 += TQ) {
        size_t r1 = r0 + TQ < L ? r0 + TQ : L, rows = r1 - r0, b0, b1;
        band(s, L, r0, r1, &b0, &b1);
        size_t nb = b1 - b0;
        add_keys(s, UK, v, done, b0, KV, ks);
        done = b0;
        if (nb)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nb, (int)D, sc,
                        q + r0 * D, (int)D, k + b0 * D, (int)D, 0.0f, Lg, (int)nb);
        ab_performer_exponents(s->w, r, D, q + r0 * D, rows, UQ, cq);
        for (size_t i = 0; i < rows; i++) { /* s_i = max(c_q + c_k, window logits) */
            float m = cq[i] + ck;
            for (size_t j = 0; j < nb; j++) {
                size_t gi = r0 + i, gj = b0 + j, dist = gi > gj ? gi - gj : gj - gi;
                if (dist > (size_t)s->h)
                    Lg[i * nb + j] = -INFINITY; /* outside the row's window */
                else if (Lg[i * nb + j] > m)
                    m = Lg[i * nb + j];
            }
            sr[r0 + i] = m;
            ab_exp_shift_sum(UQ + i * r, r, m - ck);
        }
        ab_round(UQ, rows * r, p->precision); /* precision: phi(Q), stored */
        sums_read(s, KV, ks, KVr, ksr, &kvx, &ksx);
        float *o = out + r0 * DV;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)r, 1.0f, UQ,
                    (int)r, kvx, (int)DV, 0.0f, o, (int)DV);
        if (nb)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nb, (int)r, 1.0f, UQ,
                        (int)r, UK + b0 * r, (int)r, 0.0f, P, (int)nb);
        for (size_t i = 0; i < rows; i++) {
            double d0 = 0;
            for (size_t f = 0; f < r; f++)
                d0 += (double)UQ[i * r + f] * ksx[f];
            for (size_t j = 0; j < nb; j++) { /* window: exact; the rest of the band: low rank */
                float lg = Lg[i * nb + j];
                float e = lg == -INFINITY ? P[i * nb + j] : (float)r * expf(lg - sr[r0 + i]);
                P[i * nb + j] = e;
                d0 += e;
            }
            den[r0 + i] = d0;
        }
        if (nb)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)nb, 1.0f,
                        P, (int)nb, v + b0 * DV, (int)DV, 1.0f, o, (int)DV);
    }
    memset(KV, 0, r * DV * sizeof(float));
    memset(ks, 0, r * sizeof(double));
    done = L; /* keys [done, L) are in the right sums */
    for (size_t t = (L + TQ - 1) / TQ; t-- > 0;) {
        size_t r0 = t * TQ, r1 = r0 + TQ < L ? r0 + TQ : L, rows = r1 - r0, b0, b1;
        band(s, L, r0, r1, &b0, &b1);
        add_keys(s, UK, v, b1, done, KV, ks);
        done = b1;
        query_features(s, q + r0 * D, rows, sr + r0, ck, UQ, cq);
        sums_read(s, KV, ks, KVr, ksr, &kvx, &ksx);
        float *o = out + r0 * DV;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)r, 1.0f, UQ,
                    (int)r, kvx, (int)DV, 1.0f, o, (int)DV);
        for (size_t i = 0; i < rows; i++) {
            double d0 = den[r0 + i];
            for (size_t f = 0; f < r; f++)
                d0 += (double)UQ[i * r + f] * ksx[f];
            if (p->precision != AB_PREC_FP32) { /* the normaliser, stored */
                d0 = ab_round1((float)d0, p->precision);
                bad += !(d0 != 0 && isfinite(d0));
            }
            float inv = (float)(1.0 / d0);
            for (size_t c = 0; c < DV; c++)
                o[i * DV + c] *= inv;
        }
    }
    if (L < N)
        memset(out + L * DV, 0, (N - L) * DV * sizeof(float)); /* padded rows */
    return bad;
}

static int sb_forward(void *state, float *out, struct ab_err *err)
{
    struct sb_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t bad = 0;
    s->rows_head = -1; /* thread 0's phi(K) is overwritten */
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads) reduction(+ : bad)
    for (long h = 0; h < (long)p->heads; h++)
        bad += one_head(s, (size_t)h, out + (size_t)h * p->n * p->dv,
                        s->work + (size_t)omp_get_thread_num() * s->stride);
    if (bad) /* window -1 only: the window's diagonal term keeps D_i >= 1 otherwise */
        return ab_errf(err, AB_ENUMERIC,
                       "scatterbrain: precision %s: %zu normalisers D_i were 0 or not finite in the "
                       "format (the random features underflow below its smallest value, or the sums "
                       "overflow it); those output rows are not finite",
                       ab_precision_name(p->precision), bad);
    return AB_OK;
}

/* Row i: phi(q_i).phi(k_j) outside the window, r exp(l_ij - s_i) inside
 * (both in the row's s_i units), divided by their sum. phi(K) of the head is
 * recomputed into thread 0's slice when the head changes. */
static int sb_rows(void *state, size_t hd, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct sb_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, r = s->r, L = ab_mask_valid(p, hd);
    if (hd >= p->heads || r0 >= r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "scatterbrain: rows [%zu, %zu) of head %zu out of range", r0,
                       r1, hd);
    float *UK = s->work + 2 * r + 2 * N, *UQ = UK + N * r + r * p->dv, *cq = UQ + TQ * r;
    if (s->rows_head != (long)hd) {
        s->rows_ck = key_features(s, hd, L, UK);
        s->rows_head = (long)hd;
    }
    memset(S, 0, (r1 - r0) * N * sizeof(float));
    size_t re = r1 < L ? r1 : L;
    if (r0 >= re)
        return AB_OK;
    const float *q = p->q + hd * N * D, *k = p->k + hd * N * D;
    ab_performer_exponents(s->w, r, D, q + r0 * D, re - r0, UQ, cq);
    double sc = 1.0 / sqrt((double)D);
    for (size_t i = r0; i < re; i++) {
        float *row = S + (i - r0) * N, *uq = UQ + (i - r0) * r;
        size_t b0, b1;
        band(s, L, i, i + 1, &b0, &b1);
        double m = (double)cq[i - r0] + s->rows_ck, sum = 0;
        for (size_t j = b0; j < b1; j++) {
            double dot = 0;
            for (size_t e = 0; e < D; e++)
                dot += (double)q[i * D + e] * k[j * D + e];
            row[j] = (float)(dot * sc);
            m = fmax(m, row[j]);
        }
        ab_exp_shift_sum(uq, r, (float)(m - s->rows_ck));
        ab_round(uq, r, p->precision); /* as forward stores phi(q_i) */
        for (size_t j = 0; j < L; j++) {
            double x;
            if (j >= b0 && j < b1) {
                x = (double)r * exp(row[j] - m);
            } else {
                x = 0;
                for (size_t f = 0; f < r; f++)
                    x += (double)uq[f] * UK[j * r + f];
            }
            row[j] = (float)x;
            sum += x;
        }
        if (p->precision != AB_PREC_FP32) /* the normaliser, as forward stores it */
            sum = ab_round1((float)sum, p->precision);
        for (size_t j = 0; j < L; j++)
            row[j] = (float)(row[j] / sum);
    }
    return AB_OK;
}

static void sb_release(void *state)
{
    struct sb_state *s = state;
    if (!s)
        return;
    if (s->w)
        s->p.free(s->w);
    if (s->work)
        s->p.free(s->work);
    s->p.free(s);
}

const struct ab_method ab_scatterbrain_cpu = {
    .name = "scatterbrain",
    .summary = "Scatterbrain: local-window exact attention plus Performer (FAVOR+) low rank "
               "outside it, the overlap removed (unbiased)",
    .params = scatterbrain_params,
    .nparams = (int)(sizeof scatterbrain_params / sizeof scatterbrain_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_PADDING,
    .estimate = sb_estimate,
    .prepare = sb_prepare,
    .forward = sb_forward,
    .rows = sb_rows,
    .report = NULL,
    .release = sb_release,
    .mask_note = "the low-rank part would need causal prefix sums of phi(K)^T V with a key "
                 "stabiliser from past keys only; the head-wide stabiliser reads the future",
};
