#!/usr/bin/env bash
# run-default.sh — the main job: install, build, run the built-in default
# sweep (experiments/default.yaml) into results/default.csv, and render its
# charts (and an attention heat map) into plots/. Idempotent: a rerun rebuilds nothing that is current,
# reuses the cached exact references and measures afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
experiments/setup.sh build
build/attnbench run experiments/default.yaml --out results/default.csv --force "$@"
build/attnbench plot results/default.csv --out plots
build/attnbench heatmap experiments/heatmap.yaml --out plots --rows 32:128 --cols 32:128
