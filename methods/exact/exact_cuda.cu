/* exact_cuda.cu — exact softmax attention on a CUDA GPU (`backend: cuda`),
 * O = softmax(Q K^T / sqrt(D)) V.
 *
 *   impl: fused    one kernel (harness/kernels/cuda_kernels.cu, arithmetic in
 *                  harness/kernels/flash_tile.h): per (64-query block, head) the
 *                  online softmax over 64-key blocks staged in shared memory,
 *                  the accumulator in registers; no N x N buffer, O(N D)
 *                  memory at any N. Key splits merged by a second kernel
 *                  when heads x query blocks would not fill the device.
 *                  `precision`: fp32, or fp16 / bf16 storage of Q, K, V
 *                  with float32 arithmetic and accumulation; for fp16 / bf16
 *                  `tensor_cores: true` (default) runs the two products on
 *                  tensor cores (wmma 16x16x16, float accumulation, P
 *                  rounded to fp16 / bf16: harness/kernels/flash_tc.h), false the
 *                  CUDA-core kernel.
 *   impl: chunked  query-row chunks: per chunk of R rows (all heads at
 *                  once), L = Q_chunk K^T / sqrt(D) by cuBLAS (strided
 *                  batched over heads), the row softmax kernel, O_chunk =
 *                  P V by cuBLAS. The logits buffer H x R x N floats stays
 *                  under chunk_mib (at least one row per head). float32.
 *
 * Device memory: Q, K, V (in the chosen precision) and O (float32) are the
 * method's copies, made in `prepare` (upload and conversion not timed) by
 * cudaMalloc; they are not counted in peak_bytes, like the harness-owned host
 * arrays of a CPU row. The working memory (chunked: the logits buffer and a
 * 32 MiB cuBLAS workspace; fused: the key-split partials) goes through the
 * harness's device allocator (peak_bytes). dev_mem_bytes (cudaMemGetInfo)
 * sees all of it, cuBLAS's and the context's own memory included.
 * fp16 inputs beyond 65504 in magnitude are refused in `prepare`.
 *
 * FLOPs: 2 N^2 D + 2 N^2 DV per head, as on the CPU.
 * Tests: tests/test_backends.c (against the float64 oracle: float32 < 1e-5,
 * fp16/bf16 < 1e-2), tests/test_tiles.c (the kernels' arithmetic on the CPU).
 */
#include "attnbench.h"
#include "kernels/cuda_kernels.h"
extern "C" {
#include "base/util.h"
}

#include <math.h>
#include <string.h>

enum { IMPL_FUSED = 0, IMPL_CHUNKED = 1 };

static const struct ab_param exact_cuda_params[] = {
    {.name = "impl", .type = AB_PT_ENUM, .def = "fused", .lo = 0, .hi = 0,
     .choices = "fused|chunked",
     .help = "fused: online-softmax kernel, O(N*D) memory; chunked: query-row chunks through cuBLAS"},
    {.name = "precision", .type = AB_PT_ENUM, .def = "fp32", .lo = 0, .hi = 0,
     .choices = "fp32|fp16|bf16",
     .help = "fused: storage of Q, K, V (arithmetic and accumulation in float32)"},
    {.name = "chunk_mib", .type = AB_PT_INT, .def = "1024", .lo = 1, .hi = 1 << 20,
     .choices = NULL, .help = "chunked: bound on the H x R x N logits buffer, MiB"},
    {.name = "tensor_cores", .type = AB_PT_BOOL, .def = "true", .lo = 0, .hi = 0, .choices = NULL,
     .help = "fused fp16/bf16: the products on tensor cores (wmma; P rounded to fp16/bf16); "
             "D, DV multiples of 16 up to 128"},
};

static const size_t CUBLAS_WS = 32u << 20; /* cuBLAS workspace (Hopper's recommendation) */

struct exact_cuda {
    struct ab_problem p;
    int impl, dtype;
    size_t rows; /* chunked: query rows per chunk (R) */
    cublasHandle_t blas;
    int have_blas;
    char *io;   /* cudaMalloc: Q, K, V, O */
    void *qd, *kd, *vd;
    float *od;
    float *work; /* the harness's device allocator: logits (+ cuBLAS ws) or split partials */
    struct ab_cu_flash f;
};

static int cu_fail(struct ab_err *err, cudaError_t e, const char *what)
{
    return ab_errf(err, ab_cu_status(e), "exact(cuda): %s: %s", what, cudaGetErrorString(e));
}

