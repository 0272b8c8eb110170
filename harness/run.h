/* run.h — the sweep driver: every row of a plan measured in isolation.
 *
 * For each data instance (entry x seed) the driver generates or loads Q, K, V
 * (in the parent, single-threaded), gets the float64 reference from the cache
 * or computes it in a child process, then measures each method row in its own
 * forked child: memory limit (the harness allocator, plus RLIMIT_AS as a
 * safety net), a timeout, OpenMP threads = `threads`, OpenBLAS at 1 thread.
 * A crash, an allocation refused, a hang or a NaN output becomes a row with
 * that status, and the sweep goes on. Rows are appended and flushed as they
 * finish; Ctrl-C (or SIGTERM, SIGHUP) kills the row in flight and leaves a
 * valid CSV; --resume skips rows already in the file, after checking that
 * they were measured on the same inputs (inputs.h); --retry-failed also
 * measures again the rows that did not succeed. The exit status counts the
 * failures in the whole file, the rows kept from before included.
 *
 * Tests: tests/test_cli.c (faults, resume, SIGINT), tests/test_bad_inputs.c, tests/test_merge.c. */
#ifndef AB_RUN_H
#define AB_RUN_H

#include "attnbench.h"
#include "plan.h"
#include "progress.h"
#include "result.h"

struct ab_run_opts {
    const char *out;          /* CSV path */
    const char *save_outputs; /* directory for <row_id>.npy, or NULL */
    int resume, force, dry_run;
    int retry_failed;         /* with resume: rows that did not succeed are measured again */
    int no_fork;              /* measure in-process (debugging, valgrind): no isolation */
    int progress;             /* enum ab_progress_mode (progress.h) */
    int shard, nshards;       /* --shard i/N: this is shard i (1-based) of N; 0/0: all */
};

/* Exit codes of ab_run (and of `attnbench run`). */
enum { AB_EXIT_OK = 0, AB_EXIT_USAGE = 2, AB_EXIT_ROWS_FAILED = 3, AB_EXIT_INTERRUPTED = 130 };

/* Whether a data instance of `pd` (Q, K, V in float32), with want_ref its
 * float64 reference (output and row normalisers), and `extra_bytes` more
 * (named by extra_what in the message; 0 and NULL for none) fit in the
 * memory available now; else AB_ENOMEM and the reason. The sweep checks it
 * before making each instance (its rows become `skipped` with the reason,
 * instead of an OOM kill of the whole sweep); `heatmap` before making its one. */
int ab_data_fits(const struct ab_plan_data *pd, int want_ref, double extra_bytes, const char *extra_what,
                 struct ab_err *err);

/* Run (or, with dry_run, print) the plan. Returns an AB_EXIT_* code; with
 * AB_EXIT_USAGE err holds the message. */
int ab_run(const struct ab_plan *plan, const struct ab_run_opts *opts, struct ab_err *err);

#endif
