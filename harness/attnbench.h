/* attnbench.h — the one public header: what a method plugin implements.
 *
 * Shape letters, fixed everywhere in attnbench:
 *   H heads, N tokens (sequence length), D query/key head dim, DV value head dim,
 *   M landmarks (Nystrom) or projected length (Linformer).
 * Every tensor is float32, row-major, heads outermost: Q and K are (H, N, D),
 * V is (H, N, DV), the output O is (H, N, DV).
 *
 * The contract between the harness (driver) and a method:
 *
 *   - The harness owns the problem (Q, K, V, sizes) and the output buffer. A
 *     method owns only its `state`, which it allocates in `prepare` through
 *     `prob->alloc`, so that its peak working memory is measured exactly
 *     (peak_bytes). One allocation per workspace, carved into pieces, is the
 *     house style. The allocator returns NULL beyond the row's memory limit:
 *     return AB_ENOMEM then.
 *   - `estimate` (required) gives the analytic FLOP count and the workspace
 *     bytes without touching data; it powers `--dry-run` and the GFLOP/s column.
 *     It also validates parameters against the sizes: m > n is AB_EINVAL there,
 *     with a message.
 *   - `prepare` (required) validates, allocates, and does the one-off work that
 *     is not part of the method's real cost. It is timed apart (prepare_ms).
 *   - `forward` (required) is the timed call. It computes O from Q, K, V in full
 *     (for Nystrom: landmarks, the pseudo-inverse and the output: all of it is
 *     the method's cost). It must not allocate, print, or keep pointers into
 *     `out` beyond the call. It may be called many times; each call recomputes
 *     everything from the problem's inputs.
 *   - `rows` (optional, NULL if absent; AB_CAP_ROWS in caps) writes rows
 *     [r0, r1) of head h of the method's (approximate) attention matrix into
 *     S, (r1 - r0) x N, row-major. Valid after at least one `forward`. It may
 *     use workspace kept by `forward`, but not allocate beyond `prepare`'s.
 *     The harness asks for at most AB_ROWS_BLOCK rows per call, from one
 *     thread at a time.
 *   - `report` (optional) fills method diagnostics after `forward` (Nystrom's
 *     pseudo-inverse residual); it is not timed and may allocate through
 *     prob->alloc (freeing before it returns).
 *   - `release` (required) accepts NULL and a half-built state.
 *
 * Threads: the harness runs each measurement in a process where OpenBLAS is
 * single-threaded and OpenMP has prob->threads threads; a method parallelises
 * over heads and tiles with OpenMP (or not at all).
 *
 * Backends: a method's caps say which implementation it is, AB_CAP_CPU or
 * AB_CAP_CUDA. Two methods may share a name if their backends differ (the
 * CUDA `exact` beside the CPU `exact`); a config picks one with
 * `backend: cpu|cuda` (default cpu). For an AB_CAP_CUDA method:
 *   - `estimate` must not touch the device (--dry-run calls it in the parent
 *     process, which never initialises CUDA: contexts do not survive fork).
 *   - `prepare` allocates device memory through prob->dev_alloc (counted:
 *     peak_bytes is then the device peak) and uploads Q, K, V from the host
 *     arrays in prob: the upload is not timed.
 *   - `forward(state, NULL, err)` is the timed call: it computes O into
 *     device memory and returns after the device has finished (the harness
 *     times it with CUDA events). `forward(state, out, err)` with a host
 *     `out` does the same and then copies O into `out`; the harness makes
 *     that call once, after the timed repeats.
 *
 * Precision: a config entry may say `precision: fp32|bf16|fp16` (default
 * fp32). A method that handles a low precision declares AB_CAP_PRECISION;
 * the harness never hands bf16 or fp16 to another (the row is `refused`).
 * For a bf16/fp16 row the harness rounds Q, K and V to the format (round to
 * nearest even; fp16 keeps subnormals and overflows to infinity) into copies
 * it owns, outside the method's measured workspace, and sets prob->precision:
 * the method receives rounded inputs. The method then rounds what it STORES
 * (landmarks, pseudo-inverses, feature maps, projected keys, running sums:
 * each method's header says which) with the helpers of kernels/round.h, and
 * accumulates in float32 or float64 as its header says. There are no
 * low-precision products on the CPU (no AVX-512 BF16 kernels): products run
 * in float32 on rounded operands. With fp32 nothing is rounded and every
 * output is bitwise what it was before precision existed.
 *
 * Out-of-tree plugins: a shared object exports
 *     const struct ab_method *ab_plugin_entry(int *abi_version);
 * which stores AB_ABI_VERSION in *abi_version and returns the method. The
 * harness refuses a plugin whose ABI version differs from its own.
 */
