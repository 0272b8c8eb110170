/* bert.c — the BERT encoder forward (see bert.h): config.json through cJSON,
 * the tensors through formats/safetensors from one read of the file, the
 * products through cblas_sgemm, the attention through the layer's method. */
#include "model/bert.h"
#include "kernels/round.h"

#include "base/util.h"
#include "formats/safetensors.h"

#include <cJSON.h>
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W_Q, W_QB, W_K, W_KB, W_V, W_VB, W_AO, W_AOB, W_LN1, W_LN1B, W_I, W_IB, W_O, W_OB, W_LN2,
       W_LN2B, W_PER_LAYER };

static const char *const layer_names[W_PER_LAYER] = {
    "attention.self.query.weight",      "attention.self.query.bias",
    "attention.self.key.weight",        "attention.self.key.bias",
    "attention.self.value.weight",      "attention.self.value.bias",
    "attention.output.dense.weight",    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",        "intermediate.dense.bias",
    "output.dense.weight",              "output.dense.bias",
    "output.LayerNorm.weight",          "output.LayerNorm.bias"};

enum { E_WORD, E_POS, E_TYPE, E_LN, E_LNB, E_COUNT };
static const char *const emb_names[E_COUNT] = {
    "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
    "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
    "embeddings.LayerNorm.bias"};

struct ab_bert {
    struct ab_bert_config cfg;
    struct ab_npy emb[E_COUNT];
    struct ab_npy *layer; /* [layers * W_PER_LAYER] */
};

const struct ab_bert_config *ab_bert_config(const struct ab_bert *m) { return &m->cfg; }

/* ---- config.json ---- */

static int cfg_size(const char *name, const cJSON *root, const char *key, int required, size_t def,
                    size_t *out, struct ab_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!it) {
        if (required)
            return ab_errf(err, AB_EINVAL, "%s: missing key '%s'", name, key);
        *out = def;
        return AB_OK;
    }
    double v = cJSON_IsNumber(it) ? it->valuedouble : -1;
    if (!(v >= 1 && v <= (double)(1u << 24) && v == floor(v)))
        return ab_errf(err, AB_EINVAL, "%s: '%s' must be an integer in [1, 2^24]", name, key);
    *out = (size_t)v;
    return AB_OK;
}

/* A string key that must equal `want` when present (absent: `def_ok`). */
static int cfg_is(const char *name, const cJSON *root, const char *key, const char *want,
                  int def_ok, const char *why, struct ab_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!it) {
        if (def_ok)
            return AB_OK;
        return ab_errf(err, AB_EUNSUPPORTED, "%s: missing key '%s' (expected \"%s\")", name, key,
                       want);
    }
    if (!cJSON_IsString(it) || strcmp(it->valuestring, want) != 0)
        return ab_errf(err, AB_EUNSUPPORTED, "%s: %s '%s' is not supported (%s)", name, key,
                       cJSON_IsString(it) ? it->valuestring : "(not a string)", why);
    return AB_OK;
}

