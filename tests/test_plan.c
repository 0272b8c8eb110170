/* test_plan.c — a config becomes a plan: the issue's example shape is
 * accepted, lists expand to the cartesian product in a fixed order, defaults
 * fill in, --set overrides apply where they should, and row ids are stable. */
#define _POSIX_C_SOURCE 200809L
#include "formats/npy.h"
#include "plan.h"
#include "registry.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *write_config(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void write_npy(const char *rel, size_t h, size_t n, size_t d)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", ab_test_tmpdir(), rel);
    float *x = malloc(h * n * d * sizeof *x);
    ab_test_fill_normal(x, h * n * d, ab_test_seed(), 1.0);
    size_t shape[3] = {h, n, d};
    struct ab_err err;
    if (ab_npy_write_f32(path, shape, 3, x, &err))
        fail_msg("%s", err.msg);
    free(x);
}

static void the_issue_example_is_accepted_and_expands(void **s)
{
    (void)s;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/a", ab_test_tmpdir());
    mkdir(dir, 0777);
    write_npy("a/q.npy", 2, 100, 16);
    write_npy("a/k.npy", 2, 100, 16);
    write_npy("a/v.npy", 2, 100, 8);
    const char *path = write_config("example.yaml",
                                    "name: example\n"
                                    "seeds: [1, 2]\n"
                                    "repeats: 5\n"
                                    "data:\n"
                                    "  - {kind: gaussian, n: [1024, 4096], d: 64, heads: 2, scale: 0.5}\n"
                                    "  - {kind: npy, q: a/q.npy, k: a/k.npy, v: a/v.npy}\n"
                                    "methods:\n"
                                    "  - {name: exact, impl: stream}\n"
                                    "  - {name: nystrom, landmarks: [16, 64], pinv_iters: [1, 6, 12], "
                                    "pinv_init: per-head}\n");
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(plan.set.name, "example");
    assert_int_equal(plan.set.nseeds, 2);
    assert_int_equal(plan.set.repeats, 5);
    assert_int_equal(plan.ndata, 3);    /* 2 gaussian sizes + 1 npy */
    assert_int_equal(plan.nmethods, 7); /* exact + 2 x 3 nystrom */
    assert_int_equal(ab_plan_rows(&plan), 3 * 2 * 7);
    /* data: the npy shapes come from the headers, relative to the config */
    assert_int_equal(plan.data[2].dims[0], 2);
    assert_int_equal(plan.data[2].dims[1], 100);
    assert_int_equal(plan.data[2].dims[2], 16);
    assert_int_equal(plan.data[2].dims[3], 8);
    assert_int_equal(plan.data[1].dims[1], 4096);
    /* the last parameter varies fastest: landmarks 16 with iters 1, 6, 12, then 64 */
    assert_string_equal(plan.methods[1].params,
                        "landmarks=16;selection=segment-means;kmeans_iters=5;segments=uneven;"
                        "pinv=iterative;pinv_iters=1;"
                        "pinv_init=per-head;tile_q=256;tile_k=1024");
    assert_non_null(strstr(plan.methods[3].params, "landmarks=16;") );
    assert_non_null(strstr(plan.methods[3].params, "pinv_iters=12"));
    assert_non_null(strstr(plan.methods[4].params, "landmarks=64;"));
    /* row ids: stable and distinct */
    char a[17], b[17], c[17];
    ab_plan_row_id(&plan.data[0], 1, &plan.methods[1], a);
    ab_plan_row_id(&plan.data[0], 1, &plan.methods[1], b);
    ab_plan_row_id(&plan.data[0], 2, &plan.methods[1], c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    ab_plan_free(&plan);
}

static void defaults_fill_in_and_sets_apply_where_they_should(void **s)
{
    (void)s;
    const char *path = write_config("d.yaml", "data:\n"
                                              "  - {kind: gaussian}\n"
                                              "  - {kind: local, n: 256}\n"
                                              "methods:\n"
                                              "  - {name: exact}\n"
                                              "  - {name: nystrom, landmark_ratio: [0.125, 0.25]}\n");
    struct ab_plan plan;
    struct ab_err err;
    const char *sets[] = {"repeats=2", "data.local.n=[64, 128]", "methods.nystrom.pinv=svd",
                          "threads=1"};
    if (ab_plan_load(path, sets, 4, &plan, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(plan.set.name, "d");
    assert_int_equal(plan.set.repeats, 2);
    assert_int_equal(plan.set.threads, 1);
    assert_int_equal(plan.set.nseeds, 1);
    assert_int_equal(plan.set.seeds[0], 1);
    assert_int_equal(plan.ndata, 3);
    assert_int_equal(plan.data[0].dims[1], 1024); /* the gaussian default n */
    assert_int_equal(plan.data[1].dims[1], 64);
    assert_int_equal(plan.data[2].dims[1], 128);
    assert_int_equal(plan.nmethods, 3);
    assert_non_null(strstr(plan.methods[1].params, "landmark_ratio=0.125;"));
    assert_null(strstr(plan.methods[1].params, "landmarks="));
    assert_non_null(strstr(plan.methods[2].params, "pinv=svd"));
    assert_null(strstr(plan.methods[0].params, "pinv"));
    ab_plan_free(&plan);
    const char *bad[] = {"data.gaussian.landmarks=3"};
    assert_int_not_equal(ab_plan_load(path, bad, 1, &plan, &err), AB_OK);
    assert_non_null(strstr(err.msg, "no data entry named gaussian has a parameter 'landmarks'"));
}

static void a_missing_npy_file_is_a_config_error_naming_it(void **s)
{
    (void)s;
    const char *path = write_config("m.yaml", "data:\n"
                                              "  - {kind: npy, q: nope/q.npy, k: nope/k.npy, v: nope/v.npy}\n"
                                              "methods:\n  - {name: exact}\n");
    struct ab_plan plan;
    struct ab_err err;
    assert_int_not_equal(ab_plan_load(path, NULL, 0, &plan, &err), AB_OK);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "m.yaml:2:5:"));
    assert_non_null(strstr(err.msg, "nope/q.npy"));
}

/* The results name makes results/<name>.csv: only [A-Za-z0-9._-], not
 * empty, not starting with '.'; a bad one is an error at the value, and
 * --set name=... is checked the same way. */
static void the_results_name_cannot_be_empty_or_a_path(void **s)
{
    (void)s;
    char why[160];
    assert_true(ab_plan_name_ok("sweep-1.v2_a", why, sizeof why));
    assert_false(ab_plan_name_ok("", why, sizeof why));
    assert_string_equal(why, "is empty");
    assert_false(ab_plan_name_ok("..", why, sizeof why));
    assert_string_equal(why, "starts with '.'");
    assert_false(ab_plan_name_ok("a/b", why, sizeof why));
    assert_string_equal(why, "holds '/' at character 2");
    assert_false(ab_plan_name_ok("a b", why, sizeof why));
    assert_false(ab_plan_name_ok("caf\xc3\xa9", why, sizeof why));
    assert_string_equal(why, "holds the byte 0xC3 at character 4");
    char long_name[200];
    memset(long_name, 'x', 150);
    long_name[150] = '\0';
    assert_false(ab_plan_name_ok(long_name, NULL, 0));
    struct ab_plan plan;
    struct ab_err err;
    const char *body = "data:\n  - {kind: gaussian, n: 16, d: 4}\nmethods:\n  - {name: exact}\n";
    char text[400];
    snprintf(text, sizeof text, "name: \"\"\n%s", body);
    assert_int_equal(ab_plan_load(write_config("n.yaml", text), NULL, 0, &plan, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "n.yaml:1:7: 'name' is empty: it names the results file"));
    snprintf(text, sizeof text, "name: ../../x\n%s", body);
    assert_int_equal(ab_plan_load(write_config("n.yaml", text), NULL, 0, &plan, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "n.yaml:1:7: 'name' starts with '.'"));
    const char *sets[] = {"name=a/b"};
    snprintf(text, sizeof text, "%s", body);
    assert_int_not_equal(ab_plan_load(write_config("n.yaml", text), sets, 1, &plan, &err), AB_OK);
    assert_non_null(strstr(err.msg, "'name' holds '/' at character 2"));
    /* the file's own name, when not usable, leaves the name empty */
    assert_int_equal(ab_plan_load(write_config(".yaml", body), NULL, 0, &plan, &err), AB_OK);
    assert_string_equal(plan.set.name, "");
    ab_plan_free(&plan);
    assert_int_equal(ab_plan_load(write_config("ok-1.yaml", body), NULL, 0, &plan, &err), AB_OK);
    assert_string_equal(plan.set.name, "ok-1");
    ab_plan_free(&plan);
}

/* ---- backends ---- */

static void backend_cpu_is_the_default_and_keeps_params_and_row_ids(void **s)
{
    (void)s;
    const char *path = write_config("b1.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                               "methods:\n  - {name: nystrom, landmarks: 8}\n"
                                               "  - {name: nystrom, backend: cpu, landmarks: 8}\n");
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    /* the params (and so the row ids) of CPU rows are what they were before
     * backends existed: no backend key in them, so `backend: cpu` is the
     * same row as no backend, and the plan holds it once */
    assert_int_equal(plan.nmethods, 1);
    assert_int_equal(plan.dup_rows, 1);
    assert_non_null(strstr(plan.dup_example, "b1.yaml:5:5"));
    assert_int_equal(plan.methods[0].backend, AB_BACKEND_CPU);
    assert_ptr_equal(plan.methods[0].m, ab_method_find_backend("nystrom", AB_BACKEND_CPU));
    assert_true(plan.methods[0].m->caps & AB_CAP_CPU);
    assert_null(strstr(plan.methods[0].params, "backend"));
    ab_plan_free(&plan);

    /* an unknown backend names the choices, at the node */
    path = write_config("b2.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                   "methods:\n  - {name: exact, backend: cudaa}\n");
    assert_int_not_equal(ab_plan_load(path, NULL, 0, &plan, &err), AB_OK);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "b2.yaml:4:28:"));
    assert_non_null(strstr(err.msg, "'backend' must be one of cpu|cuda, got 'cudaa'"));
    assert_non_null(strstr(err.msg, "did you mean 'cuda'?"));
}

