#!/bin/sh
# Creates the topics of docs/design.md §4 with the partition counts of dev.anira.schemas.Topic.
set -e
for spec in anira.tasks:4 anira.traces:4 anira.steps:8 anira.results:4 anira.halting:4 \
  anira.alignment:1 anira.timing:1 anira.generalization:1 anira.alerts:1 anira.dlq:1; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists \
    --topic "${spec%%:*}" --partitions "${spec##*:}" --replication-factor 1
done
