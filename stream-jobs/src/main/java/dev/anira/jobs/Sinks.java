package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.Topic;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where a job's outputs go, one stream per topic: Kafka ({@link KafkaIO#sinks}), a recording's Avro
 * files ({@code dev.anira.recording.Recording#sinks}) or, in tests, anything that collects them.
 * The jobs only ever call this.
 */
public interface Sinks {
  <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records);

  /**
   * The halting events, one {@code anira.halting} record per answer token of each instance. By
   * default they are built as Avro events ({@link HaltingPipeline#events}) and go to {@link
   * #write}; a sink that writes bytes may encode them straight from the columns.
   */
  default void writeHalting(DataStream<InstanceEvents> instances) {
    write(Topic.HALTING, HaltingPipeline.events(instances));
  }
}
