/* skyformer_cpu.c — Skyformer (Chen et al., NeurIPS 2021): Nystrom on the
 * Gaussian kernel instead of softmax's exponential kernel.
 *
 *   kappa(x, y) = exp(-|x - y|^2 / (2 sqrt(D)))        (x' = x D^(-1/4), then
 *              = exp(s x.y - s|x|^2/2 - s|y|^2/2),      exp(-|x' - y'|^2 / 2))
 *   s = 1/sqrt(D); landmarks X~ (M x D): M/2 query rows and M - M/2 key rows
 *   of the head, drawn uniformly without replacement (seeded; skyformer.h),
 *   i.e. Nystrom on the symmetric PSD kernel matrix of the stacked [Q; K],
 *   as in the authors' code (pkuzengqi/Skyformer, uniform_sketching);
 *   A = kappa(X~, X~) + ridge I,  A^ = D_A^(-1/2) A D_A^(-1/2) (D_A: A's row
 *   sums), Z ~ A^^+ by `pinv_iters` Newton-Schulz iterations from
 *   Z0 = A^^T / ||A^||_1 (per head), W = D_A^(-1/2) Z D_A^(-1/2) ~ A^-1;
 *   kappa^(Q, K) = kappa(Q, X~) W kappa(X~, K),
 *   O = kappa^(Q, K) V / kappa^(Q, K) 1        (normalize: true, default)
 *   O = kappa^(Q, K) V                          (normalize: false: the
 *                                                authors' code, no row sums).
 * Differences from the authors' code, on purpose: the scale is D^(-1/4) of
 * the actual head dim (their code hard-codes 32^(-1/4), LRA's head dim);
 * landmarks without replacement (theirs may repeat a token); the pinv init
 * per head (theirs one scalar over the batch); normalised rows by default,
 * so that the output is an attention and comparable with softmax. Their
 * ridge 0.1 and 6 iterations are the defaults.
 *
 * Targets: softmax (out_rel_fro: the Gaussian kernel is a different
 * attention: S_ij ~ exp(s q.k_j - s|k_j|^2/2), softmax with a key-norm
 * bias); its own exact target, the (normalised, or with normalize: false
 * unnormalised) Gaussian-kernel attention, in float64 by `report` as
 * target_rel_fro (an O(N^2 D) pass per head, OpenMP over queries; `target:
 * false` skips it). `rows` gives kappa^ normalised (or not).
 * Masks: padding, natural: landmarks from the valid tokens only, padded keys
 * out of every sum, padded rows 0 (padding_leak exactly 0). Causal refused:
 * the landmarks come from the whole sequence and every query's kernel row
 * passes through them.
 * Cost per head: 4 N M D + 4 N M (DV + 1) + 2 M^2 (D + DV + 1) + 8 iters M^3
 * flops; memory H M (D + M + DV + 4) floats + H M (DV + 1) doubles + tiles,
 * O(N) in N. No PyPI package ships Skyformer: no peer golden.
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded (so the
 * landmarks, rows of them, are in the format); stored in the format: the
 * kernel blocks kappa(X~, X~), kappa(K tile, X~), kappa(Q tile, X~), D_A^(-1/2),
 * A^, Z0 and every matrix of each iteration (ab_nystrom_pinv_iterative_prec,
 * as nystrom), C (summed in double), D^(-1/2) C, G = W C and the
 * normalisers (one 0 or not finite: AB_ENUMERIC with the count). fp32
 * rounds nothing: bitwise the same.
 * Tests: tests/test_skyformer.c (a float64 reference of this formula with the
 * same landmarks, rows, the padding leak, the target, causal refused),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "skyformer/skyformer.h"
#include "nystrom/nystrom.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { TB = 128 }; /* tokens per tile */

