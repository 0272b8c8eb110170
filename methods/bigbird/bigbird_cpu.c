/* bigbird_cpu.c — BigBird's block-sparse attention (Zaheer et al., NeurIPS
 * 2020), untrained: exact softmax over each query's own key set.
 *
 * Tokens are cut into blocks of b = `block` tokens (the last block ragged
 * when b does not divide N). Query block qb attends the key blocks
 *   window   qb - w .. qb + w            (w = `window_blocks`; BigBird: 1,
 *                                         a 3-block sliding window)
 *   global   the first g = `global_blocks` blocks, which also attend every
 *            block (BigBird-ITC; HF's implementation makes the first and the
 *            last block global, here the first g)
 *   random   r = `random_blocks` blocks drawn per (seed, head, query block)
 *            without replacement among the blocks in neither set (fewer when
 *            fewer remain; methods/bigbird/bigbird.h, ab_bigbird_blocks)
 * and row i of the output is softmax(q_i K_A^T / sqrt(D)) V_A over the keys
 * A of those blocks: rows sum to 1, and the attention matrix is exact
 * attention restricted to A and renormalised. Per (head, query block) an
 * online softmax (FlashAttention's recurrence) over its key blocks, two
 * SGEMMs per block: never an N x N mask or matrix. Cost per head
 * ~ 2 N (g + 2w + 1 + r) b (D + DV) for non-global rows, 2 g b N (D + DV) for
 * the global rows; memory per thread b (b + DV + 2) floats and the block
 * list: O(N) in all.
 *
 * Masks (both, by the block structure):
 *   causal   only key blocks at or before the query block: the window's past
 *            half and the diagonal block (keys j <= i within it), the global
 *            blocks <= qb, random blocks drawn among the blocks before the
 *            window; a global query block attends every block <= it, i.e.
 *            exact causal attention. The draw depends on (seed, head, qb)
 *            only, never on the data, so no row reads a later token
 *            (causal_leak exactly 0).
 *   padding  head h is the pattern on its L = lengths[h] valid tokens:
 *            ceil(L / b) blocks, the last one partial (keys >= L never
 *            read), padded query rows written as 0 (padding_leak exactly 0).
 * `rows` gives the sparse attention rows (zeros outside A).
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded; nothing
 * else is stored (the block lists are indices; the logit tiles, the online
 * softmax's running max and sum and the output accumulator stay float32,
 * as exact's), so the output is the method on the rounded inputs. fp32:
 * bitwise the same.
 * Tests: tests/test_bigbird.c (a float64 softmax over the method's own key
 * sets; full pattern = exact attention; both masks, both leaks 0),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "bigbird/bigbird.h"
#include "kernels/kernels.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

static const struct ab_param bigbird_params[] = {
    {.name = "block", .type = AB_PT_INT, .def = "64", .lo = 1, .hi = 1 << 16,
     .help = "tokens per block (the last block is ragged when it does not divide n)"},
    {.name = "window_blocks", .type = AB_PT_INT, .def = "1", .lo = 0, .hi = 1 << 20,
     .help = "blocks each side of the query's block (1: BigBird's 3-block window)"},
    {.name = "global_blocks", .type = AB_PT_INT, .def = "1", .lo = 0, .hi = 1 << 20,
     .help = "the first blocks, attending to and attended by every block"},
    {.name = "random_blocks", .type = AB_PT_INT, .def = "3", .lo = 0, .hi = 1 << 20,
     .help = "random key blocks per query block (seeded; BigBird: 3)"},
};

static size_t min_z(size_t a, size_t b) { return a < b ? a : b; }
static size_t max_z(size_t a, size_t b) { return a > b ? a : b; }

size_t ab_bigbird_max_blocks(const struct ab_bigbird_pattern *pt)
{
    if (pt->global > 0)
        return pt->nb;
    return min_z(pt->nb, 2 * pt->window + 1 + pt->random);
}

/* The window [*lo, *hi] of query block qb (not global), and the random
 * candidates: *ca blocks from g on, then *cb blocks from *b0 on. */
