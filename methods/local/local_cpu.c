/* local_cpu.c — sliding-window attention (Longformer without training).
 *
 * Row i attends to the keys j with |i - j| <= w/2 (h = floor(window / 2))
 * and, with `global` = g > 0, to the first g tokens; the first g queries
 * attend to every key (Longformer's global tokens). Softmax over that set
 * only, so rows sum to 1, and the error against exact attention is the
 * renormalised exact mass outside the set: ||S^_i - S_i||_1 = 2 (1 - S_i(A_i))
 * (tests/test_local.c checks exactly that).
 *
 * Per (head, block of 32 queries [r0, r1)) the allowed keys are the global
 * block [0, g) and one contiguous band [r0 - h, r1 - 1 + h]. The forward holds
 * the block with its queries in the vector lanes (harness/kernels/qtile.h): logits of
 * the (g + 32 + 2h) keys straight from K, the band's corners masked, the
 * softmax down the columns, the values straight from V — no packing, and the
 * tile stays in L1 (h = 128: 36 KB). Global query rows use the streamed exact
 * kernel. Cost O(n (w + g) d); memory threads x 32 x (g + 32 + w + d + dv)
 * floats. `rows` (the attention-matrix metrics) builds row-major tiles of TQ
 * rows with SGEMM instead.
 *
 * Masks (both; the mask intersects the window set):
 *   causal   row i attends the past h tokens, keys max(0, i - h) .. i, and the
 *            first g tokens that are <= i; a global query row (i < g) attends
 *            every key <= i. The band of a block ends at its last query, the
 *            global rows go through the lane tile (their keys <= i are all
 *            global keys), and no key > i enters any sum, so the outputs of
 *            rows < t do not depend on tokens >= t (causal_leak is exactly 0).
 *   padding  head hd is the first L = lengths[hd] tokens: everything above on
 *            a sequence of length L (keys >= L never attended, global tokens
 *            >= L are padding), and rows >= L written as zeros (padding_leak
 *            exactly 0: nothing at a padded position is read).
 * `rows` honours both (masked keys 0, padded rows 0).
 *
 * precision: bf16|fp16 (AB_CAP_PRECISION): only the inputs are rounded (the
 * harness hands Q, K, V rounded); the window's logits, softmax and output
 * accumulator stay float32.
 * Tests: tests/test_local.c, tests/test_precision.c. */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/qtile.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

enum { TQ = 64, TK = 512, QB = AB_QT_LANES };

static const struct ab_param local_params[] = {
    {.name = "window", .type = AB_PT_INT, .def = "256", .lo = 0, .hi = 1 << 30,
     .help = "keys with |i - j| <= window/2 (window >= 2(n-1) is every key)"},
    {.name = "global", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1 << 30,
     .help = "the first `global` tokens attend to and are attended by every token (causal: every "
             "earlier one)"},
};

struct local_state {
    struct ab_problem p;
    size_t h, g, stride;
    float *work; /* threads x stride */
};

static int local_check(const struct ab_problem *p, const struct ab_values *v, size_t *h, size_t *g,
                       struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "local: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    *h = (size_t)ab_values_int(v, "window") / 2;
    *g = (size_t)ab_values_int(v, "global");
    if (*g > p->n)
        return ab_errf(err, AB_EINVAL, "local: global = %zu exceeds n = %zu", *g, p->n);
    if (*h > p->n)
        *h = p->n; /* a window past the sequence is the whole sequence */
    return AB_OK;
}

static size_t band_cols(size_t h, size_t n) { size_t b = TQ + 2 * h; return b < n ? b : n; }

/* Floats per thread: the row-major tile of `rows` (TQ rows) or the exact
 * kernel's for global rows, and the forward's lane tile (qt, st, ot, max, sum). */
static size_t work_floats(const struct ab_problem *p, size_t h, size_t g)
{
    size_t a = TQ * (g + band_cols(h, p->n)), b = TQ * TK + 2 * TQ;
    size_t c = QB * (p->d + g + band_cols(h, p->n) + p->dv + 3);
    size_t m = a > b ? a : b;
    return ((m > c ? m : c) + 15) & ~(size_t)15;
}

static int local_estimate(const struct ab_problem *p, const struct ab_values *v,
                          struct ab_estimate *est, struct ab_err *err)
{
    size_t h, g;
    int rc = local_check(p, v, &h, &g, err);
    if (rc)
        return rc;
    /* per head on its L tokens: non-global rows attend the band (causal: the
     * past half) and the globals, global rows every key (causal: the past) */
    int causal = p->mask == AB_MASK_CAUSAL;
    double pairs = 0;
    for (size_t hd = 0; hd < p->heads; hd++) {
        double n = (double)ab_mask_valid(p, hd), gr = fmin((double)g, n);
        double keys = fmin(n, (causal ? 1.0 : 2.0) * (double)h + 1 + (double)g);
        pairs += (n - gr) * keys + gr * (causal ? (gr + 1) / 2 : n);
    }
    est->flops = pairs * 2.0 * (double)(p->d + p->dv);
    est->workspace_bytes = (double)sizeof(struct local_state) + /* the state, the threads' tiles */
                           (double)(p->threads > 0 ? p->threads : 1) * (double)work_floats(p, h, g) * 4.0;
    est->budget = (double)ab_values_int(v, "window");
    return AB_OK;
}

