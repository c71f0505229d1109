#!/usr/bin/env bash
# The README table of the bundled checkpoints: `anira eval --all --count 512 --seed 7 --json` on
# fresh instances, plus each checkpoint's training time and command from its JSON.
#   model-service/bundled-table.sh > /tmp/table.md
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS=model-service/src/main/resources/dev/anira/models
./anira eval --all --count 512 --seed 7 --json 2>/dev/null | while read -r line; do
  name=$(jq -r .checkpoint <<<"$line")
  seconds=$(jq -r .trainSeconds "$MODELS/$name.json")
  jq -r --arg seconds "$seconds" '
    def pct: if . == null then "n/a" else (. * 1000 | round / 10 | tostring) + "%" end;
    def num: if . == null then "n/a" else (. * 100 | round / 100 | tostring) end;
    (.spearman | keys_unsorted[0]) as $c
    | ([.depthHistogram[]] | add) as $n
    | "| `\(.checkpoint)` | \(.accuracy | pct) / \(.extrapolationAccuracy | pct)"
      + " | \(.meanDepth | num) / \(.extrapolationMeanDepth | num)"
      + " | \(.depthHistogram | length) | \(([.depthHistogram[]] | max) / $n | pct)"
      + " | \($c) \(.spearman[$c] | num) / \(.partialSpearman[$c] | num)"
      + " | \(.adjustedR2Static | num) / \(.adjustedR2Algorithm | num)"
      + " | \($seconds | tonumber / 60 | round) min |"' <<<"$line"
done
