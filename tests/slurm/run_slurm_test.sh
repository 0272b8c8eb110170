#!/bin/bash
# run_slurm_test.sh BIN SRC WORKDIR — a real SLURM test on this machine: start
# a single-node cluster on localhost (Debian's slurm-wlm and munge, installed
# if missing; needs root), submit a 4-shard array of a small sweep through
# experiments/slurm/submit.sh, wait, merge, and check that the merged error
# columns equal a single-process run exactly. Exit 77 (ctest: skipped) when
# it cannot run here (not root, no apt).
set -euo pipefail
bin=$(readlink -f "$1") src=$(readlink -f "$2") work=$3
if [ "$(id -u)" != 0 ]; then echo "skipped: needs root to run slurmctld/slurmd"; exit 77; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || { echo "skipped: no slurm and no apt-get"; exit 77; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
rm -rf "$work" && mkdir -p "$work"/{state,spool,log} && work=$(readlink -f "$work") && cd "$work"
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))

# munge: a key, and the daemon (as the munge user, which owns its directories)
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge && chown munge:munge /run/munge
started_munge=0
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged && started_munge=1
fi

cat > slurm.conf <<CONF
ClusterName=attnbench-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
cleanup() {
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  [ "$started_munge" = 1 ] && pkill -x munged 2>/dev/null || true
}
trap cleanup EXIT
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix' && break; sleep 1; done
sinfo

cat > small.yaml <<'YAML'
name: small
seeds: [1, 2]
repeats: 1
ceiling: 0
threads: 1
data:
  - {kind: gaussian, n: [64, 128, 256], d: 16}
  - {kind: clustered, n: 200, d: 16}
methods:
  - {name: exact}
  - {name: nystrom, landmarks: [8, 16]}
  - {name: performer, features: 32}
  - {name: local, window: 32}
YAML
"$bin" run small.yaml --out single.csv --force --progress quiet
cd "$src"
job=$(ATTNBENCH="$bin" experiments/slurm/submit.sh "$work/small.yaml" 4 "$work/shards" --wait \
      --chdir="$work" --output="$work/slurm-%A_%a.out")
echo "job array $job finished"
cd "$work"
cat slurm-*.out | tail -n 8
"$bin" merge shards/small.shard-*-of-4.csv --out merged.csv --config small.yaml
"$bin" check merged.csv --baseline single.csv --tol out_rel_fro=0,0 --tol out_max_abs=0,0 \
  --tol out_cos=0,0 --tol attn_rel_fro=0,0 --tol attn_rel_spec=0,0 --tol row_sum_dev=0,0 \
  --tol pinv_resid=0,0 --tol pinv_vs_svd=0,0 | tail -n 1
cmp <(cut -d, -f1 single.csv) <(cut -d, -f1 merged.csv)
echo "merged shards equal the single-process run (rows, order, error columns)"
