/* safetensors.h — reading one tensor of a .safetensors file.
 *
 * Format: an 8-byte little-endian header length N, N bytes of JSON (parsed
 * with cJSON) mapping tensor names to {dtype, shape, data_offsets [begin,
 * end)} relative to the byte after the header, then the data. Accepted
 * dtypes: F32, F64 (and F16, BF16, widened to float32); the data come back as
 * float32 in struct ab_npy. Errors name the file and the tensor: a header
 * length beyond the file or above 100 MiB, JSON that does not parse, a
 * missing tensor (with the names that exist), another dtype, a shape whose
 * byte count differs from its offsets, offsets outside the data, NaN/Inf
 * (with the index).
 * Tests: tests/test_real.c. */
#ifndef AB_SAFETENSORS_H
#define AB_SAFETENSORS_H

#include "formats/npy.h"

/* header_only: fill ndim/shape/count and validate, without reading data. */
int ab_safetensors_read(const char *path, const char *tensor, int header_only, struct ab_npy *out,
                        struct ab_err *err);
/* The same from memory (the fuzzing entry); name is used in messages. */
int ab_safetensors_read_mem(const char *name, const void *buf, size_t len, const char *tensor,
                            int header_only, struct ab_npy *out, struct ab_err *err);

#endif