int ab_bert_parse_config(const char *name, const char *json, struct ab_bert_config *cfg,
                         struct ab_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    cJSON *root = cJSON_Parse(json);
    if (!root)
        return ab_errf(err, AB_EINVAL, "%s: not valid JSON", name);
    int rc = AB_OK;
    if (!cJSON_IsObject(root)) {
        rc = ab_errf(err, AB_EINVAL, "%s: not a JSON object", name);
        goto done;
    }
    if ((rc = cfg_is(name, root, "model_type", "bert", 0, "only BERT encoders are", err)) ||
        (rc = cfg_is(name, root, "hidden_act", "gelu", 1,
                     "only \"gelu\", the erf form, is implemented", err)) ||
        (rc = cfg_is(name, root, "position_embedding_type", "absolute", 1,
                     "only absolute position embeddings are implemented", err)))
        goto done;
    static const char *const flags[] = {"is_decoder", "add_cross_attention"};
    for (int i = 0; i < 2; i++) {
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, flags[i]);
        if (it && cJSON_IsTrue(it)) {
            rc = ab_errf(err, AB_EUNSUPPORTED, "%s: %s: true is not supported (an encoder only)",
                         name, flags[i]);
            goto done;
        }
    }
    if ((rc = cfg_size(name, root, "num_hidden_layers", 1, 0, &cfg->layers, err)) ||
        (rc = cfg_size(name, root, "hidden_size", 1, 0, &cfg->hidden, err)) ||
        (rc = cfg_size(name, root, "num_attention_heads", 1, 0, &cfg->heads, err)) ||
        (rc = cfg_size(name, root, "intermediate_size", 1, 0, &cfg->intermediate, err)) ||
        (rc = cfg_size(name, root, "vocab_size", 1, 0, &cfg->vocab, err)) ||
        (rc = cfg_size(name, root, "max_position_embeddings", 1, 0, &cfg->max_pos, err)) ||
        (rc = cfg_size(name, root, "type_vocab_size", 0, 2, &cfg->type_vocab, err)))
        goto done;
    if (cfg->hidden % cfg->heads) {
        rc = ab_errf(err, AB_EUNSUPPORTED,
                     "%s: hidden_size %zu is not a multiple of num_attention_heads %zu", name,
                     cfg->hidden, cfg->heads);
        goto done;
    }
    cfg->head_dim = cfg->hidden / cfg->heads;
    cfg->ln_eps = 1e-12;
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(root, "layer_norm_eps");
    if (eps) {
        if (!cJSON_IsNumber(eps) || !(eps->valuedouble > 0 && eps->valuedouble < 1)) {
            rc = ab_errf(err, AB_EINVAL, "%s: 'layer_norm_eps' must be a number in (0, 1)", name);
            goto done;
        }
        cfg->ln_eps = eps->valuedouble;
    }
done:
    cJSON_Delete(root);
    return rc;
}

/* ---- weights ---- */

static int load_tensor(const char *path, const char *buf, size_t len, const char *prefix,
                       const char *tname, size_t d0, size_t d1, struct ab_npy *out,
                       struct ab_err *err)
{
    char full[256];
    snprintf(full, sizeof full, "%s%s", prefix, tname);
    int rc = ab_safetensors_read_mem(path, buf, len, full, 0, out, err);
    if (rc)
        return rc;
    int ndim = d1 ? 2 : 1;
    if (out->ndim != ndim || out->shape[0] != d0 || (ndim == 2 && out->shape[1] != d1)) {
        char got[96] = "(";
        for (int i = 0; i < out->ndim; i++) {
            size_t l = strlen(got);
            snprintf(got + l, sizeof got - l, "%s%zu", i ? ", " : "", out->shape[i]);
        }
        strncat(got, ")", sizeof got - strlen(got) - 1);
        ab_npy_free(out);
        if (ndim == 2)
            return ab_errf(err, AB_EINVAL, "%s: tensor '%s' has shape %s, config.json implies (%zu, %zu)",
                           path, full, got, d0, d1);
        return ab_errf(err, AB_EINVAL, "%s: tensor '%s' has shape %s, config.json implies (%zu)",
                       path, full, got, d0);
    }
    return AB_OK;
}

void ab_bert_destroy(struct ab_bert *m)
{
    if (!m)
        return;
    for (int i = 0; i < E_COUNT; i++)
        ab_npy_free(&m->emb[i]);
    if (m->layer)
        for (size_t i = 0; i < m->cfg.layers * W_PER_LAYER; i++)
            ab_npy_free(&m->layer[i]);
    free(m->layer);
    free(m);
}

