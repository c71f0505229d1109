#!/usr/bin/env bash
# Runs one `anira` benchmark on an earlier build and on this checkout, alternating, and prints the
# medians of every number in their JSON side by side (new / old). The earlier build is a git
# revision, checked out into a temporary worktree and built there.
#
#   benchmarks/side-by-side.sh REVISION ROUNDS anira-arguments...
#   benchmarks/side-by-side.sh HEAD~3 3 bench service --quick --json
#
# The anira arguments must include --json. Raw results go to target/side-by-side/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 3 ]] || { echo "usage: $0 REVISION ROUNDS anira-arguments... (with --json)" >&2; exit 2; }
revision=$1 rounds=$2
shift 2
[[ " $* " == *" --json "* ]] || { echo "$0: the anira arguments must include --json" >&2; exit 2; }
git rev-parse --verify --quiet "$revision^{commit}" >/dev/null || { echo "$0: no revision $revision" >&2; exit 2; }
out="$PWD/target/side-by-side/$(date +%Y%m%d-%H%M%S)"
old="$(mktemp -d -t anira-old.XXXXXX)"
mkdir -p "$out"
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true' EXIT
git worktree add --detach --force "$old" "$revision" >/dev/null
echo "building $revision in $old and this checkout ..." >&2
(cd "$old" && ./anira --help >/dev/null)
./anira --help >/dev/null
for ((round = 1; round <= rounds; round++)); do
  for build in old new; do
    dir=$PWD
    [[ $build == old ]] && dir=$old
    echo "round $round of $rounds: $build ..." >&2
    (cd "$dir" && ./anira "$@" 2>>"$out/$build.log" | tail -n 1) >>"$out/$build.jsonl"
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
runs = {b: [json.loads(l) for l in open(f"{out}/{b}.jsonl") if l.strip()] for b in ("old", "new")}
print(f"{'metric':<32} {'new (median)':>14} {'old (median)':>14} {'new / old':>10}")
for key, value in runs["new"][0].items():
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        continue
    new = statistics.median(r[key] for r in runs["new"] if key in r)
    olds = [r[key] for r in runs["old"] if key in r]
    old = statistics.median(olds) if olds else float("nan")
    ratio = new / old if olds and old else float("nan")
    print(f"{key:<32} {new:>14.4g} {old:>14.4g} {ratio:>10.3f}")
print(f"(raw runs: {out}/old.jsonl, {out}/new.jsonl)")
PY
