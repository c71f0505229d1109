#!/usr/bin/env bash
# JMH: the analytics job's per-record coding, before and after issue 20's eighth session, on the
# stream-jobs test fixture: step records decoded in full vs read into the join's columns, traces
# decoded in full vs without their algorithm states (eleventh session), anira.halting records
# through Avro objects vs encoded from the columns, and the online tracking's bin of λ computed vs
# read from tables (LambdaBinBenchmark, eleventh session).
# Arguments replace the JMH options below (JMH refuses an option given twice), e.g.
# benchmarks/record-coding.sh -f 1 -wi 1 -i 2
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh -pl stream-jobs -am -DskipTests -Dspotless.check.skip=true test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
cp="stream-jobs/target/test-classes:stream-jobs/target/classes:$(cat stream-jobs/target/jmh-classpath.txt)"
options=("$@")
[[ $# -gt 0 ]] || options=(-f 3 -wi 3 -w 1s -i 5 -r 1s)
exec java -cp "$cp" org.openjdk.jmh.Main 'RecordCodingBenchmark|LambdaBinBenchmark' -t 1 "${options[@]}"
