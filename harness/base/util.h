/* util.h — small services shared by the harness modules: error formatting,
 * hashing, aligned memory, "did you mean", parameter-value formatting.
 * Tests: tests/test_util.c. */
#ifndef AB_UTIL_H
#define AB_UTIL_H

#include "attnbench.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define AB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AB_PRINTF(a, b)
#endif

#define AB_ALIGN 64

/* Fill err->msg (printf-style) and return `status`; err may be NULL. */
int ab_errf(struct ab_err *err, int status, const char *fmt, ...) AB_PRINTF(3, 4);
/* The same with a va_list (for functions that add a step before it). */
int ab_verrf(struct ab_err *err, int status, const char *fmt, va_list ap) AB_PRINTF(3, 0);
/* Prefix err->msg with "prefix: " (for adding a file name or context). */
void ab_err_prefix(struct ab_err *err, const char *fmt, ...) AB_PRINTF(2, 3);

/* 64-byte aligned allocation straight from the system (not counted toward
 * peak_bytes: for harness-owned inputs and outputs). NULL on failure. */
void *ab_aligned_alloc(size_t bytes);
void ab_aligned_free(void *p);

/* 64-bit hashing for stable ids: FNV-1a over bytes, then a splitmix64
 * finaliser. Chain with `h = ab_hash64(buf, len, h)`; start at AB_HASH_INIT. */
#define AB_HASH_INIT UINT64_C(0xcbf29ce484222325)
uint64_t ab_hash64(const void *buf, size_t len, uint64_t h);
uint64_t ab_hash_str(const char *s, uint64_t h);
uint64_t ab_mix64(uint64_t x); /* splitmix64 finaliser */
void ab_hex64(uint64_t x, char out[17]);

/* The candidate nearest to `word` by edit distance, or NULL when none is
 * close enough to suggest (distance > max(2, len/3)). */
const char *ab_closest(const char *word, const char *const *cands, size_t ncands);
/* Same over a "a|b|c" choice string; returns a pointer into a static buffer
 * (not thread-safe: for error messages in the single-threaded driver). */
const char *ab_closest_choice(const char *word, const char *choices);
/* Index of `word` in "a|b|c", or -1. */
int ab_choice_index(const char *choices, const char *word);
/* Copy choice number `idx` of "a|b|c" into out. */
void ab_choice_name(const char *choices, int idx, char *out, size_t cap);

/* Format one parameter value as text (shortest round-trip for reals). */
void ab_value_format(const struct ab_param *p, double v, const char *str, char *out, size_t cap);
/* "prefix" then "k1=v1;k2=v2" over the set parameters, in table order, as
 * a malloc'd string (NULL when out of memory): the params text of a row,
 * whole (never cut) and one-to-one with the values — a string value that
 * holds ';', '=', '"', '\\' or a control character is written double-quoted
 * with escapes. A prefix ending in ';' loses the ';' when no value is set. */
char *ab_values_text(const struct ab_values *vals, const char *prefix);
/* Fill vals with the table's defaults (params with def == NULL stay unset). */
int ab_values_defaults(struct ab_values *vals, const struct ab_param *params, int nparams,
                       struct ab_err *err);
/* Parse one scalar text for parameter p into (*v, *str) with range checks.
 * On error the message names the parameter and the valid range or choices. */
int ab_value_parse(const struct ab_param *p, const char *text, double *v, const char **str,
                   struct ab_err *err);

/* A temporary name beside `path`, unique across hosts and processes sharing
 * a filesystem: "<path>.tmp.<host>.<pid>.<random>". Write there, then
 * rename(2) onto path: readers see the old file or the new one, never a torn
 * one, and concurrent writers of the same file do not collide. */
void ab_tmp_path(const char *path, char *out, size_t cap);

/* mkdir -p: create path and its missing parents (0777 before the umask).
 * 0, or -1 with errno set. Any length (no truncation). */
int ab_mkdirs(const char *path);

/* Size caps for files the harness reads by name (see ab_open_regular). */
#define AB_MAX_CONFIG_BYTES (UINT64_C(16) << 20) /* YAML configs and manifests: 16 MiB */
#define AB_MAX_TABLE_BYTES (UINT64_C(1) << 30)   /* results CSVs (check, merge, plot): 1 GiB */
#define AB_MAX_ARRAY_BYTES (UINT64_C(64) << 30)  /* .npy and .safetensors files: 64 GiB */

/* Open `path` for reading only if it is a regular file (a symlink to one is
 * fine) of at most max_bytes: the open uses O_NONBLOCK, so a FIFO cannot
 * block it, and fstat on the descriptor decides (no race with a rename).
 * `what` names the file's role in messages ("config", ".npy file"). On
 * success *fd is open (blocking again) and *size is the file's size. Errors:
 * AB_EIO "PATH: strerror" when it cannot be opened, AB_EIO "PATH: is a
 * directory / a FIFO (named pipe) / a character device (...), not a regular
 * file: the WHAT must be a file", AB_EINVAL "PATH: the WHAT is N bytes, more
 * than the limit of M bytes (K MiB)". max_bytes 0: no cap. */
int ab_open_regular(const char *path, uint64_t max_bytes, const char *what, int *fd,
                    uint64_t *size, struct ab_err *err);
/* The whole of a regular file (ab_open_regular's checks) in a malloc'ed
 * buffer with a NUL after the last byte; *len is its length. At most
 * `limit` bytes are read when limit < the size (the caller checks the rest
 * against *size); limit 0 means all. The caller frees *buf. */
int ab_read_regular(const char *path, uint64_t max_bytes, const char *what, size_t limit,
                    char **buf, size_t *len, uint64_t *size, struct ab_err *err);

/* Bytes of memory the machine has available now (/proc/meminfo's
 * MemAvailable), or 0 when unknown. */
double ab_mem_available(void);

/* Monotonic clock in seconds. */
double ab_now(void);

#endif
