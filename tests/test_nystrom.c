/* test_nystrom.c — methods/nystrom against a float64 implementation of its
 * own formula, and the properties it claims: exact at M = N with the SVD
 * pseudo-inverse; the iteration converges to the SVD pseudo-inverse; segment
 * rules; per-head vs global init; bad sizes; under mask: padding, each
 * padding_rule against its float64 formula, rows, and the padding leak. (Rows consistent with forward,
 * landmarks > N: tests/test_contract.c.) */
#include "nystrom/nystrom.h"
#include "testlib.h"
#include "base/util.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_nystrom_cpu;

/* ---- the float64 oracle of the formula (dense, small sizes) ---- */

struct oracle {
    size_t H, N, D, DV, M;
    int mode, iters, global, svd;
};

/* Largest column sum of A (M x M). */
/* Returns the largest condition number of the heads' A. */
static double oracle_forward(const struct oracle *o, const float *q, const float *k, const float *v,
                             double *out, double *zs /* H x M x M, may be NULL */)
{
    double worst_cond = 0;
    size_t N = o->N, D = o->D, DV = o->DV, M = o->M;
    double s = 1.0 / sqrt((double)D);
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8), *vd = malloc(N * DV * 8);
    double *ql = malloc(M * D * 8), *kl = malloc(M * D * 8), *A = malloc(o->H * M * M * 8);
    double *F = malloc(N * M * 8), *B = malloc(M * N * 8), *Z = malloc(M * M * 8);
    double *bv = malloc(M * DV * 8), *w = malloc(M * DV * 8);
    double global = 0;
    for (size_t h = 0; h < o->H; h++) { /* all A first: the global init needs them */
        for (size_t j = 0; j < M; j++) {
            size_t t0, t1_, div;
            ab_nystrom_segment(N, M, o->mode, j, &t0, &t1_, &div);
            for (size_t c = 0; c < D; c++) {
                double a = 0, b = 0;
                for (size_t t = t0; t < t1_; t++)
                    a += q[(h * N + t) * D + c], b += k[(h * N + t) * D + c];
                ql[j * D + c] = a / (double)div, kl[j * D + c] = b / (double)div;
            }
        }
        ab_test_abt_f64(ql, kl, M, M, D, s, A + h * M * M);
        ab_test_softmax_rows_f64(A + h * M * M, M, M);
        global = fmax(global, ab_test_colmax_f64(A + h * M * M, M));
        worst_cond = fmax(worst_cond, ab_test_cond2_f64(A + h * M * M, M));
    }
    for (size_t h = 0; h < o->H; h++) {
        for (size_t i = 0; i < N * D; i++)
            qd[i] = q[h * N * D + i], kd[i] = k[h * N * D + i];
        for (size_t i = 0; i < N * DV; i++)
            vd[i] = v[h * N * DV + i];
        for (size_t j = 0; j < M; j++) {
            size_t t0, t1_, div;
            ab_nystrom_segment(N, M, o->mode, j, &t0, &t1_, &div);
            for (size_t c = 0; c < D; c++) {
                double a = 0, b = 0;
                for (size_t t = t0; t < t1_; t++)
                    a += qd[t * D + c], b += kd[t * D + c];
                ql[j * D + c] = a / (double)div, kl[j * D + c] = b / (double)div;
            }
        }
        double *Ah = A + h * M * M;
        ab_test_abt_f64(qd, kl, N, M, D, s, F);
        ab_test_softmax_rows_f64(F, N, M);
        ab_test_abt_f64(ql, kd, M, N, D, s, B);
        ab_test_softmax_rows_f64(B, M, N);
        if (o->svd)
            ab_test_pinv_svd_f64(Ah, M, Z);
        else
            ab_test_pinv_iter_f64(Ah, M, o->global ? global : ab_test_colmax_f64(Ah, M), o->iters,
                                  Z);
        if (zs)
            memcpy(zs + h * M * M, Z, M * M * 8);
        ab_test_mm_f64(B, vd, M, N, DV, 1, bv);
        ab_test_mm_f64(Z, bv, M, M, DV, 1, w);
        ab_test_mm_f64(F, w, N, M, DV, 1, out + h * N * DV);
    }
    free(qd), free(kd), free(vd), free(ql), free(kl), free(A), free(F), free(B), free(Z);
    free(bv), free(w);
    return worst_cond;
}


/* ---- the float64 oracle under mask: padding, for each padding_rule ----
 * Per head, L = lengths[h]:
 *   strict      Mh = min(M, L) segments of the L valid tokens; F, A, B as
 *               unmasked on those tokens (B's keys: the L valid ones, plus
 *               the pad-keys zero rows of L's own left padding);
 *   hf          M segments of all N tokens; F, A unmasked; B over keys < L
 *               (plus pad-keys' zero rows);
 *   lucidrains  M segments of all N tokens, each the mean of its tokens < L
 *               (none: a zero landmark, "empty"); F and A with the empty
 *               landmarks' columns masked, an empty row of A uniform (1/M);
 *               B over keys < L, an empty row of B uniform over nuni
 *               positions (N, or M ceil(N/M) for pad segments) whose padded
 *               values are 0.
 * Padded rows of the output are 0. rule: 0 strict, 1 hf, 2 lucidrains. */
