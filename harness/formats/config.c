/* config.c — YAML configs as cfg_node trees with 1-based positions, and
 * errors that quote the source line with a caret under the culprit.
 *
 * Contract (see config.h): libyaml's document API parses the text; we copy the
 * tree into nodes owned by the cfg_doc, expanding aliases and rejecting
 * duplicate keys, non-scalar keys, recursive aliases and alias bombs. Every
 * byte the doc hands out (nodes, strings, arrays, sources) lives in one arena
 * per doc, freed at once by cfg_destroy, so no error path can leak. Nothing
 * here prints or exits: errors go to struct ab_err as
 *
 *     NAME:LINE:COL: message
 *         <source line>
 *         <spaces>^
 *
 * with no trailing newline. Columns count characters (UTF-8 code points), as
 * libyaml's marks do; a tab in the echoed line is shown as one space, so the
 * caret stays aligned. Long lines are shown as a window around the column.
 *
 * Tests: tests/test_config.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats/config.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Limits against hostile input: nesting depth; nodes after expanding
 * aliases (a "billion laughs" file expands exponentially: the count stops the
 * copy long before memory or time run out); aliases nested inside aliased
 * values; and the file's size (AB_MAX_CONFIG_BYTES, 16 MiB, in util.h). */
#define CFG_MAX_DEPTH 256
#define CFG_MAX_NODES 1000000u
#define CFG_MAX_ALIAS_DEPTH 16
/* libyaml resolves each alias by a scan of every anchor before it: a file
 * with tens of thousands of both takes minutes. Refused above this many
 * (anchor, alias) pairs, counted in a first pass over the events. */
#define CFG_MAX_ALIAS_PAIRS 20000000ull

/* ------------------------------------------------------------------ arena */

struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    max_align_t data[]; /* cap bytes */
};

struct cfg_doc {
    struct arena_block *blocks;
    struct cfg_node *root;
};

#define ARENA_BLOCK 16384u

static void *arena_alloc(struct cfg_doc *doc, size_t bytes)
{
    const size_t al = _Alignof(max_align_t);
    if (bytes > SIZE_MAX - al)
        return NULL;
    bytes = (bytes + al - 1) / al * al;
    if (bytes == 0)
        bytes = al;
    struct arena_block *b = doc->blocks;
    if (!b || b->cap - b->used < bytes) {
        size_t cap = bytes > ARENA_BLOCK ? bytes : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof *b)
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        /* A large one-off block goes behind the current one, so the current
         * block's free tail stays in use. */
        if (bytes > ARENA_BLOCK && doc->blocks) {
            b->next = doc->blocks->next;
            doc->blocks->next = b;
        } else {
            b->next = doc->blocks;
            doc->blocks = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += bytes;
    return p;
}

static char *arena_strndup(struct cfg_doc *doc, const char *s, size_t len)
{
    char *p = arena_alloc(doc, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static void arena_free(struct cfg_doc *doc)
{
    struct arena_block *b = doc->blocks;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    doc->blocks = NULL;
}

/* ------------------------------------------------------- text positions */

static int is_eol(char c) { return c == '\0' || c == '\n' || c == '\r'; }

/* Byte length of the UTF-8 character at p (1 for an invalid byte), and
 * whether it is well formed. Never steps over a NUL. */
static size_t utf8_len(const char *p, int *valid)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                            : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0) {
        *valid = 0;
        return 1;
    }
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80) {
            *valid = 0;
            return 1;
        }
    *valid = 1;
    return n;
}

static const char *next_char(const char *p)
{
    int valid;
    return p + utf8_len(p, &valid);
}

/* Start of 1-based `line` in text (after a leading BOM on line 1, which
 * libyaml does not count as a column), or NULL past the end. Line breaks are
 * \n, \r\n and \r, as for libyaml. */
static const char *line_start(const char *text, int line)
{
    const char *p = text;
    if (!p || line < 1)
        return NULL;
    for (int l = 1; l < line; l++) {
        while (!is_eol(*p))
            p++;
        if (!*p)
            return NULL;
        if (*p == '\r' && p[1] == '\n')
            p++;
        p++;
    }
    if (line == 1 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 && p[0] && p[1] && p[2])
        p += 3;
    return p;
}

/* The character at (line, col), 1-based; the line's end if the line is
 * shorter; NULL past the last line. */
static const char *pos_ptr(const char *text, int line, int col)
{
    const char *p = line_start(text, line);
    if (!p)
        return NULL;
    for (int c = 1; c < col && !is_eol(*p); c++)
        p = next_char(p);
    return p;
}

/* Nothing but whitespace from (line, col) to the end of the text. */
static int at_end(const char *text, int line, int col)
{
    const char *p = pos_ptr(text, line, col);
    if (!p)
        return 1;
    p += strspn(p, " \t\r\n");
    return *p == '\0';
}

