/* reformer_cpu.c — Reformer's LSH attention (Kitaev et al., ICLR 2020),
 * untrained, as reformer-pytorch's LSHAttention computes it.
 *
 * Hashing: with random rotations R_r (d x b/2, r = 0 .. n_hashes - 1; b =
 * `buckets`, even) a vector x goes to bucket argmax([x R_r, -x R_r]) in round
 * r (angular LSH, Andoni et al. 2015). Each round sorts the tokens by
 * (bucket, position) — stable, so ties keep their order — and the rounds are
 * laid end to end: T = n_hashes N slots. The slots are cut into chunks of
 * `chunk` tokens (the last one ragged when `chunk` does not divide T); the
 * queries of chunk c attend the keys of chunk c and of chunk c - 1 (chunk 0
 * looks back to the last chunk, across rounds, as reformer-pytorch's
 * look_one_back does). Round r gives token i an output o_r and a
 * log-normaliser lse_r; the rounds are combined by their weights
 * exp(lse_r) / sum_r' exp(lse_r'), which is one softmax over the multiset
 * of every round's keys (a key found in two rounds counts twice: the
 * default allow_duplicate_attention of reformer-pytorch).
 *
 *   qk: shared   Reformer's shared-QK attention on the harness's K: queries
 *                K (unnormalised), keys K / |K| (hash locality = angular
 *                similarity), logits k_i . k^_j / sqrt(d), the token's own
 *                position given the logit -5e4 (reformer-pytorch's
 *                TOKEN_SELF_ATTN_VALUE: attended only when nothing else is).
 *                This reproduces reformer-pytorch's LSHAttention(qk = K)
 *                (tests/test_peers.c, with its rotations in `rotations_file`)
 *                — and ignores Q: against softmax(Q K^T / sqrt(d)) its error
 *                includes Q != K, not only the hashing.
 *   qk: separate the harness's target: each query hashed by Q, each key by K
 *                (same rotations), queries and keys sorted and chunked
 *                separately; logits q_i . k_j / sqrt(d), no self mask. Its
 *                error is the LSH sparsification alone.
 *
 * `buckets` 0 (default): reformer-pytorch's rule n / chunk, made even (>= 2).
 * The rotations are drawn from prob->seed (one R for every head, as
 * reformer-pytorch without random_rotations_per_head) or read from
 * `rotations_file` (.npy, d x n_hashes x buckets/2: reformer-pytorch's
 * random_rotations[0]). Hash products by SGEMM; a top-2 margin below 1e-4
 * (relative) is re-decided in float64 (ab_reformer_bucket), so a rounding
 * never moves a token between buckets.
 *
 * Cost per head: n_hashes N d b (hashing; with the default b = N / chunk
 * this is O(N^2 d / chunk), as in reformer-pytorch) plus 4 n_hashes N chunk
 * (d + dv) for the chunked attention. Memory: per head the sorted orders
 * (3 n_hashes N uint32, kept for `rows`), per thread N (dv + 3) floats of
 * accumulators and the chunk tiles. One thread per head (the rounds'
 * merge into a token's accumulator is in slot order: deterministic).
 *
 * Masks: padding — each head is hashed, sorted and chunked on its L valid
 * tokens only (reformer-pytorch instead hashes the padding too and masks it
 * as keys, so its chunks differ); padded rows 0, padding_leak exactly 0.
 * Causal is refused (mask_note). `rows` gives the attention rows (the
 * multiset softmax above).
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded and the
 * rotations R (the model's weights, drawn or read) are held in the format;
 * nothing else is stored but indices (buckets, sort orders): the chunk
 * tiles (the gathered and, shared, normalised keys), logits, softmax, each
 * round's output and log-normaliser and the merge's accumulators stay
 * float32, as exact's. A rounded input or rotation can move a token whose
 * hash is near a tie to another bucket, so the output may move by more than
 * a few u in those rows. fp32 rounds nothing: bitwise the same. Tests: tests/test_reformer.c (float64 oracle of
 * the formula, hashing included), tests/test_peers.c (reformer-pytorch),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "reformer/reformer.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "formats/npy.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { HT = 64 };                   /* tokens per hashing tile */
