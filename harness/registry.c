/* registry.c — the one table of built-in methods, and plugin loading.
 * Adding an in-tree method: write methods/<name>/<name>_cpu.c defining
 * `const struct ab_method ab_<name>_cpu` and add it to `builtin` below; a
 * CUDA implementation is methods/<name>/<name>_cuda.cu defining
 * `ab_<name>_cuda` (same name, AB_CAP_CUDA), listed under AB_HAVE_CUDA.
 * Methods are looked up by (name, backend).
 * Tests: tests/test_plan.c (backend selection), tests/test_backends.c. */
#define _POSIX_C_SOURCE 200809L
#include "registry.h"

#include "isolate.h"

#include "base/util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

extern const struct ab_method ab_exact_cpu, ab_nystrom_cpu, ab_local_cpu, ab_linformer_cpu,
    ab_performer_cpu, ab_nystrom_local_cpu, ab_nystrom_direct_cpu, ab_uniform_cpu,
    ab_nystrom_causal_cpu;
extern const struct ab_method ab_linear_cpu, ab_cosformer_cpu, ab_skyformer_cpu;
extern const struct ab_method ab_bigbird_cpu, ab_reformer_cpu, ab_clustered_cpu,
    ab_scatterbrain_cpu;
#ifdef AB_HAVE_CUDA
extern const struct ab_method ab_exact_cuda, ab_nystrom_cuda;
#endif

/* The built-in methods; plugins loaded at run time are appended after them. */
static const struct ab_method *const builtin[] = {
    &ab_exact_cpu,
    &ab_nystrom_cpu,
    &ab_local_cpu,
    &ab_linformer_cpu,
    &ab_performer_cpu,
    &ab_nystrom_local_cpu,
    &ab_nystrom_direct_cpu,
    &ab_uniform_cpu,
    &ab_nystrom_causal_cpu,
    &ab_linear_cpu,
    &ab_cosformer_cpu,
    &ab_skyformer_cpu,
    &ab_bigbird_cpu,
    &ab_reformer_cpu,
    &ab_clustered_cpu,
    &ab_scatterbrain_cpu,
#ifdef AB_HAVE_CUDA
    &ab_exact_cuda,
    &ab_nystrom_cuda,
#endif
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])
#define AB_MAX_METHODS (NBUILTIN + 64) /* room for 64 plugins */

static const struct ab_method *table[AB_MAX_METHODS];
static size_t ntable;

static void table_init(void)
{
    if (ntable == 0)
        for (size_t i = 0; i < NBUILTIN; i++)
            table[ntable++] = builtin[i];
}

int ab_method_backend(const struct ab_method *m)
{
    return m->caps & AB_CAP_CUDA ? AB_BACKEND_CUDA : AB_BACKEND_CPU;
}

const char *ab_backend_name(int backend) { return backend == AB_BACKEND_CUDA ? "cuda" : "cpu"; }

