/* measure.h — one measurement: a method's row on one data instance, in the
 * process it is given (an isolated child in a sweep, or in-process with
 * --no-fork). estimate, prepare (timed apart), warm-up (`warmup` calls and at
 * least `warmup_time` seconds), `repeats` timed forwards (median, min, max;
 * host wall clock, or CUDA events for a CUDA method), then the output metrics
 * against the float64 reference, the attention-matrix metrics where the
 * method has `rows` and they are wanted, the method's report, and the output
 * saved as .npy when asked. Peak working memory through the harness
 * allocator; the OS peak RSS of the process.
 * Tests: tests/test_cli.c (end to end: statuses, memory, timings). */
#ifndef AB_MEASURE_H
#define AB_MEASURE_H

#include "data/data.h"
#include "plan.h"
#include "reference.h"
#include "result.h"

#include <stdint.h>

struct ab_row_job {
    const struct ab_plan *plan;
    const struct ab_plan_method *pm;
    const struct ab_data *data;
    const struct ab_reference *ref;
    uint64_t seed;
    int want_attn, want_spec;
    const char *save_path; /* NULL: do not save */
    double calib_ref_ms;   /* the run's reference calibration (timing.h); 0: none */
};

/* Measure the row; every outcome is a status in res (never an exit). */
void ab_measure(const struct ab_row_job *job, struct ab_result *res);

#endif