#ifndef ATTNBENCH_H
#define ATTNBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AB_ABI_VERSION 2 /* 2: masks (ab_problem.mask/lengths, AB_CAP_CAUSAL/PADDING, ab_method.mask_note) */

/* Status codes: 0 is success; methods return one of these and fill err->msg. */
enum ab_status {
    AB_OK = 0,
    AB_EINVAL = 1,   /* bad parameter or size for this method */
    AB_ENOMEM = 2,   /* allocation refused (row memory limit) */
    AB_EREFUSED = 3, /* deliberately refused, e.g. n x n beyond a cap */
    AB_ENUMERIC = 4, /* non-finite result or a diverging iteration */
    AB_EIO = 5,      /* file or system error */
    AB_EUNSUPPORTED = 6
};

struct ab_err {
    char msg[512];
};

/* Capabilities a method declares (ggml's supports_op, decided up front). */
enum ab_caps {
    AB_CAP_CPU = 1u << 0,
    AB_CAP_CUDA = 1u << 1,
    AB_CAP_ROWS = 1u << 2,       /* has `rows`: matrix metrics apply */
    AB_CAP_PINV = 1u << 3,       /* reports pinv_resid / pinv_vs_svd */
    AB_CAP_ROWS_SUM_1 = 1u << 4, /* claims: every attention row sums to 1 */
    AB_CAP_EXACT = 1u << 5,      /* claims: equals exact softmax attention */
    AB_CAP_CAUSAL = 1u << 6,     /* supports mask: causal */
    AB_CAP_PADDING = 1u << 7,    /* supports mask: padding */
    AB_CAP_PRECISION = 1u << 8   /* handles precision: bf16 and fp16 (ab_problem.precision) */
};

/* The storage precision of a row (ab_problem.precision). fp32 is the
 * default and the only one a method without AB_CAP_PRECISION is given.
 * Unit roundoffs: fp32 2^-24, bf16 2^-8, fp16 2^-11 (fp16: largest finite
 * 65504, smallest subnormal 2^-24). */
enum ab_precision { AB_PREC_FP32 = 0, AB_PREC_BF16 = 1, AB_PREC_FP16 = 2 };

/* The attention mask of a problem. Every mask is a prefix of the keys:
 * query row i of head h attends keys [0, ab_mask_keys(p, h, i)).
 *   none     every row attends all N keys.
 *   causal   row i attends keys 0..i (itself and the past).
 *   padding  head h is a sequence of lengths[h] valid tokens followed by
 *            padding: valid rows attend the lengths[h] valid keys; padded
 *            keys receive no attention; a padded query row's output is
 *            defined as zero (the harness checks it and excludes those rows
 *            from every metric).
 * A method declares what it supports (AB_CAP_CAUSAL, AB_CAP_PADDING); the
 * harness never hands it another mask (the row is `refused`, with the
 * method's mask_note when it has one). */
enum ab_mask { AB_MASK_NONE = 0, AB_MASK_CAUSAL = 1, AB_MASK_PADDING = 2 };

/* A parameter: drives YAML validation, `attnbench list` and the CSV columns. */
enum ab_ptype {
    AB_PT_INT,  /* integer in [lo, hi] */
    AB_PT_REAL, /* real in [lo, hi] */
    AB_PT_ENUM, /* one of `choices`, "a|b|c"; the value is the index */
    AB_PT_BOOL, /* true/false; the value is 0 or 1 */
    AB_PT_STRING /* text (a file path); the value is in `str` */
};

struct ab_param {
    const char *name;
    enum ab_ptype type;
    const char *def;     /* default as YAML text; NULL: unset unless given */
    double lo, hi;       /* inclusive range for INT and REAL */
    const char *choices; /* ENUM only: "a|b|c" */
    const char *help;
};

#define AB_MAX_PARAMS 24
#define AB_ROWS_BLOCK 64

/* One point of a method's parameter space: values index-aligned with the
 * method's param table. Enum and bool values are stored as their index. */
struct ab_values {
    const struct ab_param *params;
    int count;
    double v[AB_MAX_PARAMS];
    const char *str[AB_MAX_PARAMS];   /* STRING values; owned by the caller */
    unsigned char set[AB_MAX_PARAMS]; /* 1: given in the config or defaulted */
};

/* Accessors by name (tables are short). They are inline so that a plugin
 * needs no symbol from the harness. A name missing from the table is a bug in
 * the method: it aborts. */
