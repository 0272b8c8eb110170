/* data.h — data sources: synthetic generators and files, one table.
 *
 * A data kind is described like a method: a name, a parameter table (which
 * drives YAML validation, `attnbench list` and the CSV `data_params` column)
 * and two functions. Every synthetic kind is deterministic from (params,
 * seed): the same seed gives bitwise the same Q, K, V on any machine (see
 * rng.h). Every kind has `scale`, the temperature knob: it multiplies Q and K
 * by sqrt(scale), so the logits QK^T/sqrt(D) are multiplied by scale.
 *
 * Kinds (parameters beyond heads, n, d, dv, scale):
 *   gaussian   Q, K, V i.i.d. N(0, 1): logits have standard deviation ~1.
 *   lowrank    Q = A P + noise E, K = B P + noise E', rank r.      rank, noise
 *   clustered  tokens drawn around c centres; contiguous runs or a
 *              shuffled order.                           clusters, spread, order
 *   local      an AR(1) walk through R^D, correlation length `width`
 *              tokens: attention concentrates near the diagonal.   width, noise
 *   heavy      Student-t entries (nu) and `sinks` sink tokens whose keys
 *              align with a direction every query shares.          nu, sinks
 *   npy        Q, K, V from .npy files ((N,D) or (H,N,D), f32 or f64); paths
 *              relative to the config file. Optional n takes the first n
 *              tokens.                                            q, k, v, n
 * V is i.i.d. N(0, 1) for every synthetic kind.
 *
 * Tests: tests/test_data.c (golden values, determinism, structure).
 */
#ifndef AB_DATA_H
#define AB_DATA_H

#include "attnbench.h"

#include <stddef.h>
#include <stdint.h>

struct ab_data {
    size_t heads, n, d, dv;
    float *q, *k, *v;  /* (H,N,D), (H,N,D), (H,N,DV); 64-byte aligned; owned */
    uint64_t id;       /* stable id: hash of (kind, params, seed) or of the content,
                        * and of the mask when there is one */
    char idhex[17];    /* id as 16 hex digits */
    int mask;          /* enum ab_mask (attnbench.h); AB_MASK_NONE from `make` */
    size_t *lengths;   /* AB_MASK_PADDING: valid tokens per head (H entries); owned */
};

struct ab_datakind {
    const char *name, *summary;
    const struct ab_param *params;
    int nparams;
    /* Sizes without generating or reading the data (npy: reads the headers
     * only, and validates them). dims = {H, N, D, DV}. */
    int (*shape)(const struct ab_values *vals, const char *basedir, size_t dims[4],
                 struct ab_err *err);
    /* Generate or load. `basedir` resolves relative paths (NULL: the cwd). */
    int (*make)(const struct ab_values *vals, uint64_t seed, const char *basedir,
                struct ab_data *out, struct ab_err *err);
};

extern const struct ab_datakind *const ab_datakinds[];
extern const int ab_ndatakinds;

const struct ab_datakind *ab_datakind_find(const char *name);
void ab_data_free(struct ab_data *d);

/* kind->make, then ab_data_check: the one way the driver makes data, so an
 * overflow is one data error (every row of that data is `skipped` with it),
 * not a numeric failure blamed on every method. On error *out is empty and
 * the message starts with "KIND data: ". */
int ab_data_make(const struct ab_datakind *kind, const struct ab_values *vals, uint64_t seed,
                 const char *basedir, struct ab_data *out, struct ab_err *err);
/* Q, K, V are finite (else "Q: the value at [h, i, j] is Inf after scale =
 * S ...; the largest finite |value| is M") and the logits QK^T/sqrt(D) cannot
 * overflow float32 (a Cauchy-Schwarz bound from the row norms, per head).
 * `scale` is only quoted in the message. */
int ab_data_check(const struct ab_data *d, double scale, struct ab_err *err);

/* Give made data its mask: AB_MASK_PADDING takes `lengths` (nlen >= 1
 * values; head h gets lengths[h mod nlen], each in [1, N], else AB_EINVAL
 * "lengths[j] = L exceeds n = N"). The id then also hashes the mask (the
 * reference and its cache follow the id); AB_MASK_NONE leaves it as it was. */
int ab_data_set_mask(struct ab_data *d, int mask, const size_t *lengths, size_t nlen,
                     struct ab_err *err);
/* The mask as text: "none", "causal", "padding"; NULL for another value. */
const char *ab_mask_name(int mask);
/* The valid tokens of head h (lengths[h] under padding, else N), and the
 * keys row i attends (as ab_mask_keys in attnbench.h). */
size_t ab_data_valid(const struct ab_data *d, size_t h);
size_t ab_data_keys(const struct ab_data *d, size_t h, size_t i);

#endif
