/* nystrom_cuda.cu — Nystromformer on a CUDA GPU (`backend: cuda`): the
 * function of nystrom_cpu.c (same parameters but the CPU tile sizes, same
 * segment rule, same init scopes), all heads at once, float32.
 *
 * Per forward, for every head (s = 1/sqrt(D)):
 *   Qt, Kt (M x D)  segment means: one block per (landmark, head, Q|K),
 *                   float64 sums, the segment bounds from
 *                   ab_nystrom_segment_hd (nystrom.h, shared with the CPU)
 *   A (M x M)       softmax(s Qt Kt^T): cuBLAS strided-batched + row softmax
 *   Z (M x M)       iterative: Z0 = A^T / c, c the largest column sum of the
 *                   head's A (per-head) or of all heads' (global: a reduction
 *                   over heads); pinv_iters of Z <- Z/4 (13I - AZ(15I - AZ(7I
 *                   - AZ))), each four strided-batched SGEMMs over the heads.
 *                   svd: A to the host, LAPACK in float64 (the CPU's
 *                   function), Z back: inside the timed forward.
 *   B V (M x DV)    the fused online-softmax kernel with the landmarks as
 *                   queries and the N keys split across blocks (merged by
 *                   the combine kernel): no M x N buffer
 *   W = Z (B V)     cuBLAS
 *   O = F W         the fused kernel again, queries Q against the M landmark
 *                   keys Kt with values W: no N x M buffer
 * Device memory: Q, K, V and O are the method's copies (cudaMalloc in
 * prepare, upload not timed, not in peak_bytes); the working memory,
 * O(H (M (D + DV) + 6 M^2)) plus the key-split partials and a 4 MiB cuBLAS
 * workspace, through the harness's device allocator.
 * `report` copies A and Z to the host and computes ||I - AZ||_F and
 * ||Z - A^+||_F / ||A^+||_F in float64 as the CPU method does.
 *
 * Tests: tests/test_backends.c (against the float64 Nystrom oracle and the
 * CPU method), tests/test_tiles.c (the fused kernel's arithmetic on the CPU).
 */
#include "attnbench.h"
#include "kernels/cuda_kernels.h"
#include "nystrom/nystrom.h"
extern "C" {
#include "base/util.h"
}

#include <cblas.h>
#include <math.h>
#include <string.h>

enum { PINV_ITERATIVE = 0, PINV_SVD = 1 };
enum { INIT_PER_HEAD = 0, INIT_GLOBAL = 1 };

static const struct ab_param nystrom_cuda_params[] = {
    {.name = "landmarks", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 1 << 24, .choices = NULL,
     .help = "number of landmarks M (default 64 unless landmark_ratio is given)"},
    {.name = "landmark_ratio", .type = AB_PT_REAL, .def = NULL, .lo = 1e-9, .hi = 1,
     .choices = NULL, .help = "M = max(1, round(ratio * N)); exclusive with landmarks"},
    {.name = "segments", .type = AB_PT_ENUM, .def = "uneven", .lo = 0, .hi = 0,
     .choices = "uneven|pad",
     .help = "uneven: xformers' segment rule; pad: left zero-pad to a multiple of M"},
    {.name = "pinv", .type = AB_PT_ENUM, .def = "iterative", .lo = 0, .hi = 0,
     .choices = "iterative|svd",
     .help = "iterative: batched SGEMMs on the GPU; svd: LAPACK float64 on the host"},
    {.name = "pinv_iters", .type = AB_PT_INT, .def = "6", .lo = 0, .hi = 1000, .choices = NULL,
     .help = "iterations of Z <- Z/4 (13I - AZ(15I - AZ(7I - AZ)))"},
    {.name = "pinv_init", .type = AB_PT_ENUM, .def = "per-head", .lo = 0, .hi = 0,
     .choices = "per-head|global",
     .help = "Z0 = A^T / c: c per head (xformers) or one c over all heads (official, HF)"},
};

static const size_t CUBLAS_WS = 4u << 20;

