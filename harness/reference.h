/* reference.h — the exact attention of a data instance in float64: the
 * oracle every row is measured against. Computed once per data instance and
 * cached on disk by data id (written to a temporary file, then renamed, so a
 * concurrent reader never sees a torn file; a checksum guards the content).
 *
 * Per head h and row i, with s_ij = q_i . k_j / sqrt(D) in float64, and j
 * over the keys the data's mask leaves row i (all N without one; j <= i
 * causal; j < lengths[h] under padding, where a padded row i >= lengths[h]
 * has out = 0, lse = 0 and no part in entropy or fro2):
 *   lse[h,i] = log sum_j exp(s_ij)             (S_ij = exp(s_ij - lse))
 *   out[h,i] = sum_j S_ij v_j                  (H x N x DV)
 *   entropy  = mean over h, i of -sum_j S_ij log S_ij   (nats)
 *   fro2[h]  = ||S_h||_F^2;  spec[h] = ||S_h||_2 (power iteration; NaN when
 *              not asked for: it costs 2 passes over S per iteration)
 * Tests: tests/test_reference.c. */
#ifndef AB_REFERENCE_H
#define AB_REFERENCE_H

#include "attnbench.h"
#include "data/data.h"

#include <stddef.h>
#include <stdint.h>

struct ab_reference {
    uint64_t data_id;
    size_t heads, n, dv;
    double entropy;
    double *out;  /* H x N x DV */
    double *lse;  /* H x N */
    double *fro2; /* H */
    double *spec; /* H; NaN if not computed */
};

int ab_reference_compute(const struct ab_data *d, int threads, int want_spec,
                         struct ab_reference *ref, struct ab_err *err);
int ab_reference_save(const char *path, const struct ab_reference *ref, struct ab_err *err);
/* AB_OK when `path` holds the reference of `d` (id and sizes match, checksum
 * good, and spec present if want_spec); AB_EIO with a reason otherwise. */
int ab_reference_load(const char *path, const struct ab_data *d, int want_spec,
                      struct ab_reference *ref, struct ab_err *err);
void ab_reference_free(struct ab_reference *ref);

/* Exact attention rows [r0, r1) of head h, float64, into S ((r1-r0) x N),
 * under a mask: keys j >= valid (and j > i when causal) are 0, and so is
 * every row i >= valid (padding). qd, kd: that head's Q and K converted to
 * float64 (N x D). No mask: valid = N, causal = 0. */
void ab_reference_rows(const double *qd, const double *kd, const double *lse_h, size_t n, size_t d,
                       size_t valid, int causal, size_t r0, size_t r1, double *S);

#endif
