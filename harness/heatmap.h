/* heatmap.h — `attnbench heatmap`: a block of the exact attention matrix
 * beside the same block of each method's approximation (the Nystromformer
 * paper's Fig. 3 view), for the first data instance (first entry, first
 * seed) of a config. Methods without `rows` are skipped with a note.
 * Tests: tests/test_plot.c. */
#ifndef AB_HEATMAP_H
#define AB_HEATMAP_H

#include "attnbench.h"
#include "plan.h"

struct ab_heatmap_opts {
    const char *out_dir;
    size_t head, r0, r1, c0, c1; /* block [r0, r1) x [c0, c1); r1 = 0: 64 rows */
    int png, svg, render;
};

int ab_heatmap(const struct ab_plan *plan, const struct ab_heatmap_opts *o, struct ab_err *err);

#endif
