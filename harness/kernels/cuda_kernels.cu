/* cuda_kernels.cu — see cuda_kernels.h. The kernels are shells around
 * flash_tile.h: global loads, the barriers between phases, the launches.
 * Tests: tests/test_tiles.c (the arithmetic, on the CPU), tests/test_backends.c
 * (every CUDA method against the float64 oracle, on a GPU). */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

/* element conversion for flash_tile.h's loader (before including it) */
static __host__ __device__ __forceinline__ float ab_ft_to_float(float x) { return x; }
static __host__ __device__ __forceinline__ float ab_ft_to_float(__half x) { return __half2float(x); }
static __host__ __device__ __forceinline__ float ab_ft_to_float(__nv_bfloat16 x)
{
    return __bfloat162float(x);
}

#include "attnbench.h"
#include "kernels/cuda_kernels.h"
#include "kernels/flash_tc.h"
#include "kernels/flash_tile.h"

/* ---- fused attention ---- */

struct flash_args {
    const void *q, *k, *v;
    size_t q_hs, k_hs, v_hs, nq, nk, split_len, out_hs;
    int d, dv, nsplit;
    float qmul; /* scale * log2(e): base-2 logits */
    float *out, *lse;
    float *pacc, *pm, *pl; /* splits: (H, nsplit, nq) x dv, and x 1 twice */
};

/* One block: query rows [q0, q0 + BQ) of head blockIdx.y against the keys
 * of split blockIdx.z. The barrier after each phase is the one that
 * tests/test_tiles.c models as the end of a loop over threads. */
template <typename T, int JO>
__global__ void __launch_bounds__(AB_FT_THREADS) flash_kernel(const flash_args a)
{
    extern __shared__ float smem[];
    const struct ab_ft_smem sm = ab_ft_carve(smem, a.d, a.dv);
    const int tid = (int)threadIdx.x;
    const size_t h = blockIdx.y;
    const int sp = (int)blockIdx.z;
    const size_t q0 = (size_t)blockIdx.x * AB_FT_BQ;
    const int qvalid = (int)(a.nq - q0 < AB_FT_BQ ? a.nq - q0 : AB_FT_BQ);
    const T *q = static_cast<const T *>(a.q) + h * a.q_hs + q0 * (size_t)a.d;
    const T *k = static_cast<const T *>(a.k) + h * a.k_hs;
    const T *v = static_cast<const T *>(a.v) + h * a.v_hs;

    ab_ft_load_rows<T>(sm.qs, sm.ldq, q, a.d, AB_FT_BQ, qvalid, a.qmul, tid, AB_FT_THREADS);
    struct ab_ft_thread t;
    ab_ft_thread_init(&t);
    const size_t kb = (size_t)sp * a.split_len;
    const size_t ke = kb + a.split_len < a.nk ? kb + a.split_len : a.nk;
    for (size_t k0 = kb; k0 < ke; k0 += AB_FT_BK) {
        const int kv = (int)(ke - k0 < AB_FT_BK ? ke - k0 : AB_FT_BK);
        ab_ft_load_rows<T>(sm.ks, sm.ldk, k + k0 * (size_t)a.d, a.d, AB_FT_BK, kv, 1.0f, tid,
                           AB_FT_THREADS);
        ab_ft_load_rows<T>(sm.vs, sm.ldv, v + k0 * (size_t)a.dv, a.dv, AB_FT_BK, kv, 1.0f, tid,
                           AB_FT_THREADS);
        __syncthreads(); /* qs (first step), ks, vs written */
        ab_ft_phase_s(&sm, tid, a.d, kv, &t);
        __syncthreads(); /* rmax written */
        ab_ft_phase_p(&sm, tid, &t);
        __syncthreads(); /* ps, rsum written */
        ab_ft_phase_o(&sm, tid, a.dv, kv, JO, &t);
        __syncthreads(); /* ks, vs, ps, rmax, rsum free for the next step */
    }
    const int r = tid / AB_FT_G;
    const size_t row = q0 + (size_t)r;
    const int valid = r < qvalid;
    if (a.nsplit == 1) {
        ab_ft_finish(&t, tid, a.dv, JO, a.out + h * a.out_hs + row * (size_t)a.dv,
                     a.lse ? a.lse + h * a.nq + row : NULL, valid);
    } else {
        const size_t pr = (h * (size_t)a.nsplit + (size_t)sp) * a.nq + row;
        ab_ft_finish_partial(&t, tid, a.dv, JO, a.pacc + pr * (size_t)a.dv, a.pm + pr, a.pl + pr,
                             valid);
    }
}

