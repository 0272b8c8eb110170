/* nystrom_cpu.c — Nystromformer (Xiong et al., AAAI 2021) on the CPU.
 *
 * Per head, with s = 1/sqrt(D) (the same as scaling Q and K by D^-1/4 before
 * the segment means, as the official and HF code do: the means are linear):
 *   Qt, Kt  (M x D)   landmarks: segment means of Q and K
 *   F       (N x M)   softmax(s Q Kt^T)          never stored whole
 *   A       (M x M)   softmax(s Qt Kt^T)
 *   B       (M x N)   softmax(s Qt K^T)          never stored whole
 *   Z       (M x M)   ~ A^+: iterative Z <- Z/4 (13I - AZ(15I - AZ(7I - AZ)))
 *                     from Z0 = A^T / c, or the SVD pseudo-inverse
 *   O = F (Z (B V))   (N x DV)
 * B V is computed by an online softmax over key blocks (each thread takes a
 * chunk of keys; partial maxima, sums and accumulators are merged), so no
 * M x N buffer exists; F is formed one query tile at a time. Working memory
 * is O(threads * (M*TK + TQ*M + 3*M^2) + H*M*(D + DV)).
 *
 * Segments (landmark means):
 *   uneven (default, xformers' rule): with l = floor(N/M), the first
 *          (l+1)*M - N segments average l tokens, the rest l+1. Any N >= M.
 *   pad    (lucidrains): N is left-padded with zero rows to a multiple of M;
 *          every segment averages ceil(N/M) rows, padding included. The
 *          padding never enters F, A's keys or B's keys beyond the means.
 * Pseudo-inverse init scope, c in Z0 = A^T / c:
 *   per-head  c = ||A||_1, the largest column sum of this head's A (xformers'
 *             default; the authors' recommended "exact" coefficient);
 *   global    c = the largest column sum over all heads (the official code's
 *             and HF's "original": one scalar for the whole batch x heads).
 * pinv: svd uses LAPACK dgesdd in float64 and drops singular values below
 * rcond * sigma_max with rcond = M * 2^-23 (torch.linalg.pinv's float32 rule).
 *
 * mask: padding (head h: lengths[h] valid tokens, then padding), by
 * padding_rule; padded output rows are 0 under every rule:
 *   strict      (default) segments over the L valid tokens only, min(M, L)
 *               landmarks, padded keys out of B (F and A see landmarks only):
 *               valid rows never read a padded position (padding_leak 0);
 *   hf          Hugging Face's NystromformerSelfAttention with attention_mask:
 *               landmarks over all N tokens, padding included, the additive
 *               mask on B's keys only; valid rows depend on padded content;
 *   lucidrains  nystrom-attention with `mask`: segments over all N (its left
 *               zero rows masked, no keys even with pad-keys), each landmark
 *               the mean of its valid tokens; a landmark with none is zero
 *               and masked as a column of F and A, its row of A uniform
 *               (1/M, entering the pseudo-inverse) and its row of B uniform
 *               over all N' positions (N, or M ceil(N/M) with pad segments),
 *               whose padded values are 0. padding_leak 0.
 * hf and lucidrains need selection: segment-means. mask: causal is refused
 * (mask_note): the landmarks pool every position; see nystrom-causal.
 *
 * The logic shared with the CUDA method and the other Nystrom variants
 * (segments, landmarks, selection, pseudo-inverses) is in nystrom.c.
 *
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded; the
 * stored intermediates are rounded where they are stored: the landmarks Qt,
 * Kt, A, every pseudo-inverse iterate and the bracket factors of the
 * iteration (or the SVD's Z), B V and W = Z (B V). F and the online-softmax
 * tiles of B are never stored and stay float32; every product accumulates in
 * float32 (segment means and B V's softmax sums in float64). The
 * iteration's error grows with the format's unit roundoff: see
 * tests/test_precision.c.
 *
 * Tests: tests/test_nystrom.c, tests/test_precision.c.
 */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "nystrom/nystrom.h"
#include "kernels/qtile.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { PINV_ITERATIVE = 0, PINV_SVD = 1 };
enum { INIT_PER_HEAD = 0, INIT_GLOBAL = 1 };

static const struct ab_param nystrom_params[] = {AB_NYSTROM_PARAMS};

enum { KT = 256 }; /* k-means: rows per distance tile */

struct head_ws {  /* kept per head after forward (rows, report) */
    size_t m;       /* landmarks of this head: M, or min(M, valid) (strict padding) */
    size_t nq, kv;  /* valid query rows [0, nq) and keys [0, kv): N unmasked */
    size_t segn;    /* the tokens the segments divide: N, or valid (strict) */
    size_t padk;    /* segments: pad-keys: the zero rows that are keys of B */
    double nuni;    /* lucidrains: the positions an empty landmark's B row spreads over */
    float *ok;      /* lucidrains under padding: M flags (0: empty landmark); else NULL */
    float *ql, *kl; /* M x D landmarks (only the first m used; matrices m x m) */
    float *a, *z;   /* M x M */
    float *bv, *w;  /* M x DV: B V, then W = Z B V */
    float *lse_b;   /* M: log-normaliser of B's rows */
};

