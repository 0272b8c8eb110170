/* heatmap.h — `attnbench heatmap`: a block of the exact attention matrix
 * beside the same block of each method's approximation (the Nystromformer
 * paper's Fig. 3 view), for the first data instance (first entry, first
 * seed) of a config, under the entry's mask.
 *
 * Panels: the float64 exact block once (masked entries and padded rows are
 * 0), then each (method, params) point of the plan once, titled with its
 * parameters and its errors against exact: the block's relative Frobenius
 * error ||A^ - A||_F / ||A||_F (padded rows left out) and the output's,
 * out_rel_fro as the sweep measures it (all heads). `exact` entries are not
 * drawn again; a point listed for two backends is drawn for the first;
 * methods without `rows` are skipped, and methods that do not support the
 * data's mask are refused (registry.h: ab_mask_supported), each with a note
 * on stderr.
 *
 * One colour bar for all panels on a diverging scale, white at 0, symmetric:
 * [-a, a] with a the largest |weight| over every panel, so negative weights
 * show their magnitude; when that exceeds AB_HEATMAP_CLIP x the exact
 * block's largest weight, a is clipped there (the colour bar's label says so
 * and gives the largest |weight|). Panels take the block's shape
 * (height/width = rows/cols, held within [1/4, 4]) in a grid with the
 * number of columns that makes the figure about half as high as wide.
 *
 * Before making the data, the head and block are checked against the
 * entry's sizes and the instance against the memory available (run.h:
 * ab_data_fits, as the sweep does). Writes DIR/<name>-heatmap.gp (kept for
 * restyling), one .dat per panel, and .png/.svg/.pdf as asked.
 * Tests: tests/test_plot.c. */
#ifndef AB_HEATMAP_H
#define AB_HEATMAP_H

#include "attnbench.h"
#include "plan.h"

/* The colour scale's clip, as a multiple of the exact block's largest weight. */
#define AB_HEATMAP_CLIP 4

struct ab_heatmap_opts {
    const char *out_dir;
    size_t head, r0, r1, c0, c1; /* block [r0, r1) x [c0, c1); r1 = 0: 64 rows */
    int png, svg, pdf, render;
};

/* AB_OK; AB_EINVAL (head or block outside the data), AB_ENOMEM (the data
 * would not fit), AB_EIO, AB_EUNSUPPORTED (gnuplot missing or failing: the
 * script and blocks are written). */
int ab_heatmap(const struct ab_plan *plan, const struct ab_heatmap_opts *o, struct ab_err *err);

#endif