static void window_of(const struct ab_bigbird_pattern *pt, size_t qb, size_t *lo, size_t *hi,
                      size_t *ca, size_t *b0, size_t *cb)
{
    size_t nb = pt->nb, g = min_z(pt->global, nb);
    *lo = qb > pt->window ? qb - pt->window : 0;
    *hi = pt->causal ? qb : min_z(qb + pt->window, nb - 1);
    *ca = *lo > g ? *lo - g : 0; /* [g, lo) */
    *b0 = max_z(g, *hi + 1);     /* [b0, nb), not under causal */
    *cb = pt->causal || *b0 >= nb ? 0 : nb - *b0;
}

/* The count ab_bigbird_blocks returns, without drawing. */
static size_t count_blocks(const struct ab_bigbird_pattern *pt, size_t qb)
{
    size_t g = min_z(pt->global, pt->nb), lo, hi, ca, b0, cb;
    if (qb < g)
        return pt->causal ? qb + 1 : pt->nb;
    window_of(pt, qb, &lo, &hi, &ca, &b0, &cb);
    return g + (hi + 1 - max_z(lo, g)) + min_z(pt->random, ca + cb);
}

size_t ab_bigbird_blocks(const struct ab_bigbird_pattern *pt, size_t qb, size_t *out)
{
    size_t nb = pt->nb, g = min_z(pt->global, nb), cnt = 0, lo, hi, ca, b0, cb;
    if (qb < g) { /* a global query block: every block (causal: up to its own) */
        size_t e = pt->causal ? qb + 1 : nb;
        for (size_t j = 0; j < e; j++)
            out[cnt++] = j;
        return cnt;
    }
    window_of(pt, qb, &lo, &hi, &ca, &b0, &cb);
    for (size_t j = 0; j < g; j++)
        out[cnt++] = j;
    for (size_t j = max_z(lo, g); j <= hi; j++)
        out[cnt++] = j;
    size_t c = ca + cb, r = min_z(pt->random, c), first = cnt;
    if (r) {
        struct ab_rng rng;
        ab_rng_seed(&rng, ab_mix64(pt->seed ^ ab_mix64(((uint64_t)pt->head << 32) ^ qb)),
                    0x42494742);
        for (size_t j = c - r; j < c; j++) { /* Floyd: r distinct of [0, c) */
            size_t t = (size_t)ab_rng_below(&rng, j + 1), pick = t;
            for (size_t e = first; e < cnt; e++)
                if (out[e] == t)
                    pick = j;
            out[cnt++] = pick;
        }
        for (size_t e = first; e < cnt; e++) /* candidate index -> block */
            out[e] = out[e] < ca ? g + out[e] : b0 + (out[e] - ca);
    }
    for (size_t e = 1; e < cnt; e++) { /* ascending (insertion: short lists) */
        size_t x = out[e], f = e;
        for (; f > 0 && out[f - 1] > x; f--)
            out[f] = out[f - 1];
        out[f] = x;
    }
    return cnt;
}

struct bigbird_state {
    struct ab_problem p;
    size_t block, window, global, random, stride; /* stride: floats per thread */
    float *work;                                  /* threads x stride */
};

static int bigbird_check(const struct ab_problem *p, const struct ab_values *v, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "bigbird: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    size_t b = (size_t)ab_values_int(v, "block");
    if (b > p->n)
        return ab_errf(err, AB_EINVAL, "bigbird: block = %zu exceeds n = %zu", b, p->n);
    return AB_OK;
}

static struct ab_bigbird_pattern pattern(const struct ab_problem *p, size_t b, size_t w, size_t g,
                                         size_t r, size_t h)
{
    size_t L = ab_mask_valid(p, h);
    return (struct ab_bigbird_pattern){.block = b, .window = w, .global = g, .random = r,
                                       .nb = (L + b - 1) / b, .causal = p->mask == AB_MASK_CAUSAL,
                                       .seed = p->seed, .head = h};
}

/* Floats per thread: the block list first (size_t entries, rounded up to
 * 64 bytes), then the logits tile b x b, max and sum, the accumulator b x DV. */
