/* plot.c — see plot.h. Tests: tests/test_plot.c. */
#define _POSIX_C_SOURCE 200809L
#include "report/plot.h"

#include "formats/table.h"
#include "base/util.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Parameters that set a method's budget: left out of series labels on the
 * budget charts (they are the x axis there). */
static const char *const budget_keys[] = {"landmarks", "landmark_ratio", "k", "features", "window"};
#define NBUDGET (sizeof budget_keys / sizeof budget_keys[0])

/* ---- columns ---- */

struct cols {
    int status, method, params, data, n, d, seed, budget, out, time, peak, entropy, resid, iters,
        pinv, config, cpu, threads;
};

static int find_cols(const struct ab_table *t, const char *path, struct cols *c, struct ab_err *err)
{
    const char *need[] = {"status", "method", "params", "data", "n", "out_rel_fro", "time_ms_median"};
    char missing[256] = "";
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (ab_table_col(t, need[i]) < 0)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     *missing ? ", " : "", need[i]);
    if (*missing)
        return ab_errf(err, AB_EINVAL, "%s: lacks the column(s) %s: not an attnbench results file?",
                       path, missing);
    c->status = ab_table_col(t, "status"), c->method = ab_table_col(t, "method");
    c->params = ab_table_col(t, "params"), c->data = ab_table_col(t, "data");
    c->n = ab_table_col(t, "n"), c->d = ab_table_col(t, "d"), c->seed = ab_table_col(t, "seed");
    c->budget = ab_table_col(t, "budget"), c->out = ab_table_col(t, "out_rel_fro");
    c->time = ab_table_col(t, "time_ms_median"), c->peak = ab_table_col(t, "peak_bytes");
    c->entropy = ab_table_col(t, "entropy"), c->resid = ab_table_col(t, "pinv_resid");
    c->iters = ab_table_col(t, "pinv_iters"), c->pinv = ab_table_col(t, "pinv");
    c->config = ab_table_col(t, "config"), c->cpu = ab_table_col(t, "cpu");
    c->threads = ab_table_col(t, "threads");
    return AB_OK;
}

/* ---- parameters: what splits panels and series ----
 *
 * A series aggregates ONLY over seeds. Every other parameter that varies in
 * the (filtered) file splits: data parameters (the `data_params` cell, and
 * the data kind) make panels, method parameters (`params`) make series. Each
 * chart takes some keys as its x axis instead (n on the time and memory
 * charts, the budget keys on the budget charts, pinv_iters on the pinv
 * chart); the entropy chart takes the data instance itself as x (one panel,
 * every row its own point). As a backstop, two rows are only ever averaged
 * into one point when their whole identity (data kind, every data parameter,
 * method, every parameter that has an effect) is equal: they differ in seed
 * alone. */

/* Parameters without an effect on a row: they neither split nor label its
 * series. `when_key` = NULL: a performance knob (tiles, the memory cap),
 * which changes time and memory but not the output: it splits the time and
 * memory charts and no error chart. Otherwise the key has an effect only on
 * rows whose `when_key` is `when_val` (a row without `when_key` keeps it). */
static const struct {
    const char *key, *when_key, *when_val;
} no_effect[] = {
    {"pinv_iters", "pinv", "iterative"},       /* nystrom: pinv=svd ignores the iterations */
    {"pinv_init", "pinv", "iterative"},        /* the iteration's start, likewise */
    {"kmeans_iters", "selection", "kmeans"},   /* Lloyd steps: only for selection=kmeans */
    {"tile_q", NULL, NULL},                    /* performance knobs: same output */
    {"tile_k", NULL, NULL},
    {"cap_mib", NULL, NULL},
};
#define NNOEFFECT (sizeof no_effect / sizeof no_effect[0])

/* More than these and a chart is not drawn (it asks for --where / --by). */
#define MAX_PANELS 12
#define MAX_SERIES 16

#define MAXKV 48
struct kv {
    char key[32], val[160];
    int data; /* 1: from data_params, 0: from params */
};
struct rowinfo {
    struct kv kv[MAXKV];
    int n, keep;
};

/* A key seen in the file: its distinct values (data keys over the whole file,
 * method keys per method, only over rows where the key has an effect). */
#define MAXVALS 24
struct keyinfo {
    int data;
    char method[64], key[32];
    char vals[MAXVALS][48];
    int nvals, more;
};

/* Parse "k=v;k=v" (a value may be "double-quoted" with \" \\ \xHH escapes)
 * into ri. */
static void parse_kv(const char *s, int data, struct rowinfo *ri)
{
    while (s && *s) {
        const char *eq = strchr(s, '='), *semi = strchr(s, ';');
        if (!eq || (semi && semi < eq)) { /* a token without '=': skip it */
            s = semi ? semi + 1 : NULL;
            continue;
        }
        struct kv *kv = ri->n < MAXKV ? &ri->kv[ri->n] : NULL;
        if (kv) {
            memset(kv, 0, sizeof *kv);
            snprintf(kv->key, sizeof kv->key, "%.*s", (int)(eq - s), s);
            kv->data = data;
        }
        const char *p = eq + 1;
        size_t n = 0;
        char *out = kv ? kv->val : NULL;
#define PUTC(ch) (out && n + 1 < sizeof kv->val ? (void)(out[n++] = (ch)) : (void)0)
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1] == 'x' && p[2] && p[3]) {
                    char hx[3] = {p[2], p[3], 0};
                    PUTC((char)strtol(hx, NULL, 16));
                    p += 3;
                } else if (*p == '\\' && p[1]) {
                    PUTC(*++p);
                } else {
                    PUTC(*p);
                }
            }
            if (*p == '"')
                p++;
            while (*p && *p != ';')
                p++;
        } else {
            for (; *p && *p != ';'; p++)
                PUTC(*p);
        }
#undef PUTC
        if (out)
            out[n] = '\0';
        if (kv)
            ri->n++;
        s = *p == ';' ? p + 1 : NULL;
    }
}

static const char *row_param(const struct rowinfo *ri, const char *key)
{
    for (int i = 0; i < ri->n; i++)
        if (!strcmp(ri->kv[i].key, key))
            return ri->kv[i].val;
    return NULL;
}

/* Has parameter kv an effect on this row (on an error chart: errchart)? */
static int has_effect(const struct rowinfo *ri, const struct kv *kv, int errchart)
{
    if (kv->data)
        return 1;
    for (size_t i = 0; i < NNOEFFECT; i++) {
        if (strcmp(no_effect[i].key, kv->key))
            continue;
        if (!no_effect[i].when_key)
            return !errchart;
        const char *w = row_param(ri, no_effect[i].when_key);
        return !w || !strcmp(w, no_effect[i].when_val);
    }
    return 1;
}

struct ctx {
    const struct ab_table *t;
    struct cols c;
    struct rowinfo *ri;     /* per row */
    struct keyinfo *keys;   /* distinct (data|method, key) */
    size_t nkeys;
    const struct ab_plot_opts *o;
    char stem[256], subtitle[400];
    char written[64][300];
    size_t nwritten;
    char skipped[1024];
    char refused[4096]; /* charts not drawn for too many panels or series */
    size_t nrefused;
    struct ab_err *err;
};

static int is_ok(const struct ctx *cx, size_t r)
{
    return cx->ri[r].keep && !strcmp(ab_table_str(cx->t, r, cx->c.status), "ok");
}

static struct keyinfo *key_find(struct ctx *cx, int data, const char *method, const char *key)
{
    for (size_t i = 0; i < cx->nkeys; i++)
        if (cx->keys[i].data == data && !strcmp(cx->keys[i].key, key) &&
            (data || !strcmp(cx->keys[i].method, method)))
            return &cx->keys[i];
    return NULL;
}

static void key_note(struct keyinfo *k, const char *val)
{
    for (int i = 0; i < k->nvals; i++)
        if (!strcmp(k->vals[i], val))
            return;
    if (k->nvals < MAXVALS)
        snprintf(k->vals[k->nvals++], sizeof k->vals[0], "%s", val);
    else
        k->more = 1;
}

/* The distinct values of every key over the kept rows (any status: a
 * refused row's parameters name it too). */
