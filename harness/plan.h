/* plan.h — a YAML config turned into a measurement plan.
 *
 * The schema is a table (top-level keys below) plus the parameter tables of
 * the data kinds and methods: a data entry is `kind:` and that kind's
 * parameters; a method entry is `name:` and that method's parameters. Every
 * parameter may be a value or a list; lists expand to the cartesian product
 * within the entry. Rows are data expansions x seeds x method expansions.
 * Unknown keys, wrong types and out-of-range values are errors at the
 * offending node (file:line:col, the source line, a caret, the valid choices).
 *
 * --set overrides, applied before validation:
 *   KEY=VALUE                   a top-level key (repeats=3, seeds=[1,2])
 *   data.PARAM=VALUE            every data entry whose kind has PARAM
 *   data.KIND.PARAM=VALUE       data entries of that kind
 *   methods.PARAM=VALUE         every method entry whose method has PARAM
 *   methods.NAME.PARAM=VALUE    method entries of that method
 * VALUE is YAML (a scalar or a flow list: n=[512,1024]).
 *
 * Backends: a method entry may say `backend: cpu` (the default) or `cuda`,
 * or a list of both; the entry's parameters are then those of that backend's
 * implementation (registry lookup by name and backend). A backend the build
 * lacks is an error at the node. Rows of a non-CPU backend carry
 * "backend=NAME;" at the head of their params (and so a distinct row id);
 * CPU rows are exactly as before backends existed. `--set methods.backend=cuda`
 * switches every method entry.
 *
 * Precision: a method entry may say `precision: fp32` (the default), `bf16`
 * or `fp16`, or a list of them (kernels/round.h, attnbench.h). Rows at bf16
 * or fp16 carry "precision=NAME;" at the head of their params (after any
 * backend=), fp32 rows exactly as before precision existed. A method
 * without AB_CAP_PRECISION is not an error here: its low-precision rows are
 * `refused` when run. A method with its own `precision` parameter (CUDA
 * exact) takes the key as that parameter.
 *
 * Tests: tests/test_plan.c. */
#ifndef AB_PLAN_H
#define AB_PLAN_H

#include "attnbench.h"
#include "formats/config.h"
#include "data/data.h"

#include <stddef.h>
#include <stdint.h>

enum ab_attn_mode { AB_ATTN_OFF = 0, AB_ATTN_ON = 1, AB_ATTN_AUTO = 2 };

struct ab_settings {
    char name[128];
    uint64_t seeds[256];
    size_t nseeds;
    int repeats, warmup;
    double warmup_s;        /* warm up for at least this long (when warmup > 0) */
    double repeat_budget_s; /* stop repeating once this much time is spent */
    int threads;
    double timeout_s;     /* per row (child process) */
    double ref_timeout_s; /* per exact reference */
    size_t ref_max_n;     /* no reference (accuracy columns empty) above this N; 0: always */
    uint64_t mem_limit;   /* bytes a method may allocate through the harness */
    int attn;             /* enum ab_attn_mode */
    size_t attn_max_n;    /* auto: matrix metrics for N <= this */
    int attn_spec;        /* with matrix metrics, also the spectral norm */
    char cache[4096];     /* exact-reference cache directory (a longer one is refused) */
    double ceiling_s;     /* seconds to measure the SGEMM ceiling per (d, dv); 0: off */
};

struct ab_plan_data {
    const struct ab_datakind *kind;
    struct ab_values vals;
    char *params;      /* "k=v;..." (ab_values_text: whole, one-to-one) */
    const char *basedir; /* the config's folder: relative data paths start there */
    size_t dims[4];    /* H, N, D, DV */
    const struct cfg_node *at;
    int mask;          /* enum ab_mask: the entry's `mask` (a list expands) */
    size_t *lengths;   /* mask padding: the entry's `lengths` (one list; a list of
                        * lists expands); owned */
    size_t nlengths;
    size_t *head_lengths; /* padding: lengths[h mod nlengths] for each of the H heads; owned */
    char lengths_text[256]; /* "L1 L2 ..." ("" without padding): the CSV column */
};

struct ab_plan_method {
    const struct ab_method *m;
    struct ab_values vals;
    char *params;     /* "k=v;...", "backend=cuda;" first for non-CPU backends */
    const struct cfg_node *at;
    int backend;      /* enum ab_backend (registry.h) */
    int precision;    /* enum ab_precision: the entry's `precision` (a list expands) */
};

struct ab_plan {
    struct ab_settings set;
    char *config;      /* the config path as given */
    char *basedir;     /* its folder */
    struct ab_plan_data *data;
    size_t ndata;
    struct ab_plan_method *methods;
    size_t nmethods;
    struct cfg_doc *doc; /* owns the strings that values point to */
    /* rows the config lists more than once (a repeated list value or seed,
     * an entry repeated by an alias, an explicit default, a --set that makes
     * two entries equal): each is measured and written once. dup_rows counts
     * the rows dropped; dup_example names one ("" when none). */
    size_t dup_rows;
    char dup_example[400];
};

/* Load, apply overrides, validate, expand, de-duplicate (no row_id twice:
 * see dup_rows). On error err->msg is positioned and the plan is empty. */
int ab_plan_load(const char *path, const char *const *sets, size_t nsets, struct ab_plan *plan,
                 struct ab_err *err);
void ab_plan_free(struct ab_plan *plan);

size_t ab_plan_rows(const struct ab_plan *plan);
/* The stable id of a row: hash of the data kind and params, seed, method and
 * params (16 hex digits). The same on any machine for the same config. */
void ab_plan_row_id(const struct ab_plan_data *d, uint64_t seed, const struct ab_plan_method *m,
                    char out[17]);
/* The problem sizes of a data entry as a problem with no arrays. */
struct ab_problem ab_plan_problem(const struct ab_plan *plan, const struct ab_plan_data *d);
size_t ab_plan_instances(const struct ab_plan *plan);
/* Make a data entry's instance for `seed`, with the entry's mask
 * (ab_data_make, then ab_data_set_mask). */
int ab_plan_data_make(const struct ab_plan_data *pd, uint64_t seed, struct ab_data *out,
                      struct ab_err *err);

/* Whether matrix metrics run for N (and with the spectral norm). */
int ab_plan_attn(const struct ab_settings *s, size_t n);

/* Expand a `methods:` list (entries as in a sweep config, with their
 * checks and positioned errors) into plan->methods: for configs of other
 * commands (attnbench model) that share the method schema. */
int ab_plan_add_methods(struct ab_plan *plan, const struct cfg_node *list, struct ab_err *err);

/* Whether `name` can name results/<name>.csv: 1 to 127 characters from
 * [A-Za-z0-9._-], not starting with '.' (so no "", ".", "..", '/' or other
 * path characters). If not, 0, and `why` (may be NULL) says what is wrong:
 * "is empty", "starts with '.'", "holds '/' at character 3". */
int ab_plan_name_ok(const char *name, char *why, size_t cap);

#endif
