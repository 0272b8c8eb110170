/* csv.c — see csv.h. Tests: tests/test_csv.c. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock */
#include "formats/csv.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* End of a line: NUL, "\n", or "\r" before "\n" or NUL (a lone "\r" inside a
 * line is data). */
static int at_eol(const char *p)
{
    return *p == '\0' || *p == '\n' || (*p == '\r' && (p[1] == '\n' || p[1] == '\0'));
}

int ab_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *start = p, *end; /* the field is [start, end), ended in place */
        if (*p == '"') {
            char *w = ++p;
            start = w;
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
            if (*p != ',' && !at_eol(p))
                return -1; /* text after the closing quote */
            end = w; /* w < p: the closing quote lies between them */
        } else {
            while (*p != ',' && !at_eol(p))
                p++;
            end = p;
        }
        int more = *p == ',';
        *end = '\0';
        if (n < max)
            fields[n] = start;
        n++;
        if (!more)
            return n;
        p++;
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

static void write_header(FILE *f, char *const *cols, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        if (i)
            fputc(',', f);
        put_cell(f, cols[i]);
    }
    fputc('\n', f);
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

/* Keep a row of the existing file: its raw line (owned from here, for a
 * rewrite) and its cells (split from a copy). */
static int add_prev(struct ab_csv *csv, char *raw, int lineno)
{
    if (csv->nprev == csv->capprev) {
        size_t cap = csv->capprev ? 2 * csv->capprev : 256;
        struct ab_csv_row *d = realloc(csv->prev, cap * sizeof *d);
        if (!d) {
            free(raw);
            return AB_ENOMEM;
        }
        csv->prev = d, csv->capprev = cap;
    }
    struct ab_csv_row *r = &csv->prev[csv->nprev];
    memset(r, 0, sizeof *r);
    r->line = lineno;
    r->raw = raw;
    r->text = strdup(raw);
    r->cells = calloc(csv->ncols + 1, sizeof *r->cells);
    if (!r->raw || !r->text || !r->cells) {
        free(r->raw), free(r->text), free(r->cells);
        return AB_ENOMEM;
    }
    ab_csv_split(r->text, r->cells, (int)csv->ncols);
    csv->nprev++;
    return AB_OK;
}

/* Fields of a line, at most: its commas + 1 (quoted commas only make it fewer). */
static size_t max_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

/* The file's header (fields, nf of them) against the caller's columns: every
 * key must be there; the columns become the file's, then the caller's that
 * it lacks (each mapped to the caller's cell by name). */
static int take_header(struct ab_csv *csv, char **fields, int nf, const char *const *keys,
                       size_t nkeys, const char *path, struct ab_err *err)
{
    char missing[512] = "";
    for (size_t k = 0; k < nkeys; k++) {
        int found = 0;
        for (int i = 0; i < nf && !found; i++)
            found = !strcmp(fields[i], keys[k]);
        if (!found)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     *missing ? ", " : "", keys[k]);
    }
    if (*missing)
        return ab_errf(err, AB_EINVAL,
                       "%s:1: lacks the column(s) %s that identify a row: not a results file "
                       "this run can continue; write to a new file or use --force to replace it",
                       path, missing);
    size_t n = (size_t)nf;
    for (size_t c = 0; c < csv->ncaller; c++) {
        int found = 0;
        for (int i = 0; i < nf && !found; i++)
            found = !strcmp(fields[i], csv->cols[c]);
        n += !found;
    }
    char **cols = calloc(n, sizeof *cols);
    int *src = calloc(n, sizeof *src);
    if (!cols || !src) {
        free(cols), free(src);
        return ab_errf(err, AB_ENOMEM, "out of memory reading %s", path);
    }
    size_t w = 0;
    int bad = 0;
    for (int i = 0; i < nf; i++, w++) {
        bad |= !(cols[w] = strdup(fields[i]));
        src[w] = -1;
        for (size_t c = 0; c < csv->ncaller; c++)
            if (!strcmp(fields[i], csv->cols[c]))
                src[w] = (int)c;
    }
    for (size_t c = 0; c < csv->ncaller; c++) {
        int found = 0;
        for (int i = 0; i < nf && !found; i++)
            found = !strcmp(fields[i], csv->cols[c]);
        if (!found) {
            bad |= !(cols[w] = strdup(csv->cols[c]));
            src[w++] = (int)c;
        }
    }
    for (size_t i = 0; i < csv->ncols; i++)
        free(csv->cols[i]);
    free(csv->cols);
    free(csv->src);
    csv->cols = cols, csv->src = src, csv->ncols = n;
    return bad ? ab_errf(err, AB_ENOMEM, "out of memory reading %s", path) : AB_OK;
}

