/* nystrom.c — the Nystrom logic shared by the CPU method, the CUDA method
 * (nystrom_cuda.cu), nystrom-direct, nystrom-local and linformer's
 * segment-means projection: the landmark-count rule, segments and their
 * means, landmark selection, the iterative and SVD pseudo-inverses and the
 * pseudo-inverse report. Declared in nystrom.h.
 *
 * Tests: tests/test_nystrom.c, tests/test_nystrom_direct.c, tests/test_backends.c.
 */
#include "nystrom/nystrom.h"

#include "base/rng.h"
#include "base/util.h"
#include "kernels/kernels.h"
#include "kernels/round.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NYSTROM_DEFAULT_M 64

size_t ab_nystrom_resolve_m(const struct ab_problem *p, const struct ab_values *vals)
{
    if (ab_values_isset(vals, "landmarks"))
        return (size_t)ab_values_int(vals, "landmarks");
    if (ab_values_isset(vals, "landmark_ratio")) {
        double m = floor(ab_values_real(vals, "landmark_ratio") * (double)p->n + 0.5);
        return m < 1 ? 1 : (size_t)m;
    }
    return NYSTROM_DEFAULT_M;
}

void ab_nystrom_segment(size_t n, size_t m, int mode, size_t j, size_t *t0, size_t *t1,
                        size_t *div)
{
    ab_nystrom_segment_hd(n, m, mode, j, t0, t1, div);
}

static void landmarks_common(const float *x, size_t n, size_t valid, size_t d, size_t m, int mode,
                             size_t j0, size_t j1, float *out, float *ok, int by_count);

void ab_nystrom_landmarks(const float *x, size_t n, size_t d, size_t m, int mode, float *out)
{
    ab_nystrom_landmarks_range(x, n, d, m, mode, 0, m, out);
}

void ab_nystrom_landmarks_range(const float *x, size_t n, size_t d, size_t m, int mode, size_t j0,
                                size_t j1, float *out)
{
    landmarks_common(x, n, n, d, m, mode, j0, j1, out, NULL, 0);
}

void ab_nystrom_landmarks_valid(const float *x, size_t n, size_t valid, size_t d, size_t m,
                                int mode, size_t j0, size_t j1, float *out, float *ok)
{
    landmarks_common(x, n, valid, d, m, mode, j0, j1, out, ok, 1);
}

/* Segment means over the geometry of n tokens, tokens >= valid left out;
 * divided by the segment's divisor, or (by_count) by the tokens summed. */
static void landmarks_common(const float *x, size_t n, size_t valid, size_t d, size_t m, int mode,
                             size_t j0, size_t j1, float *out, float *ok, int by_count)
{
    enum { CB = 256 }; /* columns per pass: the token loop reads rows contiguously */
    double acc[CB];
    for (size_t j = j0; j < j1; j++) {
        size_t t0, t1, div;
        ab_nystrom_segment(n, m, mode, j, &t0, &t1, &div);
        t1 = t1 < valid ? t1 : valid;
        t0 = t0 < t1 ? t0 : t1;
        if (by_count)
            div = t1 - t0;
        if (ok)
            ok[j] = div > 0 ? 1.0f : 0.0f;
        for (size_t c0 = 0; c0 < d; c0 += CB) {
            size_t cw = d - c0 < CB ? d - c0 : CB;
            for (size_t c = 0; c < cw; c++)
                acc[c] = 0;
            for (size_t t = t0; t < t1; t++)
                for (size_t c = 0; c < cw; c++)
                    acc[c] += x[t * d + c0 + c];
            for (size_t c = 0; c < cw; c++)
                out[j * d + c0 + c] = div ? (float)(acc[c] / (double)div) : 0.0f;
        }
    }
}

int ab_nystrom_select(size_t n, size_t m, int selection, uint64_t seed, size_t *idx)
{
    if (selection != AB_SEL_RANDOM) {
        for (size_t l = 0; l < m; l++) /* strided */
            idx[l] = l * n / m;
        return 0;
    }
    /* partial Fisher-Yates over 0..n-1, then sorted */
    struct ab_rng r;
    ab_rng_seed(&r, seed, 0x53454c);
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return -1;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)ab_rng_below(&r, n - i), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    for (size_t i = 0; i < m; i++)
        idx[i] = perm[i];
    free(perm);
    for (size_t i = 1; i < m; i++) /* insertion sort: m is small */
        for (size_t j = i; j > 0 && idx[j] < idx[j - 1]; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1], idx[j - 1] = t;
        }
    return 0;
}

