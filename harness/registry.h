/* registry.h — every method the harness knows: the built-in table plus
 * plugins loaded with --plugin. Tests: tests/test_registry.c, tests/test_plugin_e2e.sh. */
#ifndef AB_REGISTRY_H
#define AB_REGISTRY_H

#include "attnbench.h"

#include <stddef.h>

/* Find a method by name (built-ins first, then loaded plugins). */
const struct ab_method *ab_method_find(const char *name);
/* All methods, built-in then plugins; *count receives the number. */
const struct ab_method *const *ab_methods(size_t *count);
/* dlopen `path`, check its ABI version and the method's table, and register
 * it. Errors name the path: missing file, missing symbol, ABI mismatch,
 * a name that clashes with a registered method, an incomplete struct. */
int ab_plugin_load(const char *path, struct ab_err *err);
/* Check a method table for completeness (names, required slots, params). */
int ab_method_validate(const struct ab_method *m, struct ab_err *err);

#endif
