/* data_npy.c — data kinds read from files: `npy`, `safetensors`, `manifest`.
 *
 *   npy          q, k, v: three .npy files
 *   safetensors  file: one .safetensors; q, k, v: the tensor names in it
 *   manifest     manifest: a YAML index of real Q/K/V written by
 *                experiments/real/extract_qkv.py; sequence: its name
 *                (n512, n2048, ...); layer: the layer
 * Arrays are (N, D) (one head) or (H, N, D); Q and K must have the same
 * shape, V the same H and N (its last dim is DV). Paths are relative to the
 * config file's directory (a manifest's entries: to the manifest's). Every
 * kind takes `n` (the first n tokens of every head), `head` (one head, or -1:
 * all) and `scale` (Q and K times sqrt(scale)). The data id hashes the content
 * after those, so the exact-reference cache follows the numbers, not the file
 * names (the same tensors as .npy or .safetensors share one reference). The
 * seed does not change the data.
 * Tests: tests/test_npy.c, tests/test_real.c. */
#define _POSIX_C_SOURCE 200809L
#include "formats/config.h"
#include "data/data.h"
#include "formats/npy.h"
#include "formats/safetensors.h"
#include "base/util.h"

#include <float.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define COMMON_FILE_PARAMS                                                                         \
    {.name = "n", .type = AB_PT_INT, .def = NULL, .lo = 1, .hi = 1 << 26,                          \
     .help = "keep the first n tokens (default: all)"},                                           \
        {.name = "head", .type = AB_PT_INT, .def = "-1", .lo = -1, .hi = 1 << 20,                  \
         .help = "keep one head (default -1: every head)"},                                       \
        {.name = "scale", .type = AB_PT_REAL, .def = "1", .lo = 1e-6, .hi = 1000,                  \
         .help = "temperature: Q, K x sqrt(scale)"}

/* Where the three tensors come from. */
struct src {
    int st;              /* 0: .npy files; 1: tensors of one .safetensors file */
    char file[3][1024];
    char tensor[3][256];
    char label[3][1300]; /* for messages */
};

/* Load array i (Q, K, V); an error names the array first ("K: path: ..."). */
static int src_load(const struct src *s, int i, int header_only, struct ab_npy *a, struct ab_err *err)
{
    int rc;
    if (s->st)
        rc = ab_safetensors_read(s->file[i], s->tensor[i], header_only, a, err);
    else
        rc = header_only ? ab_npy_peek(s->file[i], a, err) : ab_npy_read(s->file[i], a, err);
    if (rc)
        ab_err_prefix(err, "%c", "QKV"[i]);
    return rc;
}

