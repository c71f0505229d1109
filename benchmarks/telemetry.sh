#!/usr/bin/env bash
# Training speed with telemetry off and on, side by side: the same `anira train` run alternates
# without and with --telemetry (into an in-process broker started here), ROUNDS times each, and
# the medians of the wall-clock times are printed with their ratio.
#
#   benchmarks/telemetry.sh [ROUNDS] [train arguments...]
#   benchmarks/telemetry.sh 3 --task parity --steps 1000
#
# Defaults: 3 rounds, --task parity --mechanism online --steps 1000 (four evaluations at the
# default --eval-every 250, each on 2 x 256 held-out instances). Logs go to target/telemetry-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--task parity --mechanism online --steps 1000)
out="$PWD/target/telemetry-bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
./anira --help >/dev/null # build first, outside the timings
port=$((20000 + RANDOM % 20000))
./anira kafka --port "$port" >"$out/kafka.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null || true; wait $broker 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q "127.0.0.1:$port" "$out/kafka.log" && break; sleep 1; done
grep -q "127.0.0.1:$port" "$out/kafka.log" || { echo "$0: the broker did not start; see $out/kafka.log" >&2; exit 1; }
run() { # label, extra arguments
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  ./anira train "${args[@]}" --out "$out/$label" "$@" >>"$out/$label.log" 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f\n", b - a}' >>"$out/$label.seconds"
}
for ((round = 1; round <= rounds; round++)); do
  echo "round $round of $rounds: telemetry off, then on ..." >&2
  run off
  run on --telemetry "127.0.0.1:$port" --run-id "bench-$round"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
off=$(median "$out/off.seconds")
on=$(median "$out/on.seconds")
printf 'telemetry off: %s s (runs: %s)\n' "$off" "$(paste -sd' ' "$out/off.seconds")"
printf 'telemetry on:  %s s (runs: %s)\n' "$on" "$(paste -sd' ' "$out/on.seconds")"
awk -v a="$on" -v b="$off" 'BEGIN {printf "on / off: %.3f (target <= 1.10)\n", a / b}'
