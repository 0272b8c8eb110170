/* flash_tc.h — the tensor-core variant of the fused attention tile (fp16 and
 * bf16 inputs), written once for the device and for its CPU emulation
 * (tests/test_tiles.c), like flash_tile.h.
 *
 * One block of 4 warps per (64-query block, head, key split); warp w owns
 * query rows 16w .. 16w+15. Per 64-key block:
 *   load K, V (element type T) to shared memory, zeros past kv  | __syncthreads
 *   s:  S_w (16 x 64, float) = Q_w K^T: 16x16x16 mma tiles (wmma),
 *       float accumulation                                       | __syncwarp
 *   p:  lane -> (row 16w + lane/2, column half lane%2): base-2 logits
 *       s * qmul (masked past kv), local max -> red              | __syncwarp
 *   p2: new row max, alpha = 2^(m - m_new), P = 2^(s - m_new) rounded to T
 *       -> ph, sum of the rounded P -> red2, O_w row *= alpha    | __syncwarp
 *   l:  l = l alpha + sum, m = m_new (lane 2r only)              | __syncwarp
 *   o:  O_w (16 x DV, float, shared memory) += P_w V by mma      | __syncthreads
 * The normaliser sums the same rounded P that multiplies V, so the rows of
 * the effective attention matrix sum to 1 exactly as in the SIMT kernel; the
 * only extra error is P's rounding to T (2^-11 relative for fp16, 2^-8 for
 * bf16). Everything a lane reads was written before a barrier; nothing lives
 * in registers across phases (the emulation then only needs the order).
 *
 * The mma helper, ab_tc_mma, is wmma on the device; on the host it is a loop
 * that also asserts wmma's preconditions (tile pointers 32-byte aligned
 * relative to their region, leading dimensions multiples of 16 bytes), so
 * the emulation checks the layout the device will see. Limits: D and DV
 * multiples of 16, at most 128.
 */
#ifndef AB_FLASH_TC_H
#define AB_FLASH_TC_H

#include "kernels/flash_tile.h"

#define AB_TC_WARPS 4
#define AB_TC_THREADS 128
#define AB_TC_BQ 64
#define AB_TC_BK 64
#define AB_TC_MAX_D 128
#define AB_TC_MAX_DV 128

#if defined(__CUDACC__)
#include <mma.h>
#define AB_TC_FN static __device__ __forceinline__
#define AB_TC_ZERO(T) T(0.0f)
#define AB_TC_ROUND(T, x) T(x)
#else
#include <stdio.h>
#include <stdlib.h>
/* a wmma precondition, checked by the emulation in every build type */
#define AB_TC_REQUIRE(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: wmma precondition failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
#define AB_TC_FN static inline
#define AB_TC_ZERO(T) 0.0f
/* the host emulation keeps T values in floats; the caller's rounding hook
 * stands for the conversion to T */
extern float (*ab_tc_round_hook)(float);
#define AB_TC_ROUND(T, x) ab_tc_round_hook(x)
#endif

/* Shared-memory layout, in elements of each region. Regions in order: qs,
 * ks, vs, ph (T); sf, of, m, l, alpha, red, red2 (float); each region starts
 * on a 128-byte boundary. */
struct ab_tc_layout {
    int ldq, ldk, ldv, ldp, lds, ldo;
    size_t off[11]; /* byte offsets of the regions */
    size_t bytes;
};

AB_HD size_t ab_tc_up128(size_t x) { return (x + 127) & ~(size_t)127; }

AB_HD struct ab_tc_layout ab_tc_layout_for(int d, int dv, size_t tsize)
{
    struct ab_tc_layout L;
    L.ldq = L.ldk = d + 8; /* multiples of 8 elements (16 bytes), off the bank period */
    L.ldv = dv + 8;
    L.ldp = AB_TC_BK + 8;
    L.lds = AB_TC_BK + 4; /* floats: multiples of 4 */
    L.ldo = dv + 4;
    size_t sz[11] = {
        AB_TC_BQ * (size_t)L.ldq * tsize, AB_TC_BK * (size_t)L.ldk * tsize,
        AB_TC_BK * (size_t)L.ldv * tsize, AB_TC_BQ * (size_t)L.ldp * tsize,
        AB_TC_BQ * (size_t)L.lds * 4,     AB_TC_BQ * (size_t)L.ldo * 4,
        AB_TC_BQ * 4,                     AB_TC_BQ * 4,
        AB_TC_BQ * 4,                     AB_TC_THREADS * 4,
        AB_TC_THREADS * 4};
    size_t at = 0;
    for (int i = 0; i < 11; i++) {
        L.off[i] = at;
        at += ab_tc_up128(sz[i]);
    }
    L.bytes = at;
    return L;
}

