/* performer_cpu.c — Performer's FAVOR+ (Choromanski et al., ICLR 2021).
 *
 * With x' = x D^(-1/4) and W (r x D) random features (performer.h):
 *   kernel: softmax  phi(x) = exp(W x' - |x'|^2 / 2 - c) / sqrt(r)
 *                    E[phi(q) . phi(k)] = exp(q . k / sqrt(D)) e^(-c_q - c_k):
 *                    positive random features, an unbiased estimator of the
 *                    softmax kernel;
 *   kernel: relu     phi(x) = ReLU(W x') + 1e-3: LRA's "generalized" kernel,
 *                    NOT a softmax estimator (its own attention, labelled so).
 *   O = D^-1 phi(Q) (phi(K)^T V),  D = diag(phi(Q) (phi(K)^T 1)).
 * Stabilisers c: per query row its largest feature exponent (it cancels
 * between the row's numerator and D); for keys one value per head, the
 * largest exponent over every key and feature, kept by an online rescaling
 * of the accumulators as key tiles arrive (it cancels between numerator and
 * denominator too). The 1/sqrt(r) factors cancel likewise and are omitted.
 *
 * One W serves every head (as in performer-pytorch). Keys are streamed in
 * tiles per thread-chunk (phi(K)^T V and phi(K)^T 1 accumulated, chunks
 * merged), queries in tiles: no N x r buffer. FLOPs per head:
 * 4 N r D + 4 N r DV. Memory: threads x TK x r + H x chunks x r (DV + 2).
 * Public defaults: r = 256 (LRA), floor(D ln D) = 266 at D = 64 (lucidrains,
 * our default: features = 0). Rows sum to 1 by construction; `rows` gives
 * S^_ij = phi(q_i) . phi(k_j) / D_i.
 *
 * Reproducing performer-pytorch (tests/test_peers.c): `features_file` loads W
 * (r x D, .npy: its exported projection_matrix) instead of drawing it, and
 * `eps` adds its constant after the exponential, phi = exp(...) + eps
 * (performer-pytorch: 1e-4). The constant does not cancel, so with eps > 0
 * the stabilisers c are performer-pytorch's: the largest W x' alone (without
 * -|x'|^2/2), per query row and per head over every key and feature. The
 * eps part of phi(K)^T V and phi(K)^T 1 (eps sum_j v_j and eps N) is added
 * after the streamed, rescaled exponential part.
 * The default (softmax kernel, eps = 0) runs on lane tiles (harness/kernels/qtile.h):
 * keys with the features as lanes (phi(K)^T V is the tile's values product,
 * phi(K)^T 1 its column sums), queries as lanes against W's rows; the ReLU
 * kernel and eps > 0 on SGEMM tiles, whose sums run in double across tiles.
 *
 * Masks (AB_CAP_PADDING, AB_CAP_CAUSAL):
 *   padding  each head's valid keys alone enter phi(K)^T V, phi(K)^T 1 (both
 *            numerator and denominator), the key stabiliser and the eps sums;
 *            padded rows are written 0. W is drawn from the seed alone, so
 *            valid rows do not depend on padded content (padding_leak 0).
 *            performer-pytorch's FastAttention takes no mask; its
 *            SelfAttention zeroes the padded values only, so its padded keys
 *            stay in the denominator: not reproduced.
 *   causal   prefix sums (causal_chunk): O(N r (D + DV) + N 64 (r + DV)) FLOPs,
 *            O(r DV + 64 r) floats per thread, no N x N mask. The key
 *            stabiliser is a running max over the keys a row sees, the prefix
 *            sums rescaled when it rises (online softmax's trick): causal by
 *            construction, causal_leak exactly 0. `stabilizer: global` takes
 *            one max over every key of the head instead, future keys
 *            included: performer-pytorch's causal=True. With eps = 0 it
 *            cancels (causal_leak at rounding, ~1e-7); with its eps = 1e-4 it
 *            does not, and the past rows move with the future keys.
 *            `causal_eps` adds performer-pytorch's causal 1e-6 to each prefix
 *            sum of phi(K)^T 1 (in its units, features times 1/sqrt(r)).
 *            performer-pytorch causal=True is reproduced by features_file,
 *            eps: 1e-4, stabilizer: global, causal_eps: 1e-6
 *            (tests/test_peers.c). Threads: key chunks of a head run in
 *            two passes (chunk totals, then each chunk from the totals
 *            before it). `rows` recomputes the row stabilisers (two passes
 *            over keys 0..r1).
 * precision: bf16|fp16 (AB_CAP_PRECISION) runs on the SGEMM tiles, whose
 * feature maps are arrays: Q, K, V arrive rounded; phi(K) (each key tile,
 * after its exponential), phi(Q) (each query tile), the running sums
 * phi(K)^T V and phi(K)^T 1 (each chunk's, the merged ones, causal: the
 * prefix sums as the step reads them) and each row's normaliser D_i are
 * rounded to the format; the tiles' products accumulate in float32, the
 * sums across tiles in float64 (as at fp32). W stays float32. fp16 holds
 * nothing below 2^-24: stabilised features far below their row's (or the
 * head's) maximum become 0, and a normaliser that rounds to 0 (or to Inf)
 * makes its row Inf/NaN: forward then returns AB_ENUMERIC saying how many
 * (a `nan` row with the reason), never a silently clamped number.
 * Tests: tests/test_performer.c (masks: float64 prefix-sum and valid-key
 * formulas, leaks, rows), tests/test_contract.c, tests/test_precision.c. */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "formats/npy.h"
#include "performer/performer.h"
#include "kernels/qtile.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { TQ = 256, TK = 512 };
enum { QL = AB_QT_LANES, KB = 128 }; /* lane tiles: 32 lanes, key blocks of KB */
enum { KERNEL_SOFTMAX = 0, KERNEL_RELU = 1 };
enum { STAB_CAUSAL = 0, STAB_GLOBAL = 1 };
enum { CT = 64 }; /* mask: causal: positions per prefix-sum step */