void ab_nystrom_importance(const float *q, const float *k, size_t n, size_t d, size_t m,
                           uint64_t seed, float *scratch, size_t *idx)
{
    (void)q;
    float *score = scratch, *row = score + n, *hk = row + n, *heap = hk + n;
    float sc = (float)(1.0 / sqrt((double)d));
    size_t sk = m < n ? m : n;
    for (size_t j = 0; j < n; j++) { /* s |k_j|^2 / 2 */
        double n2 = 0;
        for (size_t c = 0; c < d; c++)
            n2 += (double)k[j * d + c] * k[j * d + c];
        hk[j] = (float)(0.5 * n2) * sc;
        score[j] = 0;
    }
    for (size_t l = 0; l < sk; l++) { /* the sketch: strided keys; densities */
        size_t t = l * n / sk;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, sc, k, (int)d, k + t * d, 1, 0.0f,
                    row, 1);
        for (size_t j = 0; j < n; j++)
            score[j] += expf(row[j] - hk[j] - hk[t]); /* kappa(k_j, k_t) <= 1 */
    }
    for (size_t j = 0; j < n; j++) /* tau_j ~ 1 / (1 + density) */
        score[j] = 1.0f / (1.0f + score[j] * (float)n / (float)sk);
    double total = 0;
    for (size_t j = 0; j < n; j++)
        total += score[j];
    /* Efraimidis-Spirakis: the M largest log(u_j) / p_j, kept in a min-heap */
    struct ab_rng r;
    ab_rng_seed(&r, seed, 0x494d50);
    size_t cnt = 0;
    for (size_t j = 0; j < n; j++) {
        double pj = 0.5 * (total > 0 ? score[j] / total : 0.0) + 0.5 / (double)n;
        float key = (float)(log(1.0 - ab_rng_uniform(&r)) / pj);
        if (cnt == m && key <= heap[0])
            continue;
        size_t at;
        if (cnt < m) { /* sift up */
            at = cnt++;
            while (at && heap[(at - 1) / 2] > key) {
                heap[at] = heap[(at - 1) / 2], idx[at] = idx[(at - 1) / 2];
                at = (at - 1) / 2;
            }
        } else { /* replace the root, sift down */
            at = 0;
            for (;;) {
                size_t c = 2 * at + 1;
                if (c >= m)
                    break;
                if (c + 1 < m && heap[c + 1] < heap[c])
                    c++;
                if (heap[c] >= key)
                    break;
                heap[at] = heap[c], idx[at] = idx[c];
                at = c;
            }
        }
        heap[at] = key, idx[at] = j;
    }
    for (size_t i = 1; i < m; i++) /* ascending token order */
        for (size_t j = i; j > 0 && idx[j] < idx[j - 1]; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1], idx[j - 1] = t;
        }
}

/* Z ~ A^+ by the iteration, from Z0 = A^T / c. tmp: 3 M^2 floats. */
void ab_nystrom_pinv_iterative(const float *a, size_t M, int iters, float c, float *z, float *tmp,
                               int threads)
{
    ab_nystrom_pinv_iterative_prec(a, M, iters, c, z, tmp, threads, AB_PREC_FP32);
}

void ab_nystrom_pinv_iterative_prec(const float *a, size_t M, int iters, float c, float *z,
                                    float *tmp, int threads, int precision)
{
    float *az = tmp, *t1 = tmp + M * M, *t2 = tmp + 2 * M * M;
    size_t mm = M * M;
    for (size_t r = 0; r < M; r++)
        for (size_t cc = 0; cc < M; cc++)
            z[r * M + cc] = a[cc * M + r] / c;
    ab_round(z, mm, precision);
    for (int it = 0; it < iters; it++) {
        ab_sgemm_par(M, M, M, 1.0f, a, z, 0.0f, az, threads);
        ab_round(az, mm, precision);
        for (size_t i = 0; i < M * M; i++)
            t1[i] = -az[i];
        for (size_t i = 0; i < M; i++)
            t1[i * M + i] += 7.0f; /* t1 = 7I - AZ */
        ab_round(t1, mm, precision);
        ab_sgemm_par(M, M, M, -1.0f, az, t1, 0.0f, t2, threads);
        for (size_t i = 0; i < M; i++)
            t2[i * M + i] += 15.0f; /* t2 = 15I - AZ t1 */
        ab_round(t2, mm, precision);
        ab_sgemm_par(M, M, M, -1.0f, az, t2, 0.0f, t1, threads);
        for (size_t i = 0; i < M; i++)
            t1[i * M + i] += 13.0f; /* t1 = 13I - AZ t2 */
        ab_round(t1, mm, precision);
        ab_sgemm_par(M, M, M, 0.25f, z, t1, 0.0f, t2, threads);
        memcpy(z, t2, M * M * sizeof(float));
        ab_round(z, mm, precision); /* the iterate Z, stored in the format */
    }
}

