/* clustered_cpu.c — clustered attention (Vyas, Katharopoulos & Fleuret,
 * NeurIPS 2020), untrained.
 *
 * The queries of a head are grouped into C = `clusters` clusters by k-means
 * (methods/clustered/clustered.h: Lloyd's algorithm in Q space, `iters`
 * rounds, initial centroids C distinct queries drawn from prob->seed). The
 * public implementation (fast-transformers' ClusteredAttention) clusters
 * differently: it hashes the queries to `bits`-bit codes with random
 * hyperplanes and runs k-means under the Hamming distance of the codes; both
 * group queries by proximity, ours without the hashing's extra error. Then
 * one softmax attention per centroid q_c (the mean of its members):
 *   A_c = softmax(q_c K^T / sqrt(d)),  O_i = A_c V  for every i in cluster c.
 * Improved clustered attention (`topk` k > 0): the k keys of largest A_c are
 * recomputed exactly for each member i, carrying the centroid's mass on them,
 *   m_c = sum_{j in T_c} A_cj,
 *   S_ij = m_c softmax_{T_c}(q_i K_{T_c}^T / sqrt(d))_j   (j in T_c),
 *   S_ij = A_cj                                           (j not in T_c),
 * so rows still sum to 1 and O_i = m_c softmax_T(..) V_T + (A_c V - A_c,T V_T).
 * Ties of A_c are broken toward the lower key index.
 *
 * Cost per head: k-means iters (2 N C D) + 2 C N (D + DV) for the centroid
 * attention, + 2 N k (D + DV) improved. Memory: per thread the C x N matrix
 * A (linear in N) and the k-means buffers; per head the assignment (N), the
 * centroids (C x D) and the top-k sets (C x k), kept for `rows`. Heads run
 * in parallel (one thread per head: deterministic).
 *
 * Masks: padding — each head clusters its L valid queries (C > L: C = L)
 * over its L valid keys; padded rows 0; padding_leak exactly 0. Causal is
 * refused (mask_note): a centroid mixes queries from every position, so
 * an early query's output depends on later queries through its centroid
 * (and a causal key range per query would no longer be one attention per
 * cluster). `rows` gives S above.
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded (so the
 * k-means runs on rounded queries); stored in the format: the final
 * centroids (what the centroid attention and `rows` read) and each
 * cluster's output A_c V (with topk, less its part on T_c), which its
 * members share. The centroid softmax A_c, the top-k re-computation and the
 * k-means sums stay float32/float64, as exact's softmax does. fp32 rounds
 * nothing: bitwise the same.
 * Tests: tests/test_clustered.c (a float64 oracle of the formula on the
 * method's own clusters, C = N and k = N are exact attention, leak 0),
 * tests/test_precision.c. */
#include "attnbench.h"
#include "clustered/clustered.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { HT = 64 }; /* queries per distance tile */

static const struct ab_param clustered_params[] = {
    {.name = "clusters", .type = AB_PT_INT, .def = "100", .lo = 1, .hi = 1 << 24,
     .help = "query clusters C (more than the valid tokens: one per token)"},
    {.name = "iters", .type = AB_PT_INT, .def = "10", .lo = 1, .hi = 1000,
     .help = "Lloyd iterations of the k-means (fast-transformers: 10)"},
    {.name = "topk", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1 << 24,
     .help = "improved clustered attention: the top-k keys of each cluster exact per query "
             "(0: plain; fast-transformers' improved default 32)"},
};

static size_t min_z(size_t a, size_t b) { return a < b ? a : b; }

size_t ab_clustered_kmeans_floats(size_t D, size_t C)
{
    return (2 * C * D + 3 * C + HT * C + 15) & ~(size_t)15;
}

