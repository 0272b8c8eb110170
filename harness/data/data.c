/* data.c — the data-kind table and what every kind shares. The synthetic
 * generators are in data_synth.c, the file sources in data_npy.c.
 * Tests: tests/test_data.c. */
#include "data/data.h"

#include "base/util.h"

#include <string.h>

extern const struct ab_datakind ab_datakind_gaussian, ab_datakind_lowrank, ab_datakind_clustered,
    ab_datakind_local, ab_datakind_heavy, ab_datakind_npy, ab_datakind_safetensors,
    ab_datakind_manifest;

const struct ab_datakind *const ab_datakinds[] = {
    &ab_datakind_gaussian, &ab_datakind_lowrank, &ab_datakind_clustered,
    &ab_datakind_local,    &ab_datakind_heavy,   &ab_datakind_npy,
    &ab_datakind_safetensors, &ab_datakind_manifest,
};
const int ab_ndatakinds = (int)(sizeof ab_datakinds / sizeof ab_datakinds[0]);

const struct ab_datakind *ab_datakind_find(const char *name)
{
    for (int i = 0; i < ab_ndatakinds; i++)
        if (strcmp(ab_datakinds[i]->name, name) == 0)
            return ab_datakinds[i];
    return NULL;
}

void ab_data_free(struct ab_data *d)
{
    if (!d)
        return;
    ab_aligned_free(d->q);
    ab_aligned_free(d->k);
    ab_aligned_free(d->v);
    memset(d, 0, sizeof *d);
}
