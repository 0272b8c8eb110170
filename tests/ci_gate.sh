#!/bin/sh
# ci_gate.sh BIN SRC OUT — the CI gate: run experiments/ci.yaml and check it
# against tests/baselines/ci.csv with the tolerances of tests/ci-check.yaml
# (attnbench check exits 1 on a regression).
# Regenerate the baseline, deliberately, with:
#   build/attnbench run experiments/ci.yaml --out tests/baselines/ci.csv --force
set -eu
bin=$1 src=$2 out=$3
mkdir -p "$out"
ATTNBENCH_CACHE="$out/cache" "$bin" run "$src/experiments/ci.yaml" --out "$out/ci.csv" --force \
  --progress quiet
exec "$bin" check "$out/ci.csv" --baseline "$src/tests/baselines/ci.csv" \
  --config "$src/tests/ci-check.yaml"
