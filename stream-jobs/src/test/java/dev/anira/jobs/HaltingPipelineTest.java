package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.analytics.HaltingEvents;
import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The join on a Flink MiniCluster, inputs shuffled, against the oracle: {@link HaltingEvents#join}
 * called directly on the same records.
 */
class HaltingPipelineTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void emitsExactlyTheOraclesEventsAndRoutesOrphansToTheSideOutput(int parallelism)
      throws Exception {
    Fixtures.Data data = Fixtures.data(parallelism);
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    List<String> expected = data.expected().stream().map(e -> "E " + e).toList();
    int orphanRecords = data.orphanRecords();
    Collections.shuffle(inputs, new java.util.Random(parallelism));

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(LocalFlink.configuration());
    env.setParallelism(parallelism);
    DataStream<JoinInput> source = env.fromData(inputs);
    SingleOutputStreamOperator<InstanceEvents> instances =
        HaltingPipeline.join(source, AnalyticsConfig.defaults().joinTimeout(), "stream-jobs");
    DataStream<String> both =
        HaltingPipeline.events(instances)
            .map(e -> "E " + e)
            .returns(Types.STRING)
            .union(
                instances
                    .getSideOutput(HaltingJoin.UNMATCHED)
                    .map(u -> "U " + u)
                    .returns(Types.STRING));
    List<String> out = new ArrayList<>();
    try (CloseableIterator<String> it = both.executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    List<String> got = out.stream().filter(s -> s.startsWith("E ")).sorted().toList();
    assertThat(got).isEqualTo(expected.stream().sorted().toList());
    assertThat(out.stream().filter(s -> s.startsWith("U ")))
        .hasSize(orphanRecords)
        .allMatch(s -> s.endsWith(" i-7"));
  }

  /**
   * After its first model joins, an instance's trace stays in state without its algorithm states; a
   * second model arriving later still gets exactly the oracle's events from the full trace.
   */
  @Test
  void aModelJoiningAfterAnotherGetsTheOraclesEvents() throws Exception {
    Fixtures.Data data = Fixtures.data(5, 6, 500);
    List<JoinInput> inputs = new ArrayList<>(data.inputs());
    for (JoinInput input : data.inputs()) {
      if (input.kind == JoinInput.Kind.RESULT) {
        InstanceResult result = JoinInput.RESULTS.decode(input.payload);
        result.setModelId("m-second");
        inputs.add(JoinInput.of(result));
      } else if (input.kind == JoinInput.Kind.STEP) {
        RecurrenceStep step = JoinInput.STEPS.decode(input.payload);
        step.setModelId("m-second");
        inputs.add(JoinInput.of(step));
      }
    }
    List<String> expected = new ArrayList<>();
    for (HaltingEvent e : data.expected()) {
      expected.add(e.toString());
      expected.add(HaltingEvent.newBuilder(e).setModelId("m-second").build().toString());
    }

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(LocalFlink.configuration());
    env.setParallelism(1); // in order: every first model joins before the second arrives
    List<String> out = new ArrayList<>();
    try (CloseableIterator<HaltingEvent> it =
        HaltingPipeline.events(
                HaltingPipeline.join(
                    env.fromData(inputs), AnalyticsConfig.defaults().joinTimeout(), "stream-jobs"))
            .executeAndCollect()) {
      it.forEachRemaining(e -> out.add(e.toString()));
    }
    assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * A run without answer tokens has no halting events: the join emits nothing for it, so no
   * analysis sees an instance with no tokens (it would count in the generalization reports).
   */
  @Test
  void aRunWithoutAnswerTokensEmitsNothing() throws Exception {
    Fixtures.Data data = Fixtures.data(5, 2, 500);
    List<JoinInput> inputs = new ArrayList<>();
    for (JoinInput input : data.inputs()) {
      if (input.kind == JoinInput.Kind.TRACE) {
        AlgorithmTrace trace = JoinInput.TRACES.decode(input.payload);
        trace.setAnswerPositions(List.of());
        trace.setTargets(List.of());
        inputs.add(JoinInput.of(trace));
      } else if (input.kind == JoinInput.Kind.RESULT) {
        InstanceResult result = JoinInput.RESULTS.decode(input.payload);
        result.setAnswerPositions(List.of());
        inputs.add(JoinInput.of(result));
      } else {
        inputs.add(input);
      }
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(LocalFlink.configuration());
    env.setParallelism(1);
    List<InstanceEvents> out = new ArrayList<>();
    try (CloseableIterator<InstanceEvents> it =
        HaltingPipeline.join(
                env.fromData(inputs), AnalyticsConfig.defaults().joinTimeout(), "stream-jobs")
            .executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    assertThat(out).isEmpty();
  }

  /** Flink serializes the join's output itself (no Kryo fallback), so it is fast and evolvable. */
  @Test
  void theJoinsOutputIsAFlinkPojo() {
    assertThat(HaltingPipeline.EVENTS).isInstanceOf(PojoTypeInfo.class);
  }
}