static void keys_build(struct ctx *cx)
{
    free(cx->keys);
    cx->keys = calloc(cx->t->nrows * 4 + 16, sizeof *cx->keys);
    cx->nkeys = 0;
    size_t cap = cx->t->nrows * 4 + 16;
    for (size_t r = 0; r < cx->t->nrows; r++) {
        const struct rowinfo *ri = &cx->ri[r];
        if (!ri->keep)
            continue;
        const char *m = ab_table_str(cx->t, r, cx->c.method);
        for (int i = 0; i < ri->n; i++) {
            if (!has_effect(ri, &ri->kv[i], 0))
                continue;
            struct keyinfo *k = key_find(cx, ri->kv[i].data, m, ri->kv[i].key);
            if (!k && cx->nkeys < cap) {
                k = &cx->keys[cx->nkeys++];
                k->data = ri->kv[i].data;
                snprintf(k->method, sizeof k->method, "%s", ri->kv[i].data ? "" : m);
                snprintf(k->key, sizeof k->key, "%s", ri->kv[i].key);
            }
            if (k)
                key_note(k, ri->kv[i].val);
        }
    }
    /* the data kind itself, as a pseudo data key "data" */
    struct keyinfo *k = NULL;
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!cx->ri[r].keep)
            continue;
        if (!k && cx->nkeys < cap) {
            k = &cx->keys[cx->nkeys++];
            k->data = 2;
            snprintf(k->key, sizeof k->key, "data");
        }
        if (k)
            key_note(k, ab_table_str(cx->t, r, cx->c.data));
    }
}

static int key_varies(struct ctx *cx, int data, const char *method, const char *key)
{
    const struct keyinfo *k = key_find(cx, data, method, key);
    return k && (k->nvals > 1 || k->more);
}

static int in_list(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && !strcmp(key, list[i]))
            return 1;
    return 0;
}

/* A row's value for KEY: its data or method parameter, else its column. */
static const char *row_value(const struct ctx *cx, size_t r, const char *key)
{
    const char *v = row_param(&cx->ri[r], key);
    if (v)
        return v;
    int col = ab_table_col(cx->t, key);
    return col >= 0 ? ab_table_str(cx->t, r, col) : NULL;
}

/* The panel of row r: "clustered, order=shuffled, scale=1" (the data kind and
 * the data parameters that vary in the file, less `skip` and n, which every
 * chart takes as its x or into its series), then each --by KEY=value. With
 * with_data = 0 the data are left out (the entropy chart: data on x). */
static void panel_of(struct ctx *cx, size_t r, int with_data, const char *const *skip,
                     size_t nskip, char *out, size_t cap)
{
    out[0] = '\0';
    if (with_data) {
        snprintf(out, cap, "%s", ab_table_str(cx->t, r, cx->c.data));
        const struct rowinfo *ri = &cx->ri[r];
        for (int i = 0; i < ri->n; i++)
            if (ri->kv[i].data && strcmp(ri->kv[i].key, "n") &&
                !in_list(ri->kv[i].key, skip, nskip) &&
                !in_list(ri->kv[i].key, cx->o->by, cx->o->nby) &&
                key_varies(cx, 1, "", ri->kv[i].key))
                snprintf(out + strlen(out), cap - strlen(out), ", %s=%s", ri->kv[i].key,
                         ri->kv[i].val);
    }
    for (size_t i = 0; i < cx->o->nby; i++) {
        const char *v = row_value(cx, r, cx->o->by[i]);
        snprintf(out + strlen(out), cap - strlen(out), "%s%s=%s", *out ? ", " : "", cx->o->by[i],
                 v ? v : "(none)");
    }
}

/* "nystrom landmarks=64 pinv=svd": the method and its parameters that vary
 * (for this method, in the file) and have an effect on this row, less
 * `skip` (the chart's x) and the --by keys (in the panel title). */
static void label_of(struct ctx *cx, size_t r, const char *const *skip, size_t nskip,
                     int errchart, char *out, size_t cap)
{
    const char *m = ab_table_str(cx->t, r, cx->c.method);
    snprintf(out, cap, "%s", m);
    const struct rowinfo *ri = &cx->ri[r];
    for (int i = 0; i < ri->n; i++) {
        const struct kv *kv = &ri->kv[i];
        if (kv->data || !has_effect(ri, kv, errchart) || in_list(kv->key, skip, nskip) ||
            in_list(kv->key, cx->o->by, cx->o->nby) || !key_varies(cx, 0, m, kv->key))
            continue;
        snprintf(out + strlen(out), cap - strlen(out), " %s=%s", kv->key, kv->val);
    }
}

/* Everything about row r but its seed: rows are averaged only when equal. */
static void ident_of(struct ctx *cx, size_t r, int errchart, char *out, size_t cap)
{
    snprintf(out, cap, "%s|%s", ab_table_str(cx->t, r, cx->c.data), ab_table_str(cx->t, r, cx->c.method));
    const struct rowinfo *ri = &cx->ri[r];
    for (int i = 0; i < ri->n; i++)
        if (has_effect(ri, &ri->kv[i], errchart))
            snprintf(out + strlen(out), cap - strlen(out), "|%c%s=%s", ri->kv[i].data ? 'd' : 'm',
                     ri->kv[i].key, ri->kv[i].val);
}

/* "data parameters: order=contiguous,shuffled; method parameters: nystrom
 * pinv=iterative,svd" over the keys that vary. */
static void describe_varying(struct ctx *cx, char *out, size_t cap)
{
    out[0] = '\0';
    for (int pass = 0; pass < 2; pass++) {
        int any = 0;
        for (size_t i = 0; i < cx->nkeys; i++) {
            const struct keyinfo *k = &cx->keys[i];
            if ((pass == 0) != (k->data != 0) || (k->nvals < 2 && !k->more))
                continue;
            if (!any)
                snprintf(out + strlen(out), cap - strlen(out), "%s%s parameters:", *out ? "; " : "",
                         pass == 0 ? "data" : "method");
            any = 1;
            snprintf(out + strlen(out), cap - strlen(out), " %s%s%s=", k->method, *k->method ? " " : "",
                     k->key);
            for (int v = 0; v < k->nvals; v++)
                snprintf(out + strlen(out), cap - strlen(out), "%s%s", v ? "," : "", k->vals[v]);
            if (k->more)
                snprintf(out + strlen(out), cap - strlen(out), ",...");
        }
    }
}

/* ---- aggregation: (panel, series, x) -> mean, min, max of y (and y2) ---- */

struct obs {
    char panel[200], series[200], ident[600], seed[32];
    double x, y, y2;
};

struct obsv {
    struct obs *o;
    size_t n, cap;
};

static void obs_add(struct obsv *v, struct ctx *cx, size_t r, int errchart, const char *panel,
                    const char *series, double x, double y, double y2)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 256;
        v->o = realloc(v->o, v->cap * sizeof *v->o);
    }
    struct obs *o = &v->o[v->n++];
    snprintf(o->panel, sizeof o->panel, "%s", panel);
    snprintf(o->series, sizeof o->series, "%s", series);
    ident_of(cx, r, errchart, o->ident, sizeof o->ident);
    snprintf(o->seed, sizeof o->seed, "%s", cx->c.seed >= 0 ? ab_table_str(cx->t, r, cx->c.seed) : "");
    o->x = x, o->y = y, o->y2 = y2;
}

/* Text order with digit runs compared as numbers ("m=16" < "m=128",
 * "0.0625" < "0.125" < "0.25"): legends and panels sorted as a reader
 * expects. A run with a decimal point compares by its value. */
