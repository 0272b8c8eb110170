/* kernels.h — CPU building blocks shared by the built-in methods: a
 * vectorisable exp, row softmax pieces, and the online-softmax tile update.
 * Every O(n*m*d) product goes through cblas_sgemm; these are the O(n*m)
 * element-wise parts fused around it.
 *
 * Tests: tests/test_kernels.c (exp accuracy in ulps, online softmax vs float64).
 */
#ifndef AB_KERNELS_H
#define AB_KERNELS_H

#include <stddef.h>

/* x[i] = exp(x[i]) for i < n. Max error 2 ulp over [-87, 88]; inputs below
 * -87.3 give 0, above 88.7 give +Inf. NaN propagates. */
void ab_exp_inplace(float *x, size_t n);
/* x[i] = exp(x[i] - shift), returns the sum of the results (float64 sum of
 * float terms: deterministic order). */
double ab_exp_shift_sum(float *x, size_t n, float shift);
float ab_max(const float *x, size_t n);

/* Softmax of each row of a (rows x cols, leading dim ld) matrix in place:
 * max subtraction, exp, normalise. If lse is non-NULL, lse[r] receives the
 * row's log-normaliser max + log(sum) (so row = exp(logit - lse)). */
void ab_softmax_rows(float *a, size_t rows, size_t cols, size_t ld, float *lse);

/* One step of the online softmax for a tile of `rows` query rows against a
 * block of `cols` keys (FlashAttention's recurrence, Milakov & Gimelshein):
 *   logits L (rows x cols, ld cols) are overwritten with p = exp(L - m_new),
 *   running max m[r] and running sum l[r] are updated, and the accumulator
 *   acc (rows x dv, ld dv) is rescaled by exp(m_old - m_new).
 * The caller then adds p * V_block into acc (sgemm, beta = 1). acc may be
 * NULL (with dv = 0) to track only the row maxima and sums.
 * m must start at -INFINITY and l at 0. */
void ab_online_softmax_step(float *L, size_t rows, size_t cols, float *m, float *l, float *acc,
                            size_t dv);

/* Exact attention of `rows` query rows q (rows x D) over the keys k (nkeys x
 * D) and values v (nkeys x DV): out (rows x DV) = softmax(scale q k^T) v, by
 * the online softmax over key blocks of tk (SGEMM for both products).
 * work: rows * tk + 2 * rows floats. */
void ab_attend_rows(const float *q, size_t rows, const float *k, const float *v, size_t nkeys,
                    size_t d, size_t dv, size_t tk, float scale, float *out, float *work);

/* C (M x N) = alpha A (M x K) B (K x N) + beta C, row-major, with the N
 * columns split over `threads` OpenMP threads (each a single-threaded SGEMM).
 * For the few large products a method cannot tile by heads (Nystrom's M^3
 * pseudo-inverse at one head): switching OpenBLAS's own threads on inside a
 * timed call leaves its workers spinning against ours. */
void ab_sgemm_par(size_t M, size_t N, size_t K, float alpha, const float *A, const float *B,
                  float beta, float *C, int threads);

#endif
