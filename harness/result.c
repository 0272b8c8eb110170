/* result.c — see result.h. */
#include "result.h"

#include "attnbench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {"ok",  "invalid", "refused", "oom",    "error",
                                           "nan", "timeout", "crashed", "skipped"};

const char *ab_row_status_name(int status)
{
    return status >= 0 && status <= AB_ROW_SKIPPED ? status_names[status] : "?";
}

int ab_row_status_of(int rc)
{
    switch (rc) {
    case AB_EINVAL:
    case AB_EUNSUPPORTED:
        return AB_ROW_INVALID;
    case AB_ENOMEM:
        return AB_ROW_OOM;
    case AB_EREFUSED:
        return AB_ROW_REFUSED;
    case AB_ENUMERIC:
        return AB_ROW_NAN;
    default:
        return AB_ROW_ERROR;
    }
}

void ab_result_init(struct ab_result *r)
{
    memset(r, 0, sizeof *r);
    r->out_rel_fro = r->out_max_abs = r->out_cos = NAN;
    r->attn_rel_fro = r->attn_rel_spec = r->row_sum_dev = NAN;
    r->pinv_resid = r->pinv_vs_svd = r->target_rel_fro = NAN;
    r->causal_leak = r->padding_leak = NAN;
    for (int b = 0; b < AB_POS_BINS; b++)
        r->err_by_pos[b] = NAN;
    r->t_med = r->t_min = r->t_max = r->prepare_ms = r->flops = r->budget = NAN;
    r->dev_mem_bytes = NAN;
    r->load_avg = r->time_spread = r->time_cv = r->calib_ratio = r->calib_min_ms = NAN;
}

struct child {
    ab_result_fn fn;
    const void *arg;
};

static void child_main(const void *arg, void *reply)
{
    const struct child *c = arg;
    c->fn(c->arg, reply);
}

void ab_result_isolated(ab_result_fn fn, const void *arg, double timeout_s, uint64_t mem_limit,
                        volatile sig_atomic_t *stop, struct ab_result *res)
{
    struct child c = {fn, arg};
    struct ab_isolate_end end;
    ab_result_init(res);
    int outcome = ab_isolate(child_main, &c, res, sizeof *res, timeout_s, mem_limit, stop, &end);
    if (outcome == AB_ISO_OK) {
        res->error[sizeof res->error - 1] = '\0';
        return;
    }
    ab_result_init(res);
    switch (outcome) {
    case AB_ISO_TIMEOUT:
        res->status = AB_ROW_TIMEOUT;
        break;
    case AB_ISO_KILLED:
        res->status = AB_ROW_OOM;
        break;
    case AB_ISO_SIGNAL:
    case AB_ISO_EXITED:
    case AB_ISO_INTERRUPTED:
        res->status = AB_ROW_CRASHED;
        break;
    default:
        res->status = AB_ROW_ERROR;
    }
    snprintf(res->error, sizeof res->error, "%s",
             outcome == AB_ISO_INTERRUPTED ? "interrupted" : end.msg);
}
