#!/usr/bin/env bash
# Trains the checkpoints bundled under model-service/src/main/resources/dev/anira/models/.
# CPU only, one PyTorch thread per run, two runs at a time (the dev machine has 2 cores):
#   model-service/train-bundled.sh [NAME...]     # default: all of them
# Each run is reproducible: same command, same seed -> bit-identical weights (sha256 in the JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=model-service/src/main/resources/dev/anira/models
LOGS=${ANIRA_TRAIN_LOGS:-target/train-logs}
mkdir -p "$OUT" "$LOGS"

# name | task mechanism steps [extra options]
declare -A RUNS=(
  [bfs-online]="bfs online 2500"
  [bfs-early]="bfs early 2500"
  [kahn-online]="kahn online 2500"
  [kahn-early]="kahn early 2500"
  [dfs-online]="dfs online 2500"
  [dfs-early]="dfs early 2500"
  [bfs-fixed]="bfs fixed 2500"
  [parity-online]="parity online 1500"
  [parity-early]="parity early 1500"
  [addition-online]="addition online 2000"
  [addition-early]="addition early 2000"
  [addition-fixed]="addition fixed 2000"
  [dyck-online]="dyck online 2000"
  [dyck-early]="dyck early 2000"
  [pcfg-online]="pcfg online 2000"
  [pcfg-early]="pcfg early 2000"
)
LANE_A=(parity-online addition-online dyck-online pcfg-online bfs-online kahn-online dfs-online addition-fixed)
LANE_B=(parity-early addition-early dyck-early pcfg-early bfs-early kahn-early dfs-early bfs-fixed)

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
    train "$name"
  done
}

WANT="$*"
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
