/* csv.h — an append-only CSV file of rows with fixed columns: RFC 4180
 * quoting, one physical line per row (newlines in cells become spaces), each
 * row flushed as it is written; resume reads back the row_ids already there.
 * The file is held under an exclusive flock(2) from open to close: a second
 * writer (another `attnbench run` on the same --out) is refused, so rows of
 * two runs never interleave.
 * The results file's columns are the driver's (results_csv.h).
 * Tests: tests/test_csv.c. */
#ifndef AB_CSV_H
#define AB_CSV_H

#include "attnbench.h"

#include <stddef.h>
#include <stdio.h>

/* The most columns the driver's results file has (results_csv.h sizes its
 * arrays with it). The reader and ab_csv_open have no column limit. */
#define AB_CSV_MAX_COLS 160

/* A row that was in the file when it was opened with resume. */
struct ab_csv_row {
    int line;     /* its line number */
    char *raw;    /* the line as read, newline included */
    char *text;   /* a copy, split in place into cells */
    char **cells; /* ncols cells */
};

struct ab_csv {
    FILE *f; /* its descriptor holds the exclusive flock until ab_csv_close */
    char *path;
    size_t ncols;
    char **cols; /* the file's columns: with resume, the file's then the caller's new ones */
    int *src;    /* per file column: the caller's column index, or -1 (left empty) */
    size_t ncaller;
    char **done; /* row_ids already in the file (resume) */
    size_t ndone, capdone;
    struct ab_csv_row *prev; /* the rows found in the file (resume) */
    size_t nprev, capprev;
};

/* Open `path` for appending rows with these columns. Without resume the
 * file is created (an existing file is an error unless force). With resume
 * an existing file must have every column of `keys` (nkeys of them; the
 * identity columns that make its rows comparable); its other columns may be
 * a subset or a superset of `cols`: cells go to columns by name. A column of
 * `cols` the file lacks is added at the end of its header, the file being
 * rewritten first (through a temporary file, as ab_csv_keep_prev; the old
 * rows get an empty cell there); a column only the file has stays, empty in
 * new rows. Its row_ids are loaded, and a torn last line (no newline) is cut
 * off (with a note on stderr); a NUL byte or a line with another field count
 * is an error naming file:line. A UTF-8 byte order mark before the header is
 * accepted. The file is locked (flock LOCK_EX | LOCK_NB) before it is read or
 * truncated: if another process holds it, AB_EIO with "in use by another
 * attnbench run". */
int ab_csv_open(struct ab_csv *csv, const char *path, const char *const *cols, size_t ncols,
                const char *const *keys, size_t nkeys, int resume, int force, struct ab_err *err);
int ab_csv_has(const struct ab_csv *csv, const char *row_id);
/* The rows that were in the file (resume), in file order: their count, a
 * cell by column name ("" for an absent column), their line number. */
size_t ab_csv_prev_rows(const struct ab_csv *csv);
const char *ab_csv_prev_cell(const struct ab_csv *csv, size_t row, const char *col);
int ab_csv_prev_line(const struct ab_csv *csv, size_t row);
/* Keep only the previous rows with keep[i] != 0 (before any new row is
 * appended): the file is rewritten through a temporary file beside it,
 * locked before it is renamed onto the results file, so that the lock is
 * never let go and a failure leaves the file as it was. The dropped rows are
 * no longer `done`. */
int ab_csv_keep_prev(struct ab_csv *csv, const unsigned char *keep, struct ab_err *err);
/* Write one row: cells[i] for the caller's column i (as given to
 * ab_csv_open; NULL or "" = empty), then flush. */
int ab_csv_append(struct ab_csv *csv, const char *const *cells, struct ab_err *err);
/* Flush and fsync: AB_EIO (naming the file and the cause, e.g. ENOSPC) when
 * the rows did not reach the disk. */
int ab_csv_sync(struct ab_csv *csv, struct ab_err *err);
void ab_csv_close(struct ab_csv *csv);

/* Split one CSV line (ending at NUL, "\n" or "\r\n") in place, quotes
 * removed, storing at most max field pointers. Returns the line's field count
 * (which may exceed max: only the first max are stored; compare with max to
 * detect a too-wide line), or -1 on a malformed quote (not closed on the
 * line, or text after a closing quote). */
int ab_csv_split(char *line, char **fields, int max);

#endif
