/* exact_cpu.c — exact softmax attention, O = softmax(Q K^T / sqrt(D)) V.
 *
 *   impl: stream       tiled online softmax (FlashAttention's recurrence):
 *                      per (head, query tile of TQ = 256 rows) and key block of
 *                      TK = 2048 keys, L = Qt Kb^T / sqrt(D) by SGEMM, the online
 *                      softmax update, acc += P Vb by SGEMM. Working memory
 *                      O(threads * TQ * TK), any N.
 *   impl: fused        the same recurrence with no SGEMM: per query tile, lane
 *                      blocks of 32 queries (harness/kernels/qtile.h) against key blocks
 *                      of TK (K and V stay in L2 across the tile's lane blocks)
 *                      in steps of FK = 128 keys whose logits tile (16 KB) stays
 *                      in L1 between the product, the softmax and the values.
 *   impl: materialize  the textbook way: the whole N x N matrix of one head,
 *                      row softmax, S V. Refused (status "refused") when the
 *                      N x N buffer exceeds cap_mib.
 * FLOPs: 2 N^2 D + 2 N^2 DV per head (exp not counted).
 * `rows` returns exact attention rows (the same for every impl).
 *
 * Masks (every impl): padding runs head h as a problem of lengths[h] tokens
 * (queries and keys beyond it never read; padded output rows 0). Causal:
 * a query tile (stream) or lane block of 32 queries (fused) takes the keys
 * before its first query unmasked, then the diagonal block with the keys
 * after each query at -Inf, so no query's arithmetic reads a later key (the
 * harness's causal_leak is exactly 0); materialize masks the matrix. FLOPs
 * count the keys attended: N(N+1)/2 per head causal, lengths[h]^2 padded.
 *
 * precision: bf16|fp16 (AB_CAP_PRECISION): only the inputs are rounded (the
 * harness hands Q, K, V rounded); logits, the softmax, the running max and
 * sum and the output accumulator stay float32 — the products in float32 on
 * rounded inputs, as a bf16 FlashAttention with float32 accumulation but
 * without rounding P before P V.
 * Tests: tests/test_exact.c (every impl vs the float64 oracle),
 * tests/test_precision.c.
 */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/qtile.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { IMPL_STREAM = 0, IMPL_MATERIALIZE = 1, IMPL_FUSED = 2 };
enum { QL = AB_QT_LANES, FK = AB_QT_STEP };

static const struct ab_param exact_params[] = {
    {.name = "impl", .type = AB_PT_ENUM, .def = "fused", .choices = "stream|materialize|fused",
     .help = "stream: tiled online softmax on SGEMM tiles, O(N*D) memory; materialize: the N x N "
             "matrix; fused: the online softmax inside register-blocked lane tiles"},
    {.name = "cap_mib", .type = AB_PT_INT, .def = "2048", .lo = 1, .hi = 1 << 30,
     .help = "materialize: refuse when the N x N float32 matrix exceeds this many MiB"},
    /* tiles measured on the 2-core AVX-512 machine, d = 64 (see
     * experiments/perf-notes.md): stream 256 x 2048 beat 128 x 512 by ~15% at
     * n = 16384; fused: 256 ... 512 x 2048 best at 16384, 1024 x 2048 13%
     * faster than 256 x 2048 at 65536 (K and V streamed 4x less often) */
    {.name = "tile_q", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 65536,
     .help = "stream, fused: query rows per tile; 0: auto (stream 256; fused n / (4 threads) "
             "in [32, 1024], a multiple of 32)"},
    {.name = "tile_k", .type = AB_PT_INT, .def = "2048", .lo = 1, .hi = 1 << 20,
     .help = "stream, fused: keys per block"},
};

struct exact_state {
    struct ab_problem p;
    int impl;
    size_t tq, tk;
    float *work;        /* stream: threads x (TQ*TK + 2*TQ); fused: threads x
                           (lane blocks x (D + DV + 3) + FK) x 32; materialize: N*N */
    size_t work_stride; /* floats per thread (stream) */
};

/* tile_q = 0: 256 rows for stream; for fused as large as 1024 rows (each
 * tile streams K and V once) while every thread still gets 4 tiles. */
static size_t auto_tile_q(int impl, size_t n, int threads)
{
    if (impl != IMPL_FUSED)
        return 256;
    size_t t = n / (4 * (size_t)(threads > 0 ? threads : 1));
    t = t < 32 ? 32 : t > 1024 ? 1024 : t;
    return t & ~(size_t)31;
}

