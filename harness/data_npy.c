/* data_npy.c — the `npy` data kind: Q, K, V from .npy files.
 *
 * Arrays are (N, D) (one head) or (H, N, D); Q and K must have the same
 * shape, V the same H and N (its last dim is DV). Paths are relative to the
 * config file's directory. `n` keeps the first n tokens of every head;
 * `scale` multiplies Q and K by sqrt(scale). The data id hashes the content
 * (after n and scale), so the exact-reference cache follows the numbers, not
 * the file names. The seed does not change the data.
 * Tests: tests/test_npy.c. */
#define _POSIX_C_SOURCE 200809L
#include "data.h"
#include "npy.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct ab_param npy_params[] = {
    {.name = "q", .type = AB_PT_STRING, .def = NULL, .help = "Q: .npy, (N,D) or (H,N,D)"},
    {.name = "k", .type = AB_PT_STRING, .def = NULL, .help = "K: same shape as Q"},
    {.name = "v", .type = AB_PT_STRING, .def = NULL, .help = "V: (N,DV) or (H,N,DV)"},
    {.name = "n", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 1 << 26,
     .help = "keep the first n tokens (default: all)"},
    {.name = "scale", .type = AB_PT_REAL, .def = "1", .lo = 1e-6, .hi = 1000,
     .help = "temperature: Q, K x sqrt(scale)"},
};

static void resolve(const char *basedir, const char *p, char *out, size_t cap)
{
    if (p[0] == '/' || !basedir || !*basedir || !strcmp(basedir, "."))
        snprintf(out, cap, "%s", p);
    else
        snprintf(out, cap, "%s/%s", basedir, p);
}

static void shape_text(const struct ab_npy *a, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "(");
    for (int i = 0; i < a->ndim && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%zu", i ? ", " : "", a->shape[i]);
    if (n < cap)
        snprintf(out + n, cap - n, ")");
}

/* H, N, last dim of a 2-D or 3-D array. */
static int hnd(const struct ab_npy *a, const char *path, size_t *h, size_t *n, size_t *d,
               struct ab_err *err)
{
    char sh[128];
    shape_text(a, sh, sizeof sh);
    if (a->ndim == 2)
        *h = 1, *n = a->shape[0], *d = a->shape[1];
    else if (a->ndim == 3)
        *h = a->shape[0], *n = a->shape[1], *d = a->shape[2];
    else
        return ab_errf(err, AB_EINVAL, "%s has shape %s: expected (N, D) or (H, N, D)", path, sh);
    if (*h == 0 || *n == 0 || *d == 0)
        return ab_errf(err, AB_EINVAL, "%s has shape %s: every dimension must be at least 1", path,
                       sh);
    return AB_OK;
}

/* Check the three arrays' shapes against each other and n; fill dims. */
static int check(const struct ab_npy a[3], char paths[3][1024], const struct ab_values *vals,
                 size_t dims[4], struct ab_err *err)
{
    size_t h[3], n[3], d[3];
    for (int i = 0; i < 3; i++)
        if (hnd(&a[i], paths[i], &h[i], &n[i], &d[i], err))
            return AB_EINVAL;
    char s0[128], s1[128];
    shape_text(&a[0], s0, sizeof s0);
    if (a[1].ndim != a[0].ndim || h[1] != h[0] || n[1] != n[0] || d[1] != d[0]) {
        shape_text(&a[1], s1, sizeof s1);
        return ab_errf(err, AB_EINVAL, "%s has shape %s but %s has %s: K must match Q", paths[1], s1,
                       paths[0], s0);
    }
    if (a[2].ndim != a[0].ndim || h[2] != h[0] || n[2] != n[0]) {
        shape_text(&a[2], s1, sizeof s1);
        return ab_errf(err, AB_EINVAL,
                       "%s has shape %s but %s has %s: V must have Q's heads and tokens", paths[2],
                       s1, paths[0], s0);
    }
    size_t N = n[0];
    if (ab_values_isset(vals, "n")) {
        size_t want = (size_t)ab_values_int(vals, "n");
        if (want > N)
            return ab_errf(err, AB_EINVAL, "n = %zu exceeds the %zu tokens of %s", want, N, paths[0]);
        N = want;
    }
    dims[0] = h[0], dims[1] = N, dims[2] = d[0], dims[3] = d[2];
    return AB_OK;
}

