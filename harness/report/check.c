/* check.c — see check.h. Tests: tests/test_check.c, tests/ci_gate.sh. */
#define _POSIX_C_SOURCE 200809L
#include "report/check.h"

#include "formats/config.h"
#include "formats/table.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error columns and which way is better. */
static const struct {
    const char *name;
    int higher_better;
} error_cols[] = {
    {"out_rel_fro", 0},   {"out_max_abs", 0}, {"out_cos", 1},    {"attn_rel_fro", 0},
    {"attn_rel_spec", 0}, {"row_sum_dev", 0}, {"pinv_resid", 0}, {"pinv_vs_svd", 0},
    /* masked rows: a leak is an error that must not grow */
    {"causal_leak", 0},   {"padding_leak", 0},
    /* attnbench model rows: through the model, and what reaches its output
     * (the cosine, the neighbour overlap and the rank correlation: higher is
     * better, all within [-1, 1]) */
    {"attn_out_rel", 0},  {"emb_cos_mean", 1}, {"emb_cos_min", 1}, {"top10_overlap", 1},
    {"spearman", 1},      {"hidden_rel_l1", 0}, {"hidden_rel_l2", 0}, {"hidden_rel_l3", 0},
    {"hidden_rel_l4", 0}, {"hidden_rel_l5", 0}, {"hidden_rel_l6", 0}, {"hidden_rel_l7", 0},
    {"hidden_rel_l8", 0}, {"hidden_rel_l9", 0}, {"hidden_rel_l10", 0}, {"hidden_rel_l11", 0},
    {"hidden_rel_l12", 0},
};
#define NERR (sizeof error_cols / sizeof error_cols[0])
_Static_assert(NERR <= AB_CHECK_MAX_COLS, "AB_CHECK_MAX_COLS holds every error column");

void ab_check_defaults(struct ab_check_opts *o)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < AB_CHECK_MAX_COLS; i++) {
        o->rel[i] = AB_CHECK_DEFAULT_REL;
        o->abs[i] = AB_CHECK_DEFAULT_ABS;
    }
}

static int err_col_index(const char *name)
{
    for (size_t i = 0; i < NERR; i++)
        if (!strcmp(error_cols[i].name, name))
            return (int)i;
    return -1;
}

static int unknown_col(const char *name, struct ab_err *err)
{
    const char *names[NERR];
    char list[256] = "";
    for (size_t i = 0; i < NERR; i++) {
        names[i] = error_cols[i].name;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    }
    const char *near = ab_closest(name, names, NERR);
    return ab_errf(err, AB_EINVAL, "unknown error column '%s'%s%s%s (valid: %s)", name,
                   near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "", list);
}

int ab_check_parse_tol(struct ab_check_opts *o, const char *spec, struct ab_err *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq)
        return ab_errf(err, AB_EINVAL, "--tol %s: expected COLUMN=REL[,ABS]", spec);
    char col[64];
    snprintf(col, sizeof col, "%.*s", (int)(eq - spec), spec);
    int ci = err_col_index(col);
    if (ci < 0)
        return unknown_col(col, err);
    char *end;
    double rel = strtod(eq + 1, &end), abs_ = o->abs[ci];
    if (end == eq + 1 || !(rel >= 0) || (*end && *end != ','))
        return ab_errf(err, AB_EINVAL, "--tol %s: REL must be a number >= 0", spec);
    if (*end == ',') {
        char *end2;
        abs_ = strtod(end + 1, &end2);
        if (end2 == end + 1 || *end2 || !(abs_ >= 0))
            return ab_errf(err, AB_EINVAL, "--tol %s: ABS must be a number >= 0", spec);
    }
    o->rel[ci] = rel, o->abs[ci] = abs_;
    return AB_OK;
}