struct nystrom_state {
    struct ab_problem p;
    size_t m, tq, tk, nchunks, scratch_stride;
    int segments, pinv, iters, init, selection, kmeans_iters, rule;
    struct head_ws *heads;
    float *scratch;  /* threads x scratch_stride */
    float *colmax;   /* H: largest column sum of each head's A */
    float *partial;  /* H x nchunks x (M*DV + 2M) */
    double *svd;     /* threads x svd_stride (pinv: svd only) */
    size_t svd_stride, svd_lwork;
    int *svd_iwork;  /* threads x 8M */
    size_t *idx;     /* H x M landmark tokens (selection: strided, random) */
    float *block;    /* the one workspace allocation */
};

static size_t imin(size_t a, size_t b) { return a < b ? a : b; }
static size_t imax(size_t a, size_t b) { return a > b ? a : b; }
static size_t up16(size_t x) { return (x + 15) & ~(size_t)15; }

struct sizes {
    size_t m, tq, tk, nchunks, scratch, partial, head, svd, lwork;
    size_t idx; /* landmark token indices (strided, random): H x M */
};

static int compute_sizes(const struct ab_problem *p, const struct ab_values *vals, struct sizes *z,
                         struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "nystrom: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    if (ab_values_isset(vals, "landmarks") && ab_values_isset(vals, "landmark_ratio"))
        return ab_errf(err, AB_EINVAL,
                       "nystrom: give landmarks or landmark_ratio, not both (landmarks=%ld, "
                       "landmark_ratio=%g)",
                       ab_values_int(vals, "landmarks"), ab_values_real(vals, "landmark_ratio"));
    size_t m = ab_nystrom_resolve_m(p, vals), n = p->n, T = (size_t)(p->threads > 0 ? p->threads : 1);
    if (m > n)
        return ab_errf(err, AB_EINVAL, "nystrom: landmarks M=%zu exceeds the sequence length N=%zu",
                       m, n);
    if (p->mask == AB_MASK_PADDING && ab_nystrom_padding_rule(vals) != AB_PADRULE_STRICT &&
        ab_values_enum(vals, "selection") != AB_SEL_SEGMENT_MEANS)
        return ab_errf(err, AB_EINVAL,
                       "nystrom: padding_rule hf and lucidrains reproduce peers that form landmarks "
                       "by segment means: use selection: segment-means (or padding_rule: strict)");
    z->m = m;
    z->tq = imin((size_t)ab_values_int(vals, "tile_q"), n);
    z->tk = imin((size_t)ab_values_int(vals, "tile_k"), n);
    size_t kblocks = (n + z->tk - 1) / z->tk;
    z->nchunks = imin(kblocks, (T + p->heads - 1) / p->heads);
    /* per thread: the logits block (M x TK); or an F tile (TQ x M); or the
     * pinv temporaries (3 M^2); for `rows` (thread 0's slice): F and G
     * blocks (2 AB_ROWS_BLOCK x M) and a B block (M x TK) */
    z->scratch = up16(imax(imax(m * z->tk + 2 * AB_ROWS_BLOCK * m, z->tq * m), 3 * m * m));
    /* the forward's lane tiles (qtile.h): F W's (qt, M logits, values,
     * max/sum) and B V's (every landmark block's qt, values, max and double
     * sum, one logits step, ones) */
    size_t nb = (m + AB_QT_LANES - 1) / AB_QT_LANES;
    z->scratch = imax(z->scratch, up16(AB_QT_LANES * (p->d + m + p->dv + 2)));
    z->scratch = imax(z->scratch,
                      up16(AB_QT_LANES * (nb * (p->d + p->dv + 3) + AB_QT_STEP + 1)));
    if (ab_values_enum(vals, "selection") == AB_SEL_KMEANS) /* see kmeans_landmarks */
        z->scratch = imax(z->scratch, up16(2 * n + KT * m + 4 * m * p->d + 3 * m + 1));
    if (ab_values_enum(vals, "selection") == AB_SEL_IMPORTANCE) /* ab_nystrom_importance */
        z->scratch = imax(z->scratch, up16(3 * n + m));
    z->partial = up16(m * p->dv + 2 * m);
    z->head = up16(m * p->d) * 2 + up16(m * m) * 2 + up16(m * p->dv) * 2 + up16(m) * 2 + 16;
    z->svd = z->lwork = 0;
    int sel = ab_values_enum(vals, "selection");
    int tokens = sel == AB_SEL_STRIDED || sel == AB_SEL_RANDOM || sel == AB_SEL_IMPORTANCE;
    z->idx = tokens ? p->heads * m : 0;
    if (ab_values_enum(vals, "pinv") == PINV_SVD) {
        double q = 0;
        int mi = (int)m;
        double dummy = 0;
        int idummy = 0;
        if (LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', mi, mi, &dummy, mi, &dummy, &dummy, mi,
                                &dummy, mi, &q, -1, &idummy) != 0)
            return ab_errf(err, AB_EINVAL, "nystrom: LAPACK workspace query failed for M=%zu", m);
        z->lwork = (size_t)q + 1;
        z->svd = 4 * m * m + m + z->lwork; /* A, U, VT, Z (double), S, work */
    }
    return AB_OK;
}

/* The bytes of prepare's one allocation: the state, the per-head views,
 * floats from a 64-byte boundary, then the SVD doubles and ints, then the
 * landmark indices (16-byte aligned). */