struct nystrom_cuda {
    struct ab_problem p;
    size_t m;
    int segments, pinv, iters, init;
    cublasHandle_t blas;
    int have_blas;
    char *io;             /* cudaMalloc: Q, K, V, O */
    float *qd, *kd, *vd, *od;
    char *work;           /* the harness's device allocator */
    float *ql, *kl, *a, *z, *zb, *t1, *t2, *az, *bv, *w, *lse_b, *colmax, *part;
    float *zcur;          /* the buffer holding Z after forward (z or zb) */
    struct ab_cu_flash bvf, fwf; /* B V, then F W */
    /* pinv: svd, host side */
    float *ah, *zh;
    double *svd_work, *svd_z;
    int *svd_iwork;
    size_t lwork;
    void *host; /* the one host allocation behind ah..svd_iwork */
};

static int cu_fail(struct ab_err *err, cudaError_t e, const char *what)
{
    return ab_errf(err, ab_cu_status(e), "nystrom(cuda): %s: %s", what, cudaGetErrorString(e));
}

static int blas_fail(struct ab_err *err, cublasStatus_t s, const char *what)
{
    return ab_errf(err, AB_EIO, "nystrom(cuda): cuBLAS %s: %s", what, ab_cublas_name(s));
}

/* The two fused launches for these sizes (device pointers set in prepare). */
static void flash_setup(const struct ab_problem *p, size_t m, struct ab_cu_flash *bvf,
                        struct ab_cu_flash *fwf)
{
    const float scale = (float)(1.0 / sqrt((double)p->d));
    memset(bvf, 0, sizeof *bvf);
    bvf->dtype = AB_CU_F32;
    bvf->heads = p->heads, bvf->nq = m, bvf->nk = p->n;
    bvf->d = (int)p->d, bvf->dv = (int)p->dv;
    bvf->q_hs = m * p->d, bvf->k_hs = p->n * p->d, bvf->v_hs = p->n * p->dv;
    bvf->out_hs = m * p->dv;
    bvf->scale = scale;
    ab_cu_flash_plan(bvf);
    *fwf = *bvf;
    fwf->nq = p->n, fwf->nk = m;
    fwf->q_hs = p->n * p->d, fwf->k_hs = m * p->d, fwf->v_hs = m * p->dv;
    fwf->out_hs = p->n * p->dv;
    ab_cu_flash_plan(fwf);
}

/* Device workspace floats, in carve order. */
static size_t work_bytes(const struct ab_problem *p, size_t m, const struct ab_cu_flash *bvf,
                         const struct ab_cu_flash *fwf)
{
    size_t H = p->heads, mm = H * m * m;
    size_t part = ab_cu_flash_part_floats(bvf);
    if (ab_cu_flash_part_floats(fwf) > part)
        part = ab_cu_flash_part_floats(fwf);
    return 2 * ab_cu_up256(H * m * p->d * 4) + 6 * ab_cu_up256(mm * 4) + 2 * ab_cu_up256(H * m * p->dv * 4) +
           ab_cu_up256(H * m * 4) + ab_cu_up256((H + 1) * 4) + ab_cu_up256(part * 4) + CUBLAS_WS;
}

static int nystrom_cuda_estimate(const struct ab_problem *p, const struct ab_values *vals,
                                 struct ab_estimate *est, struct ab_err *err)
{
    if (p->n == 0 || p->d == 0 || p->dv == 0 || p->heads == 0)
        return ab_errf(err, AB_EINVAL,
                       "nystrom(cuda): empty problem (H=%zu, N=%zu, D=%zu, DV=%zu)", p->heads, p->n,
                       p->d, p->dv);
    if (ab_values_isset(vals, "landmarks") && ab_values_isset(vals, "landmark_ratio"))
        return ab_errf(err, AB_EINVAL,
                       "nystrom(cuda): give landmarks or landmark_ratio, not both (landmarks=%ld, "
                       "landmark_ratio=%g)",
                       ab_values_int(vals, "landmarks"), ab_values_real(vals, "landmark_ratio"));
    size_t m = ab_nystrom_resolve_m(p, vals);
    if (m > p->n)
        return ab_errf(err, AB_EINVAL,
                       "nystrom(cuda): landmarks M=%zu exceeds the sequence length N=%zu", m, p->n);
    const char *why = ab_cu_flash_unsupported((int)p->d, (int)p->dv, p->heads);
    if (why)
        return ab_errf(err, AB_EINVAL, "nystrom(cuda): %s (D=%zu, DV=%zu)", why, p->d, p->dv);
    if (p->n > 0x7fffffff || m * m > 0x7fffffff)
        return ab_errf(err, AB_EINVAL, "nystrom(cuda): sizes beyond 2^31 (N=%zu, M=%zu)", p->n, m);
    double n = (double)p->n, md = (double)m, d = (double)p->d, dv = (double)p->dv;
    double pinv = ab_values_enum(vals, "pinv") == PINV_SVD
                      ? 22.0 * md * md * md + 2 * md * md * md
                      : (double)ab_values_int(vals, "pinv_iters") * 8.0 * md * md * md;
    double per_head = 2.0 * n * d + 2.0 * md * md * d + pinv + 2.0 * md * n * d +
                      2.0 * md * n * dv + 2.0 * md * md * dv + 2.0 * n * md * d + 2.0 * n * md * dv;
    est->flops = (double)p->heads * per_head;
    struct ab_cu_flash bvf, fwf;
    flash_setup(p, m, &bvf, &fwf);
    est->workspace_bytes = (double)work_bytes(p, m, &bvf, &fwf);
    est->budget = md;
    return AB_OK;
}