static size_t chunk_rows(const struct ab_problem *p, long chunk_mib)
{
    double cap = (double)chunk_mib * 1048576.0;
    double r = floor(cap / (4.0 * (double)p->n * (double)p->heads));
    if (r < 1)
        r = 1;
    if (r > (double)p->n)
        r = (double)p->n;
    return (size_t)r;
}

/* The fused launch for these sizes (device pointers filled in prepare). */
static void flash_setup(const struct ab_problem *p, int dtype, int tc, struct ab_cu_flash *f)
{
    memset(f, 0, sizeof *f);
    f->dtype = dtype;
    f->tensor_cores = tc && dtype != AB_CU_F32;
    f->heads = p->heads, f->nq = p->n, f->nk = p->n;
    f->d = (int)p->d, f->dv = (int)p->dv;
    f->q_hs = f->k_hs = p->n * p->d;
    f->v_hs = p->n * p->dv;
    f->out_hs = p->n * p->dv;
    f->scale = (float)(1.0 / sqrt((double)p->d));
    ab_cu_flash_plan(f);
}

static int exact_cuda_estimate(const struct ab_problem *p, const struct ab_values *vals,
                               struct ab_estimate *est, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL, "exact(cuda): empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)",
                       p->heads, p->n, p->d, p->dv);
    int impl = ab_values_enum(vals, "impl"), prec = ab_values_enum(vals, "precision");
    if (p->heads > 65535)
        return ab_errf(err, AB_EINVAL, "exact(cuda): at most 65535 heads, got %zu", p->heads);
    if (p->n > 0x7fffffff || p->d > 0x7fffffff || p->dv > 0x7fffffff)
        return ab_errf(err, AB_EINVAL, "exact(cuda): sizes beyond 2^31 (N=%zu)", p->n);
    double n = (double)p->n, H = (double)p->heads;
    est->flops = H * (2.0 * n * n * (double)p->d + 2.0 * n * n * (double)p->dv);
    est->budget = n;
    if (impl == IMPL_CHUNKED) {
        if (prec != AB_CU_F32)
            return ab_errf(err, AB_EINVAL,
                           "exact(cuda): impl: chunked is float32 only (precision fp16/bf16 needs "
                           "impl: fused)");
        size_t R = chunk_rows(p, ab_values_int(vals, "chunk_mib"));
        est->workspace_bytes = 4.0 * H * (double)R * n + (double)CUBLAS_WS;
    } else {
        const char *why = ab_cu_flash_unsupported((int)p->d, (int)p->dv, p->heads);
        if (why)
            return ab_errf(err, AB_EINVAL, "exact(cuda): %s (D=%zu, DV=%zu); impl: chunked takes any",
                           why, p->d, p->dv);
        int tc = ab_values_int(vals, "tensor_cores") && prec != AB_CU_F32;
        const char *twhy = tc ? ab_cu_flash_tc_unsupported((int)p->d, (int)p->dv) : NULL;
        if (twhy)
            return ab_errf(err, AB_EINVAL, "exact(cuda): %s (D=%zu, DV=%zu); set tensor_cores: false "
                           "for the CUDA-core kernel", twhy, p->d, p->dv);
        struct ab_cu_flash f;
        flash_setup(p, prec, tc, &f);
        est->workspace_bytes = 4.0 * (double)ab_cu_flash_part_floats(&f);
    }
    return AB_OK;
}

/* Upload a float32 host array into dst in `dtype`, through a float staging
 * buffer on the device (`stage`, stage_n floats); counts fp16 overflows. */
static cudaError_t upload(int dtype, const float *src, void *dst, size_t n, float *stage,
                          size_t stage_n, int *overflow)
{
    if (dtype == AB_CU_F32)
        return cudaMemcpy(dst, src, n * sizeof(float), cudaMemcpyHostToDevice);
    for (size_t i = 0; i < n; i += stage_n) {
        size_t c = n - i < stage_n ? n - i : stage_n;
        cudaError_t e = cudaMemcpy(stage, src + i, c * sizeof(float), cudaMemcpyHostToDevice);
        if (e == cudaSuccess)
            e = ab_cu_convert(dtype, stage, static_cast<char *>(dst) + i * ab_cu_dtype_size(dtype),
                              c, overflow);
        if (e != cudaSuccess)
            return e;
    }
    return cudaSuccess;
}