/* Read an existing results file through f (open for reading and writing,
 * locked): check the header, collect row ids, and cut a torn last line.
 * *nfile: the file's own column count (the rows have that many fields). */
static int load_existing(struct ab_csv *csv, FILE *f, const char *path, const char *const *keys,
                         size_t nkeys, size_t *nfile, struct ab_err *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good_end = 0;
    int lineno = 0, idcol = -1, rc = AB_OK;
    char *raw = NULL; /* this line, whole */
    char **fields = NULL;
    size_t nfields = 0;
    *nfile = csv->ncols;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        char *nul = memchr(line, '\0', (size_t)len);
        if (nul) {
            rc = ab_errf(err, AB_EINVAL,
                         "%s:%d: a NUL byte at column %zu: not a text CSV (corrupted?); rows after "
                         "it would be lost, so nothing is resumed",
                         path, lineno, (size_t)(nul - line) + 1);
            break;
        }
        if (line[len - 1] != '\n') { /* torn: the writer was interrupted mid-line */
            fprintf(stderr, "attnbench: %s:%d: dropping an incomplete last line\n", path, lineno);
            break;
        }
        free(raw);
        raw = lineno > 1 ? strdup(line) : NULL; /* before the split cuts it */
        if (lineno > 1 && !raw) {
            rc = ab_errf(err, AB_ENOMEM, "out of memory reading %s", path);
            break;
        }
        char *text = line;
        if (lineno == 1 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
            (unsigned char)text[2] == 0xBF)
            text += 3; /* a UTF-8 byte order mark */
        size_t want = lineno == 1 ? max_fields(text) : *nfile + 1;
        if (want > nfields) {
            free(fields);
            if (!(fields = calloc(want, sizeof *fields))) {
                rc = ab_errf(err, AB_ENOMEM, "out of memory reading %s", path);
                break;
            }
            nfields = want;
        }
        int nf = ab_csv_split(text, fields, (int)want);
        if (nf < 0) {
            rc = ab_errf(err, AB_EINVAL,
                         "%s:%d: a malformed quoted field (a quote not closed on its line, or "
                         "text after a closing quote)",
                         path, lineno);
            break;
        }
        if (lineno == 1) {
            if ((rc = take_header(csv, fields, nf, keys, nkeys, path, err)))
                break;
            *nfile = (size_t)nf;
            for (size_t i = 0; i < csv->ncols; i++)
                if (!strcmp(csv->cols[i], "row_id"))
                    idcol = (int)i;
        } else {
            if (nf != (int)*nfile) {
                rc = ab_errf(err, AB_EINVAL, "%s:%d: line %d has %d fields, the header has %zu",
                             path, lineno, lineno, nf, *nfile);
                break;
            }
            int bad = add_prev(csv, raw, lineno) || (idcol >= 0 && add_done(csv, fields[idcol]));
            raw = NULL; /* add_prev owns it (or freed it) */
            if (bad) {
                rc = ab_errf(err, AB_ENOMEM, "out of memory reading %s", path);
                break;
            }
        }
        good_end = ftell(f);
    }
    if (rc == AB_OK && ferror(f))
        rc = ab_errf(err, AB_EIO, "%s:%d: cannot read: %s", path, lineno + 1, strerror(errno));
    free(raw);
    free(line);
    free(fields);
    if (rc == AB_OK && lineno == 0)
        rc = ab_errf(err, AB_EINVAL, "%s: empty file (no header): remove it or use --force", path);
    if (rc == AB_OK && (fflush(f) != 0 || ftruncate(fileno(f), good_end) != 0))
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    return rc;
}

/* The file gained columns (at the end of its header): each old row gets as
 * many empty cells, and the file is rewritten with the new header. */
