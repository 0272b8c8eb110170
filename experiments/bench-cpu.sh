#!/usr/bin/env bash
# bench-cpu.sh — the CPU benchmark in one command, back to back on one
# machine so that the ratios come from one sitting:
#   1. attnbench ceiling            -> results/ceiling.csv (SGEMM tiles, FMA peak)
#   2. the scaling study            -> results/scaling.csv (frac_of_sgemm per row)
#   3. the PyTorch peers            -> results/peers.csv   (needs the peers venv:
#      experiments/peers/setup.sh; ATTNBENCH_VENV, default ~/.venvs/attnbench)
#   4. the ratio tables (printed)   -> results/peer-ratios.csv
#   5. the merged charts            -> plots/scaling-*.png, plots/scaling-peers-*.png
# About 5 minutes on the 2-core VM. Run nothing else meanwhile: timings are
# medians, but a compiler in the background still moves them.
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${THREADS:-$(nproc)}"
experiments/setup.sh build >/dev/null
build/attnbench ceiling --threads "$threads" --out results/ceiling.csv
build/attnbench run experiments/scaling.yaml --out results/scaling.csv --force --progress lines
py="${ATTNBENCH_VENV:-$HOME/.venvs/attnbench}/bin/python"
if [ -x "$py" ] && "$py" -c "import torch" 2>/dev/null; then
  "$py" experiments/peers/bench.py --like results/scaling.csv --out results/peers.csv \
    --threads "$threads" --repeats 21
  python3 experiments/peers/ratios.py results/scaling.csv results/peers.csv \
    --out results/peer-ratios.csv
  build/attnbench merge results/scaling.csv results/peers.csv --out results/scaling-peers.csv
  build/attnbench plot results/scaling-peers.csv
else
  echo "bench-cpu.sh: no peers venv with torch at $py (experiments/peers/setup.sh): peers skipped" >&2
fi
build/attnbench plot results/scaling.csv
