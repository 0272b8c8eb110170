/* csv.c — see csv.h. Tests: tests/test_csv.c. */
#define _POSIX_C_SOURCE 200809L
#include "formats/csv.h"

#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ab_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == '\0')
                    return -1; /* unterminated quote */
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0'; /* w < p: safe */
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == '\0' || *p == '\n' || *p == '\r')
                return n;
            return -1;
        }
        fields[n++] = p;
        char *end = p + strcspn(p, ",\n\r");
        if (*end == ',') {
            *end = '\0';
            p = end + 1;
            continue;
        }
        *end = '\0';
        return n;
    }
}

static int needs_quotes(const char *s) { return strpbrk(s, ",\"\n\r") != NULL; }

static void put_cell(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!needs_quotes(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('"', f);
}

static int add_done(struct ab_csv *csv, const char *id)
{
    if (csv->ndone == csv->capdone) {
        size_t cap = csv->capdone ? 2 * csv->capdone : 256;
        char **d = realloc(csv->done, cap * sizeof *d);
        if (!d)
            return AB_ENOMEM;
        csv->done = d, csv->capdone = cap;
    }
    csv->done[csv->ndone] = strdup(id);
    return csv->done[csv->ndone++] ? AB_OK : AB_ENOMEM;
}

/* Read an existing results file: check the header, collect row ids, and cut
 * a torn last line. */
static int load_existing(struct ab_csv *csv, const char *path, struct ab_err *err)
{
    FILE *f = fopen(path, "r+");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good_end = 0;
    int lineno = 0, idcol = -1, rc = AB_OK;
    char *fields[AB_CSV_MAX_COLS];
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] != '\n') { /* torn: the writer was interrupted mid-line */
            fprintf(stderr, "attnbench: %s:%d: dropping an incomplete last line\n", path, lineno);
            break;
        }
        int nf = ab_csv_split(line, fields, AB_CSV_MAX_COLS);
        if (lineno == 1) {
            int same = nf == (int)csv->ncols;
            for (int i = 0; same && i < nf; i++)
                same = strcmp(fields[i], csv->cols[i]) == 0;
            if (!same) {
                rc = ab_errf(err, AB_EINVAL,
                             "%s:1: its columns differ from this run's (different methods or "
                             "attnbench version): write to a new file or use --force to replace it",
                             path);
                break;
            }
            for (int i = 0; i < nf; i++)
                if (!strcmp(csv->cols[i], "row_id"))
                    idcol = i;
        } else {
            if (nf != (int)csv->ncols) {
                rc = ab_errf(err, AB_EINVAL, "%s:%d: %d fields where the header has %zu", path,
                             lineno, nf, csv->ncols);
                break;
            }
            if (add_done(csv, fields[idcol])) {
                rc = ab_errf(err, AB_ENOMEM, "out of memory reading %s", path);
                break;
            }
        }
        good_end = ftell(f);
    }
    free(line);
    if (rc == AB_OK && lineno == 0)
        rc = ab_errf(err, AB_EINVAL, "%s: empty file (no header): remove it or use --force", path);
    if (rc == AB_OK && ftruncate(fileno(f), good_end) != 0)
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    fclose(f);
    return rc;
}

int ab_csv_open(struct ab_csv *csv, const char *path, const char *const *cols, size_t ncols,
                int resume, int force, struct ab_err *err)
{
    memset(csv, 0, sizeof *csv);
    if (ncols > AB_CSV_MAX_COLS)
        return ab_errf(err, AB_EINVAL, "too many CSV columns (%zu)", ncols);
    csv->path = strdup(path);
    csv->ncols = ncols;
    for (size_t i = 0; i < ncols; i++)
        csv->cols[i] = strdup(cols[i]);
    struct stat st;
    int exists = stat(path, &st) == 0;
    int rc = AB_OK;
    if (exists && resume) {
        rc = load_existing(csv, path, err);
    } else if (exists && !force) {
        rc = ab_errf(err, AB_EINVAL,
                     "%s exists: use --resume to continue it or --force to replace it", path);
    }
    if (rc) {
        ab_csv_close(csv);
        return rc;
    }
    int append = exists && resume;
    csv->f = fopen(path, append ? "a" : "w");
    if (!csv->f) {
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
        ab_csv_close(csv);
        return rc;
    }
    if (!append) {
        for (size_t i = 0; i < ncols; i++) {
            if (i)
                fputc(',', csv->f);
            put_cell(csv->f, cols[i]);
        }
        fputc('\n', csv->f);
        if (fflush(csv->f) != 0 || ferror(csv->f)) {
            rc = ab_errf(err, AB_EIO, "%s: cannot write: %s", path, strerror(errno));
            ab_csv_close(csv);
            return rc;
        }
    }
    return AB_OK;
}

int ab_csv_has(const struct ab_csv *csv, const char *row_id)
{
    for (size_t i = 0; i < csv->ndone; i++)
        if (!strcmp(csv->done[i], row_id))
            return 1;
    return 0;
}

int ab_csv_append(struct ab_csv *csv, const char *const *cells, struct ab_err *err)
{
    /* format the whole line first, then one write: an interrupt cannot tear it
     * in the middle of a cell */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return ab_errf(err, AB_ENOMEM, "out of memory formatting a row");
    for (size_t i = 0; i < csv->ncols; i++) {
        if (i)
            fputc(',', m);
        put_cell(m, cells[i]);
    }
    fputc('\n', m);
    fclose(m);
    int ok = fwrite(buf, 1, len, csv->f) == len && fflush(csv->f) == 0;
    free(buf);
    if (!ok)
        return ab_errf(err, AB_EIO, "%s: cannot write a row: %s", csv->path, strerror(errno));
    if (cells[0] && add_done(csv, cells[0]))
        return ab_errf(err, AB_ENOMEM, "out of memory");
    return AB_OK;
}

void ab_csv_close(struct ab_csv *csv)
{
    if (csv->f)
        fclose(csv->f);
    for (size_t i = 0; i < csv->ncols; i++)
        free(csv->cols[i]);
    for (size_t i = 0; i < csv->ndone; i++)
        free(csv->done[i]);
    free(csv->done);
    free(csv->path);
    memset(csv, 0, sizeof *csv);
}
