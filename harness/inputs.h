/* inputs.h — what a row was measured on, by content: the `inputs_id`
 * column. It hashes the data instance's id (for file data kinds a hash of
 * the Q, K, V bytes; for synthetic kinds a hash of generator, parameters
 * and seed) with the bytes of every file a method's parameters name (a
 * string parameter is a file path: performer's features_file, linformer's
 * e_file/f_file, a plugin's). --resume compares it with the row in the file:
 * a row measured on other content is not kept as if it were this one.
 * Tests: tests/test_cli.c (a changed file is refused on --resume). */
#ifndef AB_INPUTS_H
#define AB_INPUTS_H

#include "data/data.h"
#include "plan.h"

/* 16 hex digits into out. A file that cannot be read enters the hash as
 * its path and "unreadable" (the method's own load then fails the row). */
void ab_row_inputs_id(const struct ab_data *d, const struct ab_plan_method *pm, char out[17]);

#endif
