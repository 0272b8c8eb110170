/* model_study.h — `attnbench model CONFIG.yaml`: substitute attention
 * methods into a pretrained BERT encoder (harness/model/) and measure what
 * reaches its output, on real text.
 *
 * Config (YAML; relative paths start at the config's folder):
 *   name: model-minilm            results/<name>.csv unless --out
 *   model: minilm                 a model folder (config.json, model.safetensors,
 *                                 vocab.txt), or `minilm`: $AB_MINILM_DIR, else
 *                                 ~/.cache/attnbench/minilm/... (experiments/model/setup.sh),
 *                                 else the venv of experiments/peers/setup.sh
 *   corpus: {files: [...], chunks: 32, min_tokens: 64, max_tokens: 512, seed: 1}
 *                                 chunks cut from the files' token streams, lengths
 *                                 uniform in [min_tokens, max_tokens] ([CLS], [SEP] included)
 *   layers: [all, each, 0, [0, 1]]  the replaced layers: all, each one alone,
 *                                 one layer, a set; a list of these (default [all])
 *   methods: [...]                as in sweep configs (parameter lists expand)
 *   threads: 1, timeout: 600, mem_limit: 0 (none), seed: 1
 * Rows: every method point x every layer set, each measured in a forked
 * child (harness/isolate.h) over the whole corpus, against the exact model
 * (every layer on `exact` with its defaults), computed once in the parent.
 * Columns and their meaning: harness/README.md#model.
 * Tests: tests/test_model_study.c. */
#ifndef AB_MODEL_STUDY_H
#define AB_MODEL_STUDY_H

int ab_cmd_model(int argc, char **argv);

#endif
