/* round.h — rounding float32 arrays to bfloat16 and IEEE half, kept in
 * float32 storage: what a low-precision row's inputs and stored
 * intermediates hold (`precision: bf16|fp16`, see attnbench.h).
 *
 *   bf16  8 exponent bits, 7 mantissa bits: round to nearest even on the top
 *         16 bits of the float; the range is float32's (no overflow).
 *   fp16  5 exponent bits, 10 mantissa bits: round to nearest even; below
 *         2^-14 to multiples of 2^-24 (subnormals; smaller magnitudes become
 *         +-0); at or above 65520 (the tie above the largest finite, 65504)
 *         +-infinity.
 * NaN stays NaN, infinities stay infinite, the sign of zero is kept. Loops
 * of integer and float selects without branches: the compiler vectorises
 * them (AVX2 here). There is no bf16 arithmetic: products on rounded
 * operands run in float32.
 *
 * Tests: tests/test_precision.c (against tests/testlib's scalar versions
 * over random, tie, subnormal, overflow and special values). */
#ifndef AB_ROUND_H
#define AB_ROUND_H

#include "attnbench.h"

#include <stddef.h>

#define AB_PRECISION_CHOICES "fp32|bf16|fp16" /* enum ab_precision, in order */

/* x[i] rounded in place to the format, i < n. */
void ab_round_bf16(float *x, size_t n);
void ab_round_fp16(float *x, size_t n);
/* By enum ab_precision; fp32 leaves x untouched (it is not even read). */
void ab_round(float *x, size_t n, int precision);
/* One value, by enum ab_precision (fp32: x). */
float ab_round1(float x, int precision);
/* "fp32", "bf16", "fp16". */
const char *ab_precision_name(int precision);
/* The unit roundoff u of the format: 2^-24, 2^-8, 2^-11. */
double ab_precision_unit(int precision);

/* For a harness (measure, heat map, model): when p->precision is not fp32,
 * copy Q, K, V rounded to it into one new buffer (*owned, to free()) and
 * point p->q, p->k, p->v there; with fp32 *owned = NULL and p is unchanged.
 * Returns 0, or -1 when the copy cannot be allocated. */
int ab_round_inputs(struct ab_problem *p, float **owned);

#endif
