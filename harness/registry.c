/* registry.c — the one table of built-in methods, and plugin loading.
 * Adding an in-tree method: write methods/<name>/<name>_cpu.c defining
 * `const struct ab_method ab_<name>_cpu` and add it to `builtins` below; a
 * CUDA implementation is methods/<name>/<name>_cuda.cu defining
 * `ab_<name>_cuda` (same name, AB_CAP_CUDA), listed under AB_HAVE_CUDA.
 * Methods are looked up by (name, backend).
 * Tests: tests/test_plan.c (backend selection), tests/test_backends.c. */
#define _POSIX_C_SOURCE 200809L
#include "registry.h"

#include "base/util.h"

#include <dlfcn.h>
#include <string.h>

extern const struct ab_method ab_exact_cpu, ab_nystrom_cpu, ab_local_cpu, ab_linformer_cpu,
    ab_performer_cpu, ab_nystrom_local_cpu, ab_nystrom_direct_cpu;
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
    for (int i = 0; i < m->nparams; i++) {
        const struct ab_param *p = &m->params[i];
        if (!p->name || !*p->name)
            return ab_errf(err, AB_EINVAL, "method '%s': parameter %d has no name", m->name, i);
        if (p->type == AB_PT_ENUM && !p->choices)
            return ab_errf(err, AB_EINVAL, "method '%s': enum parameter '%s' has no choices",
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

int ab_plugin_load(const char *path, struct ab_err *err)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return ab_errf(err, AB_EIO, "%s: cannot load plugin: %s", path, dlerror());
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
    if (abi != AB_ABI_VERSION) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL,
                       "%s: plugin ABI version %d, this attnbench has %d: rebuild the plugin against "
                       "this attnbench.h",
                       path, abi, AB_ABI_VERSION);
    }
    if (!m) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL, "%s: plugin returned no method", path);
    }
    int rc = ab_method_validate(m, err);
    if (rc) {
        ab_err_prefix(err, "%s", path);
        dlclose(h);
        return rc;
    }
    if (ab_method_find_backend(m->name, ab_method_backend(m))) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL, "%s: method '%s' (backend %s) is already registered", path,
                       m->name, ab_backend_name(ab_method_backend(m)));
    }
    table_init();
    if (ntable == AB_MAX_METHODS) {
        dlclose(h);
        return ab_errf(err, AB_EINVAL, "%s: too many methods (%zu)", path, (size_t)AB_MAX_METHODS);
    }
    table[ntable++] = m; /* the handle stays open for the life of the process */
    return AB_OK;
}