static size_t block_bytes(const struct ab_problem *p, const struct sizes *z)
{
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1), H = p->heads;
    size_t floats = T * z->scratch + H * z->nchunks * z->partial + H * z->head;
    size_t doubles = T * z->svd, ints = z->svd ? T * 8 * z->m : 0;
    return up16(sizeof(struct nystrom_state)) + H * sizeof(struct head_ws) + 64 + floats * 4 +
           doubles * 8 + ints * sizeof(int) + z->idx * sizeof(size_t) + 16 + 64;
}

static int nystrom_estimate(const struct ab_problem *p, const struct ab_values *vals,
                            struct ab_estimate *est, struct ab_err *err)
{
    struct sizes z;
    int rc = compute_sizes(p, vals, &z, err);
    if (rc)
        return rc;
    double n = (double)p->n, m = (double)z.m, d = (double)p->d, dv = (double)p->dv;
    double pinv = ab_values_enum(vals, "pinv") == PINV_SVD
                      ? 22.0 * m * m * m /* dgesdd, roughly */ + 2 * m * m * m
                      : (double)ab_values_int(vals, "pinv_iters") * 8.0 * m * m * m;
    double per_head = 2.0 * n * d        /* segment means */
                      + 2.0 * m * m * d  /* A */
                      + pinv             /* Z */
                      + 2.0 * m * n * d  /* B logits */
                      + 2.0 * m * n * dv /* B V */
                      + 2.0 * m * m * dv /* W = Z (B V) */
                      + 2.0 * n * m * d  /* F logits */
                      + 2.0 * n * m * dv; /* F W */
    est->flops = (double)p->heads * per_head;
    est->workspace_bytes = (double)block_bytes(p, &z); /* prepare's one allocation */
    est->budget = m;
    return AB_OK;
}

/* Per head: its landmarks, valid rows and keys under the mask and the rule.
 *   strict      segments over the valid tokens, min(M, valid) landmarks;
 *   hf          segments over all N tokens (padding included), B's keys valid;
 *   lucidrains  segments over all N, each landmark the mean of its valid
 *               tokens (an empty one is zero and flagged), B's keys valid. */
static void head_geometry(struct nystrom_state *s)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, M = s->m;
    int padded = p->mask == AB_MASK_PADDING;
    for (size_t h = 0; h < p->heads; h++) {
        struct head_ws *w = &s->heads[h];
        size_t L = ab_mask_valid(p, h);
        w->nq = w->kv = L;
        w->m = M;
        w->segn = N;
        int lucid = padded && s->rule == AB_PADRULE_LUCIDRAINS;
        if (padded && s->rule == AB_PADRULE_STRICT) {
            w->m = imin(M, L);
            w->segn = L;
        }
        if (!lucid)
            w->ok = NULL;
        /* lucidrains pads its mask with False: the zero rows are no keys */
        w->padk = s->segments == AB_SEG_PAD_KEYS && !lucid
                      ? ((w->segn + w->m - 1) / w->m) * w->m - w->segn
                      : 0;
        w->nuni = s->segments == AB_SEG_UNEVEN ? (double)N : (double)(((N + M - 1) / M) * M);
    }
}

static int nystrom_prepare(const struct ab_problem *p, const struct ab_values *vals, void **statep,
                           struct ab_err *err)
{
    struct sizes z;
    int rc = compute_sizes(p, vals, &z, err);
    if (rc)
        return rc;
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1), H = p->heads, m = z.m;
    size_t doubles = T * z.svd;
    size_t ints = z.svd ? T * 8 * m : 0;
    size_t bytes = block_bytes(p, &z);
    char *blk = p->alloc(bytes);
    if (!blk)
        return ab_errf(err, AB_ENOMEM, "nystrom: cannot allocate %.1f MiB of workspace",
                       (double)bytes / 1048576.0);
    memset(blk, 0, up16(sizeof(struct nystrom_state)) + H * sizeof(struct head_ws));
    struct nystrom_state *s = (struct nystrom_state *)blk;
    *statep = s;
    s->p = *p;
    s->m = m;
    s->tq = z.tq;
    s->tk = z.tk;
    s->nchunks = z.nchunks;
    s->scratch_stride = z.scratch;
    s->segments = ab_values_enum(vals, "segments");
    s->pinv = ab_values_enum(vals, "pinv");
    s->iters = (int)ab_values_int(vals, "pinv_iters");
    s->init = ab_values_enum(vals, "pinv_init");
    s->selection = ab_values_enum(vals, "selection");
    s->kmeans_iters = (int)ab_values_int(vals, "kmeans_iters");
    s->rule = ab_nystrom_padding_rule(vals);
    s->heads = (struct head_ws *)(blk + up16(sizeof(struct nystrom_state)));
    /* carve: floats from a 64-byte boundary, then doubles, then ints */
    uintptr_t at = (uintptr_t)(s->heads + H);
    at = (at + 63) & ~(uintptr_t)63;
    float *f = (float *)at;
    s->scratch = f;
    f += T * z.scratch;
    s->partial = f;
    f += H * z.nchunks * z.partial;
    for (size_t h = 0; h < H; h++) {
        struct head_ws *w = &s->heads[h];
        w->ql = f, f += up16(m * p->d);
        w->kl = f, f += up16(m * p->d);
        w->a = f, f += up16(m * m);
        w->z = f, f += up16(m * m);
        w->bv = f, f += up16(m * p->dv);
        w->w = f, f += up16(m * p->dv);
        w->lse_b = f, f += up16(m);
        w->ok = f, f += up16(m);
    }
    s->colmax = f; /* H floats: within the 16 per head added in compute_sizes */
    f += up16(H);
    s->svd = (double *)f;
    s->svd_stride = z.svd;
    s->svd_lwork = z.lwork;
    s->svd_iwork = (int *)(s->svd + doubles);
    head_geometry(s);
    /* token landmarks are chosen here, not in the timed forward (the random
     * choice needs an N-entry permutation) */
    at = ((uintptr_t)(s->svd_iwork + ints) + 15) & ~(uintptr_t)15;
    s->idx = z.idx ? (size_t *)at : NULL;
    for (size_t h = 0; z.idx && s->selection != AB_SEL_IMPORTANCE && h < H; h++)
        if (ab_nystrom_select(s->heads[h].segn, s->heads[h].m, s->selection, p->seed + h,
                              s->idx + h * m)) {
            p->free(blk);
            *statep = NULL;
            return ab_errf(err, AB_ENOMEM, "nystrom: cannot allocate %zu indices to choose landmarks",
                           p->n);
        }
    s->block = (float *)blk;
    return AB_OK;
}

