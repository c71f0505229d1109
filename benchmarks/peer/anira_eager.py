"""ANIRA's step-by-step inference written plainly in PyTorch eager: the peer the Java service is
measured against (benchmarks/peer-pytorch.sh).

FIXED at D_max: every token takes every step, all tokens are computed at every step (no gathering),
and each step's records (prediction, confidence, halting mass) are copied to the host, as the
service does. The model is read from a Java checkpoint (NAME.json + NAME.weights, see
dev.anira.training.Checkpoint) and checked against the Java model's own outputs before timing.

usage: anira_eager.py DIR            check against DIR/reference.bin, then time batch 1, 32, 256
       anira_eager.py DIR --batch N  time one batch size only
"""

import argparse
import json
import math
import statistics
import struct
import sys
import time

import torch


def read_weights(path):
    """The Java DataOutputStream layout: UTF magic, int count, then per tensor UTF name,
    int rank, long dims, int n, n little-endian float32."""
    data = open(path, "rb").read()
    pos = 0

    def utf():
        nonlocal pos
        (n,) = struct.unpack_from(">H", data, pos)
        pos += 2
        s = data[pos : pos + n].decode("utf-8")
        pos += n
        return s

    def fmt(f):
        nonlocal pos
        (v,) = struct.unpack_from(f, data, pos)
        pos += struct.calcsize(f)
        return v

    utf()  # magic
    tensors = {}
    for _ in range(fmt(">i")):
        name = utf()
        shape = [fmt(">q") for _ in range(fmt(">i"))]
        n = fmt(">i")
        values = torch.frombuffer(bytearray(data[pos : pos + 4 * n]), dtype=torch.float32)
        pos += 4 * n
        tensors[name] = values.reshape(shape).clone()
    return tensors


class Anira:
    """Embedding, prelude, the shared core iterated D_max times, coda (docs/design.md §2)."""

    def __init__(self, config, w):
        self.c = config
        self.w = w
        # Linear weights as nn.Linear holds them, [out, in], so that linear() is one addmm, as
        # torch.nn.Linear runs and as the Java model does (checkpoints store them [in, out]).
        self.wt = {
            n: t.t().contiguous() for n, t in w.items() if t.dim() == 2 and n.endswith(".weight")
        }
        self.d = config["modelDim"]
        self.heads = config["heads"]
        self.scale = 1.0 / math.sqrt(self.d // self.heads)

    def linear(self, x, name):
        return torch.nn.functional.linear(x, self.wt[name + ".weight"], self.w[name + ".bias"])

    def norm(self, x, name):
        return torch.nn.functional.layer_norm(
            x, (self.d,), self.w[name + ".gain"], self.w[name + ".shift"], 1e-5
        )

    def attention(self, x, name, mask):
        b, t, d = x.shape
        split = lambda y: y.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q = split(self.linear(x, name + ".query"))
        k = split(self.linear(x, name + ".key"))
        v = split(self.linear(x, name + ".value"))
        scores = (q @ k.transpose(2, 3)) * self.scale + mask
        mixed = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.linear(mixed, name + ".output")

    def layer(self, x, name, mask):
        h = x + self.attention(self.norm(x, name + ".attentionNorm"), name + ".attention", mask)
        f = self.norm(h, name + ".feedForwardNorm")
        f = self.linear(torch.nn.functional.gelu(self.linear(f, name + ".feedForward.expand")),
                        name + ".feedForward.contract")
        return h + f

    def embed(self, tokens):
        b, t = tokens.shape
        pos = torch.arange(t, dtype=torch.float64)[:, None]
        i = torch.arange(self.d // 2, dtype=torch.float64)[None, :]
        angle = pos / torch.pow(10000.0, 2.0 * i / self.d)
        table = torch.stack([angle.sin(), angle.cos()], dim=2).reshape(t, self.d).float()
        return self.w["embedding.tokens"][tokens] + table

    def run(self, tokens):
        """Yields, per step k = 0..D_max, (prediction, confidence) on the host."""
        b, t = tokens.shape
        mask = torch.full((t, t), -1e9).triu(1)
        h = self.embed(tokens)
        for i in range(self.c["preludeLayers"]):
            h = self.layer(h, "prelude.%d" % i, mask)
        yield self.readout(h)
        cumulative = torch.zeros(b, t)
        for k in range(self.c["maxDepth"]):
            x = h + self.w["core.step"][k]
            h = self.layer(x, "core", mask)
            halted = torch.full((b, t), 1.0 if k + 1 == self.c["fixedDepth"] else 0.0)
            cumulative = cumulative + (1 - cumulative) * halted
            pred, conf = self.readout(h)
            yield pred, conf, cumulative.numpy().copy()

    def readout(self, h):
        logits = self.linear(self.norm(h, "coda.norm"), "coda.readout")
        conf, pred = logits.softmax(-1).max(-1)
        return pred.numpy().copy(), conf.numpy().copy()


def load(directory, name):
    config = json.load(open("%s/%s.json" % (directory, name)))["model"]
    return Anira(config, read_weights("%s/%s.weights" % (directory, name)))


def check(model, directory):
    """Compares every step's confidence with the Java model's (reference.bin: int B, int T,
    B·T int tokens, then per step B·T float confidences, all little-endian)."""
    data = open(directory + "/reference.bin", "rb").read()
    b, t = struct.unpack_from("<ii", data, 0)
    tokens = torch.tensor(struct.unpack_from("<%di" % (b * t), data, 8)).reshape(b, t)
    offset = 8 + 4 * b * t
    worst = 0.0
    with torch.no_grad():
        for k, out in enumerate(model.run(tokens)):
            java = torch.tensor(struct.unpack_from("<%df" % (b * t), data, offset)).reshape(b, t)
            offset += 4 * b * t
            worst = max(worst, (torch.from_numpy(out[1]) - java).abs().max().item())
    if worst > 1e-4:
        sys.exit("peer: PyTorch and Java disagree: max |Δ confidence| %.2e > 1e-4" % worst)
    print("peer: outputs equal to the Java model's (max |Δ confidence| %.1e)" % worst,
          file=sys.stderr)


def time_batch(model, batch, seconds):
    """Token-steps/s of one full run (prelude + D_max steps) on a batch of 16-token sequences:
    the median of as many runs as fit in `seconds`, after a warm-up."""
    generator = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, model.c["vocabSize"], (batch, 16), generator=generator)
    runs = []
    with torch.no_grad():
        for _ in model.run(tokens):
            pass
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(runs) < 3:
            start = time.perf_counter()
            for _ in model.run(tokens):
                pass
            runs.append(time.perf_counter() - start)
    return batch * 16 * model.c["maxDepth"] / statistics.median(runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--name", default="peer")
    parser.add_argument("--batch", type=int, action="append")
    parser.add_argument("--seconds", type=float, default=9.0)
    args = parser.parse_args()
    torch.set_num_threads(int(__import__("os").environ.get("PEER_THREADS", "2")))
    model = load(args.dir, args.name)
    check(model, args.dir)
    for batch in args.batch or [1, 32, 256]:
        print(json.dumps({"batch": batch, "tokenStepsPerSec": time_batch(model, batch, args.seconds)}))


if __name__ == "__main__":
    main()