static const struct ab_param performer_params[] = {
    {.name = "features", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1 << 20,
     .help = "random features r; 0: floor(d ln d)"},
    {.name = "orthogonal", .type = AB_PT_BOOL, .def = "true",
     .help = "orthogonal blocks of features (else i.i.d. Gaussian rows)"},
    {.name = "norms", .type = AB_PT_ENUM, .def = "chi", .choices = "chi|sqrt-d",
     .help = "row norms of orthogonal features: chi-distributed (unbiased) or sqrt(d)"},
    {.name = "kernel", .type = AB_PT_ENUM, .def = "softmax", .choices = "softmax|relu",
     .help = "softmax: FAVOR+; relu: LRA's generalized ReLU kernel (not a softmax estimator)"},
    {.name = "features_file", .type = AB_PT_STRING, .def = NULL,
     .help = "W from a .npy (r x d; path relative to the working directory) instead of drawing it"},
    {.name = "eps", .type = AB_PT_REAL, .def = NULL, .lo = 0, .hi = 1,
     .help = "softmax kernel: phi = exp(...) + eps, performer-pytorch's 1e-4 (default 0)"},
    /* unset by default, like eps: the params text (and row ids) of rows
     * without these options stay what they were before masks */
    {.name = "stabilizer", .type = AB_PT_ENUM, .def = NULL, .choices = "causal|global",
     .help = "mask: causal, softmax kernel: the key stabiliser: causal (default: running max over "
             "the keys a row sees; exactly causal) or global (max over all keys: performer-pytorch, "
             "leaks with eps > 0)"},
    {.name = "causal_eps", .type = AB_PT_REAL, .def = NULL, .lo = 0, .hi = 1,
     .help = "mask: causal: added to each prefix sum of phi(K)^T 1 in performer-pytorch's units "
             "(its causal 1e-6; default 0)"},
};

int ab_performer_draw(uint64_t seed, size_t r, size_t d, int orthogonal, int norms, float *W)
{
    struct ab_rng g;
    ab_rng_seed(&g, seed, 0x50455246);
    if (!orthogonal) {
        for (size_t i = 0; i < r * d; i++)
            W[i] = (float)ab_rng_normal(&g);
        return 0;
    }
    double *a = malloc(d * d * sizeof *a), *tau = malloc(d * sizeof *tau);
    if (!a || !tau) {
        free(a), free(tau);
        return -1;
    }
    int info = 0;
    for (size_t b0 = 0; b0 < r && !info; b0 += d) {
        for (size_t i = 0; i < d * d; i++)
            a[i] = ab_rng_normal(&g);
        /* column-major QR of a: Q's columns are orthonormal; use them as rows.
         * Householder QR fixes the sign of R's diagonal, which biases Q; the
         * columns times sign(R_ii) are Haar-distributed (Mezzadri 2007), so
         * each row is uniform on the sphere and the estimator unbiased. */
        info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (int)d, (int)d, a, (int)d, tau);
        double sign[4096];
        for (size_t i = 0; i < d && i < 4096; i++)
            sign[i] = a[i * d + i] < 0 ? -1.0 : 1.0;
        if (!info)
            info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (int)d, (int)d, (int)d, a, (int)d, tau);
        for (size_t i = 0; i < d && b0 + i < r && !info; i++) {
            double nrm;
            if (norms == AB_PERF_NORMS_CHI) {
                double s2 = 0;
                for (size_t j = 0; j < d; j++) {
                    double z = ab_rng_normal(&g);
                    s2 += z * z;
                }
                nrm = sqrt(s2);
            } else {
                nrm = sqrt((double)d);
            }
            for (size_t j = 0; j < d; j++)
                W[(b0 + i) * d + j] = (float)(nrm * sign[i] * a[i * d + j]); /* column i of Q */
        }
    }
    free(a), free(tau);
    return info;
}

struct perf_state {
    struct ab_problem p;
    size_t r, nchunks, tstride;
    int kernel;
    int causal;     /* mask: causal (prefix sums) */
    int global;     /* stabilizer: global (performer-pytorch's key max, future keys included) */
    float eps;      /* added to the softmax features (0: none) */
    float ceps;     /* causal_eps in our units: causal_eps sqrt(r) per feature */
    float *w;       /* r x D, times D^(-1/4) */
    float *wt;      /* lane tiles: W's rows as lanes, ceil(r/32) x D x 32 */
    float *acc;     /* H x r x DV: phi(K)^T V */
    float *ksum;    /* H x r: phi(K)^T 1 */
    float *kmax;    /* H: the key stabiliser (unmasked, padding; causal with global) */
    float *part;    /* H x chunks x (r DV + r + 1) */
    float *work;    /* threads x tstride */
};

/* The shape of features_file, checked against D and `features`. */
static int file_rows(const struct ab_problem *p, const struct ab_values *v, size_t *rows,
                     struct ab_err *err)
{
    const char *path = ab_values_str(v, "features_file");
    struct ab_npy a;
    int rc = ab_npy_peek(path, &a, err);
    if (rc) {
        ab_err_prefix(err, "performer: features_file");
        return rc;
    }
    if (a.ndim != 2 || a.shape[0] == 0 || a.shape[1] != p->d)
        return ab_errf(err, AB_EINVAL, "performer: features_file %s must be (r, %zu): r features of "
                       "the head dim d = %zu", path, p->d, p->d);
    size_t want = (size_t)ab_values_int(v, "features");
    if (want && want != a.shape[0])
        return ab_errf(err, AB_EINVAL, "performer: features = %zu but features_file %s has %zu rows",
                       want, path, a.shape[0]);
    *rows = a.shape[0];
    return AB_OK;
}

static size_t resolve_r(const struct ab_problem *p, const struct ab_values *v)
{
    size_t r = (size_t)ab_values_int(v, "features");
    if (r == 0) {
        r = (size_t)floor((double)p->d * log((double)p->d));
        if (r == 0)
            r = 1;
    }
    return r;
}

/* The default FAVOR+ (softmax kernel, eps = 0) runs on lane tiles
 * (qtile.h); the ReLU kernel, performer-pytorch's eps and precision bf16 or
 * fp16 (whose feature tiles are stored, and rounded, as arrays) on SGEMM
 * tiles. */
static int lanes_path(int kernel, float eps, int precision)
{
    return kernel == KERNEL_SOFTMAX && eps == 0 && precision == AB_PREC_FP32;
}

/* Floats per thread, the largest of these layouts:
 *   SGEMM query tiles and `rows`: a query tile's features TQ x r with its
 *     denominators, a key tile's TK x r after those, the query rows'
 *     stabilisers at qmax_at; for `rows` under a mask, TQ + TK stabilisers
 *     after that (stab_at);
 *   key_chunk: phi(K)^T V and phi(K)^T 1 in double (2 (r DV + r)), a key
 *     tile's features TK x r and its product r x DV;
 *   lane tiles: keys: logits KB x 32, the accumulators ceil(r/32) x (DV + 1)
 *     x 32, norms; queries: qt D x 32, logits r x 32, values DV x 32, 4 x 32
 *     per-lane scalars;
 *   mask: causal (causal_chunk): the prefix sums in double (phi(K)^T V, phi(K)^T 1,
 *     sum of V: 2 (r DV + r + DV)), their float copies (r DV + r), a step's
 *     query and key features (2 CT r), G (CT x CT), phi(Q) times the prefix
 *     (CT x DV) and 4 CT per-row scalars. */