static void backend_cuda_is_checked_against_the_build(void **s)
{
    (void)s;
    const char *path = write_config("b3.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                               "methods:\n  - {name: exact}\n"
                                               "  - {name: exact, backend: cuda, precision: fp16}\n");
    struct ab_plan plan;
    struct ab_err err;
#ifdef AB_HAVE_CUDA
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan.nmethods, 2);
    const struct ab_plan_method *pm = &plan.methods[1];
    assert_int_equal(pm->backend, AB_BACKEND_CUDA);
    assert_true(pm->m->caps & AB_CAP_CUDA);
    assert_string_equal(pm->m->name, "exact");
    assert_string_equal(pm->params, "backend=cuda;impl=fused;precision=fp16;chunk_mib=1024;tensor_cores=true");
    char a[17], b[17];
    ab_plan_row_id(&plan.data[0], 1, &plan.methods[0], a);
    ab_plan_row_id(&plan.data[0], 1, pm, b);
    assert_string_not_equal(a, b);
    ab_plan_free(&plan);

    /* the entry's keys are checked against the CUDA implementation's table */
    path = write_config("b4.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                   "methods:\n  - {name: exact, backend: cuda, tile_q: 64}\n");
    assert_int_not_equal(ab_plan_load(path, NULL, 0, &plan, &err), AB_OK);
    assert_non_null(strstr(err.msg, "b4.yaml:4:"));
    assert_non_null(strstr(err.msg, "unknown key 'tile_q' in method 'exact' (backend cuda)"));

    /* a list of backends expands to one entry per backend, in order */
    path = write_config("b5.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                   "methods:\n  - {name: nystrom, backend: [cpu, cuda], "
                                   "landmarks: [4, 8]}\n");
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan.nmethods, 4);
    assert_int_equal(plan.methods[0].backend, AB_BACKEND_CPU);
    assert_int_equal(plan.methods[1].backend, AB_BACKEND_CPU);
    assert_int_equal(plan.methods[2].backend, AB_BACKEND_CUDA);
    assert_non_null(strstr(plan.methods[3].params, "backend=cuda;landmarks=8;"));
    ab_plan_free(&plan);

    /* --set methods.backend=cuda moves every entry; then a CUDA parameter applies */
    path = write_config("b6.yaml", "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
                                   "methods:\n  - {name: exact}\n  - {name: nystrom}\n");
    const char *sets[] = {"methods.backend=cuda", "methods.exact.precision=bf16"};
    if (ab_plan_load(path, sets, 2, &plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan.nmethods, 2);
    assert_int_equal(plan.methods[0].backend, AB_BACKEND_CUDA);
    assert_int_equal(plan.methods[1].backend, AB_BACKEND_CUDA);
    assert_non_null(strstr(plan.methods[0].params, "precision=bf16"));
    ab_plan_free(&plan);
#else
    /* without CUDA in the build: a clear error at the node, nothing runs */
    assert_int_not_equal(ab_plan_load(path, NULL, 0, &plan, &err), AB_OK);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "b3.yaml:5:28:"));
    assert_non_null(strstr(err.msg, "method 'exact' has no cuda backend: this attnbench was built "
                                    "without CUDA"));
    assert_non_null(strstr(err.msg, "-DATTNBENCH_CUDA=ON"));