int ab_check_load_config(struct ab_check_opts *o, const char *path, struct ab_err *err)
{
    struct cfg_doc *doc;
    int rc = cfg_load_file(path, &doc, err);
    if (rc)
        return rc;
    struct cfg_node *root = cfg_root(doc), *chk = cfg_map_get(root, "check");
    static const char *const top[] = {"check"}, *const keys[] = {"tolerances", "time_ratio"};
    static const char *const tk[] = {"rel", "abs"};
    if ((rc = cfg_expect(root, CFG_MAP, "the check config", err)) ||
        (rc = cfg_check_keys(root, "the check config", top, 1, err)))
        goto out;
    if (!chk) {
        rc = cfg_errorf(err, root, "no 'check' section");
        goto out;
    }
    if ((rc = cfg_expect(chk, CFG_MAP, "check", err)) || (rc = cfg_check_keys(chk, "check", keys, 2, err)))
        goto out;
    struct cfg_node *tr = cfg_map_get(chk, "time_ratio"), *tol = cfg_map_get(chk, "tolerances");
    if (tr && (rc = cfg_to_real(tr, "time_ratio", 1, 1e6, &o->time_ratio, err)))
        goto out;
    if (tol) {
        if ((rc = cfg_expect(tol, CFG_MAP, "tolerances", err)))
            goto out;
        for (size_t i = 0; i < tol->count; i++) {
            int ci = err_col_index(tol->keys[i]->str);
            if (ci < 0) {
                struct ab_err e2;
                unknown_col(tol->keys[i]->str, &e2);
                rc = cfg_errorf(err, tol->keys[i], "%s", e2.msg);
                goto out;
            }
            struct cfg_node *t = tol->items[i];
            if ((rc = cfg_expect(t, CFG_MAP, tol->keys[i]->str, err)) ||
                (rc = cfg_check_keys(t, tol->keys[i]->str, tk, 2, err)))
                goto out;
            struct cfg_node *r = cfg_map_get(t, "rel"), *a = cfg_map_get(t, "abs");
            if ((r && (rc = cfg_to_real(r, "rel", 0, 1e9, &o->rel[ci], err))) ||
                (a && (rc = cfg_to_real(a, "abs", 0, 1e9, &o->abs[ci], err))))
                goto out;
        }
    }
out:
    cfg_destroy(doc);
    return rc;
}

/* ---- statuses: ok > refused, invalid > the failure kinds ---- */

static const char *const failure_kinds[] = {"oom", "error", "nan", "timeout", "crashed", "skipped"};

/* 2 ok, 1 refused or invalid, 0 a failure kind, -1 not a status */
static int status_rank(const char *st)
{
    if (!strcmp(st, "ok"))
        return 2;
    if (!strcmp(st, "refused") || !strcmp(st, "invalid"))
        return 1;
    for (size_t i = 0; i < sizeof failure_kinds / sizeof failure_kinds[0]; i++)
        if (!strcmp(st, failure_kinds[i]))
            return 0;
    return -1;
}

/* ---- values ---- */

enum { V_EMPTY, V_OK, V_BAD };

/* A cell of error column c: empty, a possible value (*v), or impossible
 * (why says what is wrong: not a number, NaN, infinite, negative norm,
 * cosine outside [-1, 1] beyond rounding). */
static int cell_value(const char *s, size_t c, double *v, const char **why)
{
    *v = NAN;
    if (!*s)
        return V_EMPTY;
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end) {
        *why = "not a number";
        return V_BAD;
    }
    *v = x;
    if (isnan(x)) {
        *why = "NaN";
        return V_BAD;
    }
    if (isinf(x)) {
        *why = "infinite";
        return V_BAD;
    }
    if (error_cols[c].higher_better) { /* a cosine */
        if (x < -1 - AB_CHECK_COS_SLACK || x > 1 + AB_CHECK_COS_SLACK) {
            *why = "a cosine outside [-1, 1]";
            return V_BAD;
        }
    } else if (x < 0) {
        *why = "a negative norm";
        return V_BAD;
    }
    return V_OK;
}

struct side {
    const char *path;
    struct ab_table t;
    int id, status, method, params, data, data_id, seed, time, err[NERR];
    size_t *byid; /* row indices sorted by row_id */
};

static const struct side *sort_side;
static int byid_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(ab_table_str(&sort_side->t, x, sort_side->id),
                   ab_table_str(&sort_side->t, y, sort_side->id));
    return c ? c : (x > y) - (x < y);
}

static void free_side(struct side *s)
{
    ab_table_free(&s->t);
    free(s->byid);
    s->byid = NULL;
}

/* Several files are one side: their rows together, columns by name (a file
 * may lack a parameter column another has). `path` names them in messages
 * about the side as a whole; a row's own file is ab_table_path. */
