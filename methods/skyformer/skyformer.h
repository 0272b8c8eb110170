/* skyformer.h — what tests/test_skyformer.c needs from skyformer_cpu.c: the
 * landmark draw, so that a float64 reference can use the same landmarks. */
#ifndef AB_SKYFORMER_H
#define AB_SKYFORMER_H

#include <stddef.h>
#include <stdint.h>

/* The M landmarks of a head with `valid` tokens: floor(M/2) distinct query
 * rows, then M - floor(M/2) distinct key rows, each set uniform without
 * replacement over [0, valid) (Knuth's selection sampling, ascending), from
 * the stream (seed, head). idx[l] < valid is query row idx[l]; idx[l] >=
 * valid is key row idx[l] - valid. Requires M - floor(M/2) <= valid. */
void ab_skyformer_select(uint64_t seed, size_t head, size_t valid, size_t m, size_t *idx);

#endif
