#!/usr/bin/env bash
# run-default.sh [RUN_OPTION...] — the main job: install, build, run the
# built-in default sweep (experiments/default.yaml) and render its charts and
# an attention heat map. Extra arguments go to `attnbench run`.
#
# Output goes to untracked folders (ignored by git), so a run never dirties
# the checkout:
#   results/local/default.csv, plots/local/default-*, plots/local/clustered-1024-heatmap.*
# To regenerate the committed copies (results/default.csv, plots/) deliberately:
#   AB_OUT=results AB_PLOTS=plots experiments/run-default.sh
#
# Idempotent: a rerun rebuilds nothing that is current, reuses the cached
# exact references and measures afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${AB_OUT:-results/local}
plots=${AB_PLOTS:-plots/local}
experiments/setup.sh build
mkdir -p "$out" "$plots"
build/attnbench run experiments/default.yaml --out "$out/default.csv" --force "$@"
build/attnbench plot "$out/default.csv" --out "$plots"
build/attnbench heatmap experiments/heatmap.yaml --out "$plots" --rows 32:128 --cols 32:128