static int natcmp(const char *a, const char *b)
{
    while (*a && *b) {
        int da = (*a >= '0' && *a <= '9'), db = (*b >= '0' && *b <= '9');
        if (da && db) {
            char *ea, *eb;
            double x = strtod(a, &ea), y = strtod(b, &eb);
            if (x != y)
                return x < y ? -1 : 1;
            int c = strncmp(a, b, (size_t)(ea - a) < (size_t)(eb - b) ? (size_t)(ea - a) : (size_t)(eb - b));
            if (c)
                return c;
            a = ea, b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++, b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int obs_cmp(const void *a, const void *b)
{
    const struct obs *p = a, *q = b;
    int c = natcmp(p->panel, q->panel);
    if (!c)
        c = natcmp(p->series, q->series);
    if (!c)
        c = (p->x > q->x) - (p->x < q->x);
    if (!c)
        c = strcmp(p->ident, q->ident);
    if (!c)
        c = strcmp(p->seed, q->seed);
    return c;
}

/* One aggregated point: rows equal in everything but their seed. */
struct pt {
    double x, mean, lo, hi, y2;
    int seeds, rows;
};

enum { ST_LINE, ST_FRONT, ST_REFLINE, ST_FAILED, ST_FLOOR, ST_VLINE };

/* Series k's look: 8 colours (Okabe-Ito, safe for colour-blind readers and
 * in grey), then the dash pattern and the marker change, so 8 x 4 x 6
 * series stay distinct. */
static const char *const palette[8] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#000000", "#F0E442"};
static const int markers[6] = {7, 5, 9, 13, 11, 3}; /* filled circle, square, triangles, diamond, star */
static void series_style(int k, char *out, size_t cap, int points_only, int peer)
{
    int dash = (k / 8) % 4 + 1, pt = markers[(k / 8 + k % 8) % 6];
    if (peer)
        dash = 2, pt = markers[(k % 6)] - 1; /* open markers: the peers */
    snprintf(out, cap, "%s lc rgb \"%s\" dt %d lw 1.5 pt %d ps 0.9",
             points_only ? "points" : "linespoints", palette[k % 8], dash, pt);
}

struct series {
    char panel[200], name[200];
    struct pt *p;
    size_t n;
    int style;
    int minseeds, maxseeds, rows; /* over its points */
};

#define MAXPANELS 64
struct chart {
    struct series *s;
    size_t n;
    char panels[MAXPANELS][200];
    size_t npanels, allpanels;
    int collide; /* a series has two points at one x (rows that differ, not pooled) */
};

static void chart_free(struct chart *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->s[i].p);
    free(c->s);
    memset(c, 0, sizeof *c);
}

static void note_panel(struct chart *c, const char *panel)
{
    for (size_t q = 0; q < c->npanels; q++)
        if (!strcmp(c->panels[q], panel))
            return;
    c->allpanels++;
    if (c->npanels < MAXPANELS)
        snprintf(c->panels[c->npanels++], sizeof c->panels[0], "%s", panel);
}

/* Group observations into series of points: mean/min/max over the rows that
 * share panel, series, x and identity (so: over seeds only). */
static void aggregate(struct obsv *v, struct chart *c)
{
    memset(c, 0, sizeof *c);
    if (!v->n)
        return;
    qsort(v->o, v->n, sizeof *v->o, obs_cmp);
    c->s = calloc(v->n, sizeof *c->s);
    for (size_t i = 0; i < v->n;) {
        struct series *s = &c->s[c->n++];
        snprintf(s->panel, sizeof s->panel, "%s", v->o[i].panel);
        snprintf(s->name, sizeof s->name, "%s", v->o[i].series);
        s->p = calloc(v->n - i, sizeof *s->p);
        s->minseeds = 1 << 30;
        size_t j = i;
        while (j < v->n && !strcmp(v->o[j].panel, s->panel) && !strcmp(v->o[j].series, s->name)) {
            size_t k = j;
            double sum = 0, sum2 = 0, lo = INFINITY, hi = -INFINITY;
            int cnt = 0, cnt2 = 0, seeds = 0;
            while (k < v->n && !strcmp(v->o[k].panel, s->panel) &&
                   !strcmp(v->o[k].series, s->name) && v->o[k].x == v->o[j].x &&
                   !strcmp(v->o[k].ident, v->o[j].ident)) {
                sum += v->o[k].y, cnt++;
                seeds += k == j || strcmp(v->o[k].seed, v->o[k - 1].seed) != 0;
                lo = fmin(lo, v->o[k].y), hi = fmax(hi, v->o[k].y);
                if (isfinite(v->o[k].y2))
                    sum2 += v->o[k].y2, cnt2++;
                k++;
            }
            if (s->n && s->p[s->n - 1].x == v->o[j].x)
                c->collide = 1;
            s->p[s->n++] = (struct pt){v->o[j].x, sum / cnt, lo, hi, cnt2 ? sum2 / cnt2 : NAN, seeds, cnt};
            s->minseeds = seeds < s->minseeds ? seeds : s->minseeds;
            s->maxseeds = seeds > s->maxseeds ? seeds : s->maxseeds;
            s->rows += cnt;
            j = k;
        }
        note_panel(c, s->panel);
        i = j;
    }
}

/* Append a series of `n` points (copied) to the chart. */
static void chart_add(struct chart *c, const char *panel, const char *name, const struct pt *p,
                      size_t n, int style)
{
    c->s = realloc(c->s, (c->n + 1) * sizeof *c->s);
    struct series *s = &c->s[c->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->panel, sizeof s->panel, "%s", panel);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->p = malloc((n ? n : 1) * sizeof *s->p);
    memcpy(s->p, p, n * sizeof *p);
    s->n = n;
    s->style = style;
}

static size_t max_points(const struct chart *c)
{
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        m = c->s[i].n > m ? c->s[i].n : m;
    return m;
}

/* ---- writing .dat and .gp ---- */

void ab_gp_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'')
            fputs("'.\"'\".'", f); /* close, a double-quoted quote, reopen */
        else if (c < 0x20 || c == 0x7f)
            fputc(' ', f); /* a newline would end the command */
        else
            fputc(c, f);
    }
    fputc('\'', f);
}

void ab_gp_safe_name(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        char c = *s;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[n++] = ok ? c : '_';
    }
    if (cap)
        out[n] = '\0';
    if (n == 0 && cap > 1)
        out[0] = '_', out[1] = '\0';
}

/* A comment line of a .dat file: no control characters (a newline or CR in
 * a name would start a data line gnuplot reads). */