/* k-means on the keys of head h: k-means++ seeding, `kmeans_iters` Lloyd
 * steps (distances by SGEMM in tiles of KT rows), then Kt = the centroids
 * and Qt = the means of the queries over the same clusters. A cluster that
 * empties keeps its centroid. scratch: 2N + KT M + 2 M (D + DV + 1) + 2M. */
static void kmeans_landmarks(const struct nystrom_state *s, size_t h, float *scratch)
{
    const struct ab_problem *p = &s->p;
    struct head_ws *w = &s->heads[h];
    size_t N = w->segn, D = p->d, M = w->m;
    const float *k = p->k + h * p->n * D, *q = p->q + h * p->n * D;
    float *mind = scratch, *assign = mind + N, *dist = assign + N, *cn = dist + KT * M;
    double *sumk = (double *)(void *)(cn + M + (M & 1)), *sumq = sumk + M * D, *cnt = sumq + M * D;
    struct ab_rng r;
    ab_rng_seed(&r, p->seed, 0x4b4d0000u + h);
    /* k-means++: the first centre uniformly, then proportional to D^2 */
    size_t first = (size_t)ab_rng_below(&r, N);
    memcpy(w->kl, k + first * D, D * sizeof(float));
    for (size_t i = 0; i < N; i++) {
        double d2 = 0;
        for (size_t c = 0; c < D; c++) {
            double e = (double)k[i * D + c] - w->kl[c];
            d2 += e * e;
        }
        mind[i] = (float)d2;
    }
    for (size_t j = 1; j < M; j++) {
        double total = 0;
        for (size_t i = 0; i < N; i++)
            total += mind[i];
        double u = ab_rng_uniform(&r) * total, acc = 0;
        size_t pick = N - 1;
        for (size_t i = 0; i < N; i++) {
            acc += mind[i];
            if (acc > u) {
                pick = i;
                break;
            }
        }
        float *cj = w->kl + j * D;
        memcpy(cj, k + pick * D, D * sizeof(float));
        for (size_t i = 0; i < N; i++) {
            double d2 = 0;
            for (size_t c = 0; c < D; c++) {
                double e = (double)k[i * D + c] - cj[c];
                d2 += e * e;
            }
            if (d2 < mind[i])
                mind[i] = (float)d2;
        }
    }
    /* Lloyd steps; the last assignment also gives the Q means */
    for (int it = 0; it <= s->kmeans_iters; it++) {
        for (size_t j = 0; j < M; j++) {
            double n2 = 0;
            for (size_t c = 0; c < D; c++)
                n2 += (double)w->kl[j * D + c] * w->kl[j * D + c];
            cn[j] = (float)n2;
        }
        for (size_t t0 = 0; t0 < N; t0 += KT) {
            size_t rows = N - t0 < KT ? N - t0 : KT;
            /* dist = |c|^2 - 2 k.c (the |k|^2 term does not change the argmin) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)M, (int)D, -2.0f,
                        k + t0 * D, (int)D, w->kl, (int)D, 0.0f, dist, (int)M);
            for (size_t i = 0; i < rows; i++) {
                size_t best = 0;
                float bd = INFINITY;
                for (size_t j = 0; j < M; j++) {
                    float dj = dist[i * M + j] + cn[j];
                    if (dj < bd)
                        bd = dj, best = j;
                }
                assign[t0 + i] = (float)best;
            }
        }
        memset(sumk, 0, M * D * sizeof *sumk);
        memset(sumq, 0, M * D * sizeof *sumq);
        memset(cnt, 0, M * sizeof *cnt);
        for (size_t i = 0; i < N; i++) {
            size_t j = (size_t)assign[i];
            cnt[j] += 1;
            for (size_t c = 0; c < D; c++) {
                sumk[j * D + c] += k[i * D + c];
                sumq[j * D + c] += q[i * D + c];
            }
        }
        for (size_t j = 0; j < M; j++) {
            if (cnt[j] == 0) { /* an empty cluster keeps its centroid: Qt = Kt there */
                memcpy(w->ql + j * D, w->kl + j * D, D * sizeof(float));
                continue;
            }
            for (size_t c = 0; c < D; c++) {
                w->kl[j * D + c] = (float)(sumk[j * D + c] / cnt[j]);
                w->ql[j * D + c] = (float)(sumq[j * D + c] / cnt[j]);
            }
        }
    }
}

