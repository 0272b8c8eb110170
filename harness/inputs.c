/* inputs.c — see inputs.h. */
#include "inputs.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t hash_file(const char *path, uint64_t h)
{
    int fd;
    uint64_t size;
    struct ab_err err;
    h = ab_hash_str(path, h);
    if (ab_open_regular(path, 0, "method input file", &fd, &size, &err) != AB_OK)
        return ab_hash_str("unreadable", h);
    enum { CHUNK = 1 << 16 };
    char *buf = malloc(CHUNK);
    ssize_t got = 0;
    while (buf && (got = read(fd, buf, CHUNK)) > 0)
        h = ab_hash64(buf, (size_t)got, h);
    if (!buf || got < 0)
        h = ab_hash_str("unreadable", h);
    free(buf);
    close(fd);
    return h;
}

void ab_row_inputs_id(const struct ab_data *d, const struct ab_plan_method *pm, char out[17])
{
    uint64_t h = ab_hash_str("attnbench-inputs-v1", AB_HASH_INIT);
    h = ab_hash_str(d->idhex, h);
    const struct ab_values *v = &pm->vals;
    for (int i = 0; i < v->count; i++)
        if (v->set[i] && v->params[i].type == AB_PT_STRING && v->str[i]) {
            h = ab_hash_str(v->params[i].name, h);
            h = hash_file(v->str[i], h);
        }
    ab_hex64(h, out);
}