/* 1-based line and column of a byte offset (libyaml's reader errors). */
static void offset_pos(const char *text, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    const char *p = line_start(text, 1), *end = text + off;
    while (p < end && *p) {
        if (*p == '\n' || *p == '\r') {
            if (*p == '\r' && p[1] == '\n')
                p++;
            p++;
            l++;
            c = 1;
        } else {
            p = next_char(p);
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* A bounded string builder: keeps the length that was needed. */
struct sbuf {
    char *p;
    size_t cap, len;
};

static void sb_put(struct sbuf *sb, const char *s, size_t n)
{
    if (sb->len + 1 < sb->cap) {
        size_t room = sb->cap - 1 - sb->len, k = n < room ? n : room;
        memcpy(sb->p + sb->len, s, k);
        sb->p[sb->len + k] = '\0';
    }
    sb->len += n;
}

static void sb_puts(struct sbuf *sb, const char *s) { sb_put(sb, s, strlen(s)); }

/* "    <line>\n    <caret>" for (line, col), showing at most `width`
 * characters of the line around the column. Returns the needed length. */
static size_t build_excerpt(char *out, size_t cap, const char *text, int line, int col,
                            size_t width)
{
    struct sbuf sb = {out, cap, 0};
    const char *ls = line_start(text, line);
    if (!ls)
        ls = "";
    size_t total = 0;
    for (const char *p = ls; !is_eol(*p); p = next_char(p))
        total++;
    size_t c = col > 1 ? (size_t)col - 1 : 0, start = 0, end = total;
    if (total > width) {
        start = c > width / 2 ? c - width / 2 : 0;
        if (start > total - width)
            start = total - width;
        end = start + width;
    }
    sb_puts(&sb, "    ");
    if (start > 0)
        sb_puts(&sb, "...");
    const char *p = ls;
    for (size_t i = 0; i < start; i++)
        p = next_char(p);
    for (size_t i = start; i < end; i++) {
        int valid;
        size_t n = utf8_len(p, &valid);
        unsigned char ch = (unsigned char)*p;
        if (ch == '\t')
            sb_puts(&sb, " ");
        else if (!valid || ch < 0x20 || ch == 0x7F)
            sb_puts(&sb, "?");
        else
            sb_put(&sb, p, n);
        p += n;
    }
    if (end < total)
        sb_puts(&sb, "...");
    sb_puts(&sb, "\n    ");
    size_t lead = start > 0 ? 3 : 0, caret = lead + (c > start ? c - start : 0);
    if (caret > lead + (end - start))
        caret = lead + (end - start);
    for (size_t i = 0; i < caret; i++)
        sb_puts(&sb, " ");
    sb_puts(&sb, "^");
    return sb.len;
}

/* Copy `s` for quoting inside a message: at most ~60 bytes, whole UTF-8
 * characters, line breaks and tabs escaped. */
static const char *clip(const char *s, char *buf, size_t cap)
{
    struct sbuf sb = {buf, cap, 0};
    buf[0] = '\0';
    while (*s) {
        if (sb.len + 8 >= cap) {
            sb_puts(&sb, "...");
            break;
        }
        if (*s == '\n')
            sb_puts(&sb, "\\n");
        else if (*s == '\t')
            sb_puts(&sb, "\\t");
        else if ((unsigned char)*s < 0x20)
            sb_puts(&sb, "?");
        else {
            int valid;
            size_t n = utf8_len(s, &valid);
            if (valid)
                sb_put(&sb, s, n);
            else
                sb_puts(&sb, "?");
            s += n;
            continue;
        }
        s++;
    }
    return buf;
}

/* ----------------------------------------------------------------- errors */

static int verror_at(struct ab_err *err, const struct cfg_source *src, int line, int col,
                     const char *fmt, va_list ap)
{
    if (!err)
        return AB_EINVAL;
    char msg[2 * sizeof err->msg]; /* cut below, with "...", to make room */
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!src) {
        snprintf(err->msg, sizeof err->msg, "%s", msg);
        return AB_EINVAL;
    }
    if (line < 1) {
        snprintf(err->msg, sizeof err->msg, "%s: %s", src->name, msg);
        return AB_EINVAL;
    }
    if (col < 1)
        col = 1;
    char head[sizeof msg + 64];
    int hw = snprintf(head, sizeof head, "%s:%d:%d: %s", src->name, line, col, msg);
    size_t hl = hw < 0 ? 0 : (size_t)hw < sizeof head ? (size_t)hw : sizeof head - 1;
    if (!src->text)
        return ab_errf(err, AB_EINVAL, "%s", head);
    /* Narrow the excerpt until everything fits; below 24 characters the
     * message itself gets cut instead. */
    char ex[1024];
    size_t el;
    for (size_t w = 120;; w = w * 3 / 4) {
        el = build_excerpt(ex, sizeof ex, src->text, line, col, w);
        if (hl + 1 + el < sizeof err->msg || w <= 24)
            break;
    }
    size_t room = sizeof err->msg - 2 - el;
    if (hl > room) {
        hl = room - 3;
        while (hl > 0 && ((unsigned char)head[hl] & 0xC0) == 0x80)
            hl--; /* do not split a UTF-8 character */
        memcpy(head + hl, "...", 3);
        hl += 3;
    }
    snprintf(err->msg, sizeof err->msg, "%.*s\n%s", (int)hl, head, ex);
    return AB_EINVAL;
}

int cfg_errorf_at(struct ab_err *err, const struct cfg_source *src, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = verror_at(err, src, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

int cfg_errorf(struct ab_err *err, const struct cfg_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = at ? verror_at(err, at->src, at->line, at->col, fmt, ap)
                : verror_at(err, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return rc;
}

static int oom(struct ab_err *err, const char *name)
{
    return ab_errf(err, AB_ENOMEM, "%s: out of memory", name ? name : "config");
}

/* A libyaml failure in the same format as our own errors. */
static int yaml_failure(struct ab_err *err, const struct cfg_source *src, const yaml_parser_t *yp)
{
    const char *problem = yp->problem ? yp->problem : "syntax error";
    if (yp->error == YAML_MEMORY_ERROR)
        return oom(err, src->name);
    if (yp->error == YAML_READER_ERROR) {
        int line, col;
        offset_pos(src->text, yp->problem_offset, &line, &col);
        if (yp->problem_value >= 0)
            return cfg_errorf_at(err, src, line, col, "%s (0x%02X)", problem,
                                 (unsigned)yp->problem_value);
        return cfg_errorf_at(err, src, line, col, "%s", problem);
    }
    int line = (int)yp->problem_mark.line + 1, col = (int)yp->problem_mark.column + 1;
    int cline = (int)yp->context_mark.line + 1, ccol = (int)yp->context_mark.column + 1;
    const char *at = pos_ptr(src->text, line, col);
    if (at && *at == '\t')
        return cfg_errorf_at(err, src, line, col,
                             "tabs are not allowed for indentation in YAML; indent with spaces");
    int has_ctx = yp->context && *yp->context && (cline != line || ccol != col);
    if (has_ctx && at_end(src->text, line, col)) {
        /* Ran off the end: the useful place is where the construct began. */
        return cfg_errorf_at(err, src, cline, ccol, "%s%s (%s that starts here)", problem,
                             strstr(problem, "end of stream") ? "" : " before the end of the input",
                             yp->context);
    }
    if (has_ctx)
        return cfg_errorf_at(err, src, line, col, "%s (%s at line %d, column %d)", problem,
                             yp->context, cline, ccol);
    return cfg_errorf_at(err, src, line, col, "%s", problem);
}

/* ------------------------------------------------------- libyaml -> nodes */

struct builder {
    struct cfg_doc *doc;
    const struct cfg_source *src;
    yaml_document_t *ydoc;
    unsigned char *active; /* per libyaml node: being copied (alias cycles) */
    int *owner;            /* per libyaml node: the parent node that first held it */
    size_t *slot;          /* ... and at which item (a reference from elsewhere is an alias) */
    size_t nodes;
    int alias_depth;             /* aliases being expanded around the current node */
    int alias_line, alias_col;   /* the outermost of them, for messages */
    const int *alias_at;         /* (line, col) of every alias in the text, in order */
    size_t nalias_at, next_alias; /* how many; the next one the copy will meet */
    struct ab_err *err;
};

static struct cfg_node *new_node(struct cfg_doc *doc, enum cfg_kind kind,
                                 const struct cfg_source *src, int line, int col)
{
    struct cfg_node *n = arena_alloc(doc, sizeof *n);
    if (n) {
        memset(n, 0, sizeof *n);
        n->kind = kind;
        n->src = src;
        n->line = line;
        n->col = col;
    }
    return n;
}

/* A set of key indices hashed by the key text: open addressing, at most half
 * full. Small mappings need no table (a scan of up to 8 keys). */
struct keyset {
    size_t *slots; /* key index + 1; 0 is empty */
    size_t mask;
};

#define KEYSET_SCAN 8

static int keyset_init(struct keyset *ks, size_t count)
{
    ks->slots = NULL, ks->mask = 0;
    if (count <= KEYSET_SCAN)
        return 0;
    size_t cap = 16;
    while (cap < 2 * count)
        cap *= 2;
    ks->slots = calloc(cap, sizeof *ks->slots);
    ks->mask = cap - 1;
    return ks->slots ? 0 : -1;
}

static void keyset_free(struct keyset *ks) { free(ks->slots); }

/* Add keys[i] = key; the earlier key with the same text, or NULL. */
static const struct cfg_node *keyset_add(struct keyset *ks, struct cfg_node *const *keys, size_t i,
                                         const struct cfg_node *key)
{
    if (!ks->slots) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(keys[j]->str, key->str) == 0)
                return keys[j];
        return NULL;
    }
    size_t h = (size_t)ab_hash_str(key->str, AB_HASH_INIT) & ks->mask;
    for (; ks->slots[h]; h = (h + 1) & ks->mask)
        if (strcmp(keys[ks->slots[h] - 1]->str, key->str) == 0)
            return keys[ks->slots[h] - 1];
    ks->slots[h] = i + 1;
    return NULL;
}

static int build_node(struct builder *b, int index, int depth, struct cfg_node **out);

/* Copy libyaml node `index`, item `slot` of node `parent` (0 for the root).
 * libyaml resolves an alias to the anchored node itself, so a node reached
 * from another place than where it was first met is an alias: count the
 * nesting of such expansions. libyaml's nodes keep no position for the
 * alias; the first pass recorded them, and the copy meets the aliases that
 * are not inside an expansion in the order of the text. (at_line, at_col)
 * stands in if that list ran short: the key of a mapping value, the start of
 * the list of a list item. */
static int build(struct builder *b, int index, int parent, size_t slot, int at_line, int at_col,
                 int depth, struct cfg_node **out)
{
    yaml_node_t *yn = yaml_document_get_node(b->ydoc, index);
    int line = (int)yn->start_mark.line + 1, col = (int)yn->start_mark.column + 1;
    if (depth > CFG_MAX_DEPTH)
        return cfg_errorf_at(b->err, b->src, line, col, "nesting deeper than %d levels",
                             CFG_MAX_DEPTH);
    if (b->active[index])
        return cfg_errorf_at(b->err, b->src, line, col,
                             "recursive alias: this value contains an alias to itself");
    if (b->owner[index] < 0) {
        b->owner[index] = parent, b->slot[index] = slot;
    } else if (b->owner[index] != parent || b->slot[index] != slot) {
        if (b->alias_depth == 0) {
            size_t k = b->next_alias++;
            if (k < b->nalias_at)
                at_line = b->alias_at[2 * k], at_col = b->alias_at[2 * k + 1];
            b->alias_line = at_line, b->alias_col = at_col;
        }
        if (b->alias_depth >= CFG_MAX_ALIAS_DEPTH)
            return cfg_errorf_at(b->err, b->src, b->alias_line, b->alias_col,
                                 "aliases nested more than %d deep (an alias bomb?)",
                                 CFG_MAX_ALIAS_DEPTH);
        b->alias_depth++;
        int rc = build_node(b, index, depth, out);
        b->alias_depth--;
        return rc;
    }
    return build_node(b, index, depth, out);
}

static int build_node(struct builder *b, int index, int depth, struct cfg_node **out)
{
    yaml_node_t *yn = yaml_document_get_node(b->ydoc, index);
    int line = (int)yn->start_mark.line + 1, col = (int)yn->start_mark.column + 1;
    if (++b->nodes > CFG_MAX_NODES) {
        if (b->alias_depth)
            line = b->alias_line, col = b->alias_col;
        return cfg_errorf_at(b->err, b->src, line, col,
                             "the config expands to more than %u nodes (aliases?)", CFG_MAX_NODES);
    }

    struct cfg_node *n;
    switch (yn->type) {
    case YAML_SCALAR_NODE: {
        n = new_node(b->doc, CFG_SCALAR, b->src, line, col);
        if (!n || !(n->str = arena_strndup(b->doc, (const char *)yn->data.scalar.value,
                                           yn->data.scalar.length)))
            return oom(b->err, b->src->name);
        yaml_scalar_style_t st = yn->data.scalar.style;
        n->quoted = st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                    st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE;
        *out = n;
        return AB_OK;
    }
    case YAML_SEQUENCE_NODE: {
        size_t count = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n = new_node(b->doc, CFG_SEQ, b->src, line, col);
        if (!n || (count && !(n->items = arena_alloc(b->doc, count * sizeof *n->items))))
            return oom(b->err, b->src->name);
        b->active[index] = 1;
        for (size_t i = 0; i < count; i++) {
            int rc = build(b, yn->data.sequence.items.start[i], index, i, line, col, depth + 1,
                           &n->items[i]);
            if (rc)
                return rc;
            n->count = i + 1;
        }
        b->active[index] = 0;
        *out = n;
        return AB_OK;
    }
    case YAML_MAPPING_NODE: {
        size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n = new_node(b->doc, CFG_MAP, b->src, line, col);
        if (!n || (count && (!(n->items = arena_alloc(b->doc, count * sizeof *n->items)) ||
                             !(n->keys = arena_alloc(b->doc, count * sizeof *n->keys)))))
            return oom(b->err, b->src->name);
        /* Duplicate keys: a hash set of the keys so far (linear in the keys;
         * a 100,000-key mapping is checked in milliseconds). */
        struct keyset ks;
        if (keyset_init(&ks, count))
            return oom(b->err, b->src->name);
        int rc = AB_OK;
        b->active[index] = 1;
        for (size_t i = 0; i < count && rc == AB_OK; i++) {
            const yaml_node_pair_t *pair = &yn->data.mapping.pairs.start[i];
            yaml_node_t *yk = yaml_document_get_node(b->ydoc, pair->key);
            if (yk->type != YAML_SCALAR_NODE) {
                rc = cfg_errorf_at(b->err, b->src, (int)yk->start_mark.line + 1,
                                   (int)yk->start_mark.column + 1,
                                   "mapping keys must be single values, not a %s",
                                   yk->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
                break;
            }
            struct cfg_node *key;
            if ((rc = build(b, pair->key, index, 2 * i, line, col, depth + 1, &key)))
                break;
            const struct cfg_node *first = keyset_add(&ks, n->keys, i, key);
            if (first) {
                char k[80];
                rc = cfg_errorf(b->err, key, "duplicate key '%s' (first given at line %d)",
                                clip(key->str, k, sizeof k), first->line);
                break;
            }
            n->keys[i] = key;
            if ((rc = build(b, pair->value, index, 2 * i + 1, key->line, key->col, depth + 1,
                            &n->items[i])))
                break;
            n->count = i + 1;
        }
        keyset_free(&ks);
        if (rc)
            return rc;
        b->active[index] = 0;
        *out = n;
        return AB_OK;
    }
    case YAML_NO_NODE:
        break;
    }
    return cfg_errorf_at(b->err, b->src, line, col, "unexpected YAML node");
}

static struct cfg_source *add_source(struct cfg_doc *doc, const char *name, const char *text,
                                     size_t len)
{
    struct cfg_source *src = arena_alloc(doc, sizeof *src);
    if (!src || !(src->name = arena_strndup(doc, name, strlen(name))) ||
        !(src->text = arena_strndup(doc, text, len)))
        return NULL;
    return src;
}

/* The first pass: count anchors and aliases (see CFG_MAX_ALIAS_PAIRS), and
 * keep the positions of the first CFG_MAX_NODES + 1 aliases of the first
 * document in *at (malloc'ed pairs (line, col), *nat of them) for messages.
 * Syntax errors are left to the loader, which reports them the same way. */
static int scan_aliases(const struct cfg_source *src, size_t len, int **at, size_t *nat,
                        struct ab_err *err)
{
    size_t cap = 0;
    int docs = 0;
    *at = NULL, *nat = 0;
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp))
        return oom(err, src->name);
    yaml_parser_set_input_string(&yp, (const unsigned char *)src->text, len);
    unsigned long long anchors = 0, aliases = 0, nodes = 0;
    int rc = AB_OK;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev))
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_DOCUMENT_START_EVENT)
            docs++;
        if (t == YAML_ALIAS_EVENT && docs == 1 && *nat <= CFG_MAX_NODES) {
            if (*nat == cap) {
                size_t nc = cap ? 2 * cap : 64;
                int *na = realloc(*at, 2 * nc * sizeof *na);
                if (!na) {
                    yaml_event_delete(&ev);
                    rc = oom(err, src->name);
                    break;
                }
                *at = na, cap = nc;
            }
            (*at)[2 * *nat] = (int)ev.start_mark.line + 1;
            (*at)[2 * *nat + 1] = (int)ev.start_mark.column + 1;
            ++*nat;
        }
        if (t == YAML_ALIAS_EVENT)
            aliases++;
        else if ((t == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
                 (t == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
                 (t == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor))
            anchors++;
        if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
            t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT)
            nodes++;
        /* libyaml's loader holds every node of the text before the copy
         * counts them: too many in the text itself is refused here */
        if (nodes > CFG_MAX_NODES)
            rc = cfg_errorf_at(err, src, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                               "the config has more than %u nodes", CFG_MAX_NODES);
        else if (anchors * aliases > CFG_MAX_ALIAS_PAIRS)
            rc = cfg_errorf_at(err, src, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                               "too many anchors and aliases: %llu anchors and %llu aliases so "
                               "far (anchors x aliases is limited to %llu)",
                               anchors, aliases, CFG_MAX_ALIAS_PAIRS);
        yaml_event_delete(&ev);
        if (rc || t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&yp);
    if (rc) {
        free(*at);
        *at = NULL, *nat = 0;
    }
    return rc;
}

