/* test_config.c — config.c: positions of parsed nodes, the exact text of
 * errors (file:line:col, the echoed line, the caret), libyaml syntax errors,
 * typed conversions, aliases, and the doc's ownership of every node. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"
#include "formats/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write `text` to a file in the test directory; returns its path (static). */
static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Parse text that must fail; returns the message. */
static const char *parse_error(const char *text, struct ab_err *err)
{
    struct cfg_doc *doc = cfg_parse_string("t.yaml", text, err);
    assert_null(doc);
    return err->msg;
}

static void assert_pos(const struct cfg_node *n, int line, int col)
{
    assert_non_null(n);
    assert_int_equal(n->line, line);
    assert_int_equal(n->col, col);
}

static void nested_block_and_flow_nodes_have_1_based_positions(void **s)
{
    (void)s;
    const char *text = "# a comment\n"
                       "name: demo\n"
                       "data:\n"
                       "  kind: gaussian\n"
                       "  n: [256, 1024]\n"
                       "methods:\n"
                       "  - exact\n"
                       "  - {name: nystrom, m: 64}\n";
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", text, &err);
    assert_non_null(doc);
    struct cfg_node *root = cfg_root(doc);
    assert_int_equal(root->kind, CFG_MAP);
    assert_int_equal(root->count, 3);
    assert_pos(root->keys[0], 2, 1);
    assert_string_equal(root->keys[1]->str, "data");
    assert_pos(cfg_map_get(root, "name"), 2, 7);

    struct cfg_node *data = cfg_map_get(root, "data");
    assert_int_equal(data->kind, CFG_MAP);
    assert_pos(data, 4, 3);
    struct cfg_node *n = cfg_map_get(data, "n");
    assert_int_equal(n->kind, CFG_SEQ);
    assert_pos(n, 5, 6);
    assert_int_equal(n->count, 2);
    assert_pos(n->items[1], 5, 12);
    assert_string_equal(n->items[1]->str, "1024");
    assert_int_equal(n->items[1]->quoted, 0);

    struct cfg_node *methods = cfg_map_get(root, "methods");
    assert_pos(methods, 7, 3);
    assert_pos(methods->items[0], 7, 5);
    struct cfg_node *ny = methods->items[1];
    assert_int_equal(ny->kind, CFG_MAP);
    assert_pos(ny, 8, 5);
    assert_pos(ny->keys[1], 8, 21);
    assert_pos(cfg_map_get(ny, "m"), 8, 24);
    assert_ptr_equal(cfg_map_get(ny, "m")->src, root->src);
    assert_string_equal(root->src->name, "t.yaml");
    assert_null(cfg_map_get(ny, "M"));
    assert_null(cfg_map_get(n, "n"));
    cfg_destroy(doc);
}

static void quoted_and_block_scalars_are_marked_quoted(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc =
        cfg_parse_string("t.yaml", "a: 'x'\nb: \"y\"\nc: z\nd: |\n  text\ne: >\n  folded\n", &err);
    assert_non_null(doc);
    struct cfg_node *r = cfg_root(doc);
    assert_int_equal(cfg_map_get(r, "a")->quoted, 1);
    assert_int_equal(cfg_map_get(r, "b")->quoted, 1);
    assert_int_equal(cfg_map_get(r, "c")->quoted, 0);
    assert_int_equal(cfg_map_get(r, "d")->quoted, 1);
    assert_string_equal(cfg_map_get(r, "d")->str, "text\n");
    assert_int_equal(cfg_map_get(r, "e")->quoted, 1);
    cfg_destroy(doc);
}

static void range_error_deep_in_a_file_quotes_the_line_with_a_caret_under_the_value(void **s)
{
    (void)s;
    const char *text = "name: sweep\n"
                       "data: {kind: gaussian, n: 1024}\n"
                       "methods:\n"
                       "  - exact\n"
                       "  - name: linformer\n"
                       "    k: 32\n"
                       "  - {name: nystrom, pinv_iters: 0}\n";
    const char *path = write_file("range.yaml", text);
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_file(path, &err);
    assert_non_null(doc);
    const struct cfg_node *ny = cfg_list_at(cfg_map_get(cfg_root(doc), "methods"), 2);
    long v = -1;
    assert_int_equal(cfg_to_int(cfg_map_get(ny, "pinv_iters"), "pinv_iters", 1, 100, &v, &err),
                     AB_EINVAL);
    assert_int_equal(v, -1);
    char want[512];
    snprintf(want, sizeof want,
             "%s:7:33: 'pinv_iters' = 0 is out of range [1, 100]\n"
             "      - {name: nystrom, pinv_iters: 0}\n"
             "                                    ^",
             path);
    assert_string_equal(err.msg, want);
    cfg_destroy(doc);
}