static void dat_comment_text(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

/* Write the series as index blocks "x mean lo hi y2". */
static int write_dat(struct ctx *cx, const char *path, const struct chart *ch)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ab_errf(cx->err, AB_EIO, "%s: %s", path, strerror(errno));
    for (size_t i = 0; i < ch->n; i++) {
        fputs("# panel ", f);
        dat_comment_text(f, ch->s[i].panel);
        fputs(", series ", f);
        dat_comment_text(f, ch->s[i].name);
        if (ch->s[i].maxseeds)
            fprintf(f, ", %d-%d seeds, %d rows", ch->s[i].minseeds, ch->s[i].maxseeds, ch->s[i].rows);
        fputs("\n# x mean min max y2 seeds rows\n", f);
        for (size_t k = 0; k < ch->s[i].n; k++) {
            const struct pt *p = &ch->s[i].p[k];
            fprintf(f, "%.9g %.9g %.9g %.9g %.9g %d %d\n", p->x, p->mean, p->lo, p->hi, p->y2,
                    p->seeds, p->rows);
        }
        fputs("\n\n", f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ab_errf(cx->err, AB_EIO, "%s: cannot write", path);
    return AB_OK;
}

struct spec {
    const char *name, *title, *xlabel, *ylabel, *y2label;
    int logx, logy, logy2, band, points_only;
    int nx;        /* x is n: log base 2, a tick at each power of two */
    int labels_y2; /* label each point with its y2 (the Pareto chart: its budget) */
};

static void skip(struct ctx *cx, const char *name, const char *why);

/* A chart: one panel per distinct panel name, one plot clause per series. */
static int write_chart(struct ctx *cx, const struct spec *sp, const struct chart *ch,
                       const char *(*legend)(const struct series *, const char *, char *, size_t))
{
    char dat[600], gp[600], base[400];
    snprintf(base, sizeof base, "%s-%s", cx->stem, sp->name);
    /* too many panels or series to read: not drawn pooled, not drawn at all */
    size_t worst = 0;
    const char *worst_panel = "";
    for (size_t pi = 0; pi < ch->npanels; pi++) {
        size_t k = 0;
        for (size_t i = 0; i < ch->n; i++)
            k += ch->s[i].style == ST_LINE && (ch->s[i].n > 1 || sp->points_only) &&
                 !strcmp(ch->s[i].panel, ch->panels[pi]);
        if (k > worst)
            worst = k, worst_panel = ch->panels[pi];
    }
    if (ch->allpanels > MAX_PANELS || worst > MAX_SERIES) {
        char why[3000];
        describe_varying(cx, why, sizeof why);
        char what[400];
        if (ch->allpanels > MAX_PANELS)
            snprintf(what, sizeof what, "%zu panels (more than %d)", ch->allpanels, MAX_PANELS);
        else
            snprintf(what, sizeof what, "%zu series in the panel '%s' (more than %d)", worst,
                     worst_panel, MAX_SERIES);
        snprintf(cx->refused + strlen(cx->refused), sizeof cx->refused - strlen(cx->refused),
                 "  %s: not drawn: %s would be unreadable, and no parameter is averaged over; "
                 "the file varies %s. Pick values with --where KEY=VALUE or split further with "
                 "--by KEY\n",
                 sp->name, what, why);
        cx->nrefused++;
        return AB_OK;
    }
    /* the panels with something to draw (a line needs two points): a panel of
     * lone points (one n of a kind in a time chart) is left out, not drawn empty */
    size_t live[MAX_PANELS + 1], nlive = 0;
    for (size_t pi = 0; pi < (ch->npanels ? ch->npanels : 1) && nlive <= MAX_PANELS; pi++) {
        const char *panel = ch->npanels ? ch->panels[pi] : "";
        int any = 0;
        for (size_t i = 0; i < ch->n && !any; i++) {
            const struct series *s = &ch->s[i];
            any = !strcmp(s->panel, panel) && s->style != ST_VLINE && s->n > 0 &&
                  (s->style != ST_LINE || s->n >= 2 || sp->points_only);
        }
        if (any)
            live[nlive++] = pi;
    }
    if (nlive == 0) {
        skip(cx, sp->name, "no series with two or more points in any panel");
        return AB_OK;
    }
    snprintf(dat, sizeof dat, "%s/%s.dat", cx->o->out_dir, base);
    snprintf(gp, sizeof gp, "%s/%s.gp", cx->o->out_dir, base);
    int rc = write_dat(cx, dat, ch);
    if (rc)
        return rc;
    FILE *f = fopen(gp, "w");
    if (!f)
        return ab_errf(cx->err, AB_EIO, "%s: %s", gp, strerror(errno));
    size_t np = nlive, cols = np < 3 ? np : 3, rows = (np + cols - 1) / cols;
    /* the legend goes below each panel: room for its lines (two columns) */
    size_t most = 0;
    for (size_t pi = 0; pi < np; pi++) {
        size_t k = 0;
        for (size_t i = 0; i < ch->n; i++)
            k += !strcmp(ch->s[i].panel, ch->npanels ? ch->panels[live[pi]] : "");
        most = k > most ? k : most;
    }
    size_t width = cols == 1 ? 1000 : 600 * cols,
           height = 460 + 24 * ((most + 1) / (cols == 1 ? 2 : 1));
    size_t W = width, H = height * rows + 50;
    /* one look per series name across panels, in legend (natural) order */
    const char *names[256];
    size_t nnames = 0;
    for (size_t i = 0; i < ch->n && nnames < 256; i++) {
        if (ch->s[i].style != ST_LINE)
            continue;
        size_t j = 0;
        while (j < nnames && strcmp(names[j], ch->s[i].name))
            j++;
        if (j == nnames)
            names[nnames++] = ch->s[i].name;
    }
    for (size_t a = 1; a < nnames; a++) /* insertion sort: a few names */
        for (size_t b = a; b > 0 && natcmp(names[b - 1], names[b]) > 0; b--) {
            const char *tmp = names[b];
            names[b] = names[b - 1], names[b - 1] = tmp;
        }
    /* the x range (the n axis's ticks, the floor lines) */
    double xlo = INFINITY, xhi = -INFINITY;
    for (size_t i = 0; i < ch->n; i++)
        for (size_t k = 0; k < ch->s[i].n; k++)
            if (ch->s[i].style != ST_VLINE)
                xlo = fmin(xlo, ch->s[i].p[k].x), xhi = fmax(xhi, ch->s[i].p[k].x);
    fprintf(f, "# %s.gp — written by `attnbench plot`; data in %s.dat (blocks: x mean min max y2).\n"
               "# Render again with: gnuplot %s.gp (in this directory).\n",
            base, base, base);
    fprintf(f, "formats = \"%s%s%s%s%s\"\n", cx->o->png ? "png" : "",
            cx->o->png && (cx->o->svg || cx->o->pdf) ? " " : "", cx->o->svg ? "svg" : "",
            cx->o->svg && cx->o->pdf ? " " : "", cx->o->pdf ? "pdf" : "");
    /* enhanced text for our own axis labels (subscripts); every text from
     * the CSV (titles, legends) is noenhanced */
    fprintf(f, "set encoding utf8\nset grid lw 0.5 lc rgb \"#dddddd\"\nset border lw 1\n"
               "set key below left Left reverse noenhanced maxcols %d spacing 1.1\n",
            cols == 1 ? 2 : 1);
    fprintf(f, "set xlabel ");
    ab_gp_quote(f, sp->xlabel);
    fprintf(f, "\nset ylabel ");
    ab_gp_quote(f, sp->ylabel);
    fputc('\n', f);
    fprintf(f, "set autoscale xfix\nset offsets graph 0.03, graph 0.03, 0, 0\nset format y \"%%g\"\n");
    if (sp->nx && isfinite(xlo) && xlo > 0) {
        /* an n axis: log base 2, a tick at every power of two ("1k" = 1024) */
        fprintf(f, "set logscale x 2\nset xtics (");
        int first = 1;
        for (double v = exp2(floor(log2(xlo))); v <= xhi * 1.0001; v *= 2) {
            char lab[32];
            if (v >= 1048576)
                snprintf(lab, sizeof lab, "%gM", v / 1048576);
            else if (v >= 1024)
                snprintf(lab, sizeof lab, "%gk", v / 1024);
            else
                snprintf(lab, sizeof lab, "%g", v);
            fprintf(f, "%s\"%s\" %.17g", first ? "" : ", ", lab, v);
            first = 0;
        }
        fprintf(f, ")\n");
    } else if (sp->logx) {
        fprintf(f, "set logscale x\nset format x \"%%g\"\nset mxtics 10\n");
    }
    if (sp->logy) {
        fprintf(f, "set logscale y\nset mytics 10\n");
        /* a range under two decades gets labelled ticks at 1, 2, 5 x 10^k
         * (else a reader sees only the decade ticks, or none) */
        double ylo = INFINITY, yhi = -INFINITY;
        for (size_t i = 0; i < ch->n; i++)
            for (size_t k = 0; k < ch->s[i].n; k++)
                if (ch->s[i].p[k].mean > 0)
                    ylo = fmin(ylo, ch->s[i].p[k].mean), yhi = fmax(yhi, ch->s[i].p[k].mean);
        if (isfinite(ylo) && yhi / ylo < 100) {
            fprintf(f, "set ytics add (");
            int first = 1;
            for (double dec = pow(10, floor(log10(ylo))); dec <= yhi * 10; dec *= 10)
                for (int m = 0; m < 3; m++) {
                    double v = dec * (m == 0 ? 1 : m == 1 ? 2 : 5);
                    if (v < ylo / 1.5 || v > yhi * 1.5)
                        continue;
                    fprintf(f, "%s%.3g", first ? "" : ", ", v);
                    first = 0;
                }
            fprintf(f, "%s)\n", first ? "1" : "");
        }
    }
    if (sp->y2label) {
        fprintf(f, "set y2label ");
        ab_gp_quote(f, sp->y2label);
        fprintf(f, "\nset ytics nomirror\nset y2tics\nset format y2 \"%%g\"\n");
        if (sp->logy2)
            fprintf(f, "set logscale y2\n");
    }
    /* every text from the CSV or a file name goes out through ab_gp_quote */
    char png[420], svg[420], pdf[420], datf[420];
    snprintf(png, sizeof png, "%s.png", base);
    snprintf(svg, sizeof svg, "%s.svg", base);
    snprintf(pdf, sizeof pdf, "%s.pdf", base);
    snprintf(datf, sizeof datf, "%s.dat", base);
    fprintf(f, "do for [fmt in formats] {\n"
               "  if (fmt eq \"png\") { set terminal pngcairo enhanced size %zu,%zu font \"sans,11\"; "
               "set output ",
            W, H);
    ab_gp_quote(f, png);
    fprintf(f, " }\n  if (fmt eq \"svg\") { set terminal svg enhanced size %zu,%zu dynamic font "
               "\"sans,11\"; set output ",
            W, H);
    ab_gp_quote(f, svg);
    fprintf(f, " }\n  if (fmt eq \"pdf\") { set terminal pdfcairo enhanced size %.2fin,%.2fin font "
               "\"sans,9\"; set output ",
            W / 110.0, H / 110.0);
    ab_gp_quote(f, pdf);
    fprintf(f, " }\n  set multiplot layout %zu,%zu title ", rows, cols);
    ab_gp_quote(f, sp->title);
    fputs(" . \"\\n\" . ", f);
    ab_gp_quote(f, cx->subtitle);
    fputs(" noenhanced\n", f);
    for (size_t pi = 0; pi < np; pi++) {
        const char *panel = ch->npanels ? ch->panels[live[pi]] : "";
        fprintf(f, "  set title ");
        ab_gp_quote(f, panel);
        fprintf(f, " noenhanced\n");
        /* vertical reference lines (exact's time on the Pareto chart) */
        int arrows = 0;
        for (size_t i = 0; i < ch->n; i++) {
            const struct series *s = &ch->s[i];
            if (s->style != ST_VLINE || strcmp(s->panel, panel) || !s->n)
                continue;
            fprintf(f, "  set arrow %d from %.9g, graph 0 to %.9g, graph 1 nohead dt 3 lw 1.5 lc rgb "
                       "\"#444444\"\n  set label %d ",
                    arrows + 1, s->p[0].x, s->p[0].x, arrows + 1);
            ab_gp_quote(f, s->name);
            fprintf(f, " at %.9g, graph 0.97 right offset -0.5,0 noenhanced font \",9\" tc rgb "
                       "\"#444444\"\n",
                    s->p[0].x);
            arrows++;
        }
        if (arrows) { /* the reference line inside the panel: x reaches it */
            double top = xhi;
            for (size_t i = 0; i < ch->n; i++)
                if (ch->s[i].style == ST_VLINE && !strcmp(ch->s[i].panel, panel) && ch->s[i].n)
                    top = fmax(top, ch->s[i].p[0].x);
            fprintf(f, "  set xrange [*:%.9g]\n", top * 1.3);
        }
        fprintf(f, "  plot ");
        int first = 1;
        for (size_t i = 0; i < ch->n; i++) {
            const struct series *s = &ch->s[i];
            if (strcmp(s->panel, panel) || s->style == ST_VLINE)
                continue;
            if (s->style == ST_LINE && s->n < 2 && !sp->points_only)
                continue; /* a line needs two points: a lone point is another chart's */
            int k = 0;
            while ((size_t)k < nnames && strcmp(names[k], s->name))
                k++;
            char lab[400], seeds[64] = "";
            if (s->style == ST_LINE && s->maxseeds) {
                if (s->minseeds == s->maxseeds)
                    snprintf(seeds, sizeof seeds, "%d seed%s", s->maxseeds, s->maxseeds > 1 ? "s" : "");
                else
                    snprintf(seeds, sizeof seeds, "%d-%d seeds", s->minseeds, s->maxseeds);
                if (s->rows > 0 && (size_t)s->rows > s->n * (size_t)s->maxseeds)
                    snprintf(seeds + strlen(seeds), sizeof seeds - strlen(seeds), ", %d rows", s->rows);
            }
            const char *name = s->name;
            if (legend && s->style == ST_LINE)
                name = legend(s, seeds, lab, sizeof lab);
            else if (*seeds) {
                snprintf(lab, sizeof lab, "%s (%s)", s->name, seeds);
                name = lab;
            }
            const char *with;
            char w[200];
            switch (s->style) {
            case ST_FRONT:
                with = "steps lw 2 lc rgb \"black\"";
                break;
            case ST_REFLINE:
                snprintf(w, sizeof w, "lines dt 3 lw 1.5 lc rgb \"%s\"", palette[k % 8]);
                with = w;
                break;
            case ST_FLOOR:
                with = "lines dt 2 lw 2.5 lc rgb \"#888888\"";
                break;
            case ST_FAILED:
                with = "points pt 2 ps 1.6 lc rgb \"red\"";
                break;
            default: /* peers (experiments/peers: method peer:NAME) dashed, open points */
                series_style(k, w, sizeof w, sp->points_only, !strncmp(s->name, "peer:", 5));
                with = w;
            }
            if (sp->band && s->style == ST_LINE && s->n > 1 && s->maxseeds > 1) {
                fprintf(f, "%s\\\n    ", first ? "" : ", ");
                ab_gp_quote(f, datf);
                fprintf(f, " index %zu using 1:3:4 with filledcurves fs transparent solid 0.15 lc rgb "
                           "\"%s\" notitle",
                        i, palette[k % 8]);
                first = 0;
            }
            fprintf(f, "%s\\\n    ", first ? "" : ", ");
            ab_gp_quote(f, datf);
            fprintf(f, " index %zu using 1:2 with %s title ", i, with);
            ab_gp_quote(f, name);
            first = 0;
            if (sp->labels_y2 && s->style == ST_LINE) { /* each point's budget beside it */
                fputs(", \\\n    ", f);
                ab_gp_quote(f, datf);
                fprintf(f, " index %zu using 1:2:(($5 == $5) ? sprintf(\"%%g\", $5) : \"\") with "
                           "labels left offset 0.5,0.35 font \",8\" tc rgb \"%s\" notitle",
                        i, palette[k % 8]);
            } else if (sp->y2label && s->style == ST_LINE) {
                fputs(", \\\n    ", f);
                ab_gp_quote(f, datf);
                fprintf(f, " index %zu using 1:5 axes x1y2 with linespoints dt 2 pt 6 ps 0.7 lc rgb "
                           "\"%s\" notitle",
                        i, palette[k % 8]);
            }
        }
        fputc('\n', f);
        if (arrows)
            fputs("  unset arrow\n  unset label\n  set autoscale xfix\n", f);
    }
    fprintf(f, "  unset multiplot\n  unset output\n}\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ab_errf(cx->err, AB_EIO, "%s: cannot write", gp);
    if (cx->nwritten < 64)
        snprintf(cx->written[cx->nwritten++], sizeof cx->written[0], "%s", base);
    return AB_OK;
}

static void skip(struct ctx *cx, const char *name, const char *why)
{
    snprintf(cx->skipped + strlen(cx->skipped), sizeof cx->skipped - strlen(cx->skipped),
             "  %s: %s\n", name, why);
}

/* ---- the charts ---- */

struct fit {
    double slope, lo, hi; /* over n in [lo, hi] */
    int ok;
};

/* Least-squares slope of log y vs log x over the upper half of the points
 * (all of them below 6), only from 3 or more sizes. */
/* The usual end of a chart: aggregate the observations over seeds, then
 * draw (or skip, saying why, when no series has two points). */
static int draw_obs(struct ctx *cx, struct obsv *v, const char *name, const char *why,
                    const struct spec *sp,
                    const char *(*legend)(const struct series *, const char *, char *, size_t))
{
    struct chart ch;
    aggregate(v, &ch);
    free(v->o);
    int rc = AB_OK;
    if (max_points(&ch) < 2)
        skip(cx, name, why);
    else
        rc = write_chart(cx, sp, &ch, legend);
    chart_free(&ch);
    return rc;
}

static struct fit loglog_slope(const struct series *s)
{
    struct fit r = {NAN, NAN, NAN, 0};
    size_t from = s->n >= 6 ? s->n / 2 : 0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, lo = INFINITY, hi = -INFINITY;
    int k = 0;
    for (size_t i = from; i < s->n; i++) {
        if (!(s->p[i].x > 0 && s->p[i].mean > 0))
            continue;
        double x = log(s->p[i].x), y = log(s->p[i].mean);
        sx += x, sy += y, sxx += x * x, sxy += x * y, k++;
        lo = fmin(lo, s->p[i].x), hi = fmax(hi, s->p[i].x);
    }
    if (k >= 3 && k * sxx - sx * sx > 0) {
        r.slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        r.lo = lo, r.hi = hi;
        r.ok = 1;
    }
    return r;
}

/* 1024 -> "1k", 65536 -> "64k", 1536 -> "1.5k". */
static void n_short(double n, char *out, size_t cap)
{
    if (n >= 1048576)
        snprintf(out, cap, "%gM", n / 1048576);
    else if (n >= 1024)
        snprintf(out, cap, "%gk", n / 1024);
    else
        snprintf(out, cap, "%g", n);
}

static const char *slope_legend(const struct series *s, const char *seeds, char *buf, size_t cap)
{
    struct fit f = loglog_slope(s);
    if (f.ok) {
        char lo[16], hi[16];
        n_short(f.lo, lo, sizeof lo);
        n_short(f.hi, hi, sizeof hi);
        snprintf(buf, cap, "%s (slope %.2f over n %s–%s%s%s)", s->name, f.slope, lo, hi,
                 *seeds ? "; " : "", seeds);
    } else if (*seeds)
        snprintf(buf, cap, "%s (%s)", s->name, seeds);
    else
        snprintf(buf, cap, "%s", s->name);
    return buf;
}

static int chart_time(struct ctx *cx)
{
    struct obsv v = {0};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r))
            continue;
        char lab[200], panel[200];
        label_of(cx, r, NULL, 0, 0, lab, sizeof lab);
        panel_of(cx, r, 1, NULL, 0, panel, sizeof panel);
        obs_add(&v, cx, r, 0, panel, lab, ab_table_num(cx->t, r, cx->c.n),
                ab_table_num(cx->t, r, cx->c.time), NAN);
    }
    return draw_obs(cx, &v, "time", "no series with two or more n",
                    &(struct spec){"time", "median forward time vs n (log-log; slope: least squares on log time vs log n, upper half of n, from 3 or more sizes)",
                                        "sequence length n (tokens)", "median forward time (ms)", NULL, 1, 1, 0, 0, 0, 1, 0}, slope_legend);
}

