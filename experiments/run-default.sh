#!/usr/bin/env bash
# run-default.sh — the main job: install, build, run the built-in default
# sweep (experiments/default.yaml) into results/default.csv, and render its
# charts into plots/. Idempotent: a rerun rebuilds nothing that is current,
# reuses the cached exact references and measures afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
experiments/setup.sh build
build/attnbench run experiments/default.yaml --out results/default.csv --force "$@"
plots/default.sh results/default.csv plots