/* Parse src->text as exactly one document into *out (nodes in doc). With
 * `allow_empty`, an empty text is a plain empty scalar; else an error. */
static int parse_into(struct cfg_doc *doc, const struct cfg_source *src, size_t len,
                      int allow_empty, struct cfg_node **out, struct ab_err *err)
{
    yaml_parser_t yp;
    yaml_document_t ydoc;
    int *alias_at;
    size_t nalias_at;
    int rc = scan_aliases(src, len, &alias_at, &nalias_at, err);
    if (rc)
        return rc;
    if (!yaml_parser_initialize(&yp)) {
        free(alias_at);
        return oom(err, src->name);
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)src->text, len);
    if (!yaml_parser_load(&yp, &ydoc)) {
        free(alias_at);
        rc = yaml_failure(err, src, &yp);
        yaml_parser_delete(&yp);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&ydoc);
    int empty = !root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
                          root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
    if (empty && !allow_empty) {
        rc = ab_errf(err, AB_EINVAL, "%s: config is empty", src->name);
    } else if (!root) {
        *out = new_node(doc, CFG_SCALAR, src, 1, 1);
        if (!*out || !((*out)->str = arena_strndup(doc, "", 0)))
            rc = oom(err, src->name);
    } else {
        size_t nn = (size_t)(ydoc.nodes.top - ydoc.nodes.start);
        struct builder b = {.doc = doc, .src = src, .ydoc = &ydoc, .err = err,
                            .alias_at = alias_at, .nalias_at = nalias_at};
        b.active = calloc(nn + 1, 1);
        b.owner = malloc((nn + 1) * sizeof *b.owner);
        b.slot = malloc((nn + 1) * sizeof *b.slot);
        if (!b.active || !b.owner || !b.slot) {
            rc = oom(err, src->name);
        } else {
            for (size_t i = 0; i <= nn; i++)
                b.owner[i] = -1;
            rc = build(&b, 1, 0, 0, 1, 1, 0, out);
        }
        free(b.active);
        free(b.owner);
        free(b.slot);
    }
    free(alias_at);
    yaml_document_delete(&ydoc);
    if (rc == AB_OK) {
        /* A second document (or a syntax error after the first) is an error. */
        if (!yaml_parser_load(&yp, &ydoc)) {
            rc = yaml_failure(err, src, &yp);
        } else {
            if (yaml_document_get_root_node(&ydoc))
                rc = cfg_errorf_at(err, src, (int)ydoc.start_mark.line + 1,
                                   (int)ydoc.start_mark.column + 1,
                                   "only one YAML document is supported");
            yaml_document_delete(&ydoc);
        }
    }
    yaml_parser_delete(&yp);
    return rc;
}

