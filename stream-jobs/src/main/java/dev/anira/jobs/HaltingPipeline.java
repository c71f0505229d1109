package dev.anira.jobs;

import dev.anira.schemas.HaltingEvent;
import java.time.Duration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The join stage as a pipeline over any source: Kafka, recorded files or test collections give the
 * {@link JoinInput} stream, stamped with event time and watermarks where it enters the job (see
 * {@link SourceEventTime}); the caller attaches sinks to the events and to {@link
 * HaltingJoin#UNMATCHED}.
 */
public final class HaltingPipeline {

  private HaltingPipeline() {}

  public static SingleOutputStreamOperator<HaltingEvent> join(
      DataStream<JoinInput> inputs, Duration timeout, String producerId) {
    return inputs
        .keyBy(input -> input.instanceId)
        .process(new HaltingJoin(timeout.toMillis(), producerId))
        .returns(new AvroTypeInfo<>(HaltingEvent.class))
        .name("halting-join")
        .uid("halting-join");
  }
}
