/* test_csv.c — the results file: quoting round trip, resume loading ids,
 * torn last line cut, header mismatch and overwrite protection. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock */
#include "formats/csv.h"
#include "formats/table.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

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
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 0, 1, &err), AB_OK);
    const char *r1[] = {"id1", "ok", "", "1.5"};
    const char *r2[] = {"id2", "crashed", "killed, by \"signal\"\nhere", NULL};
    assert_int_equal(ab_csv_append(&csv, r1, &err), AB_OK);
    assert_int_equal(ab_csv_append(&csv, r2, &err), AB_OK);
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1.5\n"
                                     "id2,crashed,\"killed, by \"\"signal\"\" here\",\n");
    /* without --resume or --force, an existing file is kept */
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 0, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "--resume"));
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 1, 0, &err), AB_OK);
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
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1"));
    assert_false(ab_csv_has(&csv, "id2"));
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1\n");
    /* a file without a key column is not resumed, and not touched */
    const char *nokey[] = {"id", "status"};
    assert_int_equal(ab_csv_open(&csv, path, nokey, 2, nokey, 2, 1, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "torn.csv:1: lacks the column(s) id"));
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1\n");

    assert_int_equal(ab_csv_open(&csv, "/nonexistent-dir/r.csv", cols, 4, NULL, 0, 0, 0, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/r.csv"));
}

static const char *put(const char *name, const char *text, size_t len);

/* A study that grew: the file lacks a column of this run (added at the end,
 * old rows empty there) and has one this run lacks (kept, empty in new
 * rows); cells go by name, whatever the order. */
static void resume_takes_the_union_of_columns_and_writes_cells_by_name(void **s)
{
    (void)s;
    const char *old = "row_id,x,status,gone\nid1,1,ok,g\n";
    const char *path = put("grow.csv", old, strlen(old));
    const char *now[] = {"row_id", "status", "x", "newp"};
    const char *keys[] = {"row_id", "status"};
    struct ab_csv csv;
    struct ab_err err;
    assert_int_equal(ab_csv_open(&csv, path, now, 4, keys, 2, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1"));
    assert_string_equal(ab_csv_prev_cell(&csv, 0, "x"), "1");
    assert_string_equal(ab_csv_prev_cell(&csv, 0, "newp"), "");
    const char *r2[] = {"id2", "ok", "2", "p"};
    assert_int_equal(ab_csv_append(&csv, r2, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id2"));
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,x,status,gone,newp\nid1,1,ok,g,\nid2,2,ok,,p\n");
    /* resumed again with the same columns: nothing rewritten, both rows there */
    assert_int_equal(ab_csv_open(&csv, path, now, 4, keys, 2, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1") && ab_csv_has(&csv, "id2"));
    ab_csv_close(&csv);
    assert_string_equal(slurp(path), "row_id,x,status,gone,newp\nid1,1,ok,g,\nid2,2,ok,,p\n");
}

static void a_full_disk_is_an_error_not_a_lost_row(void **s)
{
    (void)s;
    struct ab_csv csv;
    struct ab_err err;
    /* /dev/full accepts the open and fails every write */
    int rc = ab_csv_open(&csv, "/dev/full", cols, 4, NULL, 0, 0, 1, &err);
    assert_int_equal(rc, AB_EIO);
    assert_non_null(strstr(err.msg, "/dev/full"));
}

static const char *put(const char *name, const char *text, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", ab_test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static int load(const char *name, const char *text, size_t len, struct ab_table *t, struct ab_err *err)
{
    int rc = ab_table_load(put(name, text, len), t, err);
    if (rc == AB_OK)
        return rc;
    /* never the old vague wordings (a count of -1; the temporary folder's
     * random name may hold "-1", so only a count is looked for) */
    assert_null(strstr(err->msg, " -1"));
    assert_null(strstr(err->msg, "header has 0"));
    return rc;
}

static void split_counts_fields_beyond_max(void **s)
{
    (void)s;
    char line[] = "a,b,c,d,e\r\n";
    char *f[2];
    assert_int_equal(ab_csv_split(line, f, 2), 5);
    assert_string_equal(f[0], "a");
    assert_string_equal(f[1], "b");
    char cr[] = "a\rb,c\r\n"; /* a lone CR inside a cell is data */
    assert_int_equal(ab_csv_split(cr, f, 2), 2);
    assert_string_equal(f[0], "a\rb");
    assert_string_equal(f[1], "c");
    char after[] = "\"a\"x,b\n";
    assert_int_equal(ab_csv_split(after, f, 2), -1);
}

static void table_reader_names_every_bad_line(void **s)
{
    (void)s;
    struct ab_table t;
    struct ab_err err;
    /* too many fields: the counts, not "malformed quoted field" */
    const char *wide = "a,b\n1,2\n1,2,3\n";
    assert_int_equal(load("wide.csv", wide, strlen(wide), &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "wide.csv:3: line 3 has 3 fields, the header has 2"));
    const char *narrow = "a,b\n1,2\n\n1\n";
    assert_int_equal(load("narrow.csv", narrow, strlen(narrow), &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "narrow.csv:4: line 4 has 1 fields, the header has 2"));
    const char *quote = "a,b\n1,\"2\n";
    assert_int_equal(load("quote.csv", quote, strlen(quote), &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "quote.csv:2: a malformed quoted field"));
    /* a NUL byte: an error at its line, never a silent stop */
    const char nul[] = "a,b\n1,2\n3,\0" "4\n5,6\n";
    assert_int_equal(load("nul.csv", nul, sizeof nul - 1, &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "nul.csv:3: a NUL byte at column 3"));
    const char nulh[] = "\0a,b\n1,2\n";
    assert_int_equal(load("nulh.csv", nulh, sizeof nulh - 1, &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "nulh.csv:1: a NUL byte at column 1"));
    /* a torn last line is reported */
    const char *torn = "a,b\n1,2\n3,";
    assert_int_equal(load("torn.csv", torn, strlen(torn), &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "torn.csv:3: the last line has no newline"));
    const char *empty = "";
    assert_int_equal(load("empty.csv", empty, 0, &t, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "empty.csv: empty file"));
    /* a UTF-8 BOM (Excel) and CRLF line ends are read */
    const char *bom = "\xEF\xBB\xBFrow_id,x\r\nr1,\"1,5\"\r\nr2,2\r\n";
    assert_int_equal(load("bom.csv", bom, strlen(bom), &t, &err), AB_OK);
    assert_int_equal(ab_table_col(&t, "row_id"), 0);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(ab_table_str(&t, 0, 1), "1,5");
    assert_string_equal(ab_table_str(&t, 1, 1), "2");
    assert_int_equal(ab_table_line(&t, 1), 3);
    ab_table_free(&t);
    /* no fixed column limit */
    size_t ncols = 3 * AB_CSV_MAX_COLS, cap = ncols * 16 * 2 + 16;
    char *big = malloc(cap), *p = big;
    for (int row = 0; row < 2; row++)
        for (size_t c = 0; c < ncols; c++)
            p += sprintf(p, row ? "%zu%s" : "c%zu%s", c, c + 1 < ncols ? "," : "\n");
    assert_int_equal(load("big.csv", big, strlen(big), &t, &err), AB_OK);
    assert_int_equal(t.ncols, ncols);
    assert_int_equal(t.nrows, 1);
    assert_string_equal(ab_table_str(&t, 0, (int)ncols - 1), "479");
    ab_table_free(&t);
    free(big);
}

static void resume_reader_reports_nul_bytes_and_ragged_lines(void **s)
{
    (void)s;
    struct ab_csv csv;
    struct ab_err err;
    const char nul[] = "row_id,status,error,x\nid1,ok,,1\nid2,\0k,,1\nid3,ok,,1\n";
    const char *path = put("rnul.csv", nul, sizeof nul - 1);
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 1, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "rnul.csv:3: a NUL byte at column 5"));
    /* the file is not cut */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, sizeof nul - 1);
    const char *wide = "row_id,status,error,x\nid1,ok,,1,extra\n";
    path = put("rwide.csv", wide, strlen(wide));
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 1, 0, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "rwide.csv:2: line 2 has 5 fields, the header has 4"));
    const char *bom = "\xEF\xBB\xBFrow_id,status,error,x\nid1,ok,,1\n";
    path = put("rbom.csv", bom, strlen(bom));
    assert_int_equal(ab_csv_open(&csv, path, cols, 4, NULL, 0, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&csv, "id1"));
    ab_csv_close(&csv);
}

/* A results file is held under an exclusive lock: a second writer is refused
 * and the file is left as it was. */
static void a_second_writer_is_refused(void **s)
{
    (void)s;
    char path[512];
    snprintf(path, sizeof path, "%s/locked.csv", ab_test_tmpdir());
    struct ab_csv a, b;
    struct ab_err err;
    assert_int_equal(ab_csv_open(&a, path, cols, 4, NULL, 0, 0, 1, &err), AB_OK);
    const char *r1[] = {"id1", "ok", "", "1"};
    assert_int_equal(ab_csv_append(&a, r1, &err), AB_OK);
    for (int mode = 0; mode < 3; mode++) { /* --resume, --force, neither */
        assert_int_not_equal(ab_csv_open(&b, path, cols, 4, NULL, 0, mode == 0, mode == 1, &err), AB_OK);
        if (mode < 2)
            assert_non_null(strstr(err.msg, "in use by another attnbench run"));
    }
    assert_string_equal(slurp(path), "row_id,status,error,x\nid1,ok,,1\n");
    ab_csv_close(&a);
    /* a lock held by another open file description (another process) */
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    assert_int_equal(ab_csv_open(&b, path, cols, 4, NULL, 0, 1, 0, &err), AB_EIO);
    assert_non_null(strstr(err.msg, "locked.csv is in use by another attnbench run"));
    close(fd);
    assert_int_equal(ab_csv_open(&b, path, cols, 4, NULL, 0, 1, 0, &err), AB_OK);
    assert_true(ab_csv_has(&b, "id1"));
    ab_csv_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_handles_quotes_commas_and_empty_fields),
        cmocka_unit_test(rows_round_trip_and_resume_sees_their_ids),
        cmocka_unit_test(resume_cuts_a_torn_last_line_and_checks_the_header),
        cmocka_unit_test(resume_takes_the_union_of_columns_and_writes_cells_by_name),
        cmocka_unit_test(a_full_disk_is_an_error_not_a_lost_row),
        cmocka_unit_test(split_counts_fields_beyond_max),
        cmocka_unit_test(table_reader_names_every_bad_line),
        cmocka_unit_test(resume_reader_reports_nul_bytes_and_ragged_lines),
        cmocka_unit_test(a_second_writer_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
