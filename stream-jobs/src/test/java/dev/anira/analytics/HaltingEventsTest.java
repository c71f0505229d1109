package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.RecurrenceStep;
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
    InstanceResult result = result(instance, depths, predictions);

    List<HaltingEvent> events = HaltingEvents.join(result, trace, steps(result), "test");

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
      List<Float> trajectory = new ArrayList<>();
      for (int k = 1; k <= e.getDepth(); k++) {
        trajectory.add(lambda(k, position));
      }
      assertThat(e.getStepHaltProbabilities()).isEqualTo(trajectory);
      assertThat(e.getHaltProbability()).isEqualTo(lambda(e.getDepth(), position));
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
  void withoutStepsLambdaIsUnknown() {
    List<Integer> depths = new ArrayList<>();
    for (int t = 0; t < addition.instance().getTokens().size(); t++) {
      depths.add(2);
    }
    InstanceResult result = result(addition.instance(), depths, depths);
    assertThat(HaltingEvents.join(result, addition.trace(), List.of(), "test"))
        .allSatisfy(
            e -> {
              assertThat(e.getHaltProbability()).isNaN();
              assertThat(e.getStepHaltProbabilities()).isEmpty();
            });
  }

  @Test
  void aMissingStepIsRefused() {
    List<Integer> depths = new ArrayList<>();
    for (int t = 0; t < addition.instance().getTokens().size(); t++) {
      depths.add(2);
    }
    InstanceResult result = result(addition.instance(), depths, depths);
    List<RecurrenceStep> steps = new ArrayList<>(steps(result));
    steps.remove(3);
    assertThatThrownBy(() -> HaltingEvents.join(result, addition.trace(), steps, "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 3 missing");
  }

  @Test
  void aResultAndATraceOfDifferentInstancesAreRefused() {
    GeneratedInstance other =
        TaskGenerator.generate(
            Tasks.byName("addition"), Params.of(Tasks.byName("addition"), Map.of("digits", 5)), 4);
    InstanceResult result = result(other.instance(), List.of(), List.of());
    assertThatThrownBy(() -> HaltingEvents.join(result, addition.trace(), List.of(), "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("joined with trace");
  }

  private static float lambda(int step, int position) {
    return (float) (0.1 * step + 0.01 * position);
  }

  /** Step records 0..stepsRun whose λ encodes step and position. */
  private static List<RecurrenceStep> steps(InstanceResult result) {
    int length = result.getDepths().size();
    List<RecurrenceStep> steps = new ArrayList<>();
    for (int k = 0; k <= result.getStepsRun(); k++) {
      List<Float> lambda = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        lambda.add(lambda(k, t));
      }
      steps.add(
          RecurrenceStep.newBuilder()
              .setInstanceId(result.getInstanceId())
              .setModelId(result.getModelId())
              .setMechanism(result.getMechanism())
              .setTask(result.getTask())
              .setStep(k)
              .setMaxDepth(result.getMaxDepth())
              .setAnswerPositions(result.getAnswerPositions())
              .setHaltProbability(lambda)
              .setCumulativeHalt(lambda)
              .setActive(List.of())
              .setHalted(List.of())
              .setStateDelta(lambda)
              .setPrediction(List.of())
              .setConfidence(lambda)
              .setEventTime(Instant.EPOCH)
              .setProducerId("test")
              .build());
    }
    return steps;
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