static const struct ab_param skyformer_params[] = {
    {.name = "landmarks", .type = AB_PT_INT, .def = "64", .lo = 1, .hi = 1 << 20,
     .help = "landmarks M: M/2 query rows and M - M/2 key rows, drawn without replacement"},
    {.name = "ridge", .type = AB_PT_REAL, .def = "0.1", .lo = 0, .hi = 1e6,
     .help = "added to the landmark kernel's diagonal before the pseudo-inverse (authors: 0.1)"},
    {.name = "pinv_iters", .type = AB_PT_INT, .def = "6", .lo = 0, .hi = 100,
     .help = "Newton-Schulz iterations of the pseudo-inverse"},
    {.name = "normalize", .type = AB_PT_BOOL, .def = "true",
     .help = "divide each row by its kernel sum (false: the authors' unnormalised output)"},
    {.name = "target", .type = AB_PT_BOOL, .def = "true",
     .help = "report target_rel_fro against the exact Gaussian-kernel attention (O(N^2 D))"},
};

void ab_skyformer_select(uint64_t seed, size_t head, size_t valid, size_t m, size_t *idx)
{
    struct ab_rng g;
    ab_rng_seed(&g, seed, 0x534b5946u + (uint64_t)head);
    size_t half[2] = {m / 2, m - m / 2}, at = 0;
    for (size_t part = 0; part < 2; part++) { /* query rows, then key rows */
        size_t need = half[part];
        for (size_t t = 0; t < valid && need; t++)
            if (ab_rng_below(&g, valid - t) < need) {
                idx[at++] = part * valid + t;
                need--;
            }
    }
}

struct sky_state {
    struct ab_problem p;
    size_t m, stride; /* stride: floats per thread */
    int iters, normalize, target;
    float ridge;
    size_t *idx;  /* H x M landmark indices (prepare's draw) */
    double *c;    /* H x M x (DV + 1): kappa(X~, K) [V 1] */
    float *lm;    /* H x M x D landmarks */
    float *hl;    /* H x M: s |x~|^2 / 2 */
    float *dsq;   /* H x M: D_A^(-1/2) */
    float *z;     /* H x M x M */
    float *g;     /* H x M x (DV + 1): W C */
    float *a;     /* M x M, then 3 M^2 of the iteration's scratch (>= M (DV + 1)) */
    float *work;  /* threads x stride */
    float *rw;    /* rows: 2 AB_ROWS_BLOCK x M, TB x M, TB + AB_ROWS_BLOCK */
    void *buf;
};

static size_t thread_floats(size_t m, size_t dv)
{
    size_t extra = m * dv > TB ? m * dv : TB;
    return (TB * m + extra + TB + 15) & ~(size_t)15;
}

/* doubles, then floats, in one allocation */
static size_t sky_doubles(const struct ab_problem *p, size_t m) { return p->heads * m * (p->dv + 1); }
static size_t scratch_floats(size_t m, size_t dv) { return 4 * m * m > m * (dv + 1) ? 4 * m * m : m * (dv + 1); }
static size_t sky_floats(const struct ab_problem *p, size_t m)
{
    size_t H = p->heads, D = p->d, DV = p->dv, T = (size_t)(p->threads > 0 ? p->threads : 1);
    return H * m * D + 2 * H * m + H * m * m + H * m * (DV + 1) + scratch_floats(m, DV) +
           T * thread_floats(m, DV) + 2 * AB_ROWS_BLOCK * m + TB * m + TB + AB_ROWS_BLOCK;
}

static size_t min_valid(const struct ab_problem *p, size_t *head)
{
    size_t best = p->n;
    *head = 0;
    for (size_t h = 0; h < p->heads; h++)
        if (ab_mask_valid(p, h) < best)
            best = ab_mask_valid(p, h), *head = h;
    return best;
}