AB_HD const char *ab_tc_unsupported(int d, int dv)
{
    if (d < 16 || d > AB_TC_MAX_D || d % 16)
        return "the tensor-core kernel takes D a multiple of 16 up to 128";
    if (dv < 16 || dv > AB_TC_MAX_DV || dv % 16)
        return "the tensor-core kernel takes DV a multiple of 16 up to 128";
    return NULL;
}

/* Pointers into one block's shared memory (base: the region starts). */
struct ab_tc_smem {
    void *qs, *ks, *vs, *ph;
    float *sf, *of, *m, *l, *alpha, *red, *red2;
    struct ab_tc_layout L;
};

/* ---- the mma: c (16 x 16 float, ldc) = [c +] sum_k A_k B_k ----
 * A: row-major 16 x 16 tiles at a + 16k (lda); B: col-major (b_col = 1,
 * element (kk, j) at b[j ldb + kk], tiles at b + 16k) or row-major (element
 * (kk, j) at b[kk ldb + j], tiles at b + 16k ldb). */
#if defined(__CUDACC__)
template <typename T>
static __device__ __forceinline__ void ab_tc_mma(float *c, int ldc, const T *a, int lda, const T *b,
                                                 int ldb, int b_col, int ksteps, int accumulate)
{
    using namespace nvcuda;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
    if (accumulate)
        wmma::load_matrix_sync(acc, c, (unsigned)ldc, wmma::mem_row_major);
    else
        wmma::fill_fragment(acc, 0.0f);
    wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> fa;
    if (b_col) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> fb;
        for (int k = 0; k < ksteps; k++) {
            wmma::load_matrix_sync(fa, a + 16 * k, (unsigned)lda);
            wmma::load_matrix_sync(fb, b + 16 * k, (unsigned)ldb);
            wmma::mma_sync(acc, fa, fb, acc);
        }
    } else {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> fb;
        for (int k = 0; k < ksteps; k++) {
            wmma::load_matrix_sync(fa, a + 16 * k, (unsigned)lda);
            wmma::load_matrix_sync(fb, b + (size_t)16 * k * ldb, (unsigned)ldb);
            wmma::mma_sync(acc, fa, fb, acc);
        }
    }
    wmma::store_matrix_sync(c, acc, (unsigned)ldc, wmma::mem_row_major);
}
#else
/* Host: a_base etc. are the region starts, for the alignment checks
 * (element sizes: 2 bytes for T, 4 for float). */
static inline void ab_tc_mma_host(float *c, const float *c_base, int ldc, const float *a,
                                  const float *a_base, int lda, const float *b, const float *b_base,
                                  int ldb, int b_col, int ksteps, int accumulate)
{
    AB_TC_REQUIRE(ldc % 4 == 0 && lda % 8 == 0 && ldb % 8 == 0); /* 16-byte multiples */
    AB_TC_REQUIRE((c - c_base) % 8 == 0); /* 256-bit aligned pointers: 8 floats, 16 halves */
    for (int k = 0; k < ksteps; k++) {
        AB_TC_REQUIRE((a + 16 * k - a_base) % 16 == 0);
        AB_TC_REQUIRE((b_col ? b + 16 * k - b_base : b + (long)16 * k * ldb - b_base) % 16 == 0);
    }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float acc = accumulate ? c[i * ldc + j] : 0.0f;
            for (int kk = 0; kk < 16 * ksteps; kk++) {
                float x = a[i * lda + kk];
                float y = b_col ? b[j * ldb + kk] : b[kk * ldb + j];
                acc += x * y;
            }
            c[i * ldc + j] = acc;
        }
}
#endif

#if defined(__CUDACC__)
#define AB_TC_MMA(sm, c, ldc, a, lda, b, ldb, bcol, ks, accum)                                     \
    ab_tc_mma<AB_FT_ELEM>((c), (ldc), (a), (lda), (b), (ldb), (bcol), (ks), (accum))
