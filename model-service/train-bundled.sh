#!/usr/bin/env bash
# Trains the checkpoints bundled under model-service/src/main/resources/dev/anira/models/.
# CPU only, one PyTorch thread per run, two runs at a time (the dev machine has 2 cores):
#   model-service/train-bundled.sh [NAME...]     # default: every name whose checkpoint is missing
#   FORCE=1 model-service/train-bundled.sh NAME  # retrain NAME even if its checkpoint exists
# An interrupted run resumes: names whose NAME.json is already there are skipped, so delete a
# checkpoint (or set FORCE=1) to train it again.
# Each run is reproducible: same command, same seed -> bit-identical weights (sha256 in the JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=model-service/src/main/resources/dev/anira/models
LOGS=${ANIRA_TRAIN_LOGS:-target/train-logs}
mkdir -p "$OUT" "$LOGS"

# name | task mechanism steps [extra options]; everything else is `anira train`'s defaults.
# addition: the longest carry chain at 8 digits needs 9 steps, so D_max is 14 (>= 1.5x).
declare -A RUNS=(
  [parity-online]="parity online 3000"
  [parity-early]="parity early 3000"
  [addition-online]="addition online 3000 --max-depth 14"
  [addition-early]="addition early 3000 --max-depth 14"
  [addition-fixed]="addition fixed 3000 --max-depth 14"
  [dyck-online]="dyck online 2000"
  [dyck-early]="dyck early 2000"
  [pcfg-online]="pcfg online 2000"
  [pcfg-early]="pcfg early 2000"
  [bfs-online]="bfs online 4000"
  [bfs-early]="bfs early 4000"
  [bfs-fixed]="bfs fixed 4000"
  [kahn-online]="kahn online 4000"
  [kahn-early]="kahn early 4000"
  [dfs-online]="dfs online 4000"
  [dfs-early]="dfs early 4000"
)
LANE_A=(parity-online addition-online dyck-online pcfg-online bfs-online kahn-online dfs-online bfs-fixed)
LANE_B=(parity-early addition-early dyck-early pcfg-early bfs-early kahn-early dfs-early addition-fixed)

train() {
  local name=$1
  read -r task mechanism steps extra <<<"${RUNS[$name]}"
  echo "$(date +%T) start $name"
  # shellcheck disable=SC2086 # extra holds several options on purpose
  java -Dai.djl.offline=true -cp "$CP" dev.anira.launcher.AniraCli train --task "$task" --mechanism "$mechanism" --steps "$steps" --batch 32 --seed 1 \
    --eval-count 512 --threads 1 --device cpu --name "$name" --out "$OUT" ${extra:-} \
    >"$LOGS/$name.log" 2>&1 && echo "$(date +%T) done  $name: $(tail -n 1 "$LOGS/$name.log")" \
    || echo "$(date +%T) FAILED $name (see $LOGS/$name.log)"
}

lane() {
  for name in "$@"; do
    if [[ -n ${WANT:-} && " $WANT " != *" $name "* ]]; then continue; fi
    if [[ -f $OUT/$name.json && -z ${FORCE:-} ]]; then
      echo "$(date +%T) skip  $name (checkpoint exists; FORCE=1 retrains)"
      continue
    fi
    train "$name"
  done
}

WANT="$*"
for name in $WANT; do
  [[ -n ${RUNS[$name]:-} ]] || { echo "train-bundled.sh: no run named $name; known: ${!RUNS[*]}" >&2; exit 2; }
done
# Build once, then run from a frozen copy of the jars: rebuilding the project while the lanes run
# (hours) would swap classes under running JVMs.
./anira --version >/dev/null
FROZEN=$LOGS/jars
rm -rf "$FROZEN" && mkdir -p "$FROZEN"
cp deploy/local/target/anira-local.jar "$FROZEN/"
CP=$FROZEN/anira-local.jar
IFS=: read -ra ENTRIES <"deploy/local/target/classpath.txt" || true # no final newline
for jar in "${ENTRIES[@]}"; do
  if [[ $jar == "$PWD"/* ]]; then cp "$jar" "$FROZEN/"; jar=$FROZEN/$(basename "$jar"); fi
  CP=$CP:$jar
done
lane "${LANE_A[@]}" &
lane "${LANE_B[@]}" &
wait
( cd "$OUT" && ls -1 ./*.json | sed 's|^\./||; s|\.json$||' | sort >index.txt )
echo "bundled: $(tr '\n' ' ' <"$OUT/index.txt")"
