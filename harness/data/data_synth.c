/* data_synth.c — the synthetic data kinds (see data.h for what each is).
 *
 * Determinism: only the project PRNG (rng.h), + - * / and sqrt, in double,
 * rounded to float once; compiled with -ffp-contract=off. Every tensor of
 * every head draws from its own stream, keyed by (kind, head, tensor), so
 * changing dv leaves Q and K bitwise unchanged and heads are independent.
 *
 * Normalisation: before the temperature, Q and K entries have unit variance
 * (so q.k/sqrt(D) has standard deviation ~1 for unstructured data); `scale`
 * then multiplies Q and K by sqrt(scale), the logits by scale.
 *
 * heavy: entries Student-t(nu) / sqrt(nu/(nu-2)) (unit variance for nu > 2).
 * A unit direction u is shared by the head: every query gets
 * + sqrt(2) D^(1/4) u and each of the first `sinks` keys + 2 sqrt(2) D^(1/4) u,
 * which raises every query's logit on a sink by ~4 (x scale): the sink tokens
 * of trained LLMs in miniature.
 *
 * Tests: tests/test_data.c. */
#include "data/data.h"
#include "base/rng.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMON_PARAMS                                                                              \
    {.name = "heads", .type = AB_PT_INT, .def = "1", .lo = 1, .hi = 4096, .help = "heads H"},     \
        {.name = "n", .type = AB_PT_INT, .def = "1024", .lo = 1, .hi = 1 << 24,                    \
         .help = "sequence length N"},                                                            \
        {.name = "d", .type = AB_PT_INT, .def = "64", .lo = 1, .hi = 4096,                         \
         .help = "query/key head dim D"},                                                         \
        {.name = "dv", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 4096,                        \
         .help = "value head dim DV (default D)"},                                                \
        {.name = "scale", .type = AB_PT_REAL, .def = "1", .lo = 1e-6, .hi = 1000,                  \
         .help = "temperature: logits x scale (Q, K x sqrt(scale))"}

enum { T_Q = 'Q', T_K = 'K', T_V = 'V', T_S = 'S' }; /* tensor tags for the streams */

static void stream(struct ab_rng *r, const char *kind, uint64_t seed, size_t head, int tensor)
{
    char key[96];
    snprintf(key, sizeof key, "%s/%zu/%c", kind, head, tensor);
    ab_rng_seed(r, seed, ab_hash_str(key, AB_HASH_INIT));
}

static int common_dims(const struct ab_values *v, size_t dims[4])
{
    dims[0] = (size_t)ab_values_int(v, "heads");
    dims[1] = (size_t)ab_values_int(v, "n");
    dims[2] = (size_t)ab_values_int(v, "d");
    dims[3] = ab_values_isset(v, "dv") ? (size_t)ab_values_int(v, "dv") : dims[2];
    return AB_OK;
}

/* Allocate Q, K, V, fill V ~ N(0,1), set sizes and the id. */
static int begin(const char *kind, const struct ab_values *vals, uint64_t seed, struct ab_data *o,
                 struct ab_err *err)
{
    size_t dims[4];
    memset(o, 0, sizeof *o);
    common_dims(vals, dims);
    o->heads = dims[0], o->n = dims[1], o->d = dims[2], o->dv = dims[3];
    size_t nq = o->heads * o->n * o->d, nv = o->heads * o->n * o->dv;
    o->q = ab_aligned_alloc(nq * sizeof(float));
    o->k = ab_aligned_alloc(nq * sizeof(float));
    o->v = ab_aligned_alloc(nv * sizeof(float));
    if (!o->q || !o->k || !o->v) {
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "%s: cannot allocate %.1f MiB for Q, K, V", kind,
                       (double)(2 * nq + nv) * 4 / 1048576.0);
    }
    struct ab_rng r;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&r, kind, seed, h, T_V);
        float *v = o->v + h * o->n * o->dv;
        for (size_t i = 0; i < o->n * o->dv; i++)
            v[i] = (float)ab_rng_normal(&r);
    }
    char *params = ab_values_text(vals, ""); /* (numbers and choices: as ab_plan's text) */
    if (!params) {
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "%s: out of memory", kind);
    }
    char sd[32];
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed);
    uint64_t id = ab_hash_str("attnbench-data-v1", AB_HASH_INIT);
    id = ab_hash_str(kind, id);
    id = ab_hash_str(params, id);
    free(params);
    o->id = ab_hash_str(sd, id);
    ab_hex64(o->id, o->idhex);
    return AB_OK;
}

