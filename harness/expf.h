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

#endif
