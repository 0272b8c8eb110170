/* reference_cache.h — the float64 exact reference of a data instance, from
 * the on-disk cache (<cache>/<data_id>.ref, shared by every method, row and
 * run on the same data) or computed in an isolated child and saved there.
 * Tests: tests/test_cli.c (cache reuse), tests/test_reference.c (the file). */
#ifndef AB_REFERENCE_CACHE_H
#define AB_REFERENCE_CACHE_H

#include "data/data.h"
#include "plan.h"
#include "reference.h"

#include <signal.h>

/* Load or compute (and save) the reference of d, with ||S||_2 per head when
 * want_spec. In-process with no_fork. */
int ab_reference_get(const struct ab_plan *plan, const struct ab_data *d, int want_spec, int no_fork,
                     volatile sig_atomic_t *stop, struct ab_reference *ref, struct ab_err *err);

#endif
