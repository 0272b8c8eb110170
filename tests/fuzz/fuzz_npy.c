/* fuzz_npy.c — libFuzzer target: any bytes through the .npy reader must give
 * an array or an error message, never a crash, a leak or undefined behaviour.
 * Build: CC=clang cmake -S . -B build-fuzz -DATTNBENCH_FUZZ=ON; run:
 * build-fuzz/tests/fuzz_npy tests/fuzz/corpus_npy -max_total_time=60 */
#include "formats/npy.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ab_npy a;
    struct ab_err err;
    if (ab_npy_read_mem("fuzz.npy", data, size, &a, &err) == AB_OK) {
        /* a success must describe the bytes it was given */
        size_t count = 1;
        for (int i = 0; i < a.ndim; i++)
            count *= a.shape[i];
        if (count != a.count || (count && !a.data))
            __builtin_trap();
        ab_npy_free(&a);
    } else if (!memchr(err.msg, '\0', sizeof err.msg) || strncmp(err.msg, "fuzz.npy", 8) != 0) {
        __builtin_trap(); /* every error names the file */
    }
    return 0;
}