static size_t stab_at(size_t r, size_t DV) { return (TQ + TK) * r + TQ * (DV + 2); }

static size_t work_floats(size_t r, size_t D, size_t DV)
{
    size_t nbf = (r + QL - 1) / QL;
    size_t cand[5] = {
        stab_at(r, DV) + TQ + TK,
        2 * (r * DV + r) + TK * r + r * DV,
        KB * QL + nbf * (DV + 1) * QL + KB + 2 * QL,
        D * QL + nbf * QL * QL + DV * QL + 4 * QL,
        2 * (r * DV + r + DV) + r * DV + r + 2 * CT * r + CT * CT + CT * DV + 4 * CT,
    };
    size_t m = 0;
    for (int i = 0; i < 5; i++)
        m = cand[i] > m ? cand[i] : m;
    return (m + 15) & ~(size_t)15;
}

/* Key chunks per head: the threads over the heads, at most one per key tile. */
static size_t perf_chunks(const struct ab_problem *p)
{
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1), H = p->heads;
    size_t kblocks = (p->n + TK - 1) / TK;
    return (T + H - 1) / H < kblocks ? (T + H - 1) / H : kblocks;
}

/* What prepare allocates: the state, W (r x D), its lane tiles
 * (ceil(r/32) x D x 32), phi(K)^T V, phi(K)^T 1 and the stabilisers per head,
 * the chunks' partials and the threads' work. */
static size_t perf_bytes(const struct ab_problem *p, size_t r)
{
    size_t H = p->heads, D = p->d, DV = p->dv, T = (size_t)(p->threads > 0 ? p->threads : 1);
    size_t nbf = (r + QL - 1) / QL;
    size_t floats = r * D + nbf * D * QL + H * r * DV + H * r + H +
                    H * perf_chunks(p) * (r * DV + r + 1) + T * work_floats(r, D, DV);
    return sizeof(struct perf_state) + floats * sizeof(float);
}

static int perf_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                         struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "performer: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    size_t rr = resolve_r(p, v);
    if (ab_values_isset(v, "features_file")) {
        int rc = file_rows(p, v, &rr, err);
        if (rc)
            return rc;
    }
    if (ab_values_isset(v, "eps") && ab_values_real(v, "eps") > 0 &&
        ab_values_enum(v, "kernel") != KERNEL_SOFTMAX)
        return ab_errf(err, AB_EINVAL, "performer: eps applies to kernel: softmax (relu adds its own 1e-3)");
    double r = (double)rr, n = (double)p->n;
    est->flops = (double)p->heads * (4.0 * n * r * (double)p->d + 4.0 * n * r * (double)p->dv);
    if (p->mask == AB_MASK_CAUSAL) { /* the steps' G and G V; pass 1 of the chunks before the last */
        int global = ab_values_isset(v, "stabilizer") && ab_values_enum(v, "stabilizer") == STAB_GLOBAL;
        double P = (double)perf_chunks(p), ahead = global ? P : P - 1;
        est->flops += (double)p->heads * (2.0 * n * CT * (r + (double)p->dv) +
                                          ahead / P * 2.0 * n * r * (double)(p->d + p->dv));
    }
    est->workspace_bytes = (double)perf_bytes(p, rr);
    est->budget = r;
    return AB_OK;
}

static int perf_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                        struct ab_err *err)
{
    struct ab_estimate est;
    int rc = perf_estimate(p, v, &est, err);
    if (rc)
        return rc;
    struct perf_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "performer: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->r = resolve_r(p, v);
    if (ab_values_isset(v, "features_file") && (rc = file_rows(p, v, &s->r, err)))
        return rc;
    s->kernel = ab_values_enum(v, "kernel");
    s->eps = ab_values_isset(v, "eps") ? (float)ab_values_real(v, "eps") : 0.0f;
    s->causal = p->mask == AB_MASK_CAUSAL;
    s->global = ab_values_isset(v, "stabilizer") && ab_values_enum(v, "stabilizer") == STAB_GLOBAL;
    if (ab_values_isset(v, "causal_eps"))
        s->ceps = (float)(ab_values_real(v, "causal_eps") * sqrt((double)s->r));
    size_t r = s->r, H = p->heads, D = p->d, DV = p->dv, T = (size_t)(p->threads > 0 ? p->threads : 1);
    s->nchunks = perf_chunks(p);
    s->tstride = work_floats(r, D, DV);
    size_t nbf = (r + QL - 1) / QL;
    s->w = p->alloc(r * D * sizeof(float));
    s->wt = p->alloc(nbf * D * QL * sizeof(float));
    s->acc = p->alloc(H * r * DV * sizeof(float));
    s->ksum = p->alloc(H * r * sizeof(float));
    s->kmax = p->alloc(H * sizeof(float));
    s->part = p->alloc(H * s->nchunks * (r * DV + r + 1) * sizeof(float));
    s->work = p->alloc(T * s->tstride * sizeof(float));
    if (!s->w || !s->wt || !s->acc || !s->ksum || !s->kmax || !s->part || !s->work)
        return ab_errf(err, AB_ENOMEM, "performer: cannot allocate the feature buffers (r = %zu)", r);
    if (ab_values_isset(v, "features_file")) { /* a peer's W, exported */
        struct ab_npy a;
        if ((rc = ab_npy_read(ab_values_str(v, "features_file"), &a, err))) {
            ab_err_prefix(err, "performer: features_file");
            return rc;
        }
        if (a.count != r * D) {
            ab_npy_free(&a);
            return ab_errf(err, AB_EINVAL, "performer: features_file changed while reading it");
        }
        memcpy(s->w, a.data, r * D * sizeof(float));
        ab_npy_free(&a);
    } else {
        /* drawing W is the model's one-off set-up, like a trained layer's weights */
        int info = ab_performer_draw(p->seed, r, D, (int)ab_values_int(v, "orthogonal"),
                                     ab_values_enum(v, "norms"), s->w);
        if (info)
            return ab_errf(err, AB_ENUMERIC, "performer: QR of a feature block failed (info %d)", info);
    }
    float x4 = (float)pow((double)D, -0.25);
    for (size_t i = 0; i < r * D; i++)
        s->w[i] *= x4; /* W x' = (W D^-1/4) x */
    for (size_t b = 0; b < nbf; b++) /* features as the lanes of the key tiles */
        ab_qt_pack(s->w + b * QL * D, r - b * QL < QL ? r - b * QL : QL, D, D, 1.0f,
                   s->wt + b * D * QL);
    return AB_OK;
}

