/* test_tiles.c — the CUDA kernels' arithmetic (harness/kernels/flash_tile.h) run on
 * the CPU: each kernel is emulated block by block, one loop over the block's
 * threads per phase (a barrier between phases: every thread finishes one
 * before any starts the next), exactly in the order harness/kernels/cuda_kernels.cu
 * launches and synchronises them. Shared memory is poisoned with NaN first,
 * so a read of anything a phase did not write shows up as a NaN output.
 * Checked against the float64 oracle: the fused attention (no splits and
 * key splits + combine, ragged sizes, every head dim class), the row
 * softmax, the split planner, and the row-major-to-cuBLAS GEMM mapping
 * (run through a column-major reference GEMM with cuBLAS's semantics).
 * This runs in every build; it needs no GPU. */
#include "kernels/flash_tc.h"
#include "kernels/flash_tile.h"
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fused attention kernel, emulated ---- */

struct emu_args {
    size_t H, nq, nk;
    int d, dv;
    const float *q, *k, *v; /* (H, nq, d), (H, nk, d), (H, nk, dv) */
    float scale;
    int nsplit;
    size_t split_len;
};

/* One block (query block qb, head h, split sp), as flash_kernel runs it. */
static void emu_block(const struct emu_args *a, size_t qb, size_t h, int sp, float *smem,
                      struct ab_ft_thread *th, float *out, float *lse, float *pacc, float *pm,
                      float *pl)
{
    const int T = AB_FT_THREADS, jo = ab_ft_jo_for(a->dv);
    size_t nfl = ab_ft_smem_floats(a->d, a->dv);
    for (size_t i = 0; i < nfl; i++)
        smem[i] = NAN;
    struct ab_ft_smem sm = ab_ft_carve(smem, a->d, a->dv);
    const size_t q0 = qb * AB_FT_BQ;
    const int qvalid = (int)(a->nq - q0 < AB_FT_BQ ? a->nq - q0 : AB_FT_BQ);
    const float *qh = a->q + h * a->nq * (size_t)a->d;
    const float *kh = a->k + h * a->nk * (size_t)a->d;
    const float *vh = a->v + h * a->nk * (size_t)a->dv;
    for (int tid = 0; tid < T; tid++) {
        ab_ft_load_rows(sm.qs, sm.ldq, qh + q0 * (size_t)a->d, a->d, AB_FT_BQ, qvalid,
                        a->scale * AB_FT_LOG2E, tid, T);
        ab_ft_thread_init(&th[tid]);
    }
    const size_t kb = (size_t)sp * a->split_len;
    const size_t ke = kb + a->split_len < a->nk ? kb + a->split_len : a->nk;
    for (size_t k0 = kb; k0 < ke; k0 += AB_FT_BK) {
        const int kv = (int)(ke - k0 < AB_FT_BK ? ke - k0 : AB_FT_BK);
        for (int tid = 0; tid < T; tid++) {
            ab_ft_load_rows(sm.ks, sm.ldk, kh + k0 * (size_t)a->d, a->d, AB_FT_BK, kv, 1.0f, tid, T);
            ab_ft_load_rows(sm.vs, sm.ldv, vh + k0 * (size_t)a->dv, a->dv, AB_FT_BK, kv, 1.0f, tid,
                            T);
        }
        for (int tid = 0; tid < T; tid++)
            ab_ft_phase_s(&sm, tid, a->d, kv, &th[tid]);
        for (int tid = 0; tid < T; tid++)
            ab_ft_phase_p(&sm, tid, &th[tid]);
        for (int tid = 0; tid < T; tid++)
            ab_ft_phase_o(&sm, tid, a->dv, kv, jo, &th[tid]);
    }
    for (int tid = 0; tid < T; tid++) {
        const int r = tid / AB_FT_G;
        const size_t row = q0 + (size_t)r;
        const int valid = r < qvalid;
        if (a->nsplit == 1) {
            ab_ft_finish(&th[tid], tid, a->dv, jo, out + (h * a->nq + row) * (size_t)a->dv,
                         lse ? lse + h * a->nq + row : NULL, valid);
        } else {
            size_t pr = ((h * (size_t)a->nsplit + (size_t)sp) * a->nq + row);
            ab_ft_finish_partial(&th[tid], tid, a->dv, jo, pacc + pr * (size_t)a->dv, pm + pr,
                                 pl + pr, valid);
        }
    }
}