static int local_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                         struct ab_err *err)
{
    size_t h, g;
    int rc = local_check(p, v, &h, &g, err);
    if (rc)
        return rc;
    struct local_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "local: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p, s->h = h, s->g = g;
    s->stride = work_floats(p, h, g);
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->work)
        return ab_errf(err, AB_ENOMEM, "local: cannot allocate %zu floats", s->stride);
    return AB_OK;
}

/* The tokens of head hd: n, or its valid length under padding. */
static size_t seq_len(const struct local_state *s, size_t hd) { return ab_mask_valid(&s->p, hd); }

static int is_causal(const struct local_state *s) { return s->p.mask == AB_MASK_CAUSAL; }

/* The allowed key ranges of query tile [r0, r1) on a sequence of n tokens:
 * globals [0, ge) and the band [b0, b1), with ge <= b0 (the band may swallow
 * the globals). Causal: the band ends at the tile's last query. */
static void ranges(const struct local_state *s, size_t n, size_t r0, size_t r1, size_t *ge,
                   size_t *b0, size_t *b1)
{
    *b0 = r0 > s->h ? r0 - s->h : 0;
    if (is_causal(s))
        *b1 = r1;
    else
        *b1 = r1 - 1 + s->h + 1 < n ? r1 + s->h : n;
    *ge = s->g < *b0 ? s->g : *b0;
}

/* The query rows i that may attend key j (band keys): [*lo, *hi], with
 * *hi = SIZE_MAX for no upper end. Unmasked / padding: |i - j| <= h, or any
 * row for a global key; causal: the same, and i >= j. */
static void key_rows(const struct local_state *s, size_t j, size_t *lo, size_t *hi)
{
    int global = j < s->g;
    if (is_causal(s))
        *lo = j;
    else
        *lo = global ? 0 : (j > s->h ? j - s->h : 0);
    *hi = global ? SIZE_MAX : j + s->h;
}

/* Masked logits of rows [r0, r1) (non-global rows) into L: row r, column c
 * of (ge + b1 - b0); returns the width. */
static size_t tile_logits(const struct local_state *s, size_t hd, size_t r0, size_t r1, float *L)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, ge, b0, b1;
    ranges(s, seq_len(s, hd), r0, r1, &ge, &b0, &b1);
    size_t w = ge + (b1 - b0), rows = r1 - r0;
    float sc = (float)(1.0 / sqrt((double)D));
    const float *q = p->q + (hd * N + r0) * D, *k = p->k + hd * N * D;
    if (ge)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)ge, (int)D, sc, q,
                    (int)D, k, (int)D, 0.0f, L, (int)w);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)(b1 - b0), (int)D, sc, q,
                (int)D, k + b0 * D, (int)D, 0.0f, L + ge, (int)w);
    for (size_t j = b0; j < b1; j++) {
        size_t lo, hi;
        key_rows(s, j, &lo, &hi);
        for (size_t i = r0; i < r1; i++)
            if (i < lo || i > hi) /* outside the band (or in the future) and not global */
                L[(i - r0) * w + ge + j - b0] = -INFINITY;
    }
    return w;
}

/* One block of up to QB non-global query rows [r0, r1) of head hd, queries
 * in lanes: out rows = softmax over the allowed keys, times V. */
