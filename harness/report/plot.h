/* plot.h — `attnbench plot`: a results CSV into gnuplot charts.
 *
 * For each chart the data are aggregated over seeds ONLY (mean, min, max; the
 * legend says how many seeds): every data parameter that varies in the file
 * splits panels, every method parameter that varies splits series (see the
 * no-effect table and the panel/series limits in plot.c). They are written
 * to OUT/<stem>-<chart>.dat, and a gnuplot script OUT/<stem>-<chart>.gp is
 * written beside it (kept, so a user can restyle and re-render), then gnuplot
 * renders it to .png and/or .svg. Charts (each only when the CSV has the rows
 * it needs; the others are reported as skipped):
 *   time       median forward time vs n, log-log, one line per method and
 *              parameter point, the fitted log-log slope in the legend
 *   memory     peak working memory vs n, log-log; refused/oom rows drawn as
 *              marked points at the top, not dropped
 *   budget     output error vs the method's budget (landmarks, k, features,
 *              window), one panel per data kind, min-max band over seeds
 *   ratio      output error vs budget / n (the landmark ratio), per data kind
 *   pinv       output error vs pinv iterations with ||I - AZ||_F on the second
 *              axis; the SVD pseudo-inverse as a horizontal line
 *   pareto     output error vs time at the largest n, one panel per data
 *              kind, the Pareto front marked
 *   entropy    output error vs the exact attention's entropy, all methods
 * Rows whose method is `peer:<name>` are ordinary series on the same axes.
 * A method named `uniform` (the mean of V) is drawn on the budget, ratio and
 * Pareto charts as a dashed grey floor line, "uniform (floor)", not as a
 * series; exact attention on the Pareto chart is a dotted vertical line at
 * its time, not a point. Series differ in colour (8), then dash and marker;
 * legends and panels sort numerically (m=16 before m=128); n axes are log
 * base 2 with a tick at each power of two; a slope is given only from 3 or
 * more sizes, with the range of n it was fitted over. Formats: png, svg and
 * pdf (pdfcairo).
 * Tests: tests/test_plot.c. */
#ifndef AB_PLOT_H
#define AB_PLOT_H

#include "attnbench.h"

#include <stddef.h>
#include <stdio.h>

struct ab_plot_opts {
    const char *out_dir;
    const char *name; /* the files' stem; NULL: the first CSV's name */
    int png, svg, pdf;
    int render; /* 0: write .dat and .gp only */
    /* --where KEY=VALUE: keep the rows whose data parameter, method parameter
     * or column KEY is VALUE (the same KEY twice: either value). */
    const char *const *where;
    size_t nwhere;
    /* --by KEY: split panels by KEY too (a parameter or a column). */
    const char *const *by;
    size_t nby;
};

/* AB_OK, AB_EINVAL (bad CSV), AB_EIO (cannot write), AB_EUNSUPPORTED
 * (gnuplot missing or failing: the scripts are written, the CSV untouched). */
/* Several CSVs are drawn together: their rows as one table (table.h:
 * ab_table_load_many; columns by name). */
int ab_plot(const char *const *csvs, size_t ncsv, const struct ab_plot_opts *o, struct ab_err *err);

/* Write s as a gnuplot string expression made of single-quoted strings:
 * 'text', each ' in the text written as '."'".' (close, a double-quoted
 * quote, reopen). gnuplot substitutes nothing inside single quotes (no
 * `command`, no @macro, no backslash escapes), and "'" holds nothing to
 * substitute, so text from a CSV cell or a file name can never run a
 * command. (Not the '' doubling: gnuplot 5.4 misreads '' at the start of a
 * string and two in a row, as in 'a''''b', ending the string early.) Control
 * characters (a newline would end the command) become spaces. Every string a
 * generated .gp script carries goes through here; it is accepted wherever
 * gnuplot takes a string expression (titles, labels, set output, plot titles,
 * the multiplot title, data file names). */
void ab_gp_quote(FILE *f, const char *s);
/* s with every character outside [A-Za-z0-9._-] replaced by '_' (at least
 * "_"): the stems of the .dat/.gp/.png/.svg files. */
void ab_gp_safe_name(const char *s, char *out, size_t cap);

/* gnuplot on PATH? */
int ab_gnuplot_available(void);
/* Run `gnuplot script` in dir; AB_EUNSUPPORTED (naming the Debian package)
 * when gnuplot is missing or fails. */
int ab_gnuplot_render(const char *dir, const char *script, struct ab_err *err);

#endif
