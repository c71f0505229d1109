package dev.anira.jobs;

import dev.anira.analytics.AlertRules;
import dev.anira.analytics.AlignmentAccumulator;
import dev.anira.analytics.GeneralizationAccumulator;
import dev.anira.analytics.InstanceEvents;
import dev.anira.analytics.MergeableAccumulator;
import dev.anira.analytics.TimingAccumulator;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.WindowScope;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The analyses over halting events, per tumbling event-time window and cumulatively: alignment and
 * timing per model × mechanism × task × size bucket × split, generalization per model × mechanism ×
 * task. Each analysis is a mergeable accumulator plus a report; the windowing around them is
 * shared. Events arrive as {@link InstanceEvents}, one record per model's run of an instance (its
 * events share every grouping key and the event time), so each accumulator is updated once per
 * instance and key, and the shuffles carry compact Flink-serialized records, not Avro events.
 */
public final class AnalyticsPipeline {

  private AnalyticsPipeline() {}

  /**
   * One analysis: its grouping, a fresh accumulator, and what to report for a window; events are
   * added and accumulators merged by the accumulator itself.
   */
  record Analysis<A extends MergeableAccumulator<A>, R extends SpecificRecordBase>(
      Grouping grouping, Fresh<A> fresh, Reporter<A, R> reporter, Gauges<R> gauges)
      implements Serializable {

    Key key(InstanceEvents instance) {
      return grouping.key(instance);
    }

    A create() {
      return fresh.get();
    }

    void add(A accumulator, InstanceEvents instance) {
      accumulator.add(instance);
    }

    A merge(A a, A b) {
      return a.merge(b);
    }

    List<R> report(
        A accumulator,
        Key key,
        WindowScope scope,
        long windowStart,
        long windowEnd,
        String producerId) {
      return reporter.report(accumulator, key, scope, windowStart, windowEnd, producerId);
    }

    /** What a cumulative report shows as Flink gauges (Prometheus on a cluster). */
    Map<String, Double> gauges(R report) {
      return gauges.of(report);
    }
  }

  interface Grouping extends Serializable {
    Key key(InstanceEvents instance);
  }

  interface Fresh<A> extends Serializable {
    A get();
  }

  interface Reporter<A, R> extends Serializable {
    List<R> report(
        A accumulator,
        Key key,
        WindowScope scope,
        long windowStart,
        long windowEnd,
        String producerId);
  }

  interface Gauges<R> extends Serializable {
    Map<String, Double> of(R report);
  }

  /**
   * A grouping key: model × mechanism × task, and for alignment and timing also size bucket × split
   * (null when the analysis does not group by them). Typed, never a joined string: any model id or
   * task name works, `|` and all.
   */
  public record Key(
      String modelId, Mechanism mechanism, String task, String sizeBucket, Split split)
      implements Serializable {
    static Key bySizeBucket(InstanceEvents x) {
      return new Key(
          x.modelId, x.mechanism, x.task, AlignmentAccumulator.sizeBucket(x.size), x.split);
    }

    static Key byTask(InstanceEvents x) {
      return new Key(x.modelId, x.mechanism, x.task, null, null);
    }

    static Key of(AlignmentReport r) {
      return new Key(
          r.getModelId(), r.getMechanism(), r.getTask(), r.getSizeBucket(), r.getSplit());
    }

    static final TypeInformation<Key> TYPE = TypeInformation.of(Key.class);

    /**
     * Flink assigns a key to a key group by its hash code, and a savepoint's state stays in its key
     * group, so the hash must be the same in every JVM. A record's default hash uses its enums'
     * identity hashes, which differ from run to run: a restored job then looks for each key's state
     * in the wrong key group and fails. Enums hash by name here.
     */
    @Override
    public int hashCode() {
      return Objects.hash(
          modelId,
          mechanism == null ? null : mechanism.name(),
          task,
          sizeBucket,
          split == null ? null : split.name());
    }
  }