/* The whole launch: every block, then the combine kernel if split. */
static void emu_flash(const struct emu_args *a, float *out, float *lse)
{
    size_t qblocks = (a->nq + AB_FT_BQ - 1) / AB_FT_BQ;
    float *smem = malloc(ab_ft_smem_floats(a->d, a->dv) * sizeof(float));
    struct ab_ft_thread *th = malloc(AB_FT_THREADS * sizeof *th);
    float *pacc = NULL, *pm = NULL, *pl = NULL;
    if (a->nsplit > 1) {
        size_t rows = a->H * (size_t)a->nsplit * a->nq;
        pacc = malloc(rows * (size_t)a->dv * sizeof(float));
        pm = malloc(rows * sizeof(float));
        pl = malloc(rows * sizeof(float));
        for (size_t i = 0; i < rows; i++)
            pm[i] = pl[i] = NAN;
    }
    for (size_t h = 0; h < a->H; h++)
        for (int sp = 0; sp < a->nsplit; sp++)
            for (size_t qb = 0; qb < qblocks; qb++)
                emu_block(a, qb, h, sp, smem, th, out, lse, pacc, pm, pl);
    if (a->nsplit > 1) /* combine_kernel: one thread per (head, row, column) */
        for (size_t h = 0; h < a->H; h++)
            for (size_t row = 0; row < a->nq; row++)
                for (int c = 0; c < a->dv; c++) {
                    size_t p0 = h * (size_t)a->nsplit * a->nq + row;
                    float l2;
                    out[(h * a->nq + row) * (size_t)a->dv + (size_t)c] =
                        ab_ft_combine(pacc + p0 * (size_t)a->dv, a->nq * (size_t)a->dv, pm + p0,
                                      pl + p0, a->nq, a->nsplit, c, &l2);
                    if (lse && c == 0)
                        lse[h * a->nq + row] = l2;
                }
    free(pacc), free(pm), free(pl), free(smem), free(th);
}

/* log-sum-exp of each row of scale Q K^T, float64. */
static void lse_f64(size_t nq, size_t nk, size_t d, const float *q, const float *k, double scale,
                    double *out)
{
    for (size_t i = 0; i < nq; i++) {
        double mx = -INFINITY, *s = malloc(nk * sizeof *s);
        for (size_t j = 0; j < nk; j++) {
            double acc = 0;
            for (size_t c = 0; c < d; c++)
                acc += (double)q[i * d + c] * k[j * d + c];
            s[j] = acc * scale;
            mx = fmax(mx, s[j]);
        }
        double sum = 0;
        for (size_t j = 0; j < nk; j++)
            sum += exp(s[j] - mx);
        out[i] = mx + log(sum);
        free(s);
    }
}

/* Cross attention (nq queries, nk keys), float64, per head. */
static void attn_f64(const struct emu_args *a, double *out)
{
    double *s = malloc(a->nk * sizeof *s);
    for (size_t h = 0; h < a->H; h++)
        for (size_t i = 0; i < a->nq; i++) {
            const float *qi = a->q + (h * a->nq + i) * (size_t)a->d;
            double mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < a->nk; j++) {
                const float *kj = a->k + (h * a->nk + j) * (size_t)a->d;
                double acc = 0;
                for (int c = 0; c < a->d; c++)
                    acc += (double)qi[c] * kj[c];
                s[j] = acc * a->scale;
                mx = fmax(mx, s[j]);
            }
            for (size_t j = 0; j < a->nk; j++)
                sum += (s[j] = exp(s[j] - mx));
            double *o = out + (h * a->nq + i) * (size_t)a->dv;
            for (int c = 0; c < a->dv; c++)
                o[c] = 0;
            for (size_t j = 0; j < a->nk; j++) {
                const float *vj = a->v + (h * a->nk + j) * (size_t)a->dv;
                for (int c = 0; c < a->dv; c++)
                    o[c] += s[j] / sum * vj[c];
            }
        }
    free(s);
}

