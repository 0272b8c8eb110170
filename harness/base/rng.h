/* rng.h — the project's own PRNG: bitwise the same stream on any machine.
 *
 * xoshiro256** seeded through splitmix64 from (seed, stream). Normals by
 * Marsaglia's polar method with a portable logarithm (ab_log_portable) built
 * from +, -, *, / and frexp only: no libm transcendental, whose last bit may
 * differ between C libraries. This file and data.c are compiled with
 * -ffp-contract=off so that no FMA changes a rounding on another CPU.
 *
 * Tests: tests/test_rng.c (golden values, moments, portable log accuracy).
 */
#ifndef AB_RNG_H
#define AB_RNG_H

#include <stdint.h>

struct ab_rng {
    uint64_t s[4];
    int has_spare;
    double spare;
};

/* Independent streams from one seed: `stream` names the use (e.g. 'Q'). */
void ab_rng_seed(struct ab_rng *r, uint64_t seed, uint64_t stream);
uint64_t ab_rng_u64(struct ab_rng *r);
double ab_rng_uniform(struct ab_rng *r);           /* [0, 1), 53 bits */
uint64_t ab_rng_below(struct ab_rng *r, uint64_t n); /* uniform in [0, n), unbiased */
double ab_rng_normal(struct ab_rng *r);            /* N(0, 1) */
/* Student-t with integer nu >= 1 degrees of freedom: Z / sqrt(chi2_nu / nu). */
double ab_rng_student_t(struct ab_rng *r, int nu);
/* Natural logarithm of x > 0 within 4 ulp of the correctly rounded value
 * (measured: tests/test_rng.c), from basic arithmetic only. */
double ab_log_portable(double x);

#endif
