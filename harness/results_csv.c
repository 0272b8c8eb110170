/* results_csv.c — see results_csv.h. */
#include "results_csv.h"

#include "registry.h"
#include "kernels/round.h"
#include "timing.h"
#include "base/util.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A row flattened into typed fields: the column table below names them. */
struct flat {
    const char *row_id, *run_id, *config, *data, *data_params, *data_id, *inputs_id, *method;
    const char *params;
    const char *status, *error, *date, *git_rev, *host, *cpu, *blas, *blas_core, *device;
    const char *backend, *timing, *mask, *lengths, *err_by_pos, *precision;
    uint64_t heads, n, d, dv, seed, threads;
    double scale, budget, out_rel_fro, out_max_abs, out_cos, attn_rel_fro, attn_rel_spec;
    double row_sum_dev, pinv_resid, pinv_vs_svd, target_rel_fro, entropy, t_med, t_min, t_max, reps, prepare_ms;
    double flops, gflops, sgemm_gflops, frac_of_sgemm, peak_bytes, rss_bytes, dev_mem_bytes;
    double timing_attempts, time_spread, time_cv, calib_ratio, load_avg;
    double causal_leak, padding_leak;
};

enum kind {
    STR, /* const char *: as is */
    U64, /* uint64_t: always written */
    NUM, /* double with its format; NaN = empty cell */
};

enum {
    BACKEND = 1, /* only in plans with a non-CPU method */
    KEY = 2,     /* identifies a row: a file to resume must have it */
    MASK = 4,    /* only in plans with a masked data entry */
    PREC = 8,    /* only in plans with a bf16 or fp16 row */
};

struct column {
    const char *name;
    int kind;
    size_t off;
    const char *fmt; /* NUM */
    int flags;       /* BACKEND, KEY, MASK, PREC */
};

#define S(name, field) {name, STR, offsetof(struct flat, field), NULL, 0}
#define SK(name, field) {name, STR, offsetof(struct flat, field), NULL, KEY}
#define U(name, field) {name, U64, offsetof(struct flat, field), NULL, 0}
#define UK(name, field) {name, U64, offsetof(struct flat, field), NULL, KEY}
#define N(name, field, fmt) {name, NUM, offsetof(struct flat, field), fmt, 0}

/* The results file's columns, in file order. A new column is one entry here
 * (and its field in struct flat); older files without it still resume, merge
 * and plot (their rows have it empty). */
static const struct column columns[] = {
    SK("row_id", row_id),
    S("run_id", run_id),
    S("config", config),
    SK("data", data),
    SK("data_params", data_params),
    S("data_id", data_id),
    S("inputs_id", inputs_id),
    U("heads", heads),
    U("n", n),
    U("d", d),
    U("dv", dv),
    N("scale", scale, "%.17g"),
    UK("seed", seed),
    SK("method", method),
    SK("params", params),
    N("budget", budget, "%.17g"),
    SK("status", status),
    S("error", error),
    N("out_rel_fro", out_rel_fro, "%.9g"),
    N("out_max_abs", out_max_abs, "%.9g"),
    N("out_cos", out_cos, "%.9g"),
    N("attn_rel_fro", attn_rel_fro, "%.9g"),
    N("attn_rel_spec", attn_rel_spec, "%.9g"),
    N("row_sum_dev", row_sum_dev, "%.9g"),
    N("pinv_resid", pinv_resid, "%.9g"),
    N("pinv_vs_svd", pinv_vs_svd, "%.9g"),
    N("target_rel_fro", target_rel_fro, "%.9g"),
    N("entropy", entropy, "%.9g"),
    N("time_ms_median", t_med, "%.6g"),
    N("time_ms_min", t_min, "%.6g"),
    N("time_ms_max", t_max, "%.6g"),
    N("reps", reps, "%.0f"),
    S("timing", timing),
    N("timing_attempts", timing_attempts, "%.0f"),
    N("time_spread", time_spread, "%.4g"),
    N("time_cv", time_cv, "%.4g"),
    N("calib_ratio", calib_ratio, "%.4g"),
    N("load_avg", load_avg, "%.2f"),
    N("prepare_ms", prepare_ms, "%.6g"),
    N("flops", flops, "%.6g"),
    N("gflops", gflops, "%.6g"),
    N("sgemm_gflops", sgemm_gflops, "%.6g"),
    N("frac_of_sgemm", frac_of_sgemm, "%.4g"),
    N("peak_bytes", peak_bytes, "%.0f"),
    N("rss_peak_bytes", rss_bytes, "%.0f"),
    U("threads", threads),
    S("date", date),
    S("git_rev", git_rev),
    S("host", host),
    S("cpu", cpu),
    S("blas", blas),
    S("blas_core", blas_core),
    S("device", device),
    {"backend", STR, offsetof(struct flat, backend), NULL, BACKEND},
    {"dev_mem_bytes", NUM, offsetof(struct flat, dev_mem_bytes), "%.17g", BACKEND},
    {"mask", STR, offsetof(struct flat, mask), NULL, MASK},
    {"lengths", STR, offsetof(struct flat, lengths), NULL, MASK},
    {"causal_leak", NUM, offsetof(struct flat, causal_leak), "%.9g", MASK},
    {"padding_leak", NUM, offsetof(struct flat, padding_leak), "%.9g", MASK},
    {"err_by_position", STR, offsetof(struct flat, err_by_pos), NULL, MASK},
    {"precision", STR, offsetof(struct flat, precision), NULL, PREC},
};
#undef S
#undef SK
#undef U
#undef UK
#undef N
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static int plan_has_backend_columns(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->nmethods; i++)
        if (plan->methods[i].backend != AB_BACKEND_CPU)
            return 1;
    return 0;
}

