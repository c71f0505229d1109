package dev.anira.jobs;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.Objects;

/**
 * A record of one of the joined topics, kept as it travelled (single-object encoding) and tagged,
 * so the three streams union into one keyed stream with Flink's own POJO serializer.
 */
public final class JoinInput {

  /** Which topic the record came from. */
  public enum Kind {
    STEP,
    RESULT,
    TRACE
  }

  static final SingleObjectCodec<RecurrenceStep> STEPS = SingleObjectCodec.of(RecurrenceStep.class);
  static final SingleObjectCodec<InstanceResult> RESULTS =
      SingleObjectCodec.of(InstanceResult.class);
  static final SingleObjectCodec<AlgorithmTrace> TRACES =
      SingleObjectCodec.of(AlgorithmTrace.class);

  public String instanceId;
  public Kind kind;
  public long eventTime;
  public byte[] payload;

  /** For Flink's POJO serializer. */
  public JoinInput() {}

  private JoinInput(String instanceId, Kind kind, long eventTime, byte[] payload) {
    this.instanceId = instanceId;
    this.kind = kind;
    this.eventTime = eventTime;
    this.payload = payload;
  }

  public static JoinInput of(RecurrenceStep step) {
    return new JoinInput(
        step.getInstanceId(), Kind.STEP, step.getEventTime().toEpochMilli(), STEPS.encode(step));
  }

  public static JoinInput of(InstanceResult result) {
    return new JoinInput(
        result.getInstanceId(),
        Kind.RESULT,
        result.getEventTime().toEpochMilli(),
        RESULTS.encode(result));
  }

  public static JoinInput of(AlgorithmTrace trace) {
    return new JoinInput(
        trace.getInstanceId(),
        Kind.TRACE,
        trace.getEventTime().toEpochMilli(),
        TRACES.encode(trace));
  }

  /**
   * Decodes a message of one of the joined topics.
   *
   * @throws IllegalArgumentException for another topic, or a {@link
   *     dev.anira.schemas.serde.RecordDecodingException} for bad bytes
   */
  public static JoinInput decode(String topic, byte[] value) {
    return switch (Topic.byName(topic)) {
      case TRACES -> of(TRACES.decode(value));
      case STEPS -> of(STEPS.decode(value));
      case RESULTS -> of(RESULTS.decode(value));
      default -> throw new IllegalArgumentException(topic + " is not an input of the join");
    };
  }

  /** The topic a record of this kind travels on. */
  public static Topic topicOf(Kind kind) {
    return switch (kind) {
      case STEP -> Topic.STEPS;
      case RESULT -> Topic.RESULTS;
      case TRACE -> Topic.TRACES;
    };
  }

  @Override
  public String toString() {
    return kind + " " + instanceId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JoinInput other
        && Objects.equals(instanceId, other.instanceId)
        && kind == other.kind
        && eventTime == other.eventTime
        && java.util.Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, kind, eventTime, java.util.Arrays.hashCode(payload));
  }
}