const struct ab_method *ab_method_find(const char *name)
{
    table_init();
    for (size_t i = 0; i < ntable; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

const struct ab_method *ab_method_find_backend(const char *name, int backend)
{
    table_init();
    for (size_t i = 0; i < ntable; i++)
        if (strcmp(table[i]->name, name) == 0 && ab_method_backend(table[i]) == backend)
            return table[i];
    return NULL;
}

const struct ab_method *const *ab_methods(size_t *count)
{
    table_init();
    *count = ntable;
    return table;
}

int ab_mask_supported(const struct ab_method *m, int mask, char *why, size_t cap)
{
    unsigned need = mask == AB_MASK_CAUSAL ? AB_CAP_CAUSAL : mask == AB_MASK_PADDING ? AB_CAP_PADDING : 0;
    if ((m->caps & need) == need)
        return 1;
    snprintf(why, cap, "%s does not support mask: %s%s%s", m->name,
             mask == AB_MASK_CAUSAL ? "causal" : "padding", m->mask_note ? " (" : "",
             m->mask_note ? m->mask_note : "");
    if (m->mask_note && strlen(why) + 1 < cap)
        strcat(why, ")");
    return 0;
}

int ab_precision_supported(const struct ab_method *m, int precision, char *why, size_t cap)
{
    if (precision == AB_PREC_FP32 || (m->caps & AB_CAP_PRECISION))
        return 1;
    snprintf(why, cap,
             "%s does not support precision: %s (it declares no AB_CAP_PRECISION: nothing says "
             "which of its stored intermediates to round)",
             m->name, precision == AB_PREC_BF16 ? "bf16" : "fp16");
    return 0;
}

int ab_method_validate(const struct ab_method *m, struct ab_err *err)
{
    if (!m->name || !*m->name)
        return ab_errf(err, AB_EINVAL, "method has no name");
    for (const char *c = m->name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
              *c == ':'))
            return ab_errf(err, AB_EINVAL, "method name '%s' has a character other than a-z 0-9 - _ :",
                           m->name);
    if (!m->estimate || !m->prepare || !m->forward || !m->release)
        return ab_errf(err, AB_EINVAL,
                       "method '%s' lacks a required function (estimate, prepare, forward, release)",
                       m->name);
    if ((m->caps & AB_CAP_ROWS) && !m->rows)
        return ab_errf(err, AB_EINVAL, "method '%s' claims AB_CAP_ROWS but has no rows()", m->name);
    if (m->nparams < 0 || m->nparams > AB_MAX_PARAMS || (m->nparams > 0 && !m->params))
        return ab_errf(err, AB_EINVAL, "method '%s' has a bad parameter table (%d entries)", m->name,
                       m->nparams);
    if (strlen(m->name) > 63 || (m->summary && strlen(m->summary) > 4096))
        return ab_errf(err, AB_EINVAL, "method '%.63s...': name over 63 characters or summary over 4096",
                       m->name);
    for (int i = 0; i < m->nparams; i++) {
        const struct ab_param *p = &m->params[i];
        if (!p->name || !*p->name)
            return ab_errf(err, AB_EINVAL, "method '%s': parameter %d has no name", m->name, i);
        size_t len = strlen(p->name);
        for (const char *c = p->name; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_') || len > 63)
                return ab_errf(err, AB_EINVAL,
                               "method '%s': parameter %d's name is not 1-63 characters of a-z 0-9 _",
                               m->name, i);
        if ((unsigned)p->type > AB_PT_STRING)
            return ab_errf(err, AB_EINVAL, "method '%s': parameter '%s' has an unknown type %d",
                           m->name, p->name, (int)p->type);
        if (p->type == AB_PT_ENUM && !p->choices)
            return ab_errf(err, AB_EINVAL, "method '%s': enum parameter '%s' has no choices",
                           m->name, p->name);
        if (p->type == AB_PT_ENUM) { /* each choice 1-63 characters, no empty one */
            size_t run = 0;
            for (const char *c = p->choices;; c++) {
                if (*c == '|' || !*c) {
                    if (run == 0 || run > 63)
                        return ab_errf(err, AB_EINVAL,
                                       "method '%s': parameter '%s' has an empty choice or one over "
                                       "63 characters in \"%.80s\"",
                                       m->name, p->name, p->choices);
                    run = 0;
                    if (!*c)
                        break;
                } else {
                    run++;
                }
            }
        }
        if ((p->type == AB_PT_INT || p->type == AB_PT_REAL) && !(p->lo <= p->hi))
            return ab_errf(err, AB_EINVAL, "method '%s': parameter '%s' has the range [%g, %g]",
                           m->name, p->name, p->lo, p->hi);
        if (p->help && strlen(p->help) > 4096)
            return ab_errf(err, AB_EINVAL, "method '%s': parameter '%s' has a help text over 4096",
                           m->name, p->name);
        for (int j = 0; j < i; j++)
            if (!strcmp(m->params[j].name, p->name))
                return ab_errf(err, AB_EINVAL, "method '%s': parameter '%s' appears twice", m->name,
                               p->name);
        if (p->def) {
            double v;
            const char *s;
            struct ab_err e2;
            if (ab_value_parse(p, p->def, &v, &s, &e2))
                return ab_errf(err, AB_EINVAL, "method '%s': default of %s", m->name, e2.msg);
        }
    }
    return AB_OK;
}

/* dlopen, the entry point, the ABI and the method's table; *out on AB_OK.
 * On an error the library is closed and the message already formatted. */
static int open_plugin(const char *path, void **handle, const struct ab_method **out,
                       struct ab_err *err)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        int here = !strchr(path, '/') && access(path, F_OK) == 0;
        return ab_errf(err, AB_EIO, "%s: cannot load plugin: %s%s", path, dlerror(),
                       here ? " (a plugin in this folder is loaded as ./NAME)" : "");
    }
    ab_plugin_entry_fn entry;
    void *sym = dlsym(h, AB_PLUGIN_ENTRY);
    if (!sym) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL, "%s: not an attnbench plugin (no symbol %s)", path,
                       AB_PLUGIN_ENTRY);
    }
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer: POSIX allows it */
    int abi = -1;
    const struct ab_method *m = entry(&abi);
    int rc = AB_OK;
    if (abi != AB_ABI_VERSION)
        rc = ab_errf(err, AB_EINVAL,
                     "%s: plugin ABI version %d, this attnbench has %d: rebuild the plugin against "
                     "this attnbench.h",
                     path, abi, AB_ABI_VERSION);
    else if (!m)
        rc = ab_errf(err, AB_EINVAL, "%s: plugin returned no method", path);
    else if ((rc = ab_method_validate(m, err)))
        ab_err_prefix(err, "%s", path);
    else if (ab_method_find_backend(m->name, ab_method_backend(m)))
        rc = ab_errf(err, AB_EINVAL, "%s: method '%s' (backend %s) is already registered", path,
                     m->name, ab_backend_name(ab_method_backend(m))); /* (before dlclose) */
    if (rc) {
        dlclose(h);
        return rc;
    }
    *handle = h, *out = m;
    return AB_OK;
}