static int parse_text(const char *name, const char *text, size_t len, struct cfg_doc **out,
                      struct ab_err *err)
{
    *out = NULL;
    struct cfg_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return oom(err, name);
    struct cfg_source *src = add_source(doc, name, text, len);
    int rc = src ? parse_into(doc, src, len, 0, &doc->root, err) : oom(err, name);
    if (rc) {
        cfg_destroy(doc);
        return rc;
    }
    *out = doc;
    return AB_OK;
}

struct cfg_doc *cfg_parse_string(const char *name, const char *text, struct ab_err *err)
{
    struct cfg_doc *doc = NULL;
    if (!name)
        name = "<string>";
    if (!text)
        ab_errf(err, AB_EINVAL, "%s: no text", name);
    else
        parse_text(name, text, strlen(text), &doc, err);
    return doc;
}

int cfg_load_file(const char *path, struct cfg_doc **out, struct ab_err *err)
{
    *out = NULL;
    /* Regular files only (a FIFO, /dev/zero or a directory is named as
     * such, and cannot block or feed us forever), at most 16 MiB. */
    char *buf;
    size_t len;
    uint64_t size;
    int rc = ab_read_regular(path, AB_MAX_CONFIG_BYTES, "YAML config", 0, &buf, &len, &size, err);
    if (rc)
        return rc;
    rc = parse_text(path, buf, len, out, err);
    free(buf);
    return rc;
}

