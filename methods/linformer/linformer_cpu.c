/* linformer_cpu.c — untrained Linformer (Wang et al. 2020).
 *
 *   O = softmax(Q (E K)^T / sqrt(D)) (F V),   E, F in R^{k x N}
 *
 * with E, F random Johnson-Lindenstrauss projections, entries N(0, 1/k), or
 * (projection: segment-means, a control) E = F = averaging over k segments by
 * xformers' uneven rule (the Nystrom landmarks of K and V; with k = N it is the
 * identity and the method is exact attention). One E (and F) serves every
 * head, like the paper's layer-wise sharing; share_kv: F = E.
 *
 * E and F are the model's parameters in a trained Linformer: they are drawn in
 * prepare (prepare_ms) and held as k x N floats each, counted in peak_bytes;
 * beyond them the working memory is H k (D + DV) + threads x 32 (D + k + DV + 2)
 * floats. The attention over the k projected keys runs on lane tiles
 * (harness/kernels/qtile.h): 32 queries in the lanes, E K as keys, F V as values.
 * FLOPs per head: 2kN(D + DV) for the projections, 2Nk(D + DV) for attention.
 * Attention is over k projected keys, not the N tokens: there is no N x N
 * attention matrix to compare row by row, hence no `rows`.
 *
 * Public defaults: k = 256 (mlpen, lucidrains), n/4 (xformers); the
 * untrained method's error floors above zero as k grows toward N.
 *
 * projection: file reads E and F (k x N', N' >= N: the first N columns are
 * used, as lucidrains' linformer slices its (seq_len, k) parameters for a
 * shorter input) from .npy files `e_file`, `f_file` (F = E with share_kv):
 * a peer's exported projections, to reproduce its output
 * (tests/test_peers.c).
 *
 * Masks: padding (AB_CAP_PADDING): E and F are applied to each head's L
 * valid keys only (the first L columns: E[:, :L] K[:L], F[:, :L] V[:L];
 * segment means over the L valid tokens, min(k, L) segments), so padded keys
 * never enter the projected keys or values; padded rows are written 0; valid
 * rows do not depend on padded content (padding_leak 0). Causal is refused
 * (mask_note): each projected key is a mix of all N positions, the future
 * included, so there is no causal form without changing the method.
 * precision: bf16|fp16 (AB_CAP_PRECISION): Q, K, V arrive rounded; E and F
 * (the model's weights) are rounded in prepare, the projected keys E K and
 * values F V after they are formed (their products accumulate in float32);
 * the attention over them stays float32.
 * Tests: tests/test_linformer.c, tests/test_precision.c. */
#include "attnbench.h"
#include "kernels/kernels.h"
#include "kernels/round.h"
#include "linformer/linformer.h"
#include "kernels/qtile.h"
#include "formats/npy.h"
#include "nystrom/nystrom.h"
#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

enum { QL = AB_QT_LANES };
enum { PROJ_GAUSSIAN = 0, PROJ_SEGMENTS = 1, PROJ_FILE = 2 };

static const struct ab_param linformer_params[] = {
    {.name = "k", .type = AB_PT_INT, .def = "256", .lo = 1, .hi = 1 << 24,
     .help = "projected length k (<= n)"},
    {.name = "share_kv", .type = AB_PT_BOOL, .def = "false",
     .help = "one projection for keys and values (F = E)"},
    {.name = "projection", .type = AB_PT_ENUM, .def = "gaussian",
     .choices = "gaussian|segment-means|file",
     .help = "gaussian: N(0, 1/k) entries; segment-means: averaging (a control); file: e_file, f_file"},
    {.name = "e_file", .type = AB_PT_STRING, .def = NULL,
     .help = "projection: file: E as .npy (k x n', n' >= n; path relative to the working directory)"},
    {.name = "f_file", .type = AB_PT_STRING, .def = NULL,
     .help = "projection: file: F as .npy (k x n'); not with share_kv"},
};

void ab_linformer_projection(uint64_t seed, int which, size_t k, size_t n, float *E)
{
    struct ab_rng r;
    ab_rng_seed(&r, seed, which == 'F' ? 0x4c46 : 0x4c45);
    double sd = 1.0 / sqrt((double)k);
    for (size_t i = 0; i < k * n; i++)
        E[i] = (float)(sd * ab_rng_normal(&r));
}

