/* nystrom.h — logic the Nystrom backends and variants share, implemented in
 * nystrom.c (and, for the segment rule, inline for the host and the device),
 * plus the CPU state's views that nystrom-local reads (nystrom_cpu.c).
 * Tests: tests/test_nystrom.c, tests/test_backends.c. */
#ifndef AB_NYSTROM_H
#define AB_NYSTROM_H

#include "attnbench.h"
#include "kernels/hd.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* uneven: xformers' rule. pad: left zero-padding to a multiple of M, each
 * segment divided by ceil(N/M) (zero rows included); the padding is never a
 * key. pad-keys: the same landmarks, and the zero rows are also keys of B
 * (logit 0, value 0), as in lucidrains' nystrom-attention called without a
 * mask. */
enum ab_nystrom_segments { AB_SEG_UNEVEN = 0, AB_SEG_PAD = 1, AB_SEG_PAD_KEYS = 2 };

/* The segment rule itself, for the host and the device (the CUDA
 * segment-means kernel calls it per landmark). */
AB_HD void ab_nystrom_segment_hd(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                                 size_t *div)
{
    if (mode == AB_SEG_UNEVEN) {
        /* the first nshort segments have l tokens, the others l + 1 */
        size_t l = n / m, nshort = (l + 1) * m - n;
        *t0 = j < nshort ? j * l : nshort * l + (j - nshort) * (l + 1);
        *t1 = *t0 + (j < nshort ? l : l + 1);
        *div = *t1 - *t0;
    } else {
        /* padded positions [jL, (j+1)L) hold tokens pos - pad (zeros below 0) */
        size_t L = (n + m - 1) / m, pad = L * m - n, p0 = j * L, p1 = p0 + L;
        *t0 = p0 > pad ? p0 - pad : 0;
        *t1 = p1 > pad ? p1 - pad : 0;
        *div = L;
    }
}

/* Landmark j of M over N tokens averages tokens [*t0, *t1) and divides the
 * sum by *div (pad mode: div counts the zero rows of the left padding).
 * Requires 1 <= M <= N and j < M. */
/* The landmark count M of a problem: `landmarks`, or max(1, round(landmark_ratio
 * N)), or 64 (the same rule for every backend). */
size_t ab_nystrom_resolve_m(const struct ab_problem *p, const struct ab_values *vals);

void ab_nystrom_segment(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                        size_t *div);

/* Segment means of x (N x D) into out (M x D), float64 sums. */
void ab_nystrom_landmarks(const float *x, size_t n, size_t d, size_t m, int mode, float *out);
/* The same for landmarks [j0, j1) only (out still indexed by j). */
void ab_nystrom_landmarks_range(const float *x, size_t n, size_t d, size_t m, int mode, size_t j0,
                                size_t j1, float *out);

/* lucidrains' masked segment means (nystrom-attention called with `mask`):
 * landmarks [j0, j1) of M over the segment geometry of N tokens (`mode`),
 * each the sum of its tokens below `valid` divided by their count; a segment
 * with no such token gives a zero landmark and ok[j] = 0 (else 1). ok may be
 * NULL. */
void ab_nystrom_landmarks_valid(const float *x, size_t n, size_t valid, size_t d, size_t m,
                                int mode, size_t j0, size_t j1, float *out, float *ok);

/* The padding_rule parameter (under mask: padding; see nystrom_cpu.c). Its
 * table default is unset (NULL), read as strict: row ids and values texts of
 * configs that do not name it stay what they were. */
enum ab_nystrom_padding_rule { AB_PADRULE_STRICT = 0, AB_PADRULE_HF = 1, AB_PADRULE_LUCIDRAINS = 2 };

/* Landmark selection (the `selection` parameter). */
enum ab_nystrom_selection {
    AB_SEL_SEGMENT_MEANS = 0, /* the paper's landmarks: means of M segments */
    AB_SEL_STRIDED = 1,       /* tokens floor(l N / M), l < M */
    AB_SEL_RANDOM = 2,        /* M distinct tokens, seeded, sorted */
    AB_SEL_KMEANS = 3,        /* k-means++ + Lloyd on K; Q landmarks: matching Q means */
    AB_SEL_IMPORTANCE = 4     /* M distinct tokens sampled by approximate ridge leverage scores of K */
};
/* Token indices for AB_SEL_STRIDED / AB_SEL_RANDOM (idx: M entries).
 * Returns 0, or -1 when the random choice cannot allocate its N entries. */