struct cfg_doc *cfg_parse_file(const char *path, struct ab_err *err)
{
    struct cfg_doc *doc;
    cfg_load_file(path, &doc, err);
    return doc;
}

struct cfg_node *cfg_root(struct cfg_doc *doc) { return doc ? doc->root : NULL; }

void cfg_destroy(struct cfg_doc *doc)
{
    if (!doc)
        return;
    arena_free(doc);
    free(doc);
}

struct cfg_node *cfg_parse_value(struct cfg_doc *doc, const char *name, const char *text,
                                 struct ab_err *err)
{
    if (!name)
        name = "<value>";
    if (!doc || !text) {
        ab_errf(err, AB_EINVAL, "%s: no document or no text", name);
        return NULL;
    }
    size_t len = strlen(text);
    struct cfg_source *src = add_source(doc, name, text, len);
    if (!src) {
        oom(err, name);
        return NULL;
    }
    struct cfg_node *n = NULL;
    if (parse_into(doc, src, len, 1, &n, err) != AB_OK)
        return NULL;
    return n;
}

/* ------------------------------------------------------------ map access */

struct cfg_node *cfg_map_get(const struct cfg_node *map, const char *key)
{
    if (!map || map->kind != CFG_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->items[i];
    return NULL;
}

int cfg_map_set(struct cfg_doc *doc, struct cfg_node *map, const char *key,
                struct cfg_node *value, struct ab_err *err)
{
    if (!doc || !map || !key || !value)
        return ab_errf(err, AB_EINVAL, "cfg_map_set: missing argument");
    if (map->kind != CFG_MAP)
        return cfg_errorf(err, map, "cannot set '%s': not a mapping", key);
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->str, key) == 0) {
            map->items[i] = value;
            return AB_OK;
        }
    /* Append: fresh arrays from the arena (the old ones stay until destroy;
     * configs are small and overrides few). */
    size_t n = map->count + 1;
    struct cfg_node **items = arena_alloc(doc, n * sizeof *items);
    struct cfg_node **keys = arena_alloc(doc, n * sizeof *keys);
    struct cfg_node *k = new_node(doc, CFG_SCALAR, value->src, value->line, value->col);
    if (!items || !keys || !k || !(k->str = arena_strndup(doc, key, strlen(key))))
        return oom(err, value->src ? value->src->name : NULL);
    if (map->count) {
        memcpy(items, map->items, map->count * sizeof *items);
        memcpy(keys, map->keys, map->count * sizeof *keys);
    }
    items[map->count] = value;
    keys[map->count] = k;
    map->items = items;
    map->keys = keys;
    map->count = n;
    return AB_OK;
}