int ab_bert_load(const char *dir, struct ab_bert **out, struct ab_err *err)
{
    *out = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/config.json", dir);
    char *json = NULL, *buf = NULL;
    size_t len;
    uint64_t size;
    int rc = ab_read_regular(path, AB_MAX_CONFIG_BYTES, "model config", 0, &json, &len, &size, err);
    if (rc)
        return rc;
    struct ab_bert *m = calloc(1, sizeof *m);
    if (!m) {
        free(json);
        return ab_errf(err, AB_ENOMEM, "out of memory");
    }
    rc = ab_bert_parse_config(path, json, &m->cfg, err);
    free(json);
    if (rc)
        goto fail;
    const struct ab_bert_config *c = &m->cfg;
    m->layer = calloc(c->layers * W_PER_LAYER, sizeof *m->layer);
    if (!m->layer) {
        rc = ab_errf(err, AB_ENOMEM, "out of memory");
        goto fail;
    }
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    rc = ab_read_regular(path, AB_MAX_ARRAY_BYTES, ".safetensors file", 0, &buf, &len, &size, err);
    if (rc)
        goto fail;
    /* A BertModel's own names, or a task model's "bert." prefix. */
    struct ab_npy probe;
    const char *prefix = "";
    if (ab_safetensors_read_mem(path, buf, len, emb_names[E_WORD], 1, &probe, err) == AB_OK)
        ab_npy_free(&probe);
    else
        prefix = "bert.";
    size_t H = c->hidden, FF = c->intermediate;
    size_t ed[E_COUNT][2] = {{c->vocab, H}, {c->max_pos, H}, {c->type_vocab, H}, {H, 0}, {H, 0}};
    for (int i = 0; i < E_COUNT && !rc; i++)
        rc = load_tensor(path, buf, len, prefix, emb_names[i], ed[i][0], ed[i][1], &m->emb[i], err);
    size_t ld[W_PER_LAYER][2] = {{H, H}, {H, 0}, {H, H}, {H, 0}, {H, H}, {H, 0}, {H, H}, {H, 0},
                                 {H, 0}, {H, 0}, {FF, H}, {FF, 0}, {H, FF}, {H, 0}, {H, 0}, {H, 0}};
    for (size_t l = 0; l < c->layers && !rc; l++)
        for (int i = 0; i < W_PER_LAYER && !rc; i++) {
            char name[160];
            snprintf(name, sizeof name, "encoder.layer.%zu.%s", l, layer_names[i]);
            rc = load_tensor(path, buf, len, prefix, name, ld[i][0], ld[i][1],
                             &m->layer[l * W_PER_LAYER + i], err);
        }
    free(buf);
    if (rc)
        goto fail;
    *out = m;
    return AB_OK;
fail:
    ab_bert_destroy(m);
    return rc;
}

/* ---- the forward ---- */

/* y (N, OUT) = x (N, IN) W^T + b, W (OUT, IN) as torch.nn.Linear stores it. */
static void linear(const float *x, size_t n, size_t in, const struct ab_npy *w,
                   const struct ab_npy *b, size_t outd, float *y)
{
    for (size_t t = 0; t < n; t++)
        memcpy(y + t * outd, b->data, outd * sizeof *y);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)outd, (int)in, 1.0f, x,
                (int)in, w->data, (int)in, 1.0f, y, (int)outd);
}

/* x (N, HID) = LN(x) * g + b, statistics in float64 (biased variance). */
static void layernorm(float *x, size_t n, size_t hid, const float *g, const float *b, double eps)
{
    for (size_t t = 0; t < n; t++) {
        float *r = x + t * hid;
        double s = 0, s2 = 0;
        for (size_t i = 0; i < hid; i++)
            s += r[i];
        double mean = s / (double)hid;
        for (size_t i = 0; i < hid; i++)
            s2 += (r[i] - mean) * (r[i] - mean);
        double inv = 1.0 / sqrt(s2 / (double)hid + eps);
        for (size_t i = 0; i < hid; i++)
            r[i] = (float)((r[i] - mean) * inv * g[i] + b[i]);
    }
}

