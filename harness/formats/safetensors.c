/* safetensors.c — see safetensors.h. */
#define _POSIX_C_SOURCE 200809L
#include "formats/safetensors.h"

#include "base/util.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_MAX_HEADER (100u << 20)

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp - 15 + 127) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void index_text(const size_t *shape, int ndim, size_t i, char *out, size_t cap)
{
    size_t idx[AB_NPY_MAXDIM];
    for (int d = ndim - 1; d >= 0; d--) {
        idx[d] = shape[d] ? i % shape[d] : 0;
        i = shape[d] ? i / shape[d] : 0;
    }
    size_t n = (size_t)snprintf(out, cap, "[");
    for (int d = 0; d < ndim && n < cap; d++)
        n += (size_t)snprintf(out + n, cap - n, "%s%zu", d ? ", " : "", idx[d]);
    if (n < cap)
        snprintf(out + n, cap - n, "]");
}

static int st_parse(const char *name, const unsigned char *b, size_t len, uint64_t file_len,
                    const char *tensor, int header_only, struct ab_npy *out, struct ab_err *err);

/* JSON value kinds in words, for "is X, not Y" messages. */
static const char *json_kind(const cJSON *j)
{
    return cJSON_IsArray(j)    ? "an array"
           : cJSON_IsObject(j) ? "an object"
           : cJSON_IsString(j) ? "a string"
           : cJSON_IsNumber(j) ? "a number"
           : cJSON_IsBool(j)   ? "a boolean"
           : cJSON_IsNull(j)   ? "null"
                               : "not a JSON value";
}

/* A JSON number that is a whole number in [0, 2^53] (exact in a double). */
static int json_count(const cJSON *j, uint64_t *out)
{
    if (!cJSON_IsNumber(j) || !(j->valuedouble >= 0) || j->valuedouble > 9007199254740992.0 ||
        j->valuedouble != floor(j->valuedouble))
        return 0;
    *out = (uint64_t)j->valuedouble;
    return 1;
}

/* What is wrong with a JSON number that json_count refused. */
static const char *count_problem(const cJSON *j)
{
    if (!cJSON_IsNumber(j))
        return "not a number";
    if (j->valuedouble < 0)
        return "negative";
    if (j->valuedouble != floor(j->valuedouble))
        return "not a whole number";
    return "beyond 2^53";
}

/* "[a, b]" of a data_offsets array as written (numbers with %.17g). */
static void offsets_text(const cJSON *of, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "[");
    int i = 0;
    for (const cJSON *e = of ? of->child : NULL; e && n < cap; e = e->next, i++) {
        if (cJSON_IsNumber(e))
            n += (size_t)snprintf(out + n, cap - n, "%s%.17g", i ? ", " : "", e->valuedouble);
        else
            n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", json_kind(e));
    }
    if (n < cap)
        snprintf(out + n, cap - n, "]");
}

/* Another tensor whose [begin, end) overlaps [b0, e0), or NULL. Tensors with
 * malformed offsets are skipped here (they fail when they are read). */
static const cJSON *overlapping(const cJSON *root, const cJSON *self, uint64_t b0, uint64_t e0,
                                uint64_t *b1, uint64_t *e1)
{
    if (b0 == e0)
        return NULL; /* an empty tensor overlaps nothing */
    for (const cJSON *t = root->child; t; t = t->next) {
        if (t == self || !strcmp(t->string, "__metadata__") || !cJSON_IsObject(t))
            continue;
        const cJSON *of = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
        if (!cJSON_IsArray(of) || cJSON_GetArraySize(of) != 2 ||
            !json_count(cJSON_GetArrayItem(of, 0), b1) || !json_count(cJSON_GetArrayItem(of, 1), e1) ||
            *e1 <= *b1)
            continue;
        if (*b1 < e0 && b0 < *e1)
            return t;
    }
    return NULL;
}

int ab_safetensors_read_mem(const char *name, const void *buf, size_t len, const char *tensor,
                            int header_only, struct ab_npy *out, struct ab_err *err)
{
    return st_parse(name, buf, len, len, tensor, header_only, out, err);
}

/* buf holds the first `len` bytes of a file of `file_len` bytes: at least the
 * header, and all of it unless header_only. */