/* ----------------------------------------------------------- typed views */

static const char *kind_name(enum cfg_kind k)
{
    return k == CFG_SEQ ? "a list" : k == CFG_MAP ? "a mapping" : "a single value";
}

int cfg_expect(const struct cfg_node *n, enum cfg_kind kind, const char *what,
               struct ab_err *err)
{
    if (!n)
        return ab_errf(err, AB_EINVAL, "'%s' is missing", what);
    if (n->kind != kind)
        return cfg_errorf(err, n, "'%s' must be %s", what, kind_name(kind));
    return AB_OK;
}

/* Shortest text that reads back to the same double. */
static void fmt_real(double v, char *out, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
}

/* "got 'abc'", or "got the string \"5\"" for a quoted scalar. */
static const char *got(const struct cfg_node *n, char *buf, size_t cap)
{
    char c[80];
    clip(n->str, c, sizeof c);
    if (n->quoted)
        snprintf(buf, cap, "got the string \"%s\"", c);
    else if (!n->str[0])
        snprintf(buf, cap, "got nothing");
    else
        snprintf(buf, cap, "got '%s'", c);
    return buf;
}

int cfg_to_int(const struct cfg_node *n, const char *what, long lo, long hi, long *out,
               struct ab_err *err)
{
    int rc = cfg_expect(n, CFG_SCALAR, what, err);
    if (rc)
        return rc;
    const char *s = n->str, *p = s;
    if (*p == '+' || *p == '-')
        p++;
    char g[128], c[80];
    if (n->quoted || !*p || strspn(p, "0123456789") != strlen(p))
        return cfg_errorf(err, n, "'%s' must be an integer, %s", what, got(n, g, sizeof g));
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return cfg_errorf(err, n, "'%s' = %s is out of range [%ld, %ld]", what,
                          clip(s, c, sizeof c), lo, hi);
    *out = v;
    return AB_OK;
}

