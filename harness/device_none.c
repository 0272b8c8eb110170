/* device_none.c — harness/device.h in a build without CUDA: no device. */
#include "device.h"

#include <stdio.h>

int ab_device_built(void) { return 0; }

int ab_device_probe(char *why, size_t cap)
{
    snprintf(why, cap, "attnbench was built without CUDA (configure with -DATTNBENCH_CUDA=ON)");
    return 0;
}

void ab_device_describe(char *out, size_t cap) { snprintf(out, cap, "none"); }
void ab_dev_mem_reset(uint64_t limit_bytes) { (void)limit_bytes; }
uint64_t ab_dev_mem_peak(void) { return 0; }
uint64_t ab_dev_mem_refused(void) { return 0; }
void *ab_dev_alloc(size_t bytes)
{
    (void)bytes;
    return NULL;
}
void ab_dev_free(void *p) { (void)p; }
uint64_t ab_device_mem_used(void) { return 0; }
int ab_device_timer_start(void) { return -1; }
double ab_device_timer_stop(char *why, size_t cap)
{
    snprintf(why, cap, "no CUDA in this build");
    return -1;
}
