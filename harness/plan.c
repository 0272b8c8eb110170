/* plan.c — see plan.h. Tests: tests/test_plan.c. */
#define _POSIX_C_SOURCE 200809L
#include "plan.h"

#include "registry.h"
#include "kernels/round.h"
#include "base/util.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AB_MAX_EXPANSION 100000

static const char *const top_keys[] = {
    "name",    "description",       "seeds",          "repeats",      "warmup",
    "threads", "repeat_budget",     "timeout",        "reference_timeout", "mem_limit",
    "attn_metrics", "attn_max_n",   "attn_spec",      "cache",        "data",
    "methods", "ceiling", "warmup_time", "reference_max_n",
};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static int param_index(const struct ab_param *ps, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(ps[i].name, name))
            return i;
    return -1;
}

/* Parse one scalar node into parameter p, with the error at the node. */
static int parse_param_node(const struct ab_param *p, const struct cfg_node *node, double *v,
                            const char **str, struct ab_err *err)
{
    if (node->kind != CFG_SCALAR)
        return cfg_errorf(err, node, "'%s' must be a value or a list of values", p->name);
    if (node->quoted && (p->type == AB_PT_INT || p->type == AB_PT_REAL || p->type == AB_PT_BOOL))
        return cfg_errorf(err, node, "'%s' must be a %s, got the string \"%s\"", p->name,
                          p->type == AB_PT_BOOL ? "boolean" : "number", node->str);
    struct ab_err e2;
    if (ab_value_parse(p, node->str, v, str, &e2))
        return cfg_errorf(err, node, "%s", e2.msg);
    return AB_OK;
}

/* Expand one entry (a data or method map) into the cartesian product of
 * its parameter lists. `selector` is "kind" or "name". */
static int expand_entry(const struct cfg_node *entry, const char *what, const char *selector,
                        const char *const *extra, const struct ab_param *params, int nparams,
                        struct ab_values **out, size_t *nout, struct ab_err *err)
{
    const char *allowed[AB_MAX_PARAMS + 4];
    size_t nallowed = 0;
    allowed[nallowed++] = selector;
    for (size_t i = 0; extra && extra[i] && nallowed < 4; i++)
        allowed[nallowed++] = extra[i];
    for (int i = 0; i < nparams; i++)
        allowed[nallowed++] = params[i].name;
    int rc = cfg_check_keys(entry, what, allowed, nallowed, err);
    if (rc)
        return rc;
    struct ab_values base;
    if ((rc = ab_values_defaults(&base, params, nparams, err)))
        return rc;
    const struct cfg_node *nodes[AB_MAX_PARAMS] = {0};
    size_t lens[AB_MAX_PARAMS], total = 1;
    for (int i = 0; i < nparams; i++) {
        nodes[i] = cfg_map_get(entry, params[i].name);
        lens[i] = 1;
        if (!nodes[i])
            continue;
        if (nodes[i]->kind == CFG_MAP)
            return cfg_errorf(err, nodes[i], "'%s' must be a value or a list of values",
                              params[i].name);
        lens[i] = cfg_list_len(nodes[i]);
        if (lens[i] == 0)
            return cfg_errorf(err, nodes[i], "'%s' is an empty list: give at least one value",
                              params[i].name);
        for (size_t j = 0; j < lens[i]; j++) {
            double v;
            const char *s;
            if ((rc = parse_param_node(&params[i], cfg_list_at(nodes[i], j), &v, &s, err)))
                return rc;
        }
        total *= lens[i];
        if (total > AB_MAX_EXPANSION)
            return cfg_errorf(err, entry, "%s expands to more than %d points", what,
                              AB_MAX_EXPANSION);
    }
    struct ab_values *vals = calloc(total, sizeof *vals);
    if (!vals)
        return ab_errf(err, AB_ENOMEM, "out of memory expanding %s", what);
    for (size_t k = 0; k < total; k++) {
        vals[k] = base;
        size_t rest = k;
        for (int i = nparams - 1; i >= 0; i--) { /* the last parameter varies fastest */
            if (!nodes[i])
                continue;
            size_t j = rest % lens[i];
            rest /= lens[i];
            parse_param_node(&params[i], cfg_list_at(nodes[i], j), &vals[k].v[i], &vals[k].str[i],
                             err);
            vals[k].set[i] = 1;
        }
    }
    *out = vals;
    *nout = total;
    return AB_OK;
}

/* ---- --set ---- */

