/* device_cuda.cu — harness/device.h on the CUDA runtime. See device.h for
 * the contract (only the measurement child calls these). */
#include "device.h"

#include <cuda_runtime.h>

#include <stdio.h>
#include <string.h>

extern "C" {

int ab_device_built(void) { return 1; }

int ab_device_probe(char *why, size_t cap)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        snprintf(why, cap, "no usable CUDA device: cudaGetDeviceCount: %s (%s)",
                 cudaGetErrorString(e), cudaGetErrorName(e));
        cudaGetLastError(); /* clear the sticky-free error state */
        return 0;
    }
    if (count == 0) {
        snprintf(why, cap, "no CUDA device present");
        return 0;
    }
    e = cudaSetDevice(0);
    if (e == cudaSuccess)
        e = cudaFree(0); /* create the context now, outside any timed region */
    if (e != cudaSuccess) {
        snprintf(why, cap, "CUDA device 0 cannot be used: %s", cudaGetErrorString(e));
        cudaGetLastError();
        return 0;
    }
    return 1;
}

void ab_device_describe(char *out, size_t cap)
{
    cudaDeviceProp prop;
    int dev = 0, drv = 0, rt = 0, sm_khz = 0, mem_khz = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess) {
        snprintf(out, cap, "cuda (unknown device)");
        return;
    }
    cudaDriverGetVersion(&drv);
    cudaRuntimeGetVersion(&rt);
    cudaDeviceGetAttribute(&sm_khz, cudaDevAttrClockRate, dev);
    cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, dev);
    snprintf(out, cap, "%s; cc %d.%d; %d SMs; %.1f GiB; sm %d MHz; mem %d MHz; driver %d.%d; runtime %d.%d",
             prop.name, prop.major, prop.minor, prop.multiProcessorCount,
             (double)prop.totalGlobalMem / 1073741824.0, sm_khz / 1000, mem_khz / 1000, drv / 1000,
             drv % 1000 / 10, rt / 1000, rt % 1000 / 10);
}

/* ---- the counted allocator: a small table of live blocks (methods make
 * one allocation per workspace, so it stays short) ---- */

enum { MAX_LIVE = 1024 };
static struct {
    void *p;
    size_t bytes;
} live[MAX_LIVE];
static size_t nlive;
static uint64_t cur, peak, limit, refused;

void ab_dev_mem_reset(uint64_t limit_bytes)
{
    nlive = 0;
    cur = peak = refused = 0;
    limit = limit_bytes;
}

uint64_t ab_dev_mem_peak(void) { return peak; }
uint64_t ab_dev_mem_refused(void) { return refused; }

void *ab_dev_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if ((limit && cur + bytes > limit) || nlive == MAX_LIVE) {
        refused = bytes;
        return NULL;
    }
    void *p = NULL;
    if (cudaMalloc(&p, bytes) != cudaSuccess) {
        cudaGetLastError();
        refused = bytes;
        return NULL;
    }
    live[nlive].p = p;
    live[nlive].bytes = bytes;
    nlive++;
    cur += bytes;
    if (cur > peak)
        peak = cur;
    return p;
}

void ab_dev_free(void *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < nlive; i++)
        if (live[i].p == p) {
            cur -= live[i].bytes;
            live[i] = live[--nlive];
            break;
        }
    cudaFree(p);
}

uint64_t ab_device_mem_used(void)
{
    size_t freeb = 0, total = 0;
    if (cudaMemGetInfo(&freeb, &total) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return (uint64_t)(total - freeb);
}

/* ---- event timing ---- */

static cudaEvent_t ev_start, ev_stop;
static int have_events;

int ab_device_timer_start(void)
{
    if (!have_events) {
        if (cudaEventCreate(&ev_start) != cudaSuccess || cudaEventCreate(&ev_stop) != cudaSuccess)
            return -1;
        have_events = 1;
    }
    return cudaEventRecord(ev_start, 0) == cudaSuccess ? 0 : -1;
}

double ab_device_timer_stop(char *why, size_t cap)
{
    float ms = -1;
    cudaError_t e = cudaEventRecord(ev_stop, 0);
    if (e == cudaSuccess)
        e = cudaEventSynchronize(ev_stop);
    if (e == cudaSuccess)
        e = cudaEventElapsedTime(&ms, ev_start, ev_stop);
    if (e != cudaSuccess) {
        snprintf(why, cap, "CUDA event timing: %s", cudaGetErrorString(e));
        return -1;
    }
    return (double)ms;
}

} /* extern "C" */
