/* cuda_kernels.h — the CUDA building blocks the CUDA methods share (CUDA
 * C++ only: included by .cu files): the fused attention kernel (online
 * softmax over key blocks in shared memory, optional key splits merged by a
 * combine kernel), the row softmax, row-major GEMMs through cuBLAS, fp16 and
 * bf16 conversion of the inputs. The arithmetic of the first two lives in
 * flash_tile.h, which tests/test_tiles.c runs on the CPU.
 *
 * Every function returns a cudaError_t (or cublasStatus_t) and launches on
 * the legacy default stream; nothing here allocates or synchronises. */
#ifndef AB_CUDA_KERNELS_H
#define AB_CUDA_KERNELS_H

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <stddef.h>

enum ab_cu_dtype { AB_CU_F32 = 0, AB_CU_F16 = 1, AB_CU_BF16 = 2 };

/* Blocks a launch should have to fill an H100/H200 (132 SMs) about twice
 * over; a constant, not a device query, so that `estimate` (in the parent
 * process, which never touches CUDA) and the run agree on the key splits. */
#define AB_CU_TARGET_BLOCKS 512

/* Fused attention: for each head h, O_h = softmax(scale Q_h K_h^T) V_h with
 * Q_h (nq x d), K_h (nk x d), V_h (nk x dv), element type dtype, rows
 * contiguous, heads `*_hs` elements apart. out: float, (nq x dv) per head,
 * heads out_hs apart. lse (optional): (H, nq) log-normalisers. */
struct ab_cu_flash {
    int dtype;
    size_t heads, nq, nk;
    int d, dv;
    const void *q, *k, *v;
    size_t q_hs, k_hs, v_hs;
    float scale;
    float *out;
    size_t out_hs;
    float *lse;
    /* key splits (ab_cu_flash_plan): nsplit > 1 needs `part` with
     * ab_cu_flash_part_floats() floats */
    int nsplit;
    size_t split_len;
    float *part;
    /* fp16 / bf16 only: the tensor-core kernel (flash_tc.h) instead of the
     * CUDA-core one; needs D and DV multiples of 16 up to 128 */
    int tensor_cores;
};

/* NULL if the fused kernel takes these sizes, else why not. */
const char *ab_cu_flash_unsupported(int d, int dv, size_t heads);
const char *ab_cu_flash_tc_unsupported(int d, int dv);
/* Choose the key splits (nsplit, split_len) for the sizes in f. */
void ab_cu_flash_plan(struct ab_cu_flash *f);
size_t ab_cu_flash_part_floats(const struct ab_cu_flash *f);
cudaError_t ab_cu_flash_run(const struct ab_cu_flash *f);

/* Row softmax in place: `groups` groups of `rows` rows of n floats; row r of
 * group g starts at x + g * group_stride + r * ld. */
cudaError_t ab_cu_softmax_rows(float *x, size_t rows, size_t groups, size_t n, size_t ld,
                               size_t group_stride);

/* Row-major, strided-batched: C_i (m x n) = alpha op(A_i) op(B_i) + beta C_i,
 * op = transpose when trans is 1; X_i = X + i * strideX. */
cublasStatus_t ab_cu_gemm(cublasHandle_t h, int transA, int transB, int m, int n, int k,
                          float alpha, const float *A, int lda, long long sA, const float *B,
                          int ldb, long long sB, float beta, float *C, int ldc, long long sC,
                          int batch);
const char *ab_cublas_name(cublasStatus_t s);
/* A cuBLAS handle for the methods' products: created, given `ws` (ws_bytes
 * of device memory the method allocated, so that it is counted) as its
 * workspace, and set to true float32 math (no TF32). On failure *h may
 * still need cublasDestroy: *created says whether it was made. */
cublasStatus_t ab_cu_blas_create(cublasHandle_t *h, void *ws, size_t ws_bytes, int *created);
/* The attnbench status of a CUDA error: AB_ENOMEM for an allocation, else AB_EIO. */
int ab_cu_status(cudaError_t e);
/* x rounded up to a multiple of 256 bytes (cudaMalloc's alignment). */
static inline size_t ab_cu_up256(size_t x) { return (x + 255) & ~(size_t)255; }

/* dst[i] = (dtype) src[i] (float -> fp16 / bf16) for i < n; counts into
 * *overflow (device int, may be NULL) the values whose conversion is not
 * finite although the input was (fp16: |x| > 65504). */
cudaError_t ab_cu_convert(int dtype, const float *src, void *dst, size_t n, int *overflow);
size_t ab_cu_dtype_size(int dtype);

#endif