/* Landmarks of one head (unscaled): by the `selection` rule. */
/* Segment means [j0, j1) of Q (isk = 0) or K (isk = 1) of head h, by the rule. */
static void segment_means(const struct nystrom_state *s, size_t h, int isk, size_t j0, size_t j1)
{
    const struct ab_problem *p = &s->p;
    const struct head_ws *w = &s->heads[h];
    size_t N = p->n, D = p->d;
    const float *x = (isk ? p->k : p->q) + h * N * D;
    float *out = isk ? w->kl : w->ql;
    if (w->ok) /* lucidrains: the flags from K's pass (Q's are the same) */
        ab_nystrom_landmarks_valid(x, N, w->kv, D, w->m, s->segments, j0, j1, out,
                                   isk ? w->ok : NULL);
    else
        ab_nystrom_landmarks_range(x, w->segn, D, w->m, s->segments, j0, j1, out);
}

static void landmarks(const struct nystrom_state *s, size_t h, float *scratch)
{
    const struct ab_problem *p = &s->p;
    struct head_ws *w = &s->heads[h];
    size_t N = p->n, D = p->d, M = w->m;
    const float *q = p->q + h * N * D, *k = p->k + h * N * D;
    if (s->selection == AB_SEL_IMPORTANCE) /* the tokens depend on the data: chosen here, timed */
        ab_nystrom_importance(q, k, w->segn, D, M, p->seed + h, scratch, s->idx + h * s->m);
    switch (s->selection) {
    case AB_SEL_IMPORTANCE:
    case AB_SEL_STRIDED:
    case AB_SEL_RANDOM: {
        const size_t *idx = s->idx + h * s->m;
        for (size_t j = 0; j < M; j++) {
            memcpy(w->ql + j * D, q + idx[j] * D, D * sizeof(float));
            memcpy(w->kl + j * D, k + idx[j] * D, D * sizeof(float));
        }
        break;
    }
    case AB_SEL_KMEANS:
        kmeans_landmarks(s, h, scratch);
        break;
    default:
        segment_means(s, h, 0, 0, M);
        segment_means(s, h, 1, 0, M);
    }
}

/* A = softmax(s Qt Kt^T); returns its largest column sum (||A||_1). */
static float landmark_kernel(const struct nystrom_state *s, size_t h)
{
    const struct ab_problem *p = &s->p;
    struct head_ws *w = &s->heads[h];
    size_t M = w->m, D = p->d;
    float sc = (float)(1.0 / sqrt((double)D));
    ab_round(w->ql, M * D, p->precision); /* precision: the stored landmarks */
    ab_round(w->kl, M * D, p->precision);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)M, (int)D, sc, w->ql, (int)D,
                w->kl, (int)D, 0.0f, w->a, (int)M);
    if (w->ok) /* lucidrains: empty landmarks masked; an empty row is uniform */
        for (size_t r = 0; r < M; r++)
            for (size_t c = 0; c < M; c++)
                w->a[r * M + c] = !w->ok[r] ? 0.0f : w->ok[c] ? w->a[r * M + c] : -INFINITY;
    ab_softmax_rows(w->a, M, M, M, NULL);
    ab_round(w->a, M * M, p->precision);
    return ab_nystrom_colmax(w->a, M);
}

/* Z ~ A^+ by the iteration, from Z0 = A^T / c. tmp: 3 M^2 floats. */
static void pinv_iterative(const struct nystrom_state *s, size_t h, float c, float *tmp, int threads)
{
    ab_nystrom_pinv_iterative_prec(s->heads[h].a, s->heads[h].m, s->iters, c, s->heads[h].z, tmp,
                                   threads, s->p.precision);
}

/* One chunk of keys [c0, c1) of head h: online softmax of B's rows over the
 * chunk, accumulating B V. part: M*DV acc, then M maxima, then M sums. The
 * landmarks are the queries of lane tiles (qtile.h), every lane block passing
 * over each key block of TK while it is in L2: K and V are read once. */
static void bv_chunk(const struct nystrom_state *s, size_t h, size_t c0, size_t c1, float *part,
                     float *work)
{
    enum { QL = AB_QT_LANES };
    const struct ab_problem *p = &s->p;
    struct head_ws *w = &s->heads[h];
    size_t N = p->n, D = p->d, DV = p->dv, M = w->m, nb = (M + QL - 1) / QL;
    float *acc = part, *mx = part + s->m * DV, *l = mx + s->m; /* the layout: s->m */
    if (c1 <= c0) { /* a chunk past the valid keys */
        for (size_t i = 0; i < M; i++)
            mx[i] = -INFINITY, l[i] = 0;
        return;
    }
    float *qt = work, *ot = qt + nb * D * QL, *lm = ot + nb * DV * QL, *st = lm + nb * QL,
          *one = st + AB_QT_STEP * QL;
    double *ls = (double *)(one + QL); /* 8-byte aligned: offsets are multiples of 32 floats */
    float sc = (float)(1.0 / sqrt((double)D));
    for (size_t b = 0; b < nb; b++)
        ab_qt_pack(w->ql + b * QL * D, imin(QL, M - b * QL), D, D, sc, qt + b * D * QL);
    for (size_t i = 0; i < nb * QL; i++)
        lm[i] = -INFINITY, ls[i] = 0.0;
    for (size_t i = 0; i < QL; i++)
        one[i] = 1.0f;
    memset(ot, 0, nb * DV * QL * sizeof(float));
    ab_qt_attend(qt, nb, D, p->k + (h * N + c0) * D, p->v + (h * N + c0) * DV, DV, c1 - c0, s->tk,
                 st, ot, lm, ls);
    for (size_t b = 0; b < nb; b++) {
        size_t r0 = b * QL, rows = imin(QL, M - r0);
        ab_qt_unpack(ot + b * DV * QL, DV, one, rows, acc + r0 * DV, DV);
        for (size_t i = 0; i < rows; i++)
            mx[r0 + i] = lm[r0 + i], l[r0 + i] = (float)ls[r0 + i];
    }
}

