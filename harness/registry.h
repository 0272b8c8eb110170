/* registry.h — every method the harness knows: the built-in table plus
 * plugins loaded with --plugin. Tests: tests/test_registry.c, tests/test_plugin_e2e.sh. */
#ifndef AB_REGISTRY_H
#define AB_REGISTRY_H

#include "attnbench.h"

#include <stddef.h>

/* Backends: which implementation a method is, from its caps (AB_CAP_CUDA:
 * cuda; anything else: cpu). A config entry picks one with `backend:`. */
enum ab_backend { AB_BACKEND_CPU = 0, AB_BACKEND_CUDA = 1 };
#define AB_BACKEND_CHOICES "cpu|cuda"
int ab_method_backend(const struct ab_method *m);
const char *ab_backend_name(int backend);

/* Find a method by name (built-ins first, then loaded plugins): the first
 * of any backend, the CPU one for the built-ins. */
const struct ab_method *ab_method_find(const char *name);
/* Find the implementation of `name` for a backend, or NULL. */
const struct ab_method *ab_method_find_backend(const char *name, int backend);
/* All methods, built-in then plugins; *count receives the number. */
const struct ab_method *const *ab_methods(size_t *count);
/* dlopen `path`, check its ABI version and the method's table, and register
 * it. Errors name the path: missing file, missing symbol, ABI mismatch,
 * a name that clashes with a registered method, an incomplete struct. */
int ab_plugin_load(const char *path, struct ab_err *err);
/* Whether m supports `mask` (enum ab_mask; none always). If not, `why`
 * says so: "METHOD does not support mask: causal" and the method's
 * mask_note when it has one. */
int ab_mask_supported(const struct ab_method *m, int mask, char *why, size_t cap);
/* Whether m runs at `precision` (enum ab_precision; fp32 always; bf16 and
 * fp16 with AB_CAP_PRECISION). If not, `why` says so. */
int ab_precision_supported(const struct ab_method *m, int precision, char *why, size_t cap);
/* Check a method table for completeness (names, required slots, params). */
int ab_method_validate(const struct ab_method *m, struct ab_err *err);

#endif