static void check_flash(size_t H, size_t nq, size_t nk, int d, int dv, int nsplit_req,
                        double logit_scale)
{
    uint64_t seed = ab_test_seed();
    float *q = malloc(H * nq * (size_t)d * sizeof *q), *k = malloc(H * nk * (size_t)d * sizeof *k);
    float *v = malloc(H * nk * (size_t)dv * sizeof *v);
    ab_test_fill_normal(q, H * nq * (size_t)d, seed, sqrt(logit_scale));
    ab_test_fill_normal(k, H * nk * (size_t)d, seed + 1, sqrt(logit_scale));
    ab_test_fill_normal(v, H * nk * (size_t)dv, seed + 2, 1.0);
    struct emu_args a = {H, nq, nk, d, dv, q, k, v, (float)(1.0 / sqrt((double)d)), 1, 0};
    size_t qblocks = (nq + AB_FT_BQ - 1) / AB_FT_BQ;
    /* nsplit_req > 1: ask the planner for that many blocks per (head, qblock) */
    ab_ft_plan_splits(nk, H * qblocks, H * qblocks * (size_t)nsplit_req, &a.nsplit, &a.split_len);
    if (nsplit_req > 1)
        assert_true(a.nsplit > 1);
    float *out = malloc(H * nq * (size_t)dv * sizeof *out), *lse = malloc(H * nq * sizeof *lse);
    for (size_t i = 0; i < H * nq * (size_t)dv; i++)
        out[i] = NAN; /* every element must be written */
    emu_flash(&a, out, lse);
    double *ref = malloc(H * nq * (size_t)dv * sizeof *ref), *lref = malloc(nq * sizeof *lref);
    attn_f64(&a, ref);
    char what[128];
    snprintf(what, sizeof what, "H=%zu nq=%zu nk=%zu d=%d dv=%d splits=%d", H, nq, nk, d, dv,
             a.nsplit);
    /* float32 logits carry an absolute error ~ |logit| 2^-24 sqrt(d): with a
     * large logit scale the probabilities inherit it */
    double tol = logit_scale > 1 ? 1e-5 * logit_scale : 1e-5;
    double e = ab_test_rel_err(out, ref, H * nq * (size_t)dv);
    if (!(e < tol))
        fail_msg("%s: rel err %.3g (tol %.3g)", what, e, tol);
    for (size_t h = 0; h < H; h++) {
        lse_f64(nq, nk, (size_t)d, q + h * nq * (size_t)d, k + h * nk * (size_t)d, a.scale, lref);
        for (size_t i = 0; i < nq; i++)
            if (!(fabs(lse[h * nq + i] - lref[i]) <= tol * fmax(1.0, fabs(lref[i]))))
                fail_msg("%s: lse[%zu][%zu] = %.9g, want %.9g", what, h, i, (double)lse[h * nq + i],
                         lref[i]);
    }
    free(q), free(k), free(v), free(out), free(lse), free(ref), free(lref);
}

static void fused_tile_matches_f64_on_ragged_sizes(void **s)
{
    (void)s;
    check_flash(2, 100, 130, 64, 64, 1, 1.0); /* neither a multiple of 64 */
    check_flash(1, 64, 64, 64, 64, 1, 1.0);   /* exact multiples */
    check_flash(1, 1, 1, 8, 8, 1, 1.0);       /* one token */
    check_flash(2, 70, 200, 24, 40, 1, 1.0);  /* odd-ish dims, dv != d */
    check_flash(1, 65, 129, 33, 17, 1, 1.0);  /* odd d (no padding column), dv just over 16 */
}

