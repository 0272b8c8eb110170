/* clustered.h — what tests share with methods/clustered: the k-means that
 * groups the queries, exactly as the method runs it.
 * Tests: tests/test_clustered.c. */
#ifndef AB_CLUSTERED_H
#define AB_CLUSTERED_H

#include <stddef.h>
#include <stdint.h>

/* Floats of workspace ab_clustered_kmeans needs. */
size_t ab_clustered_kmeans_floats(size_t D, size_t C);

/* Lloyd's k-means of the L rows of q (L x D) into C <= L clusters: the
 * initial centroids are C distinct rows drawn by Floyd's algorithm from
 * (seed, head), taken in ascending row order; then `iters` >= 1 rounds of
 * assignment (nearest centroid, squared Euclidean distance |c|^2 - 2 q.c by
 * SGEMM, the lowest index on ties) and update (each centroid the float64
 * mean of its members; an empty cluster keeps its centroid). On return
 * assign[i] is row i's cluster in the last assignment and cent (C x D) the
 * means of that assignment. */
void ab_clustered_kmeans(const float *q, size_t L, size_t D, size_t C, int iters, uint64_t seed,
                         size_t head, uint32_t *assign, float *cent, float *work);

#endif
