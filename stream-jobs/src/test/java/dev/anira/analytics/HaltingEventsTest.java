package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.ProblemInstance;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.Params;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaltingEventsTest {

  private final GeneratedInstance addition =
      TaskGenerator.generate(
          Tasks.byName("addition"), Params.of(Tasks.byName("addition"), Map.of("digits", 5)), 3);

  @Test
  void oneEventPerAnswerTokenWithTheAlgorithmsStateAtTheHaltingStep() {
    ProblemInstance instance = addition.instance();
    AlgorithmTrace trace = addition.trace();
    int length = instance.getTokens().size();
    List<Integer> depths = new ArrayList<>();
    List<Integer> predictions = new ArrayList<>();
    for (int t = 0; t < length; t++) {
      depths.add(1 + t % 4);
      predictions.add(0);
    }
    float[] lambda = new float[length];
    java.util.Arrays.fill(lambda, 0.75f);
    InstanceResult result = result(instance, depths, predictions);

    List<HaltingEvent> events = HaltingEvents.join(result, trace, lambda, "test");

    assertThat(events).hasSize(instance.getAnswerPositions().size());
    for (int i = 0; i < events.size(); i++) {
      HaltingEvent e = events.get(i);
      int position = instance.getAnswerPositions().get(i);
      int complexity = trace.getComplexities().get(0).getValues().get(i);
      assertThat(e.getPosition()).isEqualTo(position);
      assertThat(e.getAnswerIndex()).isEqualTo(i);
      assertThat(e.getDepth()).isEqualTo(depths.get(position));
      assertThat(e.getComplexity()).isEqualTo(complexity);
      assertThat(e.getLag()).isEqualTo(depths.get(position) - complexity);
      assertThat(e.getTarget()).isEqualTo(trace.getTargets().get(i));
      assertThat(e.getCorrect()).isEqualTo(trace.getTargets().get(i) == 0);
      assertThat(e.getHaltProbability()).isEqualTo(0.75f);
      assertThat(e.getComplexityAlgorithm()).isEqualTo("carry-chain");
      assertThat(e.getStaticFeatures()).extracting(NamedValue::getName).contains("position");
      int step = Math.min(e.getDepth(), trace.getStates().size());
      double resolved =
          trace.getStates().get(step - 1).getFeatures().stream()
              .filter(f -> f.getName().equals("resolved"))
              .findFirst()
              .orElseThrow()
              .getValues()
              .get(i);
      assertThat(e.getAlgorithmFeatures())
          .filteredOn(v -> v.getName().equals("resolved"))
          .extracting(NamedValue::getValue)
          .containsExactly(resolved);
    }
  }

  @Test
  void aResultAndATraceOfDifferentInstancesAreRefused() {
    GeneratedInstance other =
        TaskGenerator.generate(
            Tasks.byName("addition"), Params.of(Tasks.byName("addition"), Map.of("digits", 5)), 4);
    InstanceResult result = result(other.instance(), List.of(), List.of());
    assertThatThrownBy(() -> HaltingEvents.join(result, addition.trace(), null, "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("joined with trace");
  }

  private static InstanceResult result(
      ProblemInstance instance, List<Integer> depths, List<Integer> predictions) {
    return InstanceResult.newBuilder()
        .setInstanceId(instance.getInstanceId())
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask(instance.getTask())
        .setSize(instance.getSize())
        .setSplit(instance.getSplit())
        .setMaxDepth(12)
        .setStepsRun(4)
        .setAnswerPositions(instance.getAnswerPositions())
        .setDepths(depths)
        .setPredictions(predictions)
        .setConfidence(List.of())
        .setDevice("cpu")
        .setLatencyMicros(1)
        .setEventTime(Instant.EPOCH)
        .setProducerId("test")
        .build();
  }
}