static int chart_memory(struct ctx *cx)
{
    if (cx->c.peak < 0) {
        skip(cx, "memory", "no peak_bytes column");
        return AB_OK;
    }
    struct obsv v = {0};
    double top = 0;
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r))
            continue;
        char lab[200], panel[200];
        label_of(cx, r, NULL, 0, 0, lab, sizeof lab);
        panel_of(cx, r, 1, NULL, 0, panel, sizeof panel);
        double mib = ab_table_num(cx->t, r, cx->c.peak) / 1048576.0;
        top = fmax(top, mib);
        obs_add(&v, cx, r, 0, panel, lab, ab_table_num(cx->t, r, cx->c.n), mib, NAN);
    }
    /* failed-for-memory rows: a series of their own, drawn at 2x the top */
    for (size_t r = 0; r < cx->t->nrows; r++) {
        const char *st = ab_table_str(cx->t, r, cx->c.status);
        if (!cx->ri[r].keep || (strcmp(st, "refused") && strcmp(st, "oom")))
            continue;
        char lab[240], panel[200];
        label_of(cx, r, NULL, 0, 0, lab, sizeof lab - 40);
        panel_of(cx, r, 1, NULL, 0, panel, sizeof panel);
        snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " [%s: drawn at the top]", st);
        obs_add(&v, cx, r, 0, panel, lab, ab_table_num(cx->t, r, cx->c.n), top > 0 ? 2 * top : 1, NAN);
    }
    struct chart ch;
    aggregate(&v, &ch);
    free(v.o);
    for (size_t i = 0; i < ch.n; i++)
        if (strstr(ch.s[i].name, ": drawn at the top]"))
            ch.s[i].style = ST_FAILED;
    int rc = AB_OK;
    if (max_points(&ch) < 2)
        skip(cx, "memory", "no series with two or more n");
    else
        rc = write_chart(cx,
                         &(struct spec){"memory", "peak working memory vs n (harness allocator; inputs and output excluded)",
                                        "sequence length n (tokens)", "peak working memory (MiB)", NULL, 1, 1, 0, 0, 0, 1, 0},
                         &ch, NULL);
    chart_free(&ch);
    return rc;
}

