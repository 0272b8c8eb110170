/* config.h — YAML loading with positions, and errors that point at the text.
 *
 * libyaml's document API parses a file into a tree; we copy it into cfg_node
 * values that keep the 1-based line and column of every node, so that every
 * later check (types, ranges, unknown keys) can report
 *
 *     experiments/x.yaml:7:23: 'pinv_iters' = 0 is out of range [1, 100]
 *         - {name: nystrom, pinv_iters: 0}
 *                                       ^
 *
 * Syntax errors from libyaml are reported the same way; a tab used for
 * indentation is named as such. Duplicate keys in a mapping are an error
 * (found with a hash set: linear in the keys). Aliases are expanded, within
 * limits against hostile files, each an error at file:line:col: at most
 * 1,000,000 nodes in the text ("the config has more than 1000000 nodes",
 * checked before libyaml's loader holds them) and after expansion ("the
 * config expands to more than 1000000 nodes (aliases?)", at the alias being
 * expanded), aliases nested at most 16
 * deep inside aliased values, anchors x aliases at most 2e7 (libyaml looks
 * every alias up among all anchors), nesting at most 256 levels. Files are
 * read only when regular and at most 16 MiB (AB_MAX_CONFIG_BYTES): a FIFO,
 * a device or a directory is named as such, without blocking. The schema itself (which keys are allowed where) is
 * not here: it is in plan.c, driven by the method and data parameter tables.
 *
 * Tests: tests/test_config.c.
 */
#ifndef AB_CONFIG_H
#define AB_CONFIG_H

#include "attnbench.h"

#include <stddef.h>
#include <stdint.h>

enum cfg_kind { CFG_SCALAR, CFG_SEQ, CFG_MAP };

struct cfg_source {
    char *name; /* file path, or e.g. "--set" */
    char *text; /* the whole source text, for excerpts */
};

struct cfg_node {
    enum cfg_kind kind;
    int line, col; /* 1-based start of the node in src->text */
    const struct cfg_source *src;
    char *str;     /* SCALAR: the text (NUL-terminated) */
    int quoted;    /* SCALAR: written in quotes, so always a string */
    size_t count;  /* SEQ: items; MAP: key/value pairs */
    struct cfg_node **items; /* SEQ: items; MAP: values */
    struct cfg_node **keys;  /* MAP: keys (scalars), same order as in the text */
};

struct cfg_doc; /* owns every node and source */

/* Parse a file / a string. NULL on error with err->msg formatted as below.
 * An empty document (nothing, only comments, a bare "---") is an error
 * ("NAME: config is empty"); so is a second document ("only one YAML document
 * is supported"). An unreadable file is AB_EIO with "PATH: strerror"; a file
 * that is not a regular file is AB_EIO "PATH: is a FIFO (named pipe), not a
 * regular file: ..."; a file over 16 MiB is AB_EINVAL. */
struct cfg_doc *cfg_parse_file(const char *path, struct ab_err *err);
struct cfg_doc *cfg_parse_string(const char *name, const char *text, struct ab_err *err);
/* cfg_parse_file with the status: AB_OK (and *out set), AB_EIO (unreadable),
 * AB_EINVAL (YAML or structure error), AB_ENOMEM. *out is NULL on error. */
int cfg_load_file(const char *path, struct cfg_doc **out, struct ab_err *err);
struct cfg_node *cfg_root(struct cfg_doc *doc);
void cfg_destroy(struct cfg_doc *doc);

/* Parse `text` as one YAML value (flow style allowed: "[1, 2]", "{a: 1}")
 * into a node owned by `doc`; positions refer to `name`/`text`. An empty text
 * is a plain empty scalar. On error NULL, and doc stays valid. */
struct cfg_node *cfg_parse_value(struct cfg_doc *doc, const char *name, const char *text,
                                 struct ab_err *err);

/* Map lookup; NULL if absent or `map` is not a map. */
struct cfg_node *cfg_map_get(const struct cfg_node *map, const char *key);
/* Insert or replace key -> value in a map (value owned by the same doc). A new
 * key is appended last and takes the value's position. */
int cfg_map_set(struct cfg_doc *doc, struct cfg_node *map, const char *key,
                struct cfg_node *value, struct ab_err *err);

/* Format "name:line:col: message\n    <source line>\n    <caret>" into
 * err->msg and return AB_EINVAL. `at` may be NULL (then only the message).
 * There is no trailing newline, as in every other ab_err message. Columns
 * count characters; a tab in the source line is echoed as one space so the
 * caret stays aligned; a long line is shown as a window around the column. */
int cfg_errorf(struct ab_err *err, const struct cfg_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, at an explicit position of a source. */
int cfg_errorf_at(struct ab_err *err, const struct cfg_source *src, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Typed views of a node, with the error pointing at the node. A NULL node is
 * "'what' is missing". Quoted scalars are strings: cfg_to_int, cfg_to_real and
 * cfg_to_bool reject them ("got the string \"5\""); cfg_to_bytes and
 * cfg_to_choice accept them. Integers are decimal with an optional sign; reals
 * are decimal or scientific and finite (".inf", "nan" are rejected); bools are
 * true/True/TRUE/yes/Yes and false/False/FALSE/no/No. */
int cfg_expect(const struct cfg_node *n, enum cfg_kind kind, const char *what,
               struct ab_err *err); /* "'what' must be a list", "a mapping", "a single value" */
int cfg_to_int(const struct cfg_node *n, const char *what, long lo, long hi, long *out,
               struct ab_err *err);
int cfg_to_real(const struct cfg_node *n, const char *what, double lo, double hi, double *out,
                struct ab_err *err);
int cfg_to_bool(const struct cfg_node *n, const char *what, int *out, struct ab_err *err);
/* "4GiB", "512 MiB", "1.5GiB", "100MB", "1024" (bytes) -> bytes. Units: B,
 * KiB MiB GiB TiB (powers of 1024), kB/KB MB GB TB (powers of 1000); a
 * fraction needs a unit and is rounded to the nearest byte. */
int cfg_to_bytes(const struct cfg_node *n, const char *what, uint64_t *out, struct ab_err *err);
/* One of "a|b|c": *idx; the error lists the choices and a "did you mean". */
int cfg_to_choice(const struct cfg_node *n, const char *what, const char *choices, int *idx,
                  struct ab_err *err);
/* Every key of `map` must be in `allowed`: else an error at that key naming
 * it, "did you mean", and the allowed keys. `what` names the map. */
int cfg_check_keys(const struct cfg_node *map, const char *what, const char *const *allowed,
                   size_t nallowed, struct ab_err *err);

/* A value that may be a scalar or a list ("lists expand to the cartesian
 * product"): the length is 1 for a scalar or a mapping (item 0 is the node
 * itself), the item count for a list, 0 for NULL. */
size_t cfg_list_len(const struct cfg_node *n);
const struct cfg_node *cfg_list_at(const struct cfg_node *n, size_t i);

#endif
