/* linear.c — the feature-map attention engine (linear.h). */
#include "linear/linear.h"

#include "kernels/round.h"
#include "base/util.h"

#include <math.h>
#include <omp.h>
#include <string.h>

enum { TQ = 64 }; /* query rows per task of the unmasked/padded forward */

static size_t nthreads(const struct ab_problem *p) { return (size_t)(p->threads > 0 ? p->threads : 1); }

static size_t doubles(const struct ab_problem *p, size_t F)
{
    size_t H = p->heads, DV = p->dv;
    return H * F * DV + H * F + nthreads(p) * (F + DV) + AB_ROWS_BLOCK * F + F + AB_ROWS_BLOCK;
}

size_t ab_lin_bytes(const struct ab_problem *p, size_t F) { return doubles(p, F) * sizeof(double); }

double ab_lin_flops(const struct ab_problem *p, size_t F, double phi_flops)
{
    double n = (double)p->n, f = (double)F, dv = (double)p->dv;
    return (double)p->heads * (4.0 * n * f * dv + 4.0 * n * f + 2.0 * n * phi_flops);
}

int ab_lin_init(struct ab_lin *L, const struct ab_problem *p, size_t F, ab_lin_phi_fn phi,
                const void *ctx, int den_rule, double eps, const char *who, struct ab_err *err)
{
    memset(L, 0, sizeof *L);
    L->p = *p, L->F = F, L->phi = phi, L->ctx = ctx, L->den_rule = den_rule, L->eps = eps;
    if (!(L->buf = p->alloc(ab_lin_bytes(p, F))))
        return ab_errf(err, AB_ENOMEM, "%s: cannot allocate the sums (%zu bytes)", who,
                       ab_lin_bytes(p, F));
    size_t H = p->heads, DV = p->dv;
    L->kv = L->buf;
    L->ks = L->kv + H * F * DV;
    L->work = L->ks + H * F;
    L->rw = L->work + nthreads(p) * (F + DV);
    return AB_OK;
}

void ab_lin_free(struct ab_lin *L)
{
    if (L && L->buf)
        L->p.free(L->buf);
    if (L)
        L->buf = NULL;
}

static double guard(const struct ab_lin *L, double den)
{
    return L->den_rule == AB_LIN_DEN_CLAMP ? (den > L->eps ? den : L->eps) : den + L->eps;
}

/* precision bf16/fp16: a stored double rounded to the format (through
 * float, as every stored value); fp32 returns x itself */
static double rd(double x, int prec) { return prec == AB_PREC_FP32 ? x : (double)ab_round1((float)x, prec); }

static void round_d(double *x, size_t n, int prec)
{
    if (prec == AB_PREC_FP32)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] = (double)ab_round1((float)x[i], prec);
}

/* kv += phi v^T, ks += phi */
static void accumulate(size_t F, size_t DV, const double *ph, const float *v, double *kv, double *ks)
{
    for (size_t f = 0; f < F; f++) {
        double a = ph[f];
        double *row = kv + f * DV;
        for (size_t c = 0; c < DV; c++)
            row[c] += a * (double)v[c];
        ks[f] += a;
    }
}

/* o = phi^T kv / guard(phi . ks), written as float; acc: DV doubles.
 * rprec: the format kv and ks are rounded to as read (the causal prefix
 * state; fp32 when they are stored rounded already). The guarded
 * normaliser is rounded to the problem's precision; returns 1 when that
 * left it 0 or not finite (the row is then Inf/NaN). */
static int emit(const struct ab_lin *L, const double *ph, const double *kv, const double *ks,
                int rprec, double *acc, float *o)
{
    size_t F = L->F, DV = L->p.dv;
    double den = 0;
    memset(acc, 0, DV * sizeof *acc);
    if (rprec == AB_PREC_FP32) {
        for (size_t f = 0; f < F; f++) {
            double a = ph[f];
            const double *row = kv + f * DV;
            for (size_t c = 0; c < DV; c++)
                acc[c] += a * row[c];
            den += a * ks[f];
        }
    } else {
        for (size_t f = 0; f < F; f++) {
            double a = ph[f];
            const double *row = kv + f * DV;
            for (size_t c = 0; c < DV; c++)
                acc[c] += a * rd(row[c], rprec);
            den += a * rd(ks[f], rprec);
        }
    }
    double g = guard(L, den);
    int bad = 0;
    if (L->p.precision != AB_PREC_FP32) { /* the normaliser, stored */
        g = rd(g, L->p.precision);
        bad = !(g != 0 && isfinite(g));
    }
    double inv = 1.0 / g;
    for (size_t c = 0; c < DV; c++)
        o[c] = (float)(acc[c] * inv);
    return bad;
}

