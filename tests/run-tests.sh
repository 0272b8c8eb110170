#!/usr/bin/env bash
# run-tests.sh — install, build (warnings are errors) and run the whole test
# suite through ctest; then the same suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer. Idempotent; a second run only re-runs the tests.
# The first build takes the CUDA backend when nvcc is there (ATTNBENCH_CUDA=
# AUTO); the sanitizer build is CPU-only (ATTNBENCH_CUDA=OFF), so that the
# build without CUDA is checked too (and ASan needs no CUDA runtime settings).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
experiments/setup.sh build -DATTNBENCH_WERROR=ON
(cd build && ctest --output-on-failure -j"$jobs")
experiments/setup.sh build-asan -DATTNBENCH_WERROR=ON -DATTNBENCH_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTNBENCH_CUDA=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs")
