/* alloc.c — see alloc.h. Each block carries a 64-byte header holding its
 * size, so that free can count it back. */
#include "alloc.h"

#include "base/util.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_uint_fast64_t live, peak, limit, refused, sys_refused, count;

void ab_mem_reset(uint64_t limit_bytes)
{
    atomic_store(&live, 0);
    atomic_store(&peak, 0);
    atomic_store(&refused, 0);
    atomic_store(&sys_refused, 0);
    atomic_store(&count, 0);
    atomic_store(&limit, limit_bytes);
}

uint64_t ab_mem_peak(void) { return atomic_load(&peak); }
uint64_t ab_mem_live(void) { return atomic_load(&live); }
uint64_t ab_mem_refused(void) { return atomic_load(&refused); }
uint64_t ab_mem_sys_refused(void) { return atomic_load(&sys_refused); }
uint64_t ab_mem_count(void) { return atomic_load(&count); }

void *ab_mem_alloc(size_t bytes)
{
    uint64_t lim = atomic_load(&limit);
    uint64_t now = atomic_fetch_add(&live, bytes) + bytes;
    if (lim && now > lim) {
        atomic_fetch_sub(&live, bytes);
        atomic_store(&refused, bytes);
        return NULL;
    }
    char *p = ab_aligned_alloc(bytes + AB_ALIGN);
    if (!p) { /* within the limit, but the system said no */
        atomic_fetch_sub(&live, bytes);
        atomic_store(&sys_refused, bytes);
        return NULL;
    }
    uint64_t old = atomic_load(&peak);
    while (now > old && !atomic_compare_exchange_weak(&peak, &old, now))
        ;
    atomic_fetch_add(&count, 1);
    *(size_t *)p = bytes;
    return p + AB_ALIGN;
}

void ab_mem_free(void *ptr)
{
    if (!ptr)
        return;
    char *p = (char *)ptr - AB_ALIGN;
    atomic_fetch_sub(&live, *(size_t *)p);
    ab_aligned_free(p);
}