static double oracle_masked(const struct oracle *o, int rule, const size_t *len, const float *q,
                            const float *k, const float *v, double *out)
{
    size_t N = o->N, D = o->D, DV = o->DV, M = o->M, H = o->H;
    double s = 1.0 / sqrt((double)D), global = 0, worst = 0;
    double *ql = malloc(H * M * D * 8), *kl = malloc(H * M * D * 8), *A = malloc(H * M * M * 8);
    double *F = malloc(N * M * 8), *B = malloc(M * N * 8), *Z = malloc(M * M * 8);
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8), *bv = malloc(M * DV * 8);
    double *w = malloc(M * DV * 8), *okd = malloc(H * M * 8);
    size_t *mh = malloc(H * sizeof *mh);
    for (size_t h = 0; h < H; h++) {
        size_t L = len[h], Mh = rule == 0 ? (M < L ? M : L) : M, segn = rule == 0 ? L : N;
        mh[h] = Mh;
        double *Qh = ql + h * M * D, *Kh = kl + h * M * D, *Ah = A + h * M * M, *ok = okd + h * M;
        for (size_t j = 0; j < Mh; j++) {
            size_t t0, t1, div;
            ab_nystrom_segment(segn, Mh, o->mode, j, &t0, &t1, &div);
            if (rule == 2) { /* valid tokens only, divided by their count */
                t1 = t1 < L ? t1 : L;
                t0 = t0 < t1 ? t0 : t1;
                div = t1 - t0;
            }
            ok[j] = div > 0;
            for (size_t c = 0; c < D; c++) {
                double a = 0, b = 0;
                for (size_t t = t0; t < t1; t++)
                    a += q[(h * N + t) * D + c], b += k[(h * N + t) * D + c];
                Qh[j * D + c] = div ? a / (double)div : 0, Kh[j * D + c] = div ? b / (double)div : 0;
            }
        }
        ab_test_abt_f64(Qh, Kh, Mh, Mh, D, s, Ah);
        for (size_t r = 0; r < Mh; r++)
            for (size_t c = 0; c < Mh; c++)
                if (rule == 2 && (!ok[r] || !ok[c]))
                    Ah[r * Mh + c] = ok[r] ? -INFINITY : 0.0;
        ab_test_softmax_rows_f64(Ah, Mh, Mh);
        global = fmax(global, ab_test_colmax_f64(Ah, Mh));
        worst = fmax(worst, ab_test_cond2_f64(Ah, Mh));
    }
    for (size_t h = 0; h < H; h++) {
        size_t L = len[h], Mh = mh[h], segn = rule == 0 ? L : N;
        double *Qh = ql + h * M * D, *Kh = kl + h * M * D, *Ah = A + h * M * M, *ok = okd + h * M;
        for (size_t i = 0; i < N * D; i++)
            qd[i] = q[h * N * D + i], kd[i] = k[h * N * D + i];
        ab_test_abt_f64(qd, Kh, L, Mh, D, s, F);
        for (size_t i = 0; i < L; i++)
            for (size_t j = 0; j < Mh; j++)
                if (!ok[j])
                    F[i * Mh + j] = -INFINITY;
        ab_test_softmax_rows_f64(F, L, Mh);
        ab_test_abt_f64(Qh, kd, Mh, L, D, s, B);
        /* pad-keys (not lucidrains, which masks its padding): zero rows as keys */
        size_t padk = o->mode == AB_SEG_PAD_KEYS && rule != 2 ? ((segn + Mh - 1) / Mh) * Mh - segn : 0;
        double nuni = o->mode == AB_SEG_UNEVEN ? (double)N : (double)(((N + M - 1) / M) * M);
        for (size_t r = 0; r < Mh; r++) {
            double mx = padk ? 0 : -INFINITY, sum = 0;
            for (size_t j = 0; j < L; j++)
                mx = fmax(mx, B[r * L + j]);
            for (size_t j = 0; j < L; j++)
                sum += (B[r * L + j] = exp(B[r * L + j] - mx));
            sum += (double)padk * exp(-mx);
            for (size_t j = 0; j < L; j++)
                B[r * L + j] = ok[r] ? B[r * L + j] / sum : 1.0 / nuni;
        }
        if (o->svd)
            ab_test_pinv_svd_f64(Ah, Mh, Z);
        else
            ab_test_pinv_iter_f64(Ah, Mh, o->global ? global : ab_test_colmax_f64(Ah, Mh), o->iters,
                                  Z);
        for (size_t r = 0; r < Mh; r++)
            for (size_t c = 0; c < DV; c++) {
                double a = 0;
                for (size_t j = 0; j < L; j++)
                    a += B[r * L + j] * v[(h * N + j) * DV + c];
                bv[r * DV + c] = a;
            }
        ab_test_mm_f64(Z, bv, Mh, Mh, DV, 1, w);
        memset(out + h * N * DV, 0, N * DV * 8);
        ab_test_mm_f64(F, w, L, Mh, DV, 1, out + h * N * DV);
    }
    free(ql), free(kl), free(A), free(F), free(B), free(Z), free(qd), free(kd), free(bv), free(w);
    free(okd), free(mh);
    return worst;
}