enum { QK_SHARED = 0, QK_SEPARATE = 1 };
#define SELF_LOGIT (-5e4f)          /* reformer-pytorch's TOKEN_SELF_ATTN_VALUE */

static const struct ab_param reformer_params[] = {
    {.name = "buckets", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1 << 24,
     .help = "hash buckets (even); 0: n / chunk made even, reformer-pytorch's rule"},
    {.name = "chunk", .type = AB_PT_INT, .def = "64", .lo = 1, .hi = 1 << 24,
     .help = "tokens per chunk of the sorted order (reformer-pytorch's bucket_size)"},
    {.name = "n_hashes", .type = AB_PT_INT, .def = "8", .lo = 1, .hi = 64,
     .help = "hashing rounds, combined by their log-sum-exp weights"},
    {.name = "qk", .type = AB_PT_ENUM, .def = "separate", .choices = "shared|separate",
     .help = "shared: Reformer's shared-QK on K (queries K, keys K/|K|, self masked); "
             "separate: queries hashed by Q, keys by K"},
    {.name = "rotations_file", .type = AB_PT_STRING, .def = NULL,
     .help = "rotations from a .npy (d x n_hashes x buckets/2) instead of drawing them"},
};

void ab_reformer_draw(uint64_t seed, size_t d, size_t n_hashes, size_t half, float *R)
{
    struct ab_rng g;
    ab_rng_seed(&g, seed, 0x524f5441); /* "ROTA" */
    for (size_t i = 0; i < d * n_hashes * half; i++)
        R[i] = (float)ab_rng_normal(&g);
}

size_t ab_reformer_bucket(const float *x, const float *R, size_t d, size_t n_hashes, size_t half,
                          size_t r)
{
    double best = -INFINITY;
    size_t arg = 0;
    for (size_t side = 0; side < 2; side++)
        for (size_t j = 0; j < half; j++) {
            double u = 0;
            for (size_t c = 0; c < d; c++)
                u += (double)x[c] * R[(c * n_hashes + r) * half + j];
            u = side ? -u : u;
            if (u > best)
                best = u, arg = side * half + j;
        }
    return arg;
}

struct reformer_state {
    struct ab_problem p;
    size_t buckets, half, chunk, nh;
    int mode;
    float *R;        /* d x nh x half */
    float *Rt;       /* nh rounds of (d x half), contiguous per round: SGEMM's B */
    uint32_t *qord;  /* H x nh N: token at each query slot */
    uint32_t *kord;  /* H x nh N: token at each key slot (== qord when shared) */
    uint32_t *qinv;  /* H x nh N: slot of token t in round r, at r N + t */
    float *work;     /* threads x stride */
    size_t stride;
};

static size_t resolve_buckets(const struct ab_problem *p, const struct ab_values *v)
{
    size_t b = (size_t)ab_values_int(v, "buckets"), c = (size_t)ab_values_int(v, "chunk");
    if (b == 0) {
        b = (p->n / (c ? c : 1)) & ~(size_t)1;
        b = b < 2 ? 2 : b;
    }
    return b;
}

