/* safetensors.h — reading one tensor of a .safetensors file.
 *
 * Format: an 8-byte little-endian header length N, N bytes of JSON (parsed
 * with cJSON) mapping tensor names to {dtype, shape, data_offsets [begin,
 * end)} relative to the byte after the header, then the data. Accepted
 * dtypes: F32, F64 (and F16, BF16, widened to float32); the data come back as
 * float32 in struct ab_npy. Errors name the file and the tensor and the
 * actual cause: a header length beyond the file or above 100 MiB, JSON that
 * does not parse, a header that is not an object (an array, ...), a missing
 * tensor (with the names that exist), a tensor entry that is not an object
 * or lacks a field, another dtype, a shape dimension or offset that is
 * negative, fractional or beyond 2^53, offsets that end before they begin,
 * end past the data or overlap another tensor's, a shape x dtype byte count
 * that differs from the offsets (both quoted), NaN/Inf (with the index).
 * ab_safetensors_read reads regular files only, at most AB_MAX_ARRAY_BYTES
 * (util.h); a FIFO, a device or a directory is named as such.
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