static int plan_has_precision_column(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->nmethods; i++)
        if (plan->methods[i].precision != AB_PREC_FP32)
            return 1;
    return 0;
}

static int plan_has_mask_columns(const struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->ndata; i++)
        if (plan->data[i].mask != AB_MASK_NONE)
            return 1;
    return 0;
}

static int has_name(const struct ab_columns *c, const char *name)
{
    for (size_t j = 0; j < c->n; j++)
        if (!strcmp(c->names[j], name))
            return 1;
    return 0;
}

void ab_results_columns(const struct ab_plan *plan, struct ab_columns *c)
{
    int backend = plan_has_backend_columns(plan), mask = plan_has_mask_columns(plan);
    int prec = plan_has_precision_column(plan);
    c->n = c->nkeys = 0;
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (!(columns[i].flags & (BACKEND | MASK | PREC))) {
            c->src[c->n] = i, c->names[c->n++] = columns[i].name;
            if ((columns[i].flags & KEY) && c->nkeys < sizeof c->keys / sizeof c->keys[0])
                c->keys[c->nkeys++] = columns[i].name;
        }
    c->nfixed = c->n;
    for (size_t i = 0; i < NCOLUMNS; i++)
        if ((columns[i].flags & BACKEND) && backend)
            c->src[c->n] = i, c->names[c->n++] = columns[i].name;
    for (size_t i = 0; i < NCOLUMNS; i++)
        if ((columns[i].flags & MASK) && mask)
            c->src[c->n] = i, c->names[c->n++] = columns[i].name;
    for (size_t i = 0; i < NCOLUMNS; i++)
        if ((columns[i].flags & PREC) && prec)
            c->src[c->n] = i, c->names[c->n++] = columns[i].name;
    c->ndata0 = c->n;
    /* every parameter of the data kinds in the plan that is not a fixed
     * column, as data.PARAM, first seen first */
    for (size_t i = 0; i < plan->ndata; i++) {
        const struct ab_datakind *k = plan->data[i].kind;
        for (int p = 0; p < k->nparams && c->n < AB_CSV_MAX_COLS; p++) {
            char name[sizeof c->dnames[0]];
            snprintf(name, sizeof name, "data.%s", k->params[p].name);
            if (has_name(c, k->params[p].name) || has_name(c, name))
                continue;
            memcpy(c->dnames[c->n], name, sizeof name);
            c->names[c->n] = c->dnames[c->n];
            c->n++;
        }
    }
    c->nparam0 = c->n;
    /* then every parameter of the methods in the plan, first seen first */
    for (size_t i = 0; i < plan->nmethods; i++) {
        const struct ab_method *m = plan->methods[i].m;
        for (int k = 0; k < m->nparams && c->n < AB_CSV_MAX_COLS; k++) {
            int seen = 0;
            for (size_t j = 0; j < c->n && !seen; j++)
                seen = !strcmp(c->names[j], m->params[k].name);
            if (!seen)
                c->names[c->n++] = m->params[k].name;
        }
    }
}

