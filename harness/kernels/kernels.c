/* kernels.c — see kernels.h. The loops are written so that gcc -O3
 * vectorises them (no calls, no branches in the body).
 * Tests: tests/test_kernels.c. */
#include "kernels/kernels.h"
#include "kernels/expf.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

void ab_exp_inplace(float *x, size_t n)
{
    size_t i = 0;
#if defined(__AVX512F__)
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(x + i, ab_exp16(_mm512_loadu_ps(x + i)));
#endif
    for (; i < n; i++) {
        float in = x[i];
        float e = ab_expf_core(in);
        e = in < AB_EXPF_LO ? 0.0f : e;
        e = in > AB_EXPF_HI ? INFINITY : e;
        x[i] = in != in ? in : e;
    }
}

double ab_exp_shift_sum(float *x, size_t n, float shift)
{
    /* 16 float partial sums (one AVX-512 register), combined in double at the
     * end, in a fixed order, so the result does not depend on threads.
     * Callers pass at most a tile of keys (<= ~1024 values): each lane adds
     * <= 64 terms in [0, 1], a relative error below 4e-6 worst case. */
    float lane[16] = {0};
    size_t i = 0;
#if defined(__AVX512F__)
    __m512 acc = _mm512_setzero_ps(), sh = _mm512_set1_ps(shift);
    for (; i + 16 <= n; i += 16) {
        __m512 e = ab_exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), sh));
        _mm512_storeu_ps(x + i, e);
        acc = _mm512_add_ps(acc, e);
    }
    _mm512_storeu_ps(lane, acc);
#else
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) {
            float in = x[i + j] - shift;
            float e = ab_expf_core(in);
            e = in < AB_EXPF_LO ? 0.0f : e;
            x[i + j] = e;
            lane[j] += e;
        }
#endif
    double s = 0;
    for (; i < n; i++) {
        float in = x[i] - shift;
        float e = ab_expf_core(in);
        e = in < AB_EXPF_LO ? 0.0f : e;
        x[i] = e;
        s += e;
    }
    for (int j = 0; j < 16; j++)
        s += lane[j];
    return s;
}

float ab_max(const float *x, size_t n)
{
    float lane[16];
    for (int j = 0; j < 16; j++)
        lane[j] = -INFINITY;
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++)
            lane[j] = x[i + j] > lane[j] ? x[i + j] : lane[j];
    float m = -INFINITY;
    for (; i < n; i++)
        m = x[i] > m ? x[i] : m;
    for (int j = 0; j < 16; j++)
        m = lane[j] > m ? lane[j] : m;
    return m;
}

void ab_softmax_rows(float *a, size_t rows, size_t cols, size_t ld, float *lse)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = a + r * ld;
        float mx = ab_max(row, cols);
        double s = ab_exp_shift_sum(row, cols, mx);
        float inv = (float)(1.0 / s);
        for (size_t c = 0; c < cols; c++)
            row[c] *= inv;
        if (lse)
            lse[r] = mx + (float)log(s);
    }
}

void ab_online_softmax_step(float *L, size_t rows, size_t cols, float *m, float *l, float *acc,
                            size_t dv)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = L + r * cols;
        float bmax = ab_max(row, cols);
        float mnew = bmax > m[r] ? bmax : m[r];
        float alpha = m[r] == -INFINITY ? 0.0f : expf(m[r] - mnew);
        double s = ab_exp_shift_sum(row, cols, mnew);
        l[r] = l[r] * alpha + (float)s;
        m[r] = mnew;
        if (acc && alpha != 1.0f) {
            float *ar = acc + r * dv;
            for (size_t c = 0; c < dv; c++)
                ar[c] *= alpha;
        }
    }
}

void ab_attend_rows(const float *q, size_t rows, const float *k, const float *v, size_t nkeys,
                    size_t d, size_t dv, size_t tk, float scale, float *out, float *work)
{
    float *L = work, *m = work + rows * tk, *l = m + rows;
    for (size_t r = 0; r < rows; r++) {
        m[r] = -INFINITY;
        l[r] = 0.0f;
    }
    memset(out, 0, rows * dv * sizeof(float)); /* the accumulator lives in the output */
    for (size_t c0 = 0; c0 < nkeys; c0 += tk) {
        size_t cols = nkeys - c0 < tk ? nkeys - c0 : tk;
        /* L (rows x cols) = scale * q (rows x D) * k_block^T (D x cols) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)d, scale, q,
                    (int)d, k + c0 * d, (int)d, 0.0f, L, (int)cols);
        ab_online_softmax_step(L, rows, cols, m, l, out, dv);
        /* acc (rows x DV) += P (rows x cols) * v_block (cols x DV) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)dv, (int)cols, 1.0f, L,
                    (int)cols, v + c0 * dv, (int)dv, 1.0f, out, (int)dv);
    }
    for (size_t r = 0; r < rows; r++) {
        float inv = 1.0f / l[r];
        for (size_t c = 0; c < dv; c++)
            out[r * dv + c] *= inv;
    }
}

void ab_sgemm_par(size_t M, size_t N, size_t K, float alpha, const float *A, const float *B,
                  float beta, float *C, int threads)
{
    size_t parts = threads > 1 && N >= 64 ? (size_t)threads : 1;
    size_t w = ((N + parts - 1) / parts + 15) & ~(size_t)15; /* 64-byte column blocks */
#pragma omp parallel for schedule(static) num_threads((int)parts) if (parts > 1)
    for (long p = 0; p < (long)parts; p++) {
        size_t c0 = (size_t)p * w, c1 = c0 + w < N ? c0 + w : N;
        if (c0 < c1)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)(c1 - c0), (int)K, alpha,
                        A, (int)K, B + c0, (int)N, beta, C + c0, (int)N);
    }
}
