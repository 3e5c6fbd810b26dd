#!/usr/bin/env bash
# soak-loop.sh <clone-dir> <runs>: the whole suite as CI runs it (bash .ci/run), <runs> times in
# a row in one clone of this repository, for the proof under load (docs/development.md, "Proving
# the suite under load"). Start one per clone, at the same time, to load the machine.
#
# Before each run the clone is reset to $SOAK_COMMIT (default: this repository's HEAD when the
# run starts) and cleaned, node_modules kept. Each run's output goes to $SOAK_DIR/<clone>-<n>.log
# and one line (commit, start, end, minutes, exit code, the "Tests:" line) to $SOAK_DIR/runs.log.
# A file $SOAK_DIR/STOP ends the loop before its next run.
set -u
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
soak_dir=${SOAK_DIR:-/tmp/interflow-soak}
clone=$(realpath "$1"); runs=${2:-1}
name=$(basename "$clone")
mkdir -p "$soak_dir"
for i in $(seq 1 "$runs"); do
  [ -e "$soak_dir/STOP" ] && { echo "STOP seen before run $i"; exit 0; }
  commit=${SOAK_COMMIT:-$(git -C "$repo" rev-parse HEAD)}
  if ! { git -C "$clone" fetch -q "$repo" && git -C "$clone" reset -q --hard "$commit" &&
         git -C "$clone" clean -qfdx -e node_modules; }; then
    echo "$name run $i: could not reset to $commit" | tee -a "$soak_dir/runs.log"; exit 1
  fi
  log=$soak_dir/$name-$i.log
  start=$(date -u +%FT%TZ); t0=$(date +%s)
  (cd "$clone" && bash .ci/run) >"$log" 2>&1
  rc=$?
  tests=$(grep -E '^Tests:' "$log" | tail -1)
  echo "$name run $i commit ${commit:0:7} start $start end $(date -u +%FT%TZ)" \
    "minutes $(( ($(date +%s) - t0) / 60 )) rc $rc $tests" >> "$soak_dir/runs.log"
done