static void band_block(const struct local_state *s, size_t hd, size_t r0, size_t r1, float *out,
                       float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, rows = r1 - r0, ge, b0, b1;
    ranges(s, seq_len(s, hd), r0, r1, &ge, &b0, &b1);
    size_t nb = b1 - b0, nk = ge + nb;
    float *qt = work, *st = qt + D * QB, *ot = st + nk * QB, *mx = ot + DV * QB, *sum = mx + QB;
    const float *k = p->k + hd * N * D, *v = p->v + hd * N * DV;
    ab_qt_pack(p->q + (hd * N + r0) * D, rows, D, D, (float)(1.0 / sqrt((double)D)), qt);
    if (ge)
        ab_qt_logits(qt, D, k, D, ge, st);
    ab_qt_logits(qt, D, k + b0 * D, D, nb, st + ge * QB);
    /* key j is allowed for the lanes l with r0 + l in key_rows(j) */
    for (size_t j = b0; j < b1; j++) {
        size_t lo, hi;
        key_rows(s, j, &lo, &hi);
        if (lo <= r0 && hi >= r1 - 1)
            continue;
        float *row = st + (ge + j - b0) * QB;
        for (size_t l = 0; l < rows; l++)
            if (r0 + l < lo || r0 + l > hi)
                row[l] = -INFINITY;
    }
    for (size_t l = 0; l < QB; l++)
        mx[l] = -INFINITY, sum[l] = 0.0f;
    ab_qt_colmax(st, nk, mx);
    ab_qt_colexp(st, nk, mx, sum);
    memset(ot, 0, DV * QB * sizeof(float));
    if (ge)
        ab_qt_values(st, ge, v, DV, DV, ot);
    ab_qt_values(st + ge * QB, nb, v + b0 * DV, DV, DV, ot);
    for (size_t l = 0; l < QB; l++)
        sum[l] = 1.0f / sum[l];
    ab_qt_unpack(ot, DV, sum, rows, out + r0 * DV, DV);
}

static int local_forward(void *state, float *out, struct ab_err *err)
{
    (void)err;
    struct local_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, H = p->heads, tiles = (N + QB - 1) / QB;
    float sc = (float)(1.0 / sqrt((double)D));
#pragma omp parallel for schedule(dynamic, 4) num_threads(p->threads)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t hd = (size_t)it / tiles, r0 = ((size_t)it % tiles) * QB, r1 = r0 + QB < N ? r0 + QB : N;
        float *work = s->work + (size_t)omp_get_thread_num() * s->stride;
        float *o = out + hd * N * DV;
        size_t L = seq_len(s, hd);
        if (r1 > L) { /* padded rows are zero */
            size_t z = r0 > L ? r0 : L;
            memset(o + z * DV, 0, (r1 - z) * DV * sizeof(float));
            if (r0 >= L)
                continue;
            r1 = L;
        }
        if (r0 < s->g && !is_causal(s)) { /* global query rows attend to every key */
            size_t gr = (s->g < r1 ? s->g : r1) - r0;
            ab_attend_rows(p->q + (hd * N + r0) * D, gr, p->k + hd * N * D, p->v + hd * N * DV, L,
                           D, DV, TK, sc, o + r0 * DV, work);
            r0 += gr;
            if (r0 == r1)
                continue;
        }
        band_block(s, hd, r0, r1, o, work);
    }
    return AB_OK;
}

static int local_rows(void *state, size_t hd, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct local_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d;
    if (hd >= p->heads || r0 >= r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "local: rows [%zu, %zu) of head %zu out of range", r0, r1, hd);
    float sc = (float)(1.0 / sqrt((double)D));
    size_t L = seq_len(s, hd), re = r1 < L ? r1 : L; /* rows >= L: padded, zero */
    memset(S, 0, (r1 - r0) * N * sizeof(float));
    for (size_t t0 = r0; t0 < re; t0 += TQ) {
        size_t t1 = t0 + TQ < re ? t0 + TQ : re, a = t0;
        if (a < s->g && !is_causal(s)) { /* global rows: full softmax rows over the L keys */
            size_t gr = (s->g < t1 ? s->g : t1) - a;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)gr, (int)L, (int)D, sc,
                        p->q + (hd * N + a) * D, (int)D, p->k + hd * N * D, (int)D, 0.0f,
                        S + (a - r0) * N, (int)N);
            ab_softmax_rows(S + (a - r0) * N, gr, L, N, NULL);
            a += gr;
            if (a == t1)
                continue;
        }
        size_t ge, b0, b1;
        ranges(s, L, a, t1, &ge, &b0, &b1);
        size_t w = tile_logits(s, hd, a, t1, s->work);
        ab_softmax_rows(s->work, t1 - a, w, w, NULL);
        for (size_t r = a; r < t1; r++) {
            const float *src = s->work + (r - a) * w;
            float *dst = S + (r - r0) * N;
            memcpy(dst, src, ge * sizeof(float));
            memcpy(dst + b0, src + ge, (b1 - b0) * sizeof(float));
        }
    }
    return AB_OK;
}

static void local_release(void *state)
{
    struct local_state *s = state;
    if (!s)
        return;
    if (s->work)
        s->p.free(s->work);
    s->p.free(s);
}

const struct ab_method ab_local_cpu = {
    .name = "local",
    .summary = "sliding-window attention with optional global tokens (Longformer, untrained)",
    .params = local_params,
    .nparams = (int)(sizeof local_params / sizeof local_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_CAUSAL |
            AB_CAP_PADDING,
    .estimate = local_estimate,
    .prepare = local_prepare,
    .forward = local_forward,
    .rows = local_rows,
    .report = NULL,
    .release = local_release,
};
