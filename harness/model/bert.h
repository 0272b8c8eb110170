/* bert.h — a BERT encoder forward in C (float32, OpenBLAS SGEMM) whose
 * self-attention goes through any attention method (struct ab_method from
 * attnbench.h: built-in or plugin), layer by layer, plus sentence-
 * transformers' mean pooling and L2 normalisation.
 *
 * Model folder: config.json (Hugging Face BertConfig) and model.safetensors
 * (a BertModel's tensors, with or without the "bert." prefix; F32, F16, BF16
 * or F64, kept as float32). Refused with a message naming the file and key or
 * tensor: model_type other than "bert", hidden_act other than "gelu" (erf),
 * position_embedding_type other than "absolute", is_decoder, add_cross_attention,
 * hidden_size not a multiple of num_attention_heads, a missing tensor or one
 * of the wrong shape.
 *
 * The forward (one sequence, no padding, token type 0, positions 0..N-1):
 *   X = LN(word[ids] + pos[0..N) + type[0])                    (N, HID)
 *   per layer l:  Q, K, V = X W^T + b, split into heads        (H, N, D) each
 *                 O = attn_l(Q, K, V)  (the layer's method)    (H, N, D)
 *                 X = LN(X + merge(O) Wo^T + bo)
 *                 X = LN(X + gelu(X Wi^T + bi) Wo2^T + bo2)     (gelu: erf form)
 *   embedding = normalize(mean_t X[t])                         (HID)
 * A method is driven as the harness does: estimate (validates its values
 * against the sizes), prepare, forward, release, with a struct ab_problem on
 * that layer's Q, K, V and the caller's allocator; its seed is opts->seed +
 * layer. LayerNorm statistics, the mean pooling and the norm are accumulated
 * in float64.
 *
 * Tests: tests/test_bert.c (a tiny random BERT against Hugging Face's
 * BertModel in float64, layer replacement), tests/test_minilm.c (MiniLM
 * against sentence-transformers; skipped without the weights). */
#ifndef AB_BERT_H
#define AB_BERT_H

#include "attnbench.h"

#include <stddef.h>
#include <stdint.h>

struct ab_bert_config {
    size_t layers, hidden, heads, head_dim, intermediate, vocab, max_pos, type_vocab;
    double ln_eps;
};

struct ab_bert;

/* Load DIR/config.json and DIR/model.safetensors. */
int ab_bert_load(const char *dir, struct ab_bert **out, struct ab_err *err);
void ab_bert_destroy(struct ab_bert *m);
const struct ab_bert_config *ab_bert_config(const struct ab_bert *m);

/* Parse a config.json text (`name` for messages) into cfg: the checks above. */
int ab_bert_parse_config(const char *name, const char *json, struct ab_bert_config *cfg,
                         struct ab_err *err);

/* One layer's attention: a CPU method and its parameter values. */
struct ab_bert_attn {
    const struct ab_method *method;
    const struct ab_values *vals;
    int precision; /* enum ab_precision: Q, K, V rounded for the method (needs AB_CAP_PRECISION) */
};

struct ab_bert_opts {
    const struct ab_bert_attn *attn; /* [layers], every method set */
    uint64_t seed;                   /* layer l's problem gets seed + l */
    int threads;                     /* prob->threads */
    void *(*alloc)(size_t bytes);    /* the methods' allocator (prob->alloc/free) */
    void (*free)(void *p);
    float *hidden;    /* optional, (layers + 1, N, HID): the embeddings' output, then each layer's */
    float *embedding; /* optional, (HID): mean-pooled, L2-normalised */
    /* Optional attention-level error: where check[l].method is set and
     * differs from attn[l] (method or values), the check method runs too on
     * the same Q, K, V (untimed), and err2[l] += ||O - O_check||_F^2,
     * ref2[l] += ||O_check||_F^2 (float64). */
    const struct ab_bert_attn *check; /* [layers] or NULL */
    double *err2, *ref2;              /* [layers], with check */
};

struct ab_bert_stats {
    double total_s; /* the whole forward, without the check calls */
    double attn_s;  /* the methods' estimate + prepare + forward + release, all layers */
};

/* Run the encoder on ids[0..n). Errors: an id outside the vocabulary, n
 * beyond max_position_embeddings, a method's failure (prefixed with the
 * layer and method name), out of memory. stats may be NULL. */
int ab_bert_forward(const struct ab_bert *m, const int32_t *ids, size_t n,
                    const struct ab_bert_opts *opts, struct ab_bert_stats *stats,
                    struct ab_err *err);

#endif
