/* bigbird.h — what tests share with methods/bigbird: the key blocks a query
 * block attends, computed exactly as the method computes them.
 * Tests: tests/test_bigbird.c. */
#ifndef AB_BIGBIRD_H
#define AB_BIGBIRD_H

#include <stddef.h>
#include <stdint.h>

/* The pattern of one head: nb blocks of `block` tokens cover its valid
 * tokens (the last one ragged); `window` blocks each side of the query
 * block, the first `global` blocks, `random` blocks drawn per (seed, head,
 * query block). */
struct ab_bigbird_pattern {
    size_t block, window, global, random;
    size_t nb;      /* blocks of the head's valid tokens: ceil(valid / block) */
    int causal;     /* keys only in blocks <= the query block */
    uint64_t seed;  /* prob->seed */
    size_t head;
};

/* The key blocks of query block qb, ascending and distinct, into out (room
 * for ab_bigbird_max_blocks); returns their count. A global query block
 * (qb < global) attends every block (causal: every block <= qb). Otherwise:
 * the global blocks, the window qb - window .. qb + window (causal: .. qb),
 * and `random` blocks (fewer if fewer remain) drawn without replacement by
 * Floyd's algorithm among the blocks in neither set (causal: among those
 * before the window). */
size_t ab_bigbird_blocks(const struct ab_bigbird_pattern *pt, size_t qb, size_t *out);
/* An upper bound on the count above for any query block. */
size_t ab_bigbird_max_blocks(const struct ab_bigbird_pattern *pt);

#endif
