/* ceiling.c — see ceiling.h. */
#include "ceiling.h"

#include "kernels.h"
#include "util.h"

#include <cblas.h>
#include <omp.h>
#include <stdlib.h>

double ab_sgemm_rate(size_t M, size_t N, size_t K, int threads, int trans_b, double seconds)
{
    ab_blas_set_threads(1);
    long calls = 0;
    double t0 = 0, t1 = 0;
    int ok = 1;
#pragma omp parallel num_threads(threads) reduction(+ : calls) reduction(& : ok)
    {
        float *a = ab_aligned_alloc(M * K * sizeof(float)), *b = ab_aligned_alloc(K * N * sizeof(float)),
              *c = ab_aligned_alloc(M * N * sizeof(float));
        if (!a || !b || !c) {
            ok = 0;
        } else {
            for (size_t i = 0; i < M * K; i++)
                a[i] = (float)(i % 13) * 0.01f;
            for (size_t i = 0; i < K * N; i++)
                b[i] = (float)(i % 7) * 0.01f;
            /* warm up, then all threads start together and run the same time */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)M, (int)N,
                        (int)K, 1.0f, a, (int)K, b, trans_b ? (int)K : (int)N, 0.0f, c, (int)N);
#pragma omp barrier
#pragma omp master
            t0 = ab_now();
#pragma omp barrier
            double start = t0;
            while (ab_now() - start < seconds) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)M,
                            (int)N, (int)K, 1.0f, a, (int)K, b, trans_b ? (int)K : (int)N, 0.0f, c,
                            (int)N);
                calls++;
            }
#pragma omp barrier
#pragma omp master
            t1 = ab_now();
        }
        ab_aligned_free(a), ab_aligned_free(b), ab_aligned_free(c);
    }
    if (!ok || t1 <= t0)
        return 0;
    return 2.0 * (double)M * (double)N * (double)K * (double)calls / (t1 - t0) / 1e9;
}

double ab_sgemm_rate_blas_threads(size_t M, size_t N, size_t K, int threads, double seconds)
{
    float *a = ab_aligned_alloc(M * K * sizeof(float)), *b = ab_aligned_alloc(K * N * sizeof(float)),
          *c = ab_aligned_alloc(M * N * sizeof(float));
    double rate = 0;
    if (a && b && c) {
        for (size_t i = 0; i < M * K; i++)
            a[i] = (float)(i % 13) * 0.01f;
        for (size_t i = 0; i < K * N; i++)
            b[i] = (float)(i % 7) * 0.01f;
        ab_blas_set_threads(threads);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)N, (int)K, 1.0f, a, (int)K, b,
                    (int)N, 0.0f, c, (int)N);
        long calls = 0;
        double t0 = ab_now(), t;
        while ((t = ab_now() - t0) < seconds || calls == 0) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)N, (int)K, 1.0f, a,
                        (int)K, b, (int)N, 0.0f, c, (int)N);
            calls++;
        }
        ab_blas_set_threads(1);
        rate = 2.0 * (double)M * (double)N * (double)K * (double)calls / t / 1e9;
    }
    ab_aligned_free(a), ab_aligned_free(b), ab_aligned_free(c);
    return rate;
}

double ab_ceiling(size_t d, size_t dv, int threads, double seconds)
{
    /* the two products of a 256-query tile against 1024 keys, equal time each:
     * the combined rate is the harmonic mean weighted by their FLOPs */
    double f1 = 2.0 * 256 * 1024 * (double)d, f2 = 2.0 * 256 * 1024 * (double)dv;
    double r1 = ab_sgemm_rate(256, 1024, d, threads, 1, seconds / 2);
    double r2 = ab_sgemm_rate(256, dv, 1024, threads, 0, seconds / 2);
    if (r1 <= 0 || r2 <= 0)
        return 0;
    return (f1 + f2) / (f1 / r1 + f2 / r2);
}
