#!/bin/sh
# Step 1 of the nightly evaluation (aws-cli image): the benchmark file and the last accepted
# baseline, from object storage into this run's folder on the shared volume.
set -eu
dir="/data/runs/$RUN"
mkdir -p "$dir"
echo "nightly $RUN: fetching $BENCHMARK"
aws s3 cp --only-show-errors "$BENCHMARK" "$dir/questions.jsonl"
if aws s3 ls "$BASELINE/results.jsonl" >/dev/null 2>&1; then
  aws s3 cp --only-show-errors "$BASELINE/results.jsonl" "$dir/baseline.jsonl"
  echo "nightly $RUN: baseline $BASELINE/results.jsonl"
else
  echo "nightly $RUN: no baseline at $BASELINE yet; an accepted run becomes the first"
fi
