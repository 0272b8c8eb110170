/* spectral.c — see spectral.h. Tests: tests/test_metrics.c (against the
 * SVD of small dense matrices). */
#include "spectral.h"

#include "base/rng.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

enum { PB = 32 }; /* rows per block */

size_t ab_power_spec_doubles(size_t n)
{
    return (size_t)PB * n + (size_t)(AB_POWER_MAX_ITERS + 3) * n;
}

/* w = X^T X q, one pass over the rows of X. y: PB doubles. */
static int gram_apply(ab_rowblock_fn fn, void *ctx, size_t n, const double *q, double *w,
                      double *rows, double *y)
{
    memset(w, 0, n * sizeof *w);
    for (size_t r0 = 0; r0 < n; r0 += PB) {
        size_t r1 = r0 + PB < n ? r0 + PB : n;
        if (fn(ctx, r0, r1, rows))
            return -1;
        for (size_t i = r0; i < r1; i++) {
            const double *row = rows + (i - r0) * n;
            double s = 0;
            for (size_t j = 0; j < n; j++)
                s += row[j] * q[j];
            y[i - r0] = s;
        }
        for (size_t i = r0; i < r1; i++) {
            const double *row = rows + (i - r0) * n;
            double yi = y[i - r0];
            for (size_t j = 0; j < n; j++)
                w[j] += row[j] * yi;
        }
    }
    return 0;
}

/* Largest eigenvalue of the k x k symmetric tridiagonal (alpha, beta). */
static double tridiag_max(const double *alpha, const double *beta, int k, double *d, double *e)
{
    memcpy(d, alpha, (size_t)k * sizeof *d);
    if (k > 1)
        memcpy(e, beta, (size_t)(k - 1) * sizeof *e);
    if (LAPACKE_dstev(LAPACK_COL_MAJOR, 'N', k, d, e, NULL, 1) != 0)
        return NAN;
    return d[k - 1]; /* ascending */
}

double ab_power_spec(ab_rowblock_fn fn, void *ctx, size_t n, uint64_t seed, double *work)
{
    /* Lanczos on X^T X (the power iteration's Krylov space, used fully), with
     * full reorthogonalisation: the top eigenvalue of the tridiagonal
     * projection converges in a few dozen passes even when the top singular
     * values are close, where the plain power iteration crawls. */
    enum { K = AB_POWER_MAX_ITERS };
    double *rows = work, *Q = rows + (size_t)PB * n, *w = Q + (size_t)(K + 1) * n;
    double alpha[K], beta[K], d[K], e[K], yb[PB];
    struct ab_rng r;
    ab_rng_seed(&r, seed, 0x5bec);
    double nq = 0;
    for (size_t j = 0; j < n; j++) {
        Q[j] = ab_rng_normal(&r);
        nq += Q[j] * Q[j];
    }
    nq = sqrt(nq);
    for (size_t j = 0; j < n; j++)
        Q[j] /= nq;
    double theta = 0;
    int k = 0;
    for (; k < K && (size_t)k < n; k++) {
        const double *q = Q + (size_t)k * n;
        if (gram_apply(fn, ctx, n, q, w, rows, yb))
            return NAN;
        double a = 0;
        for (size_t j = 0; j < n; j++)
            a += q[j] * w[j];
        alpha[k] = a;
        /* w -= sum_i (q_i . w) q_i, twice (classical Gram-Schmidt, repeated) */
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i <= k; i++) {
                const double *qi = Q + (size_t)i * n;
                double c = 0;
                for (size_t j = 0; j < n; j++)
                    c += qi[j] * w[j];
                for (size_t j = 0; j < n; j++)
                    w[j] -= c * qi[j];
            }
        double b = 0;
        for (size_t j = 0; j < n; j++)
            b += w[j] * w[j];
        b = sqrt(b);
        double next = tridiag_max(alpha, beta, k + 1, d, e);
        int converged = k > 0 && fabs(next - theta) <= AB_POWER_TOL * fabs(next);
        theta = next;
        if (converged || b <= 1e-12 * (fabs(theta) + 1e-300))
            break;
        beta[k] = b;
        double *qn = Q + (size_t)(k + 1) * n;
        for (size_t j = 0; j < n; j++)
            qn[j] = w[j] / b;
    }
    return theta > 0 ? sqrt(theta) : 0.0;
}