static void fused_tile_handles_wide_heads_up_to_the_limits(void **s)
{
    (void)s;
    check_flash(1, 70, 90, 128, 128, 1, 1.0);                   /* JO = 32 */
    check_flash(1, 20, 70, AB_FT_MAX_D, AB_FT_MAX_DV, 1, 1.0);  /* the largest shapes */
    check_flash(1, 33, 65, 100, 65, 1, 1.0);                    /* dv just over 64 */
}

static void key_splits_and_combine_match_f64(void **s)
{
    (void)s;
    check_flash(2, 50, 1000, 64, 64, 4, 1.0);  /* ragged last split */
    check_flash(1, 64, 4096, 32, 48, 16, 1.0);
    check_flash(1, 3, 130, 16, 16, 64, 1.0);   /* more splits wanted than key blocks */
}

static void large_logits_do_not_overflow(void **s)
{
    (void)s;
    /* logit std 30: exp of the raw logits would overflow float32 */
    check_flash(1, 70, 300, 64, 64, 1, 30.0);
    check_flash(1, 70, 300, 64, 64, 3, 30.0);
}

static void split_planner_covers_every_key_once(void **s)
{
    (void)s;
    size_t nks[] = {1, 63, 64, 65, 1000, 65536, 1000003};
    for (size_t i = 0; i < sizeof nks / sizeof nks[0]; i++)
        for (size_t blocks = 1; blocks < 600; blocks = blocks * 3 + 1) {
            int ns;
            size_t len;
            ab_ft_plan_splits(nks[i], blocks, 264, &ns, &len);
            assert_true(ns >= 1);
            assert_int_equal(len % AB_FT_BK, 0);
            assert_true((size_t)ns * len >= nks[i]);      /* covers every key */
            assert_true((size_t)(ns - 1) * len < nks[i]); /* no empty split */
            if (blocks >= 264)
                assert_int_equal(ns, 1);
        }
}

/* ---- the tensor-core kernel, emulated (flash_tc.h) ---- */

/* the emulation's T: fp16 or bf16 rounding to nearest even, on floats */
float (*ab_tc_round_hook)(float) = ab_test_round_fp16;