struct inputs {
    size_t H, N, D, DV;
    float *q, *k, *v, *out;
    double *ref;
};

static struct inputs make_inputs(size_t H, size_t N, size_t D, size_t DV, double scale, uint64_t seed)
{
    struct inputs in = {H, N, D, DV, NULL, NULL, NULL, NULL, NULL};
    in.q = malloc(H * N * D * 4), in.k = malloc(H * N * D * 4), in.v = malloc(H * N * DV * 4);
    in.out = malloc(H * N * DV * 4), in.ref = malloc(H * N * DV * 8);
    ab_test_fill_normal(in.q, H * N * D, seed, sqrt(scale));
    ab_test_fill_normal(in.k, H * N * D, seed + 1, sqrt(scale));
    ab_test_fill_normal(in.v, H * N * DV, seed + 2, 1.0);
    return in;
}

static void free_inputs(struct inputs *in)
{
    free(in->q), free(in->k), free(in->v), free(in->out), free(in->ref);
}

static void run(const struct inputs *in, const struct ab_values *vals)
{
    struct ab_problem p = ab_test_problem(in->H, in->N, in->D, in->DV, in->q, in->k, in->v, 1);
    struct ab_err err;
    if (ab_test_run_method(&ab_nystrom_cpu, &p, vals, in->out, &err))
        fail_msg("%s", err.msg);
}

/* ---- tests ---- */

static void matches_float64_formula_for_every_option(void **st)
{
    (void)st;
    struct {
        size_t H, N, D, DV, M;
        const char *seg, *init;
        int iters;
    } cases[] = {
        {2, 100, 16, 8, 8, "uneven", "per-head", 6},   {2, 100, 16, 8, 8, "pad", "global", 6},
        {1, 257, 32, 32, 16, "uneven", "global", 3},   {3, 64, 8, 12, 5, "pad", "per-head", 10},
        {1, 1000, 64, 64, 64, "uneven", "per-head", 6}, {2, 33, 4, 4, 33, "uneven", "per-head", 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct inputs in = make_inputs(cases[c].H, cases[c].N, cases[c].D, cases[c].DV, 1.0,
                                       ab_test_seed() + 10 * c);
        char m[32], it[32], seg[32], init[32];
        snprintf(m, sizeof m, "landmarks=%zu", cases[c].M);
        snprintf(it, sizeof it, "pinv_iters=%d", cases[c].iters);
        snprintf(seg, sizeof seg, "segments=%s", cases[c].seg);
        snprintf(init, sizeof init, "pinv_init=%s", cases[c].init);
        /* small tiles so that chunking and tile edges are exercised */
        struct ab_values vals =
            ab_test_values(&ab_nystrom_cpu, m, it, seg, init, "tile_q=37", "tile_k=29", NULL);
        run(&in, &vals);
        struct oracle o = {in.H, in.N, in.D, in.DV, cases[c].M, !strcmp(cases[c].seg, "pad"),
                           cases[c].iters, !strcmp(cases[c].init, "global"), 0};
        double cond = oracle_forward(&o, in.q, in.k, in.v, in.ref, NULL);
        double e = ab_test_rel_err(in.out, in.ref, in.H * in.N * in.DV);
        /* float32 rounding in A reaches Z amplified by up to cond(A): the
         * tolerance is 1e-5 or, for ill-conditioned A, 1e-7 * cond(A) */
        double tol = fmax(1e-5, 1e-7 * cond);
        print_message("case %zu: cond(A) %.3g, rel err vs float64 formula %.2e (tol %.1e)\n", c,
                      cond, e, tol);
        assert_rel_err(in.out, in.ref, in.H * in.N * in.DV, tol);
        free_inputs(&in);
    }
}

static void m_equals_n_with_svd_is_exact(void **st)
{
    (void)st;
    /* With M = N every segment is one token: A = F = B = S, and
     * S S^+ S = S. Keys near the queries (k = q + noise/4) make S diagonally
     * dominant and so well conditioned: the float32 error of F Z B V grows
     * with cond(S), which is not what this test is about. */
    size_t sizes[][2] = {{16, 8}, {64, 16}, {128, 32}};
    for (size_t c = 0; c < 3; c++) {
        size_t N = sizes[c][0], D = sizes[c][1];
        struct inputs in = make_inputs(2, N, D, D, 1.0, ab_test_seed() + 50 + c);
        for (size_t i = 0; i < 2 * N * D; i++)
            in.k[i] = in.q[i] + 0.25f * in.k[i];
        char m[32];
        snprintf(m, sizeof m, "landmarks=%zu", N);
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, m, "pinv=svd", NULL);
        run(&in, &vals);
        ab_test_attention_f64(2, N, D, D, in.q, in.k, in.v, in.ref);
        print_message("N=%zu: rel err vs exact %.2e\n", N, ab_test_rel_err(in.out, in.ref, 2 * N * D));
        assert_rel_err(in.out, in.ref, 2 * N * D, 1e-4);
        free_inputs(&in);
    }
}