static int load_side(const char *const *paths, size_t npaths, struct side *s, int is_baseline,
                     struct ab_err *err)
{
    const char *path = s->path = paths[0];
    /* data_id and seed: attention rows have them (and they must agree), the
     * rows of `attnbench model` do not (their row_id covers model and corpus) */
    static const char *const need[] = {"row_id", "status", "method", "params"};
    int rc = ab_table_load_many(paths, npaths, need, sizeof need / sizeof need[0], &s->t, err);
    if (rc)
        return rc;
    s->id = ab_table_col(&s->t, "row_id"), s->status = ab_table_col(&s->t, "status");
    s->method = ab_table_col(&s->t, "method"), s->params = ab_table_col(&s->t, "params");
    s->data = ab_table_col(&s->t, "data"), s->data_id = ab_table_col(&s->t, "data_id");
    s->seed = ab_table_col(&s->t, "seed"), s->time = ab_table_col(&s->t, "time_ms_median");
    size_t nerr = 0;
    for (size_t i = 0; i < NERR; i++)
        nerr += (s->err[i] = ab_table_col(&s->t, error_cols[i].name)) >= 0;
    if (is_baseline && nerr == 0) {
        free_side(s);
        return ab_errf(err, AB_EINVAL,
                       "%s:1: none of the error columns (out_rel_fro, out_max_abs, out_cos, "
                       "attn_rel_fro, attn_rel_spec, row_sum_dev, pinv_resid, pinv_vs_svd, "
                       "causal_leak, padding_leak; a model study's attn_out_rel, emb_cos_mean, "
                       "emb_cos_min, top10_overlap, spearman, hidden_rel_l1...): nothing to "
                       "compare",
                       path);
    }
    if (s->t.nrows == 0) {
        free_side(s);
        return ab_errf(err, AB_EINVAL, "%s: no rows (only the header): nothing to compare", path);
    }
    if (!(s->byid = malloc(s->t.nrows * sizeof *s->byid))) {
        free_side(s);
        return ab_errf(err, AB_ENOMEM, "%s: out of memory", path);
    }
    for (size_t r = 0; r < s->t.nrows; r++)
        s->byid[r] = r;
    sort_side = s;
    qsort(s->byid, s->t.nrows, sizeof *s->byid, byid_cmp);
    for (size_t i = 0; i < s->t.nrows; i++) {
        size_t r = s->byid[i];
        const char *id = ab_table_str(&s->t, r, s->id);
        if (!*id) {
            rc = ab_errf(err, AB_EINVAL, "%s:%zu: an empty row_id", ab_table_path(&s->t, r),
                         ab_table_line(&s->t, r));
        } else if (i > 0 && !strcmp(id, ab_table_str(&s->t, s->byid[i - 1], s->id))) {
            const char *first_path = ab_table_path(&s->t, s->byid[i - 1]);
            int same_file = !strcmp(first_path, ab_table_path(&s->t, r));
            char first_path_colon[520];
            snprintf(first_path_colon, sizeof first_path_colon, "%s:", first_path);
            rc = ab_errf(err, AB_EINVAL,
                         "%s:%zu: row_id %s again (first %s%s%zu): a row is there twice, so "
                         "which one to compare is ambiguous",
                         ab_table_path(&s->t, r), ab_table_line(&s->t, r), id,
                         same_file ? "on line " : "at ", same_file ? "" : first_path_colon,
                         ab_table_line(&s->t, s->byid[i - 1]));
        }
        if (rc) {
            free_side(s);
            return rc;
        }
    }
    if (!is_baseline)
        return AB_OK;
    /* the baseline is what results are held to: garbage in it is an error */
    for (size_t r = 0; r < s->t.nrows; r++) {
        const char *st = ab_table_str(&s->t, r, s->status);
        if (status_rank(st) < 0) {
            rc = ab_errf(err, AB_EINVAL,
                         "%s:%zu: column 'status': '%.40s' is not a status (ok, invalid, refused, "
                         "oom, error, nan, timeout, crashed, skipped)",
                         ab_table_path(&s->t, r), ab_table_line(&s->t, r), st);
            break;
        }
        for (size_t c = 0; c < NERR && !rc; c++) {
            double v;
            const char *why = "";
            const char *cell = ab_table_str(&s->t, r, s->err[c]);
            if (cell_value(cell, c, &v, &why) == V_BAD)
                rc = ab_errf(err, AB_EINVAL,
                             "%s:%zu: column '%s' = '%.40s' is impossible (%s): the baseline "
                             "cannot hold results to it",
                             ab_table_path(&s->t, r), ab_table_line(&s->t, r), error_cols[c].name,
                             cell, why);
        }
        if (rc)
            break;
    }
    if (rc)
        free_side(s);
    return rc;
}