static int attend(const struct ab_bert_attn *a, const struct ab_problem *prob, float *out,
                  size_t layer, struct ab_err *err)
{
    const struct ab_method *m = a->method;
    if (!m || !a->vals)
        return ab_errf(err, AB_EINVAL, "layer %zu: no attention method", layer);
    if (m->caps & AB_CAP_CUDA)
        return ab_errf(err, AB_EUNSUPPORTED,
                       "layer %zu: method '%s' is a CUDA implementation; the model runs CPU methods",
                       layer, m->name);
    if (a->precision != AB_PREC_FP32 && !(m->caps & AB_CAP_PRECISION))
        return ab_errf(err, AB_EUNSUPPORTED, "layer %zu: method '%s' does not support precision: %s",
                       layer, m->name, ab_precision_name(a->precision));
    struct ab_problem p = *prob;
    p.precision = a->precision;
    float *rounded = NULL; /* bf16/fp16: the layer's Q, K, V rounded for the method */
    if (ab_round_inputs(&p, &rounded))
        return ab_errf(err, AB_ENOMEM, "layer %zu: cannot allocate the rounded Q, K, V", layer);
    struct ab_estimate est;
    void *state = NULL;
    int rc = m->estimate(&p, a->vals, &est, err);
    if (!rc)
        rc = m->prepare(&p, a->vals, &state, err);
    if (!rc)
        rc = m->forward(state, out, err);
    m->release(state);
    free(rounded);
    if (rc)
        ab_err_prefix(err, "layer %zu: method '%s'", layer, m->name);
    return rc;
}