/* Where a thread's slice keeps the query rows' stabilisers. */
static size_t qmax_at(const struct perf_state *s)
{
    return (TQ + TK) * s->r + TQ * (s->p.dv + 1);
}

/* u[i] -= h in place; returns the largest result (one pass, 16 lanes). */
static float sub_max(float *u, size_t r, float h)
{
    float lane[16];
    for (int j = 0; j < 16; j++)
        lane[j] = -INFINITY;
    size_t i = 0;
    for (; i + 16 <= r; i += 16)
        for (int j = 0; j < 16; j++) {
            float x = u[i + j] - h;
            u[i + j] = x;
            lane[j] = x > lane[j] ? x : lane[j];
        }
    float m = -INFINITY;
    for (; i < r; i++) {
        u[i] -= h;
        m = u[i] > m ? u[i] : m;
    }
    for (int j = 0; j < 16; j++)
        m = lane[j] > m ? lane[j] : m;
    return m;
}

/* U (rows x r) = X W'^T, then the exponent: U - |x'|^2 / 2 (softmax kernel),
 * or the ReLU features. Returns the largest stabiliser (softmax kernel): the
 * largest exponent, or with eps > 0 the largest W x' (performer-pytorch's);
 * rowmax (may be NULL) receives each row's. */
static float features(const struct perf_state *s, const float *x, size_t rows, float *U,
                      float *rowmax)
{
    size_t r = s->r, D = s->p.d;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)r, (int)D, 1.0f, x, (int)D,
                s->w, (int)D, 0.0f, U, (int)r);
    if (s->kernel == KERNEL_RELU) {
        for (size_t i = 0; i < rows * r; i++)
            U[i] = (U[i] > 0 ? U[i] : 0.0f) + 1e-3f;
        return 0;
    }
    float mx = -INFINITY, inv_sqrt_d = (float)(1.0 / sqrt((double)D));
    for (size_t t = 0; t < rows; t++) {
        double n2 = 0;
        for (size_t c = 0; c < D; c++)
            n2 += (double)x[t * D + c] * x[t * D + c];
        float h = (float)(0.5 * n2) * inv_sqrt_d; /* |x'|^2 / 2 = |x|^2 / (2 sqrt(D)) */
        float *u = U + t * r;
        float pre = s->eps > 0 ? ab_max(u, r) : 0.0f;
        float m = sub_max(u, r, h);
        m = s->eps > 0 ? pre : m;
        if (rowmax)
            rowmax[t] = m;
        mx = m > mx ? m : mx;
    }
    return mx;
}

float ab_performer_exponents(const float *w, size_t r, size_t D, const float *x, size_t rows,
                             float *U, float *rowmax)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)r, (int)D, 1.0f, x, (int)D,
                w, (int)D, 0.0f, U, (int)r);
    float mx = -INFINITY, inv_sqrt_d = (float)(1.0 / sqrt((double)D));
    for (size_t t = 0; t < rows; t++) { /* as features() with eps = 0 */
        double n2 = 0;
        for (size_t c = 0; c < D; c++)
            n2 += (double)x[t * D + c] * x[t * D + c];
        float m = sub_max(U + t * r, r, (float)(0.5 * n2) * inv_sqrt_d);
        if (rowmax)
            rowmax[t] = m;
        mx = m > mx ? m : mx;
    }
    return mx;
}

/* Keys [c0, c1) of head h into a partial: acc (r x DV), ksum (r), max.
 * Across key tiles the sums run in double (each tile's SGEMM adds at most TK
 * terms in float; summed key by key in float, phi(K)^T 1 of the ReLU kernel
 * drifted with n: 2e-4 against float64 at n = 65536, now 2e-7). work: work_floats' key_chunk layout. */
