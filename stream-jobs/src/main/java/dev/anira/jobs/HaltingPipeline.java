package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.HaltingEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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

  /** The join's output, serialized by Flink's POJO serializer. */
  public static final TypeInformation<InstanceEvents> EVENTS =
      TypeInformation.of(InstanceEvents.class);

  /**
   * One record per model's run of an instance; {@link #events} turns them into the Avro events of
   * {@code anira.halting}.
   */
  public static SingleOutputStreamOperator<InstanceEvents> join(
      DataStream<JoinInput> inputs, Duration timeout, String producerId) {
    return inputs
        .keyBy(input -> input.instanceId)
        .process(new HaltingJoin(timeout.toMillis(), producerId))
        .returns(EVENTS)
        .name("halting-join")
        .uid("halting-join");
  }

  /** One Avro event per answer token, as written to {@code anira.halting}. */
  public static SingleOutputStreamOperator<HaltingEvent> events(
      DataStream<InstanceEvents> instances) {
    return instances
        .flatMap(
            (FlatMapFunction<InstanceEvents, HaltingEvent>)
                (instance, out) -> instance.toEvents().forEach(out::collect),
            new AvroTypeInfo<>(HaltingEvent.class))
        .name("halting-events");
  }
}