/* One block of flash_tc_kernel: each region its own array, poisoned. */
static void emu_tc_block(const struct emu_args *a, size_t qb, size_t h, int sp, float *out,
                         float *lse, float *pacc, float *pm, float *pl)
{
    struct ab_tc_smem sm;
    sm.L = ab_tc_layout_for(a->d, a->dv, 2);
    size_t n[11] = {(size_t)AB_TC_BQ * sm.L.ldq, (size_t)AB_TC_BK * sm.L.ldk,
                    (size_t)AB_TC_BK * sm.L.ldv, (size_t)AB_TC_BQ * sm.L.ldp,
                    (size_t)AB_TC_BQ * sm.L.lds, (size_t)AB_TC_BQ * sm.L.ldo,
                    AB_TC_BQ, AB_TC_BQ, AB_TC_BQ, AB_TC_THREADS, AB_TC_THREADS};
    float *r[11];
    for (int i = 0; i < 11; i++) {
        r[i] = malloc(n[i] * sizeof(float));
        for (size_t j = 0; j < n[i]; j++)
            r[i][j] = NAN;
        /* the device layout puts each region on a 128-byte boundary */
        assert_int_equal(sm.L.off[i] % 128, 0);
    }
    sm.qs = r[0], sm.ks = r[1], sm.vs = r[2], sm.ph = r[3];
    sm.sf = r[4], sm.of = r[5], sm.m = r[6], sm.l = r[7], sm.alpha = r[8], sm.red = r[9],
    sm.red2 = r[10];
    const int T = AB_TC_THREADS, W = AB_TC_WARPS;
    const size_t q0 = qb * AB_TC_BQ;
    const int qvalid = (int)(a->nq - q0 < AB_TC_BQ ? a->nq - q0 : AB_TC_BQ);
    const float *qh = a->q + h * a->nq * (size_t)a->d, *kh = a->k + h * a->nk * (size_t)a->d;
    const float *vh = a->v + h * a->nk * (size_t)a->dv;
    const float qmul = a->scale * AB_FT_LOG2E;
    for (int tid = 0; tid < T; tid++) {
        ab_tc_load_rows(sm.qs, sm.L.ldq, qh + q0 * (size_t)a->d, a->d, AB_TC_BQ, qvalid, tid);
        ab_tc_init(&sm, tid, a->dv);
    }
    const size_t kb = (size_t)sp * a->split_len;
    const size_t ke = kb + a->split_len < a->nk ? kb + a->split_len : a->nk;
    for (size_t k0 = kb; k0 < ke; k0 += AB_TC_BK) {
        const int kv = (int)(ke - k0 < AB_TC_BK ? ke - k0 : AB_TC_BK);
        for (int tid = 0; tid < T; tid++) {
            ab_tc_load_rows(sm.ks, sm.L.ldk, kh + k0 * (size_t)a->d, a->d, AB_TC_BK, kv, tid);
            ab_tc_load_rows(sm.vs, sm.L.ldv, vh + k0 * (size_t)a->dv, a->dv, AB_TC_BK, kv, tid);
        }
        for (int w = 0; w < W; w++) /* warp-collective */
            ab_tc_phase_s(&sm, w, a->d);
        for (int w = 0; w < W; w++)
            for (int lane = 0; lane < 32; lane++)
                ab_tc_phase_p(&sm, w, lane, kv, qmul);
        for (int w = 0; w < W; w++)
            for (int lane = 0; lane < 32; lane++)
                ab_tc_phase_p2(&sm, w, lane, kv, qmul, a->dv);
        for (int w = 0; w < W; w++)
            for (int lane = 0; lane < 32; lane++)
                ab_tc_phase_l(&sm, w, lane, qmul, kv);
        for (int w = 0; w < W; w++)
            ab_tc_phase_o(&sm, w, a->dv);
    }
    for (int w = 0; w < W; w++)
        for (int lane = 0; lane < 32; lane++) {
            const int rr = 16 * w + lane / 2;
            const size_t row = q0 + (size_t)rr;
            const int valid = rr < qvalid;
            if (a->nsplit == 1) {
                ab_tc_finish(&sm, w, lane, a->dv, valid, out + (h * a->nq + row) * (size_t)a->dv,
                             lse + h * a->nq + row, NULL, NULL, NULL);
            } else {
                size_t pr = (h * (size_t)a->nsplit + (size_t)sp) * a->nq + row;
                ab_tc_finish(&sm, w, lane, a->dv, valid, NULL, NULL, pacc + pr * (size_t)a->dv,
                             pm + pr, pl + pr);
            }
        }
    for (int i = 0; i < 11; i++)
        free(r[i]);
}

