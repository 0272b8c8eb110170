#!/usr/bin/env bash
# make_fixture.sh — regenerate the committed real-data fixture, tests/fixtures/real:
# MiniLM-L6 layers 0, 2, 5, heads 0-3, the native 512-token window (the first of
# the GPL-3 text), as .npy with their manifest, and layer 0 also as .safetensors;
# and tests/fixtures/real-batch: the padded batch of four texts (lengths 384, 301,
# 167, 59; extract_qkv.py --batch), layers 0 and 5, model heads 0-1.
# Needs the peers venv (experiments/peers/setup.sh); the test command does not.
# The extraction is deterministic: on an unchanged model and text this rewrites
# the same bytes (git diff shows nothing).
set -euo pipefail
cd "$(dirname "$0")/../.."
py="${ATTNBENCH_VENV:-$HOME/.venvs/attnbench}/bin/python"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" experiments/real/extract_qkv.py --out "$tmp" --lengths 512 --layers 0,2,5 --heads 0,1,2,3 \
  --safetensors
dst=tests/fixtures/real
mkdir -p "$dst/n512"
cp "$tmp/manifest.yaml" "$dst/"
cp "$tmp"/n512/layer*-?.npy "$dst/n512/"
cp "$tmp/n512/layer0.safetensors" "$dst/layer0.safetensors"
tmpb=$(mktemp -d)
trap 'rm -rf "$tmp" "$tmpb"' EXIT
"$py" experiments/real/extract_qkv.py --batch --out "$tmpb" --layers 0,5 --heads 0,1
dstb=tests/fixtures/real-batch
mkdir -p "$dstb/batch"
cp "$tmpb/manifest.yaml" "$dstb/"
cp "$tmpb"/batch/layer*-?.npy "$dstb/batch/"
du -sh "$dst" "$dstb"
