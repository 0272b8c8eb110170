/* wordpiece.c — BERT's basic tokenizer + WordPiece (see wordpiece.h).
 * The text goes through three passes: UTF-8 to code points with the
 * normalisation applied (clean, CJK spacing, strip accents, lower-case), a
 * split into words at whitespace and around punctuation, and WordPiece on
 * each word with the vocabulary in an open-addressing hash table. */
#include "model/wordpiece.h"

#include "base/util.h"
#include "model/unicode_tables.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WP_MAX_WORD_CHARS 100 /* Hugging Face's max_input_chars_per_word */

struct ab_wordpiece {
    char *buf;      /* the file, lines NUL-terminated in place */
    char **tok;     /* id -> text */
    size_t ntok;
    int32_t *slot;  /* hash table of ids, -1 empty; nslot a power of two */
    size_t nslot;
    int32_t unk, cls, sep;
};

static uint64_t wp_hash(const char *s, size_t len)
{
    return ab_hash64(s, len, AB_HASH_INIT);
}

static int32_t wp_find(const struct ab_wordpiece *t, const char *s, size_t len)
{
    size_t mask = t->nslot - 1;
    for (size_t i = (size_t)wp_hash(s, len) & mask;; i = (i + 1) & mask) {
        int32_t id = t->slot[i];
        if (id < 0)
            return -1;
        const char *w = t->tok[id];
        if (strncmp(w, s, len) == 0 && w[len] == '\0')
            return id;
    }
}

int ab_wordpiece_load(const char *path, struct ab_wordpiece **out, struct ab_err *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    uint64_t size;
    int rc = ab_read_regular(path, UINT64_C(64) << 20, "vocab.txt", 0, &buf, &len, &size, err);
    if (rc)
        return rc;
    struct ab_wordpiece *t = calloc(1, sizeof *t);
    if (!t) {
        free(buf);
        return ab_errf(err, AB_ENOMEM, "%s: out of memory", path);
    }
    t->buf = buf;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    if (len && buf[len - 1] != '\n')
        lines++;
    t->tok = malloc((lines ? lines : 1) * sizeof *t->tok);
    t->nslot = 16;
    while (t->nslot < 2 * lines)
        t->nslot *= 2;
    t->slot = malloc(t->nslot * sizeof *t->slot);
    if (!t->tok || !t->slot) {
        ab_wordpiece_destroy(t);
        return ab_errf(err, AB_ENOMEM, "%s: out of memory", path);
    }
    memset(t->slot, 0xff, t->nslot * sizeof *t->slot);
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        if (e > p && e[-1] == '\r')
            e[-1] = '\0';
        *e = '\0';
        t->tok[t->ntok] = p;
        size_t tl = strlen(p);
        if (wp_find(t, p, tl) < 0) { /* a duplicate keeps its first id */
            size_t mask = t->nslot - 1, i = (size_t)wp_hash(p, tl) & mask;
            while (t->slot[i] >= 0)
                i = (i + 1) & mask;
            t->slot[i] = (int32_t)t->ntok;
        }
        t->ntok++;
        p = e + 1;
    }
    t->unk = ab_wordpiece_id(t, "[UNK]");
    t->cls = ab_wordpiece_id(t, "[CLS]");
    t->sep = ab_wordpiece_id(t, "[SEP]");
    if (t->unk < 0 || t->cls < 0 || t->sep < 0) {
        const char *lacks = t->unk < 0 ? "[UNK]" : t->cls < 0 ? "[CLS]" : "[SEP]";
        ab_wordpiece_destroy(t);
        return ab_errf(err, AB_EINVAL, "%s: not a BERT vocabulary: it lacks %s", path, lacks);
    }
    *out = t;
    return AB_OK;
}

void ab_wordpiece_destroy(struct ab_wordpiece *t)
{
    if (!t)
        return;
    free(t->buf);
    free(t->tok);
    free(t->slot);
    free(t);
}

size_t ab_wordpiece_vocab_size(const struct ab_wordpiece *t) { return t->ntok; }
int32_t ab_wordpiece_cls(const struct ab_wordpiece *t) { return t->cls; }
int32_t ab_wordpiece_sep(const struct ab_wordpiece *t) { return t->sep; }
int32_t ab_wordpiece_unk(const struct ab_wordpiece *t) { return t->unk; }

const char *ab_wordpiece_token(const struct ab_wordpiece *t, int32_t id)
{
    return id >= 0 && (size_t)id < t->ntok ? t->tok[id] : NULL;
}

int32_t ab_wordpiece_id(const struct ab_wordpiece *t, const char *token)
{
    return wp_find(t, token, strlen(token));
}

/* ---- Unicode classes ---- */

static int in_ranges(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static const uint32_t *fold_of(uint32_t cp)
{
    size_t lo = 0, hi = ab_uc_fold_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < ab_uc_fold[mid][0])
            hi = mid;
        else if (cp > ab_uc_fold[mid][0])
            lo = mid + 1;
        else
            return &ab_uc_fold[mid][1];
    }
    return NULL;
}

static int is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 ||
           (c >= 0x80 && in_ranges(ab_uc_space, ab_uc_space_count, c));
}

static int is_control(uint32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return 0;
    return in_ranges(ab_uc_control, ab_uc_control_count, c);
}

static int is_punct(uint32_t c)
{
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
        (c >= 123 && c <= 126))
        return 1;
    return c >= 0x80 && in_ranges(ab_uc_punct, ab_uc_punct_count, c);
}