static void check_tc(size_t H, size_t nq, size_t nk, int d, int dv, int nsplit_req, int bf16,
                     double logit_scale, double tol)
{
    uint64_t seed = ab_test_seed();
    ab_tc_round_hook = bf16 ? ab_test_round_bf16 : ab_test_round_fp16;
    size_t nqe = H * nq * (size_t)d, nke = H * nk * (size_t)d, nve = H * nk * (size_t)dv;
    float *q = malloc(nqe * sizeof *q), *k = malloc(nke * sizeof *k), *v = malloc(nve * sizeof *v);
    ab_test_fill_normal(q, nqe, seed, sqrt(logit_scale));
    ab_test_fill_normal(k, nke, seed + 1, sqrt(logit_scale));
    ab_test_fill_normal(v, nve, seed + 2, 1.0);
    for (size_t i = 0; i < nqe; i++) /* the inputs the device holds: T values */
        q[i] = ab_tc_round_hook(q[i]);
    for (size_t i = 0; i < nke; i++)
        k[i] = ab_tc_round_hook(k[i]);
    for (size_t i = 0; i < nve; i++)
        v[i] = ab_tc_round_hook(v[i]);
    struct emu_args a = {H, nq, nk, d, dv, q, k, v, (float)(1.0 / sqrt((double)d)), 1, 0};
    size_t qblocks = (nq + AB_TC_BQ - 1) / AB_TC_BQ;
    ab_ft_plan_splits(nk, H * qblocks, H * qblocks * (size_t)nsplit_req, &a.nsplit, &a.split_len);
    size_t count = H * nq * (size_t)dv;
    float *out = malloc(count * sizeof *out), *lse = malloc(H * nq * sizeof *lse);
    for (size_t i = 0; i < count; i++)
        out[i] = NAN;
    float *pacc = NULL, *pm = NULL, *pl = NULL;
    size_t prow = H * (size_t)a.nsplit * nq;
    if (a.nsplit > 1) {
        pacc = malloc(prow * (size_t)dv * sizeof(float));
        pm = malloc(prow * sizeof(float));
        pl = malloc(prow * sizeof(float));
    }
    for (size_t h = 0; h < H; h++)
        for (int sp = 0; sp < a.nsplit; sp++)
            for (size_t qb = 0; qb < qblocks; qb++)
                emu_tc_block(&a, qb, h, sp, out, lse, pacc, pm, pl);
    if (a.nsplit > 1)
        for (size_t h = 0; h < H; h++)
            for (size_t row = 0; row < nq; row++)
                for (int c = 0; c < dv; c++) {
                    size_t p0 = h * (size_t)a.nsplit * nq + row;
                    float l2;
                    out[(h * nq + row) * (size_t)dv + (size_t)c] = ab_ft_combine(
                        pacc + p0 * (size_t)dv, nq * (size_t)dv, pm + p0, pl + p0, nq, a.nsplit, c,
                        &l2);
                }
    double *ref = malloc(count * sizeof *ref);
    attn_f64(&a, ref);
    double e = ab_test_rel_err(out, ref, count);
    print_message("tc %s H=%zu nq=%zu nk=%zu d=%d dv=%d splits=%d scale=%g: rel err %.3g (tol %.3g)\n",
                  bf16 ? "bf16" : "fp16", H, nq, nk, d, dv, a.nsplit, logit_scale, e, tol);
    if (!(e < tol))
        fail_msg("tensor-core tile (%s): rel err %.3g > %.3g", bf16 ? "bf16" : "fp16", e, tol);
    free(q), free(k), free(v), free(out), free(lse), free(ref), free(pacc), free(pm), free(pl);
}

/* Against float64 attention of the same rounded inputs: what is left is P's
 * rounding to fp16 (2^-11) or bf16 (2^-8) before the P V product. */
static void tensor_core_tile_matches_f64_of_the_rounded_inputs(void **s)
{
    (void)s;
    check_tc(2, 100, 130, 64, 64, 1, 0, 1.0, 1e-3);
    check_tc(1, 64, 64, 16, 16, 1, 0, 1.0, 1e-3);
    check_tc(1, 70, 200, 128, 128, 1, 0, 1.0, 1e-3);
    check_tc(1, 33, 1000, 32, 48, 4, 0, 1.0, 1e-3); /* key splits */
    check_tc(2, 100, 130, 64, 64, 1, 1, 1.0, 5e-3);
    check_tc(1, 70, 300, 64, 80, 3, 1, 1.0, 5e-3);
    check_tc(1, 70, 300, 64, 64, 1, 0, 30.0, 1e-3); /* large logits: no overflow */
}

/* ---- the row softmax kernel, emulated ---- */

