/* merge.h — `attnbench merge`: shard CSVs into one results file.
 *
 * Every input must have the key columns row_id and status (else an error
 * naming the file); their other columns may differ (a study that gained a
 * method, a data kind or a column): the output has the union of the
 * columns (the first input's in its order, then each new one first seen
 * first), a row's cell empty where its file lacks the column, and cells are
 * read by name. Rows with the same row_id are one measurement run twice:
 * one is kept (an ok one if any) and the duplicates are counted. With the
 * planned rows (those of the config the shards ran, in the order a
 * single-machine run writes them), rows are written in that order and the
 * planned rows that no shard has are reported as missing.
 * The output is written to a temporary file beside `out` (ab_tmp_path),
 * fsynced, and renamed onto `out` only when complete: an input named as the
 * output is read whole before, and a failed write (a full disk) leaves the
 * old `out` as it was. Any number of inputs. An unreadable input (a NUL
 * byte, a ragged line, a torn last line) is an error naming file:line: no
 * row is dropped silently.
 * Tests: tests/test_merge.c. */
#ifndef AB_MERGE_H
#define AB_MERGE_H

#include "attnbench.h"

#include <stdio.h>

struct ab_merge_summary {
    size_t rows, duplicates, missing, unplanned;
};

/* One planned row: its row_id and a label for the log ("kind(params)
 * seed=S method(params)"). */
struct ab_merge_planned {
    char id[17];
    const char *label;
};

/* planned may be NULL (then rows keep their order of appearance). Writes
 * `out` (an existing file is replaced). AB_OK with the summary; missing rows
 * are listed on `log`. */
int ab_merge(const char *const *inputs, size_t ninputs, const struct ab_merge_planned *planned,
             size_t nplanned, const char *out, FILE *log, struct ab_merge_summary *sum,
             struct ab_err *err);

#endif
