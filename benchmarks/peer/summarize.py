"""Medians over rounds of benchmarks/peer-pytorch.sh: token-steps/s of Java and of PyTorch eager
per batch size, their ratio, and the GFLOP/s each reaches (FLOPs counted for the dense step:
projections, feed-forward, attention scores and mixing, readout)."""

import glob
import os
import re
import json
import statistics
import sys

out = sys.argv[1]
java, torch = {}, {}  # (threads, batch) -> token-steps/s per round
pairs = {}  # (threads, round, batch) -> [java, torch]: one side-by-side pair


def threads_of(path):
    return int(re.search(r"-t(\d+)-", os.path.basename(path)).group(1))


def round_of(path):
    return int(re.search(r"-r(\d+)", os.path.basename(path)).group(1))


for path in sorted(glob.glob(out + "/java-t*.json")):
    for result in json.load(open(path)):
        batch = int(result["params"]["batch"])
        ms = result["primaryMetric"]["score"]  # ms per operation: prelude + 12 steps
        rate = batch * 16 * 12 / (ms / 1000)
        java.setdefault((threads_of(path), batch), []).append(rate)
        pairs.setdefault((threads_of(path), round_of(path), batch), [None, None])[0] = rate
for path in sorted(glob.glob(out + "/torch-t*.jsonl")):
    for line in open(path):
        r = json.loads(line)
        torch.setdefault((threads_of(path), r["batch"]), []).append(r["tokenStepsPerSec"])
        pairs.setdefault((threads_of(path), round_of(path), r["batch"]), [None, None])[1] = r[
            "tokenStepsPerSec"
        ]

d, ff, t, vocab = 64, 256, 16, 16
# Per token and step: Q, K, V, output (4·d·d), feed-forward (2·d·ff), scores and mixing (2·t·d,
# causal counted in full), readout (d·vocab); 2 FLOPs per multiply-add.
flops_per_token_step = 2 * (4 * d * d + 2 * d * ff + 2 * t * d + d * vocab)
rows = []
for threads, batch in sorted(java):
    if (threads, batch) not in torch:
        print("no PyTorch result for %d thread(s), batch %d" % (threads, batch), file=sys.stderr)
        continue
    j = statistics.median(java[(threads, batch)])
    p = statistics.median(torch[(threads, batch)])
    ratios = [
        a / b
        for (pair_threads, _, pair_batch), (a, b) in pairs.items()
        if (pair_threads, pair_batch) == (threads, batch) and a and b
    ]
    rows.append(
        {
            "threads": threads,
            "batch": batch,
            "javaTokenStepsPerSec": round(j),
            "pytorchTokenStepsPerSec": round(p),
            "javaVsPytorch": round(j / p, 3),
            # Each round's pair ran within seconds of each other: the figure least moved by drift.
            "javaVsPytorchPaired": round(statistics.median(ratios), 3) if ratios else None,
            "pairedRatios": [round(x, 2) for x in ratios],
            "javaGflops": round(j * flops_per_token_step / 1e9, 1),
            "pytorchGflops": round(p * flops_per_token_step / 1e9, 1),
            "rounds": len(java[(threads, batch)]),
        }
    )
json.dump(rows, open(out + "/summary.json", "w"), indent=1)
print("%7s %6s %14s %14s %8s %8s %9s %9s  %s" % ("threads", "batch", "java tok-st/s", "torch tok-st/s",
      "ratio", "paired", "java GF/s", "torch GF/s", "each pair"))
for r in rows:
    paired = r["javaVsPytorchPaired"]
    print("%7d %6d %14d %14d %7.2fx %8s %9.1f %9.1f  %s" % (r["threads"], r["batch"],
          r["javaTokenStepsPerSec"], r["pytorchTokenStepsPerSec"], r["javaVsPytorch"],
          "n/a" if paired is None else "%.2fx" % paired, r["javaGflops"], r["pytorchGflops"],
          " ".join("%.2f" % x for x in r["pairedRatios"])))