static void key_chunk(const struct perf_state *s, size_t h, size_t c0, size_t c1, float *part,
                      float *work)
{
    const struct ab_problem *p = &s->p;
    size_t r = s->r, N = p->n, D = p->d, DV = p->dv;
    double *dacc = (double *)work, *dks = dacc + r * DV;
    float *U = (float *)(dks + r), *tile = U + TK * r;
    memset(dacc, 0, (r * DV + r) * sizeof(double));
    float mx = s->kernel == KERNEL_RELU ? 0.0f : -INFINITY;
    for (size_t b0 = c0; b0 < c1; b0 += TK) {
        size_t rows = c1 - b0 < TK ? c1 - b0 : TK;
        float m = features(s, p->k + (h * N + b0) * D, rows, U, NULL);
        if (s->kernel == KERNEL_SOFTMAX) {
            if (m > mx) { /* rescale what was accumulated under the old maximum */
                double f = mx == -INFINITY ? 0.0 : exp((double)mx - m);
                for (size_t i = 0; i < r * DV + r; i++)
                    dacc[i] *= f;
                mx = m;
            }
            for (size_t t = 0; t < rows; t++)
                ab_exp_shift_sum(U + t * r, r, mx);
        }
        ab_round(U, rows * r, p->precision); /* precision: phi(K), stored */
        for (size_t t = 0; t < rows; t++)
            for (size_t i = 0; i < r; i++)
                dks[i] += U[t * r + i];
        /* tile (r x DV) = U^T (r x rows) V_block (rows x DV) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r, (int)DV, (int)rows, 1.0f, U,
                    (int)r, p->v + (h * N + b0) * DV, (int)DV, 0.0f, tile, (int)DV);
        for (size_t i = 0; i < r * DV; i++)
            dacc[i] += tile[i];
    }
    for (size_t i = 0; i < r * DV + r; i++)
        part[i] = (float)dacc[i];
    ab_round(part, r * DV + r, p->precision); /* the chunk's sums, stored */
    part[r * DV + r] = mx;
}

static void merge(const struct perf_state *s, size_t h)
{
    size_t r = s->r, DV = s->p.dv, P = s->nchunks, stride = r * DV + r + 1;
    const float *base = s->part + h * P * stride;
    float m = -INFINITY;
    for (size_t c = 0; c < P; c++)
        m = fmaxf(m, base[c * stride + r * DV + r]);
    float *acc = s->acc + h * r * DV, *ks = s->ksum + h * r;
    memset(acc, 0, r * DV * sizeof(float));
    memset(ks, 0, r * sizeof(float));
    for (size_t c = 0; c < P; c++) {
        const float *pc = base + c * stride;
        float cm = pc[r * DV + r];
        float f = s->kernel == KERNEL_RELU ? 1.0f : (cm == -INFINITY ? 0.0f : expf(cm - m));
        for (size_t i = 0; i < r * DV; i++)
            acc[i] += f * pc[i];
        for (size_t i = 0; i < r; i++)
            ks[i] += f * pc[r * DV + i];
    }
    s->kmax[h] = m;
    if (s->eps > 0 && s->kernel == KERNEL_SOFTMAX) { /* phi = exp(...) + eps, valid keys only */
        size_t L = ab_mask_valid(&s->p, h);
        const float *v = s->p.v + h * s->p.n * DV;
        for (size_t c = 0; c < DV; c++) {
            double sum = 0;
            for (size_t j = 0; j < L; j++)
                sum += v[j * DV + c];
            float add = (float)((double)s->eps * sum);
            for (size_t i = 0; i < r; i++)
                acc[i * DV + c] += add;
        }
        for (size_t i = 0; i < r; i++)
            ks[i] += (float)((double)s->eps * (double)L);
    }
    ab_round(acc, r * DV, s->p.precision); /* precision: phi(K)^T V and phi(K)^T 1 */
    ab_round(ks, r, s->p.precision);
}

/* performer-pytorch's constant, after the exponential (eps > 0 only). */
static void add_eps(const struct perf_state *s, float *U, size_t count)
{
    if (s->eps > 0 && s->kernel == KERNEL_SOFTMAX)
        for (size_t i = 0; i < count; i++)
            U[i] += s->eps;
}

/* phi(Q rows) in U (rows x r), each row's stabiliser subtracted; rowmax:
 * rows floats of scratch. */
static void query_features(const struct perf_state *s, const float *q, size_t rows, float *U,
                           float *rowmax)
{
    size_t r = s->r;
    features(s, q, rows, U, rowmax);
    if (s->kernel == KERNEL_SOFTMAX)
        for (size_t t = 0; t < rows; t++)
            ab_exp_shift_sum(U + t * r, r, rowmax[t]);
    add_eps(s, U, rows * r);
    ab_round(U, rows * r, s->p.precision); /* precision: phi(Q), stored */
}

/* mask: causal. Output rows [c0, c1) of head h (chunk c of P) by prefix
 * sums, CT positions a step; no N x N mask, O(r DV + CT r) floats per thread.
 * With u_j key j's exponents (as unmasked: W k'_j - |k'_j|^2 / 2) and M_i the
 * stabiliser of row i (causal: the running max of the key maxima over keys
 * 0..i; global: one max over every key of the head), key j as row i sees it
 * is psi_j exp(M_j - M_i) (+ eps) with psi_j = exp(u_j - M_j): M_j <= M_i
 * for j <= i, so nothing overflows, and with the causal stabiliser every
 * number row i uses comes from keys 0..i: causal by construction, bitwise.
 * Before the step at t0 the state is A = sum_{j<t0} psi_j exp(M_j - M')
 * v_j^T (r x DV, double), z the same with 1 for v_j (r), M' = M_{t0-1}, and
 * for eps sum_{j<t0} v_j and t0 keys. Row i of the step:
 *   num_i = c_i phi(q_i)^T A + sum_{t0<=j<=i} G_ij v_j + eps S_i sum_{j<t0} v_j
 *   den_i = c_i phi(q_i)^T z + sum_{t0<=j<=i} G_ij    + eps S_i t0 + ceps S_i
 * with c_i = exp(M' - M_i), S_i = sum_f phi(q_i)_f, G_ij = phi(q_i) . psi_j
 * exp(M_j - M_i) + eps S_i (one SGEMM over the step, entries j > i zeroed:
 * they multiply the future values by exactly 0). The state at c0 merges the
 * earlier chunks' totals (key_chunk, pass 1 of forward). */
static size_t causal_chunk(const struct perf_state *s, size_t h, size_t c, size_t c0, size_t c1,
                           float *out, float *work)
{
    size_t bad = 0; /* precision: normalisers 0 or not finite in the format */
    const struct ab_problem *p = &s->p;
    size_t r = s->r, N = p->n, D = p->d, DV = p->dv, P = s->nchunks, stride = r * DV + r + 1;
    int relu = s->kernel == KERNEL_RELU;
    double *A = (double *)work, *z = A + r * DV, *sv = z + r, eps = s->eps;
    float *Af = (float *)(sv + DV), *zf = Af + r * DV, *fq = zf + r, *fk = fq + CT * r,
          *G = fk + CT * r, *pv = G + CT * CT, *mq = pv + CT * DV, *mk = mq + CT, *sq = mk + CT,
          *dz = sq + CT;
    const float *base = s->part + h * P * stride;
    float M = relu ? 0.0f : -INFINITY;
    for (size_t b = 0; b < c && !relu; b++)
        M = fmaxf(M, base[b * stride + r * DV + r]);
    if (s->global && !relu)
        M = s->kmax[h];
    memset(A, 0, (r * DV + r + DV) * sizeof(double));
    for (size_t b = 0; b < c; b++) {
        const float *pc = base + b * stride;
        float cm = pc[r * DV + r];
        double f = relu ? 1.0 : (cm == -INFINITY ? 0.0 : exp((double)cm - M));
        for (size_t i = 0; i < r * DV + r; i++)
            A[i] += f * pc[i]; /* A, then z */
    }
    if (eps > 0)
        for (size_t j = 0; j < c0; j++)
            for (size_t cc = 0; cc < DV; cc++)
                sv[cc] += p->v[(h * N + j) * DV + cc];
    for (size_t t0 = c0; t0 < c1; t0 += CT) {
        size_t nt = c1 - t0 < CT ? c1 - t0 : CT;
        const float *k = p->k + (h * N + t0) * D, *q = p->q + (h * N + t0) * D,
                    *v = p->v + (h * N + t0) * DV;
        float *o = out + (h * N + t0) * DV, Mprev = M;
        features(s, k, nt, fk, mk);
        for (size_t j = 0; j < nt; j++) {
            if (relu) {
                mk[j] = 0.0f;
                continue;
            }
            M = s->global ? M : fmaxf(M, mk[j]);
            mk[j] = M;
            ab_exp_shift_sum(fk + j * r, r, M);
        }
        ab_round(fk, nt * r, p->precision); /* precision: phi(K), stored */
        query_features(s, q, nt, fq, mq);
        for (size_t i = 0; i < nt; i++) {
            double t = 0;
            for (size_t f = 0; f < r; f++)
                t += fq[i * r + f];
            sq[i] = (float)t;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nt, (int)nt, (int)r, 1.0f, fq, (int)r,
                    fk, (int)r, 0.0f, G, CT);
        for (size_t i = 0; i < nt; i++)
            for (size_t j = 0; j < nt; j++)
                G[i * CT + j] = j <= i ? G[i * CT + j] * expf(mk[j] - mk[i]) + (float)eps * sq[i] : 0.0f;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)DV, (int)nt, 1.0f, G, CT,
                    v, (int)DV, 0.0f, o, (int)DV);
        for (size_t i = 0; i < r * DV + r; i++)
            Af[i] = (float)A[i]; /* A, then z, into Af, zf */
        ab_round(Af, r * DV + r, p->precision); /* the prefix sums, stored */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)DV, (int)r, 1.0f, fq,
                    (int)r, Af, (int)DV, 0.0f, pv, (int)DV);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)nt, (int)r, 1.0f, fq, (int)r, zf, 1, 0.0f, dz, 1);
        for (size_t i = 0; i < nt; i++) {
            double ci = relu ? 1.0 : (Mprev == -INFINITY ? 0.0 : exp((double)Mprev - mk[i]));
            double den = ci * dz[i] + (eps * (double)t0 + s->ceps) * sq[i];
            for (size_t j = 0; j <= i; j++)
                den += G[i * CT + j];
            if (p->precision != AB_PREC_FP32) { /* the normaliser, stored */
                den = ab_round1((float)den, p->precision);
                bad += !(den != 0 && isfinite(den));
            }
            for (size_t cc = 0; cc < DV; cc++)
                o[i * DV + cc] = (float)((o[i * DV + cc] + ci * pv[i * DV + cc] + eps * sq[i] * sv[cc]) / den);
        }
        /* the state at the step's end, under M_end = the last key's stabiliser */
        float Mend = mk[nt - 1];
        double f = relu ? 1.0 : (Mprev == -INFINITY ? 0.0 : exp((double)Mprev - Mend));
        for (size_t i = 0; i < r * DV + r && f != 1.0; i++)
            A[i] *= f;
        for (size_t j = 0; j < nt && !relu; j++) {
            float g = expf(mk[j] - Mend);
            for (size_t ff = 0; ff < r; ff++)
                fk[j * r + ff] *= g;
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r, (int)DV, (int)nt, 1.0f, fk, (int)r,
                    v, (int)DV, 0.0f, Af, (int)DV);
        for (size_t i = 0; i < r * DV; i++)
            A[i] += Af[i];
        for (size_t j = 0; j < nt; j++)
            for (size_t ff = 0; ff < r; ff++)
                z[ff] += fk[j * r + ff];
        for (size_t j = 0; j < nt && eps > 0; j++)
            for (size_t cc = 0; cc < DV; cc++)
                sv[cc] += v[j * DV + cc];
    }
    return bad;
}

