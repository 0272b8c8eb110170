/* data.c — the data-kind table and what every kind shares. The synthetic
 * generators are in data_synth.c, the file sources in data_npy.c.
 * Tests: tests/test_data.c. */
#include "data/data.h"

#include "base/util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_datakind ab_datakind_gaussian, ab_datakind_lowrank, ab_datakind_clustered,
    ab_datakind_local, ab_datakind_heavy, ab_datakind_npy, ab_datakind_safetensors,
    ab_datakind_manifest;

const struct ab_datakind *const ab_datakinds[] = {
    &ab_datakind_gaussian, &ab_datakind_lowrank, &ab_datakind_clustered,
    &ab_datakind_local,    &ab_datakind_heavy,   &ab_datakind_npy,
    &ab_datakind_safetensors, &ab_datakind_manifest,
};
const int ab_ndatakinds = (int)(sizeof ab_datakinds / sizeof ab_datakinds[0]);

const struct ab_datakind *ab_datakind_find(const char *name)
{
    for (int i = 0; i < ab_ndatakinds; i++)
        if (strcmp(ab_datakinds[i]->name, name) == 0)
            return ab_datakinds[i];
    return NULL;
}

void ab_data_free(struct ab_data *d)
{
    if (!d)
        return;
    ab_aligned_free(d->q);
    ab_aligned_free(d->k);
    ab_aligned_free(d->v);
    free(d->lengths);
    memset(d, 0, sizeof *d);
}

const char *ab_mask_name(int mask)
{
    static const char *const names[] = {"none", "causal", "padding"};
    return mask >= 0 && mask < 3 ? names[mask] : NULL;
}

int ab_data_set_mask(struct ab_data *d, int mask, const size_t *lengths, size_t nlen,
                     struct ab_err *err)
{
    free(d->lengths);
    d->lengths = NULL;
    d->mask = AB_MASK_NONE;
    if (!ab_mask_name(mask))
        return ab_errf(err, AB_EINVAL, "mask %d is not none, causal or padding", mask);
    if (mask == AB_MASK_NONE)
        return AB_OK;
    uint64_t id = ab_hash_str("attnbench-mask-v1", d->id);
    id = ab_hash_str(ab_mask_name(mask), id);
    if (mask == AB_MASK_PADDING) {
        if (!lengths || nlen == 0)
            return ab_errf(err, AB_EINVAL, "mask: padding needs lengths");
        for (size_t j = 0; j < nlen; j++)
            if (lengths[j] < 1 || lengths[j] > d->n)
                return ab_errf(err, AB_EINVAL, "lengths[%zu] = %zu is outside [1, n = %zu]", j,
                               lengths[j], d->n);
        if (!(d->lengths = malloc(d->heads * sizeof *d->lengths)))
            return ab_errf(err, AB_ENOMEM, "out of memory for the lengths");
        for (size_t h = 0; h < d->heads; h++) {
            d->lengths[h] = lengths[h % nlen];
            char t[32];
            snprintf(t, sizeof t, "%zu", d->lengths[h]); /* text: endian-free */
            id = ab_hash_str(t, id);
        }
    }
    d->mask = mask;
    d->id = id;
    ab_hex64(d->id, d->idhex);
    return AB_OK;
}

size_t ab_data_valid(const struct ab_data *d, size_t h)
{
    return d->mask == AB_MASK_PADDING && d->lengths ? d->lengths[h] : d->n;
}

size_t ab_data_keys(const struct ab_data *d, size_t h, size_t i)
{
    size_t valid = ab_data_valid(d, h);
    if (i >= valid)
        return 0;
    return d->mask == AB_MASK_CAUSAL ? i + 1 : valid;
}

/* Largest |x| over count floats, and the index of the first non-finite one
 * (count if none). */
static float max_abs(const float *x, size_t count, size_t *bad)
{
    float m = 0;
    *bad = count;
    for (size_t i = 0; i < count; i++) {
        float a = fabsf(x[i]);
        if (!isfinite(a)) {
            if (*bad == count)
                *bad = i;
        } else if (a > m) {
            m = a;
        }
    }
    return m;
}

/* Largest Euclidean norm of the rows of an (rows, d) block, in double. */
static double max_row_norm(const float *x, size_t rows, size_t d)
{
    double m = 0;
    for (size_t r = 0; r < rows; r++) {
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += (double)x[r * d + j] * x[r * d + j];
        if (s > m)
            m = s;
    }
    return sqrt(m);
}

int ab_data_check(const struct ab_data *d, double scale, struct ab_err *err)
{
    const float *t[3] = {d->q, d->k, d->v};
    size_t cols[3] = {d->d, d->d, d->dv}, per[3], mx[3];
    float big[3];
    for (int a = 0; a < 3; a++) {
        per[a] = d->n * cols[a];
        big[a] = max_abs(t[a], d->heads * per[a], &mx[a]);
        if (mx[a] < d->heads * per[a]) {
            size_t i = mx[a];
            return ab_errf(err, AB_EINVAL,
                           "%c: the value at [%zu, %zu, %zu] is %s after scale = %g (Q, K x "
                           "sqrt(scale)); the largest finite |value| is %.6g: the data overflow "
                           "float32",
                           "QKV"[a], i / per[a], i % per[a] / cols[a], i % cols[a],
                           isnan(t[a][i]) ? "NaN" : "Inf", scale, (double)big[a]);
        }
    }
    /* The logits q.k / sqrt(D) must stay within float32: by Cauchy-Schwarz
     * at most max |q_i| max |k_j| / sqrt(D) (row norms), per head. */
    for (size_t h = 0; h < d->heads; h++) {
        double nq = max_row_norm(d->q + h * per[0], d->n, d->d),
               nk = max_row_norm(d->k + h * per[1], d->n, d->d),
               bound = nq * nk / sqrt((double)d->d);
        if (bound > FLT_MAX)
            return ab_errf(err, AB_EINVAL,
                           "Q and K: after scale = %g the logits QK^T/sqrt(D) of head %zu can reach "
                           "%.3g (rows of norm %.3g and %.3g; the largest |value| of Q is %.6g, of "
                           "K %.6g), beyond float32's %.3g",
                           scale, h, bound, nq, nk, (double)big[0], (double)big[1], (double)FLT_MAX);
    }
    return AB_OK;
}

int ab_data_make(const struct ab_datakind *kind, const struct ab_values *vals, uint64_t seed,
                 const char *basedir, struct ab_data *out, struct ab_err *err)
{
    int rc = kind->make(vals, seed, basedir, out, err);
    if (rc)
        return rc;
    if ((rc = ab_data_check(out, ab_values_real(vals, "scale"), err))) {
        ab_err_prefix(err, "%s data", kind->name);
        ab_data_free(out);
    }
    return rc;
}
