/* test_isolate.c — harness/isolate.c: a function run in a forked child
 * comes back as its reply, or as the way the child ended (a signal, the
 * SIGKILL the OOM killer sends, an exit before replying, the timeout, an
 * interruption), and the parent carries on after each. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "isolate.h"
#include "result.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct reply {
    uint64_t value;
    int refused;
    char text[40];
};

enum { DO_REPLY, DO_SEGV, DO_KILL, DO_EXIT3, DO_SLEEP, DO_ALLOC, DO_HELPER, DO_TELL_SLEEP };

struct job {
    int what;
    uint64_t x;
    size_t bytes;
    int fd; /* DO_TELL_SLEEP: where the child writes its pid */
};

static void child(const void *arg, void *out)
{
    const struct job *j = arg;
    struct reply *r = out;
    memset(r, 0, sizeof *r);
    switch (j->what) {
    case DO_REPLY:
        r->value = j->x * 3 + 1;
        snprintf(r->text, sizeof r->text, "from pid %ld", (long)getpid());
        break;
    case DO_SEGV:
        raise(SIGSEGV);
        break;
    case DO_KILL:
        raise(SIGKILL);
        break;
    case DO_EXIT3:
        _exit(3);
    case DO_SLEEP:
        for (;;)
            pause();
    case DO_HELPER: { /* a helper process the method leaves running */
        pid_t g = fork();
        if (g == 0)
            for (;;)
                pause();
        r->value = (uint64_t)g;
        break;
    }
    case DO_TELL_SLEEP: {
        pid_t me = getpid();
        if (write(j->fd, &me, sizeof me) != (ssize_t)sizeof me)
            _exit(2);
        for (;;)
            pause();
    }
    case DO_ALLOC: {
        char *volatile p = malloc(j->bytes); /* (volatile: a compiler may not elide it) */
        r->refused = p == NULL;
        free(p);
        break;
    }
    }
}

static int run(int what, double timeout, uint64_t mem, volatile sig_atomic_t *stop,
               struct reply *r, struct ab_isolate_end *end)
{
    struct job j = {what, ab_test_seed() % 1000000, 0, -1};
    if (what == DO_ALLOC)
        j.bytes = (size_t)mem + (6ull << 30); /* past the cap and its 2 GiB slack */
    int outcome = ab_isolate(child, &j, r, sizeof *r, timeout, mem, stop, end);
    if (what == DO_REPLY && outcome == AB_ISO_OK)
        assert_int_equal(r->value, j.x * 3 + 1);
    return outcome;
}

static void reply_arrives_whole_from_another_process(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_REPLY, 30, 0, NULL, &r, &end), AB_ISO_OK);
    char mine[40];
    snprintf(mine, sizeof mine, "from pid %ld", (long)getpid());
    assert_string_not_equal(r.text, mine);
}

static void crash_is_reported_with_its_signal(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_SEGV, 30, 0, NULL, &r, &end), AB_ISO_SIGNAL);
    assert_int_equal(end.sig, SIGSEGV);
    assert_non_null(strstr(end.msg, "signal 11"));
}

static void sigkill_reads_as_the_oom_killer(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_KILL, 30, 0, NULL, &r, &end), AB_ISO_KILLED);
    assert_non_null(strstr(end.msg, "OOM"));
}

static void exit_before_reply_is_not_a_reply(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_EXIT3, 30, 0, NULL, &r, &end), AB_ISO_EXITED);
    assert_int_equal(end.status, 3);
}

static void hang_is_killed_at_the_timeout(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_SLEEP, 0.2, 0, NULL, &r, &end), AB_ISO_TIMEOUT);
    assert_non_null(strstr(end.msg, "timeout"));
}

static void raised_stop_kills_the_child(void **st)
{
    (void)st;
    struct reply r;
    struct ab_isolate_end end;
    volatile sig_atomic_t stop = 1;
    assert_int_equal(run(DO_SLEEP, 60, 0, &stop, &r, &end), AB_ISO_INTERRUPTED);
}

static void memory_cap_refuses_a_large_allocation(void **st)
{
    (void)st;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* no address-space cap under AddressSanitizer (see isolate.h) */
#else
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_ALLOC, 30, 64ull << 20, NULL, &r, &end), AB_ISO_OK);
    assert_int_equal(r.refused, 1);
#endif
}

/* Orphans reparent to this process (a subreaper), so that their end can be
 * waited for and read. */
static pid_t wait_end(pid_t pid, int *status)
{
    alarm(30); /* a process that never ends fails the test instead of hanging it */
    pid_t r;
    while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
        ;
    alarm(0);
    return r;
}

static void helper_processes_do_not_outlive_the_row(void **st)
{
    (void)st;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    struct reply r;
    struct ab_isolate_end end;
    assert_int_equal(run(DO_HELPER, 30, 0, NULL, &r, &end), AB_ISO_OK);
    pid_t helper = (pid_t)r.value;
    assert_true(helper > 0);
    int status = 0;
    assert_int_equal(wait_end(helper, &status), helper);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void the_child_dies_with_its_parent(void **st)
{
    (void)st;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t parent = fork();
    assert_true(parent >= 0);
    if (parent == 0) { /* a sweep, measuring a row that hangs */
        struct job j = {DO_TELL_SLEEP, 0, 0, fds[1]};
        struct reply r;
        struct ab_isolate_end end;
        ab_isolate(child, &j, &r, sizeof r, 600, 0, NULL, &end);
        _exit(0);
    }
    close(fds[1]);
    pid_t measuring = 0;
    assert_int_equal(read(fds[0], &measuring, sizeof measuring), (ssize_t)sizeof measuring);
    close(fds[0]);
    kill(parent, SIGKILL); /* the sweep is killed, as by the OOM killer or kill -9 */
    int status = 0;
    assert_int_equal(wait_end(parent, &status), parent);
    assert_int_equal(wait_end(measuring, &status), measuring);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* The row-level view: each end becomes a status with its reason. */
static void crash(const void *arg, struct ab_result *res)
{
    (void)arg;
    (void)res;
    raise(SIGABRT);
}

static void fine(const void *arg, struct ab_result *res)
{
    ab_result_init(res);
    res->out_rel_fro = *(const double *)arg;
}

static void isolated_result_carries_status_and_values(void **st)
{
    (void)st;
    struct ab_result res;
    double x = (double)(ab_test_seed() % 1000) / 7.0;
    ab_result_isolated(fine, &x, 30, 0, NULL, &res);
    assert_int_equal(res.status, AB_ROW_OK);
    assert_true(res.out_rel_fro == x);
    ab_result_isolated(crash, NULL, 30, 0, NULL, &res);
    assert_int_equal(res.status, AB_ROW_CRASHED);
    assert_string_equal(ab_row_status_name(res.status), "crashed");
    assert_non_null(strstr(res.error, "signal 6"));
    assert_true(res.out_rel_fro != res.out_rel_fro); /* NaN: an empty cell */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reply_arrives_whole_from_another_process),
        cmocka_unit_test(crash_is_reported_with_its_signal),
        cmocka_unit_test(sigkill_reads_as_the_oom_killer),
        cmocka_unit_test(exit_before_reply_is_not_a_reply),
        cmocka_unit_test(hang_is_killed_at_the_timeout),
        cmocka_unit_test(raised_stop_kills_the_child),
        cmocka_unit_test(memory_cap_refuses_a_large_allocation),
        cmocka_unit_test(helper_processes_do_not_outlive_the_row),
        cmocka_unit_test(the_child_dies_with_its_parent),
        cmocka_unit_test(isolated_result_carries_status_and_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