/* |x'|^2 / 2 = |x|^2 / (2 sqrt(D)), as features() computes it */
static float half_norm(const float *x, size_t D)
{
    double n2 = 0;
    for (size_t c = 0; c < D; c++)
        n2 += (double)x[c] * x[c];
    return (float)(0.5 * n2) * (float)(1.0 / sqrt((double)D));
}

/* key_chunk on lane tiles: the features are the lanes (W's rows, packed in
 * wt), keys run down the tile, so phi(K)^T V is the tile's values product and
 * phi(K)^T 1 its column sums. The stabiliser is one scalar for the head: a
 * block that raises it rescales every accumulator. Same partial layout. */
static void key_chunk_lanes(const struct perf_state *s, size_t h, size_t c0, size_t c1, float *part,
                            float *work)
{
    const struct ab_problem *p = &s->p;
    size_t r = s->r, N = p->n, D = p->d, DV = p->dv, nbf = (r + QL - 1) / QL;
    float *st = work, *ot = st + KB * QL, *ks = ot + nbf * DV * QL, *hk = ks + nbf * QL,
          *mv = hk + KB, *one = mv + QL;
    memset(ot, 0, nbf * (DV + 1) * QL * sizeof(float)); /* ot and ks */
    float M = -INFINITY;
    for (size_t j0 = c0; j0 < c1; j0 += KB) {
        size_t kb = c1 - j0 < KB ? c1 - j0 : KB;
        const float *k = p->k + (h * N + j0) * D, *v = p->v + (h * N + j0) * DV;
        for (size_t j = 0; j < kb; j++)
            hk[j] = half_norm(k + j * D, D);
        for (size_t b = 0; b < nbf; b++) {
            size_t live = r - b * QL < QL ? r - b * QL : QL;
            ab_qt_logits(s->wt + b * D * QL, D, k, D, kb, st);
            for (size_t j = 0; j < kb; j++) {
                float *row = st + j * QL;
                for (size_t l = 0; l < QL; l++)
                    row[l] -= hk[j];
                for (size_t l = live; l < QL; l++)
                    row[l] = -INFINITY; /* no feature in this lane */
            }
            for (size_t l = 0; l < QL; l++)
                mv[l] = -INFINITY;
            ab_qt_colmax(st, kb, mv);
            float bm = -INFINITY;
            for (size_t l = 0; l < QL; l++)
                bm = mv[l] > bm ? mv[l] : bm;
            if (bm > M) { /* rescale what was accumulated under the old maximum */
                float f = M == -INFINITY ? 0.0f : expf(M - bm);
                for (size_t i = 0; i < nbf * (DV + 1) * QL; i++)
                    ot[i] *= f;
                M = bm;
            }
            for (size_t l = 0; l < QL; l++)
                mv[l] = M;
            ab_qt_colexp(st, kb, mv, ks + b * QL);
            ab_qt_values(st, kb, v, DV, DV, ot + b * DV * QL);
        }
    }
    for (size_t l = 0; l < QL; l++)
        one[l] = 1.0f;
    for (size_t b = 0; b < nbf; b++) { /* part: acc (r x DV), ksum (r), max */
        size_t live = r - b * QL < QL ? r - b * QL : QL;
        ab_qt_unpack(ot + b * DV * QL, DV, one, live, part + b * QL * DV, DV);
        memcpy(part + r * DV + b * QL, ks + b * QL, live * sizeof(float));
    }
    part[r * DV + r] = M;
}

