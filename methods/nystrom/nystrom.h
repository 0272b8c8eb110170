/* nystrom.h — logic the Nystrom backends share (CPU now, CUDA later), and
 * what tests check directly.
 * Tests: tests/test_nystrom.c. */
#ifndef AB_NYSTROM_H
#define AB_NYSTROM_H

#include <stddef.h>

enum ab_nystrom_segments { AB_SEG_UNEVEN = 0, AB_SEG_PAD = 1 };

/* Landmark j of M over N tokens averages tokens [*t0, *t1) and divides the
 * sum by *div (pad mode: div counts the zero rows of the left padding).
 * Requires 1 <= M <= N and j < M. */
void ab_nystrom_segment(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                        size_t *div);

/* Segment means of x (N x D) into out (M x D), float64 sums. */
void ab_nystrom_landmarks(const float *x, size_t n, size_t d, size_t m, int mode, float *out);

#endif
