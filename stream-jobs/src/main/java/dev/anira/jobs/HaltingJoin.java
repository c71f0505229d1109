package dev.anira.jobs;

import dev.anira.analytics.HaltingEvents;
import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.StepView;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.serde.DeadLetters;
import java.util.ArrayList;
import java.util.HashMap;
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
  private transient ValueState<Pending> pending;
  private transient EarlierState earlier;
  private transient Counter emitted;
  private transient Counter unmatched;
  private transient Counter inconsistent;

  /**
   * What the join holds for one instance until its models have joined or its deadline passes: one
   * state entry, so a record costs one lookup and one write instead of one of each per part (the
   * join's seven keyed states were a quarter of its time, JFR, issue 20). A Flink POJO; its
   * collections are Flink's own list and map serializers.
   */
  public static final class Pending {
    /** The trace's bytes, as they came until a model joined, then without the algorithm states. */
    public byte[] trace;

    /** Whether any model has joined the trace (it is then never dead-lettered). */
    public boolean joined;

    /** Event time at which whatever is still unjoined goes to {@link #UNMATCHED}. */
    public long deadline;

    /** Per model, its result's bytes. */
    public Map<String, byte[]> results = new HashMap<>();

    /** Per model with a result: how many step records complete it (stepsRun + 1). */
    public Map<String, Integer> expected = new HashMap<>();

    /** Every model's step records so far (Flink 2.2 serializes a map of lists with Kryo). */
    public List<JoinInput> steps = new ArrayList<>();

    /** For Flink's POJO serializer. */
    public Pending() {}
  }

  /**
   * @param timeoutMillis event time to wait, after an instance's first record, for its partners
   */
  public HaltingJoin(long timeoutMillis, String producerId) {
    this.timeoutMillis = timeoutMillis;
    this.producerId = producerId;
  }

  @Override
  public void open(OpenContext context) {
    pending =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("pending", TypeInformation.of(Pending.class)));
    earlier = new EarlierState();
    emitted = getRuntimeContext().getMetricGroup().counter("haltingEvents");
    unmatched = getRuntimeContext().getMetricGroup().counter("unmatchedRecords");
    inconsistent = getRuntimeContext().getMetricGroup().counter("inconsistentRecords");
  }

  @Override
  public void processElement(JoinInput input, Context ctx, Collector<InstanceEvents> out)
      throws Exception {
    Pending p = pending.value();
    if (p == null) {
      p = earlier.take();
    }
    if (p == null) {
      p = new Pending();
      p.deadline = input.eventTime + timeoutMillis;
      ctx.timerService().registerEventTimeTimer(p.deadline);
    }
    switch (input.kind) {
      case TRACE -> {
        p.trace = input.payload;
        for (String model : new ArrayList<>(p.results.keySet())) {
          tryEmit(p, model, null, ctx, out);
        }
      }
      case RESULT -> {
        InstanceResult result = JoinInput.RESULTS.decode(input.payload);
        p.results.put(input.modelId, input.payload);
        p.expected.put(input.modelId, result.getStepsRun() + 1);
        tryEmit(p, input.modelId, result, ctx, out);
      }
      case STEP -> {
        // A copy: with object reuse the runtime may refill the input object.
        p.steps.add(input.copy());
        tryEmit(p, input.modelId, null, ctx, out);
      }
      default -> throw new IllegalStateException(String.valueOf(input.kind));
    }
    pending.update(p);
  }

  /**
   * Emits {@code model}'s events if its result, all its steps and the trace are in.
   *
   * @param result the model's result if the caller has just decoded it (a result usually arrives
   *     last and completes the run), else null: it is decoded from {@code p}
   */
  private void tryEmit(
      Pending p, String model, InstanceResult result, Context ctx, Collector<InstanceEvents> out) {
    Integer needed = p.expected.get(model);
    if (p.trace == null || needed == null || stepsOf(p, model) < needed) {
      return;
    }
    byte[] resultBytes = p.results.get(model);
    List<JoinInput> mine = new ArrayList<>(needed);
    List<JoinInput> others = new ArrayList<>();
    for (JoinInput step : p.steps) {
      (model.equals(step.modelId) ? mine : others).add(step);
    }
    InstanceEvents events;
    AlgorithmTrace decodedTrace = JoinInput.trace(p.trace);
    try {
      List<StepView> views = new ArrayList<>(mine.size());
      for (JoinInput step : mine) {
        views.add(step.stepView());
      }
      events =
          HaltingEvents.instance(
              result != null ? result : JoinInput.RESULTS.decode(resultBytes),
              decodedTrace,
              views,
              producerId);
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
    p.results.remove(model);
    p.expected.remove(model);
    p.steps = others;
    if (!p.joined) {
      // Once joined, the trace is never dead-lettered, so its bytes need not stay as they came:
      // without the per-step algorithm states, which no join reads (and which the join's decode
      // skipped), it is 2-4 times smaller, and it stays in state (and in every checkpoint) until
      // the join timeout.
      p.trace = JoinInput.TRACES.encode(decodedTrace);
      p.joined = true;
    }
  }

  /** How many of the instance's step records are {@code model}'s (a few dozen at most). */
  private static int stepsOf(Pending p, String model) {
    int count = 0;
    for (JoinInput step : p.steps) {
      if (model.equals(step.modelId)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<InstanceEvents> out)
      throws Exception {
    Pending p = pending.value();
    if (p == null) {
      p = earlier.take();
    }
    if (p == null) {
      return;
    }
    String instanceId = ctx.getCurrentKey();
    // A trace whose models all joined has done its job; one that never met a result has not.
    if (p.trace != null && !p.joined) {
      unmatched.inc();
      ctx.output(UNMATCHED, reinput(instanceId, JoinInput.Kind.TRACE, p.trace));
    }
    for (byte[] result : p.results.values()) {
      unmatched.inc();
      ctx.output(UNMATCHED, reinput(instanceId, JoinInput.Kind.RESULT, result));
    }
    for (JoinInput step : p.steps) {
      unmatched.inc();
      ctx.output(UNMATCHED, step);
    }
    pending.clear();
  }

  /**
   * The seven keyed states the join kept per instance before it kept one {@link Pending}: a
   * savepoint of that release restores them, and each instance's are moved into a {@code Pending}
   * the first time it is touched (a record or its timer), so no instance in flight at an upgrade is
   * lost. One lookup per new instance finds nothing to move.
   */
  private final class EarlierState {
    private final ValueState<byte[]> trace;
    private final MapState<String, byte[]> results;
    private final MapState<String, Integer> expected;
    private final ListState<JoinInput> steps;
    private final MapState<String, Integer> stepCounts;
    private final ValueState<Boolean> joined;
    private final ValueState<Long> deadline;

    EarlierState() {
      var context = getRuntimeContext();
      trace = context.getState(new ValueStateDescriptor<>("trace", byte[].class));
      results =
          context.getMapState(
              new MapStateDescriptor<>(
                  "results", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
      expected = context.getMapState(new MapStateDescriptor<>("expected", Types.STRING, Types.INT));
      steps =
          context.getListState(
              new ListStateDescriptor<>("steps", TypeInformation.of(JoinInput.class)));
      stepCounts =
          context.getMapState(new MapStateDescriptor<>("stepCounts", Types.STRING, Types.INT));
      joined = context.getState(new ValueStateDescriptor<>("joined", Boolean.class));
      deadline = context.getState(new ValueStateDescriptor<>("deadline", Long.class));
    }

    /** The current instance's state of the earlier release as a {@code Pending}, or null. */
    Pending take() throws Exception {
      Long at = deadline.value();
      if (at == null) {
        return null;
      }
      Pending p = new Pending();
      p.deadline = at; // its timer is registered already
      p.trace = trace.value();
      p.joined = Boolean.TRUE.equals(joined.value());
      for (Map.Entry<String, byte[]> e : results.entries()) {
        p.results.put(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, Integer> e : expected.entries()) {
        p.expected.put(e.getKey(), e.getValue());
      }
      for (JoinInput step : steps.get()) {
        p.steps.add(step);
      }
      trace.clear();
      results.clear();
      expected.clear();
      steps.clear();
      stepCounts.clear();
      joined.clear();
      deadline.clear();
      return p;
    }
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
}