static void caret_stays_aligned_after_tabs_in_the_source_line(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "m: {a:\t1,\tb:\t-3}\n", &err);
    assert_non_null(doc);
    long v;
    const struct cfg_node *b = cfg_map_get(cfg_map_get(cfg_root(doc), "m"), "b");
    assert_pos(b, 1, 14);
    assert_int_equal(cfg_to_int(b, "b", 0, 10, &v, &err), AB_EINVAL);
    assert_string_equal(err.msg, "t.yaml:1:14: 'b' = -3 is out of range [0, 10]\n"
                                 "    m: {a: 1, b: -3}\n"
                                 "                 ^");
    cfg_destroy(doc);
}

static void tab_indentation_is_named_on_its_line(void **s)
{
    (void)s;
    struct ab_err err;
    const char *msg = parse_error("data:\n  kind: gaussian\n\tn: 1024\n", &err);
    assert_string_equal(msg, "t.yaml:3:1: tabs are not allowed for indentation in YAML; "
                             "indent with spaces\n"
                             "     n: 1024\n"
                             "    ^");
    msg = parse_error("data:\n\tkind: gaussian\n", &err);
    assert_non_null(strstr(msg, "t.yaml:2:1: tabs are not allowed"));
}

static void unterminated_flow_sequence_points_at_its_opening_bracket(void **s)
{
    (void)s;
    struct ab_err err;
    const char *msg = parse_error("name: x\nn: [256, 1024\n", &err);
    assert_string_equal(msg, "t.yaml:2:4: did not find expected ',' or ']' before the end of "
                             "the input (while parsing a flow sequence that starts here)\n"
                             "    n: [256, 1024\n"
                             "       ^");
    msg = parse_error("a: 'open", &err);
    assert_non_null(strstr(msg, "t.yaml:1:4: found unexpected end of stream"));
    assert_non_null(strstr(msg, "quoted scalar"));
    /* Not at the end: the error is where the parser stopped, naming the start. */
    msg = parse_error("n: [1, 2\nm: 3\n", &err);
    assert_non_null(strstr(msg, "t.yaml:2:2: did not find expected ',' or ']' (while parsing "
                                "a flow sequence at line 1, column 4)"));
    msg = parse_error("a: 1\n b: 2\n", &err);
    assert_non_null(strstr(msg, "t.yaml:2:3: mapping values are not allowed"));
}

static void duplicate_key_is_reported_at_its_second_occurrence(void **s)
{
    (void)s;
    struct ab_err err;
    const char *msg = parse_error("seed: 1\nreps: 3\nseed: 2\n", &err);
    assert_string_equal(msg, "t.yaml:3:1: duplicate key 'seed' (first given at line 1)\n"
                             "    seed: 2\n"
                             "    ^");
    msg = parse_error("m: {a: 1, b: 2, 'a': 3}\n", &err);
    assert_non_null(strstr(msg, "t.yaml:1:17: duplicate key 'a' (first given at line 1)"));
}

static void non_scalar_keys_and_second_documents_are_rejected(void **s)
{
    (void)s;
    struct ab_err err;
    const char *msg = parse_error("? [1, 2]\n: x\n", &err);
    assert_non_null(strstr(msg, "t.yaml:1:3: mapping keys must be single values, not a list"));
    msg = parse_error("a: 1\n---\nb: 2\n", &err);
    assert_string_equal(msg, "t.yaml:2:1: only one YAML document is supported\n"
                             "    ---\n"
                             "    ^");
}

static void unknown_key_suggests_the_nearest_valid_key(void **s)
{
    (void)s;
    static const char *const allowed[] = {"name", "landmarks", "pinv", "pinv_iters"};
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "name: nystrom\nlandmark: 64\n", &err);
    assert_non_null(doc);
    assert_int_equal(cfg_check_keys(cfg_root(doc), "method 'nystrom'", allowed, 4, &err),
                     AB_EINVAL);
    assert_string_equal(err.msg, "t.yaml:2:1: unknown key 'landmark' in method 'nystrom'; did you "
                                 "mean 'landmarks'? (valid: name, landmarks, pinv, pinv_iters)\n"
                                 "    landmark: 64\n"
                                 "    ^");
    cfg_destroy(doc);
}

static void unknown_key_without_a_near_match_only_lists_the_valid_keys(void **s)
{
    (void)s;
    static const char *const allowed[] = {"name", "landmarks"};
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "name: nystrom\ntemperature: 2\n", &err);
    assert_non_null(doc);
    assert_int_equal(cfg_check_keys(cfg_root(doc), "method", allowed, 2, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:2:1: unknown key 'temperature' in method "
                                    "(valid: name, landmarks)\n"));
    assert_null(strstr(err.msg, "did you mean"));
    static const char *const all[] = {"name", "temperature"};
    assert_int_equal(cfg_check_keys(cfg_root(doc), "method", all, 2, &err), AB_OK);
    cfg_destroy(doc);
}

