/* test_rng.c — the project PRNG: golden values (a port or a compiler change
 * that alters the stream fails here), the portable logarithm's accuracy, and
 * the distributions' moments. */
#include "base/rng.h"
#include "testlib.h"

#include <math.h>
#include <stdint.h>

static void stream_matches_its_golden_values(void **s)
{
    (void)s;
    struct ab_rng r;
    ab_rng_seed(&r, 1, 0);
    const uint64_t u[4] = {0x43cc91afa027aca6ull, 0x345f62bb936b8102ull, 0x0c05e57a883e749cull,
                           0xa4f48464c7e4d6f6ull};
    for (int i = 0; i < 4; i++)
        assert_true(ab_rng_u64(&r) == u[i]);
    ab_rng_seed(&r, 1, 0);
    const double g[4] = {-0x1.51f1f8d226e9fp-1, -0x1.a88b33795ec1bp-1, -0x1.b59542f3cd2d9p-2,
                         0x1.16dd61ae80607p-3};
    for (int i = 0; i < 4; i++)
        assert_true(ab_rng_normal(&r) == g[i]);
    /* streams are independent of each other */
    struct ab_rng a, b;
    ab_rng_seed(&a, 1, 0);
    ab_rng_seed(&b, 1, 1);
    assert_true(ab_rng_u64(&a) != ab_rng_u64(&b));
}

static void portable_log_is_within_4_ulp_of_libm(void **s)
{
    (void)s;
    struct ab_rng r;
    ab_rng_seed(&r, ab_test_seed(), 9);
    double worst = 0;
    for (int i = 0; i < 100000; i++) {
        /* mantissa in [1, 2), exponent in [-60, 60] */
        double x = ldexp(1.0 + ab_rng_uniform(&r), (int)ab_rng_below(&r, 121) - 60);
        double a = ab_log_portable(x), b = log(x);
        double ulp = nextafter(fabs(b), INFINITY) - fabs(b);
        double e = fabs(a - b) / ulp;
        worst = e > worst ? e : worst;
    }
    print_message("max error %.2f ulp\n", worst);
    assert_true(worst <= 4.0);
    assert_true(ab_log_portable(1.0) == 0.0);
}

static void normal_moments_are_standard(void **s)
{
    (void)s;
    struct ab_rng r;
    ab_rng_seed(&r, ab_test_seed(), 3);
    const int n = 1000000;
    double m1 = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        double x = ab_rng_normal(&r);
        m1 += x, m2 += x * x, m4 += x * x * x * x;
    }
    m1 /= n, m2 /= n, m4 /= n;
    print_message("mean %.4f var %.4f kurtosis %.4f\n", m1, m2, m4 / (m2 * m2));
    /* tolerances ~5 standard errors: se(mean) = 0.001, se(var) = 0.0014, se(kurt) ~ 0.005 */
    assert_true(fabs(m1) < 0.005);
    assert_true(fabs(m2 - 1) < 0.007);
    assert_true(fabs(m4 / (m2 * m2) - 3) < 0.03);
}

static void below_is_uniform_and_student_t_has_its_variance(void **s)
{
    (void)s;
    struct ab_rng r;
    ab_rng_seed(&r, ab_test_seed(), 4);
    int bins[10] = {0};
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        uint64_t x = ab_rng_below(&r, 10);
        assert_true(x < 10);
        bins[x]++;
    }
    double chi2 = 0;
    for (int i = 0; i < 10; i++)
        chi2 += (bins[i] - n / 10.0) * (bins[i] - n / 10.0) / (n / 10.0);
    print_message("chi2 (9 df) = %.2f\n", chi2);
    assert_true(chi2 < 33.7); /* p = 1e-4 */
    double v = 0;
    const int m = 1000000;
    for (int i = 0; i < m; i++) {
        double t = ab_rng_student_t(&r, 5);
        v += t * t;
    }
    v /= m;
    print_message("t(5) variance %.4f (5/3 = 1.6667)\n", v);
    assert_true(fabs(v - 5.0 / 3.0) < 0.05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_matches_its_golden_values),
        cmocka_unit_test(portable_log_is_within_4_ulp_of_libm),
        cmocka_unit_test(normal_moments_are_standard),
        cmocka_unit_test(below_is_uniform_and_student_t_has_its_variance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