static int widen_file(struct ab_csv *csv, size_t nfile, struct ab_err *err)
{
    size_t extra = csv->ncols - nfile;
    for (size_t i = 0; i < csv->nprev; i++) {
        char *raw = csv->prev[i].raw;
        size_t len = strlen(raw);
        while (len && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
            len--;
        char *wide = malloc(len + extra + 2);
        if (!wide)
            return ab_errf(err, AB_ENOMEM, "out of memory");
        memcpy(wide, raw, len);
        memset(wide + len, ',', extra);
        memcpy(wide + len + extra, "\n", 2);
        free(raw);
        csv->prev[i].raw = wide;
    }
    unsigned char *keep = malloc(csv->nprev ? csv->nprev : 1);
    if (!keep)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    memset(keep, 1, csv->nprev ? csv->nprev : 1);
    int rc = ab_csv_keep_prev(csv, keep, err);
    free(keep);
    return rc;
}

int ab_csv_open(struct ab_csv *csv, const char *path, const char *const *cols, size_t ncols,
                const char *const *keys, size_t nkeys, int resume, int force, struct ab_err *err)
{
    memset(csv, 0, sizeof *csv);
    csv->path = strdup(path);
    csv->cols = calloc(ncols ? ncols : 1, sizeof *csv->cols);
    csv->src = calloc(ncols ? ncols : 1, sizeof *csv->src);
    if (!csv->path || !csv->cols || !csv->src) {
        ab_csv_close(csv);
        return ab_errf(err, AB_ENOMEM, "out of memory opening %s", path);
    }
    csv->ncols = csv->ncaller = ncols;
    for (size_t i = 0; i < ncols; i++) {
        csv->src[i] = (int)i;
        if (!(csv->cols[i] = strdup(cols[i]))) {
            ab_csv_close(csv);
            return ab_errf(err, AB_ENOMEM, "out of memory opening %s", path);
        }
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    int rc = AB_OK;
    if (exists && !resume && !force) {
        ab_csv_close(csv);
        return ab_errf(err, AB_EINVAL,
                       "%s exists: use --resume to continue it or --force to replace it", path);
    }
    /* open without truncating, lock, and only then read or cut it: another
     * run that holds the file keeps its rows */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EACCES && !exists)
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
        ab_csv_close(csv);
        return rc;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        ab_csv_close(csv);
        if (e == EWOULDBLOCK)
            return ab_errf(err, AB_EIO,
                           "%s is in use by another attnbench run (it holds an exclusive lock on "
                           "the file): wait for it to finish, or write to another --out",
                           path);
        return ab_errf(err, AB_EIO, "%s: cannot lock: %s", path, strerror(e));
    }
    csv->f = fdopen(fd, "r+");
    if (!csv->f) {
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        ab_csv_close(csv);
        return rc;
    }
    int append = 0;
    if (fstat(fd, &st) != 0) {
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    } else if (resume && S_ISREG(st.st_mode) && st.st_size > 0) {
        size_t nfile;
        rc = load_existing(csv, csv->f, path, keys, nkeys, &nfile, err);
        if (rc == AB_OK && nfile < csv->ncols)
            rc = widen_file(csv, nfile, err);
        append = 1;
    } else if (S_ISREG(st.st_mode) && st.st_size > 0 && ftruncate(fd, 0) != 0) {
        rc = ab_errf(err, AB_EIO, "%s: cannot replace it: %s", path, strerror(errno));
    } else if (resume && exists && S_ISREG(st.st_mode)) {
        rc = ab_errf(err, AB_EINVAL, "%s: empty file (no header): remove it or use --force", path);
    }
    if (rc == AB_OK && fseek(csv->f, 0, SEEK_END) != 0 && S_ISREG(st.st_mode))
        rc = ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    if (rc) {
        ab_csv_close(csv);
        return rc;
    }
    if (!append) {
        write_header(csv->f, csv->cols, csv->ncols);
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
    const char *id = NULL;
    for (size_t i = 0; i < csv->ncols; i++) {
        if (i)
            fputc(',', m);
        const char *cell = csv->src[i] >= 0 ? cells[csv->src[i]] : NULL;
        put_cell(m, cell);
        if (cell && !strcmp(csv->cols[i], "row_id"))
            id = cell;
    }
    fputc('\n', m);
    fclose(m);
    int ok = fwrite(buf, 1, len, csv->f) == len && fflush(csv->f) == 0;
    free(buf);
    if (!ok)
        return ab_errf(err, AB_EIO, "%s: cannot write a row: %s", csv->path, strerror(errno));
    if (id && add_done(csv, id))
        return ab_errf(err, AB_ENOMEM, "out of memory");
    return AB_OK;
}

int ab_csv_sync(struct ab_csv *csv, struct ab_err *err)
{
    if (fflush(csv->f) != 0 || ferror(csv->f))
        return ab_errf(err, AB_EIO, "%s: cannot write: %s", csv->path, strerror(errno));
    if (fsync(fileno(csv->f)) != 0 && errno != EINVAL && errno != EROFS)
        return ab_errf(err, AB_EIO, "%s: cannot write to disk (fsync): %s", csv->path,
                       strerror(errno));
    return AB_OK;
}

size_t ab_csv_prev_rows(const struct ab_csv *csv) { return csv->nprev; }

const char *ab_csv_prev_cell(const struct ab_csv *csv, size_t row, const char *col)
{
    for (size_t i = 0; i < csv->ncols; i++)
        if (!strcmp(csv->cols[i], col))
            return csv->prev[row].cells[i] ? csv->prev[row].cells[i] : "";
    return "";
}

int ab_csv_prev_line(const struct ab_csv *csv, size_t row) { return csv->prev[row].line; }

int ab_csv_keep_prev(struct ab_csv *csv, const unsigned char *keep, struct ab_err *err)
{
    size_t cap = strlen(csv->path) + 256;
    char *tmp = malloc(cap);
    if (!tmp)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    ab_tmp_path(csv->path, tmp, cap);
    struct stat st;
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int rc = ab_errf(err, AB_EIO, "%s: cannot create %s to rewrite it: %s", csv->path, tmp,
                         strerror(errno));
        free(tmp);
        return rc;
    }
    /* locked before it takes the results file's name: no other run can get in */
    FILE *f = flock(fd, LOCK_EX | LOCK_NB) == 0 ? fdopen(fd, "r+") : NULL;
    if (!f)
        close(fd);
    if (f && fstat(fileno(csv->f), &st) == 0)
        (void)fchmod(fd, st.st_mode & 07777);
    int ok = f != NULL;
    if (ok) {
        write_header(f, csv->cols, csv->ncols);
        for (size_t i = 0; i < csv->nprev; i++)
            if (keep[i])
                fputs(csv->prev[i].raw, f);
        ok = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0 && rename(tmp, csv->path) == 0;
    }
    if (!ok) {
        int rc = ab_errf(err, AB_EIO, "%s: cannot rewrite it (through %s): %s; the file is as it was",
                         csv->path, tmp, strerror(errno));
        if (f)
            fclose(f);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    fclose(csv->f); /* the old file's lock goes; the new one is held */
    csv->f = f;
    fseek(csv->f, 0, SEEK_END);
    /* the rows kept are the ones done */
    for (size_t i = 0; i < csv->ndone; i++)
        free(csv->done[i]);
    csv->ndone = 0;
    size_t w = 0;
    int idcol = -1;
    for (size_t i = 0; i < csv->ncols; i++)
        if (!strcmp(csv->cols[i], "row_id"))
            idcol = (int)i;
    for (size_t i = 0; i < csv->nprev; i++) {
        if (!keep[i]) {
            free(csv->prev[i].raw), free(csv->prev[i].text), free(csv->prev[i].cells);
            continue;
        }
        csv->prev[w++] = csv->prev[i];
        if (idcol >= 0 && add_done(csv, csv->prev[w - 1].cells[idcol] ? csv->prev[w - 1].cells[idcol] : ""))
            return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    csv->nprev = w;
    return AB_OK;
}

void ab_csv_close(struct ab_csv *csv)
{
    if (csv->f)
        fclose(csv->f); /* releases the lock */
    for (size_t i = 0; csv->cols && i < csv->ncols; i++)
        free(csv->cols[i]);
    free(csv->cols);
    free(csv->src);
    for (size_t i = 0; i < csv->ndone; i++)
        free(csv->done[i]);
    free(csv->done);
    for (size_t i = 0; i < csv->nprev; i++)
        free(csv->prev[i].raw), free(csv->prev[i].text), free(csv->prev[i].cells);
    free(csv->prev);
    free(csv->path);
    memset(csv, 0, sizeof *csv);
}