static int exact_cuda_prepare(const struct ab_problem *p, const struct ab_values *vals,
                              void **statep, struct ab_err *err)
{
    struct ab_estimate est;
    int rc = exact_cuda_estimate(p, vals, &est, err);
    if (rc)
        return rc;
    if (!p->dev_alloc || !p->dev_free)
        return ab_errf(err, AB_EUNSUPPORTED, "exact(cuda): the harness gave no device allocator");
    struct exact_cuda *s = static_cast<struct exact_cuda *>(p->alloc(sizeof *s));
    if (!s)
        return ab_errf(err, AB_ENOMEM, "exact(cuda): out of memory for state");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->impl = ab_values_enum(vals, "impl");
    s->dtype = ab_values_enum(vals, "precision");
    size_t H = p->heads, N = p->n, es = ab_cu_dtype_size(s->dtype);
    size_t nqk = H * N * p->d, nv = H * N * p->dv;
    size_t bytes = 2 * ab_cu_up256(nqk * es) + ab_cu_up256(nv * es) + ab_cu_up256(nv * sizeof(float));
    cudaError_t e = cudaMalloc((void **)&s->io, bytes);
    if (e != cudaSuccess) {
        s->io = NULL;
        return cu_fail(err, e, "device memory for Q, K, V and O");
    }
    s->qd = s->io;
    s->kd = s->io + ab_cu_up256(nqk * es);
    s->vd = s->io + 2 * ab_cu_up256(nqk * es);
    s->od = reinterpret_cast<float *>(s->io + 2 * ab_cu_up256(nqk * es) + ab_cu_up256(nv * es));

    /* upload (and convert) the inputs: not timed */
    float *stage = NULL;
    int *overflow = NULL;
    size_t stage_n = 0;
    if (s->dtype != AB_CU_F32) {
        stage_n = nqk > nv ? nqk : nv;
        if (stage_n > (16u << 20))
            stage_n = 16u << 20;
        e = cudaMalloc((void **)&stage, stage_n * sizeof(float) + 256);
        if (e != cudaSuccess)
            return cu_fail(err, e, "staging buffer for the conversion");
        overflow = reinterpret_cast<int *>(reinterpret_cast<char *>(stage) + stage_n * sizeof(float));
        e = cudaMemset(overflow, 0, sizeof(int));
    }
    if (e == cudaSuccess)
        e = upload(s->dtype, p->q, s->qd, nqk, stage, stage_n, overflow);
    if (e == cudaSuccess)
        e = upload(s->dtype, p->k, s->kd, nqk, stage, stage_n, overflow);
    if (e == cudaSuccess)
        e = upload(s->dtype, p->v, s->vd, nv, stage, stage_n, overflow);
    int over = 0;
    if (e == cudaSuccess && overflow)
        e = cudaMemcpy(&over, overflow, sizeof over, cudaMemcpyDeviceToHost);
    if (stage)
        cudaFree(stage);
    if (e != cudaSuccess)
        return cu_fail(err, e, "uploading Q, K, V");
    if (over)
        return ab_errf(err, AB_EINVAL,
                       "exact(cuda): %d input values lie beyond the fp16 range (|x| > 65504): use "
                       "precision: bf16 or fp32",
                       over);

    if (s->impl == IMPL_FUSED) {
        flash_setup(p, s->dtype, (int)ab_values_int(vals, "tensor_cores"), &s->f);
        s->f.q = s->qd, s->f.k = s->kd, s->f.v = s->vd, s->f.out = s->od;
        size_t pf = ab_cu_flash_part_floats(&s->f);
        if (pf) {
            s->work = static_cast<float *>(p->dev_alloc(pf * sizeof(float)));
            if (!s->work)
                return ab_errf(err, AB_ENOMEM, "exact(cuda): cannot allocate %.1f MiB of device "
                               "workspace", (double)pf * 4 / 1048576.0);
            s->f.part = s->work;
        }
    } else {
        s->rows = chunk_rows(p, ab_values_int(vals, "chunk_mib"));
        size_t lbytes = ab_cu_up256(H * s->rows * N * sizeof(float));
        s->work = static_cast<float *>(p->dev_alloc(lbytes + CUBLAS_WS));
        if (!s->work)
            return ab_errf(err, AB_ENOMEM,
                           "exact(cuda): cannot allocate %.1f MiB of device workspace (logits "
                           "buffer of %zu rows x %zu heads)",
                           (double)(lbytes + CUBLAS_WS) / 1048576.0, s->rows, H);
        cublasStatus_t bs = ab_cu_blas_create(&s->blas, reinterpret_cast<char *>(s->work) + lbytes,
                                              CUBLAS_WS, &s->have_blas);
        if (bs != CUBLAS_STATUS_SUCCESS)
            return ab_errf(err, AB_EIO, "exact(cuda): cuBLAS setup: %s", ab_cublas_name(bs));
    }
    e = cudaDeviceSynchronize();
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "prepare");
}

