/* expf.h — the scalar exp polynomial every CPU kernel inlines, written so
 * that gcc vectorises the loops that call it (no calls, no branches).
 * Clamped to [-87.34, 88.38]: callers map inputs below -87.34 to 0 and
 * above 88.38 to +Inf themselves (ab_exp_inplace). Max error 2 ulp inside.
 * Tests: tests/test_kernels.c. */
#ifndef AB_EXPF_H
#define AB_EXPF_H

#include <stdint.h>
#include <string.h>

#define AB_EXPF_LO (-87.3365447504f)
#define AB_EXPF_HI 88.3762626647949f

/* exp(x) = 2^k * exp(r), k = round(x / ln2), r = x - k ln2 in [-ln2/2, ln2/2];
 * exp(r) by a degree-6 polynomial (Cephes' expf coefficients). */
static inline float ab_expf_core(float x)
{
    const float hi = 88.3762626647949f, lo = -87.3365447504f;
    x = x > hi ? hi : x;
    x = x < lo ? lo : x;
    float kf = x * 1.44269504088896341f;
    /* round to nearest with the 1.5 * 2^23 trick: valid for |kf| < 2^22 */
    kf = (kf + 12582912.0f) - 12582912.0f;
    float r = x - kf * 0.693359375f;
    r = r - kf * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t k = (int32_t)kf;
    /* 2^k for k in [-126, 127]: at x = lo, k = -126 */
    uint32_t bits = (uint32_t)(k + 127) << 23;
    float two_k;
    memcpy(&two_k, &bits, sizeof two_k);
    return p * two_k;
}

#if defined(__AVX512F__)
#include <immintrin.h>

/* 16 lanes of exp with the same polynomial, the 2^k by vscalefps (which
 * also saturates: no integer exponent arithmetic). Below AB_EXPF_LO (and
 * -Inf): 0; above AB_EXPF_HI: +Inf; NaN propagates. Within 2 ulp
 * (tests/test_kernels.c, tests/test_qtile.c). */
static inline __m512 ab_exp16(__m512 x)
{
    __mmask16 live = _mm512_cmp_ps_mask(x, _mm512_set1_ps(AB_EXPF_LO), _CMP_GE_OQ);
    __mmask16 big = _mm512_cmp_ps_mask(x, _mm512_set1_ps(AB_EXPF_HI), _CMP_GT_OQ);
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    __m512 c = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(AB_EXPF_LO)), _mm512_set1_ps(AB_EXPF_HI));
    __m512 kf = _mm512_roundscale_ps(_mm512_mul_ps(c, _mm512_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(kf, _mm512_set1_ps(0.693359375f), c);
    r = _mm512_fnmadd_ps(kf, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512 e = _mm512_maskz_scalef_ps(live, p, kf);
    e = _mm512_mask_mov_ps(e, big, _mm512_set1_ps(__builtin_inff()));
    return _mm512_mask_mov_ps(e, nan, x);
}
#endif

#endif
