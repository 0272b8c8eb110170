#!/usr/bin/env bash
# run-gpu.sh — every GPU measurement on a machine with an NVIDIA GPU, in one
# call: build with CUDA (sm_90 unless CMAKE_CUDA_ARCHITECTURES says otherwise),
# check every CUDA method against the float64 oracle (test_backends must PASS
# here: a skip means no device), then the GPU scaling sweeps and, if PyTorch
# is importable, the peers. Results: results/scaling-gpu*.csv,
# results/peers-gpu.csv. NOT RUN YET on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
experiments/setup.sh build-gpu -DATTNBENCH_CUDA=ON -DATTNBENCH_WERROR=ON "$@"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,memory.total --format=csv || true
(cd build-gpu && ctest --output-on-failure -j"$(nproc)")
set +e
build-gpu/tests/test_backends
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
  echo "run-gpu.sh: test_backends skipped: no usable CUDA device (see its message)" >&2
  exit 1
elif [ "$rc" -ne 0 ]; then
  echo "run-gpu.sh: test_backends FAILED: not measuring" >&2
  exit 1
fi
build-gpu/attnbench run experiments/scaling-gpu.yaml experiments/scaling-gpu-long.yaml \
  --force --progress lines
if python3 -c "import torch" 2>/dev/null; then
  python3 experiments/peers/gpu_bench.py --check --out results/peers-gpu.csv
else
  echo "run-gpu.sh: no PyTorch here: peers not run (experiments/peers/gpu_bench.py)" >&2
fi