static int sky_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                        struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "skyformer: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    if (p->mask == AB_MASK_CAUSAL)
        return ab_errf(err, AB_EUNSUPPORTED, "skyformer: no causal form (landmarks from the whole sequence)");
    size_t m = (size_t)ab_values_int(v, "landmarks"), h, L = min_valid(p, &h);
    if (m - m / 2 > L)
        return ab_errf(err, AB_EINVAL, "skyformer: landmarks = %zu needs %zu distinct key rows, but "
                       "head %zu has %zu valid tokens (n = %zu): at most landmarks = %zu",
                       m, m - m / 2, h, L, p->n, 2 * L);
    double n = (double)p->n, M = (double)m, D = (double)p->d, DV = (double)p->dv;
    double it = (double)ab_values_int(v, "pinv_iters");
    est->flops = (double)p->heads * (4 * n * M * D + 4 * n * M * (DV + 1) +
                                     2 * M * M * (D + DV + 1) + 8 * it * M * M * M);
    est->workspace_bytes = (double)(sizeof(struct sky_state) + p->heads * m * sizeof(size_t) +
                                    sky_doubles(p, m) * sizeof(double) +
                                    sky_floats(p, m) * sizeof(float));
    est->budget = M;
    return AB_OK;
}

static int sky_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                       struct ab_err *err)
{
    struct ab_estimate est;
    int rc = sky_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct sky_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "skyformer: out of memory for the state");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    size_t m = (size_t)ab_values_int(v, "landmarks"), H = p->heads, D = p->d, DV = p->dv;
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1);
    s->m = m;
    s->iters = (int)ab_values_int(v, "pinv_iters");
    s->normalize = (int)ab_values_int(v, "normalize");
    s->target = (int)ab_values_int(v, "target");
    s->ridge = (float)ab_values_real(v, "ridge");
    s->stride = thread_floats(m, DV);
    s->idx = p->alloc(H * m * sizeof(size_t));
    s->buf = p->alloc(sky_doubles(p, m) * sizeof(double) + sky_floats(p, m) * sizeof(float));
    if (!s->idx || !s->buf)
        return ab_errf(err, AB_ENOMEM, "skyformer: cannot allocate the landmark buffers (M = %zu)", m);
    s->c = s->buf;
    s->lm = (float *)(s->c + sky_doubles(p, m));
    s->hl = s->lm + H * m * D;
    s->dsq = s->hl + H * m;
    s->z = s->dsq + H * m;
    s->g = s->z + H * m * m;
    s->a = s->g + H * m * (DV + 1);
    s->work = s->a + scratch_floats(m, DV);
    s->rw = s->work + T * s->stride;
    /* the draw is data-independent: part of the model's set-up */
    for (size_t h = 0; h < H; h++)
        ab_skyformer_select(p->seed, h, ab_mask_valid(p, h), m, s->idx + h * m);
    return AB_OK;
}

/* F (rows x M) = kappa(X rows, landmarks of h); hx: rows floats of scratch */
static void features(const struct sky_state *s, size_t h, const float *x, size_t rows, float *F,
                     float *hx)
{
    size_t m = s->m, D = s->p.d;
    float sc = (float)(1.0 / sqrt((double)D));
    const float *lm = s->lm + h * m * D, *hl = s->hl + h * m;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m, (int)D, sc, x, (int)D,
                lm, (int)D, 0.0f, F, (int)m);
    for (size_t t = 0; t < rows; t++) {
        double n2 = 0;
        for (size_t c = 0; c < D; c++)
            n2 += (double)x[t * D + c] * x[t * D + c];
        hx[t] = (float)(0.5 * n2 / sqrt((double)D));
        float *row = F + t * m;
        for (size_t l = 0; l < m; l++)
            row[l] = row[l] - hx[t] - hl[l];
        ab_exp_inplace(row, m);
    }
}