/* YAML 1.2 core-schema float syntax, finite values only:
 * [-+]? ( .digits | digits ( . digits? )? ) ( [eE] [-+]? digits )? */
static int is_decimal(const char *p)
{
    size_t d;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == '.') {
        if (!(d = strspn(p + 1, "0123456789")))
            return 0;
        p += 1 + d;
    } else {
        if (!(d = strspn(p, "0123456789")))
            return 0;
        p += d;
        if (*p == '.')
            p += 1 + strspn(p + 1, "0123456789");
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(d = strspn(p, "0123456789")))
            return 0;
        p += d;
    }
    return *p == '\0';
}

int cfg_to_real(const struct cfg_node *n, const char *what, double lo, double hi, double *out,
                struct ab_err *err)
{
    int rc = cfg_expect(n, CFG_SCALAR, what, err);
    if (rc)
        return rc;
    char g[128], c[80];
    double v = 0;
    if (!n->quoted && is_decimal(n->str))
        v = strtod(n->str, NULL);
    if (n->quoted || !is_decimal(n->str) || !isfinite(v))
        return cfg_errorf(err, n, "'%s' must be a finite number, %s", what, got(n, g, sizeof g));
    if (v < lo || v > hi) {
        char l[32], h[32];
        fmt_real(lo, l, sizeof l);
        fmt_real(hi, h, sizeof h);
        return cfg_errorf(err, n, "'%s' = %s is out of range [%s, %s]", what,
                          clip(n->str, c, sizeof c), l, h);
    }
    *out = v;
    return AB_OK;
}

int cfg_to_bool(const struct cfg_node *n, const char *what, int *out, struct ab_err *err)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No"};
    int rc = cfg_expect(n, CFG_SCALAR, what, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof yes / sizeof *yes && !n->quoted; i++) {
        if (strcmp(n->str, yes[i]) == 0) {
            *out = 1;
            return AB_OK;
        }
        if (strcmp(n->str, no[i]) == 0) {
            *out = 0;
            return AB_OK;
        }
    }
    char g[128];
    return cfg_errorf(err, n, "'%s' must be true or false, %s", what, got(n, g, sizeof g));
}

