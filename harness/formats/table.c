/* table.c — see table.h. */
#define _POSIX_C_SOURCE 200809L
#include "formats/table.h"

#include "formats/csv.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ab_table_free(struct ab_table *t)
{
    free(t->text);
    free(t->cols);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int ab_table_load(const char *path, struct ab_table *t, struct ab_err *err)
{
    memset(t, 0, sizeof *t);
    /* A regular file of at most AB_MAX_TABLE_BYTES (1 GiB): a FIFO, a
     * device or a directory is refused by name, without blocking. */
    size_t len;
    uint64_t size;
    int rc = ab_read_regular(path, AB_MAX_TABLE_BYTES, "results table", 0, &t->text, &len, &size,
                             err);
    if (rc)
        return rc;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += t->text[i] == '\n';
    if (len > 0 && t->text[len - 1] != '\n')
        lines++;
    if (lines == 0) {
        ab_table_free(t);
        return ab_errf(err, AB_EINVAL, "%s: empty file (no header)", path);
    }
    char *fields[AB_CSV_MAX_COLS];
    char *line = t->text, *next;
    int lineno = 1;
    next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    int nf = ab_csv_split(line, fields, AB_CSV_MAX_COLS);
    if (nf <= 0) {
        ab_table_free(t);
        return ab_errf(err, AB_EINVAL, "%s:1: malformed header", path);
    }
    t->ncols = (size_t)nf;
    t->cols = malloc(t->ncols * sizeof *t->cols);
    t->cells = malloc((lines ? lines : 1) * t->ncols * sizeof *t->cells);
    if (!t->cols || !t->cells) {
        ab_table_free(t);
        return ab_errf(err, AB_ENOMEM, "%s: out of memory", path);
    }
    memcpy(t->cols, fields, t->ncols * sizeof *t->cols);
    for (line = next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line || !strcmp(line, "\r"))
            continue;
        nf = ab_csv_split(line, t->cells + t->nrows * t->ncols, (int)t->ncols);
        if (nf != (int)t->ncols) {
            ab_table_free(t);
            return ab_errf(err, AB_EINVAL, "%s:%d: %s where the header has %zu fields", path, lineno,
                           nf < 0 ? "a malformed quoted field" : "a different number of fields",
                           t->ncols);
        }
        t->nrows++;
    }
    return AB_OK;
}

int ab_table_col(const struct ab_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name))
            return (int)i;
    return -1;
}

const char *ab_table_str(const struct ab_table *t, size_t row, int col)
{
    return col < 0 ? "" : t->cells[row * t->ncols + (size_t)col];
}

double ab_table_num(const struct ab_table *t, size_t row, int col)
{
    const char *s = ab_table_str(t, row, col);
    if (!*s)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    return *end ? NAN : v;
}

void ab_kv_get(const char *kv, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    out[0] = '\0';
    for (const char *p = kv; p && *p;) {
        const char *semi = strchr(p, ';'), *eq = strchr(p, '=');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (eq && eq < p + len && (size_t)(eq - p) == kl && !strncmp(p, key, kl)) {
            snprintf(out, cap, "%.*s", (int)(len - kl - 1), eq + 1);
            return;
        }
        p = semi ? semi + 1 : NULL;
    }
}
