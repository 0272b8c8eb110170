/* flash_tile.h — the arithmetic of the CUDA backend's kernels, written once
 * for the device and the host (AB_HD): the fused attention tile (online
 * softmax, FlashAttention's recurrence) and the row softmax. The kernels in
 * harness/kernels/cuda_kernels.cu are a thin shell around these functions: global
 * loads, __syncthreads() between the phases, the launch. tests/test_tiles.c
 * runs the same functions on the CPU, one loop over the block's threads per
 * phase (a phase boundary is a barrier: every thread finishes a phase before
 * any starts the next), against the float64 oracle; it is how the kernels'
 * indexing, masking and numerics are tested without a GPU.
 *
 * Fused attention, one thread block per (query block of BQ rows, head, key
 * split). Thread tid owns query row r = tid / G and the column group
 * g = tid % G: logits columns g, g+G, ... of each key block (JS of them) and
 * output columns g, g+G, ... (JO of them) in registers. Per key block of BK
 * keys (kv of them valid):
 *   load K, V block to shared memory (zeros past kv)          | barrier
 *   phase_s: s = q . k (base-2 logits), local max -> rmax      | barrier
 *   phase_p: m_new, alpha = 2^(m - m_new), p = 2^(s - m_new)
 *            -> ps, local sum -> rsum                          | barrier
 *   phase_o: l = l alpha + sum, acc = acc alpha + p V          | barrier
 * Queries are pre-scaled by scale * log2(e) on load, so the logits are in
 * base 2 and exp2 is the only transcendental. Every probability is
 * 2^(s - m_new) <= 1 and alpha <= 1: nothing overflows whatever the input
 * scale, and masked (invalid) keys have s = -inf, hence p = 0 exactly.
 *
 * A split (flash-decoding) writes its unnormalised accumulator and (m, l);
 * ab_ft_combine merges the splits of one row. Without splits the block
 * writes acc / l directly. Both write the row's log-normaliser
 * lse = (m + log2 l) ln 2 in natural units of the scaled logits.
 *
 * Shared memory (floats): qs BQ x ldq, ks BK x ldk, vs BK x DV, ps BQ x ldp,
 * rmax and rsum BQ x G. Leading dimensions are odd so that the rows a warp
 * reads at once fall in distinct banks (a warp spans 8 rows x 4 groups).
 */
#ifndef AB_FLASH_TILE_H
#define AB_FLASH_TILE_H

#include "kernels/hd.h"

#include <math.h>
#include <stddef.h>

#define AB_FT_BQ 64      /* query rows per block */
#define AB_FT_G 4        /* threads per query row */
#define AB_FT_BK 64      /* keys per step */
#define AB_FT_THREADS 256 /* BQ * G */
#define AB_FT_JS 16      /* logits columns per thread: BK / G */
#define AB_FT_MAX_DV 128 /* output columns per row, at most */
#define AB_FT_JO 32      /* output columns per thread, at most: MAX_DV / G */
#define AB_FT_MAX_D 256  /* head dim, at most (shared memory) */
#define AB_FT_LOG2E 1.4426950408889634f
#define AB_FT_LN2 0.6931471805599453f

struct ab_ft_smem {
    float *qs, *ks, *vs, *ps, *rmax, *rsum;
    int ldq, ldk, ldv, ldp;
};

/* The per-thread state (registers on the device). */
struct ab_ft_thread {
    float m, l, alpha;   /* running max (base 2), running sum, this step's rescale */
    float s[AB_FT_JS];   /* this step's logits, then probabilities */
    float acc[AB_FT_JO]; /* output columns g + G j, unnormalised */
};

AB_HD int ab_ft_odd(int x) { return x | 1; }

AB_HD size_t ab_ft_smem_floats(int d, int dv)
{
    return (size_t)AB_FT_BQ * (size_t)ab_ft_odd(d) + (size_t)AB_FT_BK * (size_t)ab_ft_odd(d) +
           (size_t)AB_FT_BK * (size_t)dv + (size_t)AB_FT_BQ * (size_t)(AB_FT_BK + 1) +
           2 * (size_t)AB_FT_BQ * AB_FT_G;
}

