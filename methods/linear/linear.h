/* linear.h — the feature-map attention engine that `linear` and `cosformer`
 * share (linear.c): for a feature map phi of F features per token,
 *
 *   O_i = phi(q_i)^T sum_j phi(k_j) v_j^T / den_i,  den_i = phi(q_i)^T sum_j phi(k_j)
 *
 * over the keys j the mask leaves row i: every valid key (none, padding), or
 * j <= i (causal, by prefix sums: row i's arithmetic never reads a later
 * key, so causal_leak is exactly 0). Padded keys are out of both sums and
 * padded rows are 0. The sums over tokens are in double; phi is evaluated in
 * double from the float32 inputs. den_i is guarded by the method's rule:
 * den + eps (pytorch-fast-transformers) or max(den, eps) (cosFormer's
 * clamp_min), so a row whose features vanish gives 0, never NaN.
 *
 * precision bf16|fp16 (AB_CAP_PRECISION; Q, K, V arrive rounded): phi(q_i)
 * and phi(k_j) as stored, the sums sum_j phi(k_j) v_j^T and sum_j phi(k_j)
 * once summed (unmasked, padding: stored rounded for the queries; causal:
 * the prefix state stays double and is rounded as each row reads it), and
 * the guarded normaliser; the sums accumulate in double as at fp32. A
 * normaliser 0 or not finite in the format (fp16 overflows at 65520: the
 * sums of long sequences) is AB_ENUMERIC with the count (ab_lin_underflow).
 * fp32 rounds nothing: bitwise the same.
 *
 * Cost per head: 4 N F DV + 4 N F flops (plus phi's) and H F (DV + 1)
 * doubles of sums; `rows` gives the normalised kernel matrix
 * S^_ij = phi(q_i) . phi(k_j) / den_i.
 * Tests: tests/test_linear.c, tests/test_cosformer.c. */
#ifndef AB_LINEAR_H
#define AB_LINEAR_H

#include "attnbench.h"

#include <stddef.h>

/* The features of token i (0-based) of a head with `valid` valid tokens,
 * from its D inputs x, into out (F doubles). */
typedef void (*ab_lin_phi_fn)(const void *ctx, const float *x, size_t d, size_t i, size_t valid,
                              double *out);

enum ab_lin_den { AB_LIN_DEN_ADD = 0, AB_LIN_DEN_CLAMP = 1 };

struct ab_lin {
    struct ab_problem p;
    size_t F;
    ab_lin_phi_fn phi;
    const void *ctx;
    int den_rule;
    double eps;
    double *buf;  /* the one allocation, carved below */
    double *kv;   /* H x F x DV: sum_j phi(k_j) v_j^T */
    double *ks;   /* H x F: sum_j phi(k_j) */
    double *work; /* threads x (F + DV) */
    double *rw;   /* rows: AB_ROWS_BLOCK x F features, F, AB_ROWS_BLOCK denominators */
};

/* The bytes ab_lin_init allocates (one allocation). */
size_t ab_lin_bytes(const struct ab_problem *p, size_t F);
/* FLOPs of one forward, phi_flops per feature evaluation of one token. */
double ab_lin_flops(const struct ab_problem *p, size_t F, double phi_flops);
/* Allocates through p->alloc; AB_ENOMEM with a message on failure. */
int ab_lin_init(struct ab_lin *L, const struct ab_problem *p, size_t F, ab_lin_phi_fn phi,
                const void *ctx, int den_rule, double eps, const char *who, struct ab_err *err);
/* Returns the count of rows whose normaliser was 0 or not finite once
 * rounded to p->precision (always 0 at fp32, where nothing is rounded). */
size_t ab_lin_forward(struct ab_lin *L, float *out);
/* AB_OK when bad is 0, else AB_ENUMERIC with the count and the format. */
int ab_lin_underflow(const struct ab_lin *L, size_t bad, const char *who, struct ab_err *err);
int ab_lin_rows(struct ab_lin *L, size_t h, size_t r0, size_t r1, float *S, const char *who,
                struct ab_err *err);
/* report's target_rel_fro: forward into a buffer from p->alloc, and its
 * relative Frobenius error over the valid rows against the same kernel
 * attention evaluated independently in float64 (plain loops, one head at a
 * time). The buffer is freed before it returns. */
int ab_lin_target_rel_fro(struct ab_lin *L, double *rel, const char *who, struct ab_err *err);
void ab_lin_free(struct ab_lin *L);

#endif