/* ---- kernels ---- */

/* Landmark j (blockIdx.x) of head h (blockIdx.y) of Q (z = 0) or K (z = 1):
 * the mean of its segment's tokens, float64 sums. Block (32, 8): 32 columns
 * at a time, 8 token lanes reduced through shared memory. */
__global__ void segmeans_kernel(const float *x0, const float *x1, float *y0, float *y1, size_t n,
                                int d, size_t m, int mode)
{
    __shared__ double red[8][33];
    const float *x = blockIdx.z ? x1 : x0;
    float *y = blockIdx.z ? y1 : y0;
    const size_t j = blockIdx.x, h = blockIdx.y;
    size_t t0, t1, div;
    ab_nystrom_segment_hd(n, m, mode, j, &t0, &t1, &div);
    const float *xh = x + h * n * (size_t)d;
    const int tx = (int)threadIdx.x, ty = (int)threadIdx.y;
    for (int c0 = 0; c0 < d; c0 += 32) {
        const int c = c0 + tx;
        double acc = 0;
        if (c < d)
            for (size_t t = t0 + (size_t)ty; t < t1; t += 8)
                acc += (double)xh[t * (size_t)d + (size_t)c];
        red[ty][tx] = acc;
        __syncthreads();
        if (ty == 0 && c < d) {
            double sum = 0;
            for (int i = 0; i < 8; i++)
                sum += red[i][tx];
            y[(h * m + j) * (size_t)d + (size_t)c] = (float)(sum / (double)div);
        }
        __syncthreads();
    }
}

/* The largest of the 256 threads' values (all >= 0), valid in thread 0;
 * red: the block's shared buffer of 256. */
static __device__ float block_max256(float *red, float mine)
{
    red[threadIdx.x] = mine;
    __syncthreads();
    float mx = 0.0f;
    if (threadIdx.x == 0)
        for (int i = 0; i < 256; i++)
            mx = fmaxf(mx, red[i]);
    return mx;
}

/* colmax[h] = the largest column sum of head h's A (M x M), float64 sums. */
__global__ void colmax_kernel(const float *a, size_t m, float *colmax)
{
    __shared__ float red[256];
    const float *ah = a + blockIdx.x * m * m;
    float best = 0.0f;
    for (size_t c = threadIdx.x; c < m; c += 256) {
        double sum = 0;
        for (size_t r = 0; r < m; r++)
            sum += fabs((double)ah[r * m + c]);
        best = fmaxf(best, (float)sum);
    }
    float mx = block_max256(red, best);
    if (threadIdx.x == 0)
        colmax[blockIdx.x] = mx;
}

/* colmax[H] = max over heads (the global init scope). One block. */
__global__ void globalmax_kernel(float *colmax, size_t heads)
{
    __shared__ float red[256];
    float best = 0.0f;
    for (size_t h = threadIdx.x; h < heads; h += 256)
        best = fmaxf(best, colmax[h]);
    float mx = block_max256(red, best);
    if (threadIdx.x == 0)
        colmax[heads] = mx;
}

