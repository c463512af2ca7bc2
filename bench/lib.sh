# Shared by the bench scripts (sourced): a clock and a timed workflow run through the API.
# Needs API (the API's base URL); POLL is the seconds between two looks at the run (default 0.02).

now() { date +%s.%N; }

# Submits the run request $1, waits for COMPLETE and prints the seconds it took; any other end
# stops the script.
timed_run() {
  local t0 id state
  t0=$(now)
  id=$(curl -fsS -X POST -H 'Content-Type: application/json' -d "$1" "$API/runs" | sed 's/^{"id":"\([^"]*\)".*/\1/')
  while :; do
    state=$(curl -fsS "$API/runs/$id" | sed 's/.*"state":"\([A-Z_]*\)".*/\1/')
    case "$state" in
      COMPLETE) break ;;
      EXECUTOR_ERROR|SYSTEM_ERROR|CANCELED) echo "run $id ended $state" >&2; exit 1 ;;
    esac
    sleep "${POLL:-0.02}"
  done
  echo "$(now) - $t0" | bc -l
}
