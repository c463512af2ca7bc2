#!/usr/bin/env bash
# Cairn on Slurm against plain sbatch, in this same script:
#   (1) a scatter of N (default 1000) trivial tasks on a slurm pool (cli mode) through Cairn's API,
#       from submit to COMPLETE;
#   (2) the same N jobs submitted by a plain shell loop of `sbatch --wrap /bin/true`, until the last
#       one has left squeue;
#   and the ratio (1)/(2). Target: at most 1.2.
# Needs a Slurm cluster: the one of bin/backends/slurm (started here if it does not run, and then
# stopped again). Starts its own Cairn from ear/target/cairn.ear unless CAIRN_URL names one that
# runs on this host as root (the pool's sharedRoot is its data folder: CAIRN_DATA_DIR).
# Settings: N, SLOTS (pool slots, default N), RATE (submissions per second, default 200),
# ARRAY (array threshold when the slurm kind has one; empty leaves the kind's default).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-1000}"
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
POLL="${POLL:-0.1}"
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" >/dev/null 2>&1 || true; done' EXIT

if ! "$ROOT/bin/backends/slurm" status >/dev/null 2>&1; then
  cleanup+=("'$ROOT/bin/backends/slurm' stop")
fi
while IFS= read -r line; do
  [[ "$line" == CAIRN_*=* ]] && export "${line?}"
done < <("$ROOT/bin/backends/slurm" start)
export SLURM_CONF="$CAIRN_SLURM_CONF"

if [[ -z "${CAIRN_URL:-}" ]]; then
  export CAIRN_HOME="${CAIRN_HOME:-$(mktemp -d /tmp/cairn-bench.XXXXXX)}"
  export CAIRN_PORTBASE="${CAIRN_PORTBASE:-31100}"
  export CAIRN_EAR="${CAIRN_EAR:-$ROOT/ear/target/cairn.ear}"
  export CAIRN_DATA_DIR="${CAIRN_DATA_DIR:-$CAIRN_HOME/data}"
  [[ -f "$CAIRN_EAR" ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
  cleanup=("'$ROOT/bin/cairn' stop" "${cleanup[@]}")
  "$ROOT/bin/cairn" start >/dev/null
  CAIRN_URL="http://127.0.0.1:$((CAIRN_PORTBASE + 80))"
fi
: "${CAIRN_DATA_DIR:?set CAIRN_DATA_DIR to the data folder of the Cairn at CAIRN_URL}"
API="$CAIRN_URL/api/v1"

pool="bench-slurm-$$"
props="\"mode\": \"cli\", \"slurmConf\": \"$CAIRN_SLURM_CONF\", \"sharedRoot\": \"$CAIRN_DATA_DIR\","
props="$props \"jobCompFile\": \"$CAIRN_SLURM_JOBCOMP_FILE\", \"slots\": ${SLOTS:-$N}, \"submitRatePerSecond\": ${RATE:-200}"
[[ -n "${ARRAY:-}" ]] && props="$props, \"arrayThreshold\": $ARRAY"
curl -fsS -X POST -H 'Content-Type: application/json' "$API/pools" -d "{\"name\": \"$pool\", \"kind\": \"slurm\", \"properties\": {$props}}" >/dev/null
cleanup=("curl -fsS -X DELETE '$API/pools/$pool'" "${cleanup[@]}")

curl -fsS -X POST --data-binary @- "$API/workflows?name=bench-slurm-scatter" >/dev/null <<'CWL'
cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {xs: "int[]"}
outputs: []
steps:
  t:
    in: {x: xs}
    scatter: x
    out: []
    run:
      class: CommandLineTool
      baseCommand: "true"
      inputs: {x: int}
      outputs: []
CWL


timed_run "{\"workflow\":\"bench-slurm-scatter\",\"pool\":\"$pool\",\"cache\":false,\"inputs\":{\"xs\":[1,2]}}" >/dev/null  # warm-up
cairn=$(timed_run "{\"workflow\":\"bench-slurm-scatter\",\"pool\":\"$pool\",\"cache\":false,\"inputs\":{\"xs\":[$(seq -s, 1 "$N")]}}")

# the same jobs from a plain loop; done when none of them is left in squeue
out=$(mktemp -d "$CAIRN_DATA_DIR/bench-sbatch.XXXXXX"); cleanup+=("rm -rf '$out'")
name="bench-plain-$$"
t0=$(now)
for i in $(seq 1 "$N"); do
  sbatch --parsable --job-name="$name" --output=/dev/null --chdir="$out" --wrap /bin/true >/dev/null
done
submitted=$(echo "$(now) - $t0" | bc -l)
while [[ -n "$(squeue -h -n "$name" -o %i | head -1)" ]]; do sleep 0.1; done
plain=$(echo "$(now) - $t0" | bc -l)

printf 'Cairn scatter of %d trivial tasks on a slurm pool (cli, %s slots, %s submissions/s%s): %.1f s\n' \
  "$N" "${SLOTS:-$N}" "${RATE:-200}" "${ARRAY:+, arrays above $ARRAY}" "$cairn"
printf 'plain loop of %d sbatch: %.1f s (submitting took %.1f s)\n' "$N" "$plain" "$submitted"
printf 'ratio Cairn / plain sbatch: %.2f (target <= 1.2)\n' "$(echo "$cairn / $plain" | bc -l)"