/* Output rows [r0, r0 + rows <= 32) of head h on a lane tile: the queries are
 * the lanes, W's rows the keys; each lane's max is its row stabiliser. */
static void query_tile_lanes(const struct perf_state *s, size_t h, size_t r0, size_t rows, float *out,
                             float *work)
{
    const struct ab_problem *p = &s->p;
    size_t r = s->r, N = p->n, D = p->d, DV = p->dv, nbf = (r + QL - 1) / QL;
    float *qt = work, *st = qt + D * QL, *ot = st + nbf * QL * QL, *den = ot + DV * QL,
          *mx = den + QL, *sum = mx + QL, *hq = sum + QL;
    const float *q = p->q + (h * N + r0) * D;
    ab_qt_pack(q, rows, D, D, 1.0f, qt);
    for (size_t l = 0; l < QL; l++) {
        hq[l] = l < rows ? half_norm(q + l * D, D) : 0.0f;
        mx[l] = -INFINITY, sum[l] = 0.0f, den[l] = 0.0f;
    }
    ab_qt_logits(qt, D, s->w, D, r, st);
    for (size_t f = 0; f < r; f++)
        for (size_t l = 0; l < QL; l++)
            st[f * QL + l] -= hq[l];
    ab_qt_colmax(st, r, mx);
    ab_qt_colexp(st, r, mx, sum);
    memset(ot, 0, DV * QL * sizeof(float));
    ab_qt_values(st, r, s->acc + h * r * DV, DV, DV, ot);
    ab_qt_values(st, r, s->ksum + h * r, 1, 1, den);
    for (size_t l = 0; l < QL; l++)
        den[l] = 1.0f / den[l];
    ab_qt_unpack(ot, DV, den, rows, out + (h * N + r0) * DV, DV);
}

/* Output rows [r0, r0 + rows) of head h whose first `valid` are valid: the
 * rest are written 0. Returns the valid count (0: nothing to compute). */
static size_t zero_padded(const struct perf_state *s, size_t h, size_t r0, size_t rows, float *out)
{
    size_t L = ab_mask_valid(&s->p, h), DV = s->p.dv, rv = r0 >= L ? 0 : (L - r0 < rows ? L - r0 : rows);
    if (rv < rows)
        memset(out + (h * s->p.n + r0 + rv) * DV, 0, (rows - rv) * DV * sizeof(float));
    return rv;
}

/* Pass 1 of forward: the key chunks of every head (padding: of its valid
 * keys) into the partials; under mask: causal only the chunks a later chunk
 * starts from (all of them for the global stabiliser, which needs their
 * maxima). */
static void key_pass(const struct perf_state *s)
{
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, r = s->r, DV = p->dv, P = s->nchunks, stride = r * DV + r + 1;
    int T = p->threads > 0 ? p->threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long it = 0; it < (long)(H * P); it++) {
        size_t h = (size_t)it / P, c = (size_t)it % P, L = ab_mask_valid(p, h);
        size_t chunk = (L + P - 1) / P, c0 = c * chunk < L ? c * chunk : L;
        size_t c1 = c0 + chunk < L ? c0 + chunk : L;
        if (s->causal && !s->global && c == P - 1)
            continue;
        float *w = s->work + (size_t)omp_get_thread_num() * s->tstride;
        if (lanes_path(s->kernel, s->eps, p->precision))
            key_chunk_lanes(s, h, c0, c1, s->part + (h * P + c) * stride, w);
        else
            key_chunk(s, h, c0, c1, s->part + (h * P + c) * stride, w);
    }
}

/* precision bf16/fp16: `bad` normalisers D_i were 0 or not finite once
 * rounded to the format (FAVOR+'s features underflow: fp16 holds nothing
 * below 2^-24); their rows are Inf/NaN, and the row says so. */
static int underflow(const struct perf_state *s, size_t bad, struct ab_err *err)
{
    if (!bad)
        return AB_OK;
    return ab_errf(err, AB_ENUMERIC,
                   "performer: precision %s: %zu normalisers D_i = phi(q_i) . sum_j phi(k_j) were 0 or "
                   "not finite in the format (the random features underflow below its smallest "
                   "value); those output rows are not finite",
                   s->p.precision == AB_PREC_FP16 ? "fp16" : "bf16", bad);
}

static int perf_forward(void *state, float *out, struct ab_err *err)
{
    struct perf_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, r = s->r, P = s->nchunks;
    int T = p->threads > 0 ? p->threads : 1;
    key_pass(s);
    size_t bad = 0;
    if (s->causal) { /* pass 2: each chunk from the totals before it */
        size_t stride = r * DV + r + 1, chunk = (N + P - 1) / P;
        for (size_t h = 0; h < H && s->global; h++) {
            float m = -INFINITY;
            for (size_t c = 0; c < P; c++)
                m = fmaxf(m, s->part[(h * P + c) * stride + r * DV + r]);
            s->kmax[h] = m; /* also `rows`' stabiliser */
        }
#pragma omp parallel for schedule(dynamic, 1) num_threads(T) reduction(+ : bad)
        for (long it = 0; it < (long)(H * P); it++) {
            size_t h = (size_t)it / P, c = (size_t)it % P, c0 = c * chunk < N ? c * chunk : N;
            bad += causal_chunk(s, h, c, c0, c0 + chunk < N ? c0 + chunk : N, out,
                                s->work + (size_t)omp_get_thread_num() * s->tstride);
        }
        return underflow(s, bad, err);
    }
    for (size_t h = 0; h < H; h++)
        merge(s, h);
    if (lanes_path(s->kernel, s->eps, p->precision)) {
        size_t blocks = (N + QL - 1) / QL;
#pragma omp parallel for schedule(dynamic, 8) num_threads(T)
        for (long it = 0; it < (long)(H * blocks); it++) {
            size_t h = (size_t)it / blocks, r0 = ((size_t)it % blocks) * QL;
            size_t rv = zero_padded(s, h, r0, N - r0 < QL ? N - r0 : QL, out);
            if (rv)
                query_tile_lanes(s, h, r0, rv, out, s->work + (size_t)omp_get_thread_num() * s->tstride);
        }
        return AB_OK;
    }
    size_t tiles = (N + TQ - 1) / TQ;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T) reduction(+ : bad)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TQ;
        size_t rows = zero_padded(s, h, r0, N - r0 < TQ ? N - r0 : TQ, out);
        if (!rows)
            continue;
        float *U = s->work + (size_t)omp_get_thread_num() * s->tstride, *den = U + TQ * r;
        float *o = out + (h * N + r0) * DV;
        query_features(s, p->q + (h * N + r0) * D, rows, U, U + qmax_at(s));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)r, 1.0f, U,
                    (int)r, s->acc + h * r * DV, (int)DV, 0.0f, o, (int)DV);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)r, 1.0f, U, (int)r, s->ksum + h * r, 1,
                    0.0f, den, 1);
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
    return underflow(s, bad, err);
}

