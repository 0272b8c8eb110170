/* test_csv.c — the results file: quoting round trip, resume loading ids,
 * torn last line cut, header mismatch and overwrite protection. */
#define _POSIX_C_SOURCE 200809L
#include "formats/csv.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cols[] = {"row_id", "status", "error", "x"};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void split_handles_quotes_commas_and_empty_fields(void **s)
{
    (void)s;
    char line[] = "a,\"b,c\",,\"he said \"\"hi\"\"\",e\n";
    char *f[8];
    assert_int_equal(ab_csv_split(line, f, 8), 5);
    assert_string_equal(f[0], "a");
    assert_string_equal(f[1], "b,c");
    assert_string_equal(f[2], "");
    assert_string_equal(f[3], "he said \"hi\"");
    assert_string_equal(f[4], "e");
    char bad[] = "a,\"unterminated\n";
    assert_int_equal(ab_csv_split(bad, f, 8), -1);
}

static void rows_round_trip_and_resume_sees_their_ids(void **s)
{
    (void)s;
    char path[512];
    snprintf(path, sizeof path, "%s/r.csv", ab_test_tmpdir());
    struct ab_csv csv;
    struct ab_err err;
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, 0, 1, &err), AB_OK);
    const char *r1[] = {"id1", "ok", "", "1.5"};
    const char *r2[] = {"id2", "crashed", "killed, by \"signal\"\nhere", NULL};
    assert_int_equal(ab_csv_append(&csv, r1, &err), AB_OK);
    assert_int_equal(ab_csv_append(&csv, r2, &err), AB_OK);
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1.5\n"
                                     "id2,crashed,\"killed, by \"\"signal\"\" here\",\n");
    /* without --resume or --force, an existing file is kept */
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, 0, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "--resume"));
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1") && ab_csv_has(&csv, "id2") && !ab_csv_has(&csv, "id3"));
    const char *r3[] = {"id3", "ok", "", "2"};
    assert_int_equal(ab_csv_append(&csv, r3, &err), AB_OK);
    ab_csv_close(&csv);
    assert_non_null(strstr(slurp(path), "\nid3,ok,,2\n"));
}

static void resume_cuts_a_torn_last_line_and_checks_the_header(void **s)
{
    (void)s;
    char path[512];
    snprintf(path, sizeof path, "%s/torn.csv", ab_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("row_id,status,error,x\nid1,ok,,1\nid2,o", f); /* interrupted mid-row */
    fclose(f);
    struct ab_csv csv;
    struct ab_err err;
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1"));
    assert_false(ab_csv_has(&csv, "id2"));
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1\n");
    const char *other[] = {"row_id", "status", "error", "y"};
    assert_int_equal(ab_csv_open(&csv, path, other, 4, 1, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "columns differ"));
    assert_int_equal(ab_csv_open(&csv, "/nonexistent-dir/r.csv", cols, 4, 0, 0, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/r.csv"));
}

static void a_full_disk_is_an_error_not_a_lost_row(void **s)
{
    (void)s;
    struct ab_csv csv;
    struct ab_err err;
    /* /dev/full accepts the open and fails every write */
    int rc = ab_csv_open(&csv, "/dev/full", cols, 4, 0, 1, &err);
    assert_int_equal(rc, AB_EIO);
    assert_non_null(strstr(err.msg, "/dev/full"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_handles_quotes_commas_and_empty_fields),
        cmocka_unit_test(rows_round_trip_and_resume_sees_their_ids),
        cmocka_unit_test(resume_cuts_a_torn_last_line_and_checks_the_header),
        cmocka_unit_test(a_full_disk_is_an_error_not_a_lost_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