#else
/* The region (qs, ks, vs or ph) a host pointer lies in, for the checks. */
static inline const float *ab_tc_region(const struct ab_tc_smem *sm, const float *p)
{
    const float *r[4] = {(const float *)sm->qs, (const float *)sm->ks, (const float *)sm->vs,
                         (const float *)sm->ph};
    const size_t n[4] = {(size_t)AB_TC_BQ * sm->L.ldq, (size_t)AB_TC_BK * sm->L.ldk,
                         (size_t)AB_TC_BK * sm->L.ldv, (size_t)AB_TC_BQ * sm->L.ldp};
    for (int i = 0; i < 4; i++)
        if (p >= r[i] && p < r[i] + n[i])
            return r[i];
    AB_TC_REQUIRE(!"an mma operand outside the T regions");
    return p;
}

static inline void ab_tc_mma_emul(const struct ab_tc_smem *sm, float *c, int ldc, const float *a,
                                  int lda, const float *b, int ldb, int b_col, int ks, int accum)
{
    const float *cb = c >= sm->sf && c < sm->sf + (size_t)AB_TC_BQ * sm->L.lds ? sm->sf : sm->of;
    ab_tc_mma_host(c, cb, ldc, a, ab_tc_region(sm, a), lda, b, ab_tc_region(sm, b), ldb, b_col,
                   ks, accum);
}
#define AB_TC_MMA(sm, c, ldc, a, lda, b, ldb, bcol, ks, accum)                                     \
    ab_tc_mma_emul((sm), (c), (ldc), (a), (lda), (b), (ldb), (bcol), (ks), (accum))
#endif

/* ---- phases (warp w, lane 0..31; see the header comment) ---- */

/* S_w = Q_w K^T for the block's 64 keys (qs, ks not scaled). */
AB_FT_TEMPLATE
AB_TC_FN void ab_tc_phase_s(const struct ab_tc_smem *sm, int w, int d)
{
    const AB_FT_ELEM *qs = (const AB_FT_ELEM *)sm->qs, *ks = (const AB_FT_ELEM *)sm->ks;
    for (int kt = 0; kt < AB_TC_BK / 16; kt++)
        AB_TC_MMA(sm, sm->sf + 16 * w * sm->L.lds + 16 * kt, sm->L.lds, qs + 16 * w * sm->L.ldq,
                  sm->L.ldq, ks + 16 * kt * sm->L.ldk, sm->L.ldk, 1, d / 16, 0);
}

/* The lane's half row of base-2 logits: local max -> red. */
AB_TC_FN void ab_tc_phase_p(const struct ab_tc_smem *sm, int w, int lane, int kv, float qmul)
{
    const int r = 16 * w + lane / 2, c0 = (lane % 2) * (AB_TC_BK / 2);
    const float *s = sm->sf + r * sm->L.lds;
    float mx = -INFINITY;
    for (int c = c0; c < c0 + AB_TC_BK / 2; c++)
        if (c < kv)
            mx = fmaxf(mx, s[c] * qmul);
    sm->red[32 * w + lane] = mx;
}

/* The row's new max and alpha; P (rounded to T) -> ph; its sum -> red2; the
 * lane's half of the accumulator row rescaled. */
AB_FT_TEMPLATE
AB_TC_FN void ab_tc_phase_p2(const struct ab_tc_smem *sm, int w, int lane, int kv, float qmul,
                             int dv)
{
    const int r = 16 * w + lane / 2, half = lane % 2, c0 = half * (AB_TC_BK / 2);
    const float mblk = fmaxf(sm->red[32 * w + lane], sm->red[32 * w + (lane ^ 1)]);
    const float mold = sm->m[r];
    const float mnew = fmaxf(mold, mblk);
    const float base = mnew == -INFINITY ? 0.0f : mnew;
    const float alpha = exp2f(mold - base);
    const float *s = sm->sf + r * sm->L.lds;
    AB_FT_ELEM *ph = (AB_FT_ELEM *)sm->ph + r * sm->L.ldp;
    float sum = 0.0f;
    for (int c = c0; c < c0 + AB_TC_BK / 2; c++) {
        const float p = c < kv ? exp2f(s[c] * qmul - base) : 0.0f;
        const AB_FT_ELEM pt = AB_TC_ROUND(AB_FT_ELEM, p);
        ph[c] = pt;
        sum += ab_ft_to_float(pt);
    }
    sm->red2[32 * w + lane] = sum;
    float *o = sm->of + r * sm->L.ldo;
    for (int c = half * (dv / 2); c < (half + 1) * (dv / 2); c++)
        o[c] *= alpha;
    if (half == 0)
        sm->alpha[r] = alpha;
}

