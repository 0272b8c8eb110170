/* timing.c — see timing.h. */
#define _DEFAULT_SOURCE /* getloadavg */
#include "timing.h"

#include "base/util.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_sorted(const double *t, int n)
{
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

void ab_timing_stats(double *t, int n, struct ab_timing_stats *s)
{
    if (n < 1) {
        s->median = s->min = s->max = s->spread = s->cv = NAN;
        return;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    s->min = t[0];
    s->max = t[n - 1];
    s->median = median_sorted(t, n);
    s->spread = s->min > 0 ? s->max / s->min : NAN;
    double *dev = malloc((size_t)n * sizeof *dev);
    if (!dev) {
        s->cv = NAN;
        return;
    }
    for (int i = 0; i < n; i++)
        dev[i] = fabs(t[i] - s->median);
    qsort(dev, (size_t)n, sizeof *dev, cmp_double);
    double mad = median_sorted(dev, n);
    free(dev);
    s->cv = s->median > 0 ? 1.4826 * mad / s->median : NAN;
}

int ab_timing_flag(int reps, double cv, double spread, double calib_ratio)
{
    if (reps < 1)
        return AB_TIMING_NONE;
    if (calib_ratio > AB_TIMING_CALIB_MAX) /* false for NaN */
        return AB_TIMING_NOISY;
    if (reps >= AB_TIMING_MIN_REPS && (cv > AB_TIMING_CV_MAX || spread > AB_TIMING_SPREAD_MAX))
        return AB_TIMING_NOISY;
    return AB_TIMING_OK;
}

const char *ab_timing_flag_name(int flag)
{
    return flag == AB_TIMING_OK ? "ok" : flag == AB_TIMING_NOISY ? "noisy" : "";
}

/* NaN sorts last. */
static int less(double a, double b) { return !isnan(a) && (isnan(b) || a < b); }

int ab_timing_better(const struct ab_timing_stats *a, int flag_a, const struct ab_timing_stats *b,
                     int flag_b)
{
    if ((flag_a == AB_TIMING_OK) != (flag_b == AB_TIMING_OK))
        return flag_a == AB_TIMING_OK;
    /* contention only adds time: the lower median is nearer the machine's
     * pace (a low cv can be every repeat equally slowed) */
    if (less(a->median, b->median) || less(b->median, a->median))
        return less(a->median, b->median);
    return less(a->cv, b->cv);
}

/* A dependent chain of multiply-adds: no vectorisation, no memory traffic,
 * the same instruction count every time. 1.5e6 steps at ~4 cycles of FMA
 * latency each: ~1.5-2 ms at 3-4 GHz. */
enum { CALIB_STEPS = 1500000 };

double ab_calibrate_ms(void)
{
    volatile double seed = 1.0000001;
    double x = seed, y = 0.5;
    double t0 = ab_now();
    for (int i = 0; i < CALIB_STEPS; i++)
        y = y * x + 1e-9;
    double ms = 1e3 * (ab_now() - t0);
    volatile double sink = y;
    (void)sink;
    return ms;
}

double ab_calibrate_ref_ms(int tries)
{
    double best = INFINITY;
    for (int i = 0; i < tries; i++) {
        double t = ab_calibrate_ms();
        best = t < best ? t : best;
    }
    return isfinite(best) ? best : NAN;
}

double ab_load_avg(void)
{
    double la[1];
    return getloadavg(la, 1) == 1 ? la[0] : NAN;
}

int ab_load_warn(double load, long online, int threads)
{
    if (isnan(load) || online < 1)
        return 0;
    long free_cores = online - (threads > 0 ? threads : 1);
    return load > (double)(free_cores > 0 ? free_cores : 0);
}