/* The largest cond2(A) over the heads, A = softmax(Qt Kt^T / sqrt(D)) from
 * the uneven segment means, in float64. */
static double landmark_cond(const struct inputs *in, size_t H, size_t N, size_t D, size_t M)
{
    double *ql = malloc(M * D * 8), *kl = malloc(M * D * 8), *A = malloc(M * M * 8), worst = 0;
    for (size_t h = 0; h < H; h++) {
        for (size_t j = 0; j < M; j++) {
            size_t t0, t1, div;
            ab_nystrom_segment(N, M, AB_SEG_UNEVEN, j, &t0, &t1, &div);
            for (size_t c = 0; c < D; c++) {
                double a = 0, b = 0;
                for (size_t t = t0; t < t1; t++)
                    a += in->q[(h * N + t) * D + c], b += in->k[(h * N + t) * D + c];
                ql[j * D + c] = a / (double)div, kl[j * D + c] = b / (double)div;
            }
        }
        ab_test_abt_f64(ql, kl, M, M, D, 1.0 / sqrt((double)D), A);
        ab_test_softmax_rows_f64(A, M, M);
        worst = fmax(worst, ab_test_cond2_f64(A, M));
    }
    free(ql), free(kl), free(A);
    return worst;
}

static void iterative_pinv_converges_to_svd_and_residual_falls(void **st)
{
    (void)st;
    /* landmark means of gaussian tokens are short vectors: at scale 1 A is
     * nearly uniform and cond(A) ~ 1e6, beyond float32. At scale 16 the
     * landmark logits spread and A is usually a well-posed softmax matrix,
     * but not always (one draw in a few hundred had a singular value near
     * the SVD's cut-off, M 2^-23 sigma_max, which the iteration inverts and
     * the SVD drops): the property is stated for cond(A) <= 1e4, so draw
     * until A is that well conditioned. */
    struct inputs in;
    double cond = INFINITY;
    for (uint64_t draw = 0; draw < 20 && cond > 1e4; draw++) {
        if (draw)
            free_inputs(&in);
        in = make_inputs(2, 512, 32, 32, 16.0, ab_test_seed() + 60 + 1000 * draw);
        cond = landmark_cond(&in, 2, 512, 32, 32);
        print_message("draw %d: cond(A) = %.3g\n", (int)draw, cond);
    }
    assert_true(cond <= 1e4); /* 20 ill-conditioned draws in a row: the data changed */
    struct ab_problem p = ab_test_problem(2, 512, 32, 32, in.q, in.k, in.v, 1);
    /* The residual falls monotonically until float32 rounding in A (a floor
     * of about 1e-4 x cond(A)-ish, here 1e-4 to 3e-3) is reached; after that
     * it only wanders within that floor. Z approaches the SVD pseudo-inverse. */
    double prev_resid = INFINITY, prev_vs = INFINITY, best = INFINITY, resid = 0, vs = 0;
    int iters[] = {1, 2, 4, 6, 10, 16, 24, 32, 48, 64};
    for (size_t i = 0; i < sizeof iters / sizeof iters[0]; i++) {
        char it[32];
        snprintf(it, sizeof it, "pinv_iters=%d", iters[i]);
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=32", it, NULL);
        struct ab_err err;
        void *state = NULL;
        assert_int_equal(ab_nystrom_cpu.prepare(&p, &vals, &state, &err), AB_OK);
        assert_int_equal(ab_nystrom_cpu.forward(state, in.out, &err), AB_OK);
        struct ab_report rep;
        assert_int_equal(ab_nystrom_cpu.report(state, &rep, &err), AB_OK);
        ab_nystrom_cpu.release(state);
        print_message("iters %2d: ||I - AZ||_F = %.3e, ||Z - A+|| / ||A+|| = %.3e\n", iters[i],
                      rep.pinv_resid, rep.pinv_vs_svd);
        resid = rep.pinv_resid, vs = rep.pinv_vs_svd;
        if (prev_resid > 1e-2)
            assert_true(resid < prev_resid);
        if (prev_vs > 1e-2)
            assert_true(vs < prev_vs);
        best = fmin(best, resid);
        prev_resid = resid, prev_vs = vs;
    }
    assert_true(best < 1e-2);
    assert_true(resid <= 2 * best); /* no divergence once converged */
    assert_true(vs < 1e-2);
    free_inputs(&in);
}