static void fill_normal(float *x, size_t count, struct ab_rng *r, double mul)
{
    for (size_t i = 0; i < count; i++)
        x[i] = (float)(mul * ab_rng_normal(r));
}

/* ---- gaussian ---- */

static const struct ab_param gaussian_params[] = {COMMON_PARAMS};

static int gaussian_shape(const struct ab_values *v, const char *b, size_t dims[4], struct ab_err *e)
{
    (void)b, (void)e;
    return common_dims(v, dims);
}

static int gaussian_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                         struct ab_data *o, struct ab_err *err)
{
    (void)basedir;
    int rc = begin("gaussian", vals, seed, o, err);
    if (rc)
        return rc;
    double sq = sqrt(ab_values_real(vals, "scale"));
    struct ab_rng r;
    size_t per = o->n * o->d;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&r, "gaussian", seed, h, T_Q);
        fill_normal(o->q + h * per, per, &r, sq);
        stream(&r, "gaussian", seed, h, T_K);
        fill_normal(o->k + h * per, per, &r, sq);
    }
    return AB_OK;
}

const struct ab_datakind ab_datakind_gaussian = {
    .name = "gaussian",
    .summary = "Q, K, V i.i.d. N(0,1): unstructured attention (logit std ~ scale)",
    .params = gaussian_params,
    .nparams = (int)(sizeof gaussian_params / sizeof gaussian_params[0]),
    .shape = gaussian_shape,
    .make = gaussian_make,
};

/* ---- lowrank ---- */

static const struct ab_param lowrank_params[] = {
    COMMON_PARAMS,
    {.name = "rank", .type = AB_PT_INT, .def = "8", .lo = 1, .hi = 4096,
     .help = "rank r of Q and K (<= d)"},
    {.name = "noise", .type = AB_PT_REAL, .def = "0.1", .lo = 0, .hi = 100,
     .help = "i.i.d. noise added to the rank-r part"},
};

static int lowrank_shape(const struct ab_values *v, const char *b, size_t dims[4], struct ab_err *e)
{
    (void)b;
    common_dims(v, dims);
    long r = ab_values_int(v, "rank");
    if ((size_t)r > dims[2])
        return ab_errf(e, AB_EINVAL, "lowrank: rank %ld exceeds d = %zu", r, dims[2]);
    return AB_OK;
}

static int lowrank_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                        struct ab_data *o, struct ab_err *err)
{
    (void)basedir;
    size_t dims[4];
    int rc = lowrank_shape(vals, NULL, dims, err);
    if (rc || (rc = begin("lowrank", vals, seed, o, err)))
        return rc;
    size_t R = (size_t)ab_values_int(vals, "rank"), N = o->n, D = o->d;
    double noise = ab_values_real(vals, "noise"), sq = sqrt(ab_values_real(vals, "scale"));
    double norm = sq / sqrt(1.0 + noise * noise), pscale = 1.0 / sqrt((double)R);
    double *P = malloc(R * D * sizeof *P), *coef = malloc(R * sizeof *coef);
    if (!P || !coef) {
        free(P), free(coef);
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "lowrank: out of memory");
    }
    struct ab_rng r;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&r, "lowrank", seed, h, T_S); /* P (R x D), shared by Q and K */
        for (size_t i = 0; i < R * D; i++)
            P[i] = pscale * ab_rng_normal(&r);
        for (int t = 0; t < 2; t++) {
            float *x = (t ? o->k : o->q) + h * N * D;
            struct ab_rng a, e;
            stream(&a, "lowrank", seed, h, t ? 'B' : 'A'); /* coefficients */
            stream(&e, "lowrank", seed, h, t ? T_K : T_Q); /* noise */
            for (size_t i = 0; i < N; i++) {
                for (size_t c = 0; c < R; c++)
                    coef[c] = ab_rng_normal(&a);
                for (size_t j = 0; j < D; j++) {
                    double s = 0;
                    for (size_t c = 0; c < R; c++)
                        s += coef[c] * P[c * D + j];
                    x[i * D + j] = (float)(norm * (s + noise * ab_rng_normal(&e)));
                }
            }
        }
    }
    free(P), free(coef);
    return AB_OK;
}