/* Lane 2r' of each row: l = l alpha + the two halves' sums; m = m_new. */
AB_TC_FN void ab_tc_phase_l(const struct ab_tc_smem *sm, int w, int lane, float qmul, int kv)
{
    if (lane % 2)
        return;
    const int r = 16 * w + lane / 2;
    const float mblk = fmaxf(sm->red[32 * w + lane], sm->red[32 * w + lane + 1]);
    const float mnew = fmaxf(sm->m[r], mblk);
    sm->l[r] = sm->l[r] * sm->alpha[r] + sm->red2[32 * w + lane] + sm->red2[32 * w + lane + 1];
    sm->m[r] = mnew;
    (void)qmul, (void)kv;
}

/* O_w += P_w V over the block's 64 keys. */
AB_FT_TEMPLATE
AB_TC_FN void ab_tc_phase_o(const struct ab_tc_smem *sm, int w, int dv)
{
    const AB_FT_ELEM *ph = (const AB_FT_ELEM *)sm->ph, *vs = (const AB_FT_ELEM *)sm->vs;
    for (int t = 0; t < dv / 16; t++)
        AB_TC_MMA(sm, sm->of + 16 * w * sm->L.ldo + 16 * t, sm->L.ldo, ph + 16 * w * sm->L.ldp,
                  sm->L.ldp, vs + 16 * t, sm->L.ldv, 0, AB_TC_BK / 16, 1);
}

/* Initial state, by the block's threads: O = 0, m = -inf, l = 0. */
AB_TC_FN void ab_tc_init(const struct ab_tc_smem *sm, int tid, int dv)
{
    for (int i = tid; i < AB_TC_BQ * sm->L.ldo; i += AB_TC_THREADS)
        sm->of[i] = 0.0f;
    for (int i = tid; i < AB_TC_BQ; i += AB_TC_THREADS) {
        sm->m[i] = -INFINITY;
        sm->l[i] = 0.0f;
        sm->alpha[i] = 1.0f;
    }
    (void)dv;
}

/* Rows of T into shared memory (no conversion), zeros past `valid`. */
AB_FT_TEMPLATE
AB_TC_FN void ab_tc_load_rows(AB_FT_ELEM *dst, int ld, const AB_FT_ELEM *src, int cols, int br,
                              int valid, int tid)
{
    for (int i = tid; i < br * cols; i += AB_TC_THREADS) {
        const int r = i / cols, c = i - r * cols;
        dst[r * ld + c] = r < valid ? src[(size_t)r * (size_t)cols + (size_t)c] : AB_TC_ZERO(AB_FT_ELEM);
    }
}

/* The lane's half of its row: out = O / l (no split), or the partial
 * (acc, m, l) of a split; lse by the row's first lane. */
AB_TC_FN void ab_tc_finish(const struct ab_tc_smem *sm, int w, int lane, int dv, int row_valid,
                           float *out_row, float *lse, float *pacc_row, float *pm, float *pl)
{
    if (!row_valid)
        return;
    const int r = 16 * w + lane / 2, half = lane % 2;
    const float *o = sm->of + r * sm->L.ldo;
    if (out_row) {
        const float inv = 1.0f / sm->l[r];
        for (int c = half * (dv / 2); c < (half + 1) * (dv / 2); c++)
            out_row[c] = o[c] * inv;
        if (lse && half == 0)
            *lse = (sm->m[r] + log2f(sm->l[r])) * AB_FT_LN2;
    } else {
        for (int c = half * (dv / 2); c < (half + 1) * (dv / 2); c++)
            pacc_row[c] = o[c];
        if (half == 0) {
            *pm = sm->m[r];
            *pl = sm->l[r];
        }
    }
}

#endif
