/* util.c — see util.h. Tests: tests/test_util.c. */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ab_verrf(struct ab_err *err, int status, const char *fmt, va_list ap)
{
    if (err)
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return status;
}

int ab_errf(struct ab_err *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ab_verrf(err, status, fmt, ap);
    va_end(ap);
    return status;
}

void ab_err_prefix(struct ab_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char pre[256], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", pre, old);
}

void *ab_aligned_alloc(size_t bytes)
{
    void *p = NULL;
    if (bytes == 0)
        bytes = AB_ALIGN;
    if (posix_memalign(&p, AB_ALIGN, bytes) != 0)
        return NULL;
    return p;
}

void ab_aligned_free(void *p) { free(p); }

uint64_t ab_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

uint64_t ab_hash64(const void *buf, size_t len, uint64_t h)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return ab_mix64(h);
}

uint64_t ab_hash_str(const char *s, uint64_t h) { return ab_hash64(s, strlen(s), h); }

void ab_hex64(uint64_t x, char out[17]) { snprintf(out, 17, "%016llx", (unsigned long long)x); }

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *ab_closest(const char *word, const char *const *cands, size_t ncands)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < ncands; i++) {
        size_t dd = edit_distance(word, cands[i]);
        if (dd < bestd) {
            bestd = dd;
            best = cands[i];
        }
    }
    size_t len = strlen(word), limit = len / 3 > 2 ? len / 3 : 2;
    return bestd <= limit ? best : NULL;
}

int ab_choice_index(const char *choices, const char *word)
{
    size_t wl = strlen(word);
    int idx = 0;
    for (const char *p = choices;; idx++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == wl && strncmp(p, word, len) == 0)
            return idx;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

void ab_choice_name(const char *choices, int idx, char *out, size_t cap)
{
    const char *p = choices;
    for (int i = 0; i < idx && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    if (!p) {
        snprintf(out, cap, "?");
        return;
    }
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    snprintf(out, cap, "%.*s", (int)len, p);
}

const char *ab_closest_choice(const char *word, const char *choices)
{
    static char names[32][64];
    const char *ptrs[32];
    size_t n = 0;
    const char *p = choices;
    while (p && n < 32) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        snprintf(names[n], sizeof names[n], "%.*s", (int)len, p);
        ptrs[n] = names[n];
        n++;
        p = bar ? bar + 1 : NULL;
    }
    return ab_closest(word, ptrs, n);
}

void ab_value_format(const struct ab_param *p, double v, const char *str, char *out, size_t cap)
{
    switch (p->type) {
    case AB_PT_INT:
        snprintf(out, cap, "%lld", (long long)v);
        break;
    case AB_PT_REAL: {
        /* shortest text that reads back to the same double */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(out, cap, "%.*g", prec, v);
            if (strtod(out, NULL) == v)
                break;
        }
        break;
    }
    case AB_PT_ENUM:
        ab_choice_name(p->choices, (int)v, out, cap);
        break;
    case AB_PT_BOOL:
        snprintf(out, cap, "%s", v != 0 ? "true" : "false");
        break;
    case AB_PT_STRING:
        snprintf(out, cap, "%s", str ? str : "");
        break;
    }
}

/* A string value as it appears in a "k=v;..." text: as is when it cannot be
 * confused with the separators, else double-quoted with \ and " escaped and
 * control characters as \xHH, so that the text is one-to-one with the values. */
static size_t text_string(const char *s, char *out, size_t cap)
{
    int plain = *s != '"';
    for (const char *c = s; *c && plain; c++)
        plain = *c != ';' && *c != '=' && *c != '\\' && (unsigned char)*c >= 0x20 && *c != 0x7f;
    size_t n = 0;
#define PUT(ch) (n + 1 < cap ? (void)(out[n] = (ch)) : (void)0, n++)
    if (plain) {
        for (const char *c = s; *c; c++)
            PUT(*c);
    } else {
        PUT('"');
        for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
            if (*c == '"' || *c == '\\') {
                PUT('\\');
                PUT((char)*c);
            } else if (*c < 0x20 || *c == 0x7f) {
                static const char hex[] = "0123456789abcdef";
                PUT('\\');
                PUT('x');
                PUT(hex[*c >> 4]);
                PUT(hex[*c & 15]);
            } else {
                PUT((char)*c);
            }
        }
        PUT('"');
    }