const struct ab_datakind ab_datakind_lowrank = {
    .name = "lowrank",
    .summary = "Q = A P + noise, K = B P + noise: rank-r logits",
    .params = lowrank_params,
    .nparams = (int)(sizeof lowrank_params / sizeof lowrank_params[0]),
    .shape = lowrank_shape,
    .make = lowrank_make,
};

/* ---- clustered ---- */

static const struct ab_param clustered_params[] = {
    COMMON_PARAMS,
    {.name = "clusters", .type = AB_PT_INT, .def = "16", .lo = 1, .hi = 1 << 20,
     .help = "number of clusters c (<= n)"},
    {.name = "spread", .type = AB_PT_REAL, .def = "0.3", .lo = 0, .hi = 100,
     .help = "within-cluster noise relative to the centres"},
    {.name = "order", .type = AB_PT_ENUM, .def = "contiguous", .choices = "contiguous|shuffled",
     .help = "clusters as contiguous runs of tokens, or in a seeded random order"},
};

static int clustered_shape(const struct ab_values *v, const char *b, size_t dims[4],
                           struct ab_err *e)
{
    (void)b;
    common_dims(v, dims);
    long c = ab_values_int(v, "clusters");
    if ((size_t)c > dims[1])
        return ab_errf(e, AB_EINVAL, "clustered: clusters %ld exceeds n = %zu", c, dims[1]);
    return AB_OK;
}

static int clustered_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                          struct ab_data *o, struct ab_err *err)
{
    (void)basedir;
    size_t dims[4];
    int rc = clustered_shape(vals, NULL, dims, err);
    if (rc || (rc = begin("clustered", vals, seed, o, err)))
        return rc;
    size_t C = (size_t)ab_values_int(vals, "clusters"), N = o->n, D = o->d;
    double spread = ab_values_real(vals, "spread"), sq = sqrt(ab_values_real(vals, "scale"));
    double norm = sq / sqrt(1.0 + spread * spread);
    int shuffled = ab_values_enum(vals, "order") == 1;
    double *mu = malloc(C * D * sizeof *mu);
    size_t *cl = malloc(N * sizeof *cl);
    if (!mu || !cl) {
        free(mu), free(cl);
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "clustered: out of memory");
    }
    struct ab_rng r, e;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&r, "clustered", seed, h, T_S);
        for (size_t i = 0; i < C * D; i++)
            mu[i] = ab_rng_normal(&r);
        for (size_t i = 0; i < N; i++)
            cl[i] = i * C / N; /* contiguous runs, sizes differing by at most one */
        if (shuffled)
            for (size_t i = N - 1; i > 0; i--) { /* Fisher-Yates */
                size_t j = (size_t)ab_rng_below(&r, i + 1), t = cl[i];
                cl[i] = cl[j], cl[j] = t;
            }
        for (int t = 0; t < 2; t++) {
            float *x = (t ? o->k : o->q) + h * N * D;
            stream(&e, "clustered", seed, h, t ? T_K : T_Q);
            for (size_t i = 0; i < N; i++)
                for (size_t j = 0; j < D; j++)
                    x[i * D + j] = (float)(norm * (mu[cl[i] * D + j] + spread * ab_rng_normal(&e)));
        }
    }
    free(mu), free(cl);
    return AB_OK;
}

const struct ab_datakind ab_datakind_clustered = {
    .name = "clustered",
    .summary = "tokens around c centres, in contiguous runs or shuffled",
    .params = clustered_params,
    .nparams = (int)(sizeof clustered_params / sizeof clustered_params[0]),
    .shape = clustered_shape,
    .make = clustered_make,
};

/* ---- local ---- */

static const struct ab_param local_params[] = {
    COMMON_PARAMS,
    {.name = "width", .type = AB_PT_REAL, .def = "16", .lo = 1, .hi = 1e9,
     .help = "correlation length in tokens (rho = 1 - 1/width)"},
    {.name = "noise", .type = AB_PT_REAL, .def = "0.1", .lo = 0, .hi = 100,
     .help = "independent noise on Q and K around the walk"},
};

