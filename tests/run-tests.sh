#!/usr/bin/env bash
# run-tests.sh — install, build (warnings are errors) and run the whole test
# suite through ctest; then the same suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer; then a clang build of the libFuzzer targets and a
# short fuzz run of each (10 s). The suite includes a real SLURM job array on a
# one-node cluster started on localhost. Idempotent; a second run only re-runs
# the tests. The first build takes the CUDA backend when nvcc is there
# (ATTNBENCH_CUDA=AUTO); the sanitizer and fuzz builds are CPU-only
# (ATTNBENCH_CUDA=OFF), so the build without CUDA is checked too.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export AB_SETUP_TESTS=1
experiments/setup.sh build -DATTNBENCH_WERROR=ON
(cd build && ctest --output-on-failure -j"$jobs")
experiments/setup.sh build-asan -DATTNBENCH_WERROR=ON -DATTNBENCH_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTNBENCH_CUDA=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs")
CC=clang experiments/setup.sh build-fuzz -DATTNBENCH_FUZZ=ON -DATTNBENCH_WERROR=ON -DATTNBENCH_CUDA=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
(cd build-fuzz && ctest --output-on-failure -R '^fuzz_')