static size_t list_floats(const struct ab_problem *p, size_t b, size_t w, size_t g, size_t r)
{
    struct ab_bigbird_pattern pt = pattern(p, b, w, g, r, 0);
    pt.nb = (p->n + b - 1) / b;
    return (ab_bigbird_max_blocks(&pt) * sizeof(size_t) / sizeof(float) + 15) & ~(size_t)15;
}
static size_t work_floats(const struct ab_problem *p, size_t b, size_t w, size_t g, size_t r)
{
    return list_floats(p, b, w, g, r) + ((b * b + 2 * b + b * p->dv + 15) & ~(size_t)15);
}

static void read_values(const struct ab_values *v, size_t *b, size_t *w, size_t *g, size_t *r)
{
    *b = (size_t)ab_values_int(v, "block");
    *w = (size_t)ab_values_int(v, "window_blocks");
    *g = (size_t)ab_values_int(v, "global_blocks");
    *r = (size_t)ab_values_int(v, "random_blocks");
}

static int bigbird_estimate(const struct ab_problem *p, const struct ab_values *v,
                            struct ab_estimate *est, struct ab_err *err)
{
    int rc = bigbird_check(p, v, err);
    if (rc)
        return rc;
    size_t b, w, g, r;
    read_values(v, &b, &w, &g, &r);
    /* the pattern's block pairs (data-free), each b x b: 2 (D + DV) per pair */
    double pairs = 0;
    size_t nbmax = (p->n + b - 1) / b;
    for (size_t h = 0; h < p->heads; h++) {
        struct ab_bigbird_pattern pt = pattern(p, b, w, g, r, h);
        for (size_t qb = 0; qb < pt.nb; qb++)
            pairs += (double)count_blocks(&pt, qb) * (double)b * (double)b;
    }
    est->flops = pairs * 2.0 * (double)(p->d + p->dv);
    est->workspace_bytes = (double)sizeof(struct bigbird_state) +
                           (double)(p->threads > 0 ? p->threads : 1) *
                               (double)work_floats(p, b, w, g, r) * 4.0;
    est->budget = (double)((min_z(g, nbmax) + 2 * w + 1 + r) * b); /* keys per row */
    return AB_OK;
}

static int bigbird_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                           struct ab_err *err)
{
    int rc = bigbird_check(p, v, err);
    if (rc)
        return rc;
    struct bigbird_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "bigbird: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    read_values(v, &s->block, &s->window, &s->global, &s->random);
    s->stride = work_floats(p, s->block, s->window, s->global, s->random);
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->work)
        return ab_errf(err, AB_ENOMEM, "bigbird: cannot allocate %zu floats per thread", s->stride);
    return AB_OK;
}

/* Query block qb of head h (rows [qb b, min((qb + 1) b, L))) into o (the
 * head's output): online softmax over its key blocks. */
static void query_block(const struct bigbird_state *s, size_t h, size_t qb, float *o, float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, b = s->block, L = ab_mask_valid(p, h);
    struct ab_bigbird_pattern pt = pattern(p, b, s->window, s->global, s->random, h);
    size_t r0 = qb * b, r1 = min_z(r0 + b, L), rows = r1 - r0;
    size_t *list = (size_t *)(void *)work; /* 64-byte aligned: the slice's start */
    float *T = work + list_floats(p, b, s->window, s->global, s->random);
    float *m = T + b * b, *l = m + b, *acc = l + b;
    size_t nl = ab_bigbird_blocks(&pt, qb, list);
    float sc = (float)(1.0 / sqrt((double)D));
    const float *q = p->q + (h * N + r0) * D, *k = p->k + h * N * D, *v = p->v + h * N * DV;
    for (size_t i = 0; i < rows; i++)
        m[i] = -INFINITY, l[i] = 0.0f;
    memset(acc, 0, rows * DV * sizeof(float));
    for (size_t e = 0; e < nl; e++) {
        size_t k0 = list[e] * b, k1 = min_z(k0 + b, L), cols = k1 - k0;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)D, sc, q,
                    (int)D, k + k0 * D, (int)D, 0.0f, T, (int)cols);
        if (pt.causal && list[e] == qb) /* the diagonal block: keys j <= i */
            for (size_t i = 0; i < rows; i++)
                for (size_t j = i + 1; j < cols; j++)
                    T[i * cols + j] = -INFINITY;
        ab_online_softmax_step(T, rows, cols, m, l, acc, DV);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)cols, 1.0f,
                    T, (int)cols, v + k0 * DV, (int)DV, 1.0f, acc, (int)DV);
    }
    for (size_t i = 0; i < rows; i++) {
        float inv = 1.0f / l[i];
        for (size_t c = 0; c < DV; c++)
            o[(r0 + i) * DV + c] = acc[i * DV + c] * inv;
    }
}

