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
};
#define NERR (sizeof error_cols / sizeof error_cols[0])

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

struct side {
    struct ab_table t;
    int id, status, method, params, data, data_id, seed, time, err[NERR];
};

static int load_side(const char *path, struct side *s, struct ab_err *err)
{
    int rc = ab_table_load(path, &s->t, err);
    if (rc)
        return rc;
    const char *need[] = {"row_id", "status", "method", "params", "data_id", "seed"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (ab_table_col(&s->t, need[i]) < 0) {
            ab_table_free(&s->t);
            return ab_errf(err, AB_EINVAL, "%s: no '%s' column: not an attnbench results file?", path,
                           need[i]);
        }
    s->id = ab_table_col(&s->t, "row_id"), s->status = ab_table_col(&s->t, "status");
    s->method = ab_table_col(&s->t, "method"), s->params = ab_table_col(&s->t, "params");
    s->data = ab_table_col(&s->t, "data"), s->data_id = ab_table_col(&s->t, "data_id");
    s->seed = ab_table_col(&s->t, "seed"), s->time = ab_table_col(&s->t, "time_ms_median");
    for (size_t i = 0; i < NERR; i++)
        s->err[i] = ab_table_col(&s->t, error_cols[i].name);
    return AB_OK;
}

static long find_row(const struct side *s, const char *id)
{
    for (size_t r = 0; r < s->t.nrows; r++)
        if (!strcmp(ab_table_str(&s->t, r, s->id), id))
            return (long)r;
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
    fprintf(out, "%-11s %-16s %-10s %-10s %-36.36s %-14s %-14s %-14s %s\n", kind,
            ab_table_str(&s->t, r, s->id), ab_table_str(&s->t, r, s->data),
            ab_table_str(&s->t, r, s->method), ab_table_str(&s->t, r, s->params), col, base, now, note);
}

int ab_check(const char *results, const char *baseline, const struct ab_check_opts *o, FILE *out,
             struct ab_check_summary *sum, struct ab_err *err)
{
    memset(sum, 0, sizeof *sum);
    struct side a = {0}, b = {0};
    int rc = load_side(results, &a, err);
    if (rc)
        return rc;
    if ((rc = load_side(baseline, &b, err))) {
        ab_table_free(&a.t);
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
        const char *sb = ab_table_str(&b.t, rb, b.status), *sa = ab_table_str(&a.t, r, a.status);
        if (strcmp(sb, sa)) {
            int worse = !strcmp(sb, "ok");
            line(out, worse ? "REGRESSION" : "improved", &a, r, "status", sb, sa,
                 worse ? ab_table_str(&a.t, r, ab_table_col(&a.t, "error")) : "");
            worse ? sum->regressions++ : sum->improvements++;
            continue;
        }
        for (size_t c = 0; c < NERR; c++) {
            double vb = ab_table_num(&b.t, rb, b.err[c]), va = ab_table_num(&a.t, r, a.err[c]);
            if (isnan(vb))
                continue; /* nothing to hold the result to */
            char bs[32], as[32], note[64];
            snprintf(bs, sizeof bs, "%.6g", vb);
            if (isnan(va)) {
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
            if (tb > 0 && ta / tb > o->time_ratio) {
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
    ab_table_free(&a.t);
    ab_table_free(&b.t);
    return AB_OK;
}