static int apply_set(struct cfg_doc *doc, const char *assign, struct ab_err *err)
{
    const char *eq = strchr(assign, '=');
    if (!eq || eq == assign)
        return ab_errf(err, AB_EINVAL, "--set %s: expected KEY=VALUE", assign);
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(eq - assign), assign);
    char srcname[300];
    snprintf(srcname, sizeof srcname, "--set %s", key);
    struct cfg_node *value = cfg_parse_value(doc, srcname, eq + 1, err);
    if (!value)
        return AB_EINVAL;
    struct cfg_node *root = cfg_root(doc);
    char *parts[4] = {0}, buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    int np = 0;
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
        if (np == 3)
            return ab_errf(err, AB_EINVAL, "--set %s: too many dots", key);
        parts[np++] = t;
    }
    if (np == 1) {
        int known = 0;
        for (size_t i = 0; i < NTOP; i++)
            known |= !strcmp(top_keys[i], parts[0]);
        if (!known) {
            const char *near = ab_closest(parts[0], top_keys, NTOP);
            return ab_errf(err, AB_EINVAL, "--set %s: unknown top-level key%s%s%s", key,
                           near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
        return cfg_map_set(doc, root, parts[0], value, err);
    }
    int is_data = !strcmp(parts[0], "data"), is_methods = !strcmp(parts[0], "methods");
    if ((!is_data && !is_methods) || np < 2)
        return ab_errf(err, AB_EINVAL,
                       "--set %s: use KEY, data.[KIND.]PARAM or methods.[NAME.]PARAM", key);
    const char *filter = np == 3 ? parts[1] : NULL, *param = parts[np - 1];
    struct cfg_node *list = cfg_map_get(root, parts[0]);
    size_t applied = 0;
    for (size_t i = 0; list && list->kind == CFG_SEQ && i < list->count; i++) {
        struct cfg_node *entry = list->items[i];
        struct cfg_node *sel = cfg_map_get(entry, is_data ? "kind" : "name");
        if (!sel || sel->kind != CFG_SCALAR)
            continue;
        if (filter && strcmp(filter, sel->str))
            continue;
        const struct ab_param *ps = NULL;
        int nps = 0;
        if (is_data && (!strcmp(param, "mask") || !strcmp(param, "lengths"))) {
            if (ab_datakind_find(sel->str)) {
                int rc = cfg_map_set(doc, entry, param, value, err);
                if (rc)
                    return rc;
                applied++;
            }
            continue;
        } else if (is_data) {
            const struct ab_datakind *k = ab_datakind_find(sel->str);
            if (k)
                ps = k->params, nps = k->nparams;
        } else if (!strcmp(param, "backend") || !strcmp(param, "precision")) {
            /* harness keys of every method entry (a method with its own
             * `precision` parameter, CUDA exact's, reads the same key) */
            if (ab_method_find(sel->str)) {
                int rc = cfg_map_set(doc, entry, param, value, err);
                if (rc)
                    return rc;
                applied++;
            }
            continue;
        } else {
            /* the parameters of the backend the entry names (cpu if none) */
            const struct cfg_node *bn = cfg_map_get(entry, "backend");
            int b = bn && bn->kind == CFG_SCALAR ? ab_choice_index(AB_BACKEND_CHOICES, bn->str) : 0;
            const struct ab_method *m = ab_method_find_backend(sel->str, b < 0 ? 0 : b);
            if (!m)
                m = ab_method_find(sel->str);
            if (m)
                ps = m->params, nps = m->nparams;
        }
        if (!ps || param_index(ps, nps, param) < 0)
            continue;
        int rc = cfg_map_set(doc, entry, param, value, err);
        if (rc)
            return rc;
        applied++;
    }
    if (!applied)
        return ab_errf(err, AB_EINVAL, "--set %s: no %s entry%s%s has a parameter '%s'", key,
                       is_data ? "data" : "method", filter ? " named " : "", filter ? filter : "",
                       param);
    return AB_OK;
}

/* ---- top-level settings ---- */

static long nproc(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

int ab_plan_name_ok(const char *name, char *why, size_t cap)
{
    char tmp[8];
    if (!why)
        why = tmp, cap = sizeof tmp;
    size_t len = strlen(name);
    if (len == 0)
        return snprintf(why, cap, "is empty"), 0;
    if (len >= sizeof ((struct ab_settings *)0)->name)
        return snprintf(why, cap, "is %zu characters long (at most %zu)", len,
                        sizeof ((struct ab_settings *)0)->name - 1), 0;
    if (name[0] == '.')
        return snprintf(why, cap, "starts with '.'"), 0;
    for (const char *c = name; *c; c++)
        if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
              (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))) {
            unsigned char u = (unsigned char)*c;
            if (u >= 0x20 && u < 0x7f)
                snprintf(why, cap, "holds '%c' at character %zu", *c, (size_t)(c - name) + 1);
            else
                snprintf(why, cap, "holds the byte 0x%02X at character %zu", u,
                         (size_t)(c - name) + 1);
            return 0;
        }
    return 1;
}