static size_t fused_floats(size_t tq, size_t d, size_t dv)
{
    return ((tq + QL - 1) / QL) * (d + dv + 3) * QL + FK * QL; /* sums: doubles */
}

/* The floats of the workspace (prepare clamps the tiles to N and rounds each
 * thread's slice to 64 bytes; materialize: the N x N matrix). */
static size_t work_floats(const struct ab_problem *p, const struct ab_values *vals, size_t *stride)
{
    int impl = ab_values_enum(vals, "impl");
    *stride = 0;
    if (impl == IMPL_MATERIALIZE)
        return p->n * p->n;
    size_t tq = (size_t)ab_values_int(vals, "tile_q"), tk = (size_t)ab_values_int(vals, "tile_k");
    if (tq == 0)
        tq = auto_tile_q(impl, p->n, p->threads);
    tq = tq > p->n ? p->n : tq;
    tk = tk > p->n ? p->n : tk;
    *stride = impl == IMPL_FUSED ? fused_floats(tq, p->d, p->dv) : tq * tk + 2 * tq;
    *stride = (*stride + 15) & ~(size_t)15; /* 64-byte aligned slices */
    return *stride * (size_t)(p->threads > 0 ? p->threads : 1);
}

static int exact_estimate(const struct ab_problem *p, const struct ab_values *vals,
                          struct ab_estimate *est, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "exact: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    double n = (double)p->n, pairs = 0; /* (query, key) pairs attended */
    for (size_t h = 0; h < p->heads; h++) {
        double L = (double)ab_mask_valid(p, h);
        pairs += p->mask == AB_MASK_CAUSAL ? n * (n + 1) / 2 : L * L;
    }
    est->flops = pairs * (2.0 * (double)p->d + 2.0 * (double)p->dv);
    est->budget = n;
    size_t stride;
    /* what prepare allocates: the state and the workspace */
    est->workspace_bytes = (double)sizeof(struct exact_state) +
                           (double)work_floats(p, vals, &stride) * sizeof(float);
    return AB_OK;
}

static int exact_prepare(const struct ab_problem *p, const struct ab_values *vals, void **statep,
                         struct ab_err *err)
{
    struct ab_estimate est;
    int rc = exact_estimate(p, vals, &est, err);
    if (rc)
        return rc;
    struct exact_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "exact: out of memory for state");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->impl = ab_values_enum(vals, "impl");
    s->tq = (size_t)ab_values_int(vals, "tile_q");
    if (s->tq == 0)
        s->tq = auto_tile_q(s->impl, p->n, p->threads);
    s->tk = (size_t)ab_values_int(vals, "tile_k");
    if (s->tq > p->n)
        s->tq = p->n;
    if (s->tk > p->n)
        s->tk = p->n;
    size_t floats = work_floats(p, vals, &s->work_stride);
    if (s->impl == IMPL_MATERIALIZE) {
        double bytes = (double)floats * sizeof(float), cap = (double)ab_values_int(vals, "cap_mib") * 1048576.0;
        if (bytes > cap)
            return ab_errf(err, AB_EREFUSED,
                           "exact:materialize needs an N x N matrix of %.1f MiB at N=%zu, above "
                           "cap_mib=%ld (use impl: stream)",
                           bytes / 1048576.0, p->n, ab_values_int(vals, "cap_mib"));
    }
    s->work = p->alloc(floats * sizeof(float));
    if (!s->work)
        return ab_errf(err, AB_ENOMEM, "exact: cannot allocate %.1f MiB of workspace",
                       (double)floats * 4 / 1048576.0);
    return AB_OK;
}