/* The tensor-core variant (fp16 / bf16): 4 warps, the phases of
 * flash_tc.h, the barriers tests/test_tiles.c models. */
template <typename T>
__global__ void __launch_bounds__(AB_TC_THREADS) flash_tc_kernel(const flash_args a)
{
    extern __shared__ __align__(128) unsigned char smem_tc[];
    struct ab_tc_smem sm;
    sm.L = ab_tc_layout_for(a.d, a.dv, sizeof(T));
    sm.qs = smem_tc + sm.L.off[0];
    sm.ks = smem_tc + sm.L.off[1];
    sm.vs = smem_tc + sm.L.off[2];
    sm.ph = smem_tc + sm.L.off[3];
    sm.sf = reinterpret_cast<float *>(smem_tc + sm.L.off[4]);
    sm.of = reinterpret_cast<float *>(smem_tc + sm.L.off[5]);
    sm.m = reinterpret_cast<float *>(smem_tc + sm.L.off[6]);
    sm.l = reinterpret_cast<float *>(smem_tc + sm.L.off[7]);
    sm.alpha = reinterpret_cast<float *>(smem_tc + sm.L.off[8]);
    sm.red = reinterpret_cast<float *>(smem_tc + sm.L.off[9]);
    sm.red2 = reinterpret_cast<float *>(smem_tc + sm.L.off[10]);
    const int tid = (int)threadIdx.x, w = tid / 32, lane = tid % 32;
    const size_t h = blockIdx.y;
    const int sp = (int)blockIdx.z;
    const size_t q0 = (size_t)blockIdx.x * AB_TC_BQ;
    const int qvalid = (int)(a.nq - q0 < AB_TC_BQ ? a.nq - q0 : AB_TC_BQ);
    const T *q = static_cast<const T *>(a.q) + h * a.q_hs + q0 * (size_t)a.d;
    const T *k = static_cast<const T *>(a.k) + h * a.k_hs;
    const T *v = static_cast<const T *>(a.v) + h * a.v_hs;

    ab_tc_load_rows<T>(static_cast<T *>(sm.qs), sm.L.ldq, q, a.d, AB_TC_BQ, qvalid, tid);
    ab_tc_init(&sm, tid, a.dv);
    const size_t kb = (size_t)sp * a.split_len;
    const size_t ke = kb + a.split_len < a.nk ? kb + a.split_len : a.nk;
    for (size_t k0 = kb; k0 < ke; k0 += AB_TC_BK) {
        const int kv = (int)(ke - k0 < AB_TC_BK ? ke - k0 : AB_TC_BK);
        ab_tc_load_rows<T>(static_cast<T *>(sm.ks), sm.L.ldk, k + k0 * (size_t)a.d, a.d, AB_TC_BK,
                           kv, tid);
        ab_tc_load_rows<T>(static_cast<T *>(sm.vs), sm.L.ldv, v + k0 * (size_t)a.dv, a.dv,
                           AB_TC_BK, kv, tid);
        __syncthreads(); /* qs, of, m, l (first step), ks, vs written */
        ab_tc_phase_s<T>(&sm, w, a.d);
        __syncwarp(); /* sf */
        ab_tc_phase_p(&sm, w, lane, kv, a.qmul);
        __syncwarp(); /* red */
        ab_tc_phase_p2<T>(&sm, w, lane, kv, a.qmul, a.dv);
        __syncwarp(); /* ph, red2, alpha, of rescaled */
        ab_tc_phase_l(&sm, w, lane, a.qmul, kv);
        __syncwarp(); /* m, l */
        ab_tc_phase_o<T>(&sm, w, a.dv);
        __syncthreads(); /* of; ks, vs free for the next step */
    }
    const int r = 16 * w + lane / 2;
    const size_t row = q0 + (size_t)r;
    const int valid = r < qvalid;
    if (a.nsplit == 1) {
        ab_tc_finish(&sm, w, lane, a.dv, valid, a.out + h * a.out_hs + row * (size_t)a.dv,
                     a.lse ? a.lse + h * a.nq + row : NULL, NULL, NULL, NULL);
    } else {
        const size_t pr = (h * (size_t)a.nsplit + (size_t)sp) * a.nq + row;
        ab_tc_finish(&sm, w, lane, a.dv, valid, NULL, NULL, a.pacc + pr * (size_t)a.dv, a.pm + pr,
                     a.pl + pr);
    }
}