static int load_settings(const struct cfg_node *root, const char *path, struct ab_settings *s,
                         struct ab_err *err)
{
    int rc;
    const struct cfg_node *n;
    memset(s, 0, sizeof *s);
    /* defaults */
    {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", path);
        char *b = basename(tmp), *dot = strrchr(b, '.');
        if (dot)
            *dot = '\0';
        /* a file name that is no valid results name leaves it empty: main
         * then asks for 'name:' or --out */
        if (ab_plan_name_ok(b, NULL, 0))
            snprintf(s->name, sizeof s->name, "%s", b);
    }
    s->seeds[0] = 1, s->nseeds = 1;
    s->repeats = 5, s->warmup = 1, s->repeat_budget_s = 10, s->warmup_s = 0.1;
    s->threads = (int)nproc();
    s->timeout_s = 600, s->ref_timeout_s = 3600;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    s->mem_limit = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz / 4 * 3 : (8ull << 30);
    s->attn = AB_ATTN_AUTO, s->attn_max_n = 2048, s->attn_spec = 1;
    s->ceiling_s = 0.3;
    const char *env = getenv("ATTNBENCH_CACHE");
    const char *cache = env && *env ? env : ".attnbench-cache";
    if (strlen(cache) >= sizeof s->cache)
        return ab_errf(err, AB_EINVAL, "ATTNBENCH_CACHE is longer than %zu bytes", sizeof s->cache - 1);
    snprintf(s->cache, sizeof s->cache, "%s", cache);

    if ((n = cfg_map_get(root, "name"))) {
        if ((rc = cfg_expect(n, CFG_SCALAR, "name", err)))
            return rc;
        char why[160];
        if (!ab_plan_name_ok(n->str, why, sizeof why))
            return cfg_errorf(err, n, "'name' %s: it names the results file results/<name>.csv, so "
                                      "it may hold only letters, digits, '.', '_' and '-', and "
                                      "not start with '.'",
                              why);
        snprintf(s->name, sizeof s->name, "%s", n->str);
    }
    if ((n = cfg_map_get(root, "seeds"))) {
        if (n->kind == CFG_MAP)
            return cfg_errorf(err, n, "'seeds' must be a number or a list of numbers");
        s->nseeds = cfg_list_len(n);
        if (s->nseeds == 0)
            return cfg_errorf(err, n, "'seeds' is an empty list: give at least one seed");
        if (s->nseeds > 256)
            return cfg_errorf(err, n, "'seeds' has %zu entries; at most 256", s->nseeds);
        for (size_t i = 0; i < s->nseeds; i++) {
            long v;
            if ((rc = cfg_to_int(cfg_list_at(n, i), "seeds", 0, 2147483647L, &v, err)))
                return rc;
            s->seeds[i] = (uint64_t)v;
        }
    }
    long v;
    double x;
    if ((n = cfg_map_get(root, "repeats"))) {
        if ((rc = cfg_to_int(n, "repeats", 1, 100000, &v, err)))
            return rc;
        s->repeats = (int)v;
    }
    if ((n = cfg_map_get(root, "warmup"))) {
        if ((rc = cfg_to_int(n, "warmup", 0, 1000, &v, err)))
            return rc;
        s->warmup = (int)v;
    }
    if ((n = cfg_map_get(root, "warmup_time"))) {
        if ((rc = cfg_to_real(n, "warmup_time", 0, 1e4, &x, err)))
            return rc;
        s->warmup_s = x;
    }
    if ((n = cfg_map_get(root, "threads"))) {
        if ((rc = cfg_to_int(n, "threads", 1, 4096, &v, err)))
            return rc;
        s->threads = (int)v;
    }
    if ((n = cfg_map_get(root, "repeat_budget"))) {
        if ((rc = cfg_to_real(n, "repeat_budget", 1e-6, 1e6, &x, err)))
            return rc;
        s->repeat_budget_s = x;
    }
    if ((n = cfg_map_get(root, "timeout"))) {
        if ((rc = cfg_to_real(n, "timeout", 1e-3, 1e7, &x, err)))
            return rc;
        s->timeout_s = x;
    }
    if ((n = cfg_map_get(root, "reference_timeout"))) {
        if ((rc = cfg_to_real(n, "reference_timeout", 1e-3, 1e7, &x, err)))
            return rc;
        s->ref_timeout_s = x;
    }
    if ((n = cfg_map_get(root, "reference_max_n"))) {
        if ((rc = cfg_to_int(n, "reference_max_n", 0, 1L << 40, &v, err)))
            return rc;
        s->ref_max_n = (size_t)v;
    }
    if ((n = cfg_map_get(root, "mem_limit"))) {
        uint64_t b;
        if ((rc = cfg_to_bytes(n, "mem_limit", &b, err)))
            return rc;
        if (b < 4096)
            return cfg_errorf(err, n, "'mem_limit' must be at least 4 KiB");
        s->mem_limit = b;
    }
    if ((n = cfg_map_get(root, "attn_metrics"))) {
        int idx;
        if ((rc = cfg_to_choice(n, "attn_metrics", "off|on|auto", &idx, err)))
            return rc;
        s->attn = idx;
    }
    if ((n = cfg_map_get(root, "attn_max_n"))) {
        if ((rc = cfg_to_int(n, "attn_max_n", 1, 1L << 24, &v, err)))
            return rc;
        s->attn_max_n = (size_t)v;
    }
    if ((n = cfg_map_get(root, "attn_spec"))) {
        int b;
        if ((rc = cfg_to_bool(n, "attn_spec", &b, err)))
            return rc;
        s->attn_spec = b;
    }
    if ((n = cfg_map_get(root, "ceiling"))) {
        if ((rc = cfg_to_real(n, "ceiling", 0, 60, &x, err)))
            return rc;
        s->ceiling_s = x;
    }
    if ((n = cfg_map_get(root, "cache"))) {
        if ((rc = cfg_expect(n, CFG_SCALAR, "cache", err)))
            return rc;
        if (strlen(n->str) >= sizeof s->cache)
            return cfg_errorf(err, n, "'cache' is longer than %zu bytes", sizeof s->cache - 1);
        snprintf(s->cache, sizeof s->cache, "%s", n->str);
    }
    if ((n = cfg_map_get(root, "description")) && (rc = cfg_expect(n, CFG_SCALAR, "description", err)))
        return rc;
    return AB_OK;
}