static int reformer_check(const struct ab_problem *p, const struct ab_values *v, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "reformer: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    size_t b = (size_t)ab_values_int(v, "buckets"), c = (size_t)ab_values_int(v, "chunk");
    if (b == 1 || b % 2)
        return ab_errf(err, AB_EINVAL, "reformer: buckets = %zu must be even (argmax over [xR, -xR])", b);
    if (c > p->n)
        return ab_errf(err, AB_EINVAL, "reformer: chunk = %zu exceeds n = %zu", c, p->n);
    if (p->n > UINT32_MAX / 64)
        return ab_errf(err, AB_EINVAL, "reformer: n = %zu too large for 32-bit slots", p->n);
    if (ab_values_isset(v, "rotations_file")) {
        const char *path = ab_values_str(v, "rotations_file");
        struct ab_npy a;
        int rc = ab_npy_peek(path, &a, err);
        if (rc) {
            ab_err_prefix(err, "reformer: rotations_file");
            return rc;
        }
        size_t nh = (size_t)ab_values_int(v, "n_hashes"), half = resolve_buckets(p, v) / 2;
        if (a.ndim != 3 || a.shape[0] != p->d || a.shape[1] != nh || a.shape[2] != half)
            return ab_errf(err, AB_EINVAL, "reformer: rotations_file %s must be (%zu, %zu, %zu): "
                           "(d, n_hashes, buckets/2)", path, p->d, nh, half);
    }
    return AB_OK;
}

/* Floats per thread: accumulators N (dv + 2); bucket ids N and counts
 * (buckets + 1) (as 32-bit words); the hashing tile HT x buckets; the chunk
 * tiles: queries C d, keys 2C d, values 2C dv, logits C 2C, outputs C dv,
 * lse C. */
static size_t work_floats(const struct ab_problem *p, size_t b, size_t C)
{
    size_t N = p->n, D = p->d, DV = p->dv;
    size_t f = N * (DV + 2) + N + (b + 1) + HT * b + C * D + 2 * C * D + 2 * C * DV + 2 * C * C +
               C * DV + C;
    return (f + 15) & ~(size_t)15;
}

static int reformer_estimate(const struct ab_problem *p, const struct ab_values *v,
                             struct ab_estimate *est, struct ab_err *err)
{
    int rc = reformer_check(p, v, err);
    if (rc)
        return rc;
    size_t b = resolve_buckets(p, v), C = (size_t)ab_values_int(v, "chunk");
    size_t nh = (size_t)ab_values_int(v, "n_hashes"), H = p->heads, N = p->n;
    int sep = ab_values_enum(v, "qk") == QK_SEPARATE;
    double tok = 0;
    for (size_t h = 0; h < H; h++)
        tok += (double)ab_mask_valid(p, h);
    est->flops = tok * (double)nh * ((sep ? 2.0 : 1.0) * (double)p->d * (double)b +
                                     4.0 * (double)C * (double)(p->d + p->dv));
    est->workspace_bytes = (double)sizeof(struct reformer_state) +
                           2.0 * (double)(p->d * nh * (b / 2)) * 4.0 +
                           (double)(H * nh * N) * 4.0 * (sep ? 3.0 : 2.0) +
                           (double)(p->threads > 0 ? p->threads : 1) * (double)work_floats(p, b, C) * 4.0;
    est->budget = (double)(2 * C * nh); /* key slots per query */
    return AB_OK;
}

