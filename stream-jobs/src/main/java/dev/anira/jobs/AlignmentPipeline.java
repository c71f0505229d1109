package dev.anira.jobs;

import dev.anira.analytics.AlignmentAccumulator;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Alignment per model × mechanism × task × size bucket × split and tumbling event-time window, from
 * halting events that already carry timestamps and watermarks.
 */
public final class AlignmentPipeline {

  private AlignmentPipeline() {}

  /** The grouping key, as one string so Flink hashes it cheaply. */
  static String key(HaltingEvent e) {
    return String.join(
        "|",
        e.getModelId(),
        e.getMechanism().name(),
        e.getTask(),
        AlignmentAccumulator.sizeBucket(e.getSize()),
        e.getSplit().name());
  }

  /**
   * @param outOfOrderness how late an event may arrive: events are stamped with their own event
   *     time (the join emits them when the last partner arrives, which can be later)
   */
  public static SingleOutputStreamOperator<AlignmentReport> windowed(
      DataStream<HaltingEvent> events,
      Duration window,
      Duration outOfOrderness,
      String producerId) {
    return events
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<HaltingEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((e, previous) -> e.getEventTime().toEpochMilli()))
        .keyBy(AlignmentPipeline::key)
        .window(TumblingEventTimeWindows.of(window))
        .aggregate(new Accumulate(), new Report(producerId))
        .returns(new AvroTypeInfo<>(AlignmentReport.class))
        .name("alignment");
  }

  static final class Accumulate
      implements AggregateFunction<HaltingEvent, AlignmentAccumulator, AlignmentAccumulator> {
    @Override
    public AlignmentAccumulator createAccumulator() {
      return new AlignmentAccumulator();
    }

    @Override
    public AlignmentAccumulator add(HaltingEvent event, AlignmentAccumulator acc) {
      acc.add(event);
      return acc;
    }

    @Override
    public AlignmentAccumulator getResult(AlignmentAccumulator acc) {
      return acc;
    }

    @Override
    public AlignmentAccumulator merge(AlignmentAccumulator a, AlignmentAccumulator b) {
      return a.merge(b);
    }
  }

  static final class Report
      extends ProcessWindowFunction<AlignmentAccumulator, AlignmentReport, String, TimeWindow> {
    private final String producerId;

    Report(String producerId) {
      this.producerId = producerId;
    }

    @Override
    public void process(
        String key,
        Context context,
        Iterable<AlignmentAccumulator> accumulators,
        Collector<AlignmentReport> out) {
      String[] parts = key.split("\\|", -1);
      AlignmentAccumulator acc = accumulators.iterator().next();
      out.collect(
          acc.report(
              parts[0],
              Mechanism.valueOf(parts[1]),
              parts[2],
              parts[3],
              Split.valueOf(parts[4]),
              WindowScope.WINDOW,
              context.window().getStart(),
              context.window().getEnd(),
              producerId));
    }
  }
}