void ab_clustered_kmeans(const float *q, size_t L, size_t D, size_t C, int iters, uint64_t seed,
                         size_t head, uint32_t *assign, float *cent, float *work)
{
    double *sums = (double *)(void *)work; /* C x D, at the slice's (aligned) start */
    uint32_t *cnt = (uint32_t *)(void *)(work + 2 * C * D), *pick = cnt + C;
    float *hn = work + 2 * C * D + 2 * C, *dist = hn + C; /* |c|^2 / 2; HT x C */
    struct ab_rng g;
    ab_rng_seed(&g, ab_mix64(seed ^ ab_mix64(head + 1)), 0x4b4d4541); /* "KMEA" */
    size_t np = 0;
    for (size_t j = L - C; j < L; j++) { /* Floyd: C distinct rows of [0, L) */
        uint32_t t = (uint32_t)ab_rng_below(&g, j + 1), x = t;
        for (size_t e = 0; e < np; e++)
            if (pick[e] == t)
                x = (uint32_t)j;
        size_t f = np++;
        for (; f > 0 && pick[f - 1] > x; f--) /* kept ascending */
            pick[f] = pick[f - 1];
        pick[f] = x;
    }
    for (size_t c = 0; c < C; c++)
        memcpy(cent + c * D, q + (size_t)pick[c] * D, D * sizeof(float));
    for (int it = 0; it < iters; it++) {
        for (size_t c = 0; c < C; c++) {
            double n2 = 0;
            for (size_t e = 0; e < D; e++)
                n2 += (double)cent[c * D + e] * cent[c * D + e];
            hn[c] = (float)(0.5 * n2);
        }
        for (size_t t0 = 0; t0 < L; t0 += HT) {
            size_t rows = min_z(HT, L - t0);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)C, (int)D, 1.0f,
                        q + t0 * D, (int)D, cent, (int)D, 0.0f, dist, (int)C);
            for (size_t t = 0; t < rows; t++) {
                float best = INFINITY;
                uint32_t arg = 0;
                for (size_t c = 0; c < C; c++) { /* |c|^2/2 - q.c: half the distance less |q|^2/2 */
                    float dd = hn[c] - dist[t * C + c];
                    if (dd < best)
                        best = dd, arg = (uint32_t)c;
                }
                assign[t0 + t] = arg;
            }
        }
        memset(sums, 0, C * D * sizeof(double));
        memset(cnt, 0, C * sizeof(uint32_t));
        for (size_t t = 0; t < L; t++) {
            cnt[assign[t]]++;
            for (size_t e = 0; e < D; e++)
                sums[assign[t] * D + e] += q[t * D + e];
        }
        for (size_t c = 0; c < C; c++)
            if (cnt[c])
                for (size_t e = 0; e < D; e++)
                    cent[c * D + e] = (float)(sums[c * D + e] / cnt[c]);
    }
}

struct clustered_state {
    struct ab_problem p;
    size_t C, k, stride; /* C: clusters asked (per head min(C, L)); k: topk */
    int iters;
    uint32_t *assign; /* H x N */
    float *cent;      /* H x C x D */
    uint32_t *top;    /* H x C x k (k > 0) */
    float *work;      /* threads x stride */
};

static int clustered_check(const struct ab_problem *p, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "clustered: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    if (p->n > UINT32_MAX)
        return ab_errf(err, AB_EINVAL, "clustered: n = %zu too large", p->n);
    return AB_OK;
}

/* Floats per thread: k-means buffers, A (C x N), A V (C x DV), and for the
 * improved variant the heap's k values and one query's k logits. */
static size_t work_floats(const struct ab_problem *p, size_t C, size_t k)
{
    return ab_clustered_kmeans_floats(p->d, C) +
           ((C * p->n + C * p->dv + 2 * k + 15) & ~(size_t)15);
}

static void read_values(const struct ab_problem *p, const struct ab_values *v, size_t *C, size_t *k)
{
    *C = min_z((size_t)ab_values_int(v, "clusters"), p->n);
    *k = min_z((size_t)ab_values_int(v, "topk"), p->n);
}

static int clustered_estimate(const struct ab_problem *p, const struct ab_values *v,
                              struct ab_estimate *est, struct ab_err *err)
{
    int rc = clustered_check(p, err);
    if (rc)
        return rc;
    size_t C, k, H = p->heads, D = p->d, DV = p->dv;
    read_values(p, v, &C, &k);
    double it = (double)ab_values_int(v, "iters"), fl = 0;
    for (size_t h = 0; h < H; h++) {
        double L = (double)ab_mask_valid(p, h), c = fmin((double)C, L), kk = fmin((double)k, L);
        fl += it * 2.0 * L * c * (double)D + 2.0 * c * L * (double)(D + DV) +
              2.0 * L * kk * (double)(D + DV);
    }
    est->flops = fl;
    est->workspace_bytes = (double)sizeof(struct clustered_state) +
                           (double)(H * p->n) * 4.0 + (double)(H * C * D) * 4.0 +
                           (k ? (double)(H * C * k) * 4.0 : 0.0) +
                           (double)(p->threads > 0 ? p->threads : 1) * (double)work_floats(p, C, k) * 4.0;
    est->budget = (double)C;
    return AB_OK;
}

