/* metrics.h — how far a method's output and attention matrix are from the
 * exact ones. Output metrics compare against the float64 reference; matrix
 * metrics stream the difference E = S^ - S in row blocks (never an N x N
 * buffer): ||E||_F, max_i |sum_j S^_ij - 1|, and ||E||_2 by Lanczos iteration
 * on E^T E (each iteration is one pass over the rows).
 * Tests: tests/test_metrics.c. */
#ifndef AB_METRICS_H
#define AB_METRICS_H

#include "attnbench.h"
#include "data/data.h"
#include "reference.h"

#include <stddef.h>
#include <stdint.h>

struct ab_out_metrics {
    double rel_fro; /* ||O^ - O||_F / ||O||_F over all heads */
    double max_abs; /* max |O^ - O| */
    double cos;     /* mean over rows (all heads, valid rows) of cos(O^_i, O_i) */
    size_t nonfinite, first_bad; /* non-finite entries of O^, index of the first */
};
/* Over the rows of (heads x n) x dv arrays; with `lengths` (padding: one per
 * head) rows i >= lengths[h] of head h are left out of every figure (the
 * non-finite count included). */
void ab_metrics_output(const float *out, const double *ref, size_t count, size_t dv, size_t n,
                       const size_t *lengths, struct ab_out_metrics *m);

struct ab_attn_metrics {
    double rel_fro;     /* sqrt(sum_h ||E_h||_F^2 / sum_h ||S_h||_F^2) */
    double rel_spec;    /* mean over heads of ||E_h||_2 / ||S_h||_2; NaN unless want_spec */
    double row_sum_dev; /* max over heads and rows of |sum_j S^_ij - 1| */
};
/* Needs m->rows, a state after forward, the data and its reference (with
 * spec when want_spec). */
int ab_metrics_attention(const struct ab_method *m, void *state, const struct ab_data *d,
                         const struct ab_reference *ref, int want_spec, int threads,
                         struct ab_attn_metrics *out, struct ab_err *err);

#endif
