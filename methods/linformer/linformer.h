/* linformer.h — what tests share with methods/linformer: the random
 * projections, drawn exactly as the method draws them.
 * Tests: tests/test_linformer.c. */
#ifndef AB_LINFORMER_H
#define AB_LINFORMER_H

#include <stddef.h>
#include <stdint.h>

/* E (k x n, row-major) with entries N(0, 1/k) from the project PRNG, for
 * `which` = 'E' or 'F' (F = E when keys and values share the projection). */
void ab_linformer_projection(uint64_t seed, int which, size_t k, size_t n, float *E);

#endif