int ab_nystrom_select(size_t n, size_t m, int selection, uint64_t seed, size_t *idx);

/* AB_SEL_IMPORTANCE: M distinct tokens of one head (idx, ascending), drawn
 * without replacement (Efraimidis-Spirakis, seeded) with probability
 *   p_j = 1/2 tau_j / sum_l tau_l + 1/2 1/N,
 *   tau_j = 1 / (1 + (N/r) sum_{t in R} kappa(k_j, k_t)),
 *   kappa(x, y) = exp(-|x - y|^2 / (2 sqrt(D))),  R: r = min(N, M) strided keys:
 * approximate ridge leverage scores (ridge 1) of the keys' Gaussian kernel
 * matrix, from a kernel-density estimate on the sketch (exact for s
 * identical tokens: 1/(1 + s)). Leverage sampling is what Nystrom's error
 * bounds ask for (Alaoui & Mahoney 2015; Musco & Musco 2017): a token like
 * many others scores low, a token unlike the rest (a small cluster, an
 * outlier) high, so every cluster gets landmarks about equally instead of in
 * proportion to its size; half the mass uniform (defensive sampling) keeps
 * large clusters represented by size. Training-free, O(M N D) (B's cost).
 * q is not used (the keys decide); k: N x D of the head; scratch: 3 N + M
 * floats. */
void ab_nystrom_importance(const float *q, const float *k, size_t n, size_t d, size_t m,
                           uint64_t seed, float *scratch, size_t *idx);

/* The Nystrom machinery, for hybrids built on it (methods/nystrom_local):
 * the state of the `nystrom` method after its forward. */
struct ab_nystrom_view {
    size_t m;             /* landmarks of head h (strict padding: min(M, valid)) */
    size_t nq, kv;        /* valid query rows [0, nq), keys [0, kv) (padding) */
    const float *ok;      /* padding_rule lucidrains: M flags, 0 for an empty landmark; else NULL */
    const float *ql, *kl; /* M x D landmarks of head h (unscaled) */
    const float *z;       /* M x M pseudo-inverse */
    const float *w;       /* M x DV: Z (B V) */
    const float *lse_b;   /* M: log-normalisers of B's rows */
};
void ab_nystrom_get_view(void *nystrom_state, size_t h, struct ab_nystrom_view *v);
/* Rows [r0, r0+rows) of F (valid rows only: r0 + rows <= nq) = softmax(Q Kt^T / sqrt(D)) for head h (rows x M). */
void ab_nystrom_f_rows(void *nystrom_state, size_t h, size_t r0, size_t rows, float *F);
/* Columns [c0, c1) of B = softmax(Qt K^T / sqrt(D)) for head h (M x (c1-c0), ld c1-c0). */
void ab_nystrom_b_cols(void *nystrom_state, size_t h, size_t c0, size_t c1, float *B);

/* Z ~ A^+ (M x M) by `iters` iterations of Z <- Z/4 (13I - AZ(15I - AZ(7I - AZ)))
 * from Z0 = A^T / c. tmp: 3 M^2 floats; each product split over `threads`. */
void ab_nystrom_pinv_iterative(const float *a, size_t M, int iters, float c, float *z, float *tmp,
                               int threads);
/* The same with every stored M x M matrix (Z0, AZ, the three bracket
 * factors, each iterate Z) rounded to `precision` (enum ab_precision; fp32:
 * bitwise the function above); the products accumulate in float32. */
void ab_nystrom_pinv_iterative_prec(const float *a, size_t M, int iters, float c, float *z,
                                    float *tmp, int threads, int precision);