/* Z0_h = A_h^T / c, c = colmax[h] (per-head) or colmax[heads] (global). */
__global__ void pinv_init_kernel(const float *a, float *z, size_t m, size_t heads,
                                 const float *colmax, int global)
{
    const size_t total = heads * m * m;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (size_t)gridDim.x * blockDim.x) {
        const size_t h = i / (m * m), r = i / m % m, c = i % m;
        const float cc = global ? colmax[heads] : colmax[h];
        z[i] = a[h * m * m + c * m + r] / cc;
    }
}

/* out_h = c I (sub = 0) or c I - x_h (sub = 1), for every head. */
__global__ void ident_kernel(float *out, const float *x, size_t m, size_t heads, float c, int sub)
{
    const size_t total = heads * m * m;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (size_t)gridDim.x * blockDim.x) {
        const size_t r = i / m % m, col = i % m;
        const float id = r == col ? c : 0.0f;
        out[i] = sub ? id - x[i] : id;
    }
}

static unsigned grid_for(size_t total)
{
    size_t b = (total + 255) / 256;
    return (unsigned)(b < 1 ? 1 : b > 65536 ? 65536 : b);
}

/* ---- the method ---- */

static int nystrom_cuda_prepare(const struct ab_problem *p, const struct ab_values *vals,
                                void **statep, struct ab_err *err)
{
    struct ab_estimate est;
    int rc = nystrom_cuda_estimate(p, vals, &est, err);
    if (rc)
        return rc;
    if (!p->dev_alloc || !p->dev_free)
        return ab_errf(err, AB_EUNSUPPORTED, "nystrom(cuda): the harness gave no device allocator");
    struct nystrom_cuda *s = static_cast<struct nystrom_cuda *>(p->alloc(sizeof *s));
    if (!s)
        return ab_errf(err, AB_ENOMEM, "nystrom(cuda): out of memory for state");
    memset(s, 0, sizeof *s);
    *statep = s;
    s->p = *p;
    s->m = ab_nystrom_resolve_m(p, vals);
    s->segments = ab_values_enum(vals, "segments");
    s->pinv = ab_values_enum(vals, "pinv");
    s->iters = (int)ab_values_int(vals, "pinv_iters");
    s->init = ab_values_enum(vals, "pinv_init");
    const size_t H = p->heads, N = p->n, M = s->m;

    /* inputs and output: the method's device copies (upload not timed) */
    size_t nqk = H * N * p->d, nv = H * N * p->dv;
    cudaError_t e = cudaMalloc((void **)&s->io, 2 * ab_cu_up256(nqk * 4) + 2 * ab_cu_up256(nv * 4));
    if (e != cudaSuccess) {
        s->io = NULL;
        return cu_fail(err, e, "device memory for Q, K, V and O");
    }
    s->qd = reinterpret_cast<float *>(s->io);
    s->kd = reinterpret_cast<float *>(s->io + ab_cu_up256(nqk * 4));
    s->vd = reinterpret_cast<float *>(s->io + 2 * ab_cu_up256(nqk * 4));
    s->od = reinterpret_cast<float *>(s->io + 2 * ab_cu_up256(nqk * 4) + ab_cu_up256(nv * 4));
    e = cudaMemcpy(s->qd, p->q, nqk * 4, cudaMemcpyHostToDevice);
    if (e == cudaSuccess)
        e = cudaMemcpy(s->kd, p->k, nqk * 4, cudaMemcpyHostToDevice);
    if (e == cudaSuccess)
        e = cudaMemcpy(s->vd, p->v, nv * 4, cudaMemcpyHostToDevice);
    if (e != cudaSuccess)
        return cu_fail(err, e, "uploading Q, K, V");

    /* working memory: one device allocation, carved */
    flash_setup(p, M, &s->bvf, &s->fwf);
    size_t bytes = work_bytes(p, M, &s->bvf, &s->fwf);
    s->work = static_cast<char *>(p->dev_alloc(bytes));
    if (!s->work)
        return ab_errf(err, AB_ENOMEM, "nystrom(cuda): cannot allocate %.1f MiB of device workspace",
                       (double)bytes / 1048576.0);
    char *at = s->work;
    float **bufs_md[] = {&s->ql, &s->kl};
    for (float **b : bufs_md)
        *b = reinterpret_cast<float *>(at), at += ab_cu_up256(H * M * p->d * 4);
    float **bufs_mm[] = {&s->a, &s->z, &s->zb, &s->t1, &s->t2, &s->az};
    for (float **b : bufs_mm)
        *b = reinterpret_cast<float *>(at), at += ab_cu_up256(H * M * M * 4);
    s->bv = reinterpret_cast<float *>(at), at += ab_cu_up256(H * M * p->dv * 4);
    s->w = reinterpret_cast<float *>(at), at += ab_cu_up256(H * M * p->dv * 4);
    s->lse_b = reinterpret_cast<float *>(at), at += ab_cu_up256(H * M * 4);
    s->colmax = reinterpret_cast<float *>(at), at += ab_cu_up256((H + 1) * 4);
    size_t part = ab_cu_flash_part_floats(&s->bvf);
    if (ab_cu_flash_part_floats(&s->fwf) > part)
        part = ab_cu_flash_part_floats(&s->fwf);
    s->part = reinterpret_cast<float *>(at), at += ab_cu_up256(part * 4);
    void *ws = at;
    s->zcur = s->z;

    s->bvf.q = s->ql, s->bvf.k = s->kd, s->bvf.v = s->vd;
    s->bvf.out = s->bv, s->bvf.lse = s->lse_b, s->bvf.part = s->part;
    s->fwf.q = s->qd, s->fwf.k = s->kl, s->fwf.v = s->w;
    s->fwf.out = s->od, s->fwf.lse = NULL, s->fwf.part = s->part;

    cublasStatus_t bs = ab_cu_blas_create(&s->blas, ws, CUBLAS_WS, &s->have_blas);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return blas_fail(err, bs, "setup");

    if (s->pinv == PINV_SVD) {
        s->lwork = ab_nystrom_svd_lwork(M);
        if (!s->lwork)
            return ab_errf(err, AB_EINVAL, "nystrom(cuda): LAPACK workspace query failed for M=%zu",
                           M);
        size_t hbytes = 2 * H * M * M * sizeof(float) + (4 * M * M + M + s->lwork) * sizeof(double) +
                        M * M * sizeof(double) + 8 * M * sizeof(int) + 64;
        s->host = p->alloc(hbytes);
        if (!s->host)
            return ab_errf(err, AB_ENOMEM, "nystrom(cuda): out of memory for the host SVD");
        s->svd_work = static_cast<double *>(s->host); /* doubles first: alignment */
        s->svd_z = s->svd_work + 4 * M * M + M + s->lwork;
        s->ah = reinterpret_cast<float *>(s->svd_z + M * M);
        s->zh = s->ah + H * M * M;
        s->svd_iwork = reinterpret_cast<int *>(s->zh + H * M * M);
    }
    e = cudaDeviceSynchronize();
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "prepare");
}