#undef PUT
    if (cap)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

char *ab_values_text(const struct ab_values *vals, const char *prefix)
{
    /* first the length, then the text */
    size_t len = strlen(prefix);
    int first = 1;
    char val[320];
    for (int i = 0; i < vals->count; i++) {
        if (!vals->set[i])
            continue;
        len += (first ? 0 : 1) + strlen(vals->params[i].name) + 1;
        if (vals->params[i].type == AB_PT_STRING)
            len += text_string(vals->str[i] ? vals->str[i] : "", NULL, 0);
        else {
            ab_value_format(&vals->params[i], vals->v[i], vals->str[i], val, sizeof val);
            len += strlen(val);
        }
        first = 0;
    }
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = (size_t)snprintf(out, len + 1, "%s", prefix);
    first = 1;
    for (int i = 0; i < vals->count; i++) {
        if (!vals->set[i])
            continue;
        n += (size_t)snprintf(out + n, len + 1 - n, "%s%s=", first ? "" : ";", vals->params[i].name);
        if (vals->params[i].type == AB_PT_STRING)
            n += text_string(vals->str[i] ? vals->str[i] : "", out + n, len + 1 - n);
        else {
            ab_value_format(&vals->params[i], vals->v[i], vals->str[i], val, sizeof val);
            n += (size_t)snprintf(out + n, len + 1 - n, "%s", val);
        }
        first = 0;
    }
    if (first && *prefix && n && out[n - 1] == ';')
        out[--n] = '\0'; /* a prefix "x=y;" and no values: drop the ';' */
    return out;
}

int ab_value_parse(const struct ab_param *p, const char *text, double *v, const char **str,
                   struct ab_err *err)
{
    char *end = NULL;
    *str = NULL;
    switch (p->type) {
    case AB_PT_INT: {
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (end == text || *end != '\0' || errno)
            return ab_errf(err, AB_EINVAL, "'%s' must be an integer, got '%s'", p->name, text);
        if ((double)x < p->lo || (double)x > p->hi)
            return ab_errf(err, AB_EINVAL, "'%s' = %lld is out of range [%.17g, %.17g]", p->name, x,
                           p->lo, p->hi);
        *v = (double)x;
        return AB_OK;
    }
    case AB_PT_REAL: {
        errno = 0;
        double x = strtod(text, &end);
        if (end == text || *end != '\0' || errno || !isfinite(x))
            return ab_errf(err, AB_EINVAL, "'%s' must be a finite number, got '%s'", p->name, text);
        if (x < p->lo || x > p->hi)
            return ab_errf(err, AB_EINVAL, "'%s' = %s is out of range [%.17g, %.17g]", p->name, text,
                           p->lo, p->hi);
        *v = x;
        return AB_OK;
    }
    case AB_PT_ENUM: {
        int idx = ab_choice_index(p->choices, text);
        if (idx < 0) {
            const char *near = ab_closest_choice(text, p->choices);
            char hint[96] = "";
            if (near)
                snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
            return ab_errf(err, AB_EINVAL, "'%s' must be one of %s, got '%s'%s", p->name,
                           p->choices, text, hint);
        }
        *v = idx;
        return AB_OK;
    }
    case AB_PT_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "yes")) {
            *v = 1;
            return AB_OK;
        }
        if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "no")) {
            *v = 0;
            return AB_OK;
        }
        return ab_errf(err, AB_EINVAL, "'%s' must be true or false, got '%s'", p->name, text);
    case AB_PT_STRING:
        if (!*text)
            return ab_errf(err, AB_EINVAL, "'%s' must not be empty", p->name);
        *str = text;
        *v = 0;
        return AB_OK;
    }
    return ab_errf(err, AB_EINVAL, "bad parameter type");
}

