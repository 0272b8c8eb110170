/* test_timing.c — timing.c: the `ok` / `noisy` rule, the repeat statistics
 * it reads, the choice between attempts and the load warning, on
 * constructed inputs (no clock, no load: deterministic). */
#include "testlib.h"
#include "timing.h"

#include <math.h>

static void stats_are_median_spread_and_robust_cv(void **s)
{
    (void)s;
    double t[5] = {3, 1, 2, 5, 4};
    struct ab_timing_stats st;
    ab_timing_stats(t, 5, &st);
    assert_true(st.median == 3 && st.min == 1 && st.max == 5);
    assert_true(fabs(st.spread - 5.0) < 1e-12);
    /* |t - 3| = 0,1,1,2,2: MAD 1, cv = 1.4826 / 3 */
    assert_true(fabs(st.cv - 1.4826 / 3) < 1e-12);
    /* one outlier among equal repeats: spread big, cv 0 (robust) */
    double u[5] = {1, 1, 1, 1, 30};
    ab_timing_stats(u, 5, &st);
    assert_true(st.cv == 0 && st.spread == 30 && st.median == 1);
    double one[1] = {2.5};
    ab_timing_stats(one, 1, &st);
    assert_true(st.cv == 0 && st.spread == 1 && st.median == 2.5);
    ab_timing_stats(one, 0, &st);
    assert_true(isnan(st.median) && isnan(st.cv) && isnan(st.spread));
}

static void the_rule_and_its_thresholds(void **s)
{
    (void)s;
    /* no repeats: no flag */
    assert_int_equal(ab_timing_flag(0, NAN, NAN, NAN), AB_TIMING_NONE);
    /* steady repeats, calm calibration */
    assert_int_equal(ab_timing_flag(5, 0.02, 1.1, 1.0), AB_TIMING_OK);
    /* each trigger on its own, just past its threshold, and just below it */
    assert_int_equal(ab_timing_flag(5, AB_TIMING_CV_MAX * 1.01, 1.1, 1.0), AB_TIMING_NOISY);
    assert_int_equal(ab_timing_flag(5, AB_TIMING_CV_MAX * 0.99, 1.1, 1.0), AB_TIMING_OK);
    assert_int_equal(ab_timing_flag(5, 0.02, AB_TIMING_SPREAD_MAX * 1.01, 1.0), AB_TIMING_NOISY);
    assert_int_equal(ab_timing_flag(5, 0.02, AB_TIMING_SPREAD_MAX * 0.99, 1.0), AB_TIMING_OK);
    assert_int_equal(ab_timing_flag(5, 0.02, 1.1, AB_TIMING_CALIB_MAX * 1.01), AB_TIMING_NOISY);
    assert_int_equal(ab_timing_flag(5, 0.02, 1.1, AB_TIMING_CALIB_MAX * 0.99), AB_TIMING_OK);
    /* the spread rule needs AB_TIMING_MIN_REPS repeats; the calibration does not */
    assert_int_equal(ab_timing_flag(AB_TIMING_MIN_REPS - 1, 0.5, 10, 1.0), AB_TIMING_OK);
    assert_int_equal(ab_timing_flag(AB_TIMING_MIN_REPS, 0.5, 10, 1.0), AB_TIMING_NOISY);
    assert_int_equal(ab_timing_flag(1, 0, 1, 3.0), AB_TIMING_NOISY);
    /* no calibration (NaN) does not count */
    assert_int_equal(ab_timing_flag(5, 0.02, 1.1, NAN), AB_TIMING_OK);
    /* the documented values */
    assert_true(AB_TIMING_CV_MAX == 0.1 && AB_TIMING_SPREAD_MAX == 2.0 &&
                AB_TIMING_CALIB_MAX == 1.5 && AB_TIMING_MIN_REPS == 3 && AB_TIMING_ATTEMPTS == 3);
    assert_string_equal(ab_timing_flag_name(AB_TIMING_OK), "ok");
    assert_string_equal(ab_timing_flag_name(AB_TIMING_NOISY), "noisy");
    assert_string_equal(ab_timing_flag_name(AB_TIMING_NONE), "");
}

static void an_ok_attempt_beats_a_noisy_one_then_the_lower_median(void **s)
{
    (void)s;
    struct ab_timing_stats calm = {.median = 5, .cv = 0.3, .spread = 1.5},
                           wild = {.median = 1, .cv = 0.01, .spread = 9};
    assert_true(ab_timing_better(&calm, AB_TIMING_OK, &wild, AB_TIMING_NOISY));
    assert_false(ab_timing_better(&wild, AB_TIMING_NOISY, &calm, AB_TIMING_OK));
    /* both noisy: the lower median (a uniformly slowed attempt has a low cv) */
    struct ab_timing_stats slow = {.median = 60, .cv = 0.01, .spread = 1.1};
    assert_true(ab_timing_better(&wild, AB_TIMING_NOISY, &slow, AB_TIMING_NOISY));
    assert_false(ab_timing_better(&slow, AB_TIMING_NOISY, &wild, AB_TIMING_NOISY));
    /* equal medians: the lower cv */
    struct ab_timing_stats a = {.median = 2, .cv = 0.2}, b = {.median = 2, .cv = 0.3};
    assert_true(ab_timing_better(&a, AB_TIMING_NOISY, &b, AB_TIMING_NOISY));
    assert_false(ab_timing_better(&b, AB_TIMING_NOISY, &a, AB_TIMING_NOISY));
    struct ab_timing_stats n = {.median = NAN, .cv = NAN, .spread = NAN};
    assert_true(ab_timing_better(&a, AB_TIMING_NOISY, &n, AB_TIMING_NOISY));
    assert_false(ab_timing_better(&n, AB_TIMING_NOISY, &a, AB_TIMING_NOISY));
}

static void load_warning_counts_free_cores(void **s)
{
    (void)s;
    /* 8 cores, 2 threads: 6 free */
    assert_false(ab_load_warn(5.9, 8, 2));
    assert_false(ab_load_warn(6.0, 8, 2));
    assert_true(ab_load_warn(6.1, 8, 2));
    /* every core taken by the run: any load warns */
    assert_true(ab_load_warn(0.5, 2, 2));
    assert_false(ab_load_warn(0.0, 2, 2));
    assert_true(ab_load_warn(0.5, 2, 4));
    /* unknown load or cores: silent */
    assert_false(ab_load_warn(NAN, 8, 2));
    assert_false(ab_load_warn(9, 0, 2));
}

static void calibration_is_a_positive_time(void **s)
{
    (void)s;
    double a = ab_calibrate_ms(), r = ab_calibrate_ref_ms(3);
    assert_true(a > 0 && isfinite(a));
    assert_true(r > 0 && isfinite(r));
    assert_true(isnan(ab_calibrate_ref_ms(0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_are_median_spread_and_robust_cv),
        cmocka_unit_test(the_rule_and_its_thresholds),
        cmocka_unit_test(an_ok_attempt_beats_a_noisy_one_then_the_lower_median),
        cmocka_unit_test(load_warning_counts_free_cores),
        cmocka_unit_test(calibration_is_a_positive_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
