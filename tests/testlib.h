/* testlib.h — shared helpers for the cmocka tests: the float64 oracle, fresh
 * random inputs, and domain asserts that print file:line and the measured
 * error (after libssh's torture.c). */
#ifndef AB_TESTLIB_H
#define AB_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "attnbench.h"

/* Fresh inputs: a seed that differs per test run (time and pid) unless
 * AB_TEST_SEED is set; printed so a failure can be replayed. */
uint64_t ab_test_seed(void);
/* x[i] ~ N(0, scale^2), i < count, from the project PRNG. */
void ab_test_fill_normal(float *x, size_t count, uint64_t seed, double scale);

/* Fresh Q, K (entries N(0, qk_std^2)) and V (N(0, 1)) of H heads, and room for
 * the output o; ab_test_in_drop frees them. */
struct ab_test_in {
    size_t H, N, D, DV;
    float *q, *k, *v, *o;
};
struct ab_test_in ab_test_in_make(size_t H, size_t N, size_t D, size_t DV, uint64_t seed,
                                  double qk_std);
void ab_test_in_drop(struct ab_test_in *x);

/* The oracle: O = softmax(Q K^T / sqrt(D)) V per head, float64 throughout.
 * q, k: (H,N,D); v: (H,N,DV); out: (H,N,DV). */
void ab_test_attention_f64(size_t H, size_t N, size_t D, size_t DV, const float *q,
                           const float *k, const float *v, double *out);
/* The oracle under a mask: p's sizes, arrays, mask and lengths (attnbench.h:
 * row i of head h attends keys [0, ab_mask_keys(p, h, i)); a padded row's
 * output is 0). The mask itself from its definition, without the methods'
 * helpers: causal j <= i, padding j < lengths[h]. */
void ab_test_attention_masked_f64(const struct ab_problem *p, double *out);
/* The exact masked attention matrix of head h, N x N (padded rows 0). */
void ab_test_attn_matrix_masked_f64(const struct ab_problem *p, size_t h, double *S);
/* A problem with a mask: ab_test_problem plus mask and lengths (lengths
 * must outlive the problem; NULL unless padding). */
struct ab_problem ab_test_problem_masked(size_t H, size_t N, size_t D, size_t DV, const float *q,
                                         const float *k, const float *v, uint64_t seed, int mask,
                                         const size_t *lengths);
/* The leak checks the harness runs (measure.c), independently written:
 * run m on p, then on a copy whose causal future (K, V of tokens >= N/2) or
 * padded positions (Q, K, V) are fresh N(0,1) values, and return the largest
 * relative change of a row that must not move (rows < N/2, or valid rows).
 * Also fails the test unless padded output rows are exactly zero. */
double ab_test_leak(const struct ab_method *m, const struct ab_problem *p,
                    const struct ab_values *vals, uint64_t seed);

/* Exact attention matrix of one head, float64, N x N. */
void ab_test_attn_matrix_f64(size_t N, size_t D, const float *q, const float *k, double *S);

/* Dense float64 building blocks for the formula oracles (row-major). */
void ab_test_softmax_rows_f64(double *a, size_t rows, size_t cols);
/* o (r x c) = s X (r x k) Y^T (c x k) */
void ab_test_abt_f64(const double *x, const double *y, size_t r, size_t c, size_t k, double s,
                     double *o);
/* o (r x c) = a X (r x k) Y (k x c) */
void ab_test_mm_f64(const double *x, const double *y, size_t r, size_t k, size_t c, double a,
                    double *o);
/* z = A^+ (m x m) by SVD, singular values below m 2^-23 sigma_max dropped
 * (torch.linalg.pinv's float32 rule, as the methods use). */
void ab_test_pinv_svd_f64(const double *a, size_t m, double *z);
/* The 2-norm condition number of A (m x m); INFINITY if singular. */
double ab_test_cond2_f64(const double *a, size_t m);
/* ||A||_1 of a (m x m): its largest column sum (Nystrom's pinv init scale). */
double ab_test_colmax_f64(const double *a, size_t m);
/* Z ~ A^+ by `iters` of Nystrom's Z <- Z/4 (13I - AZ(15I - AZ(7I - AZ))) from
 * Z0 = A^T / c, in float64 (the oracle of methods/nystrom's iteration). */
void ab_test_pinv_iter_f64(const double *a, size_t m, double c, int iters, double *z);

/* ||got - ref||_F / ||ref||_F over count entries. */
double ab_test_rel_err(const float *got, const double *ref, size_t count);
double ab_test_rel_err_d(const double *got, const double *ref, size_t count);
/* Distance in units in the last place between two floats (0 for equal,
 * +0 and -0 are 1 apart). */
int64_t ab_test_ulps(float a, float b);
/* x rounded to bfloat16 / IEEE half (to nearest even; half keeps subnormals),
 * returned as float: what a half-precision kernel's inputs hold. */
float ab_test_round_bf16(float x);
float ab_test_round_fp16(float x);

/* Fail (with file:line, the error and the tolerance) unless rel err <= tol. */
#define assert_rel_err(got, ref, count, tol)                                                   \
    ab_test_assert_rel_err_((got), (ref), (count), (tol), #got, __FILE__, __LINE__)
void ab_test_assert_rel_err_(const float *got, const double *ref, size_t count, double tol,
                             const char *expr, const char *file, int line);

/* A problem over caller-owned arrays with the plain (uncounted) allocator. */
struct ab_problem ab_test_problem(size_t H, size_t N, size_t D, size_t DV, const float *q,
                                  const float *k, const float *v, uint64_t seed);

/* Run a method once: prepare, forward into out, release. Returns the status;
 * on failure err holds the message. */
int ab_test_run_method(const struct ab_method *m, const struct ab_problem *p,
                       const struct ab_values *vals, float *out, struct ab_err *err);
/* Values for method m: defaults, then "key=value" overrides (NULL-terminated). */
struct ab_values ab_test_values(const struct ab_method *m, ...);

/* A whole file as a NUL-terminated malloc'd string (caller frees); NULL if
 * it cannot be opened. */
char *ab_test_slurp(const char *path);
/* A directory `name` under ab_test_tmpdir() (created if absent); the
 * returned path stays valid for the next 7 calls. */
const char *ab_test_newdir(const char *name);
/* Run `BIN ARGS` with dir as the working directory, stdout and stderr into
 * dir/out.txt; *output (may be NULL) receives that text (caller frees).
 * Returns the exit status, or 128 + the signal. */
int ab_test_run_bin(const char *bin, const char *dir, const char *args, char **output);

/* A fresh temporary directory (removed by the OS's tmp cleanup, not by us). */
const char *ab_test_tmpdir(void);

#endif
