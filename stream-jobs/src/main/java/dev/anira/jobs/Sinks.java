package dev.anira.jobs;

import dev.anira.schemas.Topic;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where a job's outputs go, one stream per topic: Kafka ({@link KafkaIO#sinks}), a recording's Avro
 * files ({@code dev.anira.recording.Recording#sinks}) or, in tests, anything that collects them.
 * The jobs only ever call this.
 */
@FunctionalInterface
public interface Sinks {
  <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records);
}
