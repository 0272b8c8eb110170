/* timing.h — how far a row's timings can be trusted: the spread of its timed
 * repeats, a contention probe (a fixed single-threaded calibration loop timed
 * against the run's first), the `ok` / `noisy` rule, and the machine's load.
 *
 * The rule (results/README.md, "timing"): a row's timings are `noisy` when
 *   - its calibration ratio (the slower of the loops timed before and after
 *     the repeats, over the run's reference loop) exceeds AB_TIMING_CALIB_MAX
 *     (1.5: the row's process got well under a core of its own), or
 *   - it has at least AB_TIMING_MIN_REPS (3) repeats and
 *     time_cv > AB_TIMING_CV_MAX (0.1) or time_spread > AB_TIMING_SPREAD_MAX (2),
 * where time_spread = max/min of the repeats and time_cv = 1.4826 * MAD /
 * median (a robust coefficient of variation: one outlier repeat does not move
 * it, a bimodal set of repeats does). A noisy attempt is measured again, up to
 * AB_TIMING_ATTEMPTS in all (measure.c); the row keeps the first ok attempt,
 * else the one with the lowest median (contention only adds time; then the
 * lowest time_cv).
 * Tests: tests/test_timing.c (the rule on constructed inputs), tests/test_cli.c
 * (a sweep under synthetic load gets `noisy` rows). */
#ifndef AB_TIMING_H
#define AB_TIMING_H

#include <stddef.h>

#define AB_TIMING_MIN_REPS 3
#define AB_TIMING_CV_MAX 0.1
#define AB_TIMING_SPREAD_MAX 2.0
#define AB_TIMING_CALIB_MAX 1.5
#define AB_TIMING_ATTEMPTS 3 /* the first attempt and up to 2 more */

enum ab_timing_flag { AB_TIMING_NONE, AB_TIMING_OK, AB_TIMING_NOISY };

struct ab_timing_stats {
    double median, min, max;
    double spread; /* max / min; NaN without repeats */
    double cv;     /* 1.4826 * MAD / median; 0 for one repeat; NaN without repeats */
};

/* Sorts t[0..n) in place and fills s. */
void ab_timing_stats(double *t, int n, struct ab_timing_stats *s);

/* The rule above: AB_TIMING_NOISY or AB_TIMING_OK (AB_TIMING_NONE when
 * reps < 1). calib_ratio NaN: no calibration (it does not count). */
int ab_timing_flag(int reps, double cv, double spread, double calib_ratio);

/* "ok", "noisy", or "" (AB_TIMING_NONE). */
const char *ab_timing_flag_name(int flag);

/* Whether attempt a (stats, flag) is better to keep than attempt b. */
int ab_timing_better(const struct ab_timing_stats *a, int flag_a, const struct ab_timing_stats *b,
                     int flag_b);

/* The calibration loop: a fixed amount of single-threaded floating-point
 * work (about 1-2 ms on a 2020s core), the same for every row. Returns its
 * wall time in ms. */
double ab_calibrate_ms(void);

/* The run's reference calibration: the fastest of `tries` loops (the machine
 * with the least interference we can see at the start). */
double ab_calibrate_ref_ms(int tries);

/* The 1-minute load average, NaN when unknown. */
double ab_load_avg(void);

/* Whether `attnbench run` warns at its start: load > online - threads. */
int ab_load_warn(double load, long online, int threads);

#endif