/* lucidrains' empty landmarks of head h: B V row = (sum of the valid V) / nuni,
 * lse_b = log(nuni) (the zero landmark's logits are 0 against every key). */
static void empty_rows(const struct nystrom_state *s, size_t h)
{
    const struct ab_problem *p = &s->p;
    struct head_ws *w = &s->heads[h];
    size_t DV = p->dv, first = w->m;
    for (size_t r = 0; r < w->m && first == w->m; r++)
        if (!w->ok[r])
            first = r;
    if (first == w->m)
        return;
    const float *v = p->v + h * p->n * DV;
    for (size_t c = 0; c < DV; c++) {
        double acc = 0;
        for (size_t j = 0; j < w->kv; j++)
            acc += v[j * DV + c];
        w->bv[first * DV + c] = (float)(acc / w->nuni);
    }
    for (size_t r = first; r < w->m; r++)
        if (!w->ok[r]) {
            memcpy(w->bv + r * DV, w->bv + first * DV, DV * sizeof(float));
            w->lse_b[r] = (float)log(w->nuni);
        }
}

/* Merge the chunks of head h into B V and lse_b; then W = Z (B V). */
static void bv_merge(const struct nystrom_state *s, size_t h)
{
    size_t Ms = s->m, DV = s->p.dv, P = s->nchunks;
    struct head_ws *w = &s->heads[h];
    size_t M = w->m;
    const size_t stride = up16(Ms * DV + 2 * Ms);
    const float *base = s->partial + h * P * stride;
    /* pad-keys: the left padding's zero rows are keys too: logit 0, value 0 */
    size_t pad = w->padk;
    for (size_t r = 0; r < M; r++) {
        float gm = pad ? 0.0f : -INFINITY;
        for (size_t c = 0; c < P; c++)
            gm = fmaxf(gm, base[c * stride + Ms * DV + r]);
        double l = pad ? (double)pad * exp(0.0 - (double)gm) : 0;
        for (size_t j = 0; j < DV; j++)
            w->bv[r * DV + j] = 0;
        for (size_t c = 0; c < P; c++) {
            const float *part = base + c * stride;
            float cm = part[Ms * DV + r];
            if (cm == -INFINITY)
                continue;
            float f = expf(cm - gm);
            l += (double)part[Ms * DV + Ms + r] * f;
            for (size_t j = 0; j < DV; j++)
                w->bv[r * DV + j] += part[r * DV + j] * f;
        }
        float inv = (float)(1.0 / l);
        for (size_t j = 0; j < DV; j++)
            w->bv[r * DV + j] *= inv;
        w->lse_b[r] = gm + (float)log(l);
    }
    if (w->ok) /* lucidrains: an empty landmark's row of B is uniform over all
                * nuni positions (logits 0), the padded ones with value 0 */
        empty_rows(s, h);
    ab_round(w->bv, M * DV, s->p.precision); /* precision: B V and W, stored */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)DV, (int)M, 1.0f, w->z,
                (int)M, w->bv, (int)DV, 0.0f, w->w, (int)DV);
    ab_round(w->w, M * DV, s->p.precision);
}

/* F rows for queries [r0, r0+rows) of head h: softmax(s Q Kt^T) into Fb. */
static void f_rows(const struct nystrom_state *s, size_t h, size_t r0, size_t rows, float *Fb)
{
    const struct ab_problem *p = &s->p;
    const struct head_ws *w = &s->heads[h];
    size_t N = p->n, D = p->d, M = w->m;
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)M, (int)D, sc,
                p->q + (h * N + r0) * D, (int)D, w->kl, (int)D, 0.0f, Fb, (int)M);
    if (w->ok)
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < M; c++)
                if (!w->ok[c])
                    Fb[r * M + c] = -INFINITY;
    ab_softmax_rows(Fb, rows, M, M, NULL);
}

/* Z ~ A^+ for head h, in thread t's scratch; returns 1 on a failed SVD. */
static int pseudo_inverse(const struct nystrom_state *s, size_t h, float global, float colmax, int t,
                          int inner)
{
    struct head_ws *w = &s->heads[h];
    size_t M = w->m;
    if (s->pinv == PINV_ITERATIVE) {
        pinv_iterative(s, h, s->init == INIT_GLOBAL ? global : colmax,
                       s->scratch + (size_t)t * s->scratch_stride, inner);
        return 0;
    }
    double *work = s->svd + (size_t)t * s->svd_stride;
    double *zd = work + 3 * M * M + M + s->svd_lwork; /* the 4th M^2 block */
    if (ab_nystrom_pinv_svd(M, s->svd_lwork, w->a, zd, work, s->svd_iwork + (size_t)t * 8 * M))
        return 1;
    for (size_t i = 0; i < M * M; i++)
        w->z[i] = (float)zd[i];
    ab_round(w->z, M * M, s->p.precision);
    return 0;
}

