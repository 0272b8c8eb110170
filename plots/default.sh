#!/usr/bin/env bash
# default.sh CSV OUTDIR — render the default sweep's charts with gnuplot.
set -euo pipefail
csv=${1:-results/default.csv}
out=${2:-plots}
if ! command -v gnuplot >/dev/null; then
  echo "default.sh: gnuplot is not installed (Debian: apt-get install gnuplot-nox); $csv is untouched" >&2
  exit 1
fi
gnuplot -e "csv='$csv'; out='$out'" "$(dirname "$0")/default.gp"
echo "charts: $out/default-landmarks.png $out/default-pinv.png $out/default-time.png" >&2