static int bigbird_forward(void *state, float *out, struct ab_err *err)
{
    (void)err;
    struct bigbird_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, DV = p->dv, H = p->heads, b = s->block, nq = (N + b - 1) / b;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
    for (long it = 0; it < (long)(H * nq); it++) {
        size_t h = (size_t)it / nq, qb = (size_t)it % nq, L = ab_mask_valid(p, h);
        float *o = out + h * N * DV;
        size_t r0 = qb * b, r1 = min_z(r0 + b, N);
        if (r1 > L) { /* padded rows are zero */
            size_t z = max_z(r0, L);
            memset(o + z * DV, 0, (r1 - z) * DV * sizeof(float));
        }
        if (r0 < L)
            query_block(s, h, qb, o, s->work + (size_t)omp_get_thread_num() * s->stride);
    }
    return AB_OK;
}

static int bigbird_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct bigbird_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, b = s->block;
    if (h >= p->heads || r0 >= r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "bigbird: rows [%zu, %zu) of head %zu out of range", r0, r1, h);
    struct ab_bigbird_pattern pt = pattern(p, b, s->window, s->global, s->random, h);
    size_t L = ab_mask_valid(p, h);
    size_t *list = (size_t *)(void *)s->work; /* thread 0's slice: rows is single-threaded */
    double sc = 1.0 / sqrt((double)D);
    memset(S, 0, (r1 - r0) * N * sizeof(float));
    for (size_t i = r0; i < r1 && i < L; i++) {
        size_t nl = ab_bigbird_blocks(&pt, i / b, list);
        float *row = S + (i - r0) * N;
        const float *q = p->q + (h * N + i) * D;
        double mx = -INFINITY, sum = 0;
        for (size_t e = 0; e < nl; e++) {
            size_t k1 = min_z(min_z(list[e] * b + b, L), pt.causal ? i + 1 : L);
            for (size_t j = list[e] * b; j < k1; j++) {
                const float *k = p->k + (h * N + j) * D;
                double dot = 0;
                for (size_t c = 0; c < D; c++)
                    dot += (double)q[c] * k[c];
                row[j] = (float)(dot * sc);
                mx = fmax(mx, row[j]);
            }
        }
        for (size_t e = 0; e < nl; e++) {
            size_t k1 = min_z(min_z(list[e] * b + b, L), pt.causal ? i + 1 : L);
            for (size_t j = list[e] * b; j < k1; j++)
                sum += row[j] = (float)exp(row[j] - mx);
        }
        for (size_t e = 0; e < nl; e++) {
            size_t k1 = min_z(min_z(list[e] * b + b, L), pt.causal ? i + 1 : L);
            for (size_t j = list[e] * b; j < k1; j++)
                row[j] = (float)(row[j] / sum);
        }
    }
    return AB_OK;
}

static void bigbird_release(void *state)
{
    struct bigbird_state *s = state;
    if (!s)
        return;
    if (s->work)
        s->p.free(s->work);
    s->p.free(s);
}

const struct ab_method ab_bigbird_cpu = {
    .name = "bigbird",
    .summary = "BigBird block-sparse attention: window + global + random blocks, exact softmax "
               "over each row's blocks",
    .params = bigbird_params,
    .nparams = (int)(sizeof bigbird_params / sizeof bigbird_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = bigbird_estimate,
    .prepare = bigbird_prepare,
    .forward = bigbird_forward,
    .rows = bigbird_rows,
    .report = NULL,
    .release = bigbird_release,
};
