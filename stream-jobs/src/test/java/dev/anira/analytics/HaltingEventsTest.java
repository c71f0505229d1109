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

  /** The columns hold every field of every event: back to Avro, they are the same events. */
  @Test
  void instanceEventsGiveBackTheSameAvroEvents() {
    ProblemInstance instance = addition.instance();
    List<Integer> depths = new ArrayList<>();
    List<Integer> predictions = new ArrayList<>();
    for (int t = 0; t < instance.getTokens().size(); t++) {
      depths.add(1 + t % 3);
      predictions.add(t % 2);
    }
    InstanceResult result = result(instance, depths, predictions);
    List<HaltingEvent> events = HaltingEvents.join(result, addition.trace(), steps(result), "test");

    assertThat(InstanceEvents.of(events).toEvents()).isEqualTo(events);
    HaltingEvent otherModel = HaltingEvent.newBuilder(events.get(1)).setModelId("other").build();
    assertThatThrownBy(() -> InstanceEvents.of(List.of(events.get(0), otherModel)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in one record");
  }

  @Test
  void oneEventPerAnswerTokenWithTheTracesDepthFreeFeatures() {
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
      assertThat(e.getConvergenceStep()).isEqualTo(Math.min(e.getDepth(), position % 3));
      boolean rightBefore = false;
      for (int k = 0; k < e.getDepth(); k++) {
        rightBefore |= prediction(k, position) == e.getTarget();
      }
      assertThat(e.getRightBeforeHalting()).isEqualTo(rightBefore);
      assertThat(e.getComplexityAlgorithm()).isEqualTo("carry-chain");
      assertThat(e.getStaticFeatures()).extracting(NamedValue::getName).contains("position");
      assertThat(e.getAlgorithmFeatures())
          .extracting(NamedValue::getName)
          .containsExactly("chainLength", "carryIn", "traceSteps");
      for (NamedValue feature : e.getAlgorithmFeatures()) {
        double expected =
            trace.getAlgorithmFeatures().stream()
                .filter(f -> f.getName().equals(feature.getName()))
                .findFirst()
                .orElseThrow()
                .getValues()
                .get(i);
        assertThat(feature.getValue()).isEqualTo(expected);
      }
    }
  }

  /**
   * The whole kind of leak the step-indexed join had: two results that differ only in their depths
   * must see exactly the same static and algorithmic features, for every task.
   */
  @Test
  void featuresDoNotDependOnTheDepth() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (dev.anira.tasks.Task task : Tasks.all()) {
      for (int seed = 0; seed < 20; seed++) {
        GeneratedInstance g = TaskGenerator.generate(task, Params.of(task, Map.of()), seed);
        int length = g.instance().getTokens().size();
        List<Integer> shallow = new ArrayList<>();
        List<Integer> deep = new ArrayList<>();
        for (int t = 0; t < length; t++) {
          shallow.add(1);
          deep.add(random.nextInt(1, 13));
        }
        List<HaltingEvent> a =
            HaltingEvents.join(result(g.instance(), shallow, shallow), g.trace(), List.of(), "t");
        List<HaltingEvent> b =
            HaltingEvents.join(result(g.instance(), deep, shallow), g.trace(), List.of(), "t");
        for (int i = 0; i < a.size(); i++) {
          assertThat(b.get(i).getStaticFeatures())
              .as("%s static features", task.name())
              .isEqualTo(a.get(i).getStaticFeatures());
          assertThat(b.get(i).getAlgorithmFeatures())
              .as("%s algorithmic features", task.name())
              .isEqualTo(a.get(i).getAlgorithmFeatures())
              .isNotEmpty();
        }
      }
    }
  }

  @Test
  void withoutStepsLambdaIsUnknown() {
    InstanceResult result = depthTwoEverywhere();
    assertThat(HaltingEvents.join(result, addition.trace(), List.of(), "test"))
        .allSatisfy(
            e -> {
              assertThat(e.getHaltProbability()).isNaN();
              assertThat(e.getStepHaltProbabilities()).isEmpty();
            });
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "haltProbability, NaN, outside [0, 1]",
    "haltProbability, Infinity, outside [0, 1]",
    "haltProbability, 7.5, outside [0, 1]",
    "haltProbability, -0.1, outside [0, 1]",
    "cumulativeHalt, 1.5, outside [0, 1]",
    "cumulativeHalt, 1.0001, outside [0, 1]",
    "stateDelta, -Infinity, not a finite norm",
    "stateDelta, NaN, not a finite norm"
  })
  void aStepWithAnImpossibleValueIsInvalid(String field, float value, String message) {
    InstanceResult result = depthTwoEverywhere();
    List<RecurrenceStep> steps = new ArrayList<>(steps(result));
    RecurrenceStep bad = RecurrenceStep.newBuilder(steps.get(2)).build();
    List<Float> values =
        new ArrayList<>(
            switch (field) {
              case "haltProbability" -> bad.getHaltProbability();
              case "cumulativeHalt" -> bad.getCumulativeHalt();
              default -> bad.getStateDelta();
            });
    values.set(1, value);
    switch (field) {
      case "haltProbability" -> bad.setHaltProbability(values);
      case "cumulativeHalt" -> bad.setCumulativeHalt(values);
      default -> bad.setStateDelta(values);
    }
    steps.set(2, bad);
    assertThatThrownBy(() -> HaltingEvents.join(result, addition.trace(), steps, "test"))
        .isInstanceOf(HaltingEvents.InvalidStepException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(message);
  }

  /** A float sum of halt masses that rounds past 1 is a valid step, not an impossible one. */
  @Test
  void aHaltMassRoundedPastOneIsValid() {
    InstanceResult result = depthTwoEverywhere();
    List<RecurrenceStep> steps = new ArrayList<>(steps(result));
    List<Float> mass = new ArrayList<>(steps.get(2).getCumulativeHalt());
    List<Float> lambda = new ArrayList<>(steps.get(2).getHaltProbability());
    for (int t = 0; t < mass.size(); t++) {
      mass.set(t, 1.0000008f);
      lambda.set(t, 1.0000006f);
    }
    steps.set(
        2,
        RecurrenceStep.newBuilder(steps.get(2))
            .setCumulativeHalt(mass)
            .setHaltProbability(lambda)
            .build());
    List<HaltingEvent> events = HaltingEvents.join(result, addition.trace(), steps, "test");
    // Clamped, so every statistic downstream (the logit bins of online tracking) accepts them.
    assertThat(events)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getHaltProbability()).isEqualTo(1f);
              assertThat(e.getStepHaltProbabilities()).allMatch(l -> l >= 0 && l <= 1);
              new TimingAccumulator().add(e);
            });
  }

  @Test
  void aMissingStepIsRefused() {
    InstanceResult result = depthTwoEverywhere();
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

  /** Settles at step min(depth, position mod 3): the convergence step the join must find. */
  private static int prediction(int step, int position) {
    return Math.min(step, position % 3);
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
      List<Integer> prediction = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        lambda.add(lambda(k, t));
        prediction.add(prediction(k, t));
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
              .setPrediction(prediction)
              .setConfidence(lambda)
              .setEventTime(Instant.EPOCH)
              .setProducerId("test")
              .build());
    }
    return steps;
  }

  /** The addition fixture's result with every token at depth 2 and predicting 2. */
  private InstanceResult depthTwoEverywhere() {
    List<Integer> depths = new ArrayList<>();
    for (int t = 0; t < addition.instance().getTokens().size(); t++) {
      depths.add(2);
    }
    return result(addition.instance(), depths, depths);
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
