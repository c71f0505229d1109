package dev.anira.jobs;

import dev.anira.analytics.AlignmentAccumulator;
import dev.anira.analytics.TimingAccumulator;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.WindowScope;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The analyses over halting events, per model × mechanism × task × size bucket × split and tumbling
 * event-time window. Each analysis is a mergeable accumulator plus a report; the windowing around
 * them is shared.
 */
public final class AnalyticsPipeline {

  private AnalyticsPipeline() {}

  /** One analysis: how to accumulate events and what to report for a key and window. */
  interface Analysis<A extends Serializable, R extends SpecificRecordBase> extends Serializable {
    A create();

    void add(A accumulator, HaltingEvent event);

    A merge(A a, A b);

    R report(A accumulator, Key key, long windowStart, long windowEnd, String producerId);
  }

  /** The grouping key of every analysis. */
  record Key(String modelId, Mechanism mechanism, String task, String sizeBucket, Split split) {
    static String of(HaltingEvent e) {
      return String.join(
          "|",
          e.getModelId(),
          e.getMechanism().name(),
          e.getTask(),
          AlignmentAccumulator.sizeBucket(e.getSize()),
          e.getSplit().name());
    }

    static Key parse(String key) {
      String[] p = key.split("\\|", -1);
      return new Key(p[0], Mechanism.valueOf(p[1]), p[2], p[3], Split.valueOf(p[4]));
    }
  }

  static final Analysis<AlignmentAccumulator, AlignmentReport> ALIGNMENT =
      new Analysis<>() {
        @Override
        public AlignmentAccumulator create() {
          return new AlignmentAccumulator();
        }

        @Override
        public void add(AlignmentAccumulator acc, HaltingEvent event) {
          acc.add(event);
        }

        @Override
        public AlignmentAccumulator merge(AlignmentAccumulator a, AlignmentAccumulator b) {
          return a.merge(b);
        }

        @Override
        public AlignmentReport report(
            AlignmentAccumulator acc, Key k, long start, long end, String producerId) {
          return acc.report(
              k.modelId(),
              k.mechanism(),
              k.task(),
              k.sizeBucket(),
              k.split(),
              WindowScope.WINDOW,
              start,
              end,
              producerId);
        }
      };

  static final Analysis<TimingAccumulator, TimingReport> TIMING =
      new Analysis<>() {
        @Override
        public TimingAccumulator create() {
          return new TimingAccumulator();
        }

        @Override
        public void add(TimingAccumulator acc, HaltingEvent event) {
          acc.add(event);
        }

        @Override
        public TimingAccumulator merge(TimingAccumulator a, TimingAccumulator b) {
          return a.merge(b);
        }

        @Override
        public TimingReport report(
            TimingAccumulator acc, Key k, long start, long end, String producerId) {
          return acc.fill(
                  TimingReport.newBuilder()
                      .setModelId(k.modelId())
                      .setMechanism(k.mechanism())
                      .setTask(k.task())
                      .setSizeBucket(k.sizeBucket())
                      .setSplit(k.split())
                      .setScope(WindowScope.WINDOW)
                      .setWindowStart(Instant.ofEpochMilli(start))
                      .setWindowEnd(Instant.ofEpochMilli(end))
                      .setTracking(List.of())
                      .setEventTime(Instant.ofEpochMilli(end))
                      .setProducerId(producerId))
              .build();
        }
      };

  /** Alignment reports (DESIGN.md §5) per key and window. */
  public static SingleOutputStreamOperator<AlignmentReport> alignment(
      DataStream<HaltingEvent> events,
      Duration window,
      Duration outOfOrderness,
      String producerId) {
    return windowed(events, window, outOfOrderness, producerId, ALIGNMENT, AlignmentReport.class);
  }

  /** Decision-timing reports (R² static vs algorithmic) per key and window. */
  public static SingleOutputStreamOperator<TimingReport> timing(
      DataStream<HaltingEvent> events,
      Duration window,
      Duration outOfOrderness,
      String producerId) {
    return windowed(events, window, outOfOrderness, producerId, TIMING, TimingReport.class);
  }

  /**
   * @param outOfOrderness how late an event may arrive: events are stamped with their own event
   *     time (the join emits them when the last partner arrives, which can be later)
   */
  private static <A extends Serializable, R extends SpecificRecordBase>
      SingleOutputStreamOperator<R> windowed(
          DataStream<HaltingEvent> events,
          Duration window,
          Duration outOfOrderness,
          String producerId,
          Analysis<A, R> analysis,
          Class<R> reportType) {
    // The accumulator's type is erased in the generic functions: name it for Flink.
    @SuppressWarnings("unchecked")
    TypeInformation<A> accumulatorType =
        (TypeInformation<A>) TypeInformation.of(analysis.create().getClass());
    AvroTypeInfo<R> reportInfo = new AvroTypeInfo<>(reportType);
    return events
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<HaltingEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((e, previous) -> e.getEventTime().toEpochMilli()))
        .keyBy(Key::of)
        .window(TumblingEventTimeWindows.of(window))
        .aggregate(
            new Accumulate<>(analysis),
            new Report<>(analysis, producerId),
            accumulatorType,
            accumulatorType,
            reportInfo)
        .name(reportType.getSimpleName());
  }

  private static final class Accumulate<A extends Serializable>
      implements AggregateFunction<HaltingEvent, A, A> {
    private final Analysis<A, ?> analysis;

    Accumulate(Analysis<A, ?> analysis) {
      this.analysis = analysis;
    }

    @Override
    public A createAccumulator() {
      return analysis.create();
    }

    @Override
    public A add(HaltingEvent event, A acc) {
      analysis.add(acc, event);
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

  private static final class Report<A extends Serializable, R extends SpecificRecordBase>
      extends ProcessWindowFunction<A, R, String, TimeWindow> {
    private final Analysis<A, R> analysis;
    private final String producerId;

    Report(Analysis<A, R> analysis, String producerId) {
      this.analysis = analysis;
      this.producerId = producerId;
    }

    @Override
    public void process(String key, Context context, Iterable<A> accumulators, Collector<R> out) {
      out.collect(
          analysis.report(
              accumulators.iterator().next(),
              Key.parse(key),
              context.window().getStart(),
              context.window().getEnd(),
              producerId));
    }
  }
}
