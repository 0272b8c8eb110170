#!/bin/bash
# submit.sh CONFIG.yaml N [OUTDIR] [extra sbatch options...] — submit a sweep as
# an N-task job array, asking for the resources the config implies:
#   --cpus-per-task = the config's threads
#   --mem           = twice the largest data instance and method workspace, + 1 GiB
#   --time          = 3x the dry run's time estimate for one shard, + 10 minutes
# Prints the job id. Merge when it is done:
#   build/attnbench merge OUTDIR/<name>.shard-*-of-N.csv --out results/<name>.csv --config CONFIG.yaml
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${1:?usage: submit.sh CONFIG.yaml N [OUTDIR] [sbatch options...]}
n=${2:?usage: submit.sh CONFIG.yaml N [OUTDIR] [sbatch options...]}
outdir=${3:-results}
shift $(( $# >= 3 ? 3 : $# ))
bin=${ATTNBENCH:-build/attnbench}
res=$("$bin" run "$config" --dry-run --shard "1/$n" | sed -n 's/^# resources: //p')
cpus=$(echo "$res" | sed -n 's/.*cpus=\([0-9]*\).*/\1/p')
mem=$(echo "$res" | sed -n 's/.*mem_mb=\([0-9]*\).*/\1/p')
time=$(echo "$res" | sed -n 's/.*time_min=\([0-9]*\).*/\1/p')
exec sbatch --parsable --array="1-$n" --cpus-per-task="$cpus" --mem="${mem}M" --time="$time" "$@" \
  experiments/slurm/sweep.sbatch "$config" "$outdir"
