package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.WindowScope;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Join then windowed analyses on a MiniCluster, against a batch pass over the same events. */
class AnalyticsPipelineTest {

  private static final long WINDOW = 10_000;

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void windowReportsEqualTheBatchComputation(int parallelism) throws Exception {
    HaltingPipelineTest.Data data = HaltingPipelineTest.data(11 + parallelism);
    assertThat(run(data, parallelism, AnalyticsPipeline::alignment))
        .hasSizeGreaterThan(4)
        .isEqualTo(batch(data.expected(), AnalyticsPipeline.ALIGNMENT));
    assertThat(run(data, parallelism, AnalyticsPipeline::timing))
        .hasSizeGreaterThan(4)
        .isEqualTo(batch(data.expected(), AnalyticsPipeline.TIMING));
  }

  /** The pipeline's reports, as sorted strings. */
  private static <R> List<String> run(
      HaltingPipelineTest.Data data, int parallelism, Stage<R> stage) throws Exception {
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    Collections.shuffle(inputs, new java.util.Random(parallelism));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(HaltingPipelineTest.local());
    env.setParallelism(parallelism);
    DataStream<HaltingEvent> events =
        HaltingPipeline.join(
            env.fromData(inputs), Duration.ofHours(1), Duration.ofHours(2), "stream-jobs");
    List<String> out = new ArrayList<>();
    try (CloseableIterator<R> it =
        stage
            .apply(events, Duration.ofMillis(WINDOW), Duration.ofHours(1), "stream-jobs")
            .executeAndCollect()) {
      it.forEachRemaining(r -> out.add(r.toString()));
    }
    return out.stream().sorted().toList();
  }

  /**
   * The oracle: group the events by key and window in plain Java; each window's report, and the
   * cumulative report after it over every earlier window of the key.
   */
  private static <A extends Serializable, R extends SpecificRecordBase> List<String> batch(
      List<HaltingEvent> events, AnalyticsPipeline.Analysis<A, R> analysis) {
    Map<String, TreeMap<Long, List<HaltingEvent>>> byKey = new TreeMap<>();
    for (HaltingEvent e : events) {
      long start = e.getEventTime().toEpochMilli() / WINDOW * WINDOW;
      byKey
          .computeIfAbsent(AnalyticsPipeline.Key.of(e), k -> new TreeMap<>())
          .computeIfAbsent(start, w -> new ArrayList<>())
          .add(e);
    }
    List<String> reports = new ArrayList<>();
    byKey.forEach(
        (key, windows) -> {
          AnalyticsPipeline.Key parsed = AnalyticsPipeline.Key.parse(key);
          List<HaltingEvent> soFar = new ArrayList<>();
          long first = windows.firstKey();
          windows.forEach(
              (start, inWindow) -> {
                soFar.addAll(inWindow);
                reports.add(
                    analysis
                        .report(
                            accumulate(analysis, inWindow),
                            parsed,
                            WindowScope.WINDOW,
                            start,
                            start + WINDOW,
                            "stream-jobs")
                        .toString());
                reports.add(
                    analysis
                        .report(
                            accumulate(analysis, soFar),
                            parsed,
                            WindowScope.CUMULATIVE,
                            first,
                            start + WINDOW,
                            "stream-jobs")
                        .toString());
              });
        });
    return reports.stream().sorted().toList();
  }

  private static <A extends Serializable> A accumulate(
      AnalyticsPipeline.Analysis<A, ?> analysis, List<HaltingEvent> events) {
    A acc = analysis.create();
    events.forEach(e -> analysis.add(acc, e));
    return acc;
  }

  @FunctionalInterface
  private interface Stage<R> {
    DataStream<R> apply(
        DataStream<HaltingEvent> events, Duration window, Duration lateness, String producerId);
  }
}
