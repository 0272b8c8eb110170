/* heatmap.c — see heatmap.h. Runs in-process: one data instance, each
 * method's prepare + forward + rows for the block. */
#define _POSIX_C_SOURCE 200809L
#include "heatmap.h"

#include "alloc.h"
#include "threads.h"
#include "report/plot.h"
#include "reference.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int ab_heatmap(const struct ab_plan *plan, const struct ab_heatmap_opts *o, struct ab_err *err)
{
    const struct ab_plan_data *pd = &plan->data[0];
    struct ab_data d;
    int rc = ab_plan_data_make(pd, plan->set.seeds[0], &d, err);
    if (rc)
        return rc;
    size_t N = d.n, r0 = o->r0, r1 = o->r1 ? o->r1 : (N < 64 ? N : 64), c0 = o->c0,
           c1 = o->c1 ? o->c1 : (N < 64 ? N : 64);
    if (o->head >= d.heads || r0 >= r1 || r1 > N || c0 >= c1 || c1 > N) {
        ab_data_free(&d);
        return ab_errf(err, AB_EINVAL,
                       "block rows [%zu, %zu), cols [%zu, %zu) of head %zu is outside the data (%zu "
                       "heads, n = %zu)",
                       r0, r1, c0, c1, o->head, d.heads, N);
    }
    if (r1 - r0 > 1024 || c1 - c0 > 1024) {
        ab_data_free(&d);
        return ab_errf(err, AB_EINVAL, "a heat map block is at most 1024 x 1024");
    }
    struct stat st;
    if (stat(o->out_dir, &st) != 0 && mkdir(o->out_dir, 0777) != 0) {
        ab_data_free(&d);
        return ab_errf(err, AB_EIO, "%s: %s", o->out_dir, strerror(errno));
    }
    omp_set_num_threads(plan->set.threads);
    ab_blas_set_threads(1);
    /* the exact block, from the float64 reference's row normalisers */
    struct ab_reference ref;
    if ((rc = ab_reference_compute(&d, plan->set.threads, 0, &ref, err))) {
        ab_data_free(&d);
        return rc;
    }
    size_t R = r1 - r0, C = c1 - c0, D = d.d, h = o->head;
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8), *rowsd = malloc(R * N * 8);
    double *blk = malloc(R * C * 8);
    float *rowsf = malloc((size_t)AB_ROWS_BLOCK * N * 4), *out = malloc(d.heads * N * d.dv * 4);
    for (size_t i = 0; i < N * D; i++)
        qd[i] = d.q[h * N * D + i], kd[i] = d.k[h * N * D + i];
    ab_reference_rows(qd, kd, ref.lse + h * N, N, D, ab_data_valid(&d, h), d.mask == AB_MASK_CAUSAL, r0, r1, rowsd);
    double vmax = 0, vmin = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) {
            blk[r * C + c] = rowsd[r * N + c0 + c];
            vmax = fmax(vmax, blk[r * C + c]);
        }
    char name[256], path[1400], title[600], safe[200];
    /* file names from [A-Za-z0-9._-] only: the script names them */
    ab_gp_safe_name(plan->set.name, safe, sizeof safe);
    snprintf(name, sizeof name, "%s-heatmap", safe);
    snprintf(path, sizeof path, "%s/%s-exact.dat", o->out_dir, name);
    rc = write_block(path, blk, R, C, r0, c0, err);
    /* each method with rows */
    const char *panels[64];
    char labels[64][300];
    size_t npanels = 0;
    snprintf(labels[npanels], sizeof labels[0], "exact");
    panels[npanels++] = "exact";
    static char files[64][64];
    for (size_t mi = 0; mi < plan->nmethods && rc == AB_OK && npanels < 63; mi++) {
        const struct ab_plan_method *pm = &plan->methods[mi];
        if (!pm->m->rows) {
            fprintf(stderr, "attnbench heatmap: %s has no rows(): skipped\n", pm->m->name);
            continue;
        }
        ab_mem_reset(0);
        struct ab_problem p = {.heads = d.heads, .n = N, .d = D, .dv = d.dv, .q = d.q, .k = d.k,
                               .v = d.v, .seed = plan->set.seeds[0], .threads = plan->set.threads,
                               .alloc = ab_mem_alloc, .free = ab_mem_free};
        void *state = NULL;
        struct ab_err merr;
        int mrc = pm->m->prepare(&p, &pm->vals, &state, &merr);
        if (!mrc)
            mrc = pm->m->forward(state, out, &merr);
        for (size_t b0 = r0; !mrc && b0 < r1; b0 += AB_ROWS_BLOCK) {
            size_t b1 = b0 + AB_ROWS_BLOCK < r1 ? b0 + AB_ROWS_BLOCK : r1;
            mrc = pm->m->rows(state, h, b0, b1, rowsf, &merr);
            for (size_t r = b0; !mrc && r < b1; r++)
                for (size_t c = 0; c < C; c++) {
                    blk[(r - r0) * C + c] = rowsf[(r - b0) * N + c0 + c];
                    vmin = fmin(vmin, blk[(r - r0) * C + c]);
                }
        }
        pm->m->release(state);
        if (mrc) {
            fprintf(stderr, "attnbench heatmap: %s(%s): %s: skipped\n", pm->m->name, pm->params,
                    merr.msg);
            continue;
        }
        snprintf(files[npanels], sizeof files[0], "m%zu", mi);
        snprintf(path, sizeof path, "%s/%s-%s.dat", o->out_dir, name, files[npanels]);
        rc = write_block(path, blk, R, C, r0, c0, err);
        /* label: the method and the parameters that differ between its entries */
        snprintf(labels[npanels], sizeof labels[0], "%s", pm->m->name);
        for (int k = 0; k < pm->vals.count; k++) {
            int differs = 0;
            for (size_t mj = 0; mj < plan->nmethods; mj++) {
                const struct ab_plan_method *other = &plan->methods[mj];
                differs |= other->m == pm->m && (other->vals.set[k] != pm->vals.set[k] ||
                                                 other->vals.v[k] != pm->vals.v[k]);
            }
            if (!differs || !pm->vals.set[k])
                continue;
            char val[128];
            ab_value_format(&pm->vals.params[k], pm->vals.v[k], pm->vals.str[k], val, sizeof val);
            size_t len = strlen(labels[npanels]);
            snprintf(labels[npanels] + len, sizeof labels[0] - len, " %s=%s",
                     pm->vals.params[k].name, val);
        }
        panels[npanels] = files[npanels];
        npanels++;
    }
    free(qd), free(kd), free(rowsd), free(blk), free(rowsf), free(out);
    ab_reference_free(&ref);
    if (rc) {
        ab_data_free(&d);
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s.gp", o->out_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        ab_data_free(&d);
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    }
    size_t cols = npanels < 4 ? npanels : 4, rows = (npanels + cols - 1) / cols;
    fprintf(f, "# %s.gp — written by `attnbench heatmap`: attention rows [%zu, %zu) x keys [%zu, "
               "%zu) of head %zu\n",
            name, r0, r1, c0, c1, h);
    fprintf(f, "formats = \"%s%s%s\"\n", o->png ? "png" : "", o->png && o->svg ? " " : "",
            o->svg ? "svg" : "");
    fprintf(f, "set palette defined (%g \"#2166ac\", 0 \"white\", %g \"#b2182b\")\n",
            vmin < 0 ? vmin : -1e-12, vmax);
    fprintf(f, "set cbrange [%g:%g]\nset size ratio -1\nunset key\n", vmin < 0 ? vmin : 0, vmax);
    /* query r0 at the top, as a matrix is read */
    fprintf(f, "set xrange [%g:%g]\nset yrange [%g:%g]\n", c0 - 0.5, c1 - 0.5, r1 - 0.5, r0 - 0.5);
    fprintf(f, "set xlabel \"key j\"\nset ylabel \"query i\"\n");
    /* every string goes out single-quoted (ab_gp_quote): the title carries the
     * data's parameters (file paths), the labels the methods' */
    char fname[300];
    snprintf(fname, sizeof fname, "%s.png", name);
    fprintf(f, "do for [fmt in formats] {\n"
               "  if (fmt eq \"png\") { set terminal pngcairo noenhanced size %zu,%zu font \"sans,8\"; "
               "set output ",
            380 * cols + 60, 360 * rows + 60);
    ab_gp_quote(f, fname);
    snprintf(fname, sizeof fname, "%s.svg", name);
    fprintf(f, " }\n  if (fmt eq \"svg\") { set terminal svg noenhanced size %zu,%zu font \"sans,8\"; "
               "set output ",
            380 * cols + 60, 360 * rows + 60);
    ab_gp_quote(f, fname);
    fputs(" }\n", f);
    snprintf(title, sizeof title, "attention block, head %zu: %s(%s), seed %llu, n = %zu", h,
             pd->kind->name, pd->params, (unsigned long long)plan->set.seeds[0], N);
    fprintf(f, "  set multiplot layout %zu,%zu title ", rows, cols);
    ab_gp_quote(f, title);
    fputc('\n', f);
    for (size_t i = 0; i < npanels; i++) {
        fputs("  set title ", f);
        ab_gp_quote(f, labels[i]);
        snprintf(fname, sizeof fname, "%s-%s.dat", name, panels[i]);
        fputs("\n  plot ", f);
        ab_gp_quote(f, fname);
        fputs(" nonuniform matrix with image\n", f);
    }
    fprintf(f, "  unset multiplot\n  unset output\n}\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        ab_data_free(&d);
        return ab_errf(err, AB_EIO, "%s: cannot write", path);
    }
    ab_data_free(&d);
    char script[300];
    snprintf(script, sizeof script, "%s.gp", name);
    if (o->render && (rc = ab_gnuplot_render(o->out_dir, script, err)))
        return rc;
    fprintf(stderr, "attnbench heatmap: %s/%s.{%s%sgp} (%zu panels)\n", o->out_dir, name,
            o->render && o->png ? "png," : "", o->render && o->svg ? "svg," : "", npanels);
    return AB_OK;
}