static void segments_follow_the_uneven_and_pad_rules(void **st)
{
    (void)st;
    /* N = 10 tokens x_t = t, M = 4.
     * uneven: l = 2, (l+1)M - N = 2 short segments: {0,1} {2,3} {4,5,6} {7,8,9}
     * pad: ceil(10/4) = 3, 2 zero rows on the left: {z,z,0} {1,2,3} {4,5,6} {7,8,9} */
    float x[10], out[4];
    for (int t = 0; t < 10; t++)
        x[t] = (float)t;
    ab_nystrom_landmarks(x, 10, 1, 4, AB_SEG_UNEVEN, out);
    float uneven[4] = {0.5f, 2.5f, 5.0f, 8.0f};
    for (int j = 0; j < 4; j++)
        assert_float_equal(out[j], uneven[j], 1e-6);
    ab_nystrom_landmarks(x, 10, 1, 4, AB_SEG_PAD, out);
    float pad[4] = {0.0f, 2.0f, 5.0f, 8.0f};
    for (int j = 0; j < 4; j++)
        assert_float_equal(out[j], pad[j], 1e-6);
    /* N = 7, M = 3: uneven l = 2, 2 short: {0,1} {2,3} {4,5,6}; pad: 3 per
     * segment, 2 zeros: {z,z,0} {1,2,3} {4,5,6} */
    ab_nystrom_landmarks(x, 7, 1, 3, AB_SEG_UNEVEN, out);
    assert_float_equal(out[0], 0.5f, 1e-6);
    assert_float_equal(out[1], 2.5f, 1e-6);
    assert_float_equal(out[2], 5.0f, 1e-6);
    ab_nystrom_landmarks(x, 7, 1, 3, AB_SEG_PAD, out);
    assert_float_equal(out[0], 0.0f, 1e-6);
    assert_float_equal(out[1], 2.0f, 1e-6);
    assert_float_equal(out[2], 5.0f, 1e-6);
    /* every token in exactly one segment, for many (N, M) */
    for (size_t n = 1; n < 300; n += 7)
        for (size_t m = 1; m <= n; m += 3) {
            size_t covered = 0, prev_end = 0;
            for (size_t j = 0; j < m; j++) {
                size_t t0, t1, div;
                ab_nystrom_segment(n, m, AB_SEG_UNEVEN, j, &t0, &t1, &div);
                assert_int_equal(t0, prev_end);
                assert_true(t1 > t0 && (t1 - t0 == n / m || t1 - t0 == n / m + 1));
                covered += t1 - t0, prev_end = t1;
            }
            assert_int_equal(covered, n);
        }
}

static void global_init_scales_z0_by_the_ratio_of_column_sums(void **st)
{
    (void)st;
    /* With pinv_iters = 0, Z = A^T / c, and the output is linear in Z: for
     * each head h, O_global(h) = O_per_head(h) * c_h / c_global, where c_h is
     * head h's largest column sum of A and c_global the largest over heads.
     * Heads at different temperatures make c_h differ. */
    size_t N = 96, D = 16, M = 12;
    struct inputs in = make_inputs(2, N, D, D, 1.0, ab_test_seed() + 70);
    for (size_t i = N * D; i < 2 * N * D; i++)
        in.q[i] *= 3.0f, in.k[i] *= 3.0f; /* head 1 is sharper */
    float *per = malloc(2 * N * D * 4);
    struct ab_values v1 = ab_test_values(&ab_nystrom_cpu, "landmarks=12", "pinv_iters=0",
                                         "pinv_init=per-head", NULL);
    run(&in, &v1);
    memcpy(per, in.out, 2 * N * D * 4);
    struct ab_values v2 = ab_test_values(&ab_nystrom_cpu, "landmarks=12", "pinv_iters=0",
                                         "pinv_init=global", NULL);
    run(&in, &v2);
    /* c_h from the float64 oracle's A */
    double c[2], s = 1.0 / sqrt((double)D);
    for (size_t h = 0; h < 2; h++) {
        float ql[12 * 16], kl[12 * 16];
        ab_nystrom_landmarks(in.q + h * N * D, N, D, M, AB_SEG_UNEVEN, ql);
        ab_nystrom_landmarks(in.k + h * N * D, N, D, M, AB_SEG_UNEVEN, kl);
        double qd[12 * 16], kd[12 * 16], A[144];
        for (size_t i = 0; i < M * D; i++)
            qd[i] = ql[i], kd[i] = kl[i];
        ab_test_abt_f64(qd, kd, M, M, D, s, A);
        ab_test_softmax_rows_f64(A, M, M);
        c[h] = ab_test_colmax_f64(A, M);
    }
    double cg = fmax(c[0], c[1]);
    print_message("c_0 = %.6f, c_1 = %.6f\n", c[0], c[1]);
    assert_true(fabs(c[0] - c[1]) > 0.05 * cg); /* the case really distinguishes the scopes */
    for (size_t h = 0; h < 2; h++) {
        double *want = malloc(N * D * 8);
        for (size_t i = 0; i < N * D; i++)
            want[i] = per[h * N * D + i] * (c[h] / cg);
        assert_rel_err(in.out + h * N * D, want, N * D, 1e-5);
        free(want);
    }
    free(per);
    free_inputs(&in);
}