static int nystrom_forward(void *state, float *out, struct ab_err *err)
{
    struct nystrom_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, DV = p->dv, M = s->m, P = s->nchunks;
    int T = p->threads > 0 ? p->threads : 1;
    float *colmax = s->colmax;

    /* 1. landmarks and A, per head; segment means with fewer heads than
     * threads are split over the segments instead (one O(N D) pass each) */
    if (s->selection == AB_SEL_SEGMENT_MEANS && (size_t)T > H) {
        for (size_t h = 0; h < H; h++) {
            struct head_ws *w = &s->heads[h];
#pragma omp parallel for schedule(static) num_threads(T)
            for (long part = 0; part < 2L * T; part++) { /* Q then K, T slices of segments each */
                int isk = part >= T;
                size_t sl = (size_t)(part % T), j0 = sl * w->m / (size_t)T,
                       j1 = (sl + 1) * w->m / (size_t)T;
                segment_means(s, h, isk, j0, j1);
            }
            colmax[h] = landmark_kernel(s, h);
        }
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
        for (long h = 0; h < (long)H; h++) {
            landmarks(s, (size_t)h, s->scratch + (size_t)omp_get_thread_num() * s->scratch_stride);
            colmax[h] = landmark_kernel(s, (size_t)h);
        }
    }
    /* 2. Z ~ A^+ per head: heads over threads, or, with fewer heads than
     * threads, each M^3 product split over the threads (ab_sgemm_par) */
    float global = 0;
    for (size_t h = 0; h < H; h++)
        global = fmaxf(global, colmax[h]);
    int info_bad = 0;
    int outer = (size_t)T <= H ? T : 1, inner = outer == 1 && M >= 128 ? T : 1;
    /* (a region of one thread would make the inner regions nested teams, which
     * libgomp builds afresh each time: branch instead) */
    if (outer > 1) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(outer) reduction(| : info_bad)
        for (long h = 0; h < (long)H; h++)
            info_bad |= pseudo_inverse(s, (size_t)h, global, colmax[h], omp_get_thread_num(), 1);
    } else {
        for (size_t h = 0; h < H; h++)
            info_bad |= pseudo_inverse(s, h, global, colmax[h], 0, inner);
    }
    if (info_bad)
        return ab_errf(err, AB_ENUMERIC, "nystrom: the SVD of A did not converge");

    /* 3. B V by chunks of keys, merged per head; W = Z (B V) */
    size_t chunk = (N + P - 1) / P;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long it = 0; it < (long)(H * P); it++) {
        size_t h = (size_t)it / P, c = (size_t)it % P;
        size_t kv = s->heads[h].kv, c0 = imin(kv, c * chunk), c1 = imin(kv, c0 + chunk);
        float *part = s->partial + (h * P + c) * up16(M * DV + 2 * M);
        bv_chunk(s, h, c0, c1, part, s->scratch + (size_t)omp_get_thread_num() * s->scratch_stride);
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long h = 0; h < (long)H; h++)
        bv_merge(s, (size_t)h);

    /* 4. O = F W, 32 queries at a time in the lanes of a tile (qtile.h):
     * F's block (M x 32) stays in L1 between its softmax and the product */
    enum { QL = AB_QT_LANES };
    size_t tiles = (N + QL - 1) / QL, D = p->d;
    float sc = (float)(1.0 / sqrt((double)D));
#pragma omp parallel for schedule(dynamic, 16) num_threads(T)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * QL, all = imin(QL, N - r0);
        const struct head_ws *w = &s->heads[h];
        size_t rows = r0 < w->nq ? imin(all, w->nq - r0) : 0, Mh = w->m;
        if (rows < all) /* padded query rows: output 0 */
            memset(out + (h * N + r0 + rows) * DV, 0, (all - rows) * DV * sizeof(float));
        if (!rows)
            continue;
        float *qt = s->scratch + (size_t)omp_get_thread_num() * s->scratch_stride;
        float *st = qt + D * QL, *ot = st + M * QL, *mx = ot + DV * QL, *sum = mx + QL;
        ab_qt_pack(p->q + (h * N + r0) * D, rows, D, D, sc, qt);
        ab_qt_logits(qt, D, w->kl, D, Mh, st);
        if (w->ok) /* lucidrains: empty landmarks masked */
            for (size_t j = 0; j < Mh; j++)
                if (!w->ok[j])
                    for (size_t i = 0; i < QL; i++)
                        st[j * QL + i] = -INFINITY;
        for (size_t i = 0; i < QL; i++)
            mx[i] = -INFINITY, sum[i] = 0.0f;
        ab_qt_colmax(st, Mh, mx);
        ab_qt_colexp(st, Mh, mx, sum);
        memset(ot, 0, DV * QL * sizeof(float));
        ab_qt_values(st, Mh, w->w, DV, DV, ot);
        for (size_t i = 0; i < QL; i++)
            sum[i] = 1.0f / sum[i];
        ab_qt_unpack(ot, DV, sum, rows, out + (h * N + r0) * DV, DV);
    }
    return AB_OK;
}

