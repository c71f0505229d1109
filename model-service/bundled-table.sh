#!/usr/bin/env bash
# The README table of the bundled checkpoints: `anira eval --all --count 512 --seed 7 --json` on
# fresh instances, plus each checkpoint's training time and command from its JSON.
#   model-service/bundled-table.sh > /tmp/table.md
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS=model-service/src/main/resources/dev/anira/models
echo "| checkpoint | accuracy (train / extrap.) | mean depth (train / extrap.) | distinct depths | largest share | ρ / partial ρ, primary complexity | adj. R² static / algorithmic | training |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |"
./anira eval --all --count 512 --seed 7 --json 2>/dev/null | while read -r line; do
  name=$(jq -r .checkpoint <<<"$line")
  seconds=$(jq -r .trainSeconds "$MODELS/$name.json")
  jq -r --arg seconds "$seconds" -f model-service/eval-row.jq <<<"$line"
done