/* Merge the splits: one thread per (head, row, output column). */
__global__ void combine_kernel(const flash_args a, size_t heads)
{
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const size_t dv = (size_t)a.dv, total = heads * a.nq * dv;
    if (i >= total)
        return;
    const int c = (int)(i % dv);
    const size_t row = i / dv % a.nq, h = i / dv / a.nq;
    const size_t p0 = h * (size_t)a.nsplit * a.nq + row;
    float lse;
    const float val = ab_ft_combine(a.pacc + p0 * dv, a.nq * dv, a.pm + p0, a.pl + p0, a.nq,
                                    a.nsplit, c, &lse);
    a.out[h * a.out_hs + row * dv + (size_t)c] = val;
    if (a.lse && c == 0)
        a.lse[h * a.nq + row] = lse;
}

const char *ab_cu_flash_tc_unsupported(int d, int dv) { return ab_tc_unsupported(d, dv); }

const char *ab_cu_flash_unsupported(int d, int dv, size_t heads)
{
    if (d < 1 || d > AB_FT_MAX_D)
        return "the fused kernel takes head dims D up to 256";
    if (dv < 1 || dv > AB_FT_MAX_DV)
        return "the fused kernel takes value dims DV up to 128";
    if (heads > 65535)
        return "the fused kernel takes at most 65535 heads";
    return NULL;
}

void ab_cu_flash_plan(struct ab_cu_flash *f)
{
    size_t qblocks = (f->nq + AB_FT_BQ - 1) / AB_FT_BQ;
    ab_ft_plan_splits(f->nk, f->heads * qblocks, AB_CU_TARGET_BLOCKS, &f->nsplit, &f->split_len);
}

size_t ab_cu_flash_part_floats(const struct ab_cu_flash *f)
{
    return f->nsplit > 1 ? f->heads * (size_t)f->nsplit * f->nq * ((size_t)f->dv + 2) : 0;
}

template <typename T, int JO>
static cudaError_t launch_flash(const flash_args &a, dim3 grid, size_t smem)
{
    if (smem > 48 * 1024) {
        cudaError_t e = cudaFuncSetAttribute(flash_kernel<T, JO>,
                                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             (int)smem);
        if (e != cudaSuccess)
            return e;
    }
    flash_kernel<T, JO><<<grid, AB_FT_THREADS, smem>>>(a);
    return cudaGetLastError();
}

template <typename T>
static cudaError_t launch_flash_tc(const flash_args &a, dim3 grid)
{
    const size_t smem = ab_tc_layout_for(a.d, a.dv, sizeof(T)).bytes;
    if (smem > 48 * 1024) {
        cudaError_t e = cudaFuncSetAttribute(flash_tc_kernel<T>,
                                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             (int)smem);
        if (e != cudaSuccess)
            return e;
    }
    flash_tc_kernel<T><<<grid, AB_TC_THREADS, smem>>>(a);
    return cudaGetLastError();
}