/* The trivial floor: a method named `uniform` (uniform attention, the mean
 * of V) is not a series on the error charts but a dashed grey line across
 * each panel at its error, one per n in the panel. */
static int is_uniform(const struct ctx *cx, size_t r)
{
    return !strcmp(ab_table_str(cx->t, r, cx->c.method), "uniform");
}

typedef void (*panel_fn)(struct ctx *cx, size_t r, char *out, size_t cap);

static void budget_panel(struct ctx *cx, size_t r, char *out, size_t cap)
{
    panel_of(cx, r, 1, budget_keys, NBUDGET, out, cap);
}

static void plain_panel(struct ctx *cx, size_t r, char *out, size_t cap)
{
    panel_of(cx, r, 1, NULL, 0, out, cap);
}

static void add_floors(struct ctx *cx, struct chart *ch, panel_fn pf, double only_n)
{
    size_t nseries = ch->n;
    for (size_t pi = 0; pi < ch->npanels; pi++) {
        const char *panel = ch->panels[pi];
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < nseries; i++)
            if (!strcmp(ch->s[i].panel, panel) && ch->s[i].style == ST_LINE)
                for (size_t k = 0; k < ch->s[i].n; k++)
                    lo = fmin(lo, ch->s[i].p[k].x), hi = fmax(hi, ch->s[i].p[k].x);
        if (!(lo <= hi))
            continue;
        double ns[32], sum[32];
        int cnt[32], nn = 0;
        for (size_t r = 0; r < cx->t->nrows; r++) {
            if (!is_ok(cx, r) || !is_uniform(cx, r))
                continue;
            double n = ab_table_num(cx->t, r, cx->c.n), e = ab_table_num(cx->t, r, cx->c.out);
            if ((only_n >= 0 && n != only_n) || !isfinite(e))
                continue;
            char rp[200];
            pf(cx, r, rp, sizeof rp);
            if (strcmp(rp, panel))
                continue;
            int j = 0;
            while (j < nn && ns[j] != n)
                j++;
            if (j == nn && nn < 32)
                ns[nn] = n, sum[nn] = 0, cnt[nn] = 0, nn++;
            if (j < nn)
                sum[j] += e, cnt[j]++;
        }
        for (int j = 0; j < nn; j++) {
            char lab[80];
            if (nn > 1)
                snprintf(lab, sizeof lab, "uniform (floor) n=%.0f", ns[j]);
            else
                snprintf(lab, sizeof lab, "uniform (floor)");
            double y = sum[j] / cnt[j];
            struct pt line[2] = {{lo, y, y, y, NAN, 0, 0}, {hi, y, y, y, NAN, 0, 0}};
            chart_add(ch, panel, lab, line, 2, ST_FLOOR);
        }
    }
}

/* error vs budget (ratio = 0) or vs budget / n (ratio = 1), panel per data kind */
static int chart_budget(struct ctx *cx, int ratio)
{
    const char *name = ratio ? "ratio" : "budget";
    if (cx->c.budget < 0) {
        skip(cx, name, "no budget column");
        return AB_OK;
    }
    struct chart ch;
    /* the ratio chart puts n into the series only when two n share a ratio */
    for (int with_n = !ratio; with_n < 2; with_n++) {
        struct obsv v = {0};
        for (size_t r = 0; r < cx->t->nrows; r++) {
            if (!is_ok(cx, r) || !strcmp(ab_table_str(cx->t, r, cx->c.method), "exact") ||
                is_uniform(cx, r))
                continue;
            char lab[200], panel[200];
            label_of(cx, r, budget_keys, NBUDGET, 1, lab, sizeof lab - 24);
            panel_of(cx, r, 1, budget_keys, NBUDGET, panel, sizeof panel);
            double n = ab_table_num(cx->t, r, cx->c.n), b = ab_table_num(cx->t, r, cx->c.budget);
            if (with_n)
                snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " n=%.0f", n);
            obs_add(&v, cx, r, 1, panel, lab, ratio ? b / n : b, ab_table_num(cx->t, r, cx->c.out),
                    NAN);
        }
        aggregate(&v, &ch);
        free(v.o);
        if (!ch.collide || with_n)
            break;
        chart_free(&ch);
    }
    int rc = AB_OK;
    if (max_points(&ch) >= 2)
        add_floors(cx, &ch, budget_panel, -1);
    if (max_points(&ch) < 2)
        skip(cx, name, "no method swept over its budget");
    else
        rc = write_chart(cx,
                         ratio ? &(struct spec){"ratio", "output error vs budget / n (landmark ratio); band: min-max over seeds",
                                                "budget / n (landmark ratio m/n)", "relative output error ‖Ô − O‖_F / ‖O‖_F", NULL, 1, 1, 0, 1, 0, 0, 0}
                               : &(struct spec){"budget", "output error vs budget (landmarks m, projection k, features r, window w); band: min-max over seeds",
                                                "budget (m, k, r or w)", "relative output error ‖Ô − O‖_F / ‖O‖_F", NULL, 1, 1, 0, 1, 0, 0, 0},
                         &ch, NULL);
    chart_free(&ch);
    return rc;
}

/* The SVD rows of each panel as horizontal lines over its iteration range. */
static void add_svd_lines(struct ctx *cx, struct chart *ch)
{
    size_t nseries = ch->n;
    for (size_t pi = 0; pi < ch->npanels; pi++) {
        const char *panel = ch->panels[pi];
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < nseries; i++)
            if (!strcmp(ch->s[i].panel, panel))
                for (size_t k = 0; k < ch->s[i].n; k++)
                    lo = fmin(lo, ch->s[i].p[k].x), hi = fmax(hi, ch->s[i].p[k].x);
        struct obsv v = {0};
        static const char *const skipk[] = {"pinv", "pinv_iters", "pinv_init"};
        for (size_t r = 0; r < cx->t->nrows; r++) {
            if (!is_ok(cx, r) || strcmp(ab_table_str(cx->t, r, cx->c.pinv), "svd"))
                continue;
            char rpanel[200];
            panel_of(cx, r, 1, skipk, 3, rpanel, sizeof rpanel);
            if (strcmp(rpanel, panel))
                continue;
            char lab[200];
            label_of(cx, r, skipk, 3, 1, lab, sizeof lab - 40);
            snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " n=%.0f, SVD pinv",
                     ab_table_num(cx->t, r, cx->c.n));
            obs_add(&v, cx, r, 1, panel, lab, 0, ab_table_num(cx->t, r, cx->c.out), NAN);
        }
        struct chart svd;
        aggregate(&v, &svd);
        free(v.o);
        for (size_t i = 0; i < svd.n && lo <= hi; i++) {
            struct pt line[2] = {{lo, svd.s[i].p[0].mean, 0, 0, NAN, 0, 0}, {hi, svd.s[i].p[0].mean, 0, 0, NAN, 0, 0}};
            chart_add(ch, panel, svd.s[i].name, line, 2, ST_REFLINE);
        }
        chart_free(&svd);
    }
}

static int chart_pinv(struct ctx *cx)
{
    if (cx->c.iters < 0 || cx->c.pinv < 0) {
        skip(cx, "pinv", "no pinv_iters column (no nystrom rows)");
        return AB_OK;
    }
    struct obsv v = {0};
    static const char *const skipk[] = {"pinv_iters", "pinv", "pinv_init"};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r) || strcmp(ab_table_str(cx->t, r, cx->c.pinv), "iterative"))
            continue;
        char lab[200], panel[200];
        label_of(cx, r, skipk, 3, 1, lab, sizeof lab - 24);
        panel_of(cx, r, 1, skipk, 3, panel, sizeof panel);
        snprintf(lab + strlen(lab), sizeof lab - strlen(lab), " n=%.0f", ab_table_num(cx->t, r, cx->c.n));
        obs_add(&v, cx, r, 1, panel, lab, ab_table_num(cx->t, r, cx->c.iters),
                ab_table_num(cx->t, r, cx->c.out), ab_table_num(cx->t, r, cx->c.resid));
    }
    struct chart ch;
    aggregate(&v, &ch);
    free(v.o);
    int rc = AB_OK;
    if (max_points(&ch) < 2) {
        skip(cx, "pinv", "no sweep over pinv_iters");
    } else {
        add_svd_lines(cx, &ch);
        rc = write_chart(cx,
                         &(struct spec){"pinv", "output error (solid) and ||I - AZ||_F (dashed, right axis) vs pseudo-inverse iterations; dotted: SVD pseudo-inverse",
                                        "pseudo-inverse iterations", "relative output error ‖Ô − O‖_F / ‖O‖_F", "‖I − AZ‖_F", 1, 1, 1, 0, 0, 0, 0},
                         &ch, NULL);
    }
    chart_free(&ch);
    return rc;
}

