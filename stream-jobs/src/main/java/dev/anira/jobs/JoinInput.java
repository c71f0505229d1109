package dev.anira.jobs;

import dev.anira.analytics.HaltingEvents;
import dev.anira.analytics.StepView;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A record of one of the joined topics, kept as it travelled (single-object encoding) and tagged,
 * so the three streams union into one keyed stream with Flink's own POJO serializer. A step record
 * is also cut down, once, to what the join reads ({@link StepView}): the join never decodes it
 * again. The bytes stay for the dead letter of a step that is never joined.
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

  /** The model of a step or result; null for a trace. */
  public String modelId;

  public byte[] payload;

  /**
   * A step's number k, λ^k and predictions per position ({@link StepView}); null for the other
   * kinds, for a step that failed validation, and in state restored from before they existed.
   */
  public int step;

  public float[] haltProbability;
  public int[] prediction;

  /** Why a step record failed {@link StepView#of}; null otherwise. */
  public String invalid;

  /** For Flink's POJO serializer. */
  public JoinInput() {}

  private JoinInput(String instanceId, Kind kind, long eventTime, String modelId, byte[] payload) {
    this.instanceId = instanceId;
    this.kind = kind;
    this.eventTime = eventTime;
    this.modelId = modelId;
    this.payload = payload;
  }

  public static JoinInput of(RecurrenceStep step) {
    return of(step, STEPS.encode(step));
  }

  /**
   * What the join reads of this step record: from its cut-down fields, or by decoding the bytes
   * (state restored from a release that kept only those).
   *
   * @throws HaltingEvents.InvalidStepException if the record failed validation
   */
  public StepView stepView() {
    if (invalid != null) {
      throw new HaltingEvents.InvalidStepException(invalid);
    }
    if (haltProbability == null) {
      return StepView.of(STEPS.decode(payload));
    }
    return new StepView(instanceId, modelId, step, eventTime, haltProbability, prediction);
  }

  public static JoinInput of(InstanceResult result) {
    return of(result, RESULTS.encode(result));
  }

  public static JoinInput of(AlgorithmTrace trace) {
    return of(trace, TRACES.encode(trace));
  }

  private static JoinInput of(RecurrenceStep step, byte[] bytes) {
    JoinInput input =
        new JoinInput(
            step.getInstanceId(),
            Kind.STEP,
            step.getEventTime().toEpochMilli(),
            step.getModelId(),
            bytes);
    input.cutDown(() -> StepView.of(step));
    return input;
  }

  /**
   * Keeps of a step record what the join reads, from {@code view}; a record whose values no model
   * can produce keeps the reason instead, and the join refuses it with the rest of its model's
   * records, as one unit.
   */
  void cutDown(Supplier<StepView> view) {
    try {
      StepView v = view.get();
      step = v.step();
      haltProbability = v.haltProbability();
      prediction = v.prediction();
    } catch (HaltingEvents.InvalidStepException e) {
      invalid = e.getMessage();
    }
  }

  private static JoinInput of(InstanceResult result, byte[] bytes) {
    return new JoinInput(
        result.getInstanceId(),
        Kind.RESULT,
        result.getEventTime().toEpochMilli(),
        result.getModelId(),
        bytes);
  }

  private static JoinInput of(AlgorithmTrace trace, byte[] bytes) {
    return new JoinInput(
        trace.getInstanceId(), Kind.TRACE, trace.getEventTime().toEpochMilli(), null, bytes);
  }

  /**
   * Decodes a message of one of the joined topics, keeping its bytes as they came (decoding once
   * validates them; the join decodes again only when it emits). A step record of this build's
   * schema is read straight into its columns ({@link StepRecordReader}), a trace without its
   * algorithm states ({@link TraceReader}).
   *
   * @throws IllegalArgumentException for another topic, or a {@link
   *     dev.anira.schemas.serde.RecordDecodingException} for bad bytes
   */
  public static JoinInput decode(String topic, byte[] value) {
    return switch (Topic.byName(topic)) {
      case TRACES -> of(trace(value), value);
      case STEPS -> {
        JoinInput step = STEPS.read(value, StepRecordReader.INSTANCE, older -> of(older, value));
        step.payload = value;
        yield step;
      }
      case RESULTS -> of(RESULTS.decode(value), value);
      default -> throw new IllegalArgumentException(topic + " is not an input of the join");
    };
  }

  /**
   * A trace's message as the join reads it: without its algorithm states ({@link TraceReader}).
   *
   * @throws dev.anira.schemas.serde.RecordDecodingException for bad bytes
   */
  static AlgorithmTrace trace(byte[] value) {
    return TRACES.read(value, TraceReader.INSTANCE, TraceReader::withoutStates);
  }

  /**
   * The message decoded, by {@link #decode(String, byte[])} or already where the source read its
   * event time ({@link SourceEventTime}). The decoded record counts only if it was decoded from
   * this very byte array: a runtime that refilled the message object keeps no stale result.
   */
  public static JoinInput decode(RawRecord raw) {
    JoinInput earlier = raw.decoded;
    return earlier != null && earlier.payload == raw.value ? earlier : decode(raw.topic, raw.value);
  }

  public JoinInput copy() {
    JoinInput copy = new JoinInput(instanceId, kind, eventTime, modelId, payload);
    copy.step = step;
    copy.haltProbability = haltProbability;
    copy.prediction = prediction;
    copy.invalid = invalid;
    return copy;
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
        && Objects.equals(modelId, other.modelId)
        && java.util.Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, kind, eventTime, modelId, java.util.Arrays.hashCode(payload));
  }
}
