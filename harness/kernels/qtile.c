/* qtile.c — see qtile.h. Tests: tests/test_qtile.c. */
#include "kernels/qtile.h"
#include "kernels/expf.h"

#include <math.h>
#include <string.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

enum { L = AB_QT_LANES };

#if defined(__AVX512F__)
/* dst[j * ldd + i] = src[i * lds + j] * (mul ? mul[j] : 1)... for a 16 x 16
 * block: rows of src times the lane vector `mul` (NULL: 1), then transposed
 * by the unpack / shuffle / 128-bit-lane shuffle network. */
static inline void tr16(const float *src, size_t lds, __m512 mul, float *dst, size_t ldd)
{
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++)
        r[i] = _mm512_mul_ps(_mm512_loadu_ps(src + (size_t)i * lds), mul);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
    for (int i = 0; i < 16; i++)
        _mm512_storeu_ps(dst + (size_t)i * ldd, r[i]);
}
#endif

void ab_qt_pack(const float *q, size_t rows, size_t ldq, size_t d, float scale, float *qt)
{
    size_t c0 = 0;
#if defined(__AVX512F__)
    if (rows == L) /* full tiles: 16 x 16 transposes */
        for (; c0 + 16 <= d; c0 += 16)
            for (size_t r0 = 0; r0 < L; r0 += 16)
                tr16(q + r0 * ldq + c0, ldq, _mm512_set1_ps(scale), qt + c0 * L + r0, L);
#endif
    for (size_t c = c0; c < d; c++) {
        float *dst = qt + c * L;
        for (size_t l = 0; l < rows; l++)
            dst[l] = scale * q[l * ldq + c];
        for (size_t l = rows; l < L; l++)
            dst[l] = 0.0f;
    }
}

/* The plain-loop form of lanes_blk below: for i < ni, out[i][:] = (or +=)
 * sum_t b[i * si + t * st] x[t][:] over t < nt. */
static void lanes_generic(const float *x, size_t nt, const float *b, size_t si, size_t st,
                          float *out, int add, size_t ni)
{
    for (size_t i = 0; i < ni; i++) {
        float acc[L] = {0};
        for (size_t t = 0; t < nt; t++) {
            float bi = b[i * si + t * st];
            for (int l = 0; l < L; l++)
                acc[l] += bi * x[t * L + l];
        }
        for (int l = 0; l < L; l++)
            out[i * L + l] = add ? out[i * L + l] + acc[l] : acc[l];
    }
}

void ab_qt_logits_generic(const float *qt, size_t d, const float *k, size_t ldk, size_t nk,
                          float *st)
{
    lanes_generic(qt, d, k, ldk, 1, st, 0, nk);
}

void ab_qt_values_generic(const float *pt, size_t nk, const float *v, size_t ldv, size_t dv,
                          float *ot)
{
    lanes_generic(pt, nk, v, 1, ldv, ot, 1, dv);
}

#if defined(__AVX512F__)
/* The one microkernel of both products: for i < NB (a constant after
 * inlining), out[i][:] = (or +=) sum_t b[i * si + t * st] x[t][:] over t < nt,
 * in 2 NB accumulators of 16 lanes; b is broadcast straight from memory.
 *   logits: x = qt (t = feature c), b = K rows (si = ldk, st = 1), stored;
 *   values: x = pt (t = key j), b = V columns (si = 1, st = ldv), added. */