/* rows under mask: causal: S_ij = phi(q_i) . (psi_j exp(M_j - M_i) + eps)
 * for j <= i (causal_chunk's features), normalised by the row's own sum
 * (plus causal_eps). Two passes over keys [0, r1): the rows' stabilisers M_i,
 * then the entries. */
static void rows_causal(const struct perf_state *s, size_t h, size_t r0, size_t r1, float *S)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, r = s->r, rows = r1 - r0;
    int relu = s->kernel == KERNEL_RELU;
    float *Uq = s->work, *sq = Uq + TQ * r, *kb = sq + TQ, *mrow = s->work + stab_at(r, p->dv),
          *mk = mrow + TQ;
    const float *k = p->k + h * N * D;
    query_features(s, p->q + (h * N + r0) * D, rows, Uq, Uq + qmax_at(s));
    for (size_t i = 0; i < rows; i++) {
        double t = 0;
        for (size_t f = 0; f < r; f++)
            t += Uq[i * r + f];
        sq[i] = (float)t;
        mrow[i] = relu ? 0.0f : s->kmax[h];
    }
    float R = -INFINITY;
    for (size_t b0 = 0; b0 < r1 && !relu && !s->global; b0 += TK) { /* M_i: the running max */
        size_t cols = r1 - b0 < TK ? r1 - b0 : TK;
        features(s, k + b0 * D, cols, kb, mk);
        for (size_t t = 0; t < cols; t++) {
            R = fmaxf(R, mk[t]);
            if (b0 + t >= r0)
                mrow[b0 + t - r0] = R;
        }
    }
    R = -INFINITY;
    memset(S, 0, rows * N * sizeof(float));
    for (size_t b0 = 0; b0 < r1; b0 += TK) {
        size_t cols = r1 - b0 < TK ? r1 - b0 : TK;
        features(s, k + b0 * D, cols, kb, mk);
        for (size_t t = 0; t < cols; t++) {
            if (relu) {
                mk[t] = 0.0f;
                continue;
            }
            R = s->global ? s->kmax[h] : fmaxf(R, mk[t]);
            mk[t] = R;
            ab_exp_shift_sum(kb + t * r, r, R);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)r, 1.0f, Uq,
                    (int)r, kb, (int)r, 0.0f, S + b0, (int)N);
        for (size_t i = 0; i < rows; i++)
            for (size_t t = 0; t < cols; t++) {
                float *e = S + i * N + b0 + t;
                *e = b0 + t <= r0 + i ? *e * expf(mk[t] - mrow[i]) + s->eps * sq[i] : 0.0f;
            }
    }
    for (size_t i = 0; i < rows; i++) {
        double den = (double)s->ceps * sq[i];
        for (size_t j = 0; j <= r0 + i; j++)
            den += S[i * N + j];
        float inv = (float)(1.0 / den);
        for (size_t j = 0; j <= r0 + i; j++)
            S[i * N + j] *= inv;
    }
}

static int perf_rows(void *state, size_t h, size_t r0, size_t r1, float *S, struct ab_err *err)
{
    struct perf_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, r = s->r, rows = r1 - r0;
    if (h >= p->heads || r0 >= r1 || r1 > N || rows > AB_ROWS_BLOCK || rows > TQ)
        return ab_errf(err, AB_EINVAL, "performer: rows [%zu, %zu) of head %zu out of range", r0, r1, h);
    if (s->causal) {
        rows_causal(s, h, r0, r1, S);
        return AB_OK;
    }
    /* padding: the valid rows attend the L valid keys; the rest is 0 */
    size_t L = ab_mask_valid(p, h);
    memset(S, 0, rows * N * sizeof(float));
    rows = r0 >= L ? 0 : (L - r0 < rows ? L - r0 : rows);
    if (!rows)
        return AB_OK;
    /* phi(Q rows) and D_i in the thread-0 slice, a key tile's phi after them */
    float *Uq = s->work, *den = Uq + TQ * r, *kb = den + TQ;
    query_features(s, p->q + (h * N + r0) * D, rows, Uq, Uq + qmax_at(s));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)r, 1.0f, Uq, (int)r, s->ksum + h * r, 1,
                0.0f, den, 1);
    ab_round(den, rows, p->precision);
    for (size_t b0 = 0; b0 < L; b0 += TK) {
        size_t cols = L - b0 < TK ? L - b0 : TK;
        features(s, p->k + (h * N + b0) * D, cols, kb, NULL);
        if (s->kernel == KERNEL_SOFTMAX)
            for (size_t t = 0; t < cols; t++)
                ab_exp_shift_sum(kb + t * r, r, s->kmax[h]);
        add_eps(s, kb, cols * r);
        ab_round(kb, cols * r, p->precision); /* as forward stores phi(K) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)r, 1.0f, Uq,
                    (int)r, kb, (int)r, 0.0f, S + b0, (int)N);
    }
    for (size_t t = 0; t < rows; t++) {
        float inv = 1.0f / den[t];
        for (size_t j = 0; j < L; j++)
            S[t * N + j] *= inv;
    }
    return AB_OK;
}

static void perf_release(void *state)
{
    struct perf_state *s = state;
    if (!s)
        return;
    void (*f)(void *) = s->p.free;
    f(s->w), f(s->wt), f(s->acc), f(s->ksum), f(s->kmax), f(s->part), f(s->work), f(s);
}

const struct ab_method ab_performer_cpu = {
    .name = "performer",
    .summary = "Performer FAVOR+ random features (kernel: relu is LRA's generalized kernel, not softmax)",
    .params = performer_params,
    .nparams = (int)(sizeof performer_params / sizeof performer_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_ROWS | AB_CAP_ROWS_SUM_1 | AB_CAP_CAUSAL | AB_CAP_PADDING,
    .estimate = perf_estimate,
    .prepare = perf_prepare,
    .forward = perf_forward,
    .rows = perf_rows,
    .report = NULL,
    .release = perf_release,
};
