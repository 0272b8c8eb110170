/* results_csv.h — the results file's schema and row writer. The columns are
 * one table (results_csv.c): name, where the value comes from, how it is
 * formatted, and whether it is a key (one of the columns that identify a
 * row: a file without them cannot be resumed); the header and every row are
 * written from it. After the fixed columns: `backend` and `dev_mem_bytes`
 * when the plan has a non-CPU method, `mask`, `lengths`, `causal_leak` and
 * `padding_leak` when it has a masked data entry, `precision` when it has a
 * bf16 or fp16 row (fp32, bf16, fp16; a method's own `precision` parameter,
 * CUDA exact's, fills it too), then one column
 * `data.PARAM` per parameter of the plan's data kinds that is not a fixed
 * column (n, d, heads, dv, scale are), then one column per parameter of the
 * plan's methods, each first seen first; a row's cell is empty where its
 * data kind or method has no such parameter. Files of one study may differ
 * in their parameter columns (a method or data kind added later): --resume,
 * merge, check and plot read cells by column name and take the union
 * (csv.h, table.h). The column names are a public contract (results/README.md).
 * Tests: tests/test_cli.c (header, cells, resume), tests/test_csv.c. */
#ifndef AB_RESULTS_CSV_H
#define AB_RESULTS_CSV_H

#include "data/data.h"
#include "formats/csv.h"
#include "plan.h"
#include "provenance.h"
#include "result.h"

#include <stdint.h>

struct ab_columns {
    const char *names[AB_CSV_MAX_COLS];
    size_t n, nfixed;
    size_t ndata0;  /* first data parameter column: after the fixed and the optional groups */
    size_t nparam0; /* first method parameter column */
    size_t src[AB_CSV_MAX_COLS]; /* for c < ndata0: its entry in the column table */
    char dnames[AB_CSV_MAX_COLS][40]; /* "data.PARAM" for the data parameter columns */
    const char *keys[16]; /* the key columns, for ab_csv_open */
    size_t nkeys;
};

/* The columns of a plan's results file. */
void ab_results_columns(const struct ab_plan *plan, struct ab_columns *c);

/* Everything one row is made of. d is NULL when the data could not be made
 * (a skipped row); entropy and ceiling may be NaN (an empty cell). */
struct ab_row {
    const char *row_id;
    const struct ab_plan *plan;
    const struct ab_prov *prov;
    const struct ab_plan_data *pd;
    const struct ab_data *d;
    const char *inputs_id; /* inputs.h; NULL when d is */
    double entropy;
    uint64_t seed;
    const struct ab_plan_method *pm;
    const struct ab_result *res;
    double ceiling; /* SGEMM GFLOP/s for the row's shape */
};

/* Append the row to csv (opened with ab_results_columns' names), flushed. */
int ab_results_write(struct ab_csv *csv, const struct ab_columns *cols, const struct ab_row *row,
                     struct ab_err *err);

#endif
