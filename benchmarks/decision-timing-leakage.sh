#!/usr/bin/env bash
# Decision timing on a recording (e.g. from `./anira demo`), before and after the leak-free
# features, with the random-depth null baseline; see DecisionTimingLeakage.java.
#   benchmarks/decision-timing-leakage.sh recordings/demo-20261130-1100
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 && -d $1 ]] || { echo "usage: $0 RECORDING_DIR" >&2; exit 2; }
./anira --version >/dev/null # builds what is missing
exec java -cp "deploy/local/target/anira-local.jar:$(cat deploy/local/target/classpath.txt)" \
  benchmarks/DecisionTimingLeakage.java "$1"