int ab_bert_forward(const struct ab_bert *m, const int32_t *ids, size_t n,
                    const struct ab_bert_opts *o, struct ab_bert_stats *stats, struct ab_err *err)
{
    double t0 = ab_now(), attn_s = 0;
    const struct ab_bert_config *c = &m->cfg;
    size_t HID = c->hidden, FF = c->intermediate, Hh = c->heads, D = c->head_dim;
    if (n == 0)
        return ab_errf(err, AB_EINVAL, "model: an empty sequence");
    if (n > c->max_pos)
        return ab_errf(err, AB_EINVAL,
                       "model: %zu tokens, more than max_position_embeddings (%zu)", n, c->max_pos);
    for (size_t t = 0; t < n; t++)
        if (ids[t] < 0 || (size_t)ids[t] >= c->vocab)
            return ab_errf(err, AB_EINVAL, "model: token id %ld at position %zu is outside the vocabulary [0, %zu)",
                           (long)ids[t], t, c->vocab);
    size_t nh = n * HID;
    /* x, q, k, v, qh, kh, vh, oh, tmp: (N, HID) each; inter: (N, FF) */
    float *ws = ab_aligned_alloc((10 * nh + n * FF) * sizeof *ws);
    if (!ws)
        return ab_errf(err, AB_ENOMEM, "model: out of memory for %zu tokens", n);
    float *x = ws, *q = x + nh, *k = q + nh, *v = k + nh, *qh = v + nh, *kh = qh + nh, *vh = kh + nh,
          *oh = vh + nh, *tmp = oh + nh, *ch = tmp + nh, *inter = ch + nh;
    double check_s = 0;
    const float *we = m->emb[E_WORD].data, *pe = m->emb[E_POS].data, *te = m->emb[E_TYPE].data;
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < HID; i++)
            x[t * HID + i] = we[(size_t)ids[t] * HID + i] + te[i] + pe[t * HID + i];
    layernorm(x, n, HID, m->emb[E_LN].data, m->emb[E_LNB].data, c->ln_eps);
    if (o->hidden)
        memcpy(o->hidden, x, nh * sizeof *x);
    int rc = AB_OK;
    for (size_t l = 0; l < c->layers; l++) {
        const struct ab_npy *w = m->layer + l * W_PER_LAYER;
        linear(x, n, HID, &w[W_Q], &w[W_QB], HID, q);
        linear(x, n, HID, &w[W_K], &w[W_KB], HID, k);
        linear(x, n, HID, &w[W_V], &w[W_VB], HID, v);
        for (size_t h = 0; h < Hh; h++) /* (N, H*D) -> (H, N, D) */
            for (size_t t = 0; t < n; t++) {
                size_t src = t * HID + h * D, dst = (h * n + t) * D;
                memcpy(qh + dst, q + src, D * sizeof *q);
                memcpy(kh + dst, k + src, D * sizeof *k);
                memcpy(vh + dst, v + src, D * sizeof *v);
            }
        struct ab_problem prob = {
            .heads = Hh, .n = n, .d = D, .dv = D, .q = qh, .k = kh, .v = vh,
            .seed = o->seed + l, .threads = o->threads, .alloc = o->alloc, .free = o->free,
        };
        double ta = ab_now();
        rc = attend(&o->attn[l], &prob, oh, l, err);
        attn_s += ab_now() - ta;
        if (rc)
            break;
        const struct ab_bert_attn *ck = o->check ? &o->check[l] : NULL;
        if (ck && ck->method && (ck->method != o->attn[l].method || ck->vals != o->attn[l].vals)) {
            double tc = ab_now();
            rc = attend(ck, &prob, ch, l, err);
            if (rc)
                break;
            double e2 = 0, r2 = 0;
            for (size_t i = 0; i < nh; i++) {
                double dlt = (double)oh[i] - ch[i];
                e2 += dlt * dlt, r2 += (double)ch[i] * ch[i];
            }
            o->err2[l] += e2, o->ref2[l] += r2;
            check_s += ab_now() - tc;
        }
        for (size_t h = 0; h < Hh; h++) /* (H, N, D) -> (N, H*D) */
            for (size_t t = 0; t < n; t++)
                memcpy(q + t * HID + h * D, oh + (h * n + t) * D, D * sizeof *q);
        linear(q, n, HID, &w[W_AO], &w[W_AOB], HID, tmp);
        for (size_t i = 0; i < nh; i++)
            x[i] += tmp[i];
        layernorm(x, n, HID, w[W_LN1].data, w[W_LN1B].data, c->ln_eps);
        linear(x, n, HID, &w[W_I], &w[W_IB], FF, inter);
        for (size_t i = 0; i < n * FF; i++) {
            double z = inter[i];
            inter[i] = (float)(0.5 * z * (1.0 + erf(z * 0.70710678118654752440)));
        }
        linear(inter, n, FF, &w[W_O], &w[W_OB], HID, tmp);
        for (size_t i = 0; i < nh; i++)
            x[i] += tmp[i];
        layernorm(x, n, HID, w[W_LN2].data, w[W_LN2B].data, c->ln_eps);
        if (o->hidden)
            memcpy(o->hidden + (l + 1) * nh, x, nh * sizeof *x);
    }
    if (!rc) {
        for (size_t t = 0; t < n; t++)
            for (size_t i = 0; i < HID; i++)
                if (!isfinite(x[t * HID + i])) {
                    rc = ab_errf(err, AB_ENUMERIC, "model: non-finite hidden state at token %zu", t);
                    t = n;
                    break;
                }
    }
    if (!rc && o->embedding) {
        double ss = 0;
        for (size_t i = 0; i < HID; i++) {
            double s = 0;
            for (size_t t = 0; t < n; t++)
                s += x[t * HID + i];
            tmp[i] = (float)(s / (double)n);
        }
        for (size_t i = 0; i < HID; i++)
            ss += (double)tmp[i] * tmp[i];
        double nrm = fmax(sqrt(ss), 1e-12);
        for (size_t i = 0; i < HID; i++)
            o->embedding[i] = (float)(tmp[i] / nrm);
    }
    ab_aligned_free(ws);
    if (stats) {
        stats->total_s = ab_now() - t0 - check_s;
        stats->attn_s = attn_s;
    }
    return rc;
}
