/* npy.c — see npy.h. The header is a Python dict literal; we parse the
 * subset NumPy writes (and hand-written variants: either quote style, any
 * key order, trailing commas, extra spaces) with a strict tokenizer.
 * Tests: tests/test_npy.c. */
#define _POSIX_C_SOURCE 200809L
#include "formats/npy.h"

#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define NPY_MAX_HEADER (1u << 20)

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

struct hdr {
    int ndim;
    size_t shape[AB_NPY_MAXDIM];
    size_t count;
    enum ab_npy_dtype dtype;
    size_t data_off; /* where the data start */
};

static void fmt_shape(const size_t *shape, int ndim, char *out, size_t cap);

/* ---- the dict tokenizer ---- */

struct lex {
    const char *p, *end, *name;
    struct ab_err *err;
};

static void skip_ws(struct lex *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r'))
        l->p++;
}

static int expect(struct lex *l, char c)
{
    skip_ws(l);
    if (l->p >= l->end || *l->p != c)
        return ab_errf(l->err, AB_EINVAL, "%s: malformed header: expected '%c'", l->name, c);
    l->p++;
    return AB_OK;
}

static int parse_string(struct lex *l, char *out, size_t cap)
{
    skip_ws(l);
    if (l->p >= l->end || (*l->p != '\'' && *l->p != '"'))
        return ab_errf(l->err, AB_EINVAL, "%s: malformed header: expected a quoted string", l->name);
    char q = *l->p++;
    size_t n = 0;
    while (l->p < l->end && *l->p != q) {
        if (n + 1 >= cap)
            return ab_errf(l->err, AB_EINVAL, "%s: malformed header: string too long", l->name);
        out[n++] = *l->p++;
    }
    if (l->p >= l->end)
        return ab_errf(l->err, AB_EINVAL, "%s: malformed header: unterminated string", l->name);
    l->p++;
    out[n] = '\0';
    return AB_OK;
}

static int parse_shape(struct lex *l, struct hdr *h)
{
    if (expect(l, '('))
        return AB_EINVAL;
    h->ndim = 0;
    for (;;) {
        skip_ws(l);
        if (l->p < l->end && *l->p == ')') {
            l->p++;
            return AB_OK;
        }
        if (l->p >= l->end || *l->p < '0' || *l->p > '9')
            return ab_errf(l->err, AB_EINVAL, "%s: malformed header: bad 'shape'", l->name);
        if (h->ndim == AB_NPY_MAXDIM)
            return ab_errf(l->err, AB_EINVAL, "%s: more than %d dimensions", l->name, AB_NPY_MAXDIM);
        size_t v = 0;
        while (l->p < l->end && *l->p >= '0' && *l->p <= '9') {
            size_t dgt = (size_t)(*l->p++ - '0');
            if (v > (SIZE_MAX - dgt) / 10)
                return ab_errf(l->err, AB_EINVAL, "%s: a dimension overflows", l->name);
            v = v * 10 + dgt;
        }
        if (l->p < l->end && *l->p == 'L') /* Python 2 longs */
            l->p++;
        h->shape[h->ndim++] = v;
        skip_ws(l);
        if (l->p < l->end && *l->p == ',')
            l->p++;
        else if (l->p < l->end && *l->p == ')')
            continue;
        else
            return ab_errf(l->err, AB_EINVAL, "%s: malformed header: bad 'shape'", l->name);
    }
}

