/* csv.h — an append-only CSV file of rows with fixed columns: RFC 4180
 * quoting, one physical line per row (newlines in cells become spaces), each
 * row flushed as it is written; resume reads back the row_ids already there.
 * The results file's columns are the driver's (results_csv.h).
 * Tests: tests/test_csv.c. */
#ifndef AB_CSV_H
#define AB_CSV_H

#include "attnbench.h"

#include <stddef.h>
#include <stdio.h>

#define AB_CSV_MAX_COLS 160

struct ab_csv {
    FILE *f;
    char *path;
    size_t ncols;
    char *cols[AB_CSV_MAX_COLS];
    char **done; /* row_ids already in the file (resume) */
    size_t ndone, capdone;
};

/* Open `path` for appending rows with these columns. Without resume the
 * file is created (an existing file is an error unless force). With resume
 * an existing file must have exactly these columns; its row_ids are loaded,
 * and a torn last line (no newline) is cut off. */
int ab_csv_open(struct ab_csv *csv, const char *path, const char *const *cols, size_t ncols,
                int resume, int force, struct ab_err *err);
int ab_csv_has(const struct ab_csv *csv, const char *row_id);
/* Write one row: cells[i] for column i (NULL or "" = empty), then flush. */
int ab_csv_append(struct ab_csv *csv, const char *const *cells, struct ab_err *err);
void ab_csv_close(struct ab_csv *csv);

/* Split one CSV line into at most max fields (in place; quotes removed).
 * Returns the field count, or -1 on a malformed quote. */
int ab_csv_split(char *line, char **fields, int max);

#endif