struct lin_state {
    struct ab_problem p;
    size_t k;
    int share, proj;
    float *e, *f;   /* k x N (gaussian only) */
    float *ek, *fv; /* H x k x D, H x k x DV */
    float *part;    /* chunks x k x (D + DV): partial projections */
    size_t chunks;
    float *work;    /* threads x wstride: a lane tile (qt, logits, values, max, sum) */
    size_t wstride;
};

static int lin_check(const struct ab_problem *p, const struct ab_values *v, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "linformer: empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    size_t k = (size_t)ab_values_int(v, "k");
    if (k > p->n)
        return ab_errf(err, AB_EINVAL, "linformer: k = %zu exceeds the sequence length n = %zu", k,
                       p->n);
    int file = ab_values_enum(v, "projection") == PROJ_FILE, share = (int)ab_values_int(v, "share_kv");
    const char *names[2] = {"e_file", "f_file"};
    for (int i = 0; i < 2; i++) {
        int need = file && (i == 0 || !share);
        if (!need && ab_values_isset(v, names[i]))
            return ab_errf(err, AB_EINVAL, "linformer: %s is only read with projection: file%s",
                           names[i], i ? " and share_kv: false" : "");
        if (!need)
            continue;
        if (!ab_values_isset(v, names[i]))
            return ab_errf(err, AB_EINVAL, "linformer: projection: file needs %s (a .npy, k x n)",
                           names[i]);
        const char *path = ab_values_str(v, names[i]);
        struct ab_npy a;
        int rc = ab_npy_peek(path, &a, err);
        if (rc) {
            ab_err_prefix(err, "linformer: %s", names[i]);
            return rc;
        }
        if (a.ndim != 2 || a.shape[0] != k || a.shape[1] < p->n)
            return ab_errf(err, AB_EINVAL,
                           "linformer: %s %s must be (k, n') with k = %zu and n' >= n = %zu", names[i],
                           path, k, p->n);
    }
    return AB_OK;
}

/* projection: file: the first N columns of a (k x N') .npy into out (k x N). */
static int load_projection(const char *path, size_t k, size_t N, float *out, struct ab_err *err)
{
    struct ab_npy a;
    int rc = ab_npy_read(path, &a, err);
    if (rc) {
        ab_err_prefix(err, "linformer");
        return rc;
    }
    if (a.ndim != 2 || a.shape[0] != k || a.shape[1] < N) {
        ab_npy_free(&a);
        return ab_errf(err, AB_EINVAL, "linformer: %s changed while reading it", path);
    }
    for (size_t i = 0; i < k; i++)
        memcpy(out + i * N, a.data + i * a.shape[1], N * sizeof(float));
    ab_npy_free(&a);
    return AB_OK;
}

/* Floats per thread of the lane tile (qt, logits, values, max, sum), rounded
 * to 64 bytes; and the key chunks of the projections (with fewer heads than
 * threads, each head's k x N products are split over key chunks). */
static size_t lin_wstride(const struct ab_problem *p, size_t k)
{
    return (QL * (p->d + k + p->dv + 2) + 15) & ~(size_t)15;
}
static size_t lin_chunks(const struct ab_problem *p)
{
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1);
    return T > p->heads ? T : 1;
}

/* What prepare allocates: the state, E K and F V (H x k x (D + DV)), the
 * lane tiles, the chunks' partial projections and, unless segment-means,
 * E and F (k x N each; one with share_kv). */
static size_t lin_bytes(const struct ab_problem *p, size_t k, int dense, int share)
{
    size_t T = (size_t)(p->threads > 0 ? p->threads : 1);
    size_t floats = p->heads * k * (p->d + p->dv) + T * lin_wstride(p, k) +
                    lin_chunks(p) * k * (p->d + p->dv) + (dense ? (share ? 1 : 2) * k * p->n : 0);
    return sizeof(struct lin_state) + floats * sizeof(float);
}

static int lin_estimate(const struct ab_problem *p, const struct ab_values *v, struct ab_estimate *est,
                        struct ab_err *err)
{
    int rc = lin_check(p, v, err);
    if (rc)
        return rc;
    double k = (double)ab_values_int(v, "k"), n = (double)p->n, dd = (double)(p->d + p->dv);
    int gauss = ab_values_enum(v, "projection") != PROJ_SEGMENTS; /* dense E, F */
    est->flops = (double)p->heads * ((gauss ? 2.0 * k * n * dd : n * dd) + 2.0 * n * k * dd);
    est->workspace_bytes = (double)lin_bytes(p, (size_t)k, gauss, (int)ab_values_int(v, "share_kv"));
    est->budget = k;
    return AB_OK;
}