static long find_row(const struct side *s, const char *id)
{
    size_t lo = 0, hi = s->t.nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ab_table_str(&s->t, s->byid[mid], s->id), id);
        if (!c)
            return (long)s->byid[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* time / the exact row's time for the same data and seed in the same file */
static double norm_time(const struct side *s, size_t r)
{
    double t = ab_table_num(&s->t, r, s->time);
    const char *did = ab_table_str(&s->t, r, s->data_id), *seed = ab_table_str(&s->t, r, s->seed);
    for (size_t q = 0; q < s->t.nrows; q++)
        if (!strcmp(ab_table_str(&s->t, q, s->method), "exact") &&
            !strcmp(ab_table_str(&s->t, q, s->data_id), did) &&
            !strcmp(ab_table_str(&s->t, q, s->seed), seed)) {
            double e = ab_table_num(&s->t, q, s->time);
            if (e > 0)
                return t / e;
        }
    return t;
}

static void line(FILE *out, const char *kind, const struct side *s, size_t r, const char *col,
                 const char *base, const char *now, const char *note)
{
    fprintf(out, "%-11s %-16s %-10s %-10s %-36.36s %-14s %-14.14s %-14.14s %s\n", kind,
            ab_table_str(&s->t, r, s->id), ab_table_str(&s->t, r, s->data),
            ab_table_str(&s->t, r, s->method), ab_table_str(&s->t, r, s->params), col, base, now, note);
}

int ab_check(const char *const *resultv, size_t nresults, const char *baseline,
             const struct ab_check_opts *o, FILE *out, struct ab_check_summary *sum,
             struct ab_err *err)
{
    memset(sum, 0, sizeof *sum);
    struct side a = {0}, b = {0};
    if (nresults == 0)
        return ab_errf(err, AB_EINVAL, "no results file given");
    const char *results = resultv[0];
    char resultsall[600];
    snprintf(resultsall, sizeof resultsall, "%s%s", results,
             nresults > 1 ? " (and the other results files)" : "");
    int rc = load_side(resultv, nresults, &a, 0, err);
    if (rc)
        return rc;
    if ((rc = load_side(&baseline, 1, &b, 1, err))) {
        free_side(&a);
        return rc;
    }
    fprintf(out, "%-11s %-16s %-10s %-10s %-36s %-14s %-14s %-14s %s\n", "kind", "row_id", "data",
            "method", "params", "column", "baseline", "result", "change");
    for (size_t rb = 0; rb < b.t.nrows; rb++) {
        const char *id = ab_table_str(&b.t, rb, b.id);
        long ra = find_row(&a, id);
        if (ra < 0) {
            line(out, "MISSING", &b, rb, "-", "-", "-", "in the baseline, not in the results");
            sum->missing++;
            continue;
        }
        sum->compared++;
        size_t r = (size_t)ra;
        if (strcmp(ab_table_str(&a.t, r, a.data_id), ab_table_str(&b.t, rb, b.data_id))) {
            line(out, "REGRESSION", &a, r, "data_id", ab_table_str(&b.t, rb, b.data_id),
                 ab_table_str(&a.t, r, a.data_id), "the data changed: the rows are not comparable");
            sum->regressions++;
            continue;
        }
        /* impossible values in the results: regressions whatever the status */
        int bad_values = 0;
        for (size_t c = 0; c < NERR; c++) {
            double va;
            const char *why = "";
            const char *cell = ab_table_str(&a.t, r, a.err[c]);
            if (cell_value(cell, c, &va, &why) == V_BAD) {
                char note[160];
                snprintf(note, sizeof note, "impossible value (%s) at %s:%zu", why,
                         ab_table_path(&a.t, r), ab_table_line(&a.t, r));
                char bs[32];
                double vb;
                const char *w2;
                int kb = cell_value(ab_table_str(&b.t, rb, b.err[c]), c, &vb, &w2);
                snprintf(bs, sizeof bs, kb == V_OK ? "%.6g" : "(empty)", vb);
                line(out, "REGRESSION", &a, r, error_cols[c].name, bs, cell, note);
                sum->regressions++;
                bad_values = 1;
            }
        }
        const char *sb = ab_table_str(&b.t, rb, b.status), *sa = ab_table_str(&a.t, r, a.status);
        if (strcmp(sb, sa)) {
            int kb = status_rank(sb), ka = status_rank(sa);
            /* up the order (ok > refused, invalid > failure kinds) is an
             * improvement; anything else that changes is a regression */
            int better = ka > kb;
            const char *why = ab_table_str(&a.t, r, ab_table_col(&a.t, "error"));
            char note[200];
            if (ka < 0)
                snprintf(note, sizeof note, "'%.40s' is not a status (%s:%zu)", sa,
                         ab_table_path(&a.t, r), ab_table_line(&a.t, r));
            else if (ka == kb)
                snprintf(note, sizeof note, "another %s: %.150s",
                         ka == 0 ? "failure" : "refusal", why);
            else
                snprintf(note, sizeof note, "%.190s", better ? "" : why);
            line(out, better ? "improved" : "REGRESSION", &a, r, "status", sb, sa, note);
            better ? sum->improvements++ : sum->regressions++;
            continue;
        }
        if (bad_values)
            continue;
        for (size_t c = 0; c < NERR; c++) {
            double vb, va;
            const char *why = "";
            if (cell_value(ab_table_str(&b.t, rb, b.err[c]), c, &vb, &why) != V_OK)
                continue; /* nothing to hold the result to */
            char bs[32], as[32], note[64];
            snprintf(bs, sizeof bs, "%.6g", vb);
            if (cell_value(ab_table_str(&a.t, r, a.err[c]), c, &va, &why) != V_OK) {
                line(out, "REGRESSION", &a, r, error_cols[c].name, bs, "(empty)", "the value is gone");
                sum->regressions++;
                continue;
            }
            snprintf(as, sizeof as, "%.6g", va);
            double worse = error_cols[c].higher_better ? vb - va : va - vb;
            double allow = o->abs[c] + o->rel[c] * fabs(vb);
            snprintf(note, sizeof note, "%+.3g%% (tolerance %.3g)", vb != 0 ? 100 * (va - vb) / fabs(vb) : 0.0,
                     allow);
            if (worse > allow) {
                line(out, "REGRESSION", &a, r, error_cols[c].name, bs, as, note);
                sum->regressions++;
            } else if (-worse > allow) {
                line(out, "improved", &a, r, error_cols[c].name, bs, as, note);
                sum->improvements++;
            }
        }
        if (o->time_ratio > 0 && !strcmp(sa, "ok") && a.time >= 0 && b.time >= 0) {
            double tb = norm_time(&b, rb), ta = norm_time(&a, r);
            if (tb > 0 && isfinite(tb) && !(ta >= 0 && isfinite(ta) && ta / tb <= o->time_ratio)) {
                char bs[32], as[32], note[64];
                snprintf(bs, sizeof bs, "%.4g", tb);
                snprintf(as, sizeof as, "%.4g", ta);
                snprintf(note, sizeof note, "%.2fx slower (limit %.2fx)", ta / tb, o->time_ratio);
                line(out, "REGRESSION", &a, r, "time/exact", bs, as, note);
                sum->regressions++;
            }
        }
    }
    for (size_t ra = 0; ra < a.t.nrows; ra++)
        if (find_row(&b, ab_table_str(&a.t, ra, a.id)) < 0) {
            line(out, "new", &a, ra, "-", "-", "-", "not in the baseline");
            sum->added++;
        }
    fprintf(out, "\n%zu rows compared: %zu regressions, %zu improvements, %zu missing from the "
                 "results, %zu new\n",
            sum->compared, sum->regressions, sum->improvements, sum->missing, sum->added);
    if (sum->compared == 0)
        rc = ab_errf(err, AB_EINVAL,
                     "nothing compared: none of the %zu rows of %s has its row_id in %s (another "
                     "config, or the wrong file?)",
                     b.t.nrows, baseline, resultsall);
    free_side(&a);
    free_side(&b);
    return rc;
}