/* ---- the plan ---- */

enum { MAX_LENGTHS = 64, MAX_LENGTH_SETS = 16 };

struct mask_point {
    int mask;
    size_t len;                   /* padding: the lengths; 0 otherwise */
    long lengths[MAX_LENGTHS];
    char text[256];
    const struct cfg_node *at;    /* the lengths list (for errors) */
};

/* One `lengths` list: integers >= 1, at most MAX_LENGTHS. */
static int parse_lengths(const struct cfg_node *n, struct mask_point *mp, struct ab_err *err)
{
    if (n->kind != CFG_SEQ)
        return cfg_errorf(err, n, "'lengths' must be a list of token counts, e.g. [512, 300, 77]");
    if (n->count == 0)
        return cfg_errorf(err, n, "'lengths' is an empty list: give the valid tokens of each sequence");
    if (n->count > MAX_LENGTHS)
        return cfg_errorf(err, n, "'lengths' has %zu values; at most %d", n->count, MAX_LENGTHS);
    mp->len = n->count;
    mp->at = n;
    mp->text[0] = 0;
    for (size_t j = 0; j < n->count; j++) {
        int rc = cfg_to_int(n->items[j], "lengths", 1, 1L << 26, &mp->lengths[j], err);
        if (rc)
            return rc;
        size_t used = strlen(mp->text);
        snprintf(mp->text + used, sizeof mp->text - used, "%s%ld", j ? " " : "", mp->lengths[j]);
    }
    return AB_OK;
}

/* A data entry's `mask` (a value or a list) x `lengths` (for padding: one
 * list, or a list of lists that expands). */
static int entry_masks(const struct cfg_node *entry, struct mask_point *out, size_t *nout,
                       struct ab_err *err)
{
    const struct cfg_node *mn = cfg_map_get(entry, "mask"), *ln = cfg_map_get(entry, "lengths");
    int masks[3], nmask = 0, padding = 0;
    *nout = 0;
    if (!mn) {
        masks[nmask++] = AB_MASK_NONE;
    } else {
        if (mn->kind == CFG_MAP)
            return cfg_errorf(err, mn, "'mask' must be none, causal, padding or a list of them");
        size_t len = cfg_list_len(mn);
        if (len == 0)
            return cfg_errorf(err, mn, "'mask' is an empty list: give none, causal or padding");
        for (size_t i = 0; i < len; i++) {
            const struct cfg_node *it = cfg_list_at(mn, i);
            int idx = -1, rc = cfg_to_choice(it, "mask", "none|causal|padding", &idx, err);
            if (rc)
                return rc;
            for (int j = 0; j < nmask; j++)
                if (masks[j] == idx)
                    return cfg_errorf(err, it, "mask '%s' is listed twice", it->str);
            if (nmask == 3)
                return cfg_errorf(err, it, "'mask' has more than three values");
            masks[nmask++] = idx;
            padding |= idx == AB_MASK_PADDING;
        }
    }
    if (padding && !ln)
        return cfg_errorf(err, mn, "mask: padding needs 'lengths': the valid tokens of each "
                                   "sequence, e.g. lengths: [512, 300, 77] (head h gets "
                                   "lengths[h mod count])");
    if (ln && !padding)
        return cfg_errorf(err, ln, "'lengths' applies only to mask: padding (this entry's mask "
                                   "is %s)", mn ? "not padding" : "none");
    struct mask_point sets[MAX_LENGTH_SETS];
    size_t nsets = 0;
    if (ln) {
        int nested = ln->kind == CFG_SEQ && ln->count > 0 && ln->items[0]->kind == CFG_SEQ;
        if (!nested) {
            int rc = parse_lengths(ln, &sets[nsets++], err);
            if (rc)
                return rc;
        } else {
            if (ln->count > MAX_LENGTH_SETS)
                return cfg_errorf(err, ln, "'lengths' lists %zu sets; at most %d", ln->count,
                                  MAX_LENGTH_SETS);
            for (size_t i = 0; i < ln->count; i++) {
                int rc = parse_lengths(ln->items[i], &sets[nsets++], err);
                if (rc)
                    return rc;
            }
        }
    }
    for (int i = 0; i < nmask; i++) {
        if (masks[i] != AB_MASK_PADDING) {
            memset(&out[*nout], 0, sizeof out[*nout]);
            out[(*nout)++].mask = masks[i];
            continue;
        }
        for (size_t j = 0; j < nsets; j++) {
            out[*nout] = sets[j];
            out[(*nout)++].mask = AB_MASK_PADDING;
        }
    }
    return AB_OK;
}