/* Z ~ A^+ for every head on the device; leaves s->zcur. */
static int pinv_iterative(struct nystrom_cuda *s, struct ab_err *err)
{
    const size_t H = s->p.heads, M = s->m;
    const int Mi = (int)M, Hi = (int)H;
    const long long mm = (long long)(M * M);
    colmax_kernel<<<(unsigned)H, 256>>>(s->a, M, s->colmax);
    if (s->init == INIT_GLOBAL)
        globalmax_kernel<<<1, 256>>>(s->colmax, H);
    float *z = s->z, *zb = s->zb;
    pinv_init_kernel<<<grid_for(H * M * M), 256>>>(s->a, z, M, H, s->colmax,
                                                   s->init == INIT_GLOBAL);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
        return cu_fail(err, e, "pinv init kernels");
    for (int it = 0; it < s->iters; it++) {
        cublasStatus_t bs = ab_cu_gemm(s->blas, 0, 0, Mi, Mi, Mi, 1.0f, s->a, Mi, mm, z, Mi, mm,
                                       0.0f, s->az, Mi, mm, Hi); /* AZ */
        ident_kernel<<<grid_for(H * M * M), 256>>>(s->t1, s->az, M, H, 7.0f, 1); /* 7I - AZ */
        ident_kernel<<<grid_for(H * M * M), 256>>>(s->t2, NULL, M, H, 15.0f, 0);
        if (bs == CUBLAS_STATUS_SUCCESS) /* t2 = 15I - AZ t1 */
            bs = ab_cu_gemm(s->blas, 0, 0, Mi, Mi, Mi, -1.0f, s->az, Mi, mm, s->t1, Mi, mm, 1.0f,
                            s->t2, Mi, mm, Hi);
        ident_kernel<<<grid_for(H * M * M), 256>>>(s->t1, NULL, M, H, 13.0f, 0);
        if (bs == CUBLAS_STATUS_SUCCESS) /* t1 = 13I - AZ t2 */
            bs = ab_cu_gemm(s->blas, 0, 0, Mi, Mi, Mi, -1.0f, s->az, Mi, mm, s->t2, Mi, mm, 1.0f,
                            s->t1, Mi, mm, Hi);
        if (bs == CUBLAS_STATUS_SUCCESS) /* Z' = Z t1 / 4 */
            bs = ab_cu_gemm(s->blas, 0, 0, Mi, Mi, Mi, 0.25f, z, Mi, mm, s->t1, Mi, mm, 0.0f, zb,
                            Mi, mm, Hi);
        if (bs != CUBLAS_STATUS_SUCCESS)
            return blas_fail(err, bs, "pinv iteration");
        float *tmp = z;
        z = zb, zb = tmp;
    }
    s->zcur = z;
    e = cudaGetLastError();
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "pinv kernels");
}

