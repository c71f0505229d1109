package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.HaltingEvent;
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

  /** The oracle: group the events by key and window in plain Java, one accumulator each. */
  private static <A extends Serializable, R extends SpecificRecordBase> List<String> batch(
      List<HaltingEvent> events, AnalyticsPipeline.Analysis<A, R> analysis) {
    Map<String, A> groups = new TreeMap<>();
    for (HaltingEvent e : events) {
      long start = e.getEventTime().toEpochMilli() / WINDOW * WINDOW;
      A acc =
          groups.computeIfAbsent(AnalyticsPipeline.Key.of(e) + "@" + start, k -> analysis.create());
      analysis.add(acc, e);
    }
    List<String> reports = new ArrayList<>();
    groups.forEach(
        (k, acc) -> {
          int at = k.lastIndexOf('@');
          long start = Long.parseLong(k.substring(at + 1));
          reports.add(
              analysis
                  .report(
                      acc,
                      AnalyticsPipeline.Key.parse(k.substring(0, at)),
                      start,
                      start + WINDOW,
                      "stream-jobs")
                  .toString());
        });
    return reports.stream().sorted().toList();
  }

  @FunctionalInterface
  private interface Stage<R> {
    DataStream<R> apply(
        DataStream<HaltingEvent> events, Duration window, Duration lateness, String producerId);
  }
}
