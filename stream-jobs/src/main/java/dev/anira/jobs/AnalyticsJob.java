package dev.anira.jobs;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.DeadLetters;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The analytics job (docs/design.md §4–§5): raw messages of the traces, steps and results topics
 * in; halting events, the four report streams and dead letters out. It takes its source and sinks
 * as arguments, so the same graph runs on Kafka, on a recording and in tests.
 */
public final class AnalyticsJob {

  /** The topics the job reads. */
  public static final List<Topic> INPUTS = List.of(Topic.TRACES, Topic.STEPS, Topic.RESULTS);

  private static final SingleObjectCodec<HaltingEvent> HALTING =
      SingleObjectCodec.of(HaltingEvent.class);

  private AnalyticsJob() {}

  public static void build(DataStream<RawRecord> input, AnalyticsConfig config, Sinks sinks) {
    String producerId = config.producerId();
    SingleOutputStreamOperator<JoinInput> decoded =
        input
            .process(
                new Decode<>(JoinInput::decode, producerId), TypeInformation.of(JoinInput.class))
            .name("decode")
            .uid("decode");
    SingleOutputStreamOperator<InstanceEvents> events =
        HaltingPipeline.join(decoded, config.joinTimeout(), producerId);
    AnalyticsPipeline.Reports reports =
        AnalyticsPipeline.analyze(events, config.window(), config.alerts(), producerId);
    sinks.writeHalting(events);
    sinks.write(Topic.ALIGNMENT, reports.alignment());
    sinks.write(Topic.TIMING, reports.timing());
    sinks.write(Topic.GENERALIZATION, reports.generalization());
    sinks.write(Topic.ALERTS, reports.alerts());
    Duration timeout = config.joinTimeout();
    Duration outOfOrderness = config.outOfOrderness();
    DataStream<DeadLetter> unmatched =
        events
            .getSideOutput(HaltingJoin.UNMATCHED)
            .map(u -> unmatched(u, timeout, producerId), new AvroTypeInfo<>(DeadLetter.class))
            .name("unmatched");
    DataStream<DeadLetter> late =
        HaltingPipeline.events(reports.late())
            .map(e -> late(e, outOfOrderness, producerId), new AvroTypeInfo<>(DeadLetter.class))
            .name("late");
    sinks.write(
        Topic.DEAD_LETTERS,
        decoded
            .getSideOutput(Decode.DEAD_LETTERS)
            .union(events.getSideOutput(HaltingJoin.INCONSISTENT), unmatched, late));
  }

  private static DeadLetter late(HaltingEvent e, Duration outOfOrderness, String producerId) {
    return DeadLetters.of(
        Topic.HALTING.topicName(),
        null,
        null,
        e.getInstanceId().getBytes(StandardCharsets.UTF_8),
        HALTING.encode(e),
        new IllegalStateException(
            "halting event of "
                + e.getInstanceId()
                + " at "
                + e.getEventTime()
                + " came after its window closed: every record it was joined from was more than "
                + outOfOrderness
                + " behind the newest of its partition; it is in anira.halting but in no report"),
        "LATE_EVENT",
        producerId);
  }

  private static DeadLetter unmatched(JoinInput u, Duration timeout, String producerId) {
    String what = u.kind.name().toLowerCase(Locale.ROOT);
    return DeadLetters.of(
        JoinInput.topicOf(u.kind).topicName(),
        null,
        null,
        u.instanceId.getBytes(StandardCharsets.UTF_8),
        u.payload,
        new IllegalStateException(
            "no partner for this " + what + " of " + u.instanceId + " within " + timeout),
        "UNMATCHED",
        producerId);
  }

  /** The job's execution environment (see {@link JobRunner#environment}). */
  public static StreamExecutionEnvironment environment(
      AnalyticsConfig config, Configuration flink) {
    return JobRunner.environment(
        flink, config.parallelism(), config.checkpointInterval(), config.checkpointDir());
  }
}