static int reformer_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                            struct ab_err *err)
{
    int rc = reformer_check(p, v, err);
    if (rc)
        return rc;
    struct reformer_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "reformer: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->buckets = resolve_buckets(p, v), s->half = s->buckets / 2;
    s->chunk = (size_t)ab_values_int(v, "chunk");
    s->nh = (size_t)ab_values_int(v, "n_hashes");
    s->mode = ab_values_enum(v, "qk");
    size_t D = p->d, nh = s->nh, half = s->half, T = p->heads * nh * p->n;
    s->stride = work_floats(p, s->buckets, s->chunk);
    s->R = p->alloc(D * nh * half * sizeof(float));
    s->Rt = p->alloc(D * nh * half * sizeof(float));
    s->qord = p->alloc(T * sizeof(uint32_t));
    s->qinv = p->alloc(T * sizeof(uint32_t));
    s->kord = s->mode == QK_SEPARATE ? p->alloc(T * sizeof(uint32_t)) : s->qord;
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->R || !s->Rt || !s->qord || !s->qinv || !s->kord || !s->work)
        return ab_errf(err, AB_ENOMEM, "reformer: cannot allocate the sort orders (%zu slots)", T);
    if (ab_values_isset(v, "rotations_file")) { /* a peer's rotations, exported */
        struct ab_npy a;
        if ((rc = ab_npy_read(ab_values_str(v, "rotations_file"), &a, err))) {
            ab_err_prefix(err, "reformer: rotations_file");
            return rc;
        }
        if (a.count != D * nh * half) {
            ab_npy_free(&a);
            return ab_errf(err, AB_EINVAL, "reformer: rotations_file changed while reading it");
        }
        memcpy(s->R, a.data, D * nh * half * sizeof(float));
        ab_npy_free(&a);
    } else { /* the model's one-off random draw, like a layer's weights */
        ab_reformer_draw(p->seed, D, nh, half, s->R);
    }
    /* precision: the rotations are the model's weights, held in the format
     * (as linformer's E and F) */
    ab_round(s->R, D * nh * half, p->precision);
    for (size_t r = 0; r < nh; r++)
        for (size_t c = 0; c < D; c++)
            memcpy(s->Rt + (r * D + c) * half, s->R + (c * nh + r) * half, half * sizeof(float));
    return AB_OK;
}

/* Buckets of the L vectors x (L x D) in round r into bk, by SGEMM tiles; a
 * top-2 margin below 1e-4 of the largest is re-decided in float64. */
static void hash_round(const struct reformer_state *s, const float *x, size_t L, size_t r,
                       uint32_t *bk, float *U)
{
    size_t D = s->p.d, half = s->half;
    for (size_t t0 = 0; t0 < L; t0 += HT) {
        size_t rows = L - t0 < HT ? L - t0 : HT;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)half, (int)D, 1.0f,
                    x + t0 * D, (int)D, s->Rt + r * D * half, (int)half, 0.0f, U, (int)half);
        for (size_t t = 0; t < rows; t++) {
            const float *u = U + t * half;
            float best = -INFINITY, second = -INFINITY;
            size_t arg = 0;
            for (size_t side = 0; side < 2; side++)
                for (size_t j = 0; j < half; j++) {
                    float val = side ? -u[j] : u[j];
                    if (val > best)
                        second = best, best = val, arg = side * half + j;
                    else if (val > second)
                        second = val;
                }
            if (best - second <= 1e-4f * fabsf(best))
                arg = ab_reformer_bucket(x + (t0 + t) * D, s->R, D, s->nh, half, r);
            bk[t0 + t] = (uint32_t)arg;
        }
    }
}

/* Sort every round of L tokens by (bucket, position): ord[r L + slot] =
 * token; inv (may be NULL) inv[r L + token] = slot. */
static void sort_rounds(const struct reformer_state *s, const float *x, size_t L, uint32_t *ord,
                        uint32_t *inv, uint32_t *bk, uint32_t *cnt, float *U)
{
    size_t b = s->buckets;
    for (size_t r = 0; r < s->nh; r++) {
        hash_round(s, x, L, r, bk, U);
        memset(cnt, 0, (b + 1) * sizeof *cnt);
        for (size_t t = 0; t < L; t++)
            cnt[bk[t] + 1]++;
        for (size_t j = 0; j < b; j++)
            cnt[j + 1] += cnt[j];
        for (size_t t = 0; t < L; t++) { /* counting sort: stable */
            uint32_t slot = cnt[bk[t]]++;
            ord[r * L + slot] = (uint32_t)t;
            if (inv)
                inv[r * L + t] = slot;
        }
    }
}

/* The key slots of chunk c among T slots: [*a0, *a1) then [*b0, *b1). */
static void chunk_keys(size_t c, size_t C, size_t T, size_t *a0, size_t *a1, size_t *b0, size_t *b1)
{
    size_t nc = (T + C - 1) / C, pc = (c + nc - 1) % nc;
    *a0 = c * C, *a1 = *a0 + C < T ? *a0 + C : T;
    *b0 = pc * C, *b1 = *b0 + C < T ? *b0 + C : T;
}