static int lin_prepare(const struct ab_problem *p, const struct ab_values *v, void **statep,
                       struct ab_err *err)
{
    int rc = lin_check(p, v, err);
    if (rc)
        return rc;
    struct lin_state *s = p->alloc(sizeof *s);
    if (!s)
        return ab_errf(err, AB_ENOMEM, "linformer: out of memory");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->k = (size_t)ab_values_int(v, "k");
    s->share = (int)ab_values_int(v, "share_kv");
    s->proj = ab_values_enum(v, "projection");
    size_t k = s->k, N = p->n, T = (size_t)(p->threads > 0 ? p->threads : 1);
    s->ek = p->alloc(p->heads * k * p->d * sizeof(float));
    s->fv = p->alloc(p->heads * k * p->dv * sizeof(float));
    s->wstride = lin_wstride(p, k);
    s->work = p->alloc(T * s->wstride * sizeof(float));
    /* with fewer heads than threads, each head's k x N products are split
     * over key chunks (partial sums added in a fixed order) */
    s->chunks = lin_chunks(p);
    s->part = p->alloc(s->chunks * k * (p->d + p->dv) * sizeof(float));
    if (!s->ek || !s->fv || !s->work || !s->part)
        return ab_errf(err, AB_ENOMEM, "linformer: cannot allocate the projected keys and values");
    if (s->proj != PROJ_SEGMENTS) {
        s->e = p->alloc(k * N * sizeof(float));
        s->f = s->share ? s->e : p->alloc(k * N * sizeof(float));
        if (!s->e || !s->f)
            return ab_errf(err, AB_ENOMEM, "linformer: cannot allocate the %zu x %zu projections", k, N);
        if (s->proj == PROJ_FILE) {
            if ((rc = load_projection(ab_values_str(v, "e_file"), k, N, s->e, err)))
                return rc;
            if (!s->share && (rc = load_projection(ab_values_str(v, "f_file"), k, N, s->f, err)))
                return rc;
        } else {
            ab_linformer_projection(p->seed, 'E', k, N, s->e);
            if (!s->share)
                ab_linformer_projection(p->seed, 'F', k, N, s->f);
        }
        /* precision: E and F are the model's weights, held in the format */
        ab_round(s->e, k * N, p->precision);
        if (!s->share)
            ab_round(s->f, k * N, p->precision);
    }
    return AB_OK;
}

/* E[:, c0:c1] K[c0:c1] and F[:, c0:c1] V[c0:c1] of head h into ek, fv. */
static void project(const struct lin_state *s, size_t h, size_t c0, size_t c1, float *ek, float *fv)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, k = s->k;
    const float *K = p->k + (h * N + c0) * D, *V = p->v + (h * N + c0) * DV;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)D, (int)(c1 - c0), 1.0f,
                s->e + c0, (int)N, K, (int)D, 0.0f, ek, (int)D);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)DV, (int)(c1 - c0), 1.0f,
                s->f + c0, (int)N, V, (int)DV, 0.0f, fv, (int)DV);
}

/* The projected keys of head h: k, or under padding with segment means
 * min(k, L) (L valid tokens make at most L segments). */
static size_t keys_of(const struct lin_state *s, size_t h)
{
    size_t L = ab_mask_valid(&s->p, h);
    return s->proj == PROJ_SEGMENTS && L < s->k ? L : s->k;
}

/* Head h's E K and F V over its valid keys [0, L) only: padded keys never
 * enter the projection. */
static void project_head(const struct lin_state *s, size_t h)
{
    const struct ab_problem *p = &s->p;
    size_t N = p->n, D = p->d, DV = p->dv, k = s->k, L = ab_mask_valid(p, h);
    float *ek = s->ek + h * k * D, *fv = s->fv + h * k * DV;
    if (s->proj == PROJ_SEGMENTS) {
        ab_nystrom_landmarks(p->k + h * N * D, L, D, keys_of(s, h), AB_SEG_UNEVEN, ek);
        ab_nystrom_landmarks(p->v + h * N * DV, L, DV, keys_of(s, h), AB_SEG_UNEVEN, fv);
        return;
    }
    project(s, h, 0, L, ek, fv);
}

