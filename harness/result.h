/* result.h — one row's result: what a measurement (or a reference, or a
 * ceiling run) sends back from its child process as one plain-data write,
 * the row statuses, and how a child's end (isolate.h) becomes a status.
 * Tests: tests/test_cli.c (every status as a row), tests/test_isolate.c. */
#ifndef AB_RESULT_H
#define AB_RESULT_H

#include "isolate.h"

#include <signal.h>
#include <stdint.h>

enum ab_row_status {
    AB_ROW_OK,
    AB_ROW_INVALID,
    AB_ROW_REFUSED,
    AB_ROW_OOM,
    AB_ROW_ERROR,
    AB_ROW_NAN,
    AB_ROW_TIMEOUT,
    AB_ROW_CRASHED,
    AB_ROW_SKIPPED,
};
/* "ok", "invalid", ... as written in the status column. */
const char *ab_row_status_name(int status);
/* The row status for a method's AB_E* return code. */
int ab_row_status_of(int rc);

enum { AB_POS_BINS = 8 };

/* Plain data (no pointers): it crosses a pipe. */
struct ab_result {
    int status;
    int reps;
    double out_rel_fro, out_max_abs, out_cos, attn_rel_fro, attn_rel_spec, row_sum_dev;
    double pinv_resid, pinv_vs_svd;
    double target_rel_fro; /* ab_report's: the method's error against its own target */
    double causal_leak, padding_leak; /* masked rows: measure.c's leak checks */
    /* ||O^ - O||_F / ||O||_F over the (valid) rows of each eighth of the
     * positions, [b N/8, (b+1) N/8), all heads: where along the sequence a
     * method loses (causal rows: early rows see few keys) */
    double err_by_pos[AB_POS_BINS];
    double t_med, t_min, t_max, prepare_ms, flops, budget;
    /* how far the timings can be trusted (timing.h): the 1-minute load average
     * at the row's start, max/min and the robust CV of the kept attempt's
     * repeats, the calibration ratio (slower of before/after over the run's
     * reference), the flag (enum ab_timing_flag) and the attempts measured */
    double load_avg, time_spread, time_cv, calib_ratio;
    double calib_min_ms; /* the fastest calibration loop of the row (the run keeps the minimum) */
    int timing, timing_attempts;
    uint64_t peak_bytes, rss_bytes;
    double dev_mem_bytes; /* CUDA rows: cudaMemGetInfo growth over the row */
    char device[200];     /* CUDA rows: the device description */
    char error[480];
};

/* Every metric NaN (an empty cell), status ok, no error. */
void ab_result_init(struct ab_result *r);

/* The child's work: fill the result from arg. */
typedef void (*ab_result_fn)(const void *arg, struct ab_result *res);

/* fn in an isolated child (ab_isolate); a child that did not report becomes
 * a timeout, oom (SIGKILL), crashed or error result with the reason. */
void ab_result_isolated(ab_result_fn fn, const void *arg, double timeout_s, uint64_t mem_limit,
                        volatile sig_atomic_t *stop, struct ab_result *res);

#endif