size_t ab_lin_forward(struct ab_lin *L, float *out)
{
    const struct ab_problem *p = &L->p;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, F = L->F, bad = 0;
    int T = (int)nthreads(p), prec = p->precision;
    if (p->mask == AB_MASK_CAUSAL) { /* one prefix per head */
#pragma omp parallel for schedule(dynamic, 1) num_threads(T) reduction(+ : bad)
        for (long hh = 0; hh < (long)H; hh++) {
            size_t h = (size_t)hh;
            double *ph = L->work + (size_t)omp_get_thread_num() * (F + DV), *acc = ph + F;
            double *kv = L->kv + h * F * DV, *ks = L->ks + h * F;
            memset(kv, 0, F * DV * sizeof *kv);
            memset(ks, 0, F * sizeof *ks);
            for (size_t i = 0; i < N; i++) {
                L->phi(L->ctx, p->k + (h * N + i) * D, D, i, N, ph);
                round_d(ph, F, prec); /* precision: phi(k_i), stored */
                accumulate(F, DV, ph, p->v + (h * N + i) * DV, kv, ks);
                L->phi(L->ctx, p->q + (h * N + i) * D, D, i, N, ph);
                round_d(ph, F, prec); /* phi(q_i) */
                /* the prefix sums stay double, rounded as read */
                bad += (size_t)emit(L, ph, kv, ks, prec, acc, out + (h * N + i) * DV);
            }
        }
        return bad;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
    for (long hh = 0; hh < (long)H; hh++) {
        size_t h = (size_t)hh, valid = ab_mask_valid(p, h);
        double *ph = L->work + (size_t)omp_get_thread_num() * (F + DV);
        double *kv = L->kv + h * F * DV, *ks = L->ks + h * F;
        memset(kv, 0, F * DV * sizeof *kv);
        memset(ks, 0, F * sizeof *ks);
        for (size_t j = 0; j < valid; j++) {
            L->phi(L->ctx, p->k + (h * N + j) * D, D, j, valid, ph);
            round_d(ph, F, prec); /* precision: phi(k_j), stored */
            accumulate(F, DV, ph, p->v + (h * N + j) * DV, kv, ks);
        }
        round_d(kv, F * DV, prec); /* the sums, stored for the queries */
        round_d(ks, F, prec);
    }
    size_t tiles = (N + TQ - 1) / TQ;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T) reduction(+ : bad)
    for (long it = 0; it < (long)(H * tiles); it++) {
        size_t h = (size_t)it / tiles, r0 = ((size_t)it % tiles) * TQ;
        size_t r1 = r0 + TQ < N ? r0 + TQ : N, valid = ab_mask_valid(p, h);
        double *ph = L->work + (size_t)omp_get_thread_num() * (F + DV), *acc = ph + F;
        for (size_t i = r0; i < r1; i++) {
            float *o = out + (h * N + i) * DV;
            if (i >= valid) {
                memset(o, 0, DV * sizeof *o);
                continue;
            }
            L->phi(L->ctx, p->q + (h * N + i) * D, D, i, valid, ph);
            round_d(ph, F, prec); /* precision: phi(q_i), stored */
            bad += (size_t)emit(L, ph, L->kv + h * F * DV, L->ks + h * F, AB_PREC_FP32, acc, o);
        }
    }
    return bad;
}

int ab_lin_underflow(const struct ab_lin *L, size_t bad, const char *who, struct ab_err *err)
{
    if (!bad)
        return AB_OK;
    return ab_errf(err, AB_ENUMERIC,
                   "%s: precision %s: %zu normalisers phi(q_i) . sum_j phi(k_j) were 0 or not finite "
                   "in the format (the sums overflow it, or the features underflow); those output "
                   "rows are not finite",
                   who, ab_precision_name(L->p.precision), bad);
}

