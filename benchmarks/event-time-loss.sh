#!/usr/bin/env bash
# What reaches the reports, with every default a user gets, when the analytics job
#   1. starts over a backlog: the producer and the model service have run BACKLOG seconds first;
#   2. is stopped with a savepoint while they keep running, and resumed from it DOWN seconds later;
#      the resumed run ends with a drained stop once the producer is done.
# Real components: a standalone broker (`anira kafka`), `anira serve` (bundled checkpoints, ONLINE
# and EARLY, CPU), `anira produce` at 20 instances/s, `anira analyze` writing its outputs as a
# recording (`--out`) whose summary counts halting events, model runs and dead letters by reason.
# Compare the model runs with the served results (two models per instance). The resumed job's
# consumer group is new, so it reads the first part's instances too.
#   benchmarks/event-time-loss.sh [BACKLOG_SECONDS=60] [DOWN_SECONDS=40]
set -euo pipefail
cd "$(dirname "$0")/.."
backlog=${1:-60}
down=${2:-40}
./anira --version >/dev/null # builds what is missing
work=$(mktemp -d /tmp/anira-event-time.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./anira kafka --port "$port" >"$work/kafka.log" 2>&1 &
pids+=($!)
until grep -q "is up" "$work/kafka.log"; do sleep 1; done
bs=127.0.0.1:$port
./anira serve --bootstrap "$bs" --mechanisms online,early --device cpu >"$work/serve.log" 2>&1 &
serve=$!
pids+=($serve)

echo "== 1. a fresh job over ${backlog} s of backlog (anira analyze --bounded, defaults)"
./anira produce --bootstrap "$bs" --rate 20 --duration "${backlog}s" >"$work/produce-1.log" 2>&1
sleep 10 # the model service finishes what it has read
./anira analyze --bootstrap "$bs" --bounded --group-id backlog --out "$work/backlog" \
  2>"$work/analyze-1.log" | tail -1
grep -o "produced [0-9,]* instances" "$work/produce-1.log" | tail -1

echo "== 2. stop with a savepoint while data flows, ${down} s down, resume (defaults)"
# Another producer id: instance ids are <task>-<producer id>-<sequence>.
./anira produce --bootstrap "$bs" --rate 20 --duration "$((40 + down + 40))s" --seed 2 \
  --producer-id producer-2 \
  >"$work/produce-2.log" 2>&1 &
producing=$!
pids+=($producing)
./anira analyze --bootstrap "$bs" --group-id restore --transactional-id-prefix restore \
  --out "$work/restore" --savepoint-dir "$work/savepoints" >/dev/null 2>"$work/analyze-2a.log" &
first=$!
sleep 40
kill -TERM "$first"
wait "$first" || true
savepoint=$(grep -o -- "--from-savepoint [^ ]*" "$work/analyze-2a.log" | tail -1 | cut -d' ' -f2)
echo "stopped with savepoint $savepoint"
sleep "$down"
./anira analyze --bootstrap "$bs" --group-id restore --transactional-id-prefix restore \
  --out "$work/restore" --savepoint-dir "$work/savepoints" --from-savepoint "$savepoint" \
  --drain >"$work/summary-2.txt" 2>"$work/analyze-2b.log" &
second=$!
wait "$producing"
sleep 20 # the model service and the job read the last instances
kill -TERM "$second"
wait "$second" || true
tail -1 "$work/summary-2.txt"
grep -o "produced [0-9,]* instances" "$work/produce-2.log" | tail -1
kill -TERM "$serve"
wait "$serve" || true
grep -o "served [0-9,]* instances[^:]*: [0-9,]* results" "$work/serve.log" | tail -1
echo "(logs in $work)"