/* One query tile [r0, r0+rows) of head h against all keys, online softmax. */
static void stream_tile(const struct exact_state *s, size_t h, size_t r0, size_t rows, float *out,
                        float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, L = ab_mask_valid(p, h);
    if (r0 + rows > L) { /* padded query rows: zero, and not computed */
        size_t keep = r0 < L ? L - r0 : 0;
        memset(out + (h * N + r0 + keep) * DV, 0, (rows - keep) * DV * sizeof(float));
        rows = keep;
        if (!rows)
            return;
    }
    const float *q = p->q + (h * N + r0) * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
    float scale = (float)(1.0 / sqrt((double)D)), *o = out + (h * N + r0) * DV;
    if (p->mask != AB_MASK_CAUSAL) {
        ab_attend_rows(q, rows, k, v, L, D, DV, s->tk, scale, o, work);
        return;
    }
    /* causal: key blocks up to the tile's last query; in a block that
     * reaches past a query, its later keys at -Inf (block 0 always holds
     * key 0, so every running max is finite after it) */
    size_t tk = s->tk, nkeys = r0 + rows;
    float *Lg = work, *m = work + rows * tk, *l = m + rows;
    for (size_t r = 0; r < rows; r++)
        m[r] = -INFINITY, l[r] = 0.0f;
    memset(o, 0, rows * DV * sizeof(float));
    for (size_t c0 = 0; c0 < nkeys; c0 += tk) {
        size_t cols = nkeys - c0 < tk ? nkeys - c0 : tk;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)D, scale, q,
                    (int)D, k + c0 * D, (int)D, 0.0f, Lg, (int)cols);
        if (c0 + cols > r0 + 1)
            for (size_t r = 0; r < rows; r++)
                for (size_t j = r0 + r + 1 > c0 ? r0 + r + 1 - c0 : 0; j < cols; j++)
                    Lg[r * cols + j] = -INFINITY;
        ab_online_softmax_step(Lg, rows, cols, m, l, o, DV);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)cols, 1.0f,
                    Lg, (int)cols, v + c0 * DV, (int)DV, 1.0f, o, (int)DV);
    }
    for (size_t r = 0; r < rows; r++) {
        float inv = 1.0f / l[r];
        for (size_t c = 0; c < DV; c++)
            o[r * DV + c] *= inv;
    }
}

/* Rows [r0, r0 + rows) of head h's logits (row-major, leading dim N) under
 * the mask: softmax over the keys each row attends, the rest 0; a padded
 * row all 0. */
static void masked_softmax_rows(const struct ab_problem *p, size_t h, size_t r0, size_t rows,
                                float *S)
{
    size_t N = p->n;
    for (size_t r = 0; r < rows; r++) {
        float *row = S + r * N;
        size_t kend = ab_mask_keys(p, h, r0 + r);
        if (kend == 0) {
            memset(row, 0, N * sizeof(float));
            continue;
        }
        ab_softmax_rows(row, 1, kend, N, NULL);
        memset(row + kend, 0, (N - kend) * sizeof(float));
    }
}

/* impl: fused. One query tile [r0, r0+rows) of head h in lane blocks of 32:
 * for each key block of TK (in L2), each lane block runs over it in steps of
 * FK keys: logits, online softmax, values, all on an L1-resident tile. */
static void fused_tile(const struct exact_state *s, size_t h, size_t r0, size_t rows, float *out,
                       float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, L = ab_mask_valid(p, h);
    if (r0 + rows > L) { /* padded query rows: zero, and not computed */
        size_t keep = r0 < L ? L - r0 : 0;
        memset(out + (h * N + r0 + keep) * DV, 0, (rows - keep) * DV * sizeof(float));
        rows = keep;
        if (!rows)
            return;
    }
    size_t nb = (rows + QL - 1) / QL;
    float *qt = work, *ot = qt + nb * D * QL, *mx = ot + nb * DV * QL, *st = mx + nb * QL;
    double *sum = (double *)(st + FK * QL); /* 8-byte aligned: every offset is a multiple of 32 */
    const float *q = p->q + (h * N + r0) * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
    float scale = (float)(1.0 / sqrt((double)D));
    for (size_t b = 0; b < nb; b++) {
        size_t r = b * QL, n = rows - r < QL ? rows - r : QL;
        ab_qt_pack(q + r * D, n, D, D, scale, qt + b * D * QL);
    }
    memset(ot, 0, nb * DV * QL * sizeof(float));
    for (size_t i = 0; i < nb * QL; i++)
        mx[i] = -INFINITY, sum[i] = 0.0f;
    if (p->mask != AB_MASK_CAUSAL) {
        ab_qt_attend(qt, nb, D, k, v, DV, L, s->tk, st, ot, mx, sum);
    } else {
        /* each lane block: the keys before its first query, then its
         * diagonal block with the later keys at -Inf */
        for (size_t b = 0; b < nb; b++) {
            size_t r = r0 + b * QL, n = rows - b * QL < QL ? rows - b * QL : QL;
            float *otb = ot + b * DV * QL, *mxb = mx + b * QL;
            double *sumb = sum + b * QL;
            if (r > 0)
                ab_qt_attend(qt + b * D * QL, 1, D, k, v, DV, r, s->tk, st, otb, mxb, sumb);
            ab_qt_logits(qt + b * D * QL, D, k + r * D, D, n, st);
            for (size_t j = 1; j < n; j++)
                for (size_t l = 0; l < j; l++)
                    st[j * QL + l] = -INFINITY; /* key r + j after query r + l */
            ab_qt_online(st, n, mxb, sumb, otb, DV);
            ab_qt_values(st, n, v + r * DV, DV, DV, otb);
        }
    }
    for (size_t b = 0; b < nb; b++) {
        size_t r = b * QL, n = rows - r < QL ? rows - r : QL;
        float inv[QL];
        for (size_t l = 0; l < QL; l++)
            inv[l] = (float)(1.0 / sum[b * QL + l]);
        ab_qt_unpack(ot + b * DV * QL, DV, inv, n, out + (h * N + r0 + r) * DV, DV);
    }
}