static int add_data(struct ab_plan *plan, const struct cfg_node *entry, const char *basedir,
                    struct ab_err *err)
{
    int rc = cfg_expect(entry, CFG_MAP, "a data entry", err);
    if (rc)
        return rc;
    const struct cfg_node *kn = cfg_map_get(entry, "kind");
    if (!kn)
        return cfg_errorf(err, entry, "a data entry needs 'kind' (one of gaussian, lowrank, "
                                      "clustered, local, heavy, npy)");
    if ((rc = cfg_expect(kn, CFG_SCALAR, "kind", err)))
        return rc;
    const struct ab_datakind *kind = ab_datakind_find(kn->str);
    if (!kind) {
        const char *names[32];
        char list[256] = "";
        for (int i = 0; i < ab_ndatakinds && i < 32; i++) {
            names[i] = ab_datakinds[i]->name;
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     names[i]);
        }
        const char *near = ab_closest(kn->str, names, (size_t)ab_ndatakinds);
        char hint[96] = "";
        if (near)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
        return cfg_errorf(err, kn, "unknown data kind '%s'%s (valid: %s)", kn->str, hint, list);
    }
    char what[96];
    snprintf(what, sizeof what, "data kind '%s'", kind->name);
    struct ab_values *vals;
    size_t nv;
    static const char *const data_extra[] = {"mask", "lengths", NULL};
    if ((rc = expand_entry(entry, what, "kind", data_extra, kind->params, kind->nparams, &vals, &nv,
                           err)))
        return rc;
    struct mask_point masks[3 * MAX_LENGTH_SETS];
    size_t nm;
    if ((rc = entry_masks(entry, masks, &nm, err))) {
        free(vals);
        return rc;
    }
    struct ab_plan_data *grown = realloc(plan->data, (plan->ndata + nv * nm) * sizeof *grown);
    if (!grown) {
        free(vals);
        return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    plan->data = grown;
    for (size_t i = 0; i < nv; i++) {
        for (size_t k = 0; k < nm; k++) {
            struct ab_plan_data *d = &plan->data[plan->ndata];
            memset(d, 0, sizeof *d);
            d->kind = kind;
            d->vals = vals[i];
            d->at = entry;
            d->basedir = basedir;
            d->mask = masks[k].mask;
            plan->ndata++; /* (owns params and lengths from here: ab_plan_free) */
            char *base = ab_values_text(&d->vals, "");
            if (base && masks[k].len) {
                if (!(d->lengths = malloc(masks[k].len * sizeof *d->lengths))) {
                    free(base);
                    base = NULL;
                } else {
                    d->nlengths = masks[k].len;
                    for (size_t j = 0; j < d->nlengths; j++)
                        d->lengths[j] = (size_t)masks[k].lengths[j];
                    snprintf(d->lengths_text, sizeof d->lengths_text, "%s", masks[k].text);
                }
            }
            /* mask: none leaves the text (and so every id) as before masks */
            if (base && d->mask != AB_MASK_NONE) {
                size_t len = strlen(base) + strlen(d->lengths_text) + 40;
                char *t = malloc(len);
                if (t)
                    snprintf(t, len, "%s%smask=%s%s%s", base, *base ? ";" : "",
                             ab_mask_name(d->mask), d->nlengths ? ";lengths=" : "",
                             d->lengths_text);
                free(base);
                base = t;
            }
            if (!(d->params = base)) {
                free(vals);
                return ab_errf(err, AB_ENOMEM, "out of memory for a data entry's parameters");
            }
            struct ab_err e2;
            if ((rc = kind->shape(&d->vals, basedir, d->dims, &e2))) {
                free(vals);
                return cfg_errorf(err, entry, "%s", e2.msg);
            }
            if (d->nlengths) { /* per head, as ab_data_set_mask gives the methods */
                if (!(d->head_lengths = malloc(d->dims[0] * sizeof *d->head_lengths))) {
                    free(vals);
                    return ab_errf(err, AB_ENOMEM, "out of memory for the lengths");
                }
                for (size_t h = 0; h < d->dims[0]; h++)
                    d->head_lengths[h] = d->lengths[h % d->nlengths];
            }
            for (size_t j = 0; j < d->nlengths; j++)
                if (d->lengths[j] > d->dims[1]) {
                    free(vals);
                    return cfg_errorf(err, masks[k].at,
                                      "lengths[%zu] = %zu exceeds n = %zu: a padded sequence "
                                      "cannot be longer than the problem (give this entry "
                                      "sizes n >= %zu, or lengths for each n in their own entry)",
                                      j, d->lengths[j], d->dims[1], d->lengths[j]);
                }
        }
    }
    free(vals);
    return AB_OK;
}