#endif
}

/* Row identity: long file paths that agree on their first 700 bytes, and
 * string values holding the params text's separators, give distinct params
 * texts and row ids; the text is whole (never cut). */
static void long_or_tricky_string_values_keep_rows_distinct(void **s)
{
    (void)s;
    char longa[1200], longb[1200];
    memset(longa, 'p', 1100);
    longa[0] = '/';
    longa[1100] = '\0';
    memcpy(longb, longa, 1101);
    longa[1099] = 'a', longb[1099] = 'b';
    char text[4096];
    snprintf(text, sizeof text,
             "data:\n  - {kind: gaussian, n: 64, d: 8}\n"
             "methods:\n"
             "  - {name: performer, features_file: ['%s', '%s']}\n"
             "  - {name: performer, features_file: ['a;eps=1', 'a', 'a\\\"b', '\\\"a\\\"']}\n"
             "  - {name: performer, features_file: 'a', eps: 1}\n",
             longa, longb);
    const char *path = write_config("ids.yaml", text);
    struct ab_plan plan;
    struct ab_err err;
    if (ab_plan_load(path, NULL, 0, &plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan.nmethods, 7);
    assert_non_null(strstr(plan.methods[0].params, longa));
    assert_non_null(strstr(plan.methods[1].params, longb));
    char ids[7][17];
    for (size_t i = 0; i < 7; i++)
        ab_plan_row_id(&plan.data[0], 1, &plan.methods[i], ids[i]);
    for (size_t i = 0; i < 7; i++)
        for (size_t j = i + 1; j < 7; j++) {
            if (!strcmp(plan.methods[i].params, plan.methods[j].params) || !strcmp(ids[i], ids[j]))
                fail_msg("methods %zu and %zu share params '%s' / '%s' or row id %s", i, j,
                         plan.methods[i].params, plan.methods[j].params, ids[i]);
        }
    /* a value with ';' is quoted: it cannot be read as a second parameter */
    assert_non_null(strstr(plan.methods[2].params, "features_file=\"a;eps=1\""));
    ab_plan_free(&plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_results_name_cannot_be_empty_or_a_path),
        cmocka_unit_test(backend_cpu_is_the_default_and_keeps_params_and_row_ids),
        cmocka_unit_test(backend_cuda_is_checked_against_the_build),
        cmocka_unit_test(the_issue_example_is_accepted_and_expands),
        cmocka_unit_test(defaults_fill_in_and_sets_apply_where_they_should),
        cmocka_unit_test(a_missing_npy_file_is_a_config_error_naming_it),
        cmocka_unit_test(long_or_tricky_string_values_keep_rows_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
