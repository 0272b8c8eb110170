/* alloc.h — the harness allocator handed to methods (prob->alloc/free): it
 * counts live bytes, keeps the peak (peak_bytes) and refuses allocations past
 * a limit (status "oom"). One process measures one row at a time, so the
 * counters are process-wide; they are atomic because methods may allocate
 * from OpenMP threads. Tests: tests/test_cli.c (peak_bytes, the oom status),
 * tests/test_contract.c (estimate vs peak, no allocation in forward). */
#ifndef AB_ALLOC_H
#define AB_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void ab_mem_reset(uint64_t limit_bytes); /* zero the counters; 0 = no limit */
uint64_t ab_mem_peak(void);
uint64_t ab_mem_live(void);
uint64_t ab_mem_refused(void); /* size of the last request over the limit, or 0 */
/* size of the last request within the limit that the system refused (the
 * child's address-space cap, or the machine's memory), or 0 */
uint64_t ab_mem_sys_refused(void);
uint64_t ab_mem_count(void);   /* allocations granted since the reset */
void *ab_mem_alloc(size_t bytes);
void ab_mem_free(void *p);

#endif
