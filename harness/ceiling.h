/* ceiling.h — the SGEMM ceiling: what OpenBLAS reaches on this machine, in
 * this process, at this thread count, for the products attention must do.
 *
 * ab_ceiling(d, dv, threads) runs the two products of a query tile, run the
 * way the methods run them — `threads` OpenMP threads, each calling
 * single-threaded SGEMM on its own buffers: logits (256 x d) x (d x 1024) and
 * values (256 x 1024) x (1024 x dv) — for about `seconds` (a third warm-up,
 * then the best of three timed windows), and returns their combined GFLOP/s. Every results row gets sgemm_gflops (this ceiling for its
 * d, dv) and frac_of_sgemm = gflops / sgemm_gflops.
 * Tests: tests/test_cli.c (the columns), `attnbench ceiling` (the table). */
#ifndef AB_CEILING_H
#define AB_CEILING_H

#include <stddef.h>
#include <stdio.h>

/* GFLOP/s of T threads of single-threaded SGEMM on (M x K) (K x N) tiles. */
double ab_sgemm_rate(size_t M, size_t N, size_t K, int threads, int trans_b, double seconds);
/* GFLOP/s of one multi-threaded OpenBLAS SGEMM (M x K) (K x N). */
double ab_sgemm_rate_blas_threads(size_t M, size_t N, size_t K, int threads, double seconds);
/* The float32 FMA peak: `threads` threads of independent 512-bit FMA chains
 * on registers, no memory (the roofline's compute roof, which no kernel with
 * an exp can reach). 0 when not built for AVX-512. */
double ab_fma_peak(int threads, double seconds);
/* The ceiling for head dims (d, dv): see above. Call in a process where
 * OpenMP may start threads (a measurement child). */
double ab_ceiling(size_t d, size_t dv, int threads, double seconds);
/* `attnbench ceiling`: the tile shapes the methods run, large products on
 * OpenBLAS's own threads, the ceiling for d = dv and the FMA peak, as a
 * table on `table` and, when csv is not NULL, as CSV rows (shape, m, n, k,
 * threads, gflops, cpu_threads_model) with their header. The caller sets
 * OpenMP's thread count. */
void ab_ceiling_table(size_t d, int threads, double seconds, FILE *table, FILE *csv);

#endif
