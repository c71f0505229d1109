"""Medians over rounds of benchmarks/peer-pytorch.sh: token-steps/s of Java and of PyTorch eager
per batch size, their ratio, and the GFLOP/s each reaches (FLOPs counted for the dense step:
projections, feed-forward, attention scores and mixing, readout)."""

import glob
import json
import statistics
import sys

out = sys.argv[1]
java, torch = {}, {}
for path in sorted(glob.glob(out + "/java-*.json")):
    for result in json.load(open(path)):
        batch = int(result["params"]["batch"])
        ms = result["primaryMetric"]["score"]  # ms per operation: prelude + 12 steps
        java.setdefault(batch, []).append(batch * 16 * 12 / (ms / 1000))
for path in sorted(glob.glob(out + "/torch-*.jsonl")):
    for line in open(path):
        r = json.loads(line)
        torch.setdefault(r["batch"], []).append(r["tokenStepsPerSec"])

d, ff, t, vocab = 64, 256, 16, 16
# Per token and step: Q, K, V, output (4·d·d), feed-forward (2·d·ff), scores and mixing (2·t·d,
# causal counted in full), readout (d·vocab); 2 FLOPs per multiply-add.
flops_per_token_step = 2 * (4 * d * d + 2 * d * ff + 2 * t * d + d * vocab)
rows = []
for batch in sorted(java):
    j, p = statistics.median(java[batch]), statistics.median(torch[batch])
    rows.append(
        {
            "batch": batch,
            "javaTokenStepsPerSec": round(j),
            "pytorchTokenStepsPerSec": round(p),
            "javaVsPytorch": round(j / p, 3),
            "javaGflops": round(j * flops_per_token_step / 1e9, 1),
            "pytorchGflops": round(p * flops_per_token_step / 1e9, 1),
            "rounds": len(java[batch]),
        }
    )
json.dump(rows, open(out + "/summary.json", "w"), indent=1)
print("%6s %14s %14s %8s %9s %9s" % ("batch", "java tok-st/s", "torch tok-st/s", "ratio",
                                      "java GF/s", "torch GF/s"))
for r in rows:
    print("%6d %14d %14d %7.2fx %9.1f %9.1f" % (r["batch"], r["javaTokenStepsPerSec"],
          r["pytorchTokenStepsPerSec"], r["javaVsPytorch"], r["javaGflops"], r["pytorchGflops"]))
