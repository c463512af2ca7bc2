#!/usr/bin/env bash
# Measures Cairn on this machine and prints its figures:
#   - bin/cairn start on a fresh home, from nothing to ready (domain creation, configuration, deploy)
#   - bin/cairn start after a stop (the everyday start), and the resident memory once ready
#   - submit-to-COMPLETE latency of a trivial tool on the local pool, against spawning the same
#     process directly from a shell loop in this script (the floor), as a ratio
# Uses the built EAR (ear/target/cairn.ear) and its own CAIRN_HOME and ports; stops what it starts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-20}"
export CAIRN_HOME="${CAIRN_HOME:-$(mktemp -d /tmp/cairn-bench.XXXXXX)}"
export CAIRN_PORTBASE="${CAIRN_PORTBASE:-31000}"
export CAIRN_EAR="${CAIRN_EAR:-$ROOT/ear/target/cairn.ear}"
B="http://127.0.0.1:$((CAIRN_PORTBASE + 80))"
[[ -f "$CAIRN_EAR" ]] || { echo "build first: ./mvnw -DskipTests install" >&2; exit 1; }
trap '"$ROOT/bin/cairn" stop >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

t0=$(now); "$ROOT/bin/cairn" start >/dev/null 2>&1; t1=$(now)
echo "fresh start to ready: $(secs "$t0" "$t1") s"
"$ROOT/bin/cairn" stop >/dev/null 2>&1
t0=$(now); "$ROOT/bin/cairn" start >/dev/null 2>&1; t1=$(now)
echo "start after stop to ready: $(secs "$t0" "$t1") s"
pid=$(cat "$CAIRN_HOME/domains/cairn/config/pid")
echo "resident memory when ready: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/"$pid"/status)"

curl -fsS -X POST --data-binary @- "$B/api/v1/tools?name=bench-true" >/dev/null <<'CWL'
cwlVersion: v1.2
class: CommandLineTool
baseCommand: "true"
inputs: []
outputs: []
CWL
# warm-up run
id=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"tool":"bench-true","inputs":{}}' "$B/api/v1/runs" | sed 's/.*"id":"\([^"]*\)".*/\1/')
until curl -fsS "$B/api/v1/runs/$id" | grep -q '"state":"COMPLETE"'; do sleep 0.05; done

t0=$(now)
for _ in $(seq "$RUNS"); do
  id=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"tool":"bench-true","inputs":{}}' "$B/api/v1/runs" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  until curl -fsS "$B/api/v1/runs/$id" | grep -q '"state":"COMPLETE"'; do sleep 0.02; done
done
t1=$(now)
t2=$(now)
for _ in $(seq "$RUNS"); do setsid /bin/sh -c '"$@"' sh true; done
t3=$(now)
cairn=$(echo "($t1 - $t0) * 1000 / $RUNS" | bc -l)
floor=$(echo "($t3 - $t2) * 1000 / $RUNS" | bc -l)
printf 'run latency, submit to COMPLETE (local pool, %d sequential runs): %.0f ms per run\n' "$RUNS" "$cairn"
printf 'floor, the same process spawned from this script: %.2f ms per run\n' "$floor"
printf 'ratio: %.0fx\n' "$(echo "$cairn / $floor" | bc -l)"
