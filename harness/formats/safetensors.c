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

int ab_safetensors_read_mem(const char *name, const void *buf, size_t len, const char *tensor,
                            int header_only, struct ab_npy *out, struct ab_err *err)
{
    memset(out, 0, sizeof *out);
    const unsigned char *b = buf;
    if (len < 8)
        return ab_errf(err, AB_EINVAL, "%s: not a .safetensors file (%zu bytes)", name, len);
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = hl << 8 | b[i];
    if (hl > ST_MAX_HEADER)
        return ab_errf(err, AB_EINVAL, "%s: header of %llu bytes (more than 100 MiB): not a "
                                       ".safetensors file?",
                       name, (unsigned long long)hl);
    if (hl > len - 8)
        return ab_errf(err, AB_EINVAL, "%s: truncated: a %llu-byte header in a %zu-byte file", name,
                       (unsigned long long)hl, len);
    cJSON *root = cJSON_ParseWithLength((const char *)b + 8, (size_t)hl);
    if (!root || !cJSON_IsObject(root)) {
        const char *at = cJSON_GetErrorPtr();
        long off = at ? (long)(at - ((const char *)b + 8)) : -1;
        cJSON_Delete(root);
        return ab_errf(err, AB_EINVAL, "%s: the JSON header does not parse (near byte %ld)", name,
                       off + 8);
    }
    int rc = AB_OK;
    cJSON *t = cJSON_GetObjectItemCaseSensitive(root, tensor);
    if (!t || !cJSON_IsObject(t)) {
        char names[256] = "";
        for (cJSON *it = root->child; it; it = it->next)
            if (strcmp(it->string, "__metadata__") && strlen(names) < 200)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         *names ? ", " : "", it->string);
        rc = ab_errf(err, AB_EINVAL, "%s: no tensor '%s' (it has: %s)", name, tensor, names);
        goto done;
    }
    cJSON *dt = cJSON_GetObjectItemCaseSensitive(t, "dtype"),
          *sh = cJSON_GetObjectItemCaseSensitive(t, "shape"),
          *of = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
    if (!cJSON_IsString(dt) || !cJSON_IsArray(sh) || !cJSON_IsArray(of) || cJSON_GetArraySize(of) != 2) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' lacks dtype, shape or data_offsets", name, tensor);
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
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' has %d dimensions", name, tensor, nd);
        goto done;
    }
    size_t count = 1;
    for (int i = 0; i < nd; i++) {
        cJSON *e = cJSON_GetArrayItem(sh, i);
        if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 1e15 ||
            e->valuedouble != floor(e->valuedouble)) {
            rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' has a bad shape", name, tensor);
            goto done;
        }
        out->shape[i] = (size_t)e->valuedouble;
        if (out->shape[i] && count > SIZE_MAX / 8 / out->shape[i]) {
            rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': the shape's byte count overflows", name, tensor);
            goto done;
        }
        count *= out->shape[i];
    }
    cJSON *o0 = cJSON_GetArrayItem(of, 0), *o1 = cJSON_GetArrayItem(of, 1);
    if (!cJSON_IsNumber(o0) || !cJSON_IsNumber(o1) || o0->valuedouble < 0 ||
        o1->valuedouble < o0->valuedouble) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s' has bad data_offsets", name, tensor);
        goto done;
    }
    double begin = o0->valuedouble, end = o1->valuedouble, avail = (double)(len - 8 - hl);
    if ((double)(count * es) != end - begin) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': shape needs %zu bytes, data_offsets give %.0f",
                     name, tensor, count * es, end - begin);
        goto done;
    }
    if (end > avail) {
        rc = ab_errf(err, AB_EINVAL, "%s: tensor '%s': data_offsets end at %.0f, the data have %.0f "
                                     "bytes (truncated?)",
                     name, tensor, end, avail);
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
    const unsigned char *src = b + 8 + hl + (size_t)begin;
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
    FILE *f = fopen(path, "rb");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return ab_errf(err, AB_EIO, "%s: cannot seek (not a regular file?)", path);
    }
    long size = ftell(f);
    rewind(f);
    if (size < 0) {
        fclose(f);
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    }
    unsigned char *buf = malloc((size_t)size + 1);
    if (!buf) {
        fclose(f);
        return ab_errf(err, AB_ENOMEM, "%s: cannot allocate %ld bytes", path, size);
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    int rc = got == (size_t)size
                 ? ab_safetensors_read_mem(path, buf, (size_t)size, tensor, header_only, out, err)
                 : ab_errf(err, AB_EIO, "%s: read error", path);
    free(buf);
    return rc;
}
