/* performer.h — what tests and methods/scatterbrain share with
 * methods/performer: the random feature matrix, drawn exactly as the method
 * draws it, and the feature exponents.
 * Tests: tests/test_performer.c. */
#ifndef AB_PERFORMER_H
#define AB_PERFORMER_H

#include <stddef.h>
#include <stdint.h>

enum ab_performer_norms { AB_PERF_NORMS_CHI = 0, AB_PERF_NORMS_SQRT_D = 1 };

/* W (r x d, row-major): with `orthogonal`, blocks of d rows from the Q factor
 * of a d x d Gaussian matrix (the last block cut to r mod d rows), each row
 * rescaled to the norm of a fresh N(0, I_d) vector (chi) or to sqrt(d);
 * otherwise i.i.d. N(0, 1) entries. Rows are marginally N(0, I_d) for
 * orthogonal+chi and for i.i.d., which makes the softmax estimator unbiased.
 * Returns 0, or the LAPACK info on a failed QR. */
int ab_performer_draw(uint64_t seed, size_t r, size_t d, int orthogonal, int norms, float *W);

/* The exponents of FAVOR+'s softmax features, as performer computes them:
 * U (rows x r) = x W'^T - |x'|^2 / 2 per row, x' = x D^(-1/4), with
 * w = W' = W D^(-1/4) (r x D, row-major) and x (rows x D). phi(x) is then
 * exp(U - c) / sqrt(r) for a stabiliser c of the caller's choice. rowmax
 * (may be NULL) receives each row's largest exponent; returns the largest
 * over all rows. Shared with methods/scatterbrain. */
float ab_performer_exponents(const float *w, size_t r, size_t D, const float *x, size_t rows,
                             float *U, float *rowmax);

#endif