int ab_lin_rows(struct ab_lin *L, size_t h, size_t r0, size_t r1, float *S, const char *who,
                struct ab_err *err)
{
    const struct ab_problem *p = &L->p;
    size_t N = p->n, D = p->d, F = L->F, rows = r1 - r0;
    if (h >= p->heads || r0 >= r1 || r1 > N || rows > AB_ROWS_BLOCK)
        return ab_errf(err, AB_EINVAL, "%s: rows [%zu, %zu) of head %zu out of range", who, r0, r1, h);
    size_t valid = ab_mask_valid(p, h);
    double *phq = L->rw, *phk = phq + AB_ROWS_BLOCK * F, *den = phk + F;
    size_t kmax = 0;
    for (size_t t = 0; t < rows; t++) {
        size_t keys = ab_mask_keys(p, h, r0 + t);
        kmax = keys > kmax ? keys : kmax;
        den[t] = 0;
        if (keys) {
            L->phi(L->ctx, p->q + (h * N + r0 + t) * D, D, r0 + t, valid, phq + t * F);
            round_d(phq + t * F, F, p->precision); /* as forward stores phi(q_i) */
        }
    }
    memset(S, 0, rows * N * sizeof *S);
    for (size_t j = 0; j < kmax; j++) { /* one key's features, every row */
        L->phi(L->ctx, p->k + (h * N + j) * D, D, j, valid, phk);
        round_d(phk, F, p->precision);
        for (size_t t = 0; t < rows; t++) {
            if (j >= ab_mask_keys(p, h, r0 + t))
                continue;
            double e = 0;
            for (size_t f = 0; f < F; f++)
                e += phq[t * F + f] * phk[f];
            den[t] += e;
            S[t * N + j] = (float)e;
        }
    }
    for (size_t t = 0; t < rows; t++) {
        if (!ab_mask_keys(p, h, r0 + t))
            continue;
        float inv = (float)(1.0 / rd(guard(L, den[t]), p->precision));
        for (size_t j = 0; j < N; j++)
            S[t * N + j] *= inv;
    }
    return AB_OK;
}

int ab_lin_target_rel_fro(struct ab_lin *L, double *rel, const char *who, struct ab_err *err)
{
    const struct ab_problem *p = &L->p;
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv, F = L->F;
    float *out = p->alloc(H * N * DV * sizeof *out);
    double *t = p->alloc((F * DV + 2 * F + DV) * sizeof *t);
    if (!out || !t) {
        if (out)
            p->free(out);
        if (t)
            p->free(t);
        return ab_errf(err, AB_ENOMEM, "%s: report: cannot allocate the target's buffers", who);
    }
    (void)ab_lin_forward(L, out); /* non-finite rows show in the error */
    double *kv = t, *ks = kv + F * DV, *ph = ks + F, *o = ph + F, num = 0, nrm = 0;
    for (size_t h = 0; h < H; h++) {
        size_t valid = ab_mask_valid(p, h);
        int causal = p->mask == AB_MASK_CAUSAL;
        memset(kv, 0, (F * DV + F) * sizeof *kv);
        size_t pre = 0; /* keys summed so far */
        for (size_t i = 0; i < valid; i++) {
            size_t keys = causal ? i + 1 : valid;
            for (; pre < keys; pre++) {
                L->phi(L->ctx, p->k + (h * N + pre) * D, D, pre, valid, ph);
                const float *v = p->v + (h * N + pre) * DV;
                for (size_t f = 0; f < F; f++) {
                    ks[f] += ph[f];
                    for (size_t c = 0; c < DV; c++)
                        kv[f * DV + c] += ph[f] * v[c];
                }
            }
            L->phi(L->ctx, p->q + (h * N + i) * D, D, i, valid, ph);
            double den = 0;
            for (size_t c = 0; c < DV; c++)
                o[c] = 0;
            for (size_t f = 0; f < F; f++) {
                den += ph[f] * ks[f];
                for (size_t c = 0; c < DV; c++)
                    o[c] += ph[f] * kv[f * DV + c];
            }
            den = L->den_rule == AB_LIN_DEN_CLAMP ? fmax(den, L->eps) : den + L->eps;
            for (size_t c = 0; c < DV; c++) {
                double want = o[c] / den, e = (double)out[(h * N + i) * DV + c] - want;
                num += e * e, nrm += want * want;
            }
        }
    }
    p->free(out);
    p->free(t);
    *rel = nrm > 0 ? sqrt(num / nrm) : sqrt(num);
    return AB_OK;
}
