package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.analytics.AlignmentAccumulator;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.WindowScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Join then windowed alignment on a MiniCluster, against a batch pass over the same events. */
class AlignmentPipelineTest {

  private static final long WINDOW = 10_000;

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void windowReportsEqualTheBatchComputation(int parallelism) throws Exception {
    HaltingPipelineTest.Data data = HaltingPipelineTest.data(11 + parallelism);
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    Collections.shuffle(inputs, new java.util.Random(parallelism));

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(HaltingPipelineTest.local());
    env.setParallelism(parallelism);
    var events =
        HaltingPipeline.join(
            env.fromData(inputs), Duration.ofHours(1), Duration.ofHours(2), "stream-jobs");
    var reports =
        AlignmentPipeline.windowed(
            events, Duration.ofMillis(WINDOW), Duration.ofHours(1), "stream-jobs");
    List<String> got = new ArrayList<>();
    try (CloseableIterator<AlignmentReport> it = reports.executeAndCollect()) {
      it.forEachRemaining(r -> got.add(r.toString()));
    }

    Map<String, AlignmentAccumulator> batch = new TreeMap<>();
    Map<String, HaltingEvent> sample = new TreeMap<>();
    for (HaltingEvent e : data.expected()) {
      long start = e.getEventTime().toEpochMilli() / WINDOW * WINDOW;
      String k = AlignmentPipeline.key(e) + "@" + start;
      batch.computeIfAbsent(k, x -> new AlignmentAccumulator()).add(e);
      sample.putIfAbsent(k, e);
    }
    List<String> expected = new ArrayList<>();
    batch.forEach(
        (k, acc) -> {
          HaltingEvent e = sample.get(k);
          long start = Long.parseLong(k.substring(k.indexOf('@') + 1));
          expected.add(
              acc.report(
                      e.getModelId(),
                      e.getMechanism(),
                      e.getTask(),
                      AlignmentAccumulator.sizeBucket(e.getSize()),
                      e.getSplit(),
                      WindowScope.WINDOW,
                      start,
                      start + WINDOW,
                      "stream-jobs")
                  .toString());
        });
    assertThat(got).hasSizeGreaterThan(4);
    assertThat(got.stream().sorted().toList()).isEqualTo(expected.stream().sorted().toList());
  }
}