static int clustered_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                             struct ab_err *err)
{
    int rc = clustered_check(p, err);
    if (rc)
        return rc;
    struct clustered_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "clustered: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    read_values(p, v, &s->C, &s->k);
    s->iters = (int)ab_values_int(v, "iters");
    size_t H = p->heads;
    s->stride = work_floats(p, s->C, s->k);
    s->assign = p->alloc(H * p->n * sizeof(uint32_t));
    s->cent = p->alloc(H * s->C * p->d * sizeof(float));
    if (s->k)
        s->top = p->alloc(H * s->C * s->k * sizeof(uint32_t));
    s->work = p->alloc(s->stride * (size_t)(p->threads > 0 ? p->threads : 1) * sizeof(float));
    if (!s->assign || !s->cent || (s->k && !s->top) || !s->work)
        return ab_errf(err, AB_ENOMEM, "clustered: cannot allocate %zu clusters' buffers", s->C);
    return AB_OK;
}

/* (value, index) before: a larger value, or an equal one at a lower index. */
static int before(float va, uint32_t ia, float vb, uint32_t ib)
{
    return va > vb || (va == vb && ia < ib);
}

/* The k entries of a (n) that come first by `before`, into idx (any
 * order), by a heap whose root is the entry that comes last. */
static void top_k(const float *a, size_t n, size_t k, uint32_t *idx, float *hv)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        float x = a[j];
        if (m == k && !before(x, (uint32_t)j, hv[0], idx[0]))
            continue;
        size_t i;
        if (m < k) { /* sift up */
            i = m++;
            while (i > 0 && before(hv[(i - 1) / 2], idx[(i - 1) / 2], x, (uint32_t)j)) {
                hv[i] = hv[(i - 1) / 2], idx[i] = idx[(i - 1) / 2];
                i = (i - 1) / 2;
            }
        } else { /* replace the root, sift down */
            i = 0;
            for (;;) {
                size_t l = 2 * i + 1, r = l + 1, w = l;
                if (l >= m)
                    break;
                if (r < m && before(hv[l], idx[l], hv[r], idx[r]))
                    w = r;
                if (!before(x, (uint32_t)j, hv[w], idx[w]))
                    break;
                hv[i] = hv[w], idx[i] = idx[w];
                i = w;
            }
        }
        hv[i] = x, idx[i] = (uint32_t)j;
    }
}

static void one_head(const struct clustered_state *s, size_t h, float *out, float *work)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, L = ab_mask_valid(p, h), C = min_z(s->C, L), k = min_z(s->k, L);
    const float *q = p->q + h * N * D, *kk = p->k + h * N * D, *v = p->v + h * N * DV;
    uint32_t *assign = s->assign + h * N;
    float *cent = s->cent + h * s->C * D;
    ab_clustered_kmeans(q, L, D, C, s->iters, p->seed, h, assign, cent, work);
    ab_round(cent, C * D, p->precision); /* precision: the centroids, stored (and kept for rows) */
    float *A = work + ab_clustered_kmeans_floats(D, s->C), *AV = A + s->C * N;
    float *hv = AV + s->C * DV, *lg = hv + s->k;
    float sc = (float)(1.0 / sqrt((double)D));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)C, (int)L, (int)D, sc, cent, (int)D,
                kk, (int)D, 0.0f, A, (int)N);
    ab_softmax_rows(A, C, L, N, NULL);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)C, (int)DV, (int)L, 1.0f, A, (int)N,
                v, (int)DV, 0.0f, AV, (int)DV);
    uint32_t *top = s->k ? s->top + h * s->C * s->k : NULL;
    if (k)
        for (size_t c = 0; c < C; c++) { /* T_c, and A V less its part on T_c */
            uint32_t *t = top + c * s->k;
            top_k(A + c * N, L, k, t, hv);
            for (size_t e = 0; e < k; e++)
                for (size_t f = 0; f < DV; f++)
                    AV[c * DV + f] -= A[c * N + t[e]] * v[(size_t)t[e] * DV + f];
        }
    ab_round(AV, C * DV, p->precision); /* each cluster's output A_c V (less T_c's part), stored */
    for (size_t i = 0; i < L; i++) {
        size_t c = assign[i];
        float *o = out + i * DV;
        memcpy(o, AV + c * DV, DV * sizeof(float));
        if (!k)
            continue;
        const uint32_t *t = top + c * s->k;
        double mass = 0;
        for (size_t e = 0; e < k; e++) {
            mass += A[c * N + t[e]];
            double dot = 0;
            for (size_t f = 0; f < D; f++)
                dot += (double)q[i * D + f] * kk[(size_t)t[e] * D + f];
            lg[e] = (float)(dot * sc);
        }
        float mx = ab_max(lg, k);
        double z = ab_exp_shift_sum(lg, k, mx);
        float w = (float)(mass / z);
        for (size_t e = 0; e < k; e++)
            for (size_t f = 0; f < DV; f++)
                o[f] += w * lg[e] * v[(size_t)t[e] * DV + f];
    }
    if (L < N)
        memset(out + L * DV, 0, (N - L) * DV * sizeof(float)); /* padded rows */
}

