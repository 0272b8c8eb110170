/* fuzz_config.c — libFuzzer target: any text through the YAML loader and the
 * plan layer (schema, --set style overrides) must give a plan or a positioned
 * error, never a crash, a leak or undefined behaviour.
 * Build: CC=clang cmake -S . -B build-fuzz -DATTNBENCH_FUZZ=ON; run:
 * build-fuzz/tests/fuzz_config tests/fuzz/corpus_yaml -max_total_time=60 */
#define _POSIX_C_SOURCE 200809L
#include "formats/config.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct ab_err err;
    /* the loader alone, from memory */
    struct cfg_doc *doc = cfg_parse_string("fuzz.yaml", text, &err);
    cfg_destroy(doc);
    /* the plan layer reads a file (relative paths resolve against its folder) */
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/attnbench-fuzz-%ld.yaml", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
        struct ab_plan plan;
        const char *sets[] = {"repeats=1"};
        if (ab_plan_load(path, sets, 1, &plan, &err) == AB_OK)
            ab_plan_free(&plan);
    }
    free(text);
    return 0;
}
