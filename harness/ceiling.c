/* ceiling.c — see ceiling.h. */
#include "ceiling.h"

#include "threads.h"
#include "base/util.h"

#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

double ab_sgemm_rate(size_t M, size_t N, size_t K, int threads, int trans_b, double seconds)
{
    /* A fresh measurement process's first tens of milliseconds run slow (idle
     * vCPUs, cold caches; experiments/perf-notes.md): warm up for a third of
     * the time, then time three windows and keep the best — a ceiling. */
    enum { WINDOWS = 3, MAXT = 256 };
    if (threads < 1 || threads > MAXT)
        return 0;
    ab_blas_set_threads(1);
    static long calls[WINDOWS + 1][MAXT];
    double t[WINDOWS + 1][2] = {{0}};
    int ok = 1;
    memset(calls, 0, sizeof calls);
#pragma omp parallel num_threads(threads) reduction(& : ok)
    {
        int me = omp_get_thread_num();
        float *a = ab_aligned_alloc(M * K * sizeof(float)), *b = ab_aligned_alloc(K * N * sizeof(float)),
              *c = ab_aligned_alloc(M * N * sizeof(float));
        int mine = a && b && c;
        if (mine) {
            for (size_t i = 0; i < M * K; i++)
                a[i] = (float)(i % 13) * 0.01f;
            for (size_t i = 0; i < K * N; i++)
                b[i] = (float)(i % 7) * 0.01f;
        }
        /* window 0 is the warm-up; all threads start each window together */
        for (int w = 0; w <= WINDOWS; w++) {
            double len = w == 0 ? seconds / 3 : seconds * 2 / 3 / WINDOWS;
#pragma omp barrier
#pragma omp master
            t[w][0] = ab_now();
#pragma omp barrier
            double start = t[w][0];
            while (mine && ab_now() - start < len) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)M,
                            (int)N, (int)K, 1.0f, a, (int)K, b, trans_b ? (int)K : (int)N, 0.0f, c,
                            (int)N);
                calls[w][me]++;
            }
#pragma omp barrier
#pragma omp master
            t[w][1] = ab_now();
        }
        ok = mine;
        ab_aligned_free(a), ab_aligned_free(b), ab_aligned_free(c);
    }
    if (!ok)
        return 0;
    double best = 0;
    for (int w = 1; w <= WINDOWS; w++) {
        long n = 0;
        for (int i = 0; i < threads; i++)
            n += calls[w][i];
        double dt = t[w][1] - t[w][0], rate = dt > 0 ? 2.0 * (double)M * (double)N * (double)K * (double)n / dt / 1e9 : 0;
        best = rate > best ? rate : best;
    }
    return best;
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

double ab_fma_peak(int threads, double seconds)
{
#if defined(__AVX512F__)
    long iters = 0;
    double t0 = 0, t1 = 0;
    float sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
        /* 16 independent chains (latency 4 x 2 ports x 2 to spare), registers only */
        __m512 a[16], b = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-4f);
        for (int i = 0; i < 16; i++)
            a[i] = _mm512_set1_ps((float)i * 1e-3f);
        for (int w = 0; w < 2; w++) { /* warm-up, then the timed window */
#pragma omp barrier
#pragma omp master
            t0 = ab_now();
#pragma omp barrier
            long n = 0;
            while (ab_now() - t0 < seconds / 2) {
                for (int rep = 0; rep < 1000; rep++)
#pragma GCC unroll 16
                    for (int i = 0; i < 16; i++)
                        a[i] = _mm512_fmadd_ps(a[i], b, c);
                n++;
            }
#pragma omp barrier
#pragma omp master
            t1 = ab_now(), iters = n;
        }
        for (int i = 0; i < 16; i++)
            sink += _mm512_reduce_add_ps(a[i]);
    }
    /* the master's count stands for every thread (they run the same window) */
    double flops = 2.0 * 16 * 16 * 1000 * (double)iters * threads;
    return sink == sink && t1 > t0 ? flops / (t1 - t0) / 1e9 : 0;
#else
    (void)threads, (void)seconds;
    return 0;
#endif
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

void ab_ceiling_table(size_t d, int threads, double seconds, FILE *table, FILE *csv)
{
    struct {
        const char *what;
        size_t m, n, k;
        int tiles, trans;
    } shapes[] = {
        {"tiles: exact logits (128 x d) (d x 512)", 128, 512, d, 1, 1},
        {"tiles: exact values (128 x 512) (512 x d)", 128, d, 512, 1, 0},
        {"tiles: nystrom F (256 x d) (d x 64)", 256, 64, d, 1, 1},
        {"tiles: nystrom B V (64 x 1024) (1024 x d)", 64, d, 1024, 1, 0},
        {"blas: (2048 x 2048) (2048 x 2048)", 2048, 2048, 2048, 0, 0},
        {"blas: (4096 x d) (d x 4096)", 4096, 4096, d, 0, 0},
        {"blas: (4096 x 4096) (4096 x d)", 4096, d, 4096, 0, 0},
    };
    if (csv)
        fprintf(csv, "shape,m,n,k,threads,gflops,cpu_threads_model\n");
    fprintf(table, "%-46s %8s\n", "SGEMM shape", "GFLOP/s");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        double g = shapes[i].tiles ? ab_sgemm_rate(shapes[i].m, shapes[i].n, shapes[i].k, threads,
                                                   shapes[i].trans, seconds)
                                   : ab_sgemm_rate_blas_threads(shapes[i].m, shapes[i].n, shapes[i].k,
                                                                threads, seconds);
        fprintf(table, "%-46s %8.1f\n", shapes[i].what, g);
        if (csv)
            fprintf(csv, "\"%s\",%zu,%zu,%zu,%d,%.2f,%s\n", shapes[i].what, shapes[i].m, shapes[i].n,
                    shapes[i].k, threads, g, shapes[i].tiles ? "omp-tiles" : "openblas-threads");
    }
    double c = ab_ceiling(d, d, threads, seconds);
    fprintf(table, "%-46s %8.1f\n", "ceiling (d = dv): logits + values tiles", c);
    double peak = ab_fma_peak(threads, seconds);
    if (peak > 0)
        fprintf(table, "%-46s %8.1f\n", "FMA peak (512-bit FMAs on registers)", peak);
    fprintf(table, "(%d threads, OpenBLAS %s)\n", threads, openblas_get_corename());
    if (csv) {
        fprintf(csv, "ceiling,256,1024,%zu,%d,%.2f,omp-tiles\n", d, threads, c);
        if (peak > 0)
            fprintf(csv, "fma-peak,0,0,0,%d,%.2f,registers\n", threads, peak);
    }
}