static inline int ab_values_index_(const struct ab_values *vals, const char *name)
{
    for (int i = 0; i < vals->count; i++)
        if (strcmp(vals->params[i].name, name) == 0)
            return i;
    abort();
}
static inline int ab_values_isset(const struct ab_values *vals, const char *name)
{
    return vals->set[ab_values_index_(vals, name)];
}
static inline long ab_values_int(const struct ab_values *vals, const char *name)
{
    return (long)vals->v[ab_values_index_(vals, name)];
}
static inline double ab_values_real(const struct ab_values *vals, const char *name)
{
    return vals->v[ab_values_index_(vals, name)];
}
static inline const char *ab_values_str(const struct ab_values *vals, const char *name)
{
    return vals->str[ab_values_index_(vals, name)];
}
static inline int ab_values_enum(const struct ab_values *vals, const char *name)
{
    return (int)vals->v[ab_values_index_(vals, name)];
}

struct ab_problem {
    size_t heads, n, d, dv;
    const float *q; /* (H, N, D)  */
    const float *k; /* (H, N, D)  */
    const float *v; /* (H, N, DV) */
    uint64_t seed;  /* for methods with random draws */
    int threads;    /* OpenMP threads the method may use */
    /* The harness allocator: 64-byte aligned; counts bytes toward peak_bytes;
     * returns NULL beyond the row's memory limit. */
    void *(*alloc)(size_t bytes);
    void (*free)(void *p);
    /* AB_CAP_CUDA methods only: the harness's device allocator (cudaMalloc;
     * counted toward peak_bytes; NULL beyond the row's memory limit). NULL
     * for CPU methods and in builds without CUDA. (Added at the end of the
     * struct: plugins built before these fields never read them.) */
    void *(*dev_alloc)(size_t bytes);
    void (*dev_free)(void *p);
    /* The mask (enum ab_mask; ABI 2). lengths: AB_MASK_PADDING only, one
     * entry per head, each in [1, N]; NULL otherwise. */
    int mask;
    const size_t *lengths;
    /* The storage precision (enum ab_precision; appended within ABI 2: a
     * plugin built before it never reads it, and lacks AB_CAP_PRECISION, so
     * it is only ever given fp32 = 0). Non-fp32 only for a method with
     * AB_CAP_PRECISION, whose Q, K, V are then already rounded to it. */
    int precision;
};

/* The valid tokens of head h: lengths[h] under padding, else N. */
static inline size_t ab_mask_valid(const struct ab_problem *p, size_t h)
{
    return p->mask == AB_MASK_PADDING && p->lengths ? p->lengths[h] : p->n;
}
/* The keys row i of head h attends: [0, result); 0 for a padded row. */
static inline size_t ab_mask_keys(const struct ab_problem *p, size_t h, size_t i)
{
    size_t valid = ab_mask_valid(p, h);
    if (i >= valid)
        return 0;
    return p->mask == AB_MASK_CAUSAL ? i + 1 : valid;
}

/* What `estimate` returns. */
struct ab_estimate {
    double flops;           /* analytic FLOPs of one forward */
    double workspace_bytes; /* what prepare will allocate */
    double budget;          /* the method's size knob in effect: landmarks M,
                             * projected length, features, window; N for exact */
};

/* What `report` returns; leave NaN what does not apply. The harness sets
 * every field to NaN before the call; fields are only ever appended, so a
 * plugin built against an older struct writes a prefix of it. */
struct ab_report {
    double pinv_resid;  /* ||I - A Z||_F averaged over heads */
    double pinv_vs_svd; /* ||Z - A^+||_F / ||A^+||_F averaged over heads */
    /* The relative Frobenius error of the output against the method's own
     * exact target (a kernel method's exact kernel attention, in float64;
     * valid rows only), NaN if the method has none. Softmax stays the
     * harness's target (out_rel_fro); this is the second figure. */
    double target_rel_fro;
};

struct ab_method {
    const char *name;    /* as written in YAML: "exact", "nystrom" */
    const char *summary; /* one line for `attnbench list` */
    const struct ab_param *params;
    int nparams;
    unsigned caps; /* enum ab_caps */

    int (*estimate)(const struct ab_problem *prob, const struct ab_values *vals,
                    struct ab_estimate *est, struct ab_err *err);
    int (*prepare)(const struct ab_problem *prob, const struct ab_values *vals,
                   void **state, struct ab_err *err);
    int (*forward)(void *state, float *out, struct ab_err *err);
    int (*rows)(void *state, size_t h, size_t r0, size_t r1, float *S,
                struct ab_err *err);                                     /* optional */
    int (*report)(void *state, struct ab_report *rep, struct ab_err *err); /* optional */
    void (*release)(void *state);
    /* Optional (ABI 2): why a mask the caps leave out is not supported;
     * quoted in the `refused` row and in `attnbench list`. */
    const char *mask_note;
};

/* The symbol an out-of-tree plugin exports. */
typedef const struct ab_method *(*ab_plugin_entry_fn)(int *abi_version);
#define AB_PLUGIN_ENTRY "ab_plugin_entry"

#ifdef __cplusplus
}
#endif
#endif /* ATTNBENCH_H */