/* The backends a method entry asks for: `backend:` absent (cpu), a value, or
 * a list of distinct values. */
static int entry_backends(const struct cfg_node *entry, const char *name, int *out, size_t *nout,
                          struct ab_err *err)
{
    const struct cfg_node *bn = cfg_map_get(entry, "backend");
    *nout = 0;
    if (!bn) {
        out[(*nout)++] = AB_BACKEND_CPU;
        return AB_OK;
    }
    if (bn->kind == CFG_MAP)
        return cfg_errorf(err, bn, "'backend' must be cpu, cuda or a list of them");
    size_t len = cfg_list_len(bn);
    if (len == 0)
        return cfg_errorf(err, bn, "'backend' is an empty list: give cpu, cuda or both");
    for (size_t i = 0; i < len; i++) {
        const struct cfg_node *it = cfg_list_at(bn, i);
        int idx = -1;
        int rc = cfg_to_choice(it, "backend", AB_BACKEND_CHOICES, &idx, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < *nout; j++)
            if (out[j] == idx)
                return cfg_errorf(err, it, "backend '%s' is listed twice", it->str);
        if (!ab_method_find_backend(name, idx)) {
#ifdef AB_HAVE_CUDA
            return cfg_errorf(err, it, "method '%s' has no %s backend", name, it->str);
#else
            return cfg_errorf(err, it,
                              "method '%s' has no %s backend: this attnbench was built without "
                              "CUDA (configure with -DATTNBENCH_CUDA=ON on a machine with the "
                              "CUDA toolkit)",
                              name, it->str);
#endif
        }
        out[(*nout)++] = idx;
    }
    return AB_OK;
}

/* The precisions a method entry asks for: `precision:` absent (fp32), a
 * value, or a list of distinct values (enum ab_precision). */
static int entry_precisions(const struct cfg_node *entry, int *out, size_t *nout,
                            struct ab_err *err)
{
    const struct cfg_node *pn = cfg_map_get(entry, "precision");
    *nout = 0;
    if (!pn) {
        out[(*nout)++] = AB_PREC_FP32;
        return AB_OK;
    }
    if (pn->kind == CFG_MAP)
        return cfg_errorf(err, pn, "'precision' must be fp32, bf16, fp16 or a list of them");
    size_t len = cfg_list_len(pn);
    if (len == 0)
        return cfg_errorf(err, pn, "'precision' is an empty list: give fp32, bf16 or fp16");
    for (size_t i = 0; i < len; i++) {
        const struct cfg_node *it = cfg_list_at(pn, i);
        int idx = -1;
        int rc = cfg_to_choice(it, "precision", AB_PRECISION_CHOICES, &idx, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < *nout; j++)
            if (out[j] == idx)
                return cfg_errorf(err, it, "precision '%s' is listed twice", it->str);
        out[(*nout)++] = idx;
    }
    return AB_OK;
}

