/* qtile.h — attention tiles with the queries in the vector lanes.
 *
 * A block of up to AB_QT_LANES (32) query rows is held transposed, qt[d][32],
 * so that both products of attention read K and V straight from their
 * row-major arrays (one broadcast per element, no packing):
 *
 *   logits   st[j][l] = sum_c k[j][c] qt[c][l]          (keys down, queries across)
 *   values   ot[c][l] += sum_j v[j][c] st[j][l]
 *
 * and the softmax over keys is a reduction down the columns: the max and the
 * sum of each query are plain vector max/add, no horizontal reductions.
 * With AVX-512 the products are register-blocked microkernels (24 and 16
 * accumulators); without it, plain loops in the same layout (the `_generic`
 * variants, always compiled, are what the tests hold the fast path to).
 *
 * Used by methods/local (band tiles) and methods/nystrom (F W, B V). Tests: tests/test_qtile.c. */
#ifndef AB_QTILE_H
#define AB_QTILE_H

#include <stddef.h>

enum { AB_QT_LANES = 32, AB_QT_STEP = 128 };

/* qt[c][l] = scale * q[l * ldq + c] for l < rows (<= 32); lanes >= rows are 0. */
void ab_qt_pack(const float *q, size_t rows, size_t ldq, size_t d, float scale, float *qt);

/* st[j][:] = sum_c k[j * ldk + c] qt[c][:], for j < nk. */
void ab_qt_logits(const float *qt, size_t d, const float *k, size_t ldk, size_t nk, float *st);
void ab_qt_logits_generic(const float *qt, size_t d, const float *k, size_t ldk, size_t nk,
                          float *st);

/* ot[c][:] += sum_j v[j * ldv + c] pt[j][:], for c < dv. */
void ab_qt_values(const float *pt, size_t nk, const float *v, size_t ldv, size_t dv, float *ot);
void ab_qt_values_generic(const float *pt, size_t nk, const float *v, size_t ldv, size_t dv,
                          float *ot);

/* mx[l] = max(mx[l], max_j st[j][l]). */
void ab_qt_colmax(const float *st, size_t nk, float *mx);

/* st[j][l] = exp(st[j][l] - mx[l]) (0 for -Inf logits, and for every logit
 * of a lane whose mx is -Inf), sum[l] += its column sum. */
void ab_qt_colexp(float *st, size_t nk, const float *mx, float *sum);
void ab_qt_colexp_generic(float *st, size_t nk, const float *mx, float *sum);

/* One step of the online softmax down the columns (FlashAttention's
 * recurrence, per lane): with mnew = max(mx, colmax(st)), ot (dv x 32; NULL
 * with dv = 0 to track only maxima and sums) and sum are scaled by
 * exp(mx - mnew), st becomes exp(st - mnew) and its column sums are added
 * (sum in double: a running sum over n keys takes n / nk additions).
 * mx starts at -Inf, sum at 0. A lane whose logits so far are all -Inf keeps
 * sum 0 (and a zero accumulator). */
void ab_qt_online(float *st, size_t nk, float *mx, double *sum, float *ot, size_t dv);

/* Online-softmax attention of nb lane blocks (qt: nb x d x 32, the scale
 * already in) over keys k (nk x d, row-major) and values v (nk x dv): for
 * each key block of tk (meant to stay in L2 while every lane block passes
 * over it), each lane block takes AB_QT_STEP keys at a time — logits into st
 * (AB_QT_STEP x 32 floats, L1), ab_qt_online, values — accumulating into ot
 * (nb x dv x 32), mx and sum (nb x 32), which the caller initialises (0,
 * -Inf, 0) and finishes (ot / sum). Each lane's result depends only on its
 * own query: the same for any nb and any split of the queries. */
void ab_qt_attend(const float *qt, size_t nb, size_t d, const float *k, const float *v, size_t dv,
                  size_t nk, size_t tk, float *st, float *ot, float *mx, double *sum);

/* out[l * ldo + c] = ot[c][l] * scale[l] for l < rows, c < dv. */
void ab_qt_unpack(const float *ot, size_t dv, const float *scale, size_t rows, float *out,
                  size_t ldo);

#endif
