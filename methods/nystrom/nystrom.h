/* nystrom.h — logic the Nystrom backends share (nystrom_cpu.c and
 * nystrom_cuda.cu), and what tests check directly.
 * Tests: tests/test_nystrom.c, tests/test_backends.c. */
#ifndef AB_NYSTROM_H
#define AB_NYSTROM_H

#include "hd.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ab_nystrom_segments { AB_SEG_UNEVEN = 0, AB_SEG_PAD = 1 };

/* The segment rule itself, for the host and the device (the CUDA
 * segment-means kernel calls it per landmark). */
AB_HD void ab_nystrom_segment_hd(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                                 size_t *div)
{
    if (mode == AB_SEG_UNEVEN) {
        /* the first nshort segments have l tokens, the others l + 1 */
        size_t l = n / m, nshort = (l + 1) * m - n;
        *t0 = j < nshort ? j * l : nshort * l + (j - nshort) * (l + 1);
        *t1 = *t0 + (j < nshort ? l : l + 1);
        *div = *t1 - *t0;
    } else {
        /* padded positions [jL, (j+1)L) hold tokens pos - pad (zeros below 0) */
        size_t L = (n + m - 1) / m, pad = L * m - n, p0 = j * L, p1 = p0 + L;
        *t0 = p0 > pad ? p0 - pad : 0;
        *t1 = p1 > pad ? p1 - pad : 0;
        *div = L;
    }
}

/* Landmark j of M over N tokens averages tokens [*t0, *t1) and divides the
 * sum by *div (pad mode: div counts the zero rows of the left padding).
 * Requires 1 <= M <= N and j < M. */
void ab_nystrom_segment(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                        size_t *div);

/* Segment means of x (N x D) into out (M x D), float64 sums. */
void ab_nystrom_landmarks(const float *x, size_t n, size_t d, size_t m, int mode, float *out);

/* A^+ in float64 by SVD into zout (M x M row-major), singular values below
 * M * 2^-23 * sigma_max dropped. a: M x M row-major float; work: 4M^2 + M +
 * lwork doubles (lwork from the LAPACK dgesdd workspace query); iwork: 8M
 * ints. Returns the LAPACK info (0: converged). */
int ab_nystrom_pinv_svd_f64(size_t M, size_t lwork, const float *a, double *zout, double *work,
                            int *iwork);
/* The dgesdd workspace (doubles) that ab_nystrom_pinv_svd_f64 needs for M,
 * or 0 if LAPACK's query fails. */
size_t ab_nystrom_svd_lwork(size_t M);

#ifdef __cplusplus
}
#endif

#endif