static void bad_sizes_and_parameters_are_clear_errors(void **st)
{
    (void)st;
    float x[64] = {0};
    struct ab_err err;
    struct ab_estimate est;
    struct ab_problem p = ab_test_problem(1, 8, 4, 4, x, x, x, 1);
    /* landmarks > N: tests/test_contract.c */
    struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=4", "landmark_ratio=0.5", NULL);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "not both"));
    p = ab_test_problem(1, 0, 4, 4, x, x, x, 1);
    vals = ab_test_values(&ab_nystrom_cpu, NULL);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "N=0"));
    p = ab_test_problem(1, 8, 0, 4, x, x, x, 1);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_EINVAL);
    struct ab_param const *lp = &ab_nystrom_cpu.params[0];
    double v;
    const char *s;
    assert_int_equal(ab_value_parse(lp, "0", &v, &s, &err), AB_EINVAL); /* m = 0 */
    /* landmark_ratio resolves to round(ratio * N), at least 1 */
    p = ab_test_problem(1, 1000, 4, 4, x, x, x, 1);
    vals = ab_test_values(&ab_nystrom_cpu, "landmark_ratio=0.0625", NULL);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_OK);
    assert_true(est.budget == 63); /* 62.5 rounds half up */
    vals = ab_test_values(&ab_nystrom_cpu, "landmark_ratio=0.0001", NULL);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_OK);
    assert_true(est.budget == 1);
    vals = ab_test_values(&ab_nystrom_cpu, NULL);
    assert_int_equal(ab_nystrom_cpu.estimate(&p, &vals, &est, &err), AB_OK);
    assert_true(est.budget == 64);
}


static void strided_and_random_selection_give_distinct_sorted_tokens(void **st)
{
    (void)st;
    size_t idx[64];
    for (int sel = AB_SEL_STRIDED; sel <= AB_SEL_RANDOM; sel++)
        for (size_t n = 1; n < 500; n += 37)
            for (size_t m = 1; m <= n && m <= 64; m += 5) {
                ab_nystrom_select(n, m, sel, ab_test_seed(), idx);
                for (size_t l = 0; l < m; l++) {
                    assert_true(idx[l] < n);
                    if (l)
                        assert_true(idx[l] > idx[l - 1]);
                }
            }
    size_t a[16], b[16];
    ab_nystrom_select(1000, 16, AB_SEL_RANDOM, 5, a);
    ab_nystrom_select(1000, 16, AB_SEL_RANDOM, 5, b);
    assert_memory_equal(a, b, sizeof a);
    ab_nystrom_select(1000, 16, AB_SEL_STRIDED, 0, a);
    assert_int_equal(a[1], 62); /* floor(1000 / 16) */
}

static void token_selection_with_all_tokens_is_exact(void **st)
{
    (void)st;
    size_t N = 64, D = 16;
    const char *sels[] = {"selection=strided", "selection=random", "selection=kmeans"};
    for (int i = 0; i < 3; i++) {
        struct inputs in = make_inputs(1, N, D, D, 1.0, ab_test_seed() + 90 + (uint64_t)i);
        for (size_t t = 0; t < N * D; t++)
            in.k[t] = in.q[t] + 0.25f * in.k[t]; /* well-conditioned S, as above */
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=64", sels[i], "pinv=svd",
                                               "kmeans_iters=0", NULL);
        run(&in, &vals);
        ab_test_attention_f64(1, N, D, D, in.q, in.k, in.v, in.ref);
        double e = ab_test_rel_err(in.out, in.ref, N * D);
        print_message("%s, m = n: rel err vs exact %.2e\n", sels[i], e);
        /* k-means++ with m = n picks every token once (each pick has D^2 = 0
         * afterwards): the landmarks are the tokens, permuted */
        assert_rel_err(in.out, in.ref, N * D, 1e-4);
        free_inputs(&in);
    }
}

static void kmeans_finds_shuffled_clusters_that_segments_miss(void **st)
{
    (void)st;
    /* 16 tight clusters in a shuffled order: segment means average across
     * clusters; k-means on K recovers them. */
    size_t N = 512, D = 32, C = 16;
    struct inputs in = make_inputs(1, N, D, D, 1.0, ab_test_seed() + 95);
    float *mu = malloc(C * D * 4);
    ab_test_fill_normal(mu, C * D, ab_test_seed() + 96, 1.5);
    for (size_t i = 0; i < N; i++) {
        size_t c = (i * 7919) % C; /* shuffled assignment */
        for (size_t t = 0; t < D; t++) {
            in.q[i * D + t] = mu[c * D + t] + 0.05f * in.q[i * D + t];
            in.k[i * D + t] = mu[c * D + t] + 0.05f * in.k[i * D + t];
        }
    }
    ab_test_attention_f64(1, N, D, D, in.q, in.k, in.v, in.ref);
    struct ab_values seg = ab_test_values(&ab_nystrom_cpu, "landmarks=16", NULL);
    run(&in, &seg);
    double e_seg = ab_test_rel_err(in.out, in.ref, N * D);
    struct ab_values km = ab_test_values(&ab_nystrom_cpu, "landmarks=16", "selection=kmeans", NULL);
    run(&in, &km);
    double e_km = ab_test_rel_err(in.out, in.ref, N * D);
    print_message("shuffled clusters, m = 16: segment-means %.3f, kmeans %.3f\n", e_seg, e_km);
    assert_true(e_km < 0.5 * e_seg);
    free(mu);
    free_inputs(&in);
}

