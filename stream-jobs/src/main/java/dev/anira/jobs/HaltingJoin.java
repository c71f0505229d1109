package dev.anira.jobs;

import dev.anira.analytics.HaltingEvents;
import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.StepView;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.serde.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins, per instance, its trace with each model's result and step records, whichever arrives
 * first, and emits the model's {@link InstanceEvents} (one halting event per answer token) once its
 * result and all its {@code stepsRun + 1} steps are in. An event-time timer per instance ends the
 * wait: whatever is still unjoined then goes to {@link #UNMATCHED}, never silently dropped.
 */
public final class HaltingJoin extends KeyedProcessFunction<String, JoinInput, InstanceEvents> {

  public static final OutputTag<JoinInput> UNMATCHED =
      new OutputTag<>("unmatched", TypeInformation.of(JoinInput.class));

  /**
   * A model's records that contradict the trace or each other ({@code INCONSISTENT_WITH_TRACE}), or
   * hold impossible values ({@code INVALID_STEP}), with the reason.
   */
  public static final OutputTag<DeadLetter> INCONSISTENT =
      new OutputTag<>("inconsistent", new AvroTypeInfo<>(DeadLetter.class));

  private final long timeoutMillis;
  private final String producerId;
  private transient ValueState<byte[]> trace;
  private transient MapState<String, byte[]> results;
  // Per model with a result: how many step records complete it (stepsRun + 1).
  private transient MapState<String, Integer> expected;
  private transient ListState<JoinInput> steps;
  private transient MapState<String, Integer> stepCounts;
  private transient ValueState<Boolean> anyJoined;
  private transient ValueState<Long> deadline;
  private transient Counter emitted;
  private transient Counter unmatched;
  private transient Counter inconsistent;

  /**
   * @param timeoutMillis event time to wait, after an instance's first record, for its partners
   */
  public HaltingJoin(long timeoutMillis, String producerId) {
    this.timeoutMillis = timeoutMillis;
    this.producerId = producerId;
  }

  @Override
  public void open(OpenContext context) {
    trace = getRuntimeContext().getState(new ValueStateDescriptor<>("trace", byte[].class));
    results =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "results",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    expected =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("expected", Types.STRING, Types.INT));
    steps =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("steps", TypeInformation.of(JoinInput.class)));
    stepCounts =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("stepCounts", Types.STRING, Types.INT));
    anyJoined = getRuntimeContext().getState(new ValueStateDescriptor<>("joined", Boolean.class));
    deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Long.class));
    emitted = getRuntimeContext().getMetricGroup().counter("haltingEvents");
    unmatched = getRuntimeContext().getMetricGroup().counter("unmatchedRecords");
    inconsistent = getRuntimeContext().getMetricGroup().counter("inconsistentRecords");
  }

  @Override
  public void processElement(JoinInput input, Context ctx, Collector<InstanceEvents> out)
      throws Exception {
    if (deadline.value() == null) {
      long at = input.eventTime + timeoutMillis;
      deadline.update(at);
      ctx.timerService().registerEventTimeTimer(at);
    }
    switch (input.kind) {
      case TRACE -> {
        trace.update(input.payload);
        for (String model : toList(results.keys())) {
          tryEmit(model, ctx, out);
        }
      }
      case RESULT -> {
        InstanceResult result = JoinInput.RESULTS.decode(input.payload);
        results.put(input.modelId, input.payload);
        expected.put(input.modelId, result.getStepsRun() + 1);
        tryEmit(input.modelId, ctx, out);
      }
      case STEP -> {
        // A copy: with object reuse the runtime may refill the input object.
        steps.add(input.copy());
        Integer count = stepCounts.get(input.modelId);
        stepCounts.put(input.modelId, count == null ? 1 : count + 1);
        tryEmit(input.modelId, ctx, out);
      }
      default -> throw new IllegalStateException(String.valueOf(input.kind));
    }
  }

  private void tryEmit(String model, Context ctx, Collector<InstanceEvents> out) throws Exception {
    byte[] traceBytes = trace.value();
    Integer needed = expected.get(model);
    Integer have = stepCounts.get(model);
    if (traceBytes == null || needed == null || have == null || have < needed) {
      return;
    }
    byte[] resultBytes = results.get(model);
    List<JoinInput> mine = new ArrayList<>(have);
    List<JoinInput> others = new ArrayList<>();
    for (JoinInput step : steps.get()) {
      (model.equals(step.modelId) ? mine : others).add(step);
    }
    InstanceEvents events;
    AlgorithmTrace decodedTrace = JoinInput.TRACES.decode(traceBytes);
    try {
      List<StepView> views = new ArrayList<>(mine.size());
      for (JoinInput step : mine) {
        views.add(step.stepView());
      }
      events =
          HaltingEvents.instance(
              JoinInput.RESULTS.decode(resultBytes), decodedTrace, views, producerId);
    } catch (RuntimeException e) {
      // The model's records cannot be joined with this trace; the trace may still serve others.
      // They leave as one unit: no half-analysed instance.
      String reason =
          e instanceof HaltingEvents.InvalidStepException
              ? "INVALID_STEP"
              : "INCONSISTENT_WITH_TRACE";
      inconsistent.inc(1 + mine.size());
      ctx.output(INCONSISTENT, deadLetter(JoinInput.Kind.RESULT, resultBytes, e, reason));
      for (JoinInput step : mine) {
        ctx.output(INCONSISTENT, deadLetter(JoinInput.Kind.STEP, step.payload, e, reason));
      }
      events = null;
    }
    // A run without answer tokens has no events; the analyses must not see it (before the join
    // emitted columns, it emitted zero events for it).
    if (events != null && events.tokens() > 0) {
      emitted.inc(events.tokens());
      out.collect(events);
    }
    results.remove(model);
    expected.remove(model);
    stepCounts.remove(model);
    steps.update(others);
    if (!Boolean.TRUE.equals(anyJoined.value())) {
      // Once joined, the trace is never dead-lettered, so its bytes need not stay as they came:
      // without the per-step algorithm states, which no join reads, it is 2-4 times smaller, and
      // it stays in state (and in every checkpoint) until the join timeout.
      trace.update(
          JoinInput.TRACES.encode(
              AlgorithmTrace.newBuilder(decodedTrace).setStates(List.of()).build()));
    }
    anyJoined.update(true);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<InstanceEvents> out)
      throws Exception {
    String instanceId = ctx.getCurrentKey();
    byte[] traceBytes = trace.value();
    boolean joined = Boolean.TRUE.equals(anyJoined.value());
    // A trace whose models all joined has done its job; one that never met a result has not.
    if (traceBytes != null && !joined) {
      unmatched.inc();
      ctx.output(UNMATCHED, reinput(instanceId, JoinInput.Kind.TRACE, traceBytes));
    }
    for (Map.Entry<String, byte[]> e : results.entries()) {
      unmatched.inc();
      ctx.output(UNMATCHED, reinput(instanceId, JoinInput.Kind.RESULT, e.getValue()));
    }
    for (JoinInput step : steps.get()) {
      unmatched.inc();
      ctx.output(UNMATCHED, step);
    }
    trace.clear();
    results.clear();
    expected.clear();
    steps.clear();
    stepCounts.clear();
    anyJoined.clear();
    deadline.clear();
  }

  private DeadLetter deadLetter(
      JoinInput.Kind kind, byte[] payload, RuntimeException cause, String reason) {
    return DeadLetters.of(
        JoinInput.topicOf(kind).topicName(), null, null, null, payload, cause, reason, producerId);
  }

  private static JoinInput reinput(String instanceId, JoinInput.Kind kind, byte[] payload) {
    JoinInput input = new JoinInput();
    input.instanceId = instanceId;
    input.kind = kind;
    input.payload = payload;
    input.eventTime = 0;
    return input;
  }

  private static <T> List<T> toList(Iterable<T> items) {
    List<T> list = new ArrayList<>();
    items.forEach(list::add);
    return list;
  }
}
