#!/usr/bin/env bash
# Workflow throughput on the real server, against a plain shell loop in this same script:
#   (1) a scatter of SCATTER (default 1000) trivial tasks on the local pool: wall time, tasks/s
#   (2) a chain of CHAIN (default 100) dependent trivial steps: time per step
#   (3) the same two as shell loops (the floor), and the ratios
#   (4) with HEAP=1: the server's used heap before and after a scatter of 10x SCATTER tasks
# (1) and (2) are run ROUNDS times (default 3), one after the other; each round is printed, and
# the summary lines give the median round. A server's first rounds after a start are slower (its
# JIT compiles the dispatch path meanwhile), which the first round shows.
# Starts its own server from the built EAR (ear/target/cairn.ear) with its own CAIRN_HOME and
# ports and a local pool of SLOTS (default 2) slots, unless CAIRN_URL names a running one; stops
# what it starts. Timings are wall clock from submit to COMPLETE, polled every 20 ms. Runs are
# submitted with "cache": false: a server that ran the bench before would otherwise serve every
# task from its call cache and the figures would measure the cache, not the dispatch.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCATTER="${SCATTER:-1000}"
CHAIN="${CHAIN:-100}"
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

if [[ -z "${CAIRN_URL:-}" ]]; then
  export CAIRN_HOME="${CAIRN_HOME:-$(mktemp -d /tmp/cairn-bench.XXXXXX)}"
  export CAIRN_PORTBASE="${CAIRN_PORTBASE:-31000}"
  export CAIRN_EAR="${CAIRN_EAR:-$ROOT/ear/target/cairn.ear}"
  export CAIRN_LOCAL_SLOTS="${SLOTS:-2}"
  [[ -f "$CAIRN_EAR" ]] || { echo "build first: ./mvnw -DskipTests install" >&2; exit 1; }
  trap '"$ROOT/bin/cairn" stop >/dev/null 2>&1 || true' EXIT
  "$ROOT/bin/cairn" start >/dev/null
  CAIRN_URL="http://127.0.0.1:$((CAIRN_PORTBASE + 80))"
fi
API="$CAIRN_URL/api/v1"

register() { curl -fsS -X POST --data-binary @- "$API/workflows?name=$1" >/dev/null; }

register bench-scatter <<'CWL'
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
{
  echo 'cwlVersion: v1.2'
  echo 'class: Workflow'
  echo 'inputs: {}'
  echo "outputs: {last: {type: File, outputSource: s$CHAIN/o}}"
  echo 'steps:'
  for i in $(seq 1 "$CHAIN"); do
    echo "  s$i:"
    if (( i == 1 )); then echo "    in: {}"; else echo "    in: {f: s$((i - 1))/o}"; fi
    echo "    out: [o]"
    echo "    run:"
    echo "      class: CommandLineTool"
    if (( i == 1 )); then
      echo "      baseCommand: [echo, start]"
      echo "      inputs: {}"
    else
      echo "      baseCommand: cat"
      echo "      inputs: {f: {type: File, inputBinding: {position: 1}}}"
    fi
    echo "      outputs: {o: stdout}"
  done
} | register "bench-chain-$CHAIN"

xs() { seq -s, 1 "$1"; }
timed_run '{"workflow":"bench-scatter","cache":false,"inputs":{"xs":[1,2]}}' >/dev/null   # warm-up

ROUNDS="${ROUNDS:-3}"
scatters=(); chains=()
for round in $(seq 1 "$ROUNDS"); do
  s=$(timed_run "{\"workflow\":\"bench-scatter\",\"cache\":false,\"inputs\":{\"xs\":[$(xs "$SCATTER")]}}")
  c=$(timed_run '{"workflow":"bench-chain-'"$CHAIN"'","cache":false,"inputs":{}}')
  scatters+=("$s"); chains+=("$c")
  printf 'round %d of %d: scatter %.2f s, chain %.1f ms per step\n' "$round" "$ROUNDS" "$s" "$(echo "$c * 1000 / $CHAIN" | bc -l)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
scatter=$(median "${scatters[@]}")
chain=$(median "${chains[@]}")

work=$(mktemp -d); t0=$(now)
for _ in $(seq "$SCATTER"); do /bin/true; done
floor_scatter=$(echo "$(now) - $t0" | bc -l)
t0=$(now); echo start > "$work/0"
for i in $(seq 1 "$CHAIN"); do cat "$work/$((i - 1))" > "$work/$i"; done
floor_chain=$(echo "$(now) - $t0" | bc -l); rm -rf "$work"

printf 'median of %d rounds:\n' "$ROUNDS"
printf 'scatter of %d trivial tasks (local pool): %.2f s, %.0f tasks/s\n' "$SCATTER" "$scatter" "$(echo "$SCATTER / $scatter" | bc -l)"
printf 'chain of %d dependent steps: %.1f ms per step\n' "$CHAIN" "$(echo "$chain * 1000 / $CHAIN" | bc -l)"
printf 'floor, shell loop of %d spawns: %.3f s; ratio %.0fx\n' "$SCATTER" "$floor_scatter" "$(echo "$scatter / $floor_scatter" | bc -l)"
printf 'floor, shell chain of %d cats: %.2f ms per step; ratio %.0fx\n' "$CHAIN" "$(echo "$floor_chain * 1000 / $CHAIN" | bc -l)" "$(echo "$chain / $floor_chain" | bc -l)"

if [[ "${HEAP:-0}" == 1 && -n "${CAIRN_HOME:-}" ]]; then
  pid=$(cat "$CAIRN_HOME/domains/cairn/config/pid")
  used() { jcmd "$pid" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}'; }
  jcmd "$pid" GC.run >/dev/null; before=$(used)
  big=$((SCATTER * 10))
  t=$(timed_run "{\"workflow\":\"bench-scatter\",\"cache\":false,\"inputs\":{\"xs\":[$(xs "$big")]}}")
  jcmd "$pid" GC.run >/dev/null; after=$(used)
  printf 'scatter of %d tasks: %.1f s; used heap after a full GC: %s before, %s after\n' "$big" "$t" "$before" "$after"
fi