float ab_nystrom_colmax(const float *a, size_t M)
{
    float best = 0;
    for (size_t c = 0; c < M; c++) {
        double sum = 0;
        for (size_t r = 0; r < M; r++)
            sum += fabsf(a[r * M + c]);
        if ((float)sum > best)
            best = (float)sum;
    }
    return best;
}

size_t ab_nystrom_svd_lwork(size_t M)
{
    double q = 0, dummy = 0;
    int idummy = 0, Mi = (int)M;
    if (LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', Mi, Mi, &dummy, Mi, &dummy, &dummy, Mi, &dummy, Mi,
                            &q, -1, &idummy) != 0)
        return 0;
    return (size_t)q + 1;
}

/* A^+ in float64 by SVD into zout (M x M row-major), singular values below
 * rcond * sigma_max dropped. a: M x M row-major float. work: svd_stride
 * doubles; iwork: 8M ints. Returns the LAPACK info. */
int ab_nystrom_pinv_svd(size_t M, size_t lwork, const float *a, double *zout, double *work,
                        int *iwork)
{
    double *x = work, *u = x + M * M, *vt = u + M * M, *sv = vt + M * M, *wk = sv + M;
    int Mi = (int)M;
    /* The row-major A read as column-major is X = A^T. X = U S V^T, so
     * A^+ = (X^+)^T = U S^+ V^T, with U, V^T column-major. */
    for (size_t i = 0; i < M * M; i++)
        x[i] = a[i];
    int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', Mi, Mi, x, Mi, sv, u, Mi, vt, Mi, wk,
                                   (int)lwork, iwork);
    if (info != 0)
        return info;
    double cut = (double)M * (double)FLT_EPSILON * sv[0];
    for (size_t k = 0; k < M; k++) {
        double inv = sv[k] > cut ? 1.0 / sv[k] : 0.0;
        for (size_t i = 0; i < M; i++)
            u[k * M + i] *= inv; /* column k of U */
    }
    /* zout row-major [i][j] = sum_k U[i,k] VT[k,j]: computed as the
     * column-major product (U S^+ VT)^T = VT^T (U S^+)^T. */
    cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, Mi, Mi, Mi, 1.0, vt, Mi, u, Mi, 0.0, zout, Mi);
    return 0;
}

int ab_nystrom_pinv_quality(size_t M, size_t lwork, const float *a, const float *z, double *work,
                            int *iwork, double *resid, double *vs)
{
    int Mi = (int)M;
    double *zs = work + 3 * M * M + M + lwork, *ad = zs + M * M, *az = ad + M * M;
    double *zd = work; /* scratch until the SVD overwrites it */
    for (size_t i = 0; i < M * M; i++)
        ad[i] = a[i], zd[i] = z[i];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Mi, Mi, Mi, 1.0, ad, Mi, zd, Mi, 0.0, az,
                Mi);
    double r2 = 0;
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < M; j++) {
            double e = (i == j ? 1.0 : 0.0) - az[i * M + j];
            r2 += e * e;
        }
    *resid = sqrt(r2);
    if (ab_nystrom_pinv_svd(M, lwork, a, zs, work, iwork))
        return 1;
    double num = 0, den = 0;
    for (size_t i = 0; i < M * M; i++) {
        double e = (double)z[i] - zs[i];
        num += e * e;
        den += zs[i] * zs[i];
    }
    *vs = den > 0 ? sqrt(num / den) : sqrt(num);
    return 0;
}
