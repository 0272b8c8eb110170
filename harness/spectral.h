/* spectral.h — the spectral norm of an N x N matrix that is only available
 * as blocks of rows (an attention difference S^ - S, never stored whole):
 * Lanczos iteration on X^T X, one pass over the rows per step. Used by the
 * attention metrics (metrics.c) and by the exact reference's ||S||_2
 * (reference.c).
 * Tests: tests/test_metrics.c. */
#ifndef AB_SPECTRAL_H
#define AB_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>

/* Rows [r0, r1) of some N x N matrix, float64, into rows ((r1-r0) x N). */
typedef int (*ab_rowblock_fn)(void *ctx, size_t r0, size_t r1, double *rows);
#define AB_POWER_MAX_ITERS 60
#define AB_POWER_TOL 1e-9
/* Doubles of workspace ab_power_spec needs for an N x N matrix. */
size_t ab_power_spec_doubles(size_t n);
/* ||X||_2 = sqrt of the top eigenvalue of X^T X, by Lanczos iteration (the
 * power iteration's Krylov space, fully reorthogonalised) from a seeded
 * random start: each step is one pass over X's rows. Stops when the estimate
 * changes by less than AB_POWER_TOL (relative) or after AB_POWER_MAX_ITERS
 * passes. NaN if fn fails. */
double ab_power_spec(ab_rowblock_fn fn, void *ctx, size_t n, uint64_t seed, double *work);

#endif