static int chunked_forward(struct exact_cuda *s, struct ab_err *err)
{
    const struct ab_problem *p = &s->p;
    const int N = (int)p->n, D = (int)p->d, DV = (int)p->dv, H = (int)p->heads;
    const size_t R = s->rows;
    const float scale = (float)(1.0 / sqrt((double)p->d));
    const float *q = static_cast<const float *>(s->qd), *k = static_cast<const float *>(s->kd);
    const float *v = static_cast<const float *>(s->vd);
    const long long sqk = (long long)p->n * D, sv = (long long)p->n * DV,
                    sl = (long long)R * (long long)N;
    for (size_t r0 = 0; r0 < p->n; r0 += R) {
        const int rr = (int)(p->n - r0 < R ? p->n - r0 : R);
        /* L_h (rr x N) = scale Q_h[r0 : r0 + rr] K_h^T */
        cublasStatus_t bs = ab_cu_gemm(s->blas, 0, 1, rr, N, D, scale, q + r0 * (size_t)D, D, sqk,
                                       k, D, sqk, 0.0f, s->work, N, sl, H);
        if (bs != CUBLAS_STATUS_SUCCESS)
            return ab_errf(err, AB_EIO, "exact(cuda): cuBLAS Q K^T: %s", ab_cublas_name(bs));
        cudaError_t e = ab_cu_softmax_rows(s->work, (size_t)rr, p->heads, p->n, p->n,
                                           R * p->n);
        if (e != cudaSuccess)
            return cu_fail(err, e, "softmax kernel");
        /* O_h[r0 : r0 + rr] (rr x DV) = P_h V_h */
        bs = ab_cu_gemm(s->blas, 0, 0, rr, DV, N, 1.0f, s->work, N, sl, v, DV, sv, 0.0f,
                        s->od + r0 * (size_t)DV, DV, sv, H);
        if (bs != CUBLAS_STATUS_SUCCESS)
            return ab_errf(err, AB_EIO, "exact(cuda): cuBLAS P V: %s", ab_cublas_name(bs));
    }
    return AB_OK;
}

static int exact_cuda_forward(void *state, float *out, struct ab_err *err)
{
    struct exact_cuda *s = static_cast<struct exact_cuda *>(state);
    int rc = AB_OK;
    if (s->impl == IMPL_FUSED) {
        cudaError_t e = ab_cu_flash_run(&s->f);
        if (e != cudaSuccess)
            return cu_fail(err, e, "fused kernel launch");
    } else if ((rc = chunked_forward(s, err))) {
        return rc;
    }
    cudaError_t e;
    if (out)
        e = cudaMemcpy(out, s->od, s->p.heads * s->p.n * s->p.dv * sizeof(float),
                       cudaMemcpyDeviceToHost);
    else
        e = cudaDeviceSynchronize();
    if (e == cudaSuccess)
        e = cudaGetLastError();
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "forward");
}

static void exact_cuda_release(void *state)
{
    struct exact_cuda *s = static_cast<struct exact_cuda *>(state);
    if (!s)
        return;
    if (s->have_blas)
        cublasDestroy(s->blas);
    if (s->work)
        s->p.dev_free(s->work);
    if (s->io)
        cudaFree(s->io);
    s->p.free(s);
}

extern "C" const struct ab_method ab_exact_cuda = {
    .name = "exact",
    .summary = "exact softmax attention on the GPU (fused online-softmax kernel, fp32/fp16/bf16; "
               "chunked: cuBLAS + softmax kernel)",
    .params = exact_cuda_params,
    .nparams = (int)(sizeof exact_cuda_params / sizeof exact_cuda_params[0]),
    .caps = AB_CAP_CUDA | AB_CAP_ROWS_SUM_1 | AB_CAP_EXACT,
    .estimate = exact_cuda_estimate,
    .prepare = exact_cuda_prepare,
    .forward = exact_cuda_forward,
    .rows = NULL,
    .report = NULL,
    .release = exact_cuda_release,
    .mask_note = "the CUDA kernels take no mask yet: masks are tested on the CPU methods only",
};