template <typename T>
static cudaError_t launch_flash_t(const flash_args &a, dim3 grid, size_t smem)
{
    return ab_ft_jo_for(a.dv) == 16 ? launch_flash<T, 16>(a, grid, smem)
                                    : launch_flash<T, 32>(a, grid, smem);
}

cudaError_t ab_cu_flash_run(const struct ab_cu_flash *f)
{
    if (ab_cu_flash_unsupported(f->d, f->dv, f->heads) || f->nsplit < 1 ||
        (f->nsplit > 1 && !f->part) ||
        (f->tensor_cores && (f->dtype == AB_CU_F32 || ab_tc_unsupported(f->d, f->dv))))
        return cudaErrorInvalidValue;
    if (f->nq == 0 || f->heads == 0)
        return cudaSuccess;
    flash_args a;
    a.q = f->q, a.k = f->k, a.v = f->v;
    a.q_hs = f->q_hs, a.k_hs = f->k_hs, a.v_hs = f->v_hs;
    a.nq = f->nq, a.nk = f->nk, a.split_len = f->split_len, a.out_hs = f->out_hs;
    a.d = f->d, a.dv = f->dv, a.nsplit = f->nsplit;
    a.qmul = f->scale * AB_FT_LOG2E;
    a.out = f->out, a.lse = f->lse;
    size_t prow = f->heads * (size_t)f->nsplit * f->nq;
    a.pacc = f->part;
    a.pm = f->part ? f->part + prow * (size_t)f->dv : NULL;
    a.pl = f->part ? a.pm + prow : NULL;
    size_t qblocks = (f->nq + AB_FT_BQ - 1) / AB_FT_BQ;
    if (qblocks > 0x7fffffffu)
        return cudaErrorInvalidValue;
    dim3 grid((unsigned)qblocks, (unsigned)f->heads, (unsigned)f->nsplit);
    size_t smem = ab_ft_smem_floats(f->d, f->dv) * sizeof(float);
    cudaError_t e;
    switch (f->dtype) {
    case AB_CU_F32:
        e = launch_flash_t<float>(a, grid, smem);
        break;
    case AB_CU_F16:
        e = f->tensor_cores ? launch_flash_tc<__half>(a, grid)
                            : launch_flash_t<__half>(a, grid, smem);
        break;
    case AB_CU_BF16:
        e = f->tensor_cores ? launch_flash_tc<__nv_bfloat16>(a, grid)
                            : launch_flash_t<__nv_bfloat16>(a, grid, smem);
        break;
    default:
        return cudaErrorInvalidValue;
    }
    if (e != cudaSuccess || f->nsplit == 1)
        return e;
    size_t total = f->heads * f->nq * (size_t)f->dv, blocks = (total + 255) / 256;
    if (blocks > 0x7fffffffu)
        return cudaErrorInvalidValue;
    combine_kernel<<<(unsigned)blocks, 256>>>(a, f->heads);
    return cudaGetLastError();
}

/* ---- row softmax ---- */

enum { SM_THREADS = 256 };

__global__ void __launch_bounds__(SM_THREADS)
    softmax_kernel(float *x, size_t n, size_t ld, size_t group_stride)
{
    __shared__ float red[SM_THREADS], red2[SM_THREADS];
    float *row = x + blockIdx.y * group_stride + blockIdx.x * ld;
    const int tid = (int)threadIdx.x;
    ab_sm_phase_max(row, n, tid, SM_THREADS, red);
    __syncthreads();
    ab_sm_phase_exp(row, n, tid, SM_THREADS, red, red2);
    __syncthreads();
    ab_sm_phase_norm(row, n, tid, SM_THREADS, red2);
}

