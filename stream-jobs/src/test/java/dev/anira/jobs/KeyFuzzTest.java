package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.HaltingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * Grouping keys are typed: model ids and task names that a string-joined key would split (`|`),
 * empty ones, unicode and 1 KB ones all group correctly, and the key is a Flink POJO, not a Kryo
 * generic type. (The accumulators still are: issue 16's state-evolution part.)
 */
class KeyFuzzTest {

  private static final List<String> NAMES =
      List.of("a|b", "|", "", "ünïcödé-模型-🙂", "x".repeat(1024), "m-online");

  @Test
  void anyModelIdOrTaskNameGroupsExactlyAsTheBatchComputation() throws Exception {
    List<HaltingEvent> events = new ArrayList<>();
    List<HaltingEvent> fixture = Fixtures.data(5).expected();
    for (int i = 0; i < fixture.size(); i++) {
      HaltingEvent e = fixture.get(i);
      String name = NAMES.get(i % NAMES.size());
      events.add(
          HaltingEvent.newBuilder(e)
              .setModelId(name)
              .setTask(i % 2 == 0 ? e.getTask() : e.getTask() + "|" + name)
              .build());
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(LocalFlink.configuration());
    env.setParallelism(2);
    AnalyticsPipeline.Reports reports =
        AnalyticsPipeline.analyze(
            env.fromData(events), Fixtures.WINDOW, Fixtures.ALERTS, "stream-jobs");
    Map<String, List<String>> got = new TreeMap<>();
    try (CloseableIterator<String> it =
        AnalyticsPipelineTest.strings(reports).executeAndCollect()) {
      it.forEachRemaining(
          s -> got.computeIfAbsent(s.substring(0, 2), k -> new ArrayList<>()).add(s.substring(2)));
    }
    got.values().forEach(java.util.Collections::sort);
    assertThat(AnalyticsPipeline.Key.TYPE).isInstanceOf(PojoTypeInfo.class);
    assertThat(got.get("A "))
        .hasSizeGreaterThan(NAMES.size())
        .isEqualTo(AnalyticsPipelineTest.batch(events, AnalyticsPipeline.ALIGNMENT));
    assertThat(got.get("T "))
        .isEqualTo(AnalyticsPipelineTest.batch(events, AnalyticsPipeline.TIMING));
    assertThat(got.get("G "))
        .isEqualTo(AnalyticsPipelineTest.batch(events, AnalyticsPipeline.GENERALIZATION));
  }
}