/* landmarks, A, its normalisation and pseudo-inverse, for head h */
static void landmark_side(struct sky_state *s, size_t h, int threads)
{
    const struct ab_problem *p = &s->p;
    size_t m = s->m, N = p->n, D = p->d, valid = ab_mask_valid(p, h);
    float *lm = s->lm + h * m * D, *hl = s->hl + h * m, *dsq = s->dsq + h * m, *a = s->a;
    for (size_t l = 0; l < m; l++) {
        size_t t = s->idx[h * m + l];
        const float *src = t < valid ? p->q + (h * N + t) * D : p->k + (h * N + t - valid) * D;
        memcpy(lm + l * D, src, D * sizeof(float));
        double n2 = 0;
        for (size_t c = 0; c < D; c++)
            n2 += (double)src[c] * src[c];
        hl[l] = (float)(0.5 * n2 / sqrt((double)D));
    }
    float hx[TB];
    for (size_t r0 = 0; r0 < m; r0 += TB) { /* A = kappa(X~, X~) */
        size_t rows = m - r0 < TB ? m - r0 : TB;
        features(s, h, lm + r0 * D, rows, a + r0 * m, hx);
    }
    ab_round(a, m * m, p->precision); /* precision: the kernel block, stored */
    for (size_t l = 0; l < m; l++) {
        a[l * m + l] += s->ridge;
        double sum = 0;
        for (size_t b = 0; b < m; b++)
            sum += a[l * m + b];
        dsq[l] = (float)(1.0 / sqrt(sum));
    }
    ab_round(dsq, m, p->precision); /* D_A^(-1/2), stored */
    for (size_t l = 0; l < m; l++)
        for (size_t b = 0; b < m; b++)
            a[l * m + b] *= dsq[l] * dsq[b];
    ab_round(a, m * m, p->precision); /* A^, stored */
    /* Z0 and every matrix of each iteration stored in the format (fp32:
     * ab_nystrom_pinv_iterative itself) */
    ab_nystrom_pinv_iterative_prec(a, m, s->iters, ab_nystrom_colmax(a, m), s->z + h * m * m, a + m * m,
                                   threads, p->precision);
}

/* C = kappa(X~, K_valid) [V 1] in double, for head h */
static void key_side(struct sky_state *s, size_t h, float *w)
{
    const struct ab_problem *p = &s->p;
    size_t m = s->m, N = p->n, D = p->d, DV = p->dv, valid = ab_mask_valid(p, h);
    double *c = s->c + h * m * (DV + 1);
    float *F = w, *ct = F + TB * m, *hx = ct + (m * DV > TB ? m * DV : TB);
    memset(c, 0, m * (DV + 1) * sizeof *c);
    for (size_t j0 = 0; j0 < valid; j0 += TB) {
        size_t rows = valid - j0 < TB ? valid - j0 : TB;
        features(s, h, p->k + (h * N + j0) * D, rows, F, hx);
        ab_round(F, rows * m, p->precision); /* precision: kappa(K tile, X~), stored */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)DV, (int)rows, 1.0f, F,
                    (int)m, p->v + (h * N + j0) * DV, (int)DV, 0.0f, ct, (int)DV);
        for (size_t l = 0; l < m; l++) {
            for (size_t cc = 0; cc < DV; cc++)
                c[l * (DV + 1) + cc] += ct[l * DV + cc];
            double sum = 0;
            for (size_t t = 0; t < rows; t++)
                sum += F[t * m + l];
            c[l * (DV + 1) + DV] += sum;
        }
    }
    if (p->precision != AB_PREC_FP32) /* C, summed in double, stored in the format */
        for (size_t i = 0; i < m * (DV + 1); i++)
            c[i] = (double)ab_round1((float)c[i], p->precision);
}

/* G = D^(-1/2) Z D^(-1/2) C, float; M x (DV + 1) of the scratch a */
static void combine(struct sky_state *s, size_t h, int threads)
{
    size_t m = s->m, W = s->p.dv + 1;
    const double *c = s->c + h * m * W;
    const float *dsq = s->dsq + h * m;
    float *t = s->a, *g = s->g + h * m * W;
    for (size_t l = 0; l < m; l++)
        for (size_t cc = 0; cc < W; cc++)
            t[l * W + cc] = (float)(dsq[l] * c[l * W + cc]);
    ab_round(t, m * W, s->p.precision); /* precision: D^(-1/2) C, stored */
    ab_sgemm_par(m, W, m, 1.0f, s->z + h * m * m, t, 0.0f, g, threads);
    for (size_t l = 0; l < m; l++)
        for (size_t cc = 0; cc < W; cc++)
            g[l * W + cc] *= dsq[l];
    ab_round(g, m * W, s->p.precision); /* G = W C, stored */
}