/* Z = A^+ by the CPU's float64 SVD, per head, through the host. */
static int pinv_svd(struct nystrom_cuda *s, struct ab_err *err)
{
    const size_t H = s->p.heads, M = s->m;
    cudaError_t e = cudaMemcpy(s->ah, s->a, H * M * M * 4, cudaMemcpyDeviceToHost);
    if (e != cudaSuccess)
        return cu_fail(err, e, "copying A to the host");
    for (size_t h = 0; h < H; h++) {
        if (ab_nystrom_pinv_svd(M, s->lwork, s->ah + h * M * M, s->svd_z, s->svd_work,
                                    s->svd_iwork))
            return ab_errf(err, AB_ENUMERIC, "nystrom(cuda): the SVD of A (head %zu) did not "
                           "converge", h);
        for (size_t i = 0; i < M * M; i++)
            s->zh[h * M * M + i] = (float)s->svd_z[i];
    }
    s->zcur = s->z;
    e = cudaMemcpy(s->z, s->zh, H * M * M * 4, cudaMemcpyHostToDevice);
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "copying Z to the device");
}

static int nystrom_cuda_forward(void *state, float *out, struct ab_err *err)
{
    struct nystrom_cuda *s = static_cast<struct nystrom_cuda *>(state);
    const struct ab_problem *p = &s->p;
    const size_t H = p->heads, N = p->n, M = s->m;
    const int Mi = (int)M, Di = (int)p->d, DVi = (int)p->dv, Hi = (int)H;
    const long long mm = (long long)(M * M), md = (long long)(M * p->d),
                    mdv = (long long)(M * p->dv);
    const float scale = (float)(1.0 / sqrt((double)p->d));

    /* 1. landmarks */
    segmeans_kernel<<<dim3((unsigned)M, (unsigned)H, 2), dim3(32, 8)>>>(
        s->qd, s->kd, s->ql, s->kl, N, Di, M, s->segments);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
        return cu_fail(err, e, "segment-means kernel");
    /* 2. A = softmax(s Qt Kt^T) */
    cublasStatus_t bs = ab_cu_gemm(s->blas, 0, 1, Mi, Mi, Di, scale, s->ql, Di, md, s->kl, Di, md,
                                   0.0f, s->a, Mi, mm, Hi);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return blas_fail(err, bs, "Qt Kt^T");
    if ((e = ab_cu_softmax_rows(s->a, M, H, M, M, M * M)) != cudaSuccess)
        return cu_fail(err, e, "softmax kernel (A)");
    /* 3. Z ~ A^+ */
    int rc = s->pinv == PINV_SVD ? pinv_svd(s, err) : pinv_iterative(s, err);
    if (rc)
        return rc;
    /* 4. B V: landmark queries against all keys, fused, key splits */
    if ((e = ab_cu_flash_run(&s->bvf)) != cudaSuccess)
        return cu_fail(err, e, "fused kernel (B V)");
    /* 5. W = Z (B V) */
    bs = ab_cu_gemm(s->blas, 0, 0, Mi, DVi, Mi, 1.0f, s->zcur, Mi, mm, s->bv, DVi, mdv, 0.0f, s->w,
                    DVi, mdv, Hi);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return blas_fail(err, bs, "Z (B V)");
    /* 6. O = F W: all queries against the landmark keys, values W */
    if ((e = ab_cu_flash_run(&s->fwf)) != cudaSuccess)
        return cu_fail(err, e, "fused kernel (F W)");
    if (out)
        e = cudaMemcpy(out, s->od, H * N * p->dv * sizeof(float), cudaMemcpyDeviceToHost);
    else
        e = cudaDeviceSynchronize();
    if (e == cudaSuccess)
        e = cudaGetLastError();
    return e == cudaSuccess ? AB_OK : cu_fail(err, e, "forward");
}

