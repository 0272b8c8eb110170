/* unicode_tables.h — the Unicode tables of BERT's basic tokenizer, generated
 * by experiments/model/gen_unicode_tables.py (unicode_tables.c): sorted,
 * disjoint inclusive ranges of code points, and the strip-accents +
 * lower-case map. Tests: tests/test_wordpiece.c. */
#ifndef AB_UNICODE_TABLES_H
#define AB_UNICODE_TABLES_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t ab_uc_mn[][2];      /* category Mn: dropped with the accents */
extern const size_t ab_uc_mn_count;
extern const uint32_t ab_uc_control[][2]; /* Cc, Cf: removed (\t \n \r excepted) */
extern const size_t ab_uc_control_count;
extern const uint32_t ab_uc_space[][2];   /* Zs: whitespace */
extern const size_t ab_uc_space_count;
extern const uint32_t ab_uc_punct[][2];   /* P*: punctuation */
extern const size_t ab_uc_punct_count;
/* {code point, up to 3 replacement code points (0-padded)}, sorted by code point */
extern const uint32_t ab_uc_fold[][4];
extern const size_t ab_uc_fold_count;

#endif
