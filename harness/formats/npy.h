/* npy.h — NumPy .npy reader and writer.
 *
 * Reads format versions 1.0, 2.0 and 3.0; dtype little-endian float32 ('<f4')
 * or float64 ('<f8') (also '=' or '|' byte-order marks on this little-endian
 * host); C order only; any number of dimensions up to AB_NPY_MAXDIM. The data
 * come back as float32 (float64 is converted; a value beyond float32's range
 * is an error). Everything else is a clear error naming the file and what is
 * wrong: bad magic, unknown version, malformed or huge (> 1 MiB) header,
 * Fortran order, big-endian, other dtypes, a shape whose byte count overflows,
 * truncated data, trailing bytes, NaN or Inf (with the index of the first).
 * Only regular files are read (at most AB_MAX_ARRAY_BYTES, util.h): a FIFO,
 * a device or a directory is named as such, and a FIFO cannot block.
 *
 * Tests: tests/test_npy.c (round trip, every malformed-header case).
 */
#ifndef AB_NPY_H
#define AB_NPY_H

#include "attnbench.h"

#include <stddef.h>

#define AB_NPY_MAXDIM 8

enum ab_npy_dtype { AB_NPY_F32 = 0, AB_NPY_F64 = 1 };

struct ab_npy {
    int ndim;
    size_t shape[AB_NPY_MAXDIM];
    size_t count;              /* product of shape */
    enum ab_npy_dtype src_dtype; /* dtype in the file */
    float *data;               /* count floats, 64-byte aligned; free with ab_npy_free */
};

/* Read `path`. On error returns AB_EINVAL (bad content) or AB_EIO (cannot
 * open/read), err->msg starts with the path, and *out is left empty. */
int ab_npy_read(const char *path, struct ab_npy *out, struct ab_err *err);
/* The same from memory (`name` is used in messages): the fuzzing entry. */
int ab_npy_read_mem(const char *name, const void *buf, size_t len, struct ab_npy *out,
                    struct ab_err *err);
void ab_npy_free(struct ab_npy *a);
/* Read and validate only the header of `path` (no data, no NaN check): the
 * shape and dtype for planning. out->data stays NULL. The file's size must
 * match the shape (a truncated file is reported here already). */
int ab_npy_peek(const char *path, struct ab_npy *out, struct ab_err *err);

/* Write a float32 C-order array as .npy version 1.0. Writes to a temporary
 * file beside `path` and renames it, so a reader never sees a torn file. */
int ab_npy_write_f32(const char *path, const size_t *shape, int ndim, const float *data,
                     struct ab_err *err);
/* Same for float64 ('<f8'). */
int ab_npy_write_f64(const char *path, const size_t *shape, int ndim, const double *data,
                     struct ab_err *err);

#endif