static int nystrom_cuda_report(void *state, struct ab_report *rep, struct ab_err *err)
{
    struct nystrom_cuda *s = static_cast<struct nystrom_cuda *>(state);
    const struct ab_problem *p = &s->p;
    const size_t M = s->m, H = p->heads;
    size_t lwork = ab_nystrom_svd_lwork(M);
    if (!lwork)
        return ab_errf(err, AB_EINVAL, "nystrom(cuda): LAPACK workspace query failed for M=%zu", M);
    double *work = static_cast<double *>(p->alloc((6 * M * M + M + lwork) * sizeof(double)));
    int *iwork = static_cast<int *>(p->alloc(8 * M * sizeof(int)));
    float *hz = static_cast<float *>(p->alloc(2 * H * M * M * sizeof(float)));
    if (!work || !iwork || !hz) {
        p->free(work), p->free(iwork), p->free(hz);
        return ab_errf(err, AB_ENOMEM, "nystrom(cuda): out of memory for the report");
    }
    float *ha = hz + H * M * M;
    cudaError_t e = cudaMemcpy(ha, s->a, H * M * M * 4, cudaMemcpyDeviceToHost);
    if (e == cudaSuccess)
        e = cudaMemcpy(hz, s->zcur, H * M * M * 4, cudaMemcpyDeviceToHost);
    int rc = e == cudaSuccess ? AB_OK : cu_fail(err, e, "copying A and Z for the report");
    double resid = 0, vs = 0;
    for (size_t h = 0; h < H && rc == AB_OK; h++) {
        double r, v;
        if (ab_nystrom_pinv_quality(M, lwork, ha + h * M * M, hz + h * M * M, work, iwork, &r, &v))
            rc = ab_errf(err, AB_ENUMERIC, "nystrom(cuda): SVD of A (head %zu) did not converge", h);
        else
            resid += r, vs += v;
    }
    p->free(work), p->free(iwork), p->free(hz);
    if (rc)
        return rc;
    rep->pinv_resid = resid / (double)H;
    rep->pinv_vs_svd = vs / (double)H;
    return AB_OK;
}

static void nystrom_cuda_release(void *state)
{
    struct nystrom_cuda *s = static_cast<struct nystrom_cuda *>(state);
    if (!s)
        return;
    if (s->have_blas)
        cublasDestroy(s->blas);
    if (s->work)
        s->p.dev_free(s->work);
    if (s->io)
        cudaFree(s->io);
    if (s->host)
        s->p.free(s->host);
    s->p.free(s);
}

extern "C" const struct ab_method ab_nystrom_cuda = {
    .name = "nystrom",
    .summary = "Nystromformer on the GPU: segment-means kernel, cuBLAS landmark products, batched "
               "pinv, fused online-softmax B V and F W",
    .params = nystrom_cuda_params,
    .nparams = (int)(sizeof nystrom_cuda_params / sizeof nystrom_cuda_params[0]),
    .caps = AB_CAP_CUDA | AB_CAP_PINV,
    .estimate = nystrom_cuda_estimate,
    .prepare = nystrom_cuda_prepare,
    .forward = nystrom_cuda_forward,
    .rows = NULL,
    .report = nystrom_cuda_report,
    .release = nystrom_cuda_release,
    .mask_note = "the CUDA kernels take no mask yet: masks are tested on the CPU methods only",
};
