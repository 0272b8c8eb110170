/* hd.h — AB_HD marks small functions that run on the host and the device:
 * shared index and tile logic that a CUDA kernel and its plain-C emulation
 * (tests/test_tiles.c) both call, so the tests run the kernels' arithmetic. */
#ifndef AB_HD_H
#define AB_HD_H

#if defined(__CUDACC__)
#define AB_HD static __host__ __device__ __forceinline__
#else
#define AB_HD static inline
#endif

/* Loops over a per-thread register array: fully unrolled in the device
 * pass (constant indices keep the array in registers). */
#if defined(__CUDA_ARCH__)
#define AB_UNROLL _Pragma("unroll")
#else
#define AB_UNROLL
#endif

#endif