AB_HD struct ab_ft_smem ab_ft_carve(float *base, int d, int dv)
{
    struct ab_ft_smem sm;
    sm.ldq = sm.ldk = ab_ft_odd(d);
    sm.ldv = dv;
    sm.ldp = AB_FT_BK + 1;
    sm.qs = base;
    sm.ks = sm.qs + AB_FT_BQ * sm.ldq;
    sm.vs = sm.ks + AB_FT_BK * sm.ldk;
    sm.ps = sm.vs + AB_FT_BK * sm.ldv;
    sm.rmax = sm.ps + AB_FT_BQ * sm.ldp;
    sm.rsum = sm.rmax + AB_FT_BQ * AB_FT_G;
    return sm;
}

/* How many output columns each thread owns: ceil(dv / G), as a kernel
 * template constant (16 for dv <= 64, 32 for dv <= 128). */
AB_HD int ab_ft_jo_for(int dv) { return dv <= 16 * AB_FT_G ? 16 : 32; }

/* Element conversion on load: identity in C; the CUDA file defines
 * ab_ft_to_float for float, __half and __nv_bfloat16 before including this
 * header, and the loader becomes a template over the element type. */
#if defined(__cplusplus)
#define AB_FT_TEMPLATE template <typename T>
#define AB_FT_ELEM T
#else
#define AB_FT_TEMPLATE
#define AB_FT_ELEM float
AB_HD float ab_ft_to_float(float x) { return x; }
#endif

/* Rows of a row-major array with `cols` columns into shared memory dst
 * (br rows, leading dim ld): the first `valid` rows from src times mul, the
 * rest zeros (so that masked keys and values can never be NaN). Thread tid
 * of nt copies elements tid, tid + nt, ...: consecutive threads read
 * consecutive addresses. src rows past `valid` are never read. */
AB_FT_TEMPLATE
AB_HD void ab_ft_load_rows(float *dst, int ld, const AB_FT_ELEM *src, int cols, int br, int valid,
                           float mul, int tid, int nt)
{
    for (int i = tid; i < br * cols; i += nt) {
        const int r = i / cols, c = i - r * cols;
        dst[r * ld + c] = r < valid ? ab_ft_to_float(src[(size_t)r * (size_t)cols + (size_t)c]) * mul
                                    : 0.0f;
    }
}

AB_HD void ab_ft_thread_init(struct ab_ft_thread *t)
{
    t->m = -INFINITY;
    t->l = 0.0f;
    t->alpha = 1.0f;
    AB_UNROLL for (int j = 0; j < AB_FT_JS; j++)
        t->s[j] = 0.0f;
    AB_UNROLL for (int j = 0; j < AB_FT_JO; j++)
        t->acc[j] = 0.0f;
}

/* The base-2 logits of the thread's columns against the key block in shared
 * memory; columns at or past kv are masked to -inf. Writes the local max. */
AB_HD void ab_ft_phase_s(const struct ab_ft_smem *sm, int tid, int d, int kv,
                         struct ab_ft_thread *t)
{
    const int r = tid / AB_FT_G, g = tid % AB_FT_G;
    const float *q = sm->qs + r * sm->ldq;
    AB_UNROLL for (int j = 0; j < AB_FT_JS; j++)
        t->s[j] = 0.0f;
    for (int c = 0; c < d; c++) {
        const float qv = q[c];
        AB_UNROLL for (int j = 0; j < AB_FT_JS; j++)
            t->s[j] += qv * sm->ks[(g + AB_FT_G * j) * sm->ldk + c];
    }
    float mx = -INFINITY;
    AB_UNROLL for (int j = 0; j < AB_FT_JS; j++) {
        if (g + AB_FT_G * j < kv)
            mx = fmaxf(mx, t->s[j]);
        else
            t->s[j] = -INFINITY;
    }
    sm->rmax[r * AB_FT_G + g] = mx;
}