static int st_parse(const char *name, const unsigned char *b, size_t len, uint64_t file_len,
                    const char *tensor, int header_only, struct ab_npy *out, struct ab_err *err)
{
    memset(out, 0, sizeof *out);
    if (file_len < 8)
        return ab_errf(err, AB_EINVAL, "%s: not a .safetensors file (%llu bytes)", name,
                       (unsigned long long)file_len);
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = hl << 8 | b[i];
    if (hl > ST_MAX_HEADER)
        return ab_errf(err, AB_EINVAL, "%s: header of %llu bytes (more than 100 MiB): not a "
                                       ".safetensors file?",
                       name, (unsigned long long)hl);
    if (hl > file_len - 8 || hl > len - 8)
        return ab_errf(err, AB_EINVAL, "%s: truncated: a %llu-byte header in a %llu-byte file", name,
                       (unsigned long long)hl, (unsigned long long)file_len);
    cJSON *root = cJSON_ParseWithLength((const char *)b + 8, (size_t)hl);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = at ? (long)(at - ((const char *)b + 8)) : -1;
        return ab_errf(err, AB_EINVAL, "%s: the JSON header does not parse (near byte %ld)", name,
                       off + 8);
    }
    int rc = AB_OK;
    if (!cJSON_IsObject(root)) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s: the JSON header is %s, not an object of tensors (name -> {dtype, shape, "
                     "data_offsets})",
                     name, json_kind(root));
        goto done;
    }
    cJSON *t = cJSON_GetObjectItemCaseSensitive(root, tensor);
    if (!t) {
        char names[256] = "";
        for (cJSON *it = root->child; it; it = it->next)
            if (strcmp(it->string, "__metadata__") && strlen(names) < 200)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         *names ? ", " : "", it->string);
        rc = ab_errf(err, AB_EINVAL, "%s: no tensor '%s' (it has: %s)", name, tensor, names);
        goto done;
    }
    if (!cJSON_IsObject(t)) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' is %s, not an object {dtype, shape, "
                                     "data_offsets}",
                     name, tensor, json_kind(t));
        goto done;
    }
    cJSON *dt = cJSON_GetObjectItemCaseSensitive(t, "dtype"),
          *sh = cJSON_GetObjectItemCaseSensitive(t, "shape"),
          *of = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
    if (!dt || !sh || !of) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' lacks %s (it needs dtype, shape and "
                                     "data_offsets)",
                     name, tensor, !dt ? "dtype" : !sh ? "shape" : "data_offsets");
        goto done;
    }
    if (!cJSON_IsString(dt)) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': dtype is %s, not a string such as \"F32\"",
                     name, tensor, json_kind(dt));
        goto done;
    }
    if (!cJSON_IsArray(sh)) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': shape is %s, not an array of sizes", name,
                     tensor, json_kind(sh));
        goto done;
    }
    if (!cJSON_IsArray(of) || cJSON_GetArraySize(of) != 2) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s: tensor '%s': data_offsets is %s%s, not an array [begin, end]", name,
                     tensor, json_kind(of), cJSON_IsArray(of) ? " of length other than 2" : "");
        goto done;
    }
    size_t es;
    const char *d = dt->valuestring;
    if (!strcmp(d, "F32"))
        es = 4;
    else if (!strcmp(d, "F64"))
        es = 8;
    else if (!strcmp(d, "F16") || !strcmp(d, "BF16"))
        es = 2;
    else {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' has dtype %s: F32, F64, F16 or BF16 expected",
                     name, tensor, d);
        goto done;
    }
    int nd = cJSON_GetArraySize(sh);
    if (nd > AB_NPY_MAXDIM) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' has %d dimensions (at most %d)", name, tensor,
                     nd, AB_NPY_MAXDIM);
        goto done;
    }
    char shtext[256];
    offsets_text(sh, shtext, sizeof shtext);
    size_t count = 1;
    for (int i = 0; i < nd; i++) {
        cJSON *e = cJSON_GetArrayItem(sh, i);
        uint64_t v;
        if (!json_count(e, &v)) {
            rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': shape %s: dimension %d is %s", name,
                         tensor, shtext, i, count_problem(e));
            goto done;
        }
        out->shape[i] = (size_t)v;
        if (v && count > SIZE_MAX / 8 / v) {
            rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': shape %s: the byte count overflows",
                         name, tensor, shtext);
            goto done;
        }
        count *= out->shape[i];
    }
    char oftext[128];
    offsets_text(of, oftext, sizeof oftext);
    cJSON *o0 = cJSON_GetArrayItem(of, 0), *o1 = cJSON_GetArrayItem(of, 1);
    uint64_t begin, end, avail = file_len - 8 - hl;
    if (!json_count(o0, &begin) || !json_count(o1, &end)) {
        const cJSON *bad = !json_count(o0, &begin) ? o0 : o1;
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': data_offsets %s: the %s is %s", name,
                     tensor, oftext, bad == o0 ? "begin" : "end", count_problem(bad));
        goto done;
    }
    if (end < begin) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': data_offsets %s end before they begin",
                     name, tensor, oftext);
        goto done;
    }
    if (end > avail) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s: tensor '%s': data_offsets %s end beyond the data, which have %llu bytes "
                     "(truncated?)",
                     name, tensor, oftext, (unsigned long long)avail);
        goto done;
    }
    if ((uint64_t)count * es != end - begin) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s: tensor '%s': shape %s of %s needs %zu bytes, data_offsets %s hold %llu",
                     name, tensor, shtext, d, count * es, oftext,
                     (unsigned long long)(end - begin));
        goto done;
    }
    uint64_t ob, oe;
    const cJSON *other = overlapping(root, t, begin, end, &ob, &oe);
    if (other) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s: tensor '%s': data_offsets %s overlap those of tensor '%s' [%llu, %llu]",
                     name, tensor, oftext, other->string, (unsigned long long)ob,
                     (unsigned long long)oe);
        goto done;
    }
    out->ndim = nd;
    out->count = count;
    out->src_dtype = es == 8 ? AB_NPY_F64 : AB_NPY_F32;
    if (header_only)
        goto done;
    out->data = ab_aligned_alloc((count ? count : 1) * sizeof(float));
    if (!out->data) {
        rc = ab_errf(err, AB_ENOMEM, "%s: cannot allocate %zu floats", name, count);
        goto done;
    }
    const unsigned char *src = b + 8 + hl + (size_t)begin; /* all of the file is in buf */
    for (size_t i = 0; i < count; i++) {
        double v;
        if (es == 4) {
            float f;
            memcpy(&f, src + 4 * i, 4);
            v = f;
        } else if (es == 8) {
            memcpy(&v, src + 8 * i, 8);
        } else {
            uint16_t h = (uint16_t)(src[2 * i] | src[2 * i + 1] << 8);
            if (!strcmp(d, "BF16")) {
                uint32_t bits = (uint32_t)h << 16;
                float f;
                memcpy(&f, &bits, 4);
                v = f;
            } else {
                v = half_to_float(h);
            }
        }
        float f = (float)v;
        if (!isfinite(v) || !isfinite(f)) {
            char at[160];
            index_text(out->shape, nd, i, at, sizeof at);
            rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': %s at index %s", name, tensor,
                         isnan(v) ? "NaN" : isinf(v) ? "Inf" : "a value beyond float32's range", at);
            ab_aligned_free(out->data);
            out->data = NULL;
            goto done;
        }
        out->data[i] = f;
    }
done:
    cJSON_Delete(root);
    if (rc) {
        float *keep = NULL;
        (void)keep;
        memset(out, 0, sizeof *out);
    }
    return rc;
}

int ab_safetensors_read(const char *path, const char *tensor, int header_only, struct ab_npy *out,
                        struct ab_err *err)
{
    memset(out, 0, sizeof *out);
    /* A regular file of at most AB_MAX_ARRAY_BYTES; for the header alone,
     * only the length and the header are read. */
    char *buf;
    size_t len;
    uint64_t size;
    int rc = ab_read_regular(path, AB_MAX_ARRAY_BYTES, ".safetensors file",
                             header_only ? 8 + ST_MAX_HEADER : 0, &buf, &len, &size, err);
    if (rc)
        return rc;
    rc = st_parse(path, (const unsigned char *)buf, len, size, tensor, header_only, out, err);
    free(buf);
    return rc;
}
