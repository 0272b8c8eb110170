/* threads.h — the thread policy of the measurement: OpenMP threads over
 * tiles and heads, OpenBLAS's own pool at one thread (OpenBLAS threads
 * inside our OpenMP threads would oversubscribe the cores, and its workers
 * keep spinning after a call). The driver sets it before each measurement,
 * reference and ceiling; the ceiling alone raises OpenBLAS's pool to measure
 * its multi-threaded SGEMM.
 * Tests: tests/test_cli.c (rows at 1 and 2 threads). */
#ifndef AB_THREADS_H
#define AB_THREADS_H

/* Set OpenBLAS's own thread count. */
void ab_blas_set_threads(int n);

#endif
