/* table.c — see table.h. */
#define _POSIX_C_SOURCE 200809L
#include "formats/table.h"

#include "formats/csv.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ab_table_free(struct ab_table *t)
{
    if (t->texts) {
        for (size_t i = 0; i < t->nfiles; i++)
            free(t->texts[i]), free(t->paths[i]);
    } else {
        free(t->text);
    }
    free(t->texts);
    free(t->paths);
    free(t->rowfile);
    free(t->cols);
    free(t->cells);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

static int fail(struct ab_table *t, struct ab_err *err, int status, const char *fmt, ...)
    AB_PRINTF(4, 5);
static int fail(struct ab_table *t, struct ab_err *err, int status, const char *fmt, ...)
{
    ab_table_free(t);
    va_list ap;
    va_start(ap, fmt);
    ab_verrf(err, status, fmt, ap);
    va_end(ap);
    return status;
}

/* Fields of a line, at most: its commas + 1 (quoted commas only make it fewer). */
static size_t max_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
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
    /* a NUL byte would end the text early and drop every row after it */
    const char *nul = memchr(t->text, '\0', len);
    if (nul) {
        size_t line = 1;
        const char *bol = t->text;
        for (const char *p = t->text; p < nul; p++)
            if (*p == '\n')
                line++, bol = p + 1;
        return fail(t, err, AB_EINVAL,
                    "%s:%zu: a NUL byte at column %zu: not a text CSV (binary or corrupted file)",
                    path, line, (size_t)(nul - bol) + 1);
    }
    char *text = t->text;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        text += 3, len -= 3; /* a UTF-8 byte order mark (Excel) */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (len > 0 && text[len - 1] != '\n')
        lines++;
    if (lines == 0)
        return fail(t, err, AB_EINVAL, "%s: empty file (no header)", path);
    if (text[len - 1] != '\n')
        return fail(t, err, AB_EINVAL,
                    "%s:%zu: the last line has no newline at its end: a torn write (the writer "
                    "was interrupted, or is still writing)? Every row ends with a newline",
                    path, lines);
    char *line = text, *next = strchr(line, '\n');
    *next++ = '\0';
    size_t most = max_fields(line);
    t->cols = malloc(most * sizeof *t->cols);
    if (!t->cols)
        return fail(t, err, AB_ENOMEM, "%s: out of memory", path);
    int nf = ab_csv_split(line, t->cols, (int)most);
    if (nf < 0)
        return fail(t, err, AB_EINVAL,
                    "%s:1: the header has a malformed quoted field (a quote not closed on its "
                    "line, or text after a closing quote)",
                    path);
    if (nf == 1 && !*t->cols[0])
        return fail(t, err, AB_EINVAL, "%s:1: the header line is empty", path);
    t->ncols = (size_t)nf;
    t->cells = malloc(lines * t->ncols * sizeof *t->cells);
    t->lines = malloc(lines * sizeof *t->lines);
    char **row = malloc((t->ncols + 1) * sizeof *row);
    if (!t->cells || !t->lines || !row) {
        free(row);
        return fail(t, err, AB_ENOMEM, "%s: out of memory for %zu lines", path, lines);
    }
    size_t lineno = 1;
    for (line = next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line || !strcmp(line, "\r"))
            continue; /* a blank line */
        nf = ab_csv_split(line, row, (int)t->ncols + 1);
        if (nf < 0) {
            free(row);
            return fail(t, err, AB_EINVAL,
                        "%s:%zu: a malformed quoted field (a quote not closed on its line, or "
                        "text after a closing quote)",
                        path, lineno);
        }
        if (nf != (int)t->ncols) {
            free(row);
            return fail(t, err, AB_EINVAL, "%s:%zu: line %zu has %d fields, the header has %zu",
                        path, lineno, lineno, nf, t->ncols);
        }
        memcpy(t->cells + t->nrows * t->ncols, row, t->ncols * sizeof *row);
        t->lines[t->nrows++] = lineno;
    }
    free(row);
    return AB_OK;
}

