/* rng.c — see rng.h. Compiled with -ffp-contract=off (CMakeLists.txt).
 * Tests: tests/test_rng.c. */
#include "base/rng.h"

#include "base/util.h"

#include <math.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ab_rng_seed(struct ab_rng *r, uint64_t seed, uint64_t stream)
{
    /* splitmix64 over a state that mixes seed and stream */
    uint64_t x = ab_mix64(seed ^ UINT64_C(0x9e3779b97f4a7c15)) ^ ab_mix64(stream + 0x632be59bd9b4e019u);
    for (int i = 0; i < 4; i++) {
        x += UINT64_C(0x9e3779b97f4a7c15);
        r->s[i] = ab_mix64(x);
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
    r->has_spare = 0;
    r->spare = 0;
}

uint64_t ab_rng_u64(struct ab_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double ab_rng_uniform(struct ab_rng *r) { return (double)(ab_rng_u64(r) >> 11) * 0x1.0p-53; }

uint64_t ab_rng_below(struct ab_rng *r, uint64_t n)
{
    /* rejection on the top of the range: exact uniformity */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = ab_rng_u64(r);
    while (x >= limit);
    return x % n;
}

double ab_log_portable(double x)
{
    /* x = f * 2^e with f in [sqrt(1/2), sqrt(2)); ln f = 2 atanh(z), z = (f-1)/(f+1),
     * |z| <= 0.1716; the series sum z^(2k+1)/(2k+1) is taken to 1e-18. */
    int e;
    double f = frexp(x, &e); /* f in [0.5, 1): exact */
    if (f < 0.70710678118654752440) {
        f *= 2.0;
        e -= 1;
    }
    double z = (f - 1.0) / (f + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 0; k < 24; k++) {
        sum += term / (double)(2 * k + 1);
        term *= z2;
    }
    /* ln 2 split in a high part exact in 32 bits and a low part */
    const double ln2_hi = 0.693147180369123816490, ln2_lo = 1.90821492927058770002e-10;
    return ((double)e * ln2_hi + 2.0 * sum) + (double)e * ln2_lo;
}

double ab_rng_normal(struct ab_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * ab_rng_uniform(r) - 1.0;
        v = 2.0 * ab_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * ab_log_portable(s) / s); /* sqrt is correctly rounded */
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

double ab_rng_student_t(struct ab_rng *r, int nu)
{
    double z = ab_rng_normal(r), chi2 = 0.0;
    for (int i = 0; i < nu; i++) {
        double g = ab_rng_normal(r);
        chi2 += g * g;
    }
    return z / sqrt(chi2 / (double)nu);
}