static const char *const rules[] = {"strict", "hf", "lucidrains"};

static void padding_matches_float64_formula_for_every_rule(void **st)
{
    (void)st;
    /* 4 sequences of lengths not multiples of M; the last shorter than M
     * (strict: min(M, L) landmarks; lucidrains: mostly empty landmarks) */
    size_t H = 4, N = 203, D = 16, DV = 8, M = 16, len[] = {203, 150, 37, 9};
    struct {
        const char *seg;
        int mode, global, svd, iters;
    } cases[] = {
        {"uneven", AB_SEG_UNEVEN, 0, 0, 6}, {"pad", AB_SEG_PAD, 1, 0, 6},
        {"pad-keys", AB_SEG_PAD_KEYS, 1, 0, 6}, {"uneven", AB_SEG_UNEVEN, 0, 1, 0},
    };
    for (int rule = 0; rule < 3; rule++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            if (rule == 2 && cases[c].svd)
                continue; /* empty landmarks: A has equal rows, singular */
            struct inputs in = make_inputs(H, N, D, DV, 1.0, ab_test_seed() + 100 * c + (uint64_t)rule);
            char seg[32], r[40], it[32];
            snprintf(seg, sizeof seg, "segments=%s", cases[c].seg);
            snprintf(r, sizeof r, "padding_rule=%s", rules[rule]);
            snprintf(it, sizeof it, "pinv_iters=%d", cases[c].iters);
            struct ab_values vals = ab_test_values(
                &ab_nystrom_cpu, "landmarks=16", seg, r, it,
                cases[c].global ? "pinv_init=global" : "pinv_init=per-head",
                cases[c].svd ? "pinv=svd" : "pinv=iterative", "tile_q=37", "tile_k=29", NULL);
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, in.q, in.k, in.v, 1,
                                                         AB_MASK_PADDING, len);
            struct ab_err err;
            if (ab_test_run_method(&ab_nystrom_cpu, &p, &vals, in.out, &err))
                fail_msg("%s", err.msg);
            struct oracle o = {H, N, D, DV, M, cases[c].mode, cases[c].iters, cases[c].global,
                               cases[c].svd};
            double cond = oracle_masked(&o, rule, len, in.q, in.k, in.v, in.ref);
            double e = ab_test_rel_err(in.out, in.ref, H * N * DV);
            /* svd: as unmasked, 1e-5 or 1e-7 cond(A); the iteration is a
             * polynomial in A that does not amplify the rounding even where
             * A is singular (lucidrains' equal uniform rows, pad segments'
             * zero landmarks): 1e-5, measured below 1e-6 */
            double tol = cases[c].svd ? fmax(1e-5, 1e-7 * cond) : 1e-5;
            print_message("%-10s %-8s %s: cond(A) %.3g, rel err vs float64 %.2e (tol %.1e)\n",
                          rules[rule], cases[c].seg, cases[c].svd ? "svd" : "iter", cond, e, tol);
            assert_rel_err(in.out, in.ref, H * N * DV, tol);
            for (size_t h = 0; h < H; h++) /* padded rows exactly 0 */
                for (size_t i = len[h] * DV; i < N * DV; i++)
                    assert_true(in.out[h * N * DV + i] == 0.0f);
            free_inputs(&in);
        }
}

/* rows() under the mask: padded rows and padded keys 0, rows V = forward. */
static void padding_rows_agree_with_forward(void **st)
{
    (void)st;
    size_t H = 3, N = 130, D = 16, DV = 8, len[] = {130, 71, 5};
    for (int rule = 0; rule < 3; rule++) {
        struct inputs in = make_inputs(H, N, D, DV, 1.0, ab_test_seed() + 7 + (uint64_t)rule);
        char r[40];
        snprintf(r, sizeof r, "padding_rule=%s", rules[rule]);
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=12", "segments=pad", r,
                                               "tile_k=50", NULL);
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, in.q, in.k, in.v, 1,
                                                     AB_MASK_PADDING, len);
        struct ab_err err;
        void *state = NULL;
        assert_int_equal(ab_nystrom_cpu.prepare(&p, &vals, &state, &err), AB_OK);
        assert_int_equal(ab_nystrom_cpu.forward(state, in.out, &err), AB_OK);
        float *S = malloc(AB_ROWS_BLOCK * N * 4);
        double worst = 0;
        for (size_t h = 0; h < H; h++)
            for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                assert_int_equal(ab_nystrom_cpu.rows(state, h, r0, r1, S, &err), AB_OK);
                for (size_t i = r0; i < r1; i++) {
                    const float *row = S + (i - r0) * N;
                    for (size_t j = 0; j < N; j++)
                        if (i >= len[h] || j >= len[h])
                            assert_true(row[j] == 0.0f);
                    if (i >= len[h])
                        continue;
                    for (size_t c = 0; c < DV; c++) {
                        double a = 0;
                        for (size_t j = 0; j < N; j++)
                            a += (double)row[j] * in.v[(h * N + j) * DV + c];
                        worst = fmax(worst, fabs(a - in.out[(h * N + i) * DV + c]));
                    }
                }
            }
        print_message("%-10s max |rows V - O| %.2e\n", rules[rule], worst);
        assert_true(worst < 1e-4);
        free(S);
        ab_nystrom_cpu.release(state);
        free_inputs(&in);
    }
}