/* Rows of S^ = F Z B for head h: G = F_rows Z, then S^[:, block] = G B_block
 * with B_block = exp(s Qt K_block^T - lse_b). */
static int nystrom_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct nystrom_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, M = s->m, rows = r1 - r0;
    if (h >= p->heads || r0 > r1 || r1 > N || rows > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "nystrom: rows [%zu, %zu) of head %zu out of range", r0, r1,
                       h);
    struct head_ws *w = &s->heads[h];
    float *Fb = s->scratch, *G = Fb + AB_ROWS_BLOCK * M;
    float *Bb = G + AB_ROWS_BLOCK * M; /* M x TK: fits, see compute_sizes */
    size_t valid = r0 < w->nq ? imin(r1, w->nq) - r0 : 0; /* padded rows: 0 */
    memset(S + valid * N, 0, (rows - valid) * N * sizeof(float));
    if (!valid)
        return AB_OK;
    rows = valid;
    M = w->m;
    f_rows(s, h, r0, rows, Fb);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)M, (int)M, 1.0f, Fb,
                (int)M, w->z, (int)M, 0.0f, G, (int)M);
    for (size_t b0 = 0; b0 < N; b0 += s->tk) {
        size_t cols = imin(s->tk, N - b0);
        ab_nystrom_b_cols(s, h, b0, b0 + cols, Bb);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)cols, (int)M, 1.0f,
                    G, (int)M, Bb, (int)cols, 0.0f, S + b0, (int)N);
    }
    return AB_OK;
}

static int nystrom_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct nystrom_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t M = s->m, H = p->heads, lwork = ab_nystrom_svd_lwork(M);
    if (!lwork)
        return ab_errf(err, AB_EINVAL, "nystrom: LAPACK workspace query failed for M=%zu", M);
    double *work = p->alloc((6 * M * M + M + lwork) * sizeof(double));
    int *iwork = p->alloc(8 * M * sizeof(int));
    if (!work || !iwork) {
        p->free(work);
        p->free(iwork);
        return ab_errf(err, AB_ENOMEM, "nystrom: out of memory for the report");
    }
    double resid = 0, vs = 0;
    int rc = AB_OK;
    for (size_t h = 0; h < H; h++) {
        double r, v;
        if (ab_nystrom_pinv_quality(s->heads[h].m, lwork, s->heads[h].a, s->heads[h].z, work, iwork,
                                    &r, &v)) {
            rc = ab_errf(err, AB_ENUMERIC, "nystrom: SVD of A (head %zu) did not converge", h);
            break;
        }
        resid += r, vs += v;
    }
    p->free(work);
    p->free(iwork);
    if (rc)
        return rc;
    rep->pinv_resid = resid / (double)H;
    rep->pinv_vs_svd = vs / (double)H;
    return AB_OK;
}

static void nystrom_release(void *state)
{
    struct nystrom_state *s = state;
    if (s)
        s->p.free(s->block);
}

void ab_nystrom_get_view(void *state, size_t h, struct ab_nystrom_view *v)
{
    struct nystrom_state *s = state;
    const struct head_ws *w = &s->heads[h];
    v->m = w->m, v->nq = w->nq, v->kv = w->kv, v->ok = w->ok;
    v->ql = w->ql, v->kl = w->kl, v->z = w->z, v->w = w->w, v->lse_b = w->lse_b;
}

void ab_nystrom_f_rows(void *state, size_t h, size_t r0, size_t rows, float *F)
{
    f_rows(state, h, r0, rows, F);
}

void ab_nystrom_b_cols(void *state, size_t h, size_t c0, size_t c1, float *B)
{
    struct nystrom_state *s = state;
    const struct ab_problem *p = &s->p;
    const struct head_ws *w = &s->heads[h];
    size_t N = p->n, D = p->d, M = w->m, cols = c1 - c0;
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)cols, (int)D, sc, w->ql, (int)D,
                p->k + (h * N + c0) * D, (int)D, 0.0f, B, (int)cols);
    for (size_t r = 0; r < M; r++) {
        float *row = B + r * cols;
        for (size_t c = 0; c < cols; c++)
            row[c] -= w->lse_b[r];
        ab_exp_inplace(row, cols);
        for (size_t c = c0 < w->kv ? w->kv - c0 : 0; c < cols; c++)
            row[c] = 0.0f; /* padded keys */
    }
}

const struct ab_method ab_nystrom_cpu = {
    .name = "nystrom",
    .summary = "Nystromformer: segment-mean landmarks, iterative or SVD pseudo-inverse",
    .params = nystrom_params,
    .nparams = (int)(sizeof nystrom_params / sizeof nystrom_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_PINV | AB_CAP_PADDING,
    .estimate = nystrom_estimate,
    .prepare = nystrom_prepare,
    .forward = nystrom_forward,
    .rows = nystrom_rows,
    .report = nystrom_report,
    .release = nystrom_release,
    .mask_note = "causal: the segment-mean landmarks pool every position, future ones included, "
                 "and the paper has no causal form (xformers' causal Nystrom leaked the future "
                 "through the landmarks); nystrom-causal is causal by construction",
};