static inline __attribute__((always_inline)) void lanes_blk(const float *x, size_t nt,
                                                            const float *b, size_t si, size_t st,
                                                            float *out, int add, const int NB)
{
    __m512 a[12][2];
#pragma GCC unroll 12
    for (int i = 0; i < NB; i++)
        a[i][0] = a[i][1] = _mm512_setzero_ps();
    for (size_t t = 0; t < nt; t++) {
        __m512 x0 = _mm512_loadu_ps(x + t * L), x1 = _mm512_loadu_ps(x + t * L + 16);
        const float *bt = b + t * st;
#pragma GCC unroll 12
        for (int i = 0; i < NB; i++) {
            __m512 bi = _mm512_set1_ps(bt[(size_t)i * si]);
            a[i][0] = _mm512_fmadd_ps(bi, x0, a[i][0]);
            a[i][1] = _mm512_fmadd_ps(bi, x1, a[i][1]);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < NB; i++) {
        float *o = out + i * L;
        if (add) {
            a[i][0] = _mm512_add_ps(_mm512_loadu_ps(o), a[i][0]);
            a[i][1] = _mm512_add_ps(_mm512_loadu_ps(o + 16), a[i][1]);
        }
        _mm512_storeu_ps(o, a[i][0]);
        _mm512_storeu_ps(o + 16, a[i][1]);
    }
}
#endif

void ab_qt_logits(const float *qt, size_t d, const float *k, size_t ldk, size_t nk, float *st)
{
#if defined(__AVX512F__)
    size_t j = 0;
    for (; j + 12 <= nk; j += 12)
        lanes_blk(qt, d, k + j * ldk, ldk, 1, st + j * L, 0, 12);
    for (; j + 4 <= nk; j += 4)
        lanes_blk(qt, d, k + j * ldk, ldk, 1, st + j * L, 0, 4);
    for (; j < nk; j++)
        lanes_blk(qt, d, k + j * ldk, ldk, 1, st + j * L, 0, 1);
#else
    ab_qt_logits_generic(qt, d, k, ldk, nk, st);
#endif
}

void ab_qt_values(const float *pt, size_t nk, const float *v, size_t ldv, size_t dv, float *ot)
{
#if defined(__AVX512F__)
    size_t c = 0;
    for (; c + 12 <= dv; c += 12)
        lanes_blk(pt, nk, v + c, 1, ldv, ot + c * L, 1, 12);
    for (; c + 4 <= dv; c += 4)
        lanes_blk(pt, nk, v + c, 1, ldv, ot + c * L, 1, 4);
    for (; c < dv; c++)
        lanes_blk(pt, nk, v + c, 1, ldv, ot + c * L, 1, 1);
#else
    ab_qt_values_generic(pt, nk, v, ldv, dv, ot);
#endif
}

void ab_qt_colmax(const float *st, size_t nk, float *mx)
{
    float m[L];
    memcpy(m, mx, sizeof m);
    for (size_t j = 0; j < nk; j++)
        for (int l = 0; l < L; l++)
            m[l] = st[j * L + l] > m[l] ? st[j * L + l] : m[l];
    memcpy(mx, m, sizeof m);
}

void ab_qt_colexp_generic(float *st, size_t nk, const float *mx, float *sum)
{
    /* partial sums of 64 keys, then added: a lane's error grows with
     * sqrt(nk / 64) blocks instead of sqrt(nk) terms */
    float s[L], m[L];
    memcpy(s, sum, sizeof s);
    memcpy(m, mx, sizeof m);
    for (size_t j0 = 0; j0 < nk; j0 += 64) {
        size_t j1 = j0 + 64 < nk ? j0 + 64 : nk;
        float part[L] = {0};
        for (size_t j = j0; j < j1; j++)
            for (int l = 0; l < L; l++) {
                float x = m[l] == -INFINITY ? -INFINITY : st[j * L + l] - m[l];
                float e = ab_expf_core(x);
                e = x < AB_EXPF_LO ? 0.0f : e;
                st[j * L + l] = e;
                part[l] += e;
            }
        for (int l = 0; l < L; l++)
            s[l] += part[l];
    }
    memcpy(sum, s, sizeof s);
}

void ab_qt_colexp(float *st, size_t nk, const float *mx, float *sum)
{
#if defined(__AVX512F__)
    int any_ninf = 0; /* a lane with no finite logit yet: the generic path's select */
    for (int l = 0; l < L; l++)
        any_ninf |= mx[l] == -INFINITY;
    if (any_ninf) {
        ab_qt_colexp_generic(st, nk, mx, sum);
        return;
    }
    __m512 m0 = _mm512_loadu_ps(mx), m1 = _mm512_loadu_ps(mx + 16);
    __m512 s0 = _mm512_loadu_ps(sum), s1 = _mm512_loadu_ps(sum + 16);
    for (size_t j0 = 0; j0 < nk; j0 += 64) { /* partial sums of 64 keys */
        size_t j1 = j0 + 64 < nk ? j0 + 64 : nk;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        for (size_t j = j0; j < j1; j++) {
            __m512 e0 = ab_exp16(_mm512_sub_ps(_mm512_loadu_ps(st + j * L), m0));
            __m512 e1 = ab_exp16(_mm512_sub_ps(_mm512_loadu_ps(st + j * L + 16), m1));
            _mm512_storeu_ps(st + j * L, e0);
            _mm512_storeu_ps(st + j * L + 16, e1);
            a0 = _mm512_add_ps(a0, e0);
            a1 = _mm512_add_ps(a1, e1);
        }
        s0 = _mm512_add_ps(s0, a0);
        s1 = _mm512_add_ps(s1, a1);
    }
    _mm512_storeu_ps(sum, s0);
    _mm512_storeu_ps(sum + 16, s1);
#else
    ab_qt_colexp_generic(st, nk, mx, sum);
#endif
}

void ab_qt_unpack(const float *ot, size_t dv, const float *scale, size_t rows, float *out,
                  size_t ldo)
{
    size_t c0 = 0;
#if defined(__AVX512F__)
    if (rows == L) /* full tiles: scale the lanes, 16 x 16 transposes */
        for (; c0 + 16 <= dv; c0 += 16)
            for (size_t l0 = 0; l0 < L; l0 += 16)
                tr16(ot + c0 * L + l0, L, _mm512_loadu_ps(scale + l0), out + l0 * ldo + c0, ldo);
#endif
    for (size_t l = 0; l < rows; l++)
        for (size_t c = c0; c < dv; c++)
            out[l * ldo + c] = ot[c * L + l] * scale[l];
}

void ab_qt_online(float *st, size_t nk, float *mx, double *sum, float *ot, size_t dv)
{
    float mnew[L], alpha[L], block[L] = {0};
    memcpy(mnew, mx, sizeof mnew);
    ab_qt_colmax(st, nk, mnew);
    int rescale = 0;
    for (int l = 0; l < L; l++) {
        alpha[l] = mx[l] == -INFINITY ? 0.0f : expf(mx[l] - mnew[l]);
        rescale |= alpha[l] != 1.0f;
    }
    if (ot && rescale)
        for (size_t c = 0; c < dv; c++)
            for (int l = 0; l < L; l++)
                ot[c * L + l] *= alpha[l];
    ab_qt_colexp(st, nk, mnew, block);
    for (int l = 0; l < L; l++) /* the running sum in double: n / nk additions */
        sum[l] = sum[l] * (double)alpha[l] + (double)block[l];
    memcpy(mx, mnew, sizeof mnew);
}

void ab_qt_attend(const float *qt, size_t nb, size_t d, const float *k, const float *v, size_t dv,
                  size_t nk, size_t tk, float *st, float *ot, float *mx, double *sum)
{
    for (size_t k0 = 0; k0 < nk; k0 += tk) {
        size_t k1 = nk - k0 < tk ? nk : k0 + tk;
        for (size_t b = 0; b < nb; b++)
            for (size_t j = k0; j < k1; j += AB_QT_STEP) {
                size_t cols = k1 - j < AB_QT_STEP ? k1 - j : AB_QT_STEP;
                float *ob = ot + b * dv * L;
                ab_qt_logits(qt + b * d * L, d, k + j * d, d, cols, st);
                ab_qt_online(st, cols, mx + b * L, sum + b * L, ob, dv);
                ab_qt_values(st, cols, v + j * dv, dv, dv, ob);
            }
    }
}