static int add_method(struct ab_plan *plan, const struct cfg_node *entry, struct ab_err *err)
{
    int rc = cfg_expect(entry, CFG_MAP, "a method entry", err);
    if (rc)
        return rc;
    const struct cfg_node *nn = cfg_map_get(entry, "name");
    if (!nn)
        return cfg_errorf(err, entry, "a method entry needs 'name' (see `attnbench list`)");
    if ((rc = cfg_expect(nn, CFG_SCALAR, "name", err)))
        return rc;
    if (!ab_method_find(nn->str)) {
        size_t count;
        const struct ab_method *const *all = ab_methods(&count);
        const char *names[64];
        char list[512] = "";
        size_t nnames = 0;
        for (size_t i = 0; i < count && i < 64; i++) {
            if (ab_method_find(all[i]->name) != all[i])
                continue; /* one name per method, whatever its backends */
            names[nnames++] = all[i]->name;
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", nnames > 1 ? ", " : "",
                     all[i]->name);
        }
        const char *near = ab_closest(nn->str, names, nnames);
        char hint[96] = "";
        if (near)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
        return cfg_errorf(err, nn, "unknown method '%s'%s (valid: %s)", nn->str, hint, list);
    }
    int backends[2];
    size_t nb;
    if ((rc = entry_backends(entry, nn->str, backends, &nb, err)))
        return rc;
    for (size_t b = 0; b < nb; b++) {
        const struct ab_method *m = ab_method_find_backend(nn->str, backends[b]);
        char what[96];
        if (backends[b] == AB_BACKEND_CPU)
            snprintf(what, sizeof what, "method '%s'", m->name);
        else
            snprintf(what, sizeof what, "method '%s' (backend %s)", m->name,
                     ab_backend_name(backends[b]));
        struct ab_values *vals;
        size_t nv;
        /* `precision` is the harness's key, unless the method has a parameter
         * of that name (CUDA exact's storage precision): then it is that */
        int own = param_index(m->params, m->nparams, "precision") >= 0;
        static const char *const method_extra[] = {"backend", "precision", NULL};
        static const char *const method_extra_own[] = {"backend", NULL};
        int precs[3];
        size_t npr = 1;
        precs[0] = AB_PREC_FP32;
        if (!own && (rc = entry_precisions(entry, precs, &npr, err)))
            return rc;
        if ((rc = expand_entry(entry, what, "name", own ? method_extra_own : method_extra, m->params,
                               m->nparams, &vals, &nv, err)))
            return rc;
        struct ab_plan_method *grown =
            realloc(plan->methods, (plan->nmethods + nv * npr) * sizeof *grown);
        if (!grown) {
            free(vals);
            return ab_errf(err, AB_ENOMEM, "out of memory");
        }
        plan->methods = grown;
        for (size_t pr = 0; pr < npr; pr++)
            for (size_t i = 0; i < nv; i++) {
                struct ab_plan_method *pm = &plan->methods[plan->nmethods++];
                memset(pm, 0, sizeof *pm);
                pm->m = m;
                pm->vals = vals[i];
                pm->at = entry;
                pm->backend = backends[b];
                pm->precision = precs[pr];
                char prefix[64] = "";
                if (backends[b] != AB_BACKEND_CPU)
                    snprintf(prefix, sizeof prefix, "backend=%s;", ab_backend_name(backends[b]));
                if (precs[pr] != AB_PREC_FP32)
                    snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix),
                             "precision=%s;", ab_precision_name(precs[pr]));
                if (!(pm->params = ab_values_text(&pm->vals, prefix))) {
                    free(vals);
                    return ab_errf(err, AB_ENOMEM, "out of memory for a method's parameters");
                }
            }
        free(vals);
    }
    return AB_OK;
}

/* Rows are data x seeds x methods and a row_id hashes (data kind, data
 * params, seed, method, params): equal rows come from equal data entries,
 * equal seeds or equal method entries. Keep the first of each, count the
 * rows dropped and name one. */
static void dedup(struct ab_plan *plan)
{
    size_t nd0 = plan->ndata, nm0 = plan->nmethods, ns0 = plan->set.nseeds;
    char ex[400] = "";
    size_t w = 0;
    for (size_t i = 0; i < plan->ndata; i++) {
        struct ab_plan_data *d = &plan->data[i];
        int dup = 0;
        for (size_t j = 0; j < w && !dup; j++)
            dup = plan->data[j].kind == d->kind && !strcmp(plan->data[j].params, d->params);
        if (dup) {
            if (!*ex)
                snprintf(ex, sizeof ex, "data %s(%s) (%s:%d:%d) is listed twice", d->kind->name,
                         d->params, d->at && d->at->src ? d->at->src->name : plan->config, d->at ? d->at->line : 0, d->at ? d->at->col : 0);
            free(d->params);
            continue;
        }
        plan->data[w++] = *d;
    }
    plan->ndata = w;
    w = 0;
    for (size_t i = 0; i < plan->nmethods; i++) {
        struct ab_plan_method *m = &plan->methods[i];
        int dup = 0;
        for (size_t j = 0; j < w && !dup; j++)
            dup = !strcmp(plan->methods[j].m->name, m->m->name) &&
                  !strcmp(plan->methods[j].params, m->params);
        if (dup) {
            if (!*ex)
                snprintf(ex, sizeof ex, "method %s(%s) (%s:%d:%d) is listed twice", m->m->name,
                         m->params, m->at && m->at->src ? m->at->src->name : plan->config, m->at ? m->at->line : 0, m->at ? m->at->col : 0);
            free(m->params);
            continue;
        }
        plan->methods[w++] = *m;
    }
    plan->nmethods = w;
    w = 0;
    for (size_t i = 0; i < plan->set.nseeds; i++) {
        int dup = 0;
        for (size_t j = 0; j < w && !dup; j++)
            dup = plan->set.seeds[j] == plan->set.seeds[i];
        if (dup && !*ex)
            snprintf(ex, sizeof ex, "seed %llu is listed twice",
                     (unsigned long long)plan->set.seeds[i]);
        if (!dup)
            plan->set.seeds[w++] = plan->set.seeds[i];
    }
    plan->set.nseeds = w;
    plan->dup_rows = nd0 * nm0 * ns0 - ab_plan_rows(plan);
    snprintf(plan->dup_example, sizeof plan->dup_example, "%s", plan->dup_rows ? ex : "");
}

