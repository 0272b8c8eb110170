/* table.h — a results CSV loaded into memory, cells addressed by column
 * name: what `plot` (and any reader of results) works on.
 * Tests: tests/test_plot.c. */
#ifndef AB_TABLE_H
#define AB_TABLE_H

#include "attnbench.h"

#include <stddef.h>

struct ab_table {
    char *text;     /* the file, split in place (the first file's) */
    size_t ncols, nrows;
    char **cols;    /* ncols names */
    char **cells;   /* nrows x ncols */
    size_t *lines;  /* nrows: each row's line number in its file (1 = header) */
    /* several files (ab_table_load_many): their texts and paths, and each
     * row's file; NULL rowfile: every row is paths[0]'s */
    char **texts, **paths;
    size_t nfiles, *rowfile;
};

/* Load `path` (any number of columns). Errors name file:line: a missing or
 * empty file, a NUL byte anywhere (never a silent stop), a malformed quoted
 * field, a line whose field count differs from the header's ("line N has X
 * fields, the header has Y"), a last line without its newline (a torn write).
 * A UTF-8 byte order mark before the header is skipped; blank lines are
 * skipped; "\r\n" line ends are accepted. */
int ab_table_load(const char *path, struct ab_table *t, struct ab_err *err);
/* Load several results files as one table: the rows of each in turn, the
 * columns the union of theirs (the first file's in its order, then each
 * column another file adds, first seen first); a cell of a column its file
 * lacks is empty. Cells are read by column name, so files whose column sets
 * differ (a study that gained a method or a data kind) read as one. Each
 * file must have every column of `need` (nneed of them; may be 0): else
 * AB_EINVAL naming the file and the columns it lacks. */
int ab_table_load_many(const char *const *paths, size_t npaths, const char *const *need,
                       size_t nneed, struct ab_table *t, struct ab_err *err);
/* The line number of row `row` in its file (for messages), and that file. */
size_t ab_table_line(const struct ab_table *t, size_t row);
const char *ab_table_path(const struct ab_table *t, size_t row);
void ab_table_free(struct ab_table *t);
/* Column index or -1. */
int ab_table_col(const struct ab_table *t, const char *name);
/* Cell text ("" when the column is absent). */
const char *ab_table_str(const struct ab_table *t, size_t row, int col);
/* Cell as a number; NaN when empty, absent or not a number. */
double ab_table_num(const struct ab_table *t, size_t row, int col);
/* The value of `key` in a "k1=v1;k2=v2" cell into out ("" if absent). */
void ab_kv_get(const char *kv, const char *key, char *out, size_t cap);

#endif