/* The largest column sum of A (M x M): ||A||_1, the per-head init's c. */
float ab_nystrom_colmax(const float *a, size_t M);
/* A^+ in float64 by SVD, singular values below M 2^-23 sigma_max dropped.
 * work: 3 M^2 + M + lwork doubles (lwork from ab_nystrom_svd_lwork, 0 on a
 * failed query); iwork: 8M ints. Returns LAPACK's info. */
size_t ab_nystrom_svd_lwork(size_t M);
int ab_nystrom_pinv_svd(size_t M, size_t lwork, const float *a, double *zout, double *work,
                        int *iwork);
/* How good Z is as A^+ for one head (the `report` of every backend), in
 * float64: *resid = ||I - A Z||_F, *vs = ||Z - A^+||_F / ||A^+||_F against the
 * SVD pseudo-inverse. work: 6 M^2 + M + lwork doubles; iwork: 8M ints.
 * Returns nonzero when the SVD fails. */
int ab_nystrom_pinv_quality(size_t M, size_t lwork, const float *a, const float *z, double *work,
                            int *iwork, double *resid, double *vs);

/* padding_rule of vals: strict unless given. */
static inline int ab_nystrom_padding_rule(const struct ab_values *vals)
{
    return ab_values_isset(vals, "padding_rule") ? ab_values_enum(vals, "padding_rule")
                                                 : AB_PADRULE_STRICT;
}

/* The nystrom method's parameters, for tables that extend them. */
#define AB_NYSTROM_PARAMS                                                                          \
    {.name = "landmarks", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 1 << 24,                  \
     .help = "number of landmarks M (default 64 unless landmark_ratio is given)"},                 \
        {.name = "landmark_ratio", .type = AB_PT_REAL, .def = NULL, .lo = 1e-9, .hi = 1,           \
         .help = "M = max(1, round(ratio * N)); exclusive with landmarks"},                        \
        {.name = "selection", .type = AB_PT_ENUM, .def = "segment-means",                          \
         .choices = "segment-means|strided|random|kmeans|importance",                              \
         .help = "landmarks: segment means, every N/M-th token, random tokens, k-means on K, or "  \
                 "tokens sampled by approximate ridge leverage scores of K"},                                   \
        {.name = "kmeans_iters", .type = AB_PT_INT, .def = "5", .lo = 0, .hi = 100,                \
         .help = "selection: kmeans: Lloyd iterations after k-means++"},                          \
        {.name = "segments", .type = AB_PT_ENUM, .def = "uneven", .choices = "uneven|pad|pad-keys", \
         .help = "uneven: xformers' rule; pad: left zero-pad to a multiple of M; pad-keys: and "    \
                 "the zero rows are keys of B (lucidrains without a mask)"},                      \
        {.name = "pinv", .type = AB_PT_ENUM, .def = "iterative", .choices = "iterative|svd",       \
         .help = "iterative: Newton-Schulz-type iteration; svd: LAPACK, rcond = M * 2^-23"},       \
        {.name = "pinv_iters", .type = AB_PT_INT, .def = "6", .lo = 0, .hi = 1000,                 \
         .help = "iterations of Z <- Z/4 (13I - AZ(15I - AZ(7I - AZ)))"},                           \
        {.name = "pinv_init", .type = AB_PT_ENUM, .def = "per-head", .choices = "per-head|global", \
         .help = "Z0 = A^T / c: c per head (xformers) or one c over all heads (official, HF)"},    \
        {.name = "padding_rule", .type = AB_PT_ENUM, .def = NULL,                                 \
         .choices = "strict|hf|lucidrains",                                                        \
         .help = "mask: padding: strict (the default: landmarks from valid tokens, padded keys "   \
                 "out of every kernel), hf (Hugging Face), lucidrains (nystrom-attention)"},      \
        {.name = "tile_q", .type = AB_PT_INT, .def = "256", .lo = 1, .hi = 65536,                  \
         .help = "query rows per F block of `rows` (the forward: 32-query lane tiles)"},         \
        {.name = "tile_k", .type = AB_PT_INT, .def = "1024", .lo = 1, .hi = 1 << 20,               \
         .help = "keys per block in B V"}


#ifdef __cplusplus
}
#endif

#endif
