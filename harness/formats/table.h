/* table.h — a results CSV loaded into memory, cells addressed by column
 * name: what `plot` (and any reader of results) works on.
 * Tests: tests/test_plot.c. */
#ifndef AB_TABLE_H
#define AB_TABLE_H

#include "attnbench.h"

#include <stddef.h>

struct ab_table {
    char *text;     /* the file, split in place */
    size_t ncols, nrows;
    char **cols;    /* ncols names */
    char **cells;   /* nrows x ncols */
};

/* Load `path`. Errors (file:line) for a missing or empty file, a malformed
 * line, or a line whose field count differs from the header's. */
int ab_table_load(const char *path, struct ab_table *t, struct ab_err *err);
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