static void one_head(const struct reformer_state *s, size_t h, float *out, float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, C = s->chunk, L = ab_mask_valid(p, h);
    size_t T = s->nh * L, b = s->buckets;
    int shared = s->mode == QK_SHARED;
    const float *q = (shared ? p->k : p->q) + h * N * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
    float *acc = work, *M = acc + N * DV, *Ssum = M + N;
    uint32_t *bk = (uint32_t *)(void *)(Ssum + N), *cnt = bk + N;
    float *U = (float *)(void *)(cnt + b + 1), *Qc = U + HT * b, *Kc = Qc + C * D,
          *Vc = Kc + 2 * C * D, *Lg = Vc + 2 * C * DV, *Oc = Lg + 2 * C * C, *lse = Oc + C * DV;
    uint32_t *qord = s->qord + h * s->nh * N, *qinv = s->qinv + h * s->nh * N;
    uint32_t *kord = s->kord + h * s->nh * N;
    sort_rounds(s, q, L, qord, qinv, bk, cnt, U);
    if (!shared)
        sort_rounds(s, k, L, kord, NULL, bk, cnt, U);
    float sc = (float)(1.0 / sqrt((double)D));
    for (size_t t = 0; t < L; t++)
        M[t] = -INFINITY, Ssum[t] = 0.0f;
    memset(acc, 0, L * DV * sizeof(float));
    for (size_t c = 0; c * C < T; c++) {
        size_t a0, a1, b0, b1;
        chunk_keys(c, C, T, &a0, &a1, &b0, &b1);
        size_t rows = a1 - a0, nk = (a1 - a0) + (b1 - b0);
        for (size_t i = 0; i < rows; i++)
            memcpy(Qc + i * D, q + (size_t)qord[a0 + i] * D, D * sizeof(float));
        for (size_t j = 0; j < nk; j++) {
            size_t tok = kord[j < rows ? a0 + j : b0 + (j - rows)];
            memcpy(Kc + j * D, k + tok * D, D * sizeof(float));
            memcpy(Vc + j * DV, v + tok * DV, DV * sizeof(float));
            if (shared) { /* keys K / |K| (F.normalize: eps 1e-12) */
                double n2 = 0;
                for (size_t e = 0; e < D; e++)
                    n2 += (double)Kc[j * D + e] * Kc[j * D + e];
                float inv = (float)(1.0 / fmax(sqrt(n2), 1e-12));
                for (size_t e = 0; e < D; e++)
                    Kc[j * D + e] *= inv;
            }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nk, (int)D, sc, Qc,
                    (int)D, Kc, (int)D, 0.0f, Lg, (int)nk);
        if (shared)
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < nk; j++)
                    if (kord[j < rows ? a0 + j : b0 + (j - rows)] == qord[a0 + i])
                        Lg[i * nk + j] = SELF_LOGIT;
        ab_softmax_rows(Lg, rows, nk, nk, lse);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)nk, 1.0f,
                    Lg, (int)nk, Vc, (int)DV, 0.0f, Oc, (int)DV);
        for (size_t i = 0; i < rows; i++) { /* merge round output into the token's sum */
            size_t t = qord[a0 + i];
            float mn = lse[i] > M[t] ? lse[i] : M[t];
            float al = M[t] == -INFINITY ? 0.0f : expf(M[t] - mn), be = expf(lse[i] - mn);
            Ssum[t] = Ssum[t] * al + be;
            for (size_t e = 0; e < DV; e++)
                acc[t * DV + e] = acc[t * DV + e] * al + be * Oc[i * DV + e];
            M[t] = mn;
        }
    }
    for (size_t t = 0; t < L; t++) {
        float inv = 1.0f / Ssum[t];
        for (size_t e = 0; e < DV; e++)
            out[t * DV + e] = acc[t * DV + e] * inv;
    }
    if (L < N)
        memset(out + L * DV, 0, (N - L) * DV * sizeof(float)); /* padded rows */
}