static void paths_of(const struct ab_values *vals, const char *basedir, char paths[3][1024])
{
    const char *names[3] = {"q", "k", "v"};
    for (int i = 0; i < 3; i++)
        resolve(basedir, ab_values_str(vals, names[i]), paths[i], sizeof paths[i]);
}

static int require_paths(const struct ab_values *vals, struct ab_err *err)
{
    const char *names[3] = {"q", "k", "v"};
    for (int i = 0; i < 3; i++)
        if (!ab_values_isset(vals, names[i]))
            return ab_errf(err, AB_EINVAL, "npy data needs '%s' (a .npy path)", names[i]);
    return AB_OK;
}

static int npy_shape(const struct ab_values *vals, const char *basedir, size_t dims[4],
                     struct ab_err *err)
{
    if (require_paths(vals, err))
        return AB_EINVAL;
    char paths[3][1024];
    paths_of(vals, basedir, paths);
    struct ab_npy a[3];
    for (int i = 0; i < 3; i++) {
        int rc = ab_npy_peek(paths[i], &a[i], err);
        if (rc)
            return rc;
    }
    return check(a, paths, vals, dims, err);
}

static int npy_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                    struct ab_data *o, struct ab_err *err)
{
    (void)seed;
    memset(o, 0, sizeof *o);
    if (require_paths(vals, err))
        return AB_EINVAL;
    char paths[3][1024];
    paths_of(vals, basedir, paths);
    struct ab_npy a[3] = {{0}};
    size_t dims[4];
    int rc = AB_OK;
    for (int i = 0; i < 3 && rc == AB_OK; i++)
        rc = ab_npy_read(paths[i], &a[i], err);
    if (rc == AB_OK)
        rc = check(a, paths, vals, dims, err);
    if (rc == AB_OK) {
        size_t H = dims[0], N = dims[1], D = dims[2], DV = dims[3];
        size_t Nfile = a[0].ndim == 2 ? a[0].shape[0] : a[0].shape[1];
        o->heads = H, o->n = N, o->d = D, o->dv = DV;
        o->q = ab_aligned_alloc(H * N * D * 4), o->k = ab_aligned_alloc(H * N * D * 4);
        o->v = ab_aligned_alloc(H * N * DV * 4);
        if (!o->q || !o->k || !o->v) {
            rc = ab_errf(err, AB_ENOMEM, "npy: cannot allocate Q, K, V");
        } else {
            float sq = (float)sqrt(ab_values_real(vals, "scale"));
            for (size_t h = 0; h < H; h++) { /* the first N of Nfile tokens of each head */
                for (size_t i = 0; i < N * D; i++) {
                    o->q[h * N * D + i] = a[0].data[h * Nfile * D + i] * sq;
                    o->k[h * N * D + i] = a[1].data[h * Nfile * D + i] * sq;
                }
                memcpy(o->v + h * N * DV, a[2].data + h * Nfile * DV, N * DV * 4);
            }
            uint64_t id = ab_hash_str("attnbench-npy-v1", AB_HASH_INIT);
            char sz[96];
            snprintf(sz, sizeof sz, "%zu/%zu/%zu/%zu", H, N, D, DV);
            id = ab_hash_str(sz, id);
            id = ab_hash64(o->q, H * N * D * 4, id);
            id = ab_hash64(o->k, H * N * D * 4, id);
            o->id = ab_hash64(o->v, H * N * DV * 4, id);
            ab_hex64(o->id, o->idhex);
        }
    }
    for (int i = 0; i < 3; i++)
        ab_npy_free(&a[i]);
    if (rc)
        ab_data_free(o);
    return rc;
}

const struct ab_datakind ab_datakind_npy = {
    .name = "npy",
    .summary = "Q, K, V from .npy files (float32 or float64, (N,D) or (H,N,D))",
    .params = npy_params,
    .nparams = (int)(sizeof npy_params / sizeof npy_params[0]),
    .shape = npy_shape,
    .make = npy_make,
};