int ab_values_defaults(struct ab_values *vals, const struct ab_param *params, int nparams,
                       struct ab_err *err)
{
    if (nparams > AB_MAX_PARAMS)
        return ab_errf(err, AB_EINVAL, "too many parameters (%d > %d)", nparams, AB_MAX_PARAMS);
    memset(vals, 0, sizeof *vals);
    vals->params = params;
    vals->count = nparams;
    for (int i = 0; i < nparams; i++) {
        if (!params[i].def)
            continue;
        int rc = ab_value_parse(&params[i], params[i].def, &vals->v[i], &vals->str[i], err);
        if (rc)
            return rc;
        vals->set[i] = 1;
    }
    return AB_OK;
}

void ab_tmp_path(const char *path, char *out, size_t cap)
{
    static unsigned long counter;
    char host[64] = "host";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "host");
    host[sizeof host - 1] = '\0';
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t r = ab_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                          ((uint64_t)getpid() << 16) ^ ++counter);
    snprintf(out, cap, "%s.tmp.%s.%ld.%08llx", path, host, (long)getpid(),
             (unsigned long long)(r & 0xffffffffu));
}

double ab_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ab_mkdirs(const char *path)
{
    size_t len = strlen(path);
    char *buf = malloc(len + 1);
    if (!buf)
        return -1;
    memcpy(buf, path, len + 1);
    int rc = 0;
    for (char *p = buf + 1; *p && rc == 0; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                rc = -1;
            *p = '/';
        }
    if (rc == 0 && mkdir(buf, 0777) != 0 && errno != EEXIST)
        rc = -1;
    free(buf);
    return rc;
}

static const char *file_type(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO (named pipe)"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a plain file";
}

int ab_open_regular(const char *path, uint64_t max_bytes, const char *what, int *fd,
                    uint64_t *size, struct ab_err *err)
{
    *fd = -1;
    *size = 0;
    if (!what)
        what = "file";
    int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(f, &st) != 0) {
        int e = errno;
        close(f);
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(f);
        return ab_errf(err, AB_EIO, "%s: is %s, not a regular file: the %s must be a file", path,
                       file_type(st.st_mode), what);
    }
    if (st.st_size < 0 || (max_bytes && (uint64_t)st.st_size > max_bytes)) {
        close(f);
        return ab_errf(err, AB_EINVAL,
                       "%s: the %s is %lld bytes, more than the limit of %llu bytes (%.0f MiB)",
                       path, what, (long long)st.st_size, (unsigned long long)max_bytes,
                       (double)max_bytes / 1048576.0);
    }
    int fl = fcntl(f, F_GETFL);
    if (fl >= 0)
        (void)fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
    *fd = f;
    *size = (uint64_t)st.st_size;
    return AB_OK;
}

int ab_read_regular(const char *path, uint64_t max_bytes, const char *what, size_t limit,
                    char **buf, size_t *len, uint64_t *size, struct ab_err *err)
{
    *buf = NULL;
    *len = 0;
    int fd;
    int rc = ab_open_regular(path, max_bytes, what, &fd, size, err);
    if (rc)
        return rc;
    if (*size > (uint64_t)SIZE_MAX - 1) {
        close(fd);
        return ab_errf(err, AB_ENOMEM, "%s: %llu bytes do not fit in memory", path,
                       (unsigned long long)*size);
    }
    size_t want = (size_t)*size;
    if (limit && limit < want)
        want = limit;
    char *b = malloc(want + 1);
    if (!b) {
        close(fd);
        return ab_errf(err, AB_ENOMEM, "%s: cannot allocate %zu bytes", path, want + 1);
    }
    size_t got = 0;
    while (got < want) {
        ssize_t r = read(fd, b + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(b);
            close(fd);
            return ab_errf(err, AB_EIO, "%s: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != want) {
        free(b);
        return ab_errf(err, AB_EIO, "%s: the file shrank while being read (%zu of %zu bytes)", path,
                       got, want);
    }
    b[got] = '\0';
    *buf = b;
    *len = got;
    return AB_OK;
}

double ab_mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    double kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    fclose(f);
    return kib * 1024.0;
}
