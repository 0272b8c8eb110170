/* test_util.c — util.c: choices, "did you mean", value formatting round trips. */
#include "testlib.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void closest_suggests_near_misses_only(void **s)
{
    (void)s;
    const char *cands[] = {"landmarks", "landmark_ratio", "pinv_iters", "pinv_init"};
    assert_string_equal(ab_closest("landmark", cands, 4), "landmarks");
    assert_string_equal(ab_closest("pinv_iter", cands, 4), "pinv_iters");
    assert_null(ab_closest("temperature", cands, 4));
    assert_string_equal(ab_closest_choice("svdd", "iterative|svd"), "svd");
}

static void choice_index_matches_whole_names(void **s)
{
    (void)s;
    assert_int_equal(ab_choice_index("stream|materialize", "stream"), 0);
    assert_int_equal(ab_choice_index("stream|materialize", "materialize"), 1);
    assert_int_equal(ab_choice_index("stream|materialize", "str"), -1);
    assert_int_equal(ab_choice_index("stream|materialize", "materializes"), -1);
    char name[32];
    ab_choice_name("a|bb|ccc", 2, name, sizeof name);
    assert_string_equal(name, "ccc");
}

static void real_values_format_to_shortest_round_trip(void **s)
{
    (void)s;
    struct ab_param p = {.name = "x", .type = AB_PT_REAL, .lo = -1e9, .hi = 1e9};
    struct ab_err err;
    uint64_t seed = ab_test_seed();
    srand((unsigned)seed);
    for (int i = 0; i < 1000; i++) {
        double v = ((double)rand() / RAND_MAX - 0.5) * pow(10.0, rand() % 12 - 6);
        char text[64];
        ab_value_format(&p, v, NULL, text, sizeof text);
        double back;
        const char *str;
        assert_int_equal(ab_value_parse(&p, text, &back, &str, &err), AB_OK);
        assert_true(back == v);
    }
    char text[64];
    ab_value_format(&p, 0.25, NULL, text, sizeof text);
    assert_string_equal(text, "0.25");
}

static void value_parse_rejects_out_of_range_with_the_range(void **s)
{
    (void)s;
    struct ab_param p = {.name = "pinv_iters", .type = AB_PT_INT, .lo = 0, .hi = 100};
    struct ab_err err;
    double v;
    const char *str;
    assert_int_equal(ab_value_parse(&p, "101", &v, &str, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "[0, 100]"));
    assert_int_equal(ab_value_parse(&p, "1.5", &v, &str, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "integer"));
    assert_int_equal(ab_value_parse(&p, "7", &v, &str, &err), AB_OK);
    assert_true(v == 7);
}

static void values_format_lists_set_params_in_table_order(void **s)
{
    (void)s;
    static const struct ab_param ps[] = {
        {.name = "m", .type = AB_PT_INT, .def = "64", .lo = 1, .hi = 1e6},
        {.name = "ratio", .type = AB_PT_REAL, .def = NULL, .lo = 0, .hi = 1},
        {.name = "pinv", .type = AB_PT_ENUM, .def = "svd", .choices = "iterative|svd"},
    };
    struct ab_values vals;
    struct ab_err err;
    assert_int_equal(ab_values_defaults(&vals, ps, 3, &err), AB_OK);
    char *text = ab_values_text(&vals, "");
    assert_string_equal(text, "m=64;pinv=svd");
    free(text);
    text = ab_values_text(&vals, "backend=cuda;");
    assert_string_equal(text, "backend=cuda;m=64;pinv=svd");
    free(text);
    assert_int_equal(ab_values_enum(&vals, "pinv"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closest_suggests_near_misses_only),
        cmocka_unit_test(choice_index_matches_whole_names),
        cmocka_unit_test(real_values_format_to_shortest_round_trip),
        cmocka_unit_test(value_parse_rejects_out_of_range_with_the_range),
        cmocka_unit_test(values_format_lists_set_params_in_table_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