static void row_softmax_matches_f64(void **s)
{
    (void)s;
    uint64_t seed = ab_test_seed();
    size_t ns[] = {1, 5, 255, 256, 257, 3000};
    int nts[] = {1, 32, 256};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof nts / sizeof nts[0]; b++) {
            size_t n = ns[a];
            int nt = nts[b];
            float *x = malloc(n * sizeof *x), *red = malloc((size_t)nt * sizeof *red),
                  *red2 = malloc((size_t)nt * sizeof *red2);
            double *ref = malloc(n * sizeof *ref);
            ab_test_fill_normal(x, n, seed + a * 7 + b, 20.0); /* large: the max matters */
            double mx = -INFINITY, sum = 0;
            for (size_t i = 0; i < n; i++)
                mx = fmax(mx, x[i]);
            for (size_t i = 0; i < n; i++)
                sum += (ref[i] = exp((double)x[i] - mx));
            for (size_t i = 0; i < n; i++)
                ref[i] /= sum;
            for (int t = 0; t < nt; t++)
                red[t] = red2[t] = NAN;
            for (int t = 0; t < nt; t++) /* barrier after each loop */
                ab_sm_phase_max(x, n, t, nt, red);
            for (int t = 0; t < nt; t++)
                ab_sm_phase_exp(x, n, t, nt, red, red2);
            for (int t = 0; t < nt; t++)
                ab_sm_phase_norm(x, n, t, nt, red2);
            assert_rel_err(x, ref, n, 1e-6);
            free(x), free(red), free(red2), free(ref);
        }
}

/* ---- the GEMM mapping: cuBLAS semantics emulated in column-major ---- */

/* C(m x n) = alpha op(A) op(B) + beta C, everything column-major, as
 * cublasSgemm defines it. */
static void gemm_cm(int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda,
                    const float *B, int ldb, float beta, float *C, int ldc)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int p = 0; p < k; p++) {
                double x = ta ? A[p + (size_t)i * lda] : A[i + (size_t)p * lda];
                double y = tb ? B[j + (size_t)p * ldb] : B[p + (size_t)j * ldb];
                acc += x * y;
            }
            C[i + (size_t)j * ldc] = (float)(alpha * acc + beta * C[i + (size_t)j * ldc]);
        }
}

static void row_major_gemm_maps_to_cublas_column_major(void **s)
{
    (void)s;
    uint64_t seed = ab_test_seed();
    const int m = 7, n = 5, k = 3;
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            /* row-major operands with padded leading dims */
            int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
            float A[64], B[64], C[64];
            double ref[64];
            ab_test_fill_normal(A, 64, seed + (uint64_t)(2 * ta + tb), 1.0);
            ab_test_fill_normal(B, 64, seed + 10 + (uint64_t)(2 * ta + tb), 1.0);
            ab_test_fill_normal(C, 64, seed + 20, 1.0);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++)
                        acc += (double)(ta ? A[p * lda + i] : A[i * lda + p]) *
                               (tb ? B[j * ldb + p] : B[p * ldb + j]);
                    ref[i * n + j] = 0.5 * acc + 2.0 * C[i * ldc + j];
                }
            struct ab_gemm_cm g = ab_gemm_rm(ta, tb, m, n, k, lda, ldb);
            gemm_cm(g.transa, g.transb, g.m, g.n, g.k, 0.5f, B, g.lda, A, g.ldb, 2.0f, C, ldc);
            float got[64];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    got[i * n + j] = C[i * ldc + j];
            assert_rel_err(got, ref, (size_t)(m * n), 1e-6);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fused_tile_matches_f64_on_ragged_sizes),
        cmocka_unit_test(fused_tile_handles_wide_heads_up_to_the_limits),
        cmocka_unit_test(key_splits_and_combine_match_f64),
        cmocka_unit_test(large_logits_do_not_overflow),
        cmocka_unit_test(split_planner_covers_every_key_once),
        cmocka_unit_test(tensor_core_tile_matches_f64_of_the_rounded_inputs),
        cmocka_unit_test(row_softmax_matches_f64),
        cmocka_unit_test(row_major_gemm_maps_to_cublas_column_major),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