static int exact_forward(void *state, float *out, struct ab_err *err)
{
    struct exact_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, H = p->heads;
    if (s->impl == IMPL_FUSED) {
        size_t tiles = (N + s->tq - 1) / s->tq;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
        for (long it = 0; it < (long)(H * tiles); it++) {
            size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * s->tq;
            size_t rows = N - r0 < s->tq ? N - r0 : s->tq;
            fused_tile(s, h, r0, rows, out, s->work + (size_t)omp_get_thread_num() * s->work_stride);
        }
    } else if (s->impl == IMPL_STREAM) {
        size_t tiles = (N + s->tq - 1) / s->tq;
        long items = (long)(H * tiles);
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
        for (long it = 0; it < items; it++) {
            size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * s->tq;
            size_t rows = N - r0 < s->tq ? N - r0 : s->tq;
            stream_tile(s, h, r0, rows, out, s->work + (size_t)omp_get_thread_num() * s->work_stride);
        }
    } else {
        float scale = (float)(1.0 / sqrt((double)D));
        const size_t TB = 64; /* row block per task */
        size_t blocks = (N + TB - 1) / TB;
        for (size_t h = 0; h < H; h++) {
            const float *q = p->q + h * N * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
            float *S = s->work;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
            for (long b = 0; b < (long)blocks; b++) {
                size_t r0 = (size_t)b * TB, rows = N - r0 < TB ? N - r0 : TB;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)N, (int)D,
                            scale, q + r0 * D, (int)D, k, (int)D, 0.0f, S + r0 * N, (int)N);
                if (p->mask == AB_MASK_NONE)
                    ab_softmax_rows(S + r0 * N, rows, N, N, NULL);
                else
                    masked_softmax_rows(p, h, r0, rows, S + r0 * N);
            }
            /* O = S V over the whole matrix: the textbook second product */
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
            for (long b = 0; b < (long)blocks; b++) {
                size_t r0 = (size_t)b * TB, rows = N - r0 < TB ? N - r0 : TB;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)N,
                            1.0f, S + r0 * N, (int)N, v, (int)DV, 0.0f, out + (h * N + r0) * DV,
                            (int)DV);
            }
        }
    }
    (void)err;
    return AB_OK;
}

static int exact_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct exact_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d;
    if (h >= p->heads || r0 > r1 || r1 > N)
        return ab_errf(err, AB_EINVAL, "exact: rows [%zu, %zu) of head %zu out of range", r0, r1, h);
    float scale = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)N, (int)D, scale,
                p->q + (h * N + r0) * D, (int)D, p->k + h * N * D, (int)D, 0.0f, S, (int)N);
    if (p->mask == AB_MASK_NONE)
        ab_softmax_rows(S, r1 - r0, N, N, NULL);
    else
        masked_softmax_rows(p, h, r0, r1 - r0, S);
    return AB_OK;
}

static void exact_release(void *state)
{
    struct exact_state *s = state;
    if (!s)
        return;
    void (*f)(void *) = s->p.free;
    if (s->work)
        f(s->work);
    f(s);
}

const struct ab_method ab_exact_cpu = {
    .name = "exact",
    .summary = "exact softmax attention (fused: lane tiles; stream: SGEMM tiles; materialize: N x N)",
    .params = exact_params,
    .nparams = (int)(sizeof exact_params / sizeof exact_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_EXACT |
            AB_CAP_CAUSAL |
            AB_CAP_PADDING,
    .estimate = exact_estimate,
    .prepare = exact_prepare,
    .forward = exact_forward,
    .rows = exact_rows,
    .report = NULL,
    .release = exact_release,
};
