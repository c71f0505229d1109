package dev.anira.launcher;

import dev.anira.schemas.AlgorithmState;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Consistent made-up model runs (a trace, a result and its step records per instance) at the sizes
 * of real ones, generated much faster than the model runs: the analytics benchmark's workload.
 * Every token is an answer token; depths and complexities are random in 1..maxDepth.
 */
final class SyntheticRuns {

  /** One instance: its trace, one model's result and that model's step records 0..stepsRun. */
  record Run(AlgorithmTrace trace, InstanceResult result, List<RecurrenceStep> steps) {}

  private final SplittableRandom random;
  private final int tokens;
  private final int maxDepth;

  SyntheticRuns(long seed, int tokens, int maxDepth) {
    this.random = new SplittableRandom(seed);
    this.tokens = tokens;
    this.maxDepth = maxDepth;
  }

  Run next(String instanceId, Instant eventTime) {
    List<Integer> positions = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<Integer> depths = new ArrayList<>();
    List<Integer> predictions = new ArrayList<>();
    List<Integer> complexity = new ArrayList<>();
    List<Double> position = new ArrayList<>();
    int stepsRun = 0;
    int lastAlgorithmStep = 0;
    for (int i = 0; i < tokens; i++) {
      positions.add(i);
      int target = random.nextInt(2);
      targets.add(target);
      int c = random.nextInt(1, maxDepth + 1);
      complexity.add(c);
      lastAlgorithmStep = Math.max(lastAlgorithmStep, c);
      // Depth follows complexity loosely, as a halting model's should.
      int d = Math.max(1, Math.min(maxDepth, c + random.nextInt(-1, 2)));
      depths.add(d);
      stepsRun = Math.max(stepsRun, d);
      predictions.add(random.nextDouble() < 0.9 ? target : 1 - target);
      position.add((double) i);
    }
    List<AlgorithmState> states = new ArrayList<>();
    for (int t = 1; t <= lastAlgorithmStep; t++) {
      List<Double> resolved = new ArrayList<>();
      for (int c : complexity) {
        resolved.add(c <= t ? 1.0 : 0.0);
      }
      states.add(new AlgorithmState(t, List.of(new NamedSeries("resolved", resolved))));
    }
    AlgorithmTrace trace =
        AlgorithmTrace.newBuilder()
            .setInstanceId(instanceId)
            .setTask("parity")
            .setSize(tokens)
            .setSplit(Split.TRAIN)
            .setAnswerPositions(positions)
            .setTargets(targets)
            .setStaticFeatures(List.of(new NamedSeries("position", position)))
            .setComplexities(List.of(new Complexity("sequential", complexity)))
            .setStates(states)
            .setAlgorithmFeatures(
                List.of(
                    new NamedSeries(
                        "traceSteps",
                        java.util.Collections.nCopies(tokens, (double) lastAlgorithmStep))))
            .setEventTime(eventTime)
            .setProducerId("bench")
            .build();
    List<RecurrenceStep> steps = new ArrayList<>();
    for (int k = 0; k <= stepsRun; k++) {
      List<Float> lambda = new ArrayList<>();
      List<Boolean> active = new ArrayList<>();
      List<Boolean> halted = new ArrayList<>();
      for (int d : depths) {
        lambda.add(k == 0 || k > d ? 0f : (float) random.nextDouble());
        active.add(k > 0 && k <= d);
        halted.add(k == d);
      }
      steps.add(
          RecurrenceStep.newBuilder()
              .setInstanceId(instanceId)
              .setModelId("bench-online")
              .setMechanism(Mechanism.ONLINE)
              .setTask("parity")
              .setStep(k)
              .setMaxDepth(maxDepth)
              .setAnswerPositions(positions)
              .setHaltProbability(lambda)
              .setCumulativeHalt(lambda)
              .setActive(active)
              .setHalted(halted)
              .setStateDelta(lambda)
              .setPrediction(predictions)
              .setConfidence(lambda)
              .setEventTime(eventTime)
              .setProducerId("bench")
              .build());
    }
    InstanceResult result =
        InstanceResult.newBuilder()
            .setInstanceId(instanceId)
            .setModelId("bench-online")
            .setMechanism(Mechanism.ONLINE)
            .setTask("parity")
            .setSize(tokens)
            .setSplit(Split.TRAIN)
            .setMaxDepth(maxDepth)
            .setStepsRun(stepsRun)
            .setAnswerPositions(positions)
            .setDepths(depths)
            .setPredictions(predictions)
            .setConfidence(List.of())
            .setDevice("cpu")
            .setLatencyMicros(1)
            .setEventTime(eventTime)
            .setProducerId("bench")
            .build();
    return new Run(trace, result, steps);
  }
}