/* The new running max of the row (all G threads of a row compute the same
 * value in the same order), the rescale factor, the probabilities (to ps)
 * and their local sum. */
AB_HD void ab_ft_phase_p(const struct ab_ft_smem *sm, int tid, struct ab_ft_thread *t)
{
    const int r = tid / AB_FT_G, g = tid % AB_FT_G;
    float mblk = -INFINITY;
    AB_UNROLL for (int i = 0; i < AB_FT_G; i++)
        mblk = fmaxf(mblk, sm->rmax[r * AB_FT_G + i]);
    const float mnew = fmaxf(t->m, mblk);
    /* mnew is -inf only while no valid key was seen: then every p and alpha
     * is 0 (or alpha multiplies a zero accumulator) */
    const float base = mnew == -INFINITY ? 0.0f : mnew;
    t->alpha = exp2f(t->m - base);
    float sum = 0.0f;
    AB_UNROLL for (int j = 0; j < AB_FT_JS; j++) {
        const float p = exp2f(t->s[j] - base);
        t->s[j] = p;
        sum += p;
        sm->ps[r * sm->ldp + g + AB_FT_G * j] = p;
    }
    sm->rsum[r * AB_FT_G + g] = sum;
    t->m = mnew;
}

/* The running sum and the accumulator: acc = acc alpha + P V over the kv
 * valid keys of the block. jo: the kernel's output columns per thread. */
AB_HD void ab_ft_phase_o(const struct ab_ft_smem *sm, int tid, int dv, int kv, int jo,
                         struct ab_ft_thread *t)
{
    const int r = tid / AB_FT_G, g = tid % AB_FT_G;
    float sum = 0.0f;
    AB_UNROLL for (int i = 0; i < AB_FT_G; i++)
        sum += sm->rsum[r * AB_FT_G + i];
    t->l = t->l * t->alpha + sum;
    AB_UNROLL for (int j = 0; j < jo; j++)
        t->acc[j] *= t->alpha;
    const float *p = sm->ps + r * sm->ldp;
    for (int k = 0; k < kv; k++) {
        const float pk = p[k];
        const float *vrow = sm->vs + k * sm->ldv;
        AB_UNROLL for (int j = 0; j < jo; j++)
            if (g + AB_FT_G * j < dv)
                t->acc[j] += pk * vrow[g + AB_FT_G * j];
    }
}

/* Final write of a block without splits: out row (dv floats) = acc / l;
 * lse (thread g == 0, if lse != NULL) in natural units. Rows past the end
 * of the queries are not written (the caller passes row_valid = 0). */
AB_HD void ab_ft_finish(const struct ab_ft_thread *t, int tid, int dv, int jo, float *out_row,
                        float *lse, int row_valid)
{
    const int g = tid % AB_FT_G;
    if (!row_valid)
        return;
    const float inv = 1.0f / t->l;
    AB_UNROLL for (int j = 0; j < jo; j++)
        if (g + AB_FT_G * j < dv)
            out_row[g + AB_FT_G * j] = t->acc[j] * inv;
    if (lse && g == 0)
        *lse = (t->m + log2f(t->l)) * AB_FT_LN2;
}

/* A split's write: the unnormalised accumulator row and (m, l). */
AB_HD void ab_ft_finish_partial(const struct ab_ft_thread *t, int tid, int dv, int jo,
                                float *acc_row, float *m, float *l, int row_valid)
{
    const int g = tid % AB_FT_G;
    if (!row_valid)
        return;
    AB_UNROLL for (int j = 0; j < jo; j++)
        if (g + AB_FT_G * j < dv)
            acc_row[g + AB_FT_G * j] = t->acc[j];
    if (g == 0) {
        *m = t->m;
        *l = t->l;
    }
}

/* Merge the splits of one row, output column c: partial accumulators
 * acc[s * acc_stride + c], maxima m[s * ml_stride], sums l[s * ml_stride].
 * Returns the column's value; *lse the row's log-normaliser (natural units). */
