/* heatmap.c — see heatmap.h. Runs in-process: one data instance, its float64
 * block, then each panel's prepare + forward + rows for the block; the
 * figure's layout and colour scale are decided once all blocks are known.
 * Tests: tests/test_plot.c. */
#define _POSIX_C_SOURCE 200809L
#include "heatmap.h"

#include "alloc.h"
#include "metrics.h"
#include "reference.h"
#include "registry.h"
#include "kernels/round.h"
#include "run.h"
#include "threads.h"
#include "report/plot.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One panel of the figure. */
struct panel {
    char file[32];   /* the block is <stem>-<file>.dat: "exact", "m<method index>" */
    char label[300]; /* the method and the parameters that tell its entries apart */
    double blk_err;  /* ||A^ - A||_F / ||A||_F over the block's unpadded rows (NaN: exact) */
    double out_err;  /* ||O^ - O||_F / ||O||_F over all heads: the row's out_rel_fro */
};

static int write_block(const char *path, const double *blk, size_t rows, size_t cols, size_t r0,
                       size_t c0, struct ab_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    /* gnuplot "nonuniform matrix": first row holds the column coordinates */
    fprintf(f, "%zu", cols);
    for (size_t c = 0; c < cols; c++)
        fprintf(f, " %zu", c0 + c);
    fputc('\n', f);
    for (size_t r = 0; r < rows; r++) {
        fprintf(f, "%zu", r0 + r);
        for (size_t c = 0; c < cols; c++)
            fprintf(f, " %.9g", blk[r * cols + c]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ab_errf(err, AB_EIO, "%s: cannot write", path);
    return AB_OK;
}

/* An entry's params as far as its attention matrix goes: without the
 * leading "backend=NAME;" (the CPU and CUDA implementations of one point
 * approximate the same matrix). */
static const char *params_sans_backend(const char *p)
{
    if (strncmp(p, "backend=", 8) != 0)
        return p;
    const char *semi = strchr(p, ';');
    return semi ? semi + 1 : "";
}

/* The panel label: the method's name and the parameters whose values differ
 * between its entries in the plan ("nystrom landmarks=64 pinv=svd"). */
static void method_label(const struct ab_plan *plan, const struct ab_plan_method *pm, char *out,
                         size_t cap)
{
    snprintf(out, cap, "%s", pm->m->name);
    for (int k = 0; k < pm->vals.count; k++) {
        char val[128], other_val[128];
        ab_value_format(&pm->vals.params[k], pm->vals.v[k], pm->vals.str[k], val, sizeof val);
        int differs = 0;
        for (size_t mj = 0; mj < plan->nmethods && !differs; mj++) {
            const struct ab_plan_method *other = &plan->methods[mj];
            if (other->m != pm->m)
                continue;
            ab_value_format(&other->vals.params[k], other->vals.v[k], other->vals.str[k], other_val,
                            sizeof other_val);
            differs = other->vals.set[k] != pm->vals.set[k] || strcmp(val, other_val) != 0;
        }
        if (!differs || !pm->vals.set[k])
            continue;
        size_t len = strlen(out);
        snprintf(out + len, cap - len, " %s=%s", pm->vals.params[k].name, val);
    }
}

/* The figure's geometry in pixels (png, svg; pdf at 110 px per inch). Each
 * panel's plot area has the block's shape — height/width = rows/cols — held
 * within [1/4, 4] (a longer strip would be a few pixels thick), its long
 * side HM_SIDE px. The grid has the number of columns whose figure is
 * nearest half as high as wide (a page-wide figure), each empty cell costing
 * as much as being a factor 1.35 off; ties go to more columns. */
enum {
    HM_SIDE = 300,  /* the long side of a panel's plot area */
    HM_LEFT = 75,   /* y tics and label */
    HM_RIGHT = 140, /* the shared colour bar, its tics and label */
    HM_BOTTOM = 55, /* x tics and label */
    HM_TOP = 62,    /* the figure's two-line title */
    HM_PTITLE = 46, /* a panel's two-line title */
    HM_GAPX = 85    /* between panels: the next panel's y tics and label */
};

struct layout {
    size_t rows, cols;   /* the panel grid */
    double ratio;        /* a panel's height / width */
    double pw, ph;        /* a panel's plot area, px */
    double gapx;          /* between plot areas: y tics and label, or a wider title */
    double width, height; /* the figure, px */
};

static struct layout grid_layout(size_t npanels, size_t block_rows, size_t block_cols, double title_px)
{
    struct layout g;
    g.ratio = fmin(4.0, fmax(0.25, (double)block_rows / (double)block_cols));
    g.pw = g.ratio <= 1 ? HM_SIDE : HM_SIDE / g.ratio;
    g.ph = g.ratio <= 1 ? HM_SIDE * g.ratio : HM_SIDE;
    g.gapx = fmax(HM_GAPX, title_px + 15 - g.pw); /* titles of narrow panels must not meet */
    double cell_w = g.pw + g.gapx, cell_h = g.ph + HM_PTITLE + HM_BOTTOM, best = INFINITY;
    g.cols = npanels;
    for (size_t c = npanels; c >= 1; c--) {
        size_t r = (npanels + c - 1) / c;
        if ((r - 1) * c >= npanels)
            continue; /* a whole empty row */
        double cost = fabs(log(r * cell_h / (c * cell_w) / 0.5)) + 0.3 * (double)(r * c - npanels);
        if (cost < best - 1e-9)
            best = cost, g.cols = c;
    }
    g.rows = (npanels + g.cols - 1) / g.cols;
    g.width = fmax(HM_LEFT, (title_px - g.pw) / 2 + 10) + g.cols * g.pw + (g.cols - 1) * g.gapx +
              HM_RIGHT;
    g.height = HM_TOP + HM_PTITLE + g.rows * g.ph + (g.rows - 1) * (HM_PTITLE + HM_BOTTOM) + HM_BOTTOM;
    return g;
}

/* The colour scale: [-a, a], white at 0, blue below and red above, so a
 * negative weight (Nystrom's pseudo-inverse, Performer's estimates) shows
 * its magnitude as plainly as a positive one. a = the largest |weight| over
 * all panels, unless that is more than AB_HEATMAP_CLIP times the exact
 * block's largest: then a = AB_HEATMAP_CLIP x exact's largest (one wild
 * method would otherwise wash the exact panel out to white), weights beyond
 * ±a take the end colours, and the colour bar's label says so. */
static double colour_limit(double exact_max, double all_max, int *clipped)
{
    *clipped = exact_max > 0 && all_max > AB_HEATMAP_CLIP * exact_max;
    double a = *clipped ? AB_HEATMAP_CLIP * exact_max : all_max;
    return a > 0 ? a : 1.0;
}

/* A tick step of 1, 2 or 5 x 10^k that puts a label at most every 30 px
 * (and at least two) along an axis of `span` cells drawn `px` pixels long. */
static double tic_step(size_t span, double px)
{
    double want = (double)span / fmax(2.0, floor(px / 30));
    for (double dec = 1;; dec *= 10)
        for (int k = 0; k < 3; k++) {
            double step = dec * (k == 0 ? 1 : k == 1 ? 2 : 5);
            if (step >= want)
                return step;
        }
}

struct figure {
    const char *dir, *stem; /* files: dir/stem.gp, dir/stem-<panel>.dat */
    const struct ab_heatmap_opts *o;
    const struct panel *panels;
    size_t npanels;
    size_t r0, r1, c0, c1;
    const char *title1, *title2;
    double exact_max, all_max;
};

/* A panel title's second line: what exact is, or a method's errors. */
static void panel_errors(const struct panel *p, char *out, size_t cap)
{
    char be[32], oe[32];
    snprintf(be, sizeof be, "%.3g", p->blk_err);
    snprintf(oe, sizeof oe, "%.3g", p->out_err);
    /* NaN: no unpadded row in the block, or a non-finite output */
    if (isnan(p->blk_err))
        snprintf(be, sizeof be, "n/a");
    if (isnan(p->out_err))
        snprintf(oe, sizeof oe, "n/a");
    if (!strcmp(p->file, "exact"))
        snprintf(out, cap, "float64 reference");
    else
        snprintf(out, cap, "rel. error: block %s, output %s", be, oe);
}

static int write_script(const struct figure *fg, struct ab_err *err)
{
    char path[1400], name[400];
    snprintf(path, sizeof path, "%s/%s.gp", fg->dir, fg->stem);
    FILE *f = fopen(path, "w");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    const struct ab_heatmap_opts *o = fg->o;
    size_t title_chars = 0;
    for (size_t i = 0; i < fg->npanels; i++) {
        char line2[200];
        panel_errors(&fg->panels[i], line2, sizeof line2);
        title_chars = title_chars > strlen(line2) ? title_chars : strlen(line2);
        title_chars = title_chars > strlen(fg->panels[i].label) ? title_chars : strlen(fg->panels[i].label);
    }
    /* about 6 px a character in sans 10 */
    struct layout g = grid_layout(fg->npanels, fg->r1 - fg->r0, fg->c1 - fg->c0, 6.0 * (double)title_chars);
    int clipped;
    double a = colour_limit(fg->exact_max, fg->all_max, &clipped);
    fprintf(f,
            "# %s.gp — written by `attnbench heatmap`: attention rows [%zu, %zu) x keys [%zu, %zu); "
            "blocks in %s-<panel>.dat.\n# Render again with: gnuplot %s.gp (in this directory).\n",
            fg->stem, fg->r0, fg->r1, fg->c0, fg->c1, fg->stem, fg->stem);
    fprintf(f, "formats = \"%s%s%s%s%s\"\n", o->png ? "png" : "", o->png && (o->svg || o->pdf) ? " " : "",
            o->svg ? "svg" : "", o->svg && o->pdf ? " " : "", o->pdf ? "pdf" : "");
    fprintf(f, "set encoding utf8\n");
    /* one colour scale for every panel: ColorBrewer RdBu, white at 0 */
    fprintf(f, "# one colour scale for all panels, symmetric about 0: a = %.6g (largest |weight| over "
               "all panels %.6g, over exact %.6g)\n",
            a, fg->all_max, fg->exact_max);
    fprintf(f, "set palette defined (-1 \"#2166ac\", -0.6 \"#67a9cf\", -0.25 \"#d1e5f0\", 0 \"#ffffff\", "
               "0.25 \"#fddbc7\", 0.6 \"#ef8a62\", 1 \"#b2182b\")\n");
    fprintf(f, "set cbrange [%.6g:%.6g]\nset format cb \"%%g\"\n", -a, a);
    char cblabel[200];
    if (clipped)
        snprintf(cblabel, sizeof cblabel,
                 "attention weight (clipped at ±%.3g = %g × exact's largest; largest |weight| %.3g)", a,
                 (double)AB_HEATMAP_CLIP, fg->all_max);
    else
        snprintf(cblabel, sizeof cblabel, "attention weight");
    fputs("set cblabel ", f);
    ab_gp_quote(f, cblabel);
    fprintf(f, " noenhanced\n");
    /* panels follow the block's shape; query r0 at the top, as a matrix is read */
    fprintf(f, "set size ratio %.6g\nunset key\n", g.ratio);
    fprintf(f, "set xrange [%g:%g]\nset yrange [%g:%g]\n", fg->c0 - 0.5, fg->c1 - 0.5, fg->r1 - 0.5,
            fg->r0 - 0.5);
    fprintf(f, "set xlabel \"key j\"\nset ylabel \"query i\"\nset tics out nomirror\n");
    fprintf(f, "set xtics %g\nset ytics %g\n", tic_step(fg->c1 - fg->c0, g.pw),
            tic_step(fg->r1 - fg->r0, g.ph));
    /* the grid in screen coordinates: plot areas within margins, the shared
     * colour bar in the right margin, as tall as the grid */
    double W = g.width, H = g.height;
    double l = (W - HM_RIGHT - g.cols * g.pw - (g.cols - 1) * g.gapx) / W, r = (W - HM_RIGHT) / W, b = HM_BOTTOM / H, t = (H - HM_TOP - HM_PTITLE) / H;
    /* every string goes out single-quoted (ab_gp_quote): the titles carry the
     * data's parameters (file paths), the labels the methods' */
    const char *ext[3] = {"png", "svg", "pdf"};
    char size[3][120];
    snprintf(size[0], sizeof size[0], "pngcairo noenhanced size %.0f,%.0f font \"sans,10\"", W, H);
    snprintf(size[1], sizeof size[1], "svg noenhanced size %.0f,%.0f dynamic font \"sans,10\"", W, H);
    snprintf(size[2], sizeof size[2], "pdfcairo noenhanced size %.2fin,%.2fin font \"sans,9\"", W / 110,
             H / 110);
    fputs("do for [fmt in formats] {\n", f);
    for (int k = 0; k < 3; k++) {
        fprintf(f, "  if (fmt eq \"%s\") { set terminal ", ext[k]);
        fputs(size[k], f);
        fputs("; set output ", f);
        snprintf(name, sizeof name, "%s.%s", fg->stem, ext[k]);
        ab_gp_quote(f, name);
        fputs(" }\n", f);
    }
    fprintf(f, "  set colorbox vertical user origin screen %.4f, screen %.4f size screen %.4f, screen %.4f\n",
            r + 22 / W, b, 16 / W, t - b);
    fprintf(f, "  set multiplot layout %zu,%zu margins screen %.4f, %.4f, %.4f, %.4f spacing screen %.4f, "
               "%.4f title ",
            g.rows, g.cols, l, r, b, t, g.gapx / W, (HM_PTITLE + HM_BOTTOM) / H);
    ab_gp_quote(f, fg->title1);
    fputs(" . \"\\n\" . ", f);
    ab_gp_quote(f, fg->title2);
    fputs(" noenhanced\n", f);
    for (size_t i = 0; i < fg->npanels; i++) {
        char line2[200];
        panel_errors(&fg->panels[i], line2, sizeof line2);
        fputs("  set title ", f);
        ab_gp_quote(f, fg->panels[i].label);
        fputs(" . \"\\n\" . ", f);
        ab_gp_quote(f, line2);
        fputs(" noenhanced\n", f);
        snprintf(name, sizeof name, "%s-%s.dat", fg->stem, fg->panels[i].file);
        fputs("  plot ", f);
        ab_gp_quote(f, name);
        fputs(" nonuniform matrix with image\n", f);
        if (i == 0)
            fputs("  unset colorbox  # drawn once, by the first panel: one scale for all\n", f);
    }
    fprintf(f, "  unset multiplot\n  unset output\n}\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ab_errf(err, AB_EIO, "%s: cannot write", path);
    return AB_OK;
}

/* Rows [r0, r1) x keys [c0, c1) of method pm's attention matrix (head h)
 * into blk, after its forward into out; *why says why not. */
static int method_block(const struct ab_plan *plan, const struct ab_plan_method *pm,
                        const struct ab_data *d, size_t h, size_t r0, size_t r1, size_t c0, size_t c1,
                        float *rowsf, float *out, double *blk, struct ab_err *merr)
{
    ab_mem_reset(0);
    struct ab_problem p = {.heads = d->heads, .n = d->n, .d = d->d, .dv = d->dv, .q = d->q, .k = d->k,
                           .v = d->v, .seed = plan->set.seeds[0], .threads = plan->set.threads,
                           .alloc = ab_mem_alloc, .free = ab_mem_free, .mask = d->mask,
                           .lengths = d->lengths, .precision = pm->precision};
    void *state = NULL;
    size_t C = c1 - c0, N = d->n;
    float *rounded = NULL; /* bf16/fp16: the inputs rounded, as a measured row's */
    if (ab_round_inputs(&p, &rounded))
        return ab_errf(merr, AB_ENOMEM, "cannot allocate the %s copy of Q, K, V",
                       ab_precision_name(pm->precision));
    int rc = pm->m->prepare(&p, &pm->vals, &state, merr);
    if (!rc)
        rc = pm->m->forward(state, out, merr);
    for (size_t b0 = r0; !rc && b0 < r1; b0 += AB_ROWS_BLOCK) {
        size_t b1 = b0 + AB_ROWS_BLOCK < r1 ? b0 + AB_ROWS_BLOCK : r1;
        rc = pm->m->rows(state, h, b0, b1, rowsf, merr);
        for (size_t r = b0; !rc && r < b1; r++)
            for (size_t c = 0; c < C; c++)
                blk[(r - r0) * C + c] = rowsf[(r - b0) * N + c0 + c];
    }
    pm->m->release(state);
    free(rounded);
    return rc;
}

int ab_heatmap(const struct ab_plan *plan, const struct ab_heatmap_opts *o, struct ab_err *err)
{
    const struct ab_plan_data *pd = &plan->data[0];
    size_t H = pd->dims[0], N = pd->dims[1], D = pd->dims[2], DV = pd->dims[3];
    size_t r0 = o->r0, r1 = o->r1 ? o->r1 : (N < 64 ? N : 64), c0 = o->c0,
           c1 = o->c1 ? o->c1 : (N < 64 ? N : 64), h = o->head;
    /* the block and the head against the data's sizes, before making it */
    if (h >= H)
        return ab_errf(err, AB_EINVAL, "--head %zu is out of range: the data (%s) has %zu head%s (0 to %zu)",
                       h, pd->kind->name, H, H == 1 ? "" : "s", H - 1);
    if (r0 >= r1 || r1 > N || c0 >= c1 || c1 > N)
        return ab_errf(err, AB_EINVAL,
                       "block rows [%zu, %zu), cols [%zu, %zu) is outside the data (n = %zu: rows and "
                       "cols within [0, %zu))",
                       r0, r1, c0, c1, N, N);
    if (r1 - r0 > 1024 || c1 - c0 > 1024)
        return ab_errf(err, AB_EINVAL, "a heat map block is at most 1024 x 1024");
    size_t R = r1 - r0, C = c1 - c0;
    /* Q, K, V and the float64 reference as the sweep counts them, plus this
     * command's buffers: one head's Q, K in float64, the exact rows, two
     * blocks, a rows() block and a method's output */
    double extra = 8.0 * (2.0 * N * D + (double)R * N + 2.0 * R * C) +
                   4.0 * ((double)AB_ROWS_BLOCK * N + (double)H * N * DV);
    int rc = ab_data_fits(pd, 1, extra, "the heat map's buffers", err);
    if (rc)
        return rc;
    struct ab_data d;
    if ((rc = ab_plan_data_make(pd, plan->set.seeds[0], &d, err)))
        return rc;
    struct stat st;
    if (stat(o->out_dir, &st) != 0 && mkdir(o->out_dir, 0777) != 0) {
        ab_data_free(&d);
        return ab_errf(err, AB_EIO, "%s: %s", o->out_dir, strerror(errno));
    }
    omp_set_num_threads(plan->set.threads);
    ab_blas_set_threads(1);
    struct ab_reference ref;
    if ((rc = ab_reference_compute(&d, plan->set.threads, 0, &ref, err))) {
        ab_data_free(&d);
        return rc;
    }
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8), *rowsd = malloc(R * N * 8);
    double *eblk = malloc(R * C * 8), *blk = malloc(R * C * 8);
    float *rowsf = malloc((size_t)AB_ROWS_BLOCK * N * 4), *out = malloc(H * N * DV * 4);
    struct panel *panels = calloc(plan->nmethods + 1, sizeof *panels);
    if (!qd || !kd || !rowsd || !eblk || !blk || !rowsf || !out || !panels) {
        rc = ab_errf(err, AB_ENOMEM, "out of memory for a %zu x %zu block at n = %zu", R, C, N);
        goto done;
    }
    /* the exact block, from the float64 reference's row normalisers: masked
     * entries (and padded rows) are 0 */
    for (size_t i = 0; i < N * D; i++)
        qd[i] = d.q[h * N * D + i], kd[i] = d.k[h * N * D + i];
    size_t valid = ab_data_valid(&d, h);
    ab_reference_rows(qd, kd, ref.lse + h * N, N, D, valid, d.mask == AB_MASK_CAUSAL, r0, r1, rowsd);
    double exact_max = 0, all_max = 0, exact_fro2 = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) {
            double e = eblk[r * C + c] = rowsd[r * N + c0 + c];
            exact_max = fmax(exact_max, fabs(e));
            exact_fro2 += e * e;
        }
    all_max = exact_max;
    char stem[256], path[1400], safe[200];
    /* file names from [A-Za-z0-9._-] only: the script names them */
    ab_gp_safe_name(plan->set.name, safe, sizeof safe);
    snprintf(stem, sizeof stem, "%s-heatmap", safe);
    snprintf(path, sizeof path, "%s/%s-exact.dat", o->out_dir, stem);
    if ((rc = write_block(path, eblk, R, C, r0, c0, err)))
        goto done;
    size_t npanels = 0;
    struct panel *ex = &panels[npanels++];
    snprintf(ex->file, sizeof ex->file, "exact");
    snprintf(ex->label, sizeof ex->label, "exact softmax");
    ex->blk_err = ex->out_err = NAN;
    /* each (method, params) once: `exact` entries are the block above;
     * a point listed for two backends is drawn for the first */
    for (size_t mi = 0; mi < plan->nmethods && rc == AB_OK; mi++) {
        const struct ab_plan_method *pm = &plan->methods[mi];
        char why[400];
        if (!strcmp(pm->m->name, "exact")) {
            fprintf(stderr, "attnbench heatmap: exact(%s): the float64 exact block is drawn once\n",
                    pm->params);
            continue;
        }
        size_t twin = mi;
        for (size_t mj = 0; mj < mi && twin == mi; mj++)
            if (!strcmp(plan->methods[mj].m->name, pm->m->name) &&
                !strcmp(params_sans_backend(plan->methods[mj].params), params_sans_backend(pm->params)))
                twin = mj;
        if (twin != mi) {
            fprintf(stderr, "attnbench heatmap: %s(%s): the same point as %s(%s): drawn once\n",
                    pm->m->name, pm->params, pm->m->name, plan->methods[twin].params);
            continue;
        }
        if (!pm->m->rows) {
            fprintf(stderr, "attnbench heatmap: %s has no rows(): skipped\n", pm->m->name);
            continue;
        }
        if (!ab_mask_supported(pm->m, d.mask, why, sizeof why) ||
            !ab_precision_supported(pm->m, pm->precision, why, sizeof why)) {
            fprintf(stderr, "attnbench heatmap: %s(%s): refused: %s\n", pm->m->name, pm->params, why);
            continue;
        }
        struct ab_err merr;
        if (method_block(plan, pm, &d, h, r0, r1, c0, c1, rowsf, out, blk, &merr)) {
            fprintf(stderr, "attnbench heatmap: %s(%s): %s: skipped\n", pm->m->name, pm->params,
                    merr.msg);
            continue;
        }
        struct panel *p = &panels[npanels];
        double num = 0;
        for (size_t r = 0; r < R; r++)
            for (size_t c = 0; c < C; c++) {
                double a = blk[r * C + c];
                all_max = fmax(all_max, fabs(a)); /* (NaN: not drawn, not counted) */
                if (r0 + r < valid) /* a padded row is in no error, as in the sweep */
                    num += (a - eblk[r * C + c]) * (a - eblk[r * C + c]);
            }
        p->blk_err = exact_fro2 > 0 ? sqrt(num / exact_fro2) : NAN;
        struct ab_out_metrics om;
        ab_metrics_output(out, ref.out, H * N * DV, DV, N, d.mask == AB_MASK_PADDING ? d.lengths : NULL,
                          &om);
        p->out_err = om.nonfinite ? NAN : om.rel_fro;
        snprintf(p->file, sizeof p->file, "m%zu", mi);
        method_label(plan, pm, p->label, sizeof p->label);
        snprintf(path, sizeof path, "%s/%s-%s.dat", o->out_dir, stem, p->file);
        rc = write_block(path, blk, R, C, r0, c0, err);
        npanels++;
    }
    if (rc)
        goto done;
    char title1[300], title2[1200];
    snprintf(title1, sizeof title1, "attention weights of head %zu: queries [%zu, %zu) x keys [%zu, %zu)",
             h, r0, r1, c0, c1);
    /* (the params carry the mask: "...;mask=padding;lengths=...") */
    snprintf(title2, sizeof title2, "%s(%s), seed %llu, n = %zu", pd->kind->name, pd->params,
             (unsigned long long)plan->set.seeds[0], N);
    struct figure fg = {.dir = o->out_dir, .stem = stem, .o = o, .panels = panels, .npanels = npanels,
                        .r0 = r0, .r1 = r1, .c0 = c0, .c1 = c1, .title1 = title1, .title2 = title2,
                        .exact_max = exact_max, .all_max = all_max};
    if ((rc = write_script(&fg, err)))
        goto done;
    char script[300];
    snprintf(script, sizeof script, "%s.gp", stem);
    if (o->render && (rc = ab_gnuplot_render(o->out_dir, script, err)))
        goto done;
    fprintf(stderr, "attnbench heatmap: %s/%s.{%s%s%sgp} (%zu panels)\n", o->out_dir, stem,
            o->render && o->png ? "png," : "", o->render && o->svg ? "svg," : "",
            o->render && o->pdf ? "pdf," : "", npanels);
done:
    free(qd), free(kd), free(rowsd), free(eblk), free(blk), free(rowsf), free(out), free(panels);
    ab_reference_free(&ref);
    ab_data_free(&d);
    return rc;
}