struct trial {
    int rc;
    char msg[sizeof(struct ab_err)];
};

static void trial_child(const void *arg, void *reply)
{
    struct trial *t = reply;
    struct ab_err e = {{0}};
    void *h;
    const struct ab_method *m;
    t->rc = open_plugin(arg, &h, &m, &e);
    snprintf(t->msg, sizeof t->msg, "%s", e.msg);
}

int ab_plugin_load(const char *path_arg, struct ab_err *err)
{
    /* "name.so" in this folder: dlopen would search the library path only */
    char *path = NULL;
    if (!strchr(path_arg, '/') && access(path_arg, F_OK) == 0) {
        path = malloc(strlen(path_arg) + 3);
        if (path)
            sprintf(path, "./%s", path_arg);
    } else {
        path = strdup(path_arg);
    }
    if (!path)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    /* first in a child: a plugin whose constructor, entry point or tables
     * crash or hang fails here with the reason, not the process */
    struct trial t = {0};
    struct ab_isolate_end end;
    int rc;
    if (ab_isolate(trial_child, path, &t, sizeof t, 30, 0, NULL, &end) != AB_ISO_OK)
        rc = ab_errf(err, AB_EINVAL, "%s: the plugin failed while being loaded and checked: %s",
                     path_arg, end.msg);
    else if (t.rc != AB_OK)
        rc = ab_errf(err, t.rc, "%s", t.msg);
    else
        rc = AB_OK;
    void *h;
    const struct ab_method *m;
    if (rc == AB_OK)
        rc = open_plugin(path, &h, &m, err);
    free(path);
    if (rc)
        return rc;
    table_init();
    if (ntable == AB_MAX_METHODS) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL, "%s: too many methods (%zu)", path_arg, (size_t)AB_MAX_METHODS);
    }
    table[ntable++] = m; /* the handle stays open for the life of the process */
    return AB_OK;
}
