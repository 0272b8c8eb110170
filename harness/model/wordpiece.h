/* wordpiece.h — BERT's tokenizer in C: the basic tokenizer (text cleaning,
 * CJK characters as words, accent stripping and lower-casing, whitespace and
 * punctuation splitting) followed by greedy longest-match-first WordPiece
 * over a vocab.txt, as Hugging Face's BertTokenizer(Fast) does for uncased
 * models (do_lower_case: true, strip_accents unset, tokenize_chinese_chars:
 * true). Unicode classes and the strip/lower map come from the generated
 * unicode_tables.c (Python's unicodedata); invalid UTF-8 bytes are dropped
 * like U+FFFD. A word longer than 100 characters, or one WordPiece cannot
 * cover, becomes [UNK].
 *
 * Cased vocabularies (do_lower_case: false) are refused by ab_bert_dir-level
 * callers; this tokenizer always lower-cases.
 * Tests: tests/test_wordpiece.c (ids against Hugging Face's on a committed
 * sample, tests/fixtures/model/tokens.*). */
#ifndef AB_WORDPIECE_H
#define AB_WORDPIECE_H

#include "attnbench.h"

#include <stddef.h>
#include <stdint.h>

struct ab_wordpiece;

/* Read vocab.txt (one token per line; the id is the line number). It must
 * hold [UNK], [CLS] and [SEP]; errors name the file and line. */
int ab_wordpiece_load(const char *vocab_path, struct ab_wordpiece **out, struct ab_err *err);
void ab_wordpiece_destroy(struct ab_wordpiece *t);

size_t ab_wordpiece_vocab_size(const struct ab_wordpiece *t);
int32_t ab_wordpiece_cls(const struct ab_wordpiece *t);
int32_t ab_wordpiece_sep(const struct ab_wordpiece *t);
int32_t ab_wordpiece_unk(const struct ab_wordpiece *t);
/* The token text of an id (NULL out of range). */
const char *ab_wordpiece_token(const struct ab_wordpiece *t, int32_t id);
/* The id of a token text, or -1. */
int32_t ab_wordpiece_id(const struct ab_wordpiece *t, const char *token);

/* Tokenize `len` bytes of UTF-8 text, without [CLS]/[SEP]: *ids is
 * malloc'ed (the caller frees it), *n its length. AB_ENOMEM only. */
int ab_wordpiece_tokenize(const struct ab_wordpiece *t, const char *text, size_t len,
                          int32_t **ids, size_t *n, struct ab_err *err);
/* [CLS] + tokens + [SEP], cut to at most max_len ids (the text's tokens are
 * truncated, [SEP] kept, as Hugging Face's truncation does). */
int ab_wordpiece_encode(const struct ab_wordpiece *t, const char *text, size_t len, size_t max_len,
                        int32_t **ids, size_t *n, struct ab_err *err);

#endif
