/* device.h — the CUDA device as the harness sees it: whether one is usable,
 * its description for the `device` column, the counted device allocator
 * handed to CUDA methods (prob->dev_alloc), the device memory in use
 * (cudaMemGetInfo), and event timing of the timed forward.
 *
 * Implemented by harness/device_cuda.cu in a CUDA build and by
 * harness/device_none.c otherwise (every query then answers "no device").
 * Only the measurement child may call these: a CUDA context does not survive
 * fork(), so the parent process (plan, references, CSV) never touches the
 * device. `estimate` of a CUDA method must not touch it either (--dry-run
 * calls it in the parent).
 *
 * Tests: tests/test_backends.c (probe, allocator counters), tests/test_cli.c
 * (a cuda row without a device is an `error` row with the reason). */
#ifndef AB_DEVICE_H
#define AB_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when attnbench was built with the CUDA backend. */
int ab_device_built(void);
/* 1 when a CUDA device can be used (device 0 is selected); otherwise 0 and
 * `why` says why (no CUDA in the build, no driver, no device...). */
int ab_device_probe(char *why, size_t cap);
/* "NVIDIA H100 80GB HBM3; cc 9.0; 132 SMs; 79.1 GiB; sm 1980 MHz; mem 2619 MHz;
 * driver 13.0; runtime 13.0" (after a successful probe). */
void ab_device_describe(char *out, size_t cap);

/* The device allocator: cudaMalloc (256-byte aligned), live bytes counted,
 * the peak kept, NULL beyond the limit or when cudaMalloc fails. */
void ab_dev_mem_reset(uint64_t limit_bytes); /* 0 = no limit */
uint64_t ab_dev_mem_peak(void);
uint64_t ab_dev_mem_refused(void);
void *ab_dev_alloc(size_t bytes);
void ab_dev_free(void *p);

/* Device memory in use by every process and context (total - free), or
 * 0 on error. */
uint64_t ab_device_mem_used(void);

/* Time device work with events on the legacy default stream: start records
 * an event, stop records another, waits for it and returns the milliseconds
 * between the two (negative on error, with `why`). */
int ab_device_timer_start(void);
double ab_device_timer_stop(char *why, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