/* strict and lucidrains never read a padded position; hf's landmarks average
 * the padding in: the leak the harness reports. */
static void padding_leak_is_zero_for_strict_and_lucidrains_not_hf(void **st)
{
    (void)st;
    size_t H = 3, N = 157, D = 16, DV = 8, len[] = {157, 100, 23};
    struct inputs in = make_inputs(H, N, D, DV, 1.0, ab_test_seed() + 77);
    struct ab_problem p = ab_test_problem_masked(H, N, D, DV, in.q, in.k, in.v, 1, AB_MASK_PADDING,
                                                 len);
    const char *sels[] = {"selection=segment-means", "selection=strided", "selection=random",
                          "selection=kmeans"};
    for (int rule = 0; rule < 3; rule++)
        for (size_t sl = 0; sl < (rule == 0 ? 4u : 1u); sl++) {
            char r[40];
            snprintf(r, sizeof r, "padding_rule=%s", rules[rule]);
            struct ab_values vals =
                ab_test_values(&ab_nystrom_cpu, "landmarks=10", "segments=pad-keys", r, sels[sl], NULL);
            double leak = ab_test_leak(&ab_nystrom_cpu, &p, &vals, ab_test_seed() + 5);
            print_message("%-10s %-24s padding leak %.3g\n", rules[rule], sels[sl], leak);
            if (rule == 1)
                assert_true(leak > 1e-3);
            else
                assert_true(leak == 0.0);
        }
    /* hf and lucidrains take the peers' segment-mean landmarks only */
    struct ab_values bad = ab_test_values(&ab_nystrom_cpu, "padding_rule=hf", "selection=strided", NULL);
    struct ab_err err;
    assert_int_equal(ab_test_run_method(&ab_nystrom_cpu, &p, &bad, in.out, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "segment-means"));
    free_inputs(&in);
}

/* Full-length sequences: every rule is the unmasked method, bit for bit. */
static void padding_with_full_lengths_is_unmasked(void **st)
{
    (void)st;
    size_t H = 2, N = 99, D = 8, DV = 8, len[] = {99, 99};
    struct inputs in = make_inputs(H, N, D, DV, 1.0, ab_test_seed() + 9);
    float *plain = malloc(H * N * DV * 4);
    for (int rule = 0; rule < 3; rule++) {
        char r[40];
        snprintf(r, sizeof r, "padding_rule=%s", rules[rule]);
        struct ab_values vals = ab_test_values(&ab_nystrom_cpu, "landmarks=10", "segments=pad", r, NULL);
        run(&in, &vals);
        memcpy(plain, in.out, H * N * DV * 4);
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, in.q, in.k, in.v, 1,
                                                     AB_MASK_PADDING, len);
        struct ab_err err;
        assert_int_equal(ab_test_run_method(&ab_nystrom_cpu, &p, &vals, in.out, &err), AB_OK);
        if (rule != 2) /* lucidrains divides by the count of valid tokens, not ceil(N/M) */
            assert_memory_equal(in.out, plain, H * N * DV * 4);
    }
    free(plain);
    free_inputs(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_formula_for_every_option),
        cmocka_unit_test(m_equals_n_with_svd_is_exact),
        cmocka_unit_test(iterative_pinv_converges_to_svd_and_residual_falls),
        cmocka_unit_test(segments_follow_the_uneven_and_pad_rules),
        cmocka_unit_test(global_init_scales_z0_by_the_ratio_of_column_sums),
        cmocka_unit_test(bad_sizes_and_parameters_are_clear_errors),
        cmocka_unit_test(strided_and_random_selection_give_distinct_sorted_tokens),
        cmocka_unit_test(token_selection_with_all_tokens_is_exact),
        cmocka_unit_test(kmeans_finds_shuffled_clusters_that_segments_miss),
        cmocka_unit_test(padding_matches_float64_formula_for_every_rule),
        cmocka_unit_test(padding_rows_agree_with_forward),
        cmocka_unit_test(padding_leak_is_zero_for_strict_and_lucidrains_not_hf),
        cmocka_unit_test(padding_with_full_lengths_is_unmasked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