static int local_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                      struct ab_data *o, struct ab_err *err)
{
    (void)basedir;
    int rc = begin("local", vals, seed, o, err);
    if (rc)
        return rc;
    size_t N = o->n, D = o->d;
    double width = ab_values_real(vals, "width"), noise = ab_values_real(vals, "noise");
    double sq = sqrt(ab_values_real(vals, "scale")), norm = sq / sqrt(1.0 + noise * noise);
    double rho = 1.0 - 1.0 / width, inno = sqrt(1.0 - rho * rho);
    double *x = malloc(D * sizeof *x);
    if (!x) {
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "local: out of memory");
    }
    struct ab_rng w, eq, ek;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&w, "local", seed, h, T_S);
        stream(&eq, "local", seed, h, T_Q);
        stream(&ek, "local", seed, h, T_K);
        float *q = o->q + h * N * D, *k = o->k + h * N * D;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < D; j++) {
                /* x_0 ~ N(0, I); x_i = rho x_{i-1} + sqrt(1 - rho^2) eps: unit variance */
                double z = ab_rng_normal(&w);
                x[j] = i == 0 ? z : rho * x[j] + inno * z;
                q[i * D + j] = (float)(norm * (x[j] + noise * ab_rng_normal(&eq)));
                k[i * D + j] = (float)(norm * (x[j] + noise * ab_rng_normal(&ek)));
            }
    }
    free(x);
    return AB_OK;
}

const struct ab_datakind ab_datakind_local = {
    .name = "local",
    .summary = "an AR(1) walk through R^d: attention concentrated near the diagonal",
    .params = local_params,
    .nparams = (int)(sizeof local_params / sizeof local_params[0]),
    .shape = gaussian_shape,
    .make = local_make,
};

/* ---- heavy ---- */

static const struct ab_param heavy_params[] = {
    COMMON_PARAMS,
    {.name = "nu", .type = AB_PT_INT, .def = "3", .lo = 1, .hi = 1000,
     .help = "Student-t degrees of freedom of the Q, K entries"},
    {.name = "sinks", .type = AB_PT_INT, .def = "4", .lo = 0, .hi = 1 << 20,
     .help = "sink tokens: the first `sinks` keys, which every query favours"},
};

static int heavy_shape(const struct ab_values *v, const char *b, size_t dims[4], struct ab_err *e)
{
    (void)b;
    common_dims(v, dims);
    long s = ab_values_int(v, "sinks");
    if ((size_t)s > dims[1])
        return ab_errf(e, AB_EINVAL, "heavy: sinks %ld exceeds n = %zu", s, dims[1]);
    return AB_OK;
}

static int heavy_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                      struct ab_data *o, struct ab_err *err)
{
    (void)basedir;
    size_t dims[4];
    int rc = heavy_shape(vals, NULL, dims, err);
    if (rc || (rc = begin("heavy", vals, seed, o, err)))
        return rc;
    size_t N = o->n, D = o->d, S = (size_t)ab_values_int(vals, "sinks");
    int nu = (int)ab_values_int(vals, "nu");
    double sq = sqrt(ab_values_real(vals, "scale"));
    double tnorm = nu > 2 ? 1.0 / sqrt((double)nu / (double)(nu - 2)) : 1.0;
    double d4 = sqrt(sqrt((double)D)), a = sqrt(2.0) * d4, b = 2.0 * sqrt(2.0) * d4;
    double *u = malloc(D * sizeof *u);
    if (!u) {
        ab_data_free(o);
        return ab_errf(err, AB_ENOMEM, "heavy: out of memory");
    }
    struct ab_rng r;
    for (size_t h = 0; h < o->heads; h++) {
        stream(&r, "heavy", seed, h, T_S);
        double nrm = 0;
        for (size_t j = 0; j < D; j++) {
            u[j] = ab_rng_normal(&r);
            nrm += u[j] * u[j];
        }
        nrm = sqrt(nrm);
        for (size_t j = 0; j < D; j++)
            u[j] /= nrm;
        for (int t = 0; t < 2; t++) {
            float *x = (t ? o->k : o->q) + h * N * D;
            stream(&r, "heavy", seed, h, t ? T_K : T_Q);
            for (size_t i = 0; i < N; i++) {
                double shift = t == 0 ? a : (i < S ? b : 0.0);
                for (size_t j = 0; j < D; j++)
                    x[i * D + j] = (float)(sq * (tnorm * ab_rng_student_t(&r, nu) + shift * u[j]));
            }
        }
    }
    free(u);
    return AB_OK;
}

const struct ab_datakind ab_datakind_heavy = {
    .name = "heavy",
    .summary = "Student-t entries and sink tokens every query attends to",
    .params = heavy_params,
    .nparams = (int)(sizeof heavy_params / sizeof heavy_params[0]),
    .shape = heavy_shape,
    .make = heavy_make,
};
