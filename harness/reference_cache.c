/* reference_cache.c — see reference_cache.h. */
#include "reference_cache.h"

#include "result.h"
#include "threads.h"
#include "base/util.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

struct ref_job {
    const struct ab_data *data;
    int threads, want_spec;
    const char *path;
};

static void reference_child(const void *arg, struct ab_result *res)
{
    const struct ref_job *j = arg;
    struct ab_err err = {{0}};
    struct ab_reference ref;
    ab_result_init(res);
    omp_set_num_threads(j->threads);
    ab_blas_set_threads(1);
    int rc = ab_reference_compute(j->data, j->threads, j->want_spec, &ref, &err);
    if (rc == AB_OK) {
        rc = ab_reference_save(j->path, &ref, &err);
        ab_reference_free(&ref);
    }
    res->status = rc == AB_OK ? AB_ROW_OK : AB_ROW_ERROR;
    snprintf(res->error, sizeof res->error, "%s", rc ? err.msg : "");
}

int ab_reference_get(const struct ab_plan *plan, const struct ab_data *d, int want_spec, int no_fork,
                     volatile sig_atomic_t *stop, struct ab_reference *ref, struct ab_err *err)
{
    const struct ab_settings *s = &plan->set;
    char path[4096];
    if (ab_mkdirs(s->cache) != 0)
        return ab_errf(err, AB_EIO, "cache directory %s: %s", s->cache, strerror(errno));
    if ((size_t)snprintf(path, sizeof path, "%s/%s.ref", s->cache, d->idhex) >= sizeof path)
        return ab_errf(err, AB_EINVAL, "cache directory %s: path longer than %zu bytes", s->cache,
                       sizeof path - 1);
    struct ab_err miss;
    if (ab_reference_load(path, d, want_spec, ref, &miss) == AB_OK)
        return AB_OK;
    struct ref_job job = {d, s->threads, want_spec, path};
    struct ab_result res;
    if (no_fork)
        reference_child(&job, &res);
    else
        ab_result_isolated(reference_child, &job, s->ref_timeout_s, 0, stop, &res);
    if (res.status != AB_ROW_OK)
        return ab_errf(err, AB_EIO, "exact reference %s: %s: %s", d->idhex,
                       ab_row_status_name(res.status), res.error);
    return ab_reference_load(path, d, want_spec, ref, err);
}