static int parse_header(const char *name, const char *text, size_t len, struct hdr *h,
                        struct ab_err *err)
{
    struct lex l = {text, text + len, name, err};
    int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0;
    char descr[32] = "";
    if (expect(&l, '{'))
        return ab_errf(err, AB_EINVAL, "%s: malformed header: not a dict", name);
    for (;;) {
        skip_ws(&l);
        if (l.p < l.end && *l.p == '}') {
            l.p++;
            break;
        }
        char key[32];
        if (parse_string(&l, key, sizeof key) || expect(&l, ':'))
            return AB_EINVAL;
        skip_ws(&l);
        if (!strcmp(key, "descr")) {
            if (parse_string(&l, descr, sizeof descr))
                return AB_EINVAL;
            have_descr = 1;
        } else if (!strcmp(key, "fortran_order")) {
            if (l.end - l.p >= 4 && !strncmp(l.p, "True", 4))
                fortran = 1, l.p += 4;
            else if (l.end - l.p >= 5 && !strncmp(l.p, "False", 5))
                fortran = 0, l.p += 5;
            else
                return ab_errf(err, AB_EINVAL, "%s: malformed header: bad 'fortran_order'", name);
            have_fortran = 1;
        } else if (!strcmp(key, "shape")) {
            if (parse_shape(&l, h))
                return AB_EINVAL;
            have_shape = 1;
        } else {
            return ab_errf(err, AB_EINVAL, "%s: unknown header key '%s'", name, key);
        }
        skip_ws(&l);
        if (l.p < l.end && *l.p == ',')
            l.p++;
        else if (!(l.p < l.end && *l.p == '}'))
            return ab_errf(err, AB_EINVAL, "%s: malformed header: expected ',' or '}'", name);
    }
    skip_ws(&l);
    if (l.p != l.end)
        return ab_errf(err, AB_EINVAL, "%s: malformed header: text after the dict", name);
    if (!have_descr || !have_fortran || !have_shape)
        return ab_errf(err, AB_EINVAL, "%s: header lacks '%s'", name,
                       !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
    if (fortran)
        return ab_errf(err, AB_EINVAL,
                       "%s: Fortran-order arrays are not supported (save with np.ascontiguousarray)",
                       name);
    if (!strcmp(descr, "<f4") || !strcmp(descr, "=f4") || !strcmp(descr, "|f4"))
        h->dtype = AB_NPY_F32;
    else if (!strcmp(descr, "<f8") || !strcmp(descr, "=f8") || !strcmp(descr, "|f8"))
        h->dtype = AB_NPY_F64;
    else if (!strcmp(descr, ">f4") || !strcmp(descr, ">f8"))
        return ab_errf(err, AB_EINVAL,
                       "%s: big-endian dtype '%s' is not supported (use arr.astype('<f4'))", name,
                       descr);
    else
        return ab_errf(err, AB_EINVAL,
                       "%s: dtype '%s' is not supported: float32 ('<f4') or float64 ('<f8')", name,
                       descr);
    h->count = 1;
    for (int i = 0; i < h->ndim; i++) {
        if (h->shape[i] && h->count > SIZE_MAX / 8 / h->shape[i]) {
            char sh[256];
            fmt_shape(h->shape, h->ndim, sh, sizeof sh);
            return ab_errf(err, AB_EINVAL, "%s: shape %s: the byte count overflows", name, sh);
        }
        h->count *= h->shape[i];
    }
    return AB_OK;
}

static void fmt_shape(const size_t *shape, int ndim, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "(");
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%zu", i ? ", " : "", shape[i]);
    if (ndim == 1 && n < cap)
        n += (size_t)snprintf(out + n, cap - n, ",");
    if (n < cap)
        snprintf(out + n, cap - n, ")");
}

/* Parse the preamble and header of buf (len bytes: the header at least). */
static int read_preamble(const char *name, const unsigned char *buf, size_t len, struct hdr *h,
                         struct ab_err *err)
{
    if (len < 10 || memcmp(buf, MAGIC, 6) != 0)
        return ab_errf(err, AB_EINVAL, "%s: not a .npy file (bad magic)", name);
    int major = buf[6], minor = buf[7];
    size_t hlen, pre;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        pre = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return ab_errf(err, AB_EINVAL, "%s: truncated header", name);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        pre = 12;
    } else {
        return ab_errf(err, AB_EINVAL, "%s: .npy format version %d.%d is not supported (1.0-3.0)",
                       name, major, minor);
    }
    if (hlen > NPY_MAX_HEADER)
        return ab_errf(err, AB_EINVAL, "%s: huge header (%zu bytes > %u)", name, hlen,
                       NPY_MAX_HEADER);
    if (len < pre + hlen)
        return ab_errf(err, AB_EINVAL, "%s: truncated header (%zu of %zu bytes)", name, len - pre,
                       hlen);
    int rc = parse_header(name, (const char *)buf + pre, hlen, h, err);
    h->data_off = pre + hlen;
    return rc;
}