  static final Analysis<AlignmentAccumulator, AlignmentReport> ALIGNMENT =
      new Analysis<>(
          Key::bySizeBucket,
          AlignmentAccumulator::new,
          (acc, k, scope, start, end, producerId) ->
              List.of(
                  acc.report(
                      k.modelId(),
                      k.mechanism(),
                      k.task(),
                      k.sizeBucket(),
                      k.split(),
                      scope,
                      start,
                      end,
                      producerId)),
          AnalyticsPipeline::alignmentGauges);

  static final Analysis<TimingAccumulator, TimingReport> TIMING =
      new Analysis<>(
          Key::bySizeBucket,
          TimingAccumulator::new,
          (acc, k, scope, start, end, producerId) ->
              List.of(
                  acc.fill(
                          TimingReport.newBuilder()
                              .setModelId(k.modelId())
                              .setMechanism(k.mechanism())
                              .setTask(k.task())
                              .setSizeBucket(k.sizeBucket())
                              .setSplit(k.split())
                              .setScope(scope)
                              .setWindowStart(Instant.ofEpochMilli(start))
                              .setWindowEnd(Instant.ofEpochMilli(end))
                              .setEventTime(Instant.ofEpochMilli(end))
                              .setProducerId(producerId))
                      .build()),
          AnalyticsPipeline::timingGauges);

  static final Analysis<GeneralizationAccumulator, GeneralizationReport> GENERALIZATION =
      new Analysis<>(
          Key::byTask,
          GeneralizationAccumulator::new,
          (acc, k, scope, start, end, producerId) ->
              acc.reports(k.modelId(), k.mechanism(), k.task(), scope, start, end, producerId),
          report -> Map.of());

  private static Map<String, Double> alignmentGauges(AlignmentReport r) {
    Map<String, Double> g = new LinkedHashMap<>();
    g.put("tokens", (double) r.getTokens());
    g.put("accuracy", r.getAccuracy());
    g.put("meanDepth", r.getMeanDepth());
    g.put("computeSaved", r.getComputeSaved());
    g.put("spearmanCorrect", orNaN(r.getSpearmanCorrect()));
    return g;
  }

  private static Map<String, Double> timingGauges(TimingReport r) {
    Map<String, Double> g = new LinkedHashMap<>();
    g.put("r2Static", orNaN(r.getR2Static()));
    g.put("r2Algorithm", orNaN(r.getR2Algorithm()));
    g.put("r2Full", orNaN(r.getR2Full()));
    g.put("adjustedR2Static", orNaN(r.getAdjustedR2Static()));
    g.put("adjustedR2Algorithm", orNaN(r.getAdjustedR2Algorithm()));
    return g;
  }

  /**
   * Every analysis's reports, each stream ready for its sink, and the events that came later than
   * the out-of-orderness bound allows (after their window had fired), so none is silently lost.
   */
  public record Reports(
      DataStream<AlignmentReport> alignment,
      DataStream<TimingReport> timing,
      DataStream<GeneralizationReport> generalization,
      DataStream<Alert> alerts,
      DataStream<InstanceEvents> late) {}

  private static final OutputTag<InstanceEvents> LATE =
      new OutputTag<>("late", HaltingPipeline.EVENTS);

  /**
   * All analyses of docs/design.md §5 over the halting events, in tumbling event-time windows. The
   * events must carry the watermarks of the job's sources (see {@link SourceEventTime}); each falls
   * in the window of its own event time, the latest of its joined records' (see {@link
   * dev.anira.analytics.HaltingEvents#join}), which is never behind the watermark unless one of
   * those records was. Such an event goes to {@link Reports#late}.
   */
  public static Reports analyze(
      DataStream<InstanceEvents> events,
      Duration window,
      AlertRules.Config alerts,
      String producerId) {
    Windowed<AlignmentReport> alignment =
        windowed(events, window, producerId, ALIGNMENT, AlignmentReport.class);
    return new Reports(
        alignment.reports(),
        windowed(events, window, producerId, TIMING, TimingReport.class).reports(),
        windowed(events, window, producerId, GENERALIZATION, GeneralizationReport.class).reports(),
        alerts(alignment.reports(), alerts, producerId),
        alignment.late());
  }

