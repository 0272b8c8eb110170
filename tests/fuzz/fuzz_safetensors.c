/* fuzz_safetensors.c — libFuzzer target: any bytes through the .safetensors
 * reader (tensor "q", data and header-only) must give an array or an error
 * message naming the file, never a crash, a leak or undefined behaviour.
 * Build: CC=clang cmake -S . -B build-fuzz -DATTNBENCH_FUZZ=ON; run:
 * build-fuzz/tests/fuzz_safetensors tests/fuzz/corpus_safetensors -max_total_time=60 */
#include "formats/safetensors.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int header_only = 0; header_only < 2; header_only++) {
        struct ab_npy a;
        struct ab_err err;
        if (ab_safetensors_read_mem("fuzz.st", data, size, "q", header_only, &a, &err) == AB_OK) {
            size_t count = 1; /* a success must describe the bytes it was given */
            for (int i = 0; i < a.ndim; i++)
                count *= a.shape[i];
            if (count != a.count || (!header_only && count && !a.data))
                __builtin_trap();
            ab_npy_free(&a);
        } else if (!memchr(err.msg, '\0', sizeof err.msg) || strncmp(err.msg, "fuzz.st", 7) != 0) {
            __builtin_trap(); /* every error names the file */
        }
    }
    return 0;
}
