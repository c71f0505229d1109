#!/usr/bin/env bash
# ANIRA's recurrence step in Java (DJL, the JMH ModelBenchmark) against the same step written
# plainly in PyTorch eager (benchmarks/peer/anira_eager.py, Debian's python3-torch), side by side:
# for each thread count in THREADS (default "1 2"), ROUNDS rounds (default 3), each running Java then
# PyTorch at each batch size of BATCHES (default "1 32 256") with that many intra-op threads;
# medians over rounds, and the median of each round's Java/PyTorch ratio. Both run the
# same weights (exported from the Java model by PeerExport), and the PyTorch peer first proves it
# computes the Java model's outputs.
#
# usage: benchmarks/peer-pytorch.sh            writes target/peer/summary.json and prints a table
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "peer-pytorch: installing Debian's python3-torch (OpenBLAS with OpenMP) ..." >&2
  apt-get update -q && apt-get install -y -q python3-torch libopenblas0-openmp
fi
# OpenBLAS picks its kernels from the CPU's model name. A VM that hides it ("Intel(R) Xeon(R)
# Processor") gets the generic Prescott kernels, 1.7-1.8x slower at these shapes (2026-12-01). The
# peer stands for a well-set-up PyTorch, so then the kernels are named from the CPU's flags, unless
# the caller set OPENBLAS_CORETYPE. A caller's choice of kernels narrower than the CPU's is kept but
# named: on the AMD EPYC of 2026-12-03 (Zen 5) OpenBLAS picks its AVX-512 Cooperlake kernels, about
# 2x its Haswell ones there, while the machine's environment set OPENBLAS_CORETYPE=Haswell; the
# Java side gets MKL's AVX-512 kernels (deploy/mkl-cpu-dispatch).
openblas_kernels() {
  OPENBLAS_VERBOSE=2 "$PY" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 |
    sed -n 's/^Core: //p'
}
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
avx512=false
if [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* && " $flags " == *" avx512vl "* ]]; then
  avx512=true
fi
if [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
  if $avx512 && ! [[ "${OPENBLAS_CORETYPE,,}" =~ ^(skylakex|cooperlake|sapphirerapids)$ ]]; then
    echo "peer-pytorch: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE (set by the caller) gives the peer no" \
      "AVX-512 kernels on this AVX-512 CPU; unset it for a well-set-up peer" >&2
  fi
elif [[ "$(openblas_kernels)" == Prescott ]]; then
  if $avx512; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
echo "peer-pytorch: OpenBLAS kernels: $(openblas_kernels)" >&2
mvn -B -q -Pjmh -pl model-service -am -DskipTests -Dspotless.check.skip=true test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
cp="model-service/target/test-classes:model-service/target/classes:$(cat model-service/target/jmh-classpath.txt)"
out=target/peer
rm -rf "$out" && mkdir -p "$out"
# Both run with what ./anira gives the JVM (deploy/runtime.env: the allocator and its settings), so
# that the ratio compares the step code, not the allocators.
# shellcheck source=deploy/runtime-env.sh
source deploy/runtime-env.sh
java -Dai.djl.offline=true -cp "$cp" dev.anira.model.PeerExport "$out"
# Java and PyTorch alternate per batch size, so that each pair runs within about 20 s: this VM's
# speed drifts by up to 1.5x within minutes (2026-12-01), and a pair measured a minute apart
# compared the drift more than the code.
# JMH warms up for 9 s: after 4 s, the first measured batch-1 iteration still ran 1.3-1.5x slower
# than the later ones (2026-12-03), while the peer reports the median of its runs.
for threads in ${THREADS:-1 2}; do
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for batch in ${BATCHES:-1 32 256}; do
      tag="t$threads-r$round-b$batch"
      echo "$threads thread(s), round $round, batch $batch: Java (JMH), then PyTorch eager ..." >&2
      java -Dai.djl.offline=true -cp "$cp" org.openjdk.jmh.Main ModelBenchmark -p batch="$batch" -f 1 -wi 3 -w 3s \
        -i 3 -r 3s -t 1 -jvmArgsAppend "-Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1" \
        -rf json -rff "$out/java-$tag.json" >"$out/java-$tag.log"
      PEER_THREADS=$threads "$PY" benchmarks/peer/anira_eager.py "$out" --batch "$batch" \
        >"$out/torch-$tag.jsonl"
    done
  done
done
"$PY" benchmarks/peer/summarize.py "$out"
