/* merge.c — see merge.h. */
#define _POSIX_C_SOURCE 200809L
#include "report/merge.h"

#include "formats/csv.h"
#include "formats/table.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pick {
    const struct ab_table *t;
    size_t row, seq; /* seq: order of appearance over the inputs */
    const char *id;
    int used;
};

static int seq_cmp(const void *a, const void *b)
{
    size_t x = ((const struct pick *)a)->seq, y = ((const struct pick *)b)->seq;
    return (x > y) - (x < y);
}

static int pick_cmp(const void *a, const void *b)
{
    return strcmp(((const struct pick *)a)->id, ((const struct pick *)b)->id);
}

/* Binary search for row_id among the sorted picks. */
static struct pick *find(struct pick *v, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v[mid].id, id);
        if (!c)
            return &v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int ab_merge(const char *const *inputs, size_t ninputs, const struct ab_merge_planned *planned,
             size_t nplanned, const char *out,
             FILE *log, struct ab_merge_summary *sum, struct ab_err *err)
{
    memset(sum, 0, sizeof *sum);
    if (ninputs == 0)
        return ab_errf(err, AB_EINVAL, "merge: no input files");
    /* one table: the union of the inputs' columns, cells by name */
    static const char *const need[] = {"row_id", "status"};
    struct ab_table tab;
    int rc = ab_table_load_many(inputs, ninputs, need, 2, &tab, err), idcol = -1, stcol = -1;
    if (rc)
        return rc;
    const struct ab_table *t = &tab;
    size_t total = tab.nrows;
    idcol = ab_table_col(t, "row_id"), stcol = ab_table_col(t, "status");
    struct pick *v = NULL;
    size_t nv = 0;
    if (rc == AB_OK && !(v = calloc(total ? total : 1, sizeof *v)))
        rc = ab_errf(err, AB_ENOMEM, "out of memory");
    /* one entry per row_id: the first ok row, else the first row */
    for (size_t r = 0; rc == AB_OK && r < t->nrows; r++)
        v[nv] = (struct pick){t, r, nv, ab_table_str(t, r, idcol), 0}, nv++;
    if (rc == AB_OK) {
        qsort(v, nv, sizeof *v, pick_cmp);
        size_t w = 0;
        for (size_t i = 0; i < nv;) {
            size_t j = i, best = i;
            while (j < nv && !strcmp(v[j].id, v[i].id)) {
                /* an ok row over a failed one; else the first to appear */
                int bok = !strcmp(ab_table_str(v[best].t, v[best].row, stcol), "ok");
                int jok = !strcmp(ab_table_str(v[j].t, v[j].row, stcol), "ok");
                if ((jok && !bok) || (jok == bok && v[j].seq < v[best].seq))
                    best = j;
                j++;
            }
            sum->duplicates += j - i - 1;
            v[w++] = v[best];
            i = j;
        }
        nv = w;
    }
    /* write beside `out` and rename onto it only when every row is on disk:
     * an input used as --out, or the old file on a full disk, survives */
    struct ab_csv csv;
    size_t tlen = strlen(out) + 128;
    char *tmp = rc == AB_OK ? malloc(tlen) : NULL;
    if (rc == AB_OK && !tmp)
        rc = ab_errf(err, AB_ENOMEM, "out of memory");
    if (rc == AB_OK) {
        ab_tmp_path(out, tmp, tlen);
        rc = ab_csv_open(&csv, tmp, (const char *const *)t->cols, t->ncols, NULL, 0, 0, 0, err);
    }
    if (rc == AB_OK) {
        for (size_t p = 0; planned && p < nplanned && rc == AB_OK; p++) {
            struct pick *pk = find(v, nv, planned[p].id);
            if (!pk) {
                sum->missing++;
                if (log)
                    fprintf(log, "missing: %s %s\n", planned[p].id, planned[p].label);
                continue;
            }
            pk->used = 1;
            rc = ab_csv_append(&csv, (const char *const *)&pk->t->cells[pk->row * pk->t->ncols], err);
            sum->rows++;
        }
        qsort(v, nv, sizeof *v, seq_cmp); /* the rest in their order of appearance */
        for (size_t i = 0; i < nv && rc == AB_OK; i++)
            if (!v[i].used) {
                if (planned) {
                    sum->unplanned++;
                    if (log)
                        fprintf(log, "not in the plan (kept at the end): %s\n", v[i].id);
                }
                rc = ab_csv_append(&csv, (const char *const *)&v[i].t->cells[v[i].row * v[i].t->ncols],
                                   err);
                sum->rows++;
            }
        if (rc == AB_OK)
            rc = ab_csv_sync(&csv, err);
        ab_csv_close(&csv);
        if (rc == AB_OK && rename(tmp, out) != 0)
            rc = ab_errf(err, AB_EIO, "%s: cannot replace it with the merged rows (%s): %s", out,
                         tmp, strerror(errno));
        if (rc != AB_OK) {
            unlink(tmp);
            ab_err_prefix(err, "%s is left as it was", out);
        }
    }
    free(tmp);
    free(v);
    ab_table_free(&tab);
    return rc;
}