static int reformer_forward(void *state, float *out, struct ab_err *err)
{
    (void)err;
    struct reformer_state *s = state;
    const struct ab_problem *p = &s->p;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
    for (long h = 0; h < (long)p->heads; h++)
        one_head(s, (size_t)h, out + (size_t)h * p->n * p->dv,
                 s->work + (size_t)omp_get_thread_num() * s->stride);
    return AB_OK;
}

/* Row i: exp(logit - LSE) summed over every round's occurrences of each key,
 * LSE over all of them (the rounds' weighted combination), in float64. */
static int reformer_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct reformer_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, C = s->chunk, L = ab_mask_valid(p, h), T = s->nh * L;
    if (h >= p->heads || r0 >= r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "reformer: rows [%zu, %zu) of head %zu out of range", r0, r1, h);
    int shared = s->mode == QK_SHARED;
    const float *q = (shared ? p->k : p->q) + h * N * D, *k = p->k + h * N * D;
    const uint32_t *qinv = s->qinv + h * s->nh * N, *kord = s->kord + h * s->nh * N;
    double sc = 1.0 / sqrt((double)D);
    memset(S, 0, (r1 - r0) * N * sizeof(float));
    for (size_t i = r0; i < r1 && i < L; i++) {
        float *row = S + (i - r0) * N;
        double mx = -INFINITY, sum = 0;
        for (int pass = 0; pass < 3; pass++)
            for (size_t r = 0; r < s->nh; r++) {
                size_t a0, a1, b0, b1, slot = r * L + qinv[r * L + i];
                chunk_keys(slot / C, C, T, &a0, &a1, &b0, &b1);
                size_t nk = (a1 - a0) + (b1 - b0);
                for (size_t j = 0; j < nk; j++) {
                    size_t tok = kord[j < a1 - a0 ? a0 + j : b0 + (j - (a1 - a0))];
                    double dot = 0, n2 = 0;
                    for (size_t e = 0; e < D; e++)
                        dot += (double)q[i * D + e] * k[tok * D + e],
                            n2 += (double)k[tok * D + e] * k[tok * D + e];
                    double lg = dot * sc / (shared ? fmax(sqrt(n2), 1e-12) : 1.0);
                    if (shared && tok == i)
                        lg = SELF_LOGIT;
                    if (pass == 0)
                        mx = fmax(mx, lg);
                    else if (pass == 1)
                        sum += exp(lg - mx);
                    else
                        row[tok] += (float)(exp(lg - mx) / sum);
                }
            }
    }
    return AB_OK;
}

static void reformer_release(void *state)
{
    struct reformer_state *s = state;
    if (!s)
        return;
    const struct ab_problem *p = &s->p;
    if (s->kord && s->kord != s->qord)
        p->free(s->kord);
    float *bufs[] = {s->R, s->Rt, (float *)(void *)s->qord, (float *)(void *)s->qinv, s->work};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        if (bufs[i])
            p->free(bufs[i]);
    p->free(s);
}

const struct ab_method ab_reformer_cpu = {
    .name = "reformer",
    .summary = "Reformer LSH attention: angular hashing, sorted chunks attending themselves and "
               "the previous chunk, n_hashes rounds (shared-QK or separate Q/K hashing)",
    .params = reformer_params,
    .nparams = (int)(sizeof reformer_params / sizeof reformer_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_PADDING,
    .estimate = reformer_estimate,
    .prepare = reformer_prepare,
    .forward = reformer_forward,
    .rows = reformer_rows,
    .report = NULL,
    .release = reformer_release,
    .mask_note = "Reformer's causal masking (keys after the query masked inside the sorted chunks) "
                 "is not causal: later tokens' buckets decide which past keys share a query's "
                 "chunk, so earlier rows move when the future changes",
};