static void flatten(const struct ab_row *row, const char *date, struct flat *f)
{
    const struct ab_plan_data *pd = row->pd;
    const struct ab_result *r = row->res;
    const struct ab_prov *prov = row->prov;
    double scale = NAN;
    for (int k = 0; k < pd->vals.count; k++)
        if (!strcmp(pd->vals.params[k].name, "scale"))
            scale = pd->vals.v[k];
    /* err_by_position: the eighths' errors, space-separated ("" without a
     * reference; "nan" for an eighth of padded rows only) */
    static char pos_text[AB_POS_BINS * 18];
    pos_text[0] = '\0';
    if (r->status == AB_ROW_OK && !isnan(r->out_rel_fro))
        for (int b = 0; b < AB_POS_BINS; b++)
            snprintf(pos_text + strlen(pos_text), sizeof pos_text - strlen(pos_text), "%s%.4g",
                     b ? " " : "", r->err_by_pos[b]);
    double gflops = r->reps && r->t_med > 0 ? r->flops / (r->t_med * 1e6) : NAN;
    *f = (struct flat){
        .row_id = row->row_id,
        .run_id = prov->run_id,
        .config = row->plan->config,
        .data = pd->kind->name,
        .data_params = pd->params,
        .data_id = row->d ? row->d->idhex : "",
        .inputs_id = row->inputs_id ? row->inputs_id : "",
        .method = row->pm->m->name,
        .params = row->pm->params,
        .status = ab_row_status_name(r->status),
        .error = r->error,
        .date = date,
        .git_rev = prov->git_rev,
        .host = prov->host,
        .cpu = prov->cpu,
        .blas = prov->blas,
        .blas_core = prov->blas_core,
        .device = r->device[0] ? r->device : prov->device,
        .backend = ab_backend_name(row->pm->backend),
        .heads = pd->dims[0],
        .n = pd->dims[1],
        .d = pd->dims[2],
        .dv = pd->dims[3],
        .seed = row->seed,
        .threads = (uint64_t)row->plan->set.threads,
        .scale = scale,
        .budget = r->budget,
        .out_rel_fro = r->out_rel_fro,
        .out_max_abs = r->out_max_abs,
        .out_cos = r->out_cos,
        .attn_rel_fro = r->attn_rel_fro,
        .attn_rel_spec = r->attn_rel_spec,
        .row_sum_dev = r->row_sum_dev,
        .pinv_resid = r->pinv_resid,
        .pinv_vs_svd = r->pinv_vs_svd,
        .target_rel_fro = r->target_rel_fro,
        .entropy = row->entropy,
        .t_med = r->t_med,
        .t_min = r->t_min,
        .t_max = r->t_max,
        .reps = r->reps ? (double)r->reps : NAN,
        .timing = ab_timing_flag_name(r->reps ? r->timing : AB_TIMING_NONE),
        .timing_attempts = r->reps ? (double)r->timing_attempts : NAN,
        .time_spread = r->reps ? r->time_spread : NAN,
        .time_cv = r->reps ? r->time_cv : NAN,
        .calib_ratio = r->reps ? r->calib_ratio : NAN,
        .load_avg = r->load_avg,
        .prepare_ms = r->prepare_ms,
        .flops = r->flops,
        .gflops = gflops,
        .sgemm_gflops = isnan(gflops) ? NAN : row->ceiling,
        .frac_of_sgemm = gflops / row->ceiling,
        .peak_bytes = r->reps ? (double)r->peak_bytes : NAN,
        .rss_bytes = r->rss_bytes ? (double)r->rss_bytes : NAN,
        .dev_mem_bytes = r->dev_mem_bytes,
        .mask = ab_mask_name(pd->mask),
        .lengths = pd->lengths_text,
        .causal_leak = r->causal_leak,
        .padding_leak = r->padding_leak,
        .err_by_pos = pos_text,
        .precision = ab_precision_name(row->pm->precision),
    };
    /* a method with its own `precision` parameter (CUDA exact): its value */
    static char prec_text[64];
    const struct ab_values *mv = &row->pm->vals;
    for (int k = 0; k < mv->count; k++)
        if (mv->set[k] && !strcmp(mv->params[k].name, "precision")) {
            ab_value_format(&mv->params[k], mv->v[k], mv->str[k], prec_text, sizeof prec_text);
            f->precision = prec_text;
        }
}

int ab_results_write(struct ab_csv *csv, const struct ab_columns *cols, const struct ab_row *row,
                     struct ab_err *err)
{
    enum { W = 64 };
    static char cellbuf[AB_CSV_MAX_COLS][W];
    const char *cells[AB_CSV_MAX_COLS] = {0};
    char date[32];
    ab_iso_now(date);
    struct flat f;
    flatten(row, date, &f);
    const char *base = (const char *)&f;
    /* the fixed (and backend) columns, from the table */
    for (size_t c = 0; c < cols->ndata0; c++) {
        const struct column *col = &columns[cols->src[c]];
        const void *p = base + col->off;
        switch (col->kind) {
        case STR:
            cells[c] = *(const char *const *)p;
            break;
        case U64:
            snprintf(cellbuf[c], W, "%llu", (unsigned long long)*(const uint64_t *)p);
            cells[c] = cellbuf[c];
            break;
        default: {
            double v = *(const double *)p;
            if (isnan(v))
                cellbuf[c][0] = '\0';
            else
                snprintf(cellbuf[c], W, col->fmt, v);
            cells[c] = cellbuf[c];
        }
        }
    }
    /* parameter columns: this data's or method's value, or empty */
    const struct ab_plan_method *pm = row->pm;
    for (size_t c = cols->ndata0; c < cols->n; c++) {
        const struct ab_values *vals = c < cols->nparam0 ? &row->pd->vals : &pm->vals;
        const char *name = c < cols->nparam0 ? cols->names[c] + 5 /* "data." */ : cols->names[c];
        cells[c] = "";
        for (int k = 0; k < vals->count; k++)
            if (vals->set[k] && !strcmp(vals->params[k].name, name)) {
                if (vals->params[k].type == AB_PT_STRING) { /* a path: whole, never cut */
                    cells[c] = vals->str[k] ? vals->str[k] : "";
                    continue;
                }
                ab_value_format(&vals->params[k], vals->v[k], vals->str[k], cellbuf[c], W);
                cells[c] = cellbuf[c];
            }
    }
    return ab_csv_append(csv, cells, err);
}
