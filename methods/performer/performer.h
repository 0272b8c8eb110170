/* performer.h — what tests share with methods/performer: the random feature
 * matrix, drawn exactly as the method draws it.
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

#endif
