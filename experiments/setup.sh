#!/usr/bin/env bash
# setup.sh BUILD_DIR [CMAKE_OPTION...] — install what is missing (Debian
# packages; needs root or sudo), then configure and build attnbench in
# BUILD_DIR. Idempotent: with everything installed and built, it only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: setup.sh BUILD_DIR [CMAKE_OPTION...]}
shift

packages=(build-essential cmake pkg-config libopenblas-dev liblapacke-dev libyaml-dev
          libcjson-dev libcmocka-dev gnuplot-nox)
# the test suite (tests/run-tests.sh) also needs clang with libFuzzer and libomp
# (the fuzzing build) and SLURM with munge (the job-array test)
if [ "${AB_SETUP_TESTS:-0}" = 1 ]; then
  packages+=(clang libclang-rt-14-dev libomp-14-dev slurm-wlm munge)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -f "$build/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build" "$@" >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >&2