static int cmp_pt_x(const void *a, const void *b)
{
    const struct pt *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

/* Per panel, the points no faster point beats on error: the Pareto front. */
static void add_fronts(struct chart *ch)
{
    size_t nseries = ch->n;
    for (size_t pi = 0; pi < ch->npanels; pi++) {
        size_t n = 0;
        for (size_t i = 0; i < nseries; i++)
            if (!strcmp(ch->s[i].panel, ch->panels[pi]))
                n += ch->s[i].n;
        struct pt *all = malloc((n ? n : 1) * sizeof *all), *front = malloc((n ? n : 1) * sizeof *front);
        size_t k = 0, nf = 0;
        for (size_t i = 0; i < nseries; i++)
            if (!strcmp(ch->s[i].panel, ch->panels[pi]))
                for (size_t j = 0; j < ch->s[i].n; j++)
                    all[k++] = ch->s[i].p[j];
        qsort(all, n, sizeof *all, cmp_pt_x);
        double best = INFINITY;
        for (size_t i = 0; i < n; i++)
            if (all[i].mean < best) {
                best = all[i].mean;
                front[nf++] = all[i];
            }
        if (nf)
            chart_add(ch, ch->panels[pi], "Pareto front", front, nf, ST_FRONT);
        free(all), free(front);
    }
}

static int chart_pareto(struct ctx *cx)
{
    /* the largest n that has two or more methods */
    double best_n = -1;
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r))
            continue;
        double n = ab_table_num(cx->t, r, cx->c.n);
        if (n <= best_n)
            continue;
        int other = 0;
        for (size_t q = 0; q < cx->t->nrows && !other; q++)
            other = is_ok(cx, q) && ab_table_num(cx->t, q, cx->c.n) == n &&
                    strcmp(ab_table_str(cx->t, q, cx->c.method), ab_table_str(cx->t, r, cx->c.method));
        if (other)
            best_n = n;
    }
    if (best_n < 0) {
        skip(cx, "pareto", "no n with two or more methods");
        return AB_OK;
    }
    struct obsv v = {0}, ex = {0};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r) || ab_table_num(cx->t, r, cx->c.n) != best_n || is_uniform(cx, r))
            continue;
        /* series per method, points only: each row is its own point (x = its
         * time), labelled with its budget; exact is a vertical line at its
         * time (its error, ~1e-7, would stretch the error axis over decades) */
        char panel[200];
        panel_of(cx, r, 1, NULL, 0, panel, sizeof panel);
        int exact = !strcmp(ab_table_str(cx->t, r, cx->c.method), "exact");
        obs_add(exact ? &ex : &v, cx, r, 0, panel, ab_table_str(cx->t, r, cx->c.method),
                ab_table_num(cx->t, r, cx->c.time), ab_table_num(cx->t, r, cx->c.out),
                ab_table_num(cx->t, r, cx->c.budget));
    }
    struct chart ch, exch;
    aggregate(&v, &ch);
    aggregate(&ex, &exch);
    free(v.o);
    free(ex.o);
    char title[300];
    snprintf(title, sizeof title,
             "output error vs median time at n = %.0f; labels: each point's budget; black: the "
             "Pareto front; dotted: exact attention's time",
             best_n);
    size_t approx = max_points(&ch); /* before the fronts, floors and exact lines */
    add_fronts(&ch);
    add_floors(cx, &ch, plain_panel, best_n);
    /* exact: the fastest exact implementation's mean time, per panel */
    for (size_t pi = 0; pi < exch.npanels; pi++) {
        double best = INFINITY;
        for (size_t i = 0; i < exch.n; i++)
            if (!strcmp(exch.s[i].panel, exch.panels[pi]))
                for (size_t k = 0; k < exch.s[i].n; k++)
                    best = fmin(best, exch.s[i].p[k].x);
        char lab[80];
        snprintf(lab, sizeof lab, "exact: %.3g ms", best);
        struct pt p = {best, NAN, NAN, NAN, NAN, 0, 0};
        if (isfinite(best))
            chart_add(&ch, exch.panels[pi], lab, &p, 1, ST_VLINE);
    }
    chart_free(&exch);
    int rc = AB_OK;
    if (approx < 1)
        skip(cx, "pareto", "no approximate method at the largest n");
    else
        rc = write_chart(cx,
                         &(struct spec){"pareto", title, "median forward time (ms)", "relative output error ‖Ô − O‖_F / ‖O‖_F", NULL, 1,
                                        1, 0, 0, 1, 0, 1},
                         &ch, NULL);
    chart_free(&ch);
    return rc;
}

static int chart_entropy(struct ctx *cx)
{
    if (cx->c.entropy < 0) {
        skip(cx, "entropy", "no entropy column");
        return AB_OK;
    }
    struct obsv v = {0};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r) || !strcmp(ab_table_str(cx->t, r, cx->c.method), "exact"))
            continue;
        char lab[200], panel[200];
        label_of(cx, r, NULL, 0, 1, lab, sizeof lab);
        panel_of(cx, r, 0, NULL, 0, panel, sizeof panel);
        obs_add(&v, cx, r, 1, panel, lab, ab_table_num(cx->t, r, cx->c.entropy),
                ab_table_num(cx->t, r, cx->c.out), NAN);
    }
    struct chart ch;
    aggregate(&v, &ch);
    free(v.o);
    int rc = AB_OK;
    /* entropies differ per data instance: need distinct entropies, not seeds */
    size_t distinct = 0;
    for (size_t i = 0; i < ch.n; i++)
        distinct = ch.s[i].n > distinct ? ch.s[i].n : distinct;
    if (distinct < 3)
        skip(cx, "entropy", "fewer than 3 distinct entropies (sweep scale or data kinds)");
    else
        rc = write_chart(cx,
                         &(struct spec){"entropy", "output error vs mean row entropy of the exact attention (all data)",
                                        "mean row entropy of the exact attention (nats)", "relative output error ‖Ô − O‖_F / ‖O‖_F", NULL, 0, 1, 0, 0, 1, 0, 0},
                         &ch, NULL);
    chart_free(&ch);
    return rc;
}

/* Error along the sequence for causal rows (err_by_position: eighths of
 * the positions): where a causal approximation loses. */
static int chart_position(struct ctx *cx)
{
    int cm = ab_table_col(cx->t, "mask"), cp = ab_table_col(cx->t, "err_by_position");
    if (cm < 0 || cp < 0) {
        skip(cx, "position", "no mask / err_by_position columns (a sweep without masks)");
        return AB_OK;
    }
    struct obsv v = {0};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r) || strcmp(ab_table_str(cx->t, r, cm), "causal") ||
            !strcmp(ab_table_str(cx->t, r, cx->c.method), "exact"))
            continue;
        char lab[200], panel[200];
        label_of(cx, r, NULL, 0, 1, lab, sizeof lab);
        panel_of(cx, r, 1, NULL, 0, panel, sizeof panel);
        const char *t = ab_table_str(cx->t, r, cp);
        for (int b = 0; b < 8 && t && *t; b++) {
            char *end;
            double e = strtod(t, &end);
            if (end == t)
                break;
            obs_add(&v, cx, r, 1, panel, lab, (b + 0.5) / 8.0, e, NAN);
            t = end;
        }
    }
    return draw_obs(cx, &v, "position", "no causal rows with a reference",
                    &(struct spec){"position", "causal rows: output error along the sequence (eighths of the query positions); band: min-max over seeds",
                                        "query position i / n (centre of each eighth)", "relative output error ‖Ô − O‖_F / ‖O‖_F in that eighth", NULL, 0, 1, 0, 1, 0, 0, 0}, NULL);
}

/* Error vs the number format (precision: fp32, bf16, fp16), its unit
 * roundoff u on a log x axis: per method, how much of the error the format
 * adds. Rows without `precision` in their params are fp32. */