static int is_cjk(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/* Next code point of s[*i..len), advancing *i; 0xFFFD for an invalid or
 * overlong sequence (one byte consumed). */
static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    size_t need;
    uint32_t cp, min;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        need = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        need = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + need >= len) { /* truncated sequence */
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned b = s[*i + k];
        if ((b & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += need + 1;
    return cp;
}

static size_t utf8_put(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The normalised code points of the text: at most 3 per input character
 * (CJK spacing, a 3-point fold, a Hangul L V T). */
static size_t normalize(const char *text, size_t len, uint32_t *o)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c = utf8_next(s, len, &i);
        if (c == 0 || c == 0xFFFD || is_control(c))
            continue;
        if (is_space(c)) {
            o[n++] = ' ';
        } else if (is_cjk(c)) {
            o[n++] = ' ', o[n++] = c, o[n++] = ' ';
        } else if (c < 0x80) {
            o[n++] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        } else if (c >= 0xAC00 && c <= 0xD7A3) { /* Hangul syllable: its NFD */
            uint32_t si = c - 0xAC00;
            o[n++] = 0x1100 + si / 588;
            o[n++] = 0x1161 + (si % 588) / 28;
            if (si % 28)
                o[n++] = 0x11A7 + si % 28;
        } else if (in_ranges(ab_uc_mn, ab_uc_mn_count, c)) {
            continue;
        } else {
            const uint32_t *f = fold_of(c);
            if (!f)
                o[n++] = c;
            else
                for (int k = 0; k < 3 && f[k]; k++)
                    o[n++] = f[k];
        }
    }
    return n;
}

struct idbuf {
    int32_t *v;
    size_t n, cap;
};

static int push(struct idbuf *b, int32_t id)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        int32_t *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v, b->cap = cap;
    }
    b->v[b->n++] = id;
    return 0;
}

/* WordPiece of one word (w: nc code points) into b; scratch holds the
 * candidate text (room for "##" + 4 bytes a code point). */
static int wordpiece(const struct ab_wordpiece *t, const uint32_t *w, size_t nc, char *scratch,
                     size_t *off, struct idbuf *b)
{
    if (nc > WP_MAX_WORD_CHARS)
        return push(b, t->unk);
    /* byte offset of each code point in the UTF-8 word */
    size_t bytes = 0;
    for (size_t k = 0; k < nc; k++) {
        off[k] = bytes;
        bytes += utf8_put(w[k], scratch + 2 + bytes);
    }
    off[nc] = bytes;
    char *word = scratch + 2;
    size_t mark = b->n, start = 0;
    while (start < nc) {
        int32_t id = -1;
        size_t end = nc;
        for (; end > start; end--) {
            const char *p = word + off[start];
            size_t l = off[end] - off[start];
            if (start > 0) { /* "##" + piece: written just before it */
                char save0 = p[-2], save1 = p[-1];
                char *q = (char *)p - 2;
                q[0] = '#', q[1] = '#';
                id = wp_find(t, q, l + 2);
                q[0] = save0, q[1] = save1;
            } else {
                id = wp_find(t, p, l);
            }
            if (id >= 0)
                break;
        }
        if (id < 0) {
            b->n = mark;
            return push(b, t->unk);
        }
        if (push(b, id))
            return -1;
        start = end;
    }
    return 0;
}

int ab_wordpiece_tokenize(const struct ab_wordpiece *t, const char *text, size_t len,
                          int32_t **ids, size_t *n, struct ab_err *err)
{
    *ids = NULL, *n = 0;
    uint32_t *cp = malloc((3 * len + 1) * sizeof *cp);
    char *scratch = malloc(4 * WP_MAX_WORD_CHARS + 8);
    size_t *off = malloc((WP_MAX_WORD_CHARS + 1) * sizeof *off);
    struct idbuf b = {0};
    int rc = AB_OK;
    if (!cp || !scratch || !off) {
        rc = ab_errf(err, AB_ENOMEM, "tokenizer: out of memory");
        goto done;
    }
    size_t nc = normalize(text, len, cp);
    for (size_t i = 0; i < nc;) {
        if (cp[i] == ' ') {
            i++;
            continue;
        }
        size_t j = i;
        if (is_punct(cp[i]))
            j = i + 1;
        else
            while (j < nc && cp[j] != ' ' && !is_punct(cp[j]))
                j++;
        if (wordpiece(t, cp + i, j - i, scratch, off, &b)) {
            rc = ab_errf(err, AB_ENOMEM, "tokenizer: out of memory");
            goto done;
        }
        i = j;
    }
    *ids = b.v ? b.v : malloc(sizeof(int32_t));
    *n = b.n;
    b.v = NULL;
    if (!*ids)
        rc = ab_errf(err, AB_ENOMEM, "tokenizer: out of memory");
done:
    free(b.v);
    free(cp);
    free(scratch);
    free(off);
    return rc;
}

int ab_wordpiece_encode(const struct ab_wordpiece *t, const char *text, size_t len, size_t max_len,
                        int32_t **ids, size_t *n, struct ab_err *err)
{
    *ids = NULL, *n = 0;
    if (max_len < 2)
        return ab_errf(err, AB_EINVAL, "tokenizer: max_len %zu leaves no room for [CLS] and [SEP]",
                       max_len);
    int32_t *raw;
    size_t nr;
    int rc = ab_wordpiece_tokenize(t, text, len, &raw, &nr, err);
    if (rc)
        return rc;
    size_t keep = nr < max_len - 2 ? nr : max_len - 2;
    int32_t *o = malloc((keep + 2) * sizeof *o);
    if (!o) {
        free(raw);
        return ab_errf(err, AB_ENOMEM, "tokenizer: out of memory");
    }
    o[0] = t->cls;
    memcpy(o + 1, raw, keep * sizeof *o);
    o[keep + 1] = t->sep;
    free(raw);
    *ids = o, *n = keep + 2;
    return AB_OK;
}