  /**
   * Tumbling windows by the halting event's own event time. The join stamps its output with the
   * time of the record that completed the instance, which depends on arrival order; the event's
   * field does not, so a replay puts every event in the same window.
   */
  static final class ByEventTime extends WindowAssigner<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final TumblingEventTimeWindows tumbling;

    ByEventTime(Duration size) {
      this.tumbling = TumblingEventTimeWindows.of(size);
    }

    @Override
    public Collection<TimeWindow> assignWindows(
        Object event, long timestamp, WindowAssignerContext context) {
      long eventTime = ((InstanceEvents) event).eventTime;
      return tumbling.assignWindows(event, eventTime, context);
    }

    @Override
    public Trigger<Object, TimeWindow> getDefaultTrigger() {
      return tumbling.getDefaultTrigger();
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig config) {
      return tumbling.getWindowSerializer(config);
    }

    @Override
    public boolean isEventTime() {
      return true;
    }
  }

  /** Alerts from each key's window alignment reports, in window order. */
  private static DataStream<Alert> alerts(
      DataStream<AlignmentReport> alignment, AlertRules.Config config, String producerId) {
    return alignment
        .filter(r -> r.getScope() == WindowScope.WINDOW)
        .keyBy(Key::of, Key.TYPE)
        .process(new RaiseAlerts(config, producerId), new AvroTypeInfo<>(Alert.class))
        .name("alerts")
        .uid("alerts");
  }

  private record Windowed<R>(DataStream<R> reports, DataStream<InstanceEvents> late) {}

  /**
   * Reports per tumbling window and, after each window, cumulatively since the job started (a
   * running merge of the window accumulators per key; its windowStart is the first window's).
   */
  private static <A extends MergeableAccumulator<A>, R extends SpecificRecordBase>
      Windowed<R> windowed(
          DataStream<InstanceEvents> events,
          Duration window,
          String producerId,
          Analysis<A, R> analysis,
          Class<R> reportType) {
    // The accumulator's type is erased in the generic functions: name it for Flink.
    @SuppressWarnings("unchecked")
    TypeInformation<A> accumulatorType =
        (TypeInformation<A>) TypeInformation.of(analysis.create().getClass());
    TypeInformation<Tuple4<Key, Long, Long, A>> windowedType =
        new TupleTypeInfo<>(Key.TYPE, Types.LONG, Types.LONG, accumulatorType);
    AvroTypeInfo<R> reportInfo = new AvroTypeInfo<>(reportType);
    SingleOutputStreamOperator<Tuple4<Key, Long, Long, A>> perWindow =
        events
            .keyBy(analysis::key, Key.TYPE)
            .window(new ByEventTime(window))
            .sideOutputLateData(LATE)
            .aggregate(
                new Accumulate<>(analysis),
                new Emit<A>(),
                accumulatorType,
                accumulatorType,
                windowedType)
            .name(reportType.getSimpleName() + "-window")
            .uid(reportType.getSimpleName() + "-window");
    DataStream<R> windowReports =
        perWindow
            .flatMap(
                (FlatMapFunction<Tuple4<Key, Long, Long, A>, R>)
                    (w, out) ->
                        analysis
                            .report(w.f3, w.f0, WindowScope.WINDOW, w.f1, w.f2, producerId)
                            .forEach(out::collect),
                reportInfo)
            .name(reportType.getSimpleName())
            .uid(reportType.getSimpleName());
    DataStream<R> cumulativeReports =
        perWindow
            .keyBy(w -> w.f0, Key.TYPE)
            .process(new Cumulate<>(analysis, accumulatorType, producerId), reportInfo)
            .name(reportType.getSimpleName() + "-cumulative")
            .uid(reportType.getSimpleName() + "-cumulative");
    return new Windowed<>(windowReports.union(cumulativeReports), perWindow.getSideOutput(LATE));
  }

  /** Tags each window's accumulator with its key and bounds. */
  private static final class Emit<A extends Serializable>
      extends ProcessWindowFunction<A, Tuple4<Key, Long, Long, A>, Key, TimeWindow> {
    @Override
    public void process(
        Key key,
        Context context,
        Iterable<A> accumulators,
        Collector<Tuple4<Key, Long, Long, A>> out) {
      out.collect(
          Tuple4.of(
              key,
              context.window().getStart(),
              context.window().getEnd(),
              accumulators.iterator().next()));
    }
  }

  /** Running merge of a key's window accumulators, reported after each window. */
  private static final class Cumulate<
          A extends MergeableAccumulator<A>, R extends SpecificRecordBase>
      extends KeyedProcessFunction<Key, Tuple4<Key, Long, Long, A>, R> {
    private final Analysis<A, R> analysis;
    private final TypeInformation<A> accumulatorType;
    private final String producerId;
    private transient ValueState<A> total;
    private transient ValueState<Long> firstStart;
    // Latest gauge values per key; the gauges read them. Keys stay on one subtask.
    private transient Map<Key, Map<String, Double>> latest;

    Cumulate(Analysis<A, R> analysis, TypeInformation<A> accumulatorType, String producerId) {
      this.analysis = analysis;
      this.accumulatorType = accumulatorType;
      this.producerId = producerId;
    }

    @Override
    public void open(OpenContext context) {
      total = getRuntimeContext().getState(new ValueStateDescriptor<>("total", accumulatorType));
      firstStart = getRuntimeContext().getState(new ValueStateDescriptor<>("first", Types.LONG));
      latest = new HashMap<>();
    }

    @Override
    public void processElement(Tuple4<Key, Long, Long, A> w, Context ctx, Collector<R> out)
        throws Exception {
      A sum = total.value();
      sum = sum == null ? analysis.merge(analysis.create(), w.f3) : analysis.merge(sum, w.f3);
      total.update(sum);
      if (firstStart.value() == null) {
        firstStart.update(w.f1);
      }
      Key key = w.f0;
      for (R report :
          analysis.report(sum, key, WindowScope.CUMULATIVE, firstStart.value(), w.f2, producerId)) {
        publish(key, analysis.gauges(report));
        out.collect(report);
      }
    }

    private void publish(Key key, Map<String, Double> values) {
      if (values.isEmpty()) {
        return;
      }
      Map<String, Double> current = latest.get(key);
      if (current == null) {
        current = new HashMap<>(values);
        latest.put(key, current);
        MetricGroup group =
            getRuntimeContext()
                .getMetricGroup()
                .addGroup("model", key.modelId())
                .addGroup("task", key.task())
                .addGroup("mechanism", key.mechanism().name())
                .addGroup("bucket", key.sizeBucket())
                .addGroup("split", key.split().name());
        Map<String, Double> read = current;
        for (String name : values.keySet()) {
          group.gauge(name, (Gauge<Double>) () -> read.get(name));
        }
      } else {
        current.putAll(values);
      }
    }
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  /** One {@link AlertRules} per key, kept in keyed state so it survives restarts. */
  private static final class RaiseAlerts extends KeyedProcessFunction<Key, AlignmentReport, Alert> {
    private final AlertRules.Config config;
    private final String producerId;
    private transient ValueState<AlertRules> rules;

    RaiseAlerts(AlertRules.Config config, String producerId) {
      this.config = config;
      this.producerId = producerId;
    }

    @Override
    public void open(OpenContext context) {
      rules =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("rules", TypeInformation.of(AlertRules.class)));
    }

    @Override
    public void processElement(AlignmentReport window, Context ctx, Collector<Alert> out)
        throws Exception {
      AlertRules current = rules.value();
      if (current == null) {
        current = new AlertRules(config);
      }
      current.observe(window, producerId).forEach(out::collect);
      rules.update(current);
    }
  }

  private static final class Accumulate<A extends MergeableAccumulator<A>>
      implements AggregateFunction<InstanceEvents, A, A> {
    private final Analysis<A, ?> analysis;

    Accumulate(Analysis<A, ?> analysis) {
      this.analysis = analysis;
    }

    @Override
    public A createAccumulator() {
      return analysis.create();
    }

    @Override
    public A add(InstanceEvents instance, A acc) {
      analysis.add(acc, instance);
      return acc;
    }

    @Override
    public A getResult(A acc) {
      return acc;
    }

    @Override
    public A merge(A a, A b) {
      return analysis.merge(a, b);
    }
  }
}