static int chart_precision(struct ctx *cx)
{
    int any = 0;
    for (size_t r = 0; r < cx->t->nrows && !any; r++)
        any = row_param(&cx->ri[r], "precision") != NULL;
    if (!any) {
        skip(cx, "precision", "no bf16 or fp16 rows");
        return AB_OK;
    }
    static const char *const xkey[] = {"precision"};
    struct obsv v = {0};
    for (size_t r = 0; r < cx->t->nrows; r++) {
        if (!is_ok(cx, r))
            continue;
        const char *pr = row_param(&cx->ri[r], "precision");
        double u = !pr || !strcmp(pr, "fp32") ? 0x1p-24 : !strcmp(pr, "fp16") ? 0x1p-11
                   : !strcmp(pr, "bf16")      ? 0x1p-8
                                              : NAN;
        char lab[200], panel[240];
        label_of(cx, r, xkey, 1, 1, lab, sizeof lab);
        panel_of(cx, r, 1, xkey, 1, panel, sizeof panel - 24);
        snprintf(panel + strlen(panel), sizeof panel - strlen(panel), ", n=%s",
                 ab_table_str(cx->t, r, cx->c.n));
        obs_add(&v, cx, r, 1, panel, lab, u, ab_table_num(cx->t, r, cx->c.out), NAN);
    }
    return draw_obs(cx, &v, "precision", "no method at two formats",
                    &(struct spec){"precision", "output error vs the number format's unit roundoff u (fp32 2^-24, fp16 2^-11, bf16 2^-8); band: min-max over seeds",
                                        "unit roundoff u of the format (fp32, fp16, bf16)", "relative output error ‖Ô − O‖_F / ‖O‖_F", NULL, 1, 1, 0, 1, 0, 0, 0}, NULL);
}

/* ---- rendering ---- */

int ab_gnuplot_available(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char exe[4200];
        snprintf(exe, sizeof exe, "%s/gnuplot", dir);
        if (access(exe, X_OK) == 0)
            return 1;
    }
    return 0;
}

int ab_gnuplot_render(const char *dir, const char *script, struct ab_err *err)
{
    if (!ab_gnuplot_available())
        return ab_errf(err, AB_EUNSUPPORTED,
                       "gnuplot is not installed (Debian: apt-get install gnuplot-nox); %s/%s is "
                       "written, render it later with gnuplot",
                       dir, script);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return ab_errf(err, AB_EIO, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return ab_errf(err, AB_EUNSUPPORTED, "gnuplot failed on %s/%s (exit %d)", dir, script,
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return AB_OK;
}

int ab_plot(const char *const *csvs, size_t ncsv, const struct ab_plot_opts *o, struct ab_err *err)
{
    struct ctx cx = {0};
    cx.o = o;
    cx.err = err;
    struct ab_table t;
    if (ncsv == 0)
        return ab_errf(err, AB_EINVAL, "no results file given");
    const char *csv_path = csvs[0];
    int rc = ab_table_load_many(csvs, ncsv, NULL, 0, &t, err);
    if (rc)
        return rc;
    cx.t = &t;
    if ((rc = find_cols(&t, csv_path, &cx.c, err))) {
        ab_table_free(&t);
        return rc;
    }
    cx.ri = calloc(t.nrows + 1, sizeof *cx.ri);
    int dp = ab_table_col(&t, "data_params");
    for (size_t r = 0; r < t.nrows; r++) {
        if (dp >= 0)
            parse_kv(ab_table_str(&t, r, dp), 1, &cx.ri[r]);
        parse_kv(ab_table_str(&t, r, cx.c.params), 0, &cx.ri[r]);
        cx.ri[r].keep = 1;
    }
    /* --where KEY=VALUE: the same KEY given twice is either value */
    for (size_t w = 0; w < o->nwhere; w++) {
        const char *eq = strchr(o->where[w], '=');
        char key[64];
        snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - o->where[w]) : 0, o->where[w]);
        int known = 0;
        for (size_t r = 0; r < t.nrows && !known; r++)
            known = row_value(&cx, r, key) != NULL;
        if (!eq || !*key || !known) {
            free(cx.ri);
            ab_table_free(&t);
            return ab_errf(err, AB_EINVAL,
                           "--where %s: %s", o->where[w],
                           !eq || !*key ? "takes KEY=VALUE"
                                        : "no column, data parameter or method parameter of that name "
                                          "in this file");
        }
    }
    for (size_t r = 0; r < t.nrows; r++)
        for (size_t w = 0; w < o->nwhere && cx.ri[r].keep; w++) {
            const char *eq = strchr(o->where[w], '=');
            size_t kl = (size_t)(eq - o->where[w]);
            int match = 0, keyed = 0;
            for (size_t u = 0; u < o->nwhere; u++) {
                const char *e2 = strchr(o->where[u], '=');
                if ((size_t)(e2 - o->where[u]) != kl || strncmp(o->where[u], o->where[w], kl))
                    continue;
                keyed = 1;
                char key[64];
                snprintf(key, sizeof key, "%.*s", (int)kl, o->where[u]);
                const char *pv = row_param(&cx.ri[r], key);
                int col = ab_table_col(&t, key);
                match |= (pv && !strcmp(pv, e2 + 1)) ||
                         (col >= 0 && !strcmp(ab_table_str(&t, r, col), e2 + 1));
            }
            cx.ri[r].keep = !keyed || match;
        }
    for (size_t b = 0; b < o->nby; b++) {
        int known = 0;
        for (size_t r = 0; r < t.nrows && !known; r++)
            known = row_value(&cx, r, o->by[b]) != NULL;
        if (!known) {
            free(cx.ri);
            ab_table_free(&t);
            return ab_errf(err, AB_EINVAL,
                           "--by %s: no column, data parameter or method parameter of that name in "
                           "this file",
                           o->by[b]);
        }
    }
    size_t ok = 0, kept = 0;
    for (size_t r = 0; r < t.nrows; r++)
        ok += is_ok(&cx, r), kept += cx.ri[r].keep;
    if (ok == 0) {
        free(cx.ri);
        ab_table_free(&t);
        if (o->nwhere)
            return ab_errf(err, AB_EINVAL,
                           "%s: no rows with status ok match the --where filters (%zu of %zu rows "
                           "match)",
                           csv_path, kept, t.nrows);
        return ab_errf(err, AB_EINVAL, "%s: no rows with status ok to plot (%zu rows in all)",
                       csv_path, t.nrows);
    }
    struct stat st;
    if (stat(o->out_dir, &st) != 0 && mkdir(o->out_dir, 0777) != 0) {
        ab_table_free(&t);
        return ab_errf(err, AB_EIO, "%s: %s", o->out_dir, strerror(errno));
    }
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", o->name ? o->name : csv_path);
    char *b = basename(tmp), *dot = strrchr(b, '.');
    if (dot && dot != b)
        *dot = '\0';
    /* file names only from [A-Za-z0-9._-]: the stem names files the script reads */
    ab_gp_safe_name(b, cx.stem, 200);
    snprintf(cx.subtitle, sizeof cx.subtitle, "%s - %s - %s threads", ab_table_str(&t, 0, cx.c.config),
             ab_table_str(&t, 0, cx.c.cpu), ab_table_str(&t, 0, cx.c.threads));
    keys_build(&cx);
    int (*charts[])(struct ctx *) = {chart_time,   chart_memory,  chart_pinv,
                                     chart_pareto, chart_entropy, chart_position,
                                     chart_precision};
    for (size_t i = 0; i < sizeof charts / sizeof charts[0] && rc == AB_OK; i++) {
        rc = charts[i](&cx);
        if (rc == AB_OK && i == 1)
            rc = chart_budget(&cx, 0);
        if (rc == AB_OK && i == 1)
            rc = chart_budget(&cx, 1);
    }
    free(cx.keys);
    free(cx.ri);
    if (*cx.refused)
        fprintf(stderr, "attnbench plot: too many panels or series (at most %d panels, %d series a panel):\n%s",
                MAX_PANELS, MAX_SERIES, cx.refused);
    if (rc == AB_OK && cx.nwritten == 0 && cx.nrefused)
        rc = ab_errf(err, AB_EINVAL, "%s: nothing could be drawn without averaging over parameters "
                                     "(see above): pick with --where KEY=VALUE or split with --by KEY",
                     csv_path);
    if (rc == AB_OK && o->render) {
        if (!ab_gnuplot_available())
            rc = ab_errf(err, AB_EUNSUPPORTED,
                         "gnuplot is not installed (Debian: apt-get install gnuplot-nox); the "
                         "scripts are in %s, %s is untouched",
                         o->out_dir, csv_path);
        for (size_t i = 0; i < cx.nwritten && rc == AB_OK; i++) {
            char script[400];
            snprintf(script, sizeof script, "%s.gp", cx.written[i]);
            rc = ab_gnuplot_render(o->out_dir, script, err);
        }
    }
    if (rc == AB_OK) {
        for (size_t i = 0; i < cx.nwritten; i++)
            fprintf(stderr, "attnbench plot: %s/%s.{%s%s%sgp,dat}\n", o->out_dir, cx.written[i],
                    o->render && o->png ? "png," : "", o->render && o->svg ? "svg," : "",
                    o->render && o->pdf ? "pdf," : "");
        if (*cx.skipped)
            fprintf(stderr, "attnbench plot: skipped (not in this CSV):\n%s", cx.skipped);
    }
    ab_table_free(&t);
    return rc;
}