static int sky_forward(void *state, float *out, struct ab_err *err)
{
    struct sky_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, m = s->m, W = DV + 1;
    int T = p->threads > 0 ? p->threads : 1;
    for (size_t h = 0; h < H; h++)
        landmark_side(s, h, T);
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long hh = 0; hh < (long)H; hh++)
        key_side(s, (size_t)hh, s->work + (size_t)omp_get_thread_num() * s->stride);
    for (size_t h = 0; h < H; h++)
        combine(s, h, T);
    size_t tiles = (N + TB - 1) / TB, bad = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T) reduction(+ : bad)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TB, valid = ab_mask_valid(p, h);
        size_t r1 = r0 + TB < N ? r0 + TB : N, live = r1 < valid ? r1 : (r0 < valid ? valid : r0);
        float *F = s->work + (size_t)omp_get_thread_num() * s->stride, *den = F + TB * m, *hx = den + TB;
        float *o = out + (h * N + r0) * DV;
        if (live > r0) {
            size_t rows = live - r0;
            const float *g = s->g + h * m * W;
            features(s, h, p->q + (h * N + r0) * D, rows, F, hx);
            ab_round(F, rows * m, p->precision); /* precision: kappa(Q tile, X~), stored */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)m, 1.0f,
                        F, (int)m, g, (int)W, 0.0f, o, (int)DV);
            if (s->normalize) {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)m, 1.0f, F, (int)m, g + DV,
                            (int)W, 0.0f, den, 1);
                if (p->precision != AB_PREC_FP32) { /* the normalisers, stored */
                    ab_round(den, rows, p->precision);
                    for (size_t t = 0; t < rows; t++)
                        bad += !(den[t] != 0 && isfinite(den[t]));
                }
                for (size_t t = 0; t < rows; t++) {
                    float inv = 1.0f / den[t];
                    for (size_t c = 0; c < DV; c++)
                        o[t * DV + c] *= inv;
                }
            }
        }
        memset(out + (h * N + live) * DV, 0, (r1 - live) * DV * sizeof(float)); /* padded rows */
    }
    if (bad)
        return ab_errf(err, AB_ENUMERIC,
                       "skyformer: precision %s: %zu normalisers kappa^(q_i, K) 1 were 0 or not finite "
                       "in the format; those output rows are not finite",
                       ab_precision_name(p->precision), bad);
    return AB_OK;
}

static int sky_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct sky_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, m = s->m, W = DV + 1, rows = r1 - r0;
    if (h >= p->heads || r0 >= r1 || r1 > N || rows > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "skyformer: rows [%zu, %zu) of head %zu out of range", r0, r1, h);
    size_t valid = ab_mask_valid(p, h), live = r1 < valid ? r1 - r0 : (r0 < valid ? valid - r0 : 0);
    float *F = s->rw, *P = F + AB_ROWS_BLOCK * m, *Kf = P + AB_ROWS_BLOCK * m, *hx = Kf + TB * m;
    float *den = hx + TB;
    const float *dsq = s->dsq + h * m, *g = s->g + h * m * W;
    memset(S, 0, rows * N * sizeof *S);
    if (!live)
        return AB_OK;
    features(s, h, p->q + (h * N + r0) * D, live, F, hx);
    ab_round(F, live * m, p->precision); /* as forward stores them */
    for (size_t t = 0; t < live; t++) {
        double sum = 0;
        for (size_t l = 0; l < m; l++)
            sum += (double)F[t * m + l] * g[l * W + DV];
        if (p->precision != AB_PREC_FP32)
            sum = ab_round1((float)sum, p->precision);
        den[t] = s->normalize ? (float)(1.0 / sum) : 1.0f;
        for (size_t l = 0; l < m; l++)
            F[t * m + l] *= dsq[l];
    }
    /* P = F D^(-1/2) Z D^(-1/2) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)live, (int)m, (int)m, 1.0f, F, (int)m,
                s->z + h * m * m, (int)m, 0.0f, P, (int)m);
    for (size_t t = 0; t < live; t++)
        for (size_t l = 0; l < m; l++)
            P[t * m + l] *= dsq[l];
    for (size_t j0 = 0; j0 < valid; j0 += TB) {
        size_t cols = valid - j0 < TB ? valid - j0 : TB;
        features(s, h, p->k + (h * N + j0) * D, cols, Kf, hx);
        ab_round(Kf, cols * m, p->precision);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)live, (int)cols, (int)m, 1.0f, P,
                    (int)m, Kf, (int)m, 0.0f, S + j0, (int)N);
    }
    for (size_t t = 0; t < live; t++)
        for (size_t j = 0; j < valid; j++)
            S[t * N + j] *= den[t];
    return AB_OK;
}

/* target_rel_fro: forward again into a buffer, against the exact (normalised
 * or not) Gaussian-kernel attention in float64 over the valid rows. */