static void wrong_node_kind_is_reported_at_the_node(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc =
        cfg_parse_string("t.yaml", "seed: [1, 2]\nmethods: exact\ndata: [a]\n", &err);
    assert_non_null(doc);
    struct cfg_node *r = cfg_root(doc);
    long v;
    assert_int_equal(cfg_to_int(cfg_map_get(r, "seed"), "seed", 0, 9, &v, &err), AB_EINVAL);
    assert_string_equal(err.msg, "t.yaml:1:7: 'seed' must be a single value\n"
                                 "    seed: [1, 2]\n"
                                 "          ^");
    assert_int_equal(cfg_expect(cfg_map_get(r, "methods"), CFG_SEQ, "methods", &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:2:10: 'methods' must be a list\n"));
    assert_int_equal(cfg_expect(cfg_map_get(r, "data"), CFG_MAP, "data", &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:3:7: 'data' must be a mapping\n"));
    assert_int_equal(cfg_check_keys(cfg_map_get(r, "data"), "data", NULL, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'data' must be a mapping"));
    assert_int_equal(cfg_expect(cfg_map_get(r, "reps"), CFG_SCALAR, "reps", &err), AB_EINVAL);
    assert_string_equal(err.msg, "'reps' is missing");
    assert_int_equal(cfg_expect(r, CFG_MAP, "config", &err), AB_OK);
    cfg_destroy(doc);
}

/* A one-scalar document "v: TEXT"; the caller destroys it. */
static struct cfg_doc *scalar_doc(const char *text, const struct cfg_node **n)
{
    char buf[256];
    struct ab_err err;
    snprintf(buf, sizeof buf, "v: %s\n", text);
    struct cfg_doc *doc = cfg_parse_string("t.yaml", buf, &err);
    assert_non_null(doc);
    *n = cfg_map_get(cfg_root(doc), "v");
    return doc;
}

static int int_of(const char *text, long lo, long hi, long *v, struct ab_err *err)
{
    const struct cfg_node *n;
    struct cfg_doc *doc = scalar_doc(text, &n);
    int rc = cfg_to_int(n, "x", lo, hi, v, err);
    cfg_destroy(doc);
    return rc;
}

static void to_int_accepts_signed_decimals_only(void **s)
{
    (void)s;
    struct ab_err err;
    long v;
    assert_int_equal(int_of("42", 0, 100, &v, &err), AB_OK);
    assert_int_equal(v, 42);
    assert_int_equal(int_of("-7", -10, 10, &v, &err), AB_OK);
    assert_int_equal(v, -7);
    assert_int_equal(int_of("+7", -10, 10, &v, &err), AB_OK);
    assert_int_equal(v, 7);
    const char *bad[] = {"1.5", "abc", "''", "0x10", "1e3", "+", "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(int_of(bad[i], 0, 100, &v, &err), AB_EINVAL);
        assert_non_null(strstr(err.msg, "'x' must be an integer, got"));
    }
    assert_int_equal(int_of("1.5", 0, 100, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'x' must be an integer, got '1.5'\n"));
    assert_int_equal(int_of("\"5\"", 0, 100, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:1:4: 'x' must be an integer, got the string \"5\"\n"));
    assert_int_equal(int_of("", 0, 100, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'x' must be an integer, got nothing"));
    assert_int_equal(int_of("101", 0, 100, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'x' = 101 is out of range [0, 100]"));
    assert_int_equal(int_of("99999999999999999999999", 0, 100, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "is out of range [0, 100]"));
}

static int real_of(const char *text, double lo, double hi, double *v, struct ab_err *err)
{
    const struct cfg_node *n;
    struct cfg_doc *doc = scalar_doc(text, &n);
    int rc = cfg_to_real(n, "x", lo, hi, v, err);
    cfg_destroy(doc);
    return rc;
}

static void to_real_accepts_finite_decimal_and_scientific(void **s)
{
    (void)s;
    struct ab_err err;
    double v;
    const char *good[] = {"0.25", "-1.5", "3", "1e-3", "2.5E+2", ".5", "5.", "+0.1"};
    const double want[] = {0.25, -1.5, 3, 1e-3, 250, 0.5, 5, 0.1};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(real_of(good[i], -1e6, 1e6, &v, &err), AB_OK);
        assert_true(v == want[i]);
    }
    const char *bad[] = {".inf", "-.inf", "nan", ".nan", "inf", "1e999", "abc", "1e", "0x1p3",
                         "'0.5'", "1.2.3", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(real_of(bad[i], -1e6, 1e6, &v, &err), AB_EINVAL);
        assert_non_null(strstr(err.msg, "'x' must be a finite number, got"));
    }
    assert_int_equal(real_of("1.5", 0, 1, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'x' = 1.5 is out of range [0, 1]"));
    assert_int_equal(real_of("0.05", 0.1, 0.9, &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'x' = 0.05 is out of range [0.1, 0.9]"));
}

static void to_bool_accepts_true_false_yes_no(void **s)
{
    (void)s;
    struct ab_err err;
    const char *t[] = {"true", "True", "yes"}, *f[] = {"false", "False", "no"};
    for (int i = 0; i < 3; i++) {
        const struct cfg_node *n;
        int b = -1;
        struct cfg_doc *doc = scalar_doc(t[i], &n);
        assert_int_equal(cfg_to_bool(n, "x", &b, &err), AB_OK);
        assert_int_equal(b, 1);
        cfg_destroy(doc);
        doc = scalar_doc(f[i], &n);
        assert_int_equal(cfg_to_bool(n, "x", &b, &err), AB_OK);
        assert_int_equal(b, 0);
        cfg_destroy(doc);
    }
    const char *bad[] = {"1", "maybe", "\"true\""};
    for (int i = 0; i < 3; i++) {
        const struct cfg_node *n;
        int b = -1;
        struct cfg_doc *doc = scalar_doc(bad[i], &n);
        assert_int_equal(cfg_to_bool(n, "x", &b, &err), AB_EINVAL);
        assert_non_null(strstr(err.msg, "'x' must be true or false, got"));
        assert_int_equal(b, -1);
        cfg_destroy(doc);
    }
}

static int bytes_of(const char *text, uint64_t *v, struct ab_err *err)
{
    const struct cfg_node *n;
    struct cfg_doc *doc = scalar_doc(text, &n);
    int rc = cfg_to_bytes(n, "mem_limit", v, err);
    cfg_destroy(doc);
    return rc;
}

static void to_bytes_reads_binary_and_decimal_units(void **s)
{
    (void)s;
    struct ab_err err;
    uint64_t v;
    const struct {
        const char *text;
        uint64_t bytes;
    } good[] = {
        {"1024", 1024},
        {"0", 0},
        {"100B", 100},
        {"4GiB", UINT64_C(4) << 30},
        {"512 MiB", UINT64_C(512) << 20},
        {"1.5GiB", UINT64_C(3) << 29},
        {"2KiB", 2048},
        {"1TiB", UINT64_C(1) << 40},
        {"3KB", 3000},
        {"100MB", 100000000},
        {"2GB", 2000000000},
        {"'8 GiB'", UINT64_C(8) << 30},
        {"18446744073709551615", UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(bytes_of(good[i].text, &v, &err), AB_OK);
        assert_true(v == good[i].bytes);
    }
    assert_int_equal(bytes_of("-1GiB", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'mem_limit' must not be negative"));
    assert_int_equal(bytes_of("4gb", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'mem_limit' has an unknown unit 'gb'; did you mean"));
    assert_non_null(strstr(err.msg, "(units: B, KiB"));
    assert_int_equal(bytes_of("4 parsecs", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "unknown unit 'parsecs' (units:"));
    assert_int_equal(bytes_of("20000000TiB", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'mem_limit' = 20000000TiB is too large"));
    assert_int_equal(bytes_of("18446744073709551616", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "is too large"));
    assert_int_equal(bytes_of("1.5", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "whole number of bytes"));
    assert_int_equal(bytes_of("lots", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'mem_limit' must be a size in bytes"));
    assert_int_equal(bytes_of("[1]", &v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "'mem_limit' must be a single value"));
}

static void to_choice_lists_choices_and_suggests_a_near_miss(void **s)
{
    (void)s;
    struct ab_err err;
    const struct cfg_node *n;
    int idx = -1;
    struct cfg_doc *doc = scalar_doc("svd", &n);
    assert_int_equal(cfg_to_choice(n, "pinv", "iterative|svd|lstsq", &idx, &err), AB_OK);
    assert_int_equal(idx, 1);
    cfg_destroy(doc);

    doc = scalar_doc("itrative", &n);
    assert_int_equal(cfg_to_choice(n, "pinv", "iterative|svd|lstsq", &idx, &err), AB_EINVAL);
    assert_string_equal(err.msg, "t.yaml:1:4: 'pinv' must be one of iterative|svd|lstsq, got "
                                 "'itrative'; did you mean 'iterative'?\n"
                                 "    v: itrative\n"
                                 "       ^");
    cfg_destroy(doc);

    doc = scalar_doc("cholesky", &n);
    assert_int_equal(cfg_to_choice(n, "pinv", "iterative|svd", &idx, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "got 'cholesky'\n"));
    assert_null(strstr(err.msg, "did you mean"));
    cfg_destroy(doc);
}

static void empty_and_comment_only_files_are_empty_configs(void **s)
{
    (void)s;
    struct ab_err err;
    const char *path = write_file("empty.yaml", "");
    assert_null(cfg_parse_file(path, &err));
    char want[300];
    snprintf(want, sizeof want, "%s: config is empty", path);
    assert_string_equal(err.msg, want);
    assert_string_equal(parse_error("# nothing\n\n   # here\n", &err), "t.yaml: config is empty");
    assert_string_equal(parse_error("---\n", &err), "t.yaml: config is empty");
}

static void missing_file_is_an_io_error_naming_the_path(void **s)
{
    (void)s;
    struct ab_err err;
    char path[256];
    snprintf(path, sizeof path, "%s/no-such.yaml", ab_test_tmpdir());
    assert_null(cfg_parse_file(path, &err));
    char want[320];
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    assert_string_equal(err.msg, want);
    /* cfg_load_file gives the status: AB_EIO for a missing file and for a
     * directory (refused after the open: not a regular file). */
    struct cfg_doc *doc = (struct cfg_doc *)&err;
    assert_int_equal(cfg_load_file(path, &doc, &err), AB_EIO);
    assert_null(doc);
    assert_int_equal(cfg_load_file(ab_test_tmpdir(), &doc, &err), AB_EIO);
    assert_null(doc);
    snprintf(want, sizeof want,
             "%s: is a directory, not a regular file: the YAML config must be a file",
             ab_test_tmpdir());
    assert_string_equal(err.msg, want);
    assert_int_equal(cfg_load_file(write_file("ok.yaml", "a: 1\n"), &doc, &err), AB_OK);
    assert_non_null(cfg_map_get(cfg_root(doc), "a"));
    cfg_destroy(doc);
    assert_int_equal(cfg_load_file(write_file("bad.yaml", "a: [\n"), &doc, &err), AB_EINVAL);
    assert_null(doc);
    cfg_destroy(NULL);
    assert_null(cfg_root(NULL));
}

static void parse_value_reads_flow_text_and_points_errors_into_it(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "seed: 1\n", &err);
    assert_non_null(doc);
    struct cfg_node *v = cfg_parse_value(doc, "--set n", "[1, 2, 3]", &err);
    assert_non_null(v);
    assert_int_equal(v->kind, CFG_SEQ);
    assert_int_equal(v->count, 3);
    assert_pos(v->items[2], 1, 8);
    assert_string_equal(v->items[2]->str, "3");
    assert_string_equal(v->src->name, "--set n");

    struct cfg_node *e = cfg_parse_value(doc, "--set x", "", &err);
    assert_non_null(e);
    assert_int_equal(e->kind, CFG_SCALAR);
    assert_string_equal(e->str, "");

    assert_null(cfg_parse_value(doc, "--set n", "[1, 2", &err));
    assert_string_equal(err.msg, "--set n:1:1: did not find expected ',' or ']' before the end "
                                 "of the input (while parsing a flow sequence that starts here)\n"
                                 "    [1, 2\n"
                                 "    ^");
    assert_null(cfg_parse_value(doc, "--set m", "{a: 1, a: 2}", &err));
    assert_non_null(strstr(err.msg, "--set m:1:8: duplicate key 'a'"));
    /* The doc is still intact and owns the values that parsed. */
    long x;
    assert_int_equal(cfg_to_int(v->items[0], "n", 0, 0, &x, &err), AB_EINVAL);
    assert_string_equal(err.msg, "--set n:1:2: 'n' = 1 is out of range [0, 0]\n"
                                 "    [1, 2, 3]\n"
                                 "     ^");
    cfg_destroy(doc);
}

static void map_set_replaces_existing_keys_and_appends_new_ones(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "seed: 1\nreps: 3\n", &err);
    assert_non_null(doc);
    struct cfg_node *root = cfg_root(doc);
    struct cfg_node *v = cfg_parse_value(doc, "--set seed", "7", &err);
    assert_int_equal(cfg_map_set(doc, root, "seed", v, &err), AB_OK);
    assert_int_equal(root->count, 2);
    assert_string_equal(root->keys[0]->str, "seed");
    assert_ptr_equal(cfg_map_get(root, "seed"), v);

    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        struct cfg_node *w = cfg_parse_value(doc, "--set", "{a: [1]}", &err);
        assert_int_equal(cfg_map_set(doc, root, key, w, &err), AB_OK);
    }
    assert_int_equal(root->count, 22);
    assert_string_equal(root->keys[2]->str, "k0");
    assert_string_equal(root->keys[21]->str, "k19");
    assert_int_equal(cfg_map_get(root, "k19")->kind, CFG_MAP);
    assert_pos(root->keys[21], 1, 1);
    assert_string_equal(root->keys[21]->src->name, "--set");
    assert_int_equal(cfg_map_get(root, "reps")->line, 2);

    assert_int_equal(cfg_map_set(doc, cfg_map_get(root, "reps"), "x", v, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:2:7: cannot set 'x': not a mapping"));
    cfg_destroy(doc);
}

static void list_views_treat_a_scalar_as_a_one_item_list(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", "n: 256\nm: [16, 32, 64]\ne: []\n", &err);
    assert_non_null(doc);
    struct cfg_node *n = cfg_map_get(cfg_root(doc), "n"), *m = cfg_map_get(cfg_root(doc), "m");
    assert_int_equal(cfg_list_len(n), 1);
    assert_ptr_equal(cfg_list_at(n, 0), n);
    assert_null(cfg_list_at(n, 1));
    assert_int_equal(cfg_list_len(m), 3);
    assert_string_equal(cfg_list_at(m, 2)->str, "64");
    assert_null(cfg_list_at(m, 3));
    assert_int_equal(cfg_list_len(cfg_map_get(cfg_root(doc), "e")), 0);
    assert_int_equal(cfg_list_len(NULL), 0);
    assert_null(cfg_list_at(NULL, 0));
    cfg_destroy(doc);
}

static void aliases_expand_to_copies_of_the_anchored_value(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml",
                                           "base: &b {kind: gaussian, n: [128, 256]}\n"
                                           "sizes: &s [1, 2]\n"
                                           "runs:\n"
                                           "  - data: *b\n"
                                           "    m: *s\n",
                                           &err);
    assert_non_null(doc);
    struct cfg_node *root = cfg_root(doc);
    const struct cfg_node *run = cfg_list_at(cfg_map_get(root, "runs"), 0);
    struct cfg_node *data = cfg_map_get(run, "data");
    assert_int_equal(data->kind, CFG_MAP);
    assert_string_equal(cfg_map_get(data, "kind")->str, "gaussian");
    assert_int_equal(cfg_list_len(cfg_map_get(data, "n")), 2);
    assert_int_equal(cfg_list_len(cfg_map_get(run, "m")), 2);
    /* A copy: editing the expansion leaves the anchored value alone. */
    assert_ptr_not_equal(data, cfg_map_get(root, "base"));
    struct cfg_node *v = cfg_parse_value(doc, "--set", "lowrank", &err);
    assert_int_equal(cfg_map_set(doc, data, "kind", v, &err), AB_OK);
    assert_string_equal(cfg_map_get(cfg_map_get(root, "base"), "kind")->str, "gaussian");
    cfg_destroy(doc);

    const char *msg = parse_error("a: &x [1, *x]\n", &err);
    assert_non_null(strstr(msg, "t.yaml:1:4: recursive alias"));
    msg = parse_error("a: *nope\n", &err);
    assert_non_null(strstr(msg, "t.yaml:1:4: found undefined alias"));
}

static void alias_bombs_are_refused(void **s)
{
    (void)s;
    /* Ten levels of ten: 10^10 nodes if expanded. */
    char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 10; i++) {
        char line[160];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                                    "*a%d, *a%d]\n",
                 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    struct ab_err err;
    const char *msg = parse_error(text, &err);
    /* The place is the alias being expanded when the count ran out: a0..a4
     * take 123,450 nodes, each *a4 111,111 more; the 9th *a4 of a5 crosses
     * 10^6. */
    assert_non_null(strstr(msg, "t.yaml:6:45: the config expands to more than 1000000 nodes "
                                "(aliases?)\n    a5: &a5 [*a4,"));
}

/* A ~1 MB "billion laughs": one 1000-item anchor and 150,000 aliases to it
 * (1.5e8 nodes if expanded). The copy stops at the node cap. */
static void a_megabyte_of_aliases_stops_at_the_node_cap(void **s)
{
    (void)s;
    size_t cap = 2 << 20, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text + len, "base: &b [x");
    for (int i = 1; i < 1000; i++)
        len += (size_t)sprintf(text + len, ", x");
    len += (size_t)sprintf(text + len, "]\nl:\n");
    for (int i = 0; i < 150000; i++)
        len += (size_t)sprintf(text + len, "  - *b\n");
    assert_true(len > 1000000 && len < cap);
    struct ab_err err;
    const char *msg = parse_error(text, &err);
    /* 1005 nodes before the list's items, 1001 per alias: the 998th alias,
     * on line 3 + 997 = 1000, crosses 10^6. */
    assert_non_null(strstr(msg, "t.yaml:1000:5: the config expands to more than 1000000 nodes "
                                "(aliases?)\n      - *b\n        ^"));
    free(text);
}

/* A flat list of 1,000,001 items in 2 MB: refused in the first pass, before
 * libyaml's loader holds all of them. */
static void a_text_of_more_than_a_million_nodes_is_refused(void **s)
{
    (void)s;
    size_t n = 1000001, len = 0;
    char *text = malloc(2 * n + 16);
    assert_non_null(text);
    len += (size_t)sprintf(text, "l: [");
    for (size_t i = 0; i < n; i++)
        text[len++] = 'x', text[len++] = ',';
    strcpy(text + len, "]\n");
    struct ab_err err;
    const char *msg = parse_error(text, &err);
    /* the root, "l" and the list are three nodes: node 1,000,001 is item
     * 999,998, at column 5 + 2 x 999,997 */
    assert_non_null(strstr(msg, "t.yaml:1:1999999: the config has more than 1000000 nodes"));
    free(text);
}

/* Aliases inside aliased values, 17 deep: refused at the outermost. */
static void aliases_nested_too_deep_are_refused(void **s)
{
    (void)s;
    char text[4096] = "a0: &a0 [x]\n";
    for (int i = 1; i <= 17; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "a%d: &a%d [*a%d]\n", i, i, i - 1);
    struct ab_err err;
    const char *msg = parse_error(text, &err);
    assert_non_null(strstr(msg, "t.yaml:18:12: aliases nested more than 16 deep"));
    /* 16 deep is fine. */
    text[0] = '\0';
    snprintf(text, sizeof text, "a0: &a0 [x]\n");
    for (int i = 1; i <= 16; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "a%d: &a%d [*a%d]\n", i, i, i - 1);
    struct cfg_doc *doc = cfg_parse_string("t.yaml", text, &err);
    assert_non_null(doc);
    const struct cfg_node *n = cfg_map_get(cfg_root(doc), "a16");
    for (int i = 0; i < 16; i++)
        n = cfg_list_at(n, 0);
    assert_string_equal(cfg_list_at(n, 0)->str, "x");
    cfg_destroy(doc);
    /* Nested lists and maps inside one aliased value are not aliases. */
    text[0] = '\0';
    size_t k = 0;
    k += (size_t)snprintf(text + k, sizeof text - k, "a: &a ");
    for (int i = 0; i < 40; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "[");
    k += (size_t)snprintf(text + k, sizeof text - k, "x");
    for (int i = 0; i < 40; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "]");
    snprintf(text + k, sizeof text - k, "\nb: *a\nc: [&c [y], *c]\n");
    doc = cfg_parse_string("t.yaml", text, &err);
    assert_non_null(doc);
    cfg_destroy(doc);
}

/* Many anchors and many aliases: libyaml looks every alias up among all
 * anchors, so the pairs are capped (20,000,000) before libyaml loads. */
static void anchors_times_aliases_is_capped(void **s)
{
    (void)s;
    size_t cap = 4 << 20, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text + len, "a:\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)sprintf(text + len, "  - &x%d %d\n", i, i);
    len += (size_t)sprintf(text + len, "b:\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)sprintf(text + len, "  - *x%d\n", i);
    struct ab_err err;
    const char *msg = parse_error(text, &err);
    /* 20,000 anchors x 1,001 aliases > 2e7: the 1001st alias, on line
     * 20,002 + 1,001. */
    assert_non_null(strstr(msg, "t.yaml:21003:5: too many anchors and aliases: 20000 anchors "
                                "and 1001 aliases so far"));
    free(text);
}

/* A mapping of 120,000 keys: the duplicate check is a hash set (it was a
 * quadratic scan: 7e9 comparisons). Accepted, every key present; a
 * duplicate at the end is found and points back at the first. The node
 * count (240,001) is under the cap. */
static void a_mapping_of_120000_keys_is_checked_in_linear_time(void **s)
{
    (void)s;
    size_t cap = 4 << 20, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text + len, "m:\n");
    for (int i = 0; i < 120000; i++)
        len += (size_t)sprintf(text + len, "  k%d: %d\n", i, i);
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", text, &err);
    assert_non_null(doc);
    const struct cfg_node *m = cfg_map_get(cfg_root(doc), "m");
    assert_int_equal(m->count, 120000);
    assert_string_equal(m->keys[119999]->str, "k119999");
    assert_string_equal(m->items[54321]->str, "54321");
    cfg_destroy(doc);
    sprintf(text + len, "  k77777: again\n");
    const char *msg = parse_error(text, &err);
    assert_non_null(strstr(msg, "t.yaml:120002:3: duplicate key 'k77777' (first given at line 77779)"));
    free(text);
}

/* Only regular files are read: a directory, a FIFO (which would block a
 * plain open), a device (/dev/zero never ends) are named for what they are;
 * a file above 16 MiB is refused before it is read. */
static void only_regular_files_of_at_most_16_mib_are_read(void **s)
{
    (void)s;
    struct ab_err err;
    struct cfg_doc *doc;
    char path[320], want[512];
    snprintf(path, sizeof path, "%s/fifo.yaml", ab_test_tmpdir());
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(cfg_load_file(path, &doc, &err), AB_EIO);
    assert_null(doc);
    snprintf(want, sizeof want,
             "%s: is a FIFO (named pipe), not a regular file: the YAML config must be a file", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(cfg_load_file("/dev/zero", &doc, &err), AB_EIO);
    assert_string_equal(err.msg, "/dev/zero: is a character device, not a regular file: the YAML "
                                 "config must be a file");
    snprintf(path, sizeof path, "%s/big.yaml", ab_test_tmpdir());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (16 << 20) + 1), 0); /* sparse: no bytes written */
    fclose(f);
    assert_int_equal(cfg_load_file(path, &doc, &err), AB_EINVAL);
    snprintf(want, sizeof want,
             "%s: the YAML config is 16777217 bytes, more than the limit of 16777216 bytes (16 MiB)",
             path);
    assert_string_equal(err.msg, want);
}

static void long_lines_are_windowed_and_the_message_fits(void **s)
{
    (void)s;
    char text[4096] = "n: [";
    for (int i = 0; i < 400; i++)
        strcat(text, "1, ");
    strcat(text, "0]\n");
    struct ab_err err;
    struct cfg_doc *doc = cfg_parse_string("t.yaml", text, &err);
    assert_non_null(doc);
    const struct cfg_node *n = cfg_map_get(cfg_root(doc), "n");
    long v;
    assert_int_equal(cfg_to_int(cfg_list_at(n, 400), "n", 1, 9, &v, &err), AB_EINVAL);
    assert_true(strlen(err.msg) < sizeof err.msg - 1);
    assert_non_null(strstr(err.msg, "t.yaml:1:1205: 'n' = 0 is out of range [1, 9]\n    ..."));
    /* The caret sits under the 0 in the echoed window. */
    const char *l1 = strchr(err.msg, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
    size_t caret = strlen(l2) - 1;
    assert_int_equal(l2[caret], '^');
    assert_int_equal(l1[caret], '0');
    assert_int_equal(l1[caret + 1], ']');

    /* A message too long for the buffer keeps its position and a caret. */
    static const char *const allowed[] = {
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa8",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa10",
    };
    assert_int_equal(cfg_check_keys(cfg_root(doc), "config", allowed, 10, &err), AB_EINVAL);
    assert_true(strlen(err.msg) < sizeof err.msg);
    assert_non_null(strstr(err.msg, "t.yaml:1:1: unknown key 'n' in config"));
    assert_non_null(strstr(err.msg, "...\n    n: [1, 1,"));
    assert_int_equal(err.msg[strlen(err.msg) - 1], '^');
    cfg_destroy(doc);
}

static void control_and_invalid_utf8_bytes_are_reported_at_their_position(void **s)
{
    (void)s;
    struct ab_err err;
    const char *msg = parse_error("a: 1\nb: x\xff\n", &err);
    assert_string_equal(msg, "t.yaml:2:5: invalid leading UTF-8 octet (0xFF)\n"
                             "    b: x?\n"
                             "        ^");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_block_and_flow_nodes_have_1_based_positions),
        cmocka_unit_test(quoted_and_block_scalars_are_marked_quoted),
        cmocka_unit_test(range_error_deep_in_a_file_quotes_the_line_with_a_caret_under_the_value),
        cmocka_unit_test(caret_stays_aligned_after_tabs_in_the_source_line),
        cmocka_unit_test(tab_indentation_is_named_on_its_line),
        cmocka_unit_test(unterminated_flow_sequence_points_at_its_opening_bracket),
        cmocka_unit_test(duplicate_key_is_reported_at_its_second_occurrence),
        cmocka_unit_test(non_scalar_keys_and_second_documents_are_rejected),
        cmocka_unit_test(unknown_key_suggests_the_nearest_valid_key),
        cmocka_unit_test(unknown_key_without_a_near_match_only_lists_the_valid_keys),
        cmocka_unit_test(wrong_node_kind_is_reported_at_the_node),
        cmocka_unit_test(to_int_accepts_signed_decimals_only),
        cmocka_unit_test(to_real_accepts_finite_decimal_and_scientific),
        cmocka_unit_test(to_bool_accepts_true_false_yes_no),
        cmocka_unit_test(to_bytes_reads_binary_and_decimal_units),
        cmocka_unit_test(to_choice_lists_choices_and_suggests_a_near_miss),
        cmocka_unit_test(empty_and_comment_only_files_are_empty_configs),
        cmocka_unit_test(missing_file_is_an_io_error_naming_the_path),
        cmocka_unit_test(parse_value_reads_flow_text_and_points_errors_into_it),
        cmocka_unit_test(map_set_replaces_existing_keys_and_appends_new_ones),
        cmocka_unit_test(list_views_treat_a_scalar_as_a_one_item_list),
        cmocka_unit_test(aliases_expand_to_copies_of_the_anchored_value),
        cmocka_unit_test(alias_bombs_are_refused),
        cmocka_unit_test(a_megabyte_of_aliases_stops_at_the_node_cap),
        cmocka_unit_test(a_text_of_more_than_a_million_nodes_is_refused),
        cmocka_unit_test(aliases_nested_too_deep_are_refused),
        cmocka_unit_test(anchors_times_aliases_is_capped),
        cmocka_unit_test(a_mapping_of_120000_keys_is_checked_in_linear_time),
        cmocka_unit_test(only_regular_files_of_at_most_16_mib_are_read),
        cmocka_unit_test(long_lines_are_windowed_and_the_message_fits),
        cmocka_unit_test(control_and_invalid_utf8_bytes_are_reported_at_their_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