size_t ab_table_line(const struct ab_table *t, size_t row) { return t->lines[row]; }

const char *ab_table_path(const struct ab_table *t, size_t row)
{
    if (!t->paths)
        return "";
    return t->paths[t->rowfile ? t->rowfile[row] : 0];
}

/* An empty cell for a column a file lacks (never written through). */
static char empty_cell[1];

int ab_table_load_many(const char *const *paths, size_t npaths, const char *const *need,
                       size_t nneed, struct ab_table *t, struct ab_err *err)
{
    memset(t, 0, sizeof *t);
    if (npaths == 0)
        return ab_errf(err, AB_EINVAL, "no results file given");
    struct ab_table *one = calloc(npaths, sizeof *one);
    t->texts = calloc(npaths, sizeof *t->texts);
    t->paths = calloc(npaths, sizeof *t->paths);
    if (!one || !t->texts || !t->paths) {
        free(one);
        return fail(t, err, AB_ENOMEM, "out of memory");
    }
    int rc = AB_OK;
    size_t rows = 0, most = 0;
    for (size_t i = 0; i < npaths && rc == AB_OK; i++) {
        if ((rc = ab_table_load(paths[i], &one[i], err)))
            break;
        t->nfiles++;
        t->texts[i] = one[i].text, one[i].text = NULL;
        if (!(t->paths[i] = strdup(paths[i])))
            rc = ab_errf(err, AB_ENOMEM, "out of memory");
        char missing[512] = "";
        for (size_t k = 0; k < nneed; k++)
            if (ab_table_col(&one[i], need[k]) < 0)
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                         *missing ? ", " : "", need[k]);
        if (rc == AB_OK && *missing)
            rc = ab_errf(err, AB_EINVAL,
                         "%s: lacks the column(s) %s: not an attnbench results file?", paths[i],
                         missing);
        rows += one[i].nrows, most += one[i].ncols;
    }
    /* the union of the columns, first seen first */
    if (rc == AB_OK && !(t->cols = malloc((most ? most : 1) * sizeof *t->cols)))
        rc = ab_errf(err, AB_ENOMEM, "out of memory");
    for (size_t i = 0; i < npaths && rc == AB_OK; i++)
        for (size_t c = 0; c < one[i].ncols; c++)
            if (ab_table_col(t, one[i].cols[c]) < 0)
                t->cols[t->ncols++] = one[i].cols[c];
    if (rc == AB_OK) {
        t->cells = malloc((rows ? rows : 1) * (t->ncols ? t->ncols : 1) * sizeof *t->cells);
        t->lines = malloc((rows ? rows : 1) * sizeof *t->lines);
        t->rowfile = malloc((rows ? rows : 1) * sizeof *t->rowfile);
        if (!t->cells || !t->lines || !t->rowfile)
            rc = ab_errf(err, AB_ENOMEM, "out of memory for %zu rows", rows);
    }
    for (size_t i = 0; i < npaths && rc == AB_OK; i++) {
        int *map = malloc((t->ncols ? t->ncols : 1) * sizeof *map);
        if (!map) {
            rc = ab_errf(err, AB_ENOMEM, "out of memory");
            break;
        }
        for (size_t c = 0; c < t->ncols; c++)
            map[c] = ab_table_col(&one[i], t->cols[c]);
        for (size_t r = 0; r < one[i].nrows; r++, t->nrows++) {
            for (size_t c = 0; c < t->ncols; c++)
                t->cells[t->nrows * t->ncols + c] =
                    map[c] < 0 ? empty_cell : one[i].cells[r * one[i].ncols + (size_t)map[c]];
            t->lines[t->nrows] = one[i].lines[r];
            t->rowfile[t->nrows] = i;
        }
        free(map);
    }
    for (size_t i = 0; i < npaths; i++)
        ab_table_free(&one[i]); /* the texts stay: t owns them */
    free(one);
    if (rc) {
        ab_table_free(t);
        return rc;
    }
    t->text = t->texts[0];
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
