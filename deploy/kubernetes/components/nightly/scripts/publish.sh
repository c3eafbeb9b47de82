#!/bin/sh
# Step 3 of the nightly evaluation (aws-cli image): the run's results and gate decision go to
# RUNS/RUN/; an accepted run (gate passed) becomes the baseline. Exits with the gate's code, so
# the Job fails when the gate does.
set -eu
dir="/data/runs/$RUN"
rc=$(cat "$dir/gate.rc")
for f in out/results.jsonl out/dead-letters.jsonl gate.json; do
  aws s3 cp --only-show-errors "$dir/$f" "$RUNS/$RUN/$(basename "$f")"
done
if [ "$rc" -eq 0 ]; then
  aws s3 cp --only-show-errors "$dir/out/results.jsonl" "$BASELINE/results.jsonl"
  echo "$RUN" | aws s3 cp --only-show-errors - "$BASELINE/accepted-run"
  echo "nightly $RUN: gate passed; $RUNS/$RUN is the new baseline"
else
  echo "nightly $RUN: gate FAILED against $BASELINE (see $RUNS/$RUN/gate.json); baseline kept" >&2
fi
rm -rf "$dir"
exit "$rc"