static const struct ab_param npy_params[] = {
    {.name = "q", .type = AB_PT_STRING, .def = NULL, .help = "Q: .npy, (N,D) or (H,N,D)"},
    {.name = "k", .type = AB_PT_STRING, .def = NULL, .help = "K: same shape as Q"},
    {.name = "v", .type = AB_PT_STRING, .def = NULL, .help = "V: (N,DV) or (H,N,DV)"},
    COMMON_FILE_PARAMS,
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
static int check(const struct ab_npy a[3], const char (*paths)[1300], const struct ab_values *vals,
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
    long hs = ab_values_int(vals, "head");
    if (hs >= (long)h[0])
        return ab_errf(err, AB_EINVAL, "head = %ld, but %s has %zu heads", hs, paths[0], h[0]);
    dims[0] = hs >= 0 ? 1 : h[0], dims[1] = N, dims[2] = d[0], dims[3] = d[2];
    return AB_OK;
}

static int src_shape(const struct src *s, const struct ab_values *vals, size_t dims[4],
                     struct ab_err *err)
{
    struct ab_npy a[3];
    for (int i = 0; i < 3; i++) {
        int rc = src_load(s, i, 1, &a[i], err);
        if (rc)
            return rc;
    }
    return check(a, s->label, vals, dims, err);
}

static int src_make(const struct src *s, const struct ab_values *vals, struct ab_data *o,
                    struct ab_err *err)
{
    memset(o, 0, sizeof *o);
    struct ab_npy a[3] = {{0}};
    size_t dims[4];
    int rc = AB_OK;
    for (int i = 0; i < 3 && rc == AB_OK; i++)
        rc = src_load(s, i, 0, &a[i], err);
    if (rc == AB_OK)
        rc = check(a, s->label, vals, dims, err);
    if (rc == AB_OK) {
        size_t H = dims[0], N = dims[1], D = dims[2], DV = dims[3];
        size_t Nfile = a[0].ndim == 2 ? a[0].shape[0] : a[0].shape[1];
        long hs = ab_values_int(vals, "head");
        size_t h0 = hs >= 0 ? (size_t)hs : 0; /* the first head copied */
        o->heads = H, o->n = N, o->d = D, o->dv = DV;
        double scale = ab_values_real(vals, "scale");
        float sq = (float)sqrt(scale);
        o->q = ab_aligned_alloc(H * N * D * 4), o->k = ab_aligned_alloc(H * N * D * 4);
        o->v = ab_aligned_alloc(H * N * DV * 4);
        if (!o->q || !o->k || !o->v) {
            rc = ab_errf(err, AB_ENOMEM, "cannot allocate Q, K, V (%zu x %zu x %zu)", H, N, D);
        } else {
            /* A finite input that overflows once scaled is the data's fault:
             * say which array, the scale and its largest |value|. */
            for (int t = 0; t < 2 && rc == AB_OK; t++) {
                float big = 0;
                for (size_t h = 0; h < H; h++) {
                    const float *x = a[t].data + (h0 + h) * Nfile * D;
                    for (size_t i = 0; i < N * D; i++)
                        big = fmaxf(big, fabsf(x[i]));
                }
                if (!isfinite(big * sq))
                    rc = ab_errf(err, AB_EINVAL,
                                 "%c (%s): the largest |value| %.6g times sqrt(scale) = %.6g "
                                 "(scale = %g) overflows float32 (at most %.6g)",
                                 "QKV"[t], s->label[t], (double)big, (double)sq, scale,
                                 (double)FLT_MAX);
            }
        }
        if (rc == AB_OK) {
            for (size_t h = 0; h < H; h++) { /* the first N of Nfile tokens of each head */
                size_t fh = h0 + h;
                for (size_t i = 0; i < N * D; i++) {
                    o->q[h * N * D + i] = a[0].data[fh * Nfile * D + i] * sq;
                    o->k[h * N * D + i] = a[1].data[fh * Nfile * D + i] * sq;
                }
                memcpy(o->v + h * N * DV, a[2].data + fh * Nfile * DV, N * DV * 4);
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

/* ---- npy ---- */

static int npy_src(const struct ab_values *vals, const char *basedir, struct src *s, struct ab_err *err)
{
    const char *names[3] = {"q", "k", "v"};
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 3; i++) {
        if (!ab_values_isset(vals, names[i]))
            return ab_errf(err, AB_EINVAL, "npy data needs '%s' (a .npy path)", names[i]);
        resolve(basedir, ab_values_str(vals, names[i]), s->file[i], sizeof s->file[i]);
        snprintf(s->label[i], sizeof s->label[i], "%s", s->file[i]);
    }
    return AB_OK;
}

static int npy_shape(const struct ab_values *vals, const char *basedir, size_t dims[4],
                     struct ab_err *err)
{
    struct src s;
    int rc = npy_src(vals, basedir, &s, err);
    return rc ? rc : src_shape(&s, vals, dims, err);
}

static int npy_make(const struct ab_values *vals, uint64_t seed, const char *basedir,
                    struct ab_data *o, struct ab_err *err)
{
    (void)seed;
    struct src s;
    int rc = npy_src(vals, basedir, &s, err);
    if (rc) {
        memset(o, 0, sizeof *o);
        return rc;
    }
    return src_make(&s, vals, o, err);
}

const struct ab_datakind ab_datakind_npy = {
    .name = "npy",
    .summary = "Q, K, V from .npy files (float32 or float64, (N,D) or (H,N,D))",
    .params = npy_params,
    .nparams = (int)(sizeof npy_params / sizeof npy_params[0]),
    .shape = npy_shape,
    .make = npy_make,
};

/* ---- safetensors ---- */

static const struct ab_param st_params[] = {
    {.name = "file", .type = AB_PT_STRING, .def = NULL, .help = ".safetensors path"},
    {.name = "q", .type = AB_PT_STRING, .def = "q", .help = "the tensor holding Q"},
    {.name = "k", .type = AB_PT_STRING, .def = "k", .help = "the tensor holding K"},
    {.name = "v", .type = AB_PT_STRING, .def = "v", .help = "the tensor holding V"},
    COMMON_FILE_PARAMS,
};

static int st_src(const struct ab_values *vals, const char *basedir, struct src *s, struct ab_err *err)
{
    const char *names[3] = {"q", "k", "v"};
    memset(s, 0, sizeof *s);
    if (!ab_values_isset(vals, "file"))
        return ab_errf(err, AB_EINVAL, "safetensors data needs 'file' (a .safetensors path)");
    s->st = 1;
    for (int i = 0; i < 3; i++) {
        resolve(basedir, ab_values_str(vals, "file"), s->file[i], sizeof s->file[i]);
        snprintf(s->tensor[i], sizeof s->tensor[i], "%s", ab_values_str(vals, names[i]));
        snprintf(s->label[i], sizeof s->label[i], "%s:%s", s->file[i], s->tensor[i]);
    }
    return AB_OK;
}

static int st_shape(const struct ab_values *vals, const char *basedir, size_t dims[4], struct ab_err *err)
{
    struct src s;
    int rc = st_src(vals, basedir, &s, err);
    return rc ? rc : src_shape(&s, vals, dims, err);
}

static int st_make(const struct ab_values *vals, uint64_t seed, const char *basedir, struct ab_data *o,
                   struct ab_err *err)
{
    (void)seed;
    struct src s;
    int rc = st_src(vals, basedir, &s, err);
    if (rc) {
        memset(o, 0, sizeof *o);
        return rc;
    }
    return src_make(&s, vals, o, err);
}

const struct ab_datakind ab_datakind_safetensors = {
    .name = "safetensors",
    .summary = "Q, K, V: tensors of one .safetensors file (F32, F64, F16, BF16)",
    .params = st_params,
    .nparams = (int)(sizeof st_params / sizeof st_params[0]),
    .shape = st_shape,
    .make = st_make,
};

/* ---- manifest ---- */

static const struct ab_param mf_params[] = {
    {.name = "manifest", .type = AB_PT_STRING, .def = NULL,
     .help = "manifest.yaml from experiments/real/extract_qkv.py"},
    {.name = "sequence", .type = AB_PT_STRING, .def = "n512",
     .help = "the manifest's sequence name (n512 is native; longer ones are concatenations)"},
    {.name = "layer", .type = AB_PT_INT, .def = "0", .lo = 0, .hi = 1000, .help = "the layer"},
    COMMON_FILE_PARAMS,
};

/* Find (sequence, layer) in the manifest; the paths resolve against it. */
static int mf_src(const struct ab_values *vals, const char *basedir, struct src *s, struct ab_err *err)
{
    memset(s, 0, sizeof *s);
    if (!ab_values_isset(vals, "manifest"))
        return ab_errf(err, AB_EINVAL, "manifest data needs 'manifest' (a manifest.yaml path)");
    char path[1024], tmp[1024], dir[1024];
    resolve(basedir, ab_values_str(vals, "manifest"), path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s", path);
    snprintf(dir, sizeof dir, "%s", dirname(tmp)); /* dirname may write into tmp */
    struct cfg_doc *doc;
    int rc = cfg_load_file(path, &doc, err);
    if (rc)
        return rc;
    const char *want = ab_values_str(vals, "sequence");
    long layer = ab_values_int(vals, "layer");
    struct cfg_node *seqs = cfg_map_get(cfg_root(doc), "sequences");
    rc = cfg_expect(seqs, CFG_SEQ, "sequences", err);
    char names[256] = "";
    for (size_t i = 0; rc == AB_OK && i < seqs->count; i++) {
        struct cfg_node *sq = seqs->items[i], *nm = cfg_map_get(sq, "name"), *ls = cfg_map_get(sq, "layers");
        if (!nm || nm->kind != CFG_SCALAR)
            continue;
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? ", " : "", nm->str);
        if (strcmp(nm->str, want))
            continue;
        if ((rc = cfg_expect(ls, CFG_SEQ, "layers", err)))
            break;
        for (size_t j = 0; j < ls->count; j++) {
            struct cfg_node *ln = cfg_map_get(ls->items[j], "layer");
            long lv;
            if (!ln || cfg_to_int(ln, "layer", 0, 100000, &lv, err) || lv != layer)
                continue;
            const char *t[3] = {"q", "k", "v"};
            for (int x = 0; x < 3 && rc == AB_OK; x++) {
                struct cfg_node *f = cfg_map_get(ls->items[j], t[x]);
                if ((rc = cfg_expect(f, CFG_SCALAR, t[x], err)))
                    break;
                resolve(dir, f->str, s->file[x], sizeof s->file[x]);
                snprintf(s->label[x], sizeof s->label[x], "%s", s->file[x]);
            }
            cfg_destroy(doc);
            return rc;
        }
        rc = ab_errf(err, AB_EINVAL, "%s: sequence %s has no layer %ld", path, want, layer);
    }
    if (rc == AB_OK)
        rc = ab_errf(err, AB_EINVAL, "%s: no sequence '%s' (it has: %s)", path, want, names);
    cfg_destroy(doc);
    return rc;
}

static int mf_shape(const struct ab_values *vals, const char *basedir, size_t dims[4], struct ab_err *err)
{
    struct src s;
    int rc = mf_src(vals, basedir, &s, err);
    return rc ? rc : src_shape(&s, vals, dims, err);
}

static int mf_make(const struct ab_values *vals, uint64_t seed, const char *basedir, struct ab_data *o,
                   struct ab_err *err)
{
    (void)seed;
    struct src s;
    int rc = mf_src(vals, basedir, &s, err);
    if (rc) {
        memset(o, 0, sizeof *o);
        return rc;
    }
    return src_make(&s, vals, o, err);
}

const struct ab_datakind ab_datakind_manifest = {
    .name = "manifest",
    .summary = "real Q, K, V indexed by a manifest (experiments/real/extract_qkv.py)",
    .params = mf_params,
    .nparams = (int)(sizeof mf_params / sizeof mf_params[0]),
    .shape = mf_shape,
    .make = mf_make,
};
