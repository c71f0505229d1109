# One markdown table row from a line of `anira eval --json`, for ablation.sh and bundled-table.sh.
# With --arg seconds S it adds the adjusted R² (static / algorithmic) and the training minutes.
def pct: if . == null then "n/a" else (. * 1000 | round / 10 | tostring) + "%" end;
def num: if . == null then "n/a" else (. * 100 | round / 100 | tostring) end;
(.spearman | keys_unsorted[0]) as $c
| ([.depthHistogram[]] | add) as $n
| "| `\(.checkpoint)` | \(.accuracy | pct) / \(.extrapolationAccuracy | pct)"
  + " | \(.meanDepth | num) / \(.extrapolationMeanDepth | num)"
  + " | \(.depthHistogram | length) | \(([.depthHistogram[]] | max) / $n | pct)"
  + " | \($c) \(.spearman[$c] | num) / \(.partialSpearman[$c] | num)"
  + (if $ARGS.named.seconds == null then ""
     else " | \(.adjustedR2Static | num) / \(.adjustedR2Algorithm | num)"
       + " | \($ARGS.named.seconds | tonumber / 60 | round) min" end)
  + " |"