static int sky_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct sky_state *s = state;
    const struct ab_problem *p = &s->p;
    if (!s->target)
        return AB_OK;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv;
    int T = p->threads > 0 ? p->threads : 1;
    float *out = p->alloc(H * N * DV * sizeof *out);
    double *tmp = p->alloc((size_t)T * (N + DV) * sizeof *tmp);
    if (!out || !tmp) {
        if (out)
            p->free(out);
        if (tmp)
            p->free(tmp);
        return ab_errf(err, AB_ENOMEM, "skyformer: report: cannot allocate the target's buffers");
    }
    int rc = sky_forward(s, out, err);
    double num = 0, nrm = 0, sc = 1.0 / sqrt((double)D);
    for (size_t h = 0; h < H && !rc; h++) {
        size_t L = ab_mask_valid(p, h);
        const float *q = p->q + h * N * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
#pragma omp parallel for schedule(dynamic, 8) num_threads(T) reduction(+ : num, nrm)
        for (long ii = 0; ii < (long)L; ii++) {
            size_t i = (size_t)ii;
            double *e = tmp + (size_t)omp_get_thread_num() * (N + DV), *o = e + N, hq = 0, mx = -INFINITY;
            for (size_t c = 0; c < D; c++)
                hq += (double)q[i * D + c] * q[i * D + c];
            hq *= 0.5 * sc;
            for (size_t j = 0; j < L; j++) {
                double dot = 0, hk = 0;
                for (size_t c = 0; c < D; c++) {
                    dot += (double)q[i * D + c] * k[j * D + c];
                    hk += (double)k[j * D + c] * k[j * D + c];
                }
                e[j] = sc * dot - 0.5 * sc * hk - hq; /* -|q' - k'|^2 / 2 */
                mx = e[j] > mx ? e[j] : mx;
            }
            double shift = s->normalize ? mx : 0.0, den = 0;
            memset(o, 0, DV * sizeof *o);
            for (size_t j = 0; j < L; j++) {
                double w = exp(e[j] - shift);
                den += w;
                for (size_t c = 0; c < DV; c++)
                    o[c] += w * v[j * DV + c];
            }
            for (size_t c = 0; c < DV; c++) {
                double want = s->normalize ? o[c] / den : o[c];
                double d = (double)out[(h * N + i) * DV + c] - want;
                num += d * d, nrm += want * want;
            }
        }
    }
    p->free(out);
    p->free(tmp);
    if (!rc)
        rep->target_rel_fro = nrm > 0 ? sqrt(num / nrm) : sqrt(num);
    return rc;
}

static void sky_release(void *state)
{
    struct sky_state *s = state;
    if (!s)
        return;
    if (s->idx)
        s->p.free(s->idx);
    if (s->buf)
        s->p.free(s->buf);
    s->p.free(s);
}

const struct ab_method ab_skyformer_cpu = {
    .name = "skyformer",
    .summary = "Skyformer (Chen et al.): Nystrom on the Gaussian kernel, landmarks from [Q; K]; its own kernel",
    .params = skyformer_params,
    .nparams = (int)(sizeof skyformer_params / sizeof skyformer_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_PADDING,
    .estimate = sky_estimate,
    .prepare = sky_prepare,
    .forward = sky_forward,
    .rows = sky_rows,
    .report = sky_report,
    .release = sky_release,
    .mask_note = "causal: the landmarks are drawn from the whole sequence and every query's kernel "
                 "row passes through them (the future enters every row); no causal form",
};