AB_HD float ab_ft_combine(const float *acc, size_t acc_stride, const float *m, const float *l,
                          size_t ml_stride, int nsplit, int c, float *lse)
{
    float mx = -INFINITY;
    for (int s = 0; s < nsplit; s++)
        mx = fmaxf(mx, m[(size_t)s * ml_stride]);
    const float base = mx == -INFINITY ? 0.0f : mx;
    float num = 0.0f, den = 0.0f;
    for (int s = 0; s < nsplit; s++) {
        const float w = exp2f(m[(size_t)s * ml_stride] - base);
        den += l[(size_t)s * ml_stride] * w;
        num += acc[(size_t)s * acc_stride + (size_t)c] * w;
    }
    *lse = (base + log2f(den)) * AB_FT_LN2;
    return num / den;
}

/* Key splits: with `blocks` = heads x query blocks, split the nk keys so
 * that about `target` blocks run (two waves of the device, say); each split
 * is a multiple of BK keys and none is empty. */
AB_HD void ab_ft_plan_splits(size_t nk, size_t blocks, size_t target, int *nsplit,
                             size_t *split_len)
{
    size_t steps = (nk + AB_FT_BK - 1) / AB_FT_BK; /* key blocks */
    size_t want = blocks >= target ? 1 : (target + blocks - 1) / blocks;
    if (want > steps)
        want = steps;
    if (want > 1024)
        want = 1024;
    if (want < 1)
        want = 1;
    size_t per = (steps + want - 1) / want; /* key blocks per split */
    *split_len = per * AB_FT_BK;
    *nsplit = (int)((nk + *split_len - 1) / *split_len);
}

/* ---- row softmax: one block of `nt` threads per row of n columns ---- */

/* Local max of the thread's columns tid, tid + nt, ... -> red[tid]. */
AB_HD void ab_sm_phase_max(const float *row, size_t n, int tid, int nt, float *red)
{
    float mx = -INFINITY;
    for (size_t c = (size_t)tid; c < n; c += (size_t)nt)
        mx = fmaxf(mx, row[c]);
    red[tid] = mx;
}

/* Row max from red (every thread, same order); x = exp(x - max) in place,
 * local sum -> red2[tid]. Returns the row max. */
AB_HD float ab_sm_phase_exp(float *row, size_t n, int tid, int nt, const float *red, float *red2)
{
    float mx = -INFINITY;
    for (int i = 0; i < nt; i++)
        mx = fmaxf(mx, red[i]);
    const float base = mx == -INFINITY ? 0.0f : mx;
    float sum = 0.0f;
    for (size_t c = (size_t)tid; c < n; c += (size_t)nt) {
        const float e = expf(row[c] - base);
        row[c] = e;
        sum += e;
    }
    red2[tid] = sum;
    return base;
}

/* Row sum from red2; x /= sum in place. */
AB_HD void ab_sm_phase_norm(float *row, size_t n, int tid, int nt, const float *red2)
{
    float sum = 0.0f;
    for (int i = 0; i < nt; i++)
        sum += red2[i];
    const float inv = 1.0f / sum;
    for (size_t c = (size_t)tid; c < n; c += (size_t)nt)
        row[c] *= inv;
}

/* ---- row-major GEMM through column-major cuBLAS ----
 * Row-major C (m x n) = alpha op(A) op(B) + beta C is, read column-major,
 * C^T = op(B)^T op(A)^T: the same transpose flags with the operands swapped
 * and m, n exchanged. */
struct ab_gemm_cm {
    int transa, transb; /* 0: N, 1: T, for cuBLAS's A and B */
    int m, n, k;
    int a_is_b;         /* cuBLAS's A is the caller's B (always 1) */
    int lda, ldb;       /* cuBLAS's leading dims: the caller's ldb, lda */
};

AB_HD struct ab_gemm_cm ab_gemm_rm(int transA, int transB, int m, int n, int k, int lda, int ldb)
{
    struct ab_gemm_cm g;
    g.transa = transB;
    g.transb = transA;
    g.m = n;
    g.n = m;
    g.k = k;
    g.a_is_b = 1;
    g.lda = ldb;
    g.ldb = lda;
    return g;
}

#endif
