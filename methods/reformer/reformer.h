/* reformer.h — what tests share with methods/reformer: the random rotations
 * and the bucket of a vector, exactly as the method draws and computes them.
 * Tests: tests/test_reformer.c, tests/test_peers.c. */
#ifndef AB_REFORMER_H
#define AB_REFORMER_H

#include <stddef.h>
#include <stdint.h>

/* R (d x n_hashes x buckets/2, row-major: reformer-pytorch's random_rotations
 * tensor without its leading 1), entries N(0, 1) from the project PRNG. */
void ab_reformer_draw(uint64_t seed, size_t d, size_t n_hashes, size_t half, float *R);

/* The bucket of x (d floats) in round r: argmax over [x R_r, -x R_r] (the
 * first maximum), x R_r accumulated in float64. */
size_t ab_reformer_bucket(const float *x, const float *R, size_t d, size_t n_hashes, size_t half,
                          size_t r);

#endif
