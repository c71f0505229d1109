#!/usr/bin/env bash
# JMH: task instances generated and serialized per second per core, per task and difficulty.
# Extra arguments go to JMH (options other than the ones below: JMH refuses one given twice),
# e.g. benchmarks/task-generation.sh -p task=bfs
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh -pl task-producer -am -DskipTests -Dspotless.check.skip=true test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
cp="task-producer/target/test-classes:task-producer/target/classes:$(cat task-producer/target/jmh-classpath.txt)"
exec java -cp "$cp" org.openjdk.jmh.Main GenerationBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 "$@"