cudaError_t ab_cu_softmax_rows(float *x, size_t rows, size_t groups, size_t n, size_t ld,
                               size_t group_stride)
{
    if (rows == 0 || groups == 0)
        return cudaSuccess;
    if (rows > 0x7fffffffu || groups > 65535)
        return cudaErrorInvalidValue;
    softmax_kernel<<<dim3((unsigned)rows, (unsigned)groups), SM_THREADS>>>(x, n, ld, group_stride);
    return cudaGetLastError();
}

/* ---- GEMM ---- */

cublasStatus_t ab_cu_gemm(cublasHandle_t h, int transA, int transB, int m, int n, int k,
                          float alpha, const float *A, int lda, long long sA, const float *B,
                          int ldb, long long sB, float beta, float *C, int ldc, long long sC,
                          int batch)
{
    const struct ab_gemm_cm g = ab_gemm_rm(transA, transB, m, n, k, lda, ldb);
    return cublasSgemmStridedBatched(h, g.transa ? CUBLAS_OP_T : CUBLAS_OP_N,
                                     g.transb ? CUBLAS_OP_T : CUBLAS_OP_N, g.m, g.n, g.k, &alpha,
                                     B, g.lda, sB, A, g.ldb, sA, &beta, C, ldc, sC, batch);
}

const char *ab_cublas_name(cublasStatus_t s)
{
    switch (s) {
    case CUBLAS_STATUS_SUCCESS:
        return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED:
        return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED:
        return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE:
        return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH:
        return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_EXECUTION_FAILED:
        return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_NOT_SUPPORTED:
        return "CUBLAS_STATUS_NOT_SUPPORTED";
    default:
        return "CUBLAS_STATUS_(other)";
    }
}

/* ---- conversion ---- */

template <typename T> __device__ T from_float(float x);
template <> __device__ __half from_float<__half>(float x) { return __float2half_rn(x); }
template <> __device__ __nv_bfloat16 from_float<__nv_bfloat16>(float x)
{
    return __float2bfloat16_rn(x);
}

template <typename T>
__global__ void convert_kernel(const float *src, T *dst, size_t n, int *overflow)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x) {
        const float x = src[i];
        const T y = from_float<T>(x);
        dst[i] = y;
        if (overflow && isfinite(x) && !isfinite(ab_ft_to_float(y)))
            atomicAdd(overflow, 1);
    }
}

size_t ab_cu_dtype_size(int dtype) { return dtype == AB_CU_F32 ? 4 : 2; }

cudaError_t ab_cu_convert(int dtype, const float *src, void *dst, size_t n, int *overflow)
{
    if (n == 0)
        return cudaSuccess;
    size_t blocks = (n + 255) / 256;
    if (blocks > 65536)
        blocks = 65536; /* grid-stride loop covers the rest */
    switch (dtype) {
    case AB_CU_F32:
        return cudaMemcpy(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice);
    case AB_CU_F16:
        convert_kernel<__half><<<(unsigned)blocks, 256>>>(src, static_cast<__half *>(dst), n,
                                                          overflow);
        break;
    case AB_CU_BF16:
        convert_kernel<__nv_bfloat16><<<(unsigned)blocks, 256>>>(
            src, static_cast<__nv_bfloat16 *>(dst), n, overflow);
        break;
    default:
        return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

cublasStatus_t ab_cu_blas_create(cublasHandle_t *h, void *ws, size_t ws_bytes, int *created)
{
    *created = 0;
    cublasStatus_t s = cublasCreate(h);
    if (s != CUBLAS_STATUS_SUCCESS)
        return s;
    *created = 1;
    s = cublasSetWorkspace(*h, ws, ws_bytes);
    if (s == CUBLAS_STATUS_SUCCESS)
        s = cublasSetMathMode(*h, CUBLAS_DEFAULT_MATH);
    return s;
}

int ab_cu_status(cudaError_t e) { return e == cudaErrorMemoryAllocation ? AB_ENOMEM : AB_EIO; }