static int check_size(const char *name, const struct hdr *h, size_t avail, struct ab_err *err)
{
    size_t esize = h->dtype == AB_NPY_F32 ? 4 : 8, need = h->count * esize;
    if (avail == need)
        return AB_OK;
    char sh[128];
    fmt_shape(h->shape, h->ndim, sh, sizeof sh);
    if (avail < need)
        return ab_errf(err, AB_EINVAL, "%s: truncated: shape %s %s needs %zu bytes of data, file has %zu",
                       name, sh, h->dtype == AB_NPY_F32 ? "float32" : "float64", need, avail);
    return ab_errf(err, AB_EINVAL, "%s: %zu trailing bytes after the data of shape %s", name,
                   avail - need, sh);
}

/* Index of element i as "[a, b, c]". */
static void fmt_index(const struct hdr *h, size_t i, char *out, size_t cap)
{
    size_t idx[AB_NPY_MAXDIM];
    for (int d = h->ndim - 1; d >= 0; d--) {
        idx[d] = h->shape[d] ? i % h->shape[d] : 0;
        i = h->shape[d] ? i / h->shape[d] : 0;
    }
    fmt_shape(idx, h->ndim, out, cap);
    out[0] = '[';
    size_t n = strlen(out);
    if (h->ndim == 1 && n >= 2)
        out[n - 2] = ']', out[n - 1] = '\0';
    else if (n)
        out[n - 1] = ']';
}

int ab_npy_read_mem(const char *name, const void *buf, size_t len, struct ab_npy *out,
                    struct ab_err *err)
{
    memset(out, 0, sizeof *out);
    struct hdr h;
    int rc = read_preamble(name, buf, len, &h, err);
    if (rc || (rc = check_size(name, &h, len - h.data_off, err)))
        return rc;
    float *data = ab_aligned_alloc((h.count ? h.count : 1) * sizeof(float));
    if (!data)
        return ab_errf(err, AB_ENOMEM, "%s: cannot allocate %zu floats", name, h.count);
    const unsigned char *src = (const unsigned char *)buf + h.data_off;
    for (size_t i = 0; i < h.count; i++) {
        double v;
        if (h.dtype == AB_NPY_F32) {
            float f;
            memcpy(&f, src + 4 * i, 4);
            v = f;
        } else {
            memcpy(&v, src + 8 * i, 8);
        }
        float f = (float)v;
        if (!isfinite(v) || !isfinite(f)) {
            char at[160];
            fmt_index(&h, i, at, sizeof at);
            ab_aligned_free(data);
            if (isnan(v))
                return ab_errf(err, AB_EINVAL, "%s: NaN at index %s", name, at);
            if (isinf(v))
                return ab_errf(err, AB_EINVAL, "%s: %sInf at index %s", name, v > 0 ? "+" : "-", at);
            return ab_errf(err, AB_EINVAL, "%s: value %g at index %s is beyond float32's range",
                           name, v, at);
        }
        data[i] = f;
    }
    out->ndim = h.ndim;
    memcpy(out->shape, h.shape, sizeof h.shape);
    out->count = h.count;
    out->src_dtype = h.dtype;
    out->data = data;
    return AB_OK;
}

/* The first `limit` bytes of a regular file (0: all of it), at most
 * AB_MAX_ARRAY_BYTES: a FIFO, a device or a directory is refused by name. */