int cfg_to_bytes(const struct cfg_node *n, const char *what, uint64_t *out, struct ab_err *err)
{
    static const struct {
        const char *name;
        uint64_t mult;
    } units[] = {
        {"B", 1},
        {"KiB", UINT64_C(1) << 10},
        {"MiB", UINT64_C(1) << 20},
        {"GiB", UINT64_C(1) << 30},
        {"TiB", UINT64_C(1) << 40},
        {"kB", UINT64_C(1000)},
        {"KB", UINT64_C(1000)},
        {"MB", UINT64_C(1000000)},
        {"GB", UINT64_C(1000000000)},
        {"TB", UINT64_C(1000000000000)},
    };
    enum { NUNITS = sizeof units / sizeof *units };
    static const char *const unit_list = "B, KiB, MiB, GiB, TiB, kB, KB, MB, GB, TB";
    int rc = cfg_expect(n, CFG_SCALAR, what, err);
    if (rc)
        return rc;
    char c[80];
    const char *s = n->str, *p = s;
    clip(s, c, sizeof c);
    if (*p == '-')
        return cfg_errorf(err, n, "'%s' must not be negative, got '%s'", what, c);
    if (*p < '0' || *p > '9')
        return cfg_errorf(err, n,
                          "'%s' must be a size in bytes such as 1048576, 512MiB or 4GiB, got '%s'",
                          what, c);
    uint64_t ip = 0;
    int over = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned dg = (unsigned)(*p - '0');
        if (ip > (UINT64_MAX - dg) / 10)
            over = 1;
        else
            ip = ip * 10 + dg;
    }
    const char *frac = NULL;
    if (*p == '.') {
        frac = p;
        size_t d = strspn(p + 1, "0123456789");
        if (!d)
            return cfg_errorf(err, n,
                              "'%s' must be a size in bytes such as 1048576, 512MiB or 4GiB, "
                              "got '%s'",
                              what, c);
        p += 1 + d;
    }
    while (*p == ' ')
        p++;
    uint64_t mult = 1;
    if (*p) {
        size_t u = 0;
        while (u < NUNITS && strcmp(p, units[u].name) != 0)
            u++;
        if (u == NUNITS) {
            const char *names[NUNITS];
            for (size_t i = 0; i < NUNITS; i++)
                names[i] = units[i].name;
            const char *near = ab_closest(p, names, NUNITS);
            char uc[80], hint[64] = "";
            if (near)
                snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
            return cfg_errorf(err, n, "'%s' has an unknown unit '%s'%s (units: %s)", what,
                              clip(p, uc, sizeof uc), hint, unit_list);
        }
        mult = units[u].mult;
    }
    /* The fraction times the unit is below 2^40: exact enough in a double. */
    double fv = frac ? strtod(frac, NULL) * (double)mult : 0.0;
    if (mult == 1 && fv != 0.0)
        return cfg_errorf(err, n, "'%s' must be a whole number of bytes, got '%s'", what, c);
    uint64_t fb = (uint64_t)(fv + 0.5);
    if (over || ip > UINT64_MAX / mult || ip * mult > UINT64_MAX - fb)
        return cfg_errorf(err, n, "'%s' = %s is too large (the limit is 2^64 - 1 bytes)", what, c);
    *out = ip * mult + fb;
    return AB_OK;
}

int cfg_to_choice(const struct cfg_node *n, const char *what, const char *choices, int *idx,
                  struct ab_err *err)
{
    int rc = cfg_expect(n, CFG_SCALAR, what, err);
    if (rc)
        return rc;
    int i = ab_choice_index(choices, n->str);
    if (i >= 0) {
        *idx = i;
        return AB_OK;
    }
    const char *near = ab_closest_choice(n->str, choices);
    char c[80], hint[96] = "";
    if (near)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    return cfg_errorf(err, n, "'%s' must be one of %s, got '%s'%s", what, choices,
                      clip(n->str, c, sizeof c), hint);
}

int cfg_check_keys(const struct cfg_node *map, const char *what, const char *const *allowed,
                   size_t nallowed, struct ab_err *err)
{
    int rc = cfg_expect(map, CFG_MAP, what, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < map->count; i++) {
        const char *key = map->keys[i]->str;
        size_t j = 0;
        while (j < nallowed && strcmp(key, allowed[j]) != 0)
            j++;
        if (j < nallowed)
            continue;
        char valid[sizeof err->msg], k[80], hint[96] = "";
        struct sbuf sb = {valid, sizeof valid, 0};
        valid[0] = '\0';
        for (j = 0; j < nallowed; j++) {
            if (j)
                sb_puts(&sb, ", ");
            sb_puts(&sb, allowed[j]);
        }
        const char *near = ab_closest(key, allowed, nallowed);
        if (near)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
        return cfg_errorf(err, map->keys[i], "unknown key '%s' in %s%s (valid: %s)",
                          clip(key, k, sizeof k), what, hint, valid);
    }
    return AB_OK;
}

size_t cfg_list_len(const struct cfg_node *n)
{
    if (!n)
        return 0;
    return n->kind == CFG_SEQ ? n->count : 1;
}

const struct cfg_node *cfg_list_at(const struct cfg_node *n, size_t i)
{
    if (!n)
        return NULL;
    if (n->kind != CFG_SEQ)
        return i == 0 ? n : NULL;
    return i < n->count ? n->items[i] : NULL;
}
