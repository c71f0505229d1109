#!/usr/bin/env bash
# JMH: ANIRA on CPU. ModelBenchmark: token-steps/s of step-by-step inference at batch 1, 32, 256
# (D_max 12); TrainStepBenchmark: ms per training update (batch 32). Extra arguments go to JMH,
# e.g. benchmarks/model.sh ModelBenchmark -p batch=32
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh -pl model-service -am -DskipTests -Dspotless.check.skip=true test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
cp="model-service/target/test-classes:model-service/target/classes:$(cat model-service/target/jmh-classpath.txt)"
# The JVM runs with what ./anira gives it (deploy/runtime.env: the allocator and its settings).
# shellcheck source=../deploy/runtime-env.sh
source deploy/runtime-env.sh
pattern=${1:-'ModelBenchmark|TrainStepBenchmark'}
[[ $# -gt 0 ]] && shift
exec java -Dai.djl.offline=true -cp "$cp" org.openjdk.jmh.Main "$pattern" -f 1 -wi 3 -w 3s -i 3 -r 3s -t 1 "$@"