static int lin_forward(void *state, float *out, struct ab_err *err)
{
    (void)err;
    struct lin_state *s = state;
    const struct ab_problem *p = &s->p;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, k = s->k;
    int T = p->threads > 0 ? p->threads : 1;
    if (s->chunks == 1 || s->proj == PROJ_SEGMENTS) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
        for (long h = 0; h < (long)H; h++)
            project_head(s, (size_t)h);
    } else { /* few heads: each head's products over key chunks, then summed */
        size_t C = s->chunks, per = k * (D + DV);
        for (size_t h = 0; h < H; h++) {
            size_t L = ab_mask_valid(p, h), span = (L + C - 1) / C; /* valid keys only */
#pragma omp parallel for schedule(static) num_threads(T)
            for (long c = 0; c < (long)C; c++) {
                size_t c0 = (size_t)c * span, c1 = c0 + span < L ? c0 + span : L;
                float *pc = s->part + (size_t)c * per;
                if (c0 < c1)
                    project(s, h, c0, c1, pc, pc + k * D);
                else
                    memset(pc, 0, per * sizeof(float));
            }
            float *ek = s->ek + h * k * D, *fv = s->fv + h * k * DV;
            memcpy(ek, s->part, k * D * sizeof(float));
            memcpy(fv, s->part + k * D, k * DV * sizeof(float));
            for (size_t c = 1; c < C; c++) {
                const float *pc = s->part + c * per;
                for (size_t i = 0; i < k * D; i++)
                    ek[i] += pc[i];
                for (size_t i = 0; i < k * DV; i++)
                    fv[i] += pc[k * D + i];
            }
        }
    }
    /* precision: the projected keys and values, stored in the format */
    ab_round(s->ek, H * k * D, p->precision);
    ab_round(s->fv, H * k * DV, p->precision);
    size_t tiles = (N + QL - 1) / QL;
    float sc = (float)(1.0 / sqrt((double)D));
#pragma omp parallel for schedule(dynamic, 16) num_threads(T)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * QL, rows = N - r0 < QL ? N - r0 : QL;
        size_t L = ab_mask_valid(p, h), rv = r0 >= L ? 0 : (L - r0 < rows ? L - r0 : rows), kh = keys_of(s, h);
        if (rv < rows) /* padded rows are 0 */
            memset(out + (h * N + r0 + rv) * DV, 0, (rows - rv) * DV * sizeof(float));
        if (!rv)
            continue;
        rows = rv;
        float *qt = s->work + (size_t)omp_get_thread_num() * s->wstride, *st = qt + D * QL,
              *ot = st + k * QL, *mx = ot + DV * QL, *sum = mx + QL;
        ab_qt_pack(p->q + (h * N + r0) * D, rows, D, D, sc, qt);
        ab_qt_logits(qt, D, s->ek + h * k * D, D, kh, st);
        for (size_t l = 0; l < QL; l++)
            mx[l] = -INFINITY, sum[l] = 0.0f;
        ab_qt_colmax(st, kh, mx);
        ab_qt_colexp(st, kh, mx, sum);
        memset(ot, 0, DV * QL * sizeof(float));
        ab_qt_values(st, kh, s->fv + h * k * DV, DV, DV, ot);
        for (size_t l = 0; l < QL; l++)
            sum[l] = 1.0f / sum[l];
        ab_qt_unpack(ot, DV, sum, rows, out + (h * N + r0) * DV, DV);
    }
    return AB_OK;
}

static void lin_release(void *state)
{
    struct lin_state *s = state;
    if (!s)
        return;
    void (*f)(void *) = s->p.free;
    if (s->f && s->f != s->e)
        f(s->f);
    f(s->e), f(s->ek), f(s->fv), f(s->work), f(s->part), f(s);
}

const struct ab_method ab_linformer_cpu = {
    .name = "linformer",
    .summary = "untrained Linformer: keys and values projected n -> k (random JL or segment means)",
    .params = linformer_params,
    .nparams = (int)(sizeof linformer_params / sizeof linformer_params[0]),
    .caps = AB_CAP_CPU | AB_CAP_PRECISION | AB_CAP_PADDING,
    .estimate = lin_estimate,
    .prepare = lin_prepare,
    .forward = lin_forward,
    .rows = NULL,
    .report = NULL,
    .release = lin_release,
    .mask_note = "Linformer has no causal form: E and F mix all N positions into each projected "
                 "key and value, future ones included, so every output row sees the whole "
                 "sequence; a causal variant would be a different method",
};
