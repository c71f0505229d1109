#!/usr/bin/env bash
# The training changes of the bundled checkpoints, measured one at a time on the same budget:
# each row trains one model (seed 1, one PyTorch thread, two runs at a time) and scores it with
# `anira eval --count 512 --seed 7` on fresh train-size and extrapolation-size instances.
#   model-service/ablation.sh [UPDATES]     # default 1000 updates per run; ~15 min on 2 cores
# "before" is the previous defaults: PonderNet's expected loss, regulariser over every token,
# cosine decay, the producer's default knobs, no halting warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATES=${1:-1000}
OUT=${ANIRA_ABLATION_OUT:-target/ablation}
mkdir -p "$OUT"

BEFORE="--depth-supervision expected --halting-warmup 0 --regularise all --schedule cosine"
# name | task mechanism | options
ROWS=(
  "parity-early-before|parity early|$BEFORE --knob ones=0.5"
  "parity-early-expected|parity early|--depth-supervision expected --halting-warmup 0"
  "parity-early-after|parity early|"
  "addition-online-before|addition online|$BEFORE --knob propagate=0.1"
  "addition-online-default-knobs|addition online|--knob propagate=0.1"
  "addition-online-after|addition online|"
  "pcfg-online-regularise-all|pcfg online|--regularise all"
  "pcfg-online-after|pcfg online|"
)

./anira --version >/dev/null # builds once, before the lanes start

run() {
  local name=$1 task=$2 mechanism=$3 options=$4
  # shellcheck disable=SC2086 # options holds several flags on purpose
  ./anira train --task "$task" --mechanism "$mechanism" --steps "$UPDATES" --seed 1 --threads 1 \
    --device cpu --eval-every "$UPDATES" --eval-count 64 --name "$name" --out "$OUT" $options \
    >"$OUT/$name.log" 2>&1
  ./anira eval --checkpoint "$OUT/$name.json" --count 512 --seed 7 --json 2>/dev/null \
    >"$OUT/$name.eval.json"
}

lane() {
  for row in "$@"; do
    IFS='|' read -r name what options <<<"$row"
    read -r task mechanism <<<"$what"
    run "$name" "$task" "$mechanism" "$options"
    echo "$(date +%T) done $name" >&2
  done
}

half=$(((${#ROWS[@]} + 1) / 2))
lane "${ROWS[@]:0:half}" &
lane "${ROWS[@]:half}" &
wait

echo "| run | accuracy (train / extrap.) | mean depth (train / extrap.) | distinct depths | largest share | ρ / partial ρ, primary complexity |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
for row in "${ROWS[@]}"; do
  name=${row%%|*}
  jq -r -f model-service/eval-row.jq "$OUT/$name.eval.json"
done