int ab_plan_load(const char *path, const char *const *sets, size_t nsets, struct ab_plan *plan,
                 struct ab_err *err)
{
    memset(plan, 0, sizeof *plan);
    char *dirbuf = strdup(path);
    plan->config = strdup(path);
    if (!dirbuf || !plan->config) {
        free(dirbuf);
        ab_plan_free(plan);
        return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    plan->basedir = strdup(dirname(dirbuf));
    free(dirbuf);
    if (!plan->basedir) {
        ab_plan_free(plan);
        return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    int rc = cfg_load_file(path, &plan->doc, err);
    if (rc)
        goto fail;
    for (size_t i = 0; i < nsets; i++)
        if ((rc = apply_set(plan->doc, sets[i], err)))
            goto fail;
    struct cfg_node *root = cfg_root(plan->doc);
    if ((rc = cfg_expect(root, CFG_MAP, "the config", err)))
        goto fail;
    if ((rc = cfg_check_keys(root, "the config", top_keys, NTOP, err)))
        goto fail;
    if ((rc = load_settings(root, path, &plan->set, err)))
        goto fail;
    const char *basedir = plan->basedir;
    const struct cfg_node *data = cfg_map_get(root, "data"), *methods = cfg_map_get(root, "methods");
    if (!data) {
        rc = cfg_errorf(err, root, "the config has no 'data' list");
        goto fail;
    }
    if (!methods) {
        rc = cfg_errorf(err, root, "the config has no 'methods' list");
        goto fail;
    }
    if ((rc = cfg_expect(data, CFG_SEQ, "data", err)) || (rc = cfg_expect(methods, CFG_SEQ, "methods", err)))
        goto fail;
    if (data->count == 0) {
        rc = cfg_errorf(err, data, "'data' is an empty list");
        goto fail;
    }
    if (methods->count == 0) {
        rc = cfg_errorf(err, methods, "'methods' is an empty list");
        goto fail;
    }
    for (size_t i = 0; i < data->count; i++)
        if ((rc = add_data(plan, data->items[i], basedir, err)))
            goto fail;
    for (size_t i = 0; i < methods->count; i++)
        if ((rc = add_method(plan, methods->items[i], err)))
            goto fail;
    dedup(plan);
    return AB_OK;
fail:
    ab_plan_free(plan);
    return rc;
}

void ab_plan_free(struct ab_plan *plan)
{
    for (size_t i = 0; i < plan->ndata; i++) {
        free(plan->data[i].params);
        free(plan->data[i].lengths);
        free(plan->data[i].head_lengths);
    }
    for (size_t i = 0; i < plan->nmethods; i++)
        free(plan->methods[i].params);
    free(plan->data);
    free(plan->methods);
    free(plan->config);
    free(plan->basedir);
    cfg_destroy(plan->doc);
    memset(plan, 0, sizeof *plan);
}

size_t ab_plan_rows(const struct ab_plan *plan)
{
    return plan->ndata * plan->set.nseeds * plan->nmethods;
}

void ab_plan_row_id(const struct ab_plan_data *d, uint64_t seed, const struct ab_plan_method *m,
                    char out[17])
{
    uint64_t h = ab_hash_str("attnbench-row-v1", AB_HASH_INIT);
    h = ab_hash_str(d->kind->name, h);
    h = ab_hash_str(d->params, h);
    char sd[32];
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed); /* text: endian-free */
    h = ab_hash_str(sd, h);
    h = ab_hash_str(m->m->name, h);
    h = ab_hash_str(m->params, h);
    ab_hex64(h, out);
}

struct ab_problem ab_plan_problem(const struct ab_plan *plan, const struct ab_plan_data *d)
{
    struct ab_problem p = {.heads = d->dims[0], .n = d->dims[1], .d = d->dims[2],
                           .dv = d->dims[3], .threads = plan->set.threads, .mask = d->mask,
                           .lengths = d->mask == AB_MASK_PADDING ? d->head_lengths : NULL};
    return p;
}

int ab_plan_attn(const struct ab_settings *s, size_t n)
{
    return s->attn == AB_ATTN_ON || (s->attn == AB_ATTN_AUTO && n <= s->attn_max_n);
}

size_t ab_plan_instances(const struct ab_plan *plan) { return plan->ndata * plan->set.nseeds; }

int ab_plan_data_make(const struct ab_plan_data *pd, uint64_t seed, struct ab_data *out,
                      struct ab_err *err)
{
    int rc = ab_data_make(pd->kind, &pd->vals, seed, pd->basedir, out, err);
    if (rc || pd->mask == AB_MASK_NONE)
        return rc;
    struct ab_err e2;
    if ((rc = ab_data_set_mask(out, pd->mask, pd->lengths, pd->nlengths, &e2))) {
        ab_data_free(out);
        return ab_errf(err, rc, "%s data: %s", pd->kind->name, e2.msg);
    }
    return AB_OK;
}

int ab_plan_add_methods(struct ab_plan *plan, const struct cfg_node *list, struct ab_err *err)
{
    int rc = cfg_expect(list, CFG_SEQ, "'methods' (a list of method entries)", err);
    for (size_t i = 0; !rc && i < list->count; i++)
        rc = add_method(plan, list->items[i], err);
    return rc;
}
