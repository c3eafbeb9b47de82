#!/bin/sh
# Step 2 of the nightly evaluation (Triad's image): the bounded run on the eval session cluster,
# then the regression gate. A run that fails ends the Job here (exit 2 or 3); the gate's exit
# code (0 passed, 1 failed) is kept for step 3, which publishes the run either way.
set -eu
dir="/data/runs/$RUN"
triad run --jobmanager "$JOBMANAGER" --config /opt/triad/nightly/nightly.yaml \
  --input "$dir/questions.jsonl" --output "$dir/out"
if [ -f "$dir/baseline.jsonl" ]; then
  rc=0
  triad compare --baseline "$dir/baseline.jsonl" --candidate "$dir/out" --json \
    > "$dir/gate.json" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "nightly $RUN: triad compare could not compare the runs (exit $rc)" >&2
    exit "$rc"
  fi
  echo "$rc" > "$dir/gate.rc"
else
  echo '{"decision": "PASS", "reason": "no baseline yet: this run becomes the baseline"}' \
    > "$dir/gate.json"
  echo 0 > "$dir/gate.rc"
fi
cat "$dir/gate.json"