static int slurp(const char *path, unsigned char **buf, size_t *len, size_t limit,
                 size_t *file_size, struct ab_err *err)
{
    char *b;
    uint64_t size;
    int rc = ab_read_regular(path, AB_MAX_ARRAY_BYTES, ".npy file", limit, &b, len, &size, err);
    if (rc)
        return rc;
    *buf = (unsigned char *)b;
    *file_size = (size_t)size;
    return AB_OK;
}

int ab_npy_read(const char *path, struct ab_npy *out, struct ab_err *err)
{
    unsigned char *buf;
    size_t len, size;
    memset(out, 0, sizeof *out);
    int rc = slurp(path, &buf, &len, 0, &size, err);
    if (rc)
        return rc;
    rc = ab_npy_read_mem(path, buf, len, out, err);
    free(buf);
    return rc;
}

int ab_npy_peek(const char *path, struct ab_npy *out, struct ab_err *err)
{
    unsigned char *buf;
    size_t len, size;
    memset(out, 0, sizeof *out);
    int rc = slurp(path, &buf, &len, 12 + NPY_MAX_HEADER, &size, err);
    if (rc)
        return rc;
    struct hdr h;
    rc = read_preamble(path, buf, len, &h, err);
    free(buf);
    if (rc || (rc = check_size(path, &h, size - h.data_off, err)))
        return rc;
    out->ndim = h.ndim;
    memcpy(out->shape, h.shape, sizeof h.shape);
    out->count = h.count;
    out->src_dtype = h.dtype;
    return AB_OK;
}

void ab_npy_free(struct ab_npy *a)
{
    if (!a)
        return;
    ab_aligned_free(a->data);
    memset(a, 0, sizeof *a);
}

static int write_npy(const char *path, const size_t *shape, int ndim, const void *data,
                     size_t esize, const char *descr, struct ab_err *err)
{
    if (ndim < 0 || ndim > AB_NPY_MAXDIM)
        return ab_errf(err, AB_EINVAL, "%s: %d dimensions", path, ndim);
    char sh[256], dict[400];
    fmt_shape(shape, ndim, sh, sizeof sh);
    int dl = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      descr, sh);
    /* pad with spaces so that the data start on a 64-byte boundary, then '\n' */
    size_t total = 10 + (size_t)dl + 1, pad = (64 - total % 64) % 64, hlen = (size_t)dl + pad + 1;
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] && count > SIZE_MAX / esize / shape[i])
            return ab_errf(err, AB_EINVAL, "%s: shape %s overflows", path, sh);
        count *= shape[i];
    }
    /* written beside the target and renamed onto it: a target that is not a
     * regular file (a device such as /dev/full, a FIFO) would be replaced, not
     * written to, so it is refused */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return ab_errf(err, AB_EIO, "%s: not a regular file: refusing to replace it", path);
    char tmp[4096];
    ab_tmp_path(path, tmp, sizeof tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    unsigned char pre[10];
    memcpy(pre, MAGIC, 6);
    pre[6] = 1, pre[7] = 0, pre[8] = (unsigned char)(hlen & 0xff), pre[9] = (unsigned char)(hlen >> 8);
    int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(dict, 1, (size_t)dl, f) == (size_t)dl;
    for (size_t i = 0; ok && i < pad; i++)
        ok = fputc(' ', f) != EOF;
    ok = ok && fputc('\n', f) != EOF && fwrite(data, esize, count, f) == count;
    int saved = errno;
    if (fclose(f) != 0 && ok)
        ok = 0, saved = errno;
    if (!ok || rename(tmp, path) != 0) {
        if (ok)
            saved = errno;
        remove(tmp);
        return ab_errf(err, AB_EIO, "%s: cannot write: %s", path, strerror(saved));
    }
    return AB_OK;
}

int ab_npy_write_f32(const char *path, const size_t *shape, int ndim, const float *data,
                     struct ab_err *err)
{
    return write_npy(path, shape, ndim, data, 4, "<f4", err);
}

int ab_npy_write_f64(const char *path, const size_t *shape, int ndim, const double *data,
                     struct ab_err *err)
{
    return write_npy(path, shape, ndim, data, 8, "<f8", err);
}