static int clustered_forward(void *state, float *out, struct ab_err *err)
{
    (void)err;
    struct clustered_state *s = state;
    const struct ab_problem *p = &s->p;
#pragma omp parallel for schedule(dynamic, 1) num_threads(p->threads)
    for (long h = 0; h < (long)p->heads; h++)
        one_head(s, (size_t)h, out + (size_t)h * p->n * p->dv,
                 s->work + (size_t)omp_get_thread_num() * s->stride);
    return AB_OK;
}

/* Row i: the centroid's softmax row in float64, its top-k part replaced by
 * the query's own softmax over T_c times the centroid's mass there. */
static int clustered_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct clustered_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, L = ab_mask_valid(p, h), k = min_z(s->k, L);
    if (h >= p->heads || r0 >= r1 || r1 > N || r1 - r0 > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "clustered: rows [%zu, %zu) of head %zu out of range", r0,
                       r1, h);
    const float *q = p->q + h * N * D, *kk = p->k + h * N * D;
    double sc = 1.0 / sqrt((double)D);
    memset(S, 0, (r1 - r0) * N * sizeof(float));
    for (size_t i = r0; i < r1 && i < L; i++) {
        size_t c = s->assign[h * N + i];
        const float *cent = s->cent + (h * s->C + c) * D;
        float *row = S + (i - r0) * N;
        double mx = -INFINITY, sum = 0;
        for (int pass = 0; pass < 3; pass++)
            for (size_t j = 0; j < L; j++) {
                double dot = 0;
                for (size_t e = 0; e < D; e++)
                    dot += (double)cent[e] * kk[j * D + e];
                if (pass == 0)
                    mx = fmax(mx, dot * sc);
                else if (pass == 1)
                    sum += exp(dot * sc - mx);
                else
                    row[j] = (float)(exp(dot * sc - mx) / sum);
            }
        if (!k)
            continue;
        const uint32_t *t = s->top + (h * s->C + c) * s->k;
        double mass = 0, qmx = -INFINITY, z = 0;
        for (size_t e = 0; e < k; e++)
            mass += row[t[e]];
        for (int pass = 0; pass < 3; pass++)
            for (size_t e = 0; e < k; e++) {
                double dot = 0;
                for (size_t f = 0; f < D; f++)
                    dot += (double)q[i * D + f] * kk[(size_t)t[e] * D + f];
                if (pass == 0)
                    qmx = fmax(qmx, dot * sc);
                else if (pass == 1)
                    z += exp(dot * sc - qmx);
                else
                    row[t[e]] = (float)(mass * exp(dot * sc - qmx) / z);
            }
    }
    return AB_OK;
}

static void clustered_release(void *state)
{
    struct clustered_state *s = state;
    if (!s)
        return;
    const struct ab_problem *p = &s->p;
    void *bufs[] = {s->assign, s->cent, s->top, s->work};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        if (bufs[i])
            p->free(bufs[i]);
    p->free(s);
}

const struct ab_method ab_clustered_cpu = {
    .name = "clustered",
    .summary = "clustered attention: k-means query clusters, one softmax per centroid; topk > 0: "
               "improved (each cluster's top-k keys exact per query)",
    .params = clustered_params,
    .nparams = (int)(sizeof clustered_params / sizeof clustered_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_PADDING,
    .estimate = clustered_estimate,
    .prepare = clustered_prepare,
    .forward = clustered_forward,
    .rows = clustered_rows,
    .report = NULL,
    .release = clustered_release,
    .mask_note = "a centroid averages queries from every position, so an early query's output "
                 "depends on later queries through its cluster: not causal",
};
