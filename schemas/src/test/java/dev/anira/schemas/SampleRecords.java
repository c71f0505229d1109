package dev.anira.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** One realistic record of every topic's type: a 6-node BFS instance seen end to end. */
public final class SampleRecords {

  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00.123Z");
  private static final String ID = "bfs-000042";
  private static final List<Integer> ANSWERS = List.of(1, 3, 5);

  private SampleRecords() {}

  public static SpecificRecordBase of(Topic topic) {
    return switch (topic) {
      case TASKS -> problemInstance();
      case TRACES -> algorithmTrace();
      case STEPS -> recurrenceStep();
      case RESULTS -> instanceResult();
      case HALTING -> haltingEvent();
      case ALIGNMENT -> alignmentReport();
      case TIMING -> timingReport();
      case GENERALIZATION -> generalizationReport();
      case ALERTS -> alert();
      case DEAD_LETTERS -> deadLetter();
    };
  }

  static ProblemInstance problemInstance() {
    return ProblemInstance.newBuilder()
        .setInstanceId(ID)
        .setTask("bfs")
        .setSize(6)
        .setSplit(Split.TRAIN)
        .setSeed(42L)
        .setDifficulty(List.of(new NamedValue("nodes", 6.0), new NamedValue("degree", 2.5)))
        .setVocabSize(32)
        .setTokens(List.of(3, 7, 1, 9, 4, 2))
        .setAnswerPositions(ANSWERS)
        .setEventTime(T0)
        .setProducerId("task-producer-1")
        .build();
  }

  static AlgorithmTrace algorithmTrace() {
    return AlgorithmTrace.newBuilder()
        .setInstanceId(ID)
        .setTask("bfs")
        .setSize(6)
        .setSplit(Split.TRAIN)
        .setAnswerPositions(ANSWERS)
        .setTargets(List.of(1, 2, 2))
        .setStaticFeatures(
            List.of(
                new NamedSeries("position", List.of(1.0, 3.0, 5.0)),
                new NamedSeries("degree", List.of(2.0, 3.0, 1.0))))
        .setComplexities(List.of(new Complexity("bfs-layer", List.of(1, 2, 2))))
        .setStates(
            List.of(
                new AlgorithmState(
                    1,
                    List.of(
                        new NamedSeries("resolved", List.of(1.0, 0.0, 0.0)),
                        new NamedSeries("frontierSize", List.of(2.0, 2.0, 2.0)))),
                new AlgorithmState(
                    2,
                    List.of(
                        new NamedSeries("resolved", List.of(1.0, 1.0, 1.0)),
                        new NamedSeries("frontierSize", List.of(0.0, 0.0, 0.0))))))
        .setAlgorithmFeatures(
            List.of(
                new NamedSeries("frontierSize", List.of(2.0, 0.0, 0.0)),
                new NamedSeries("traceSteps", List.of(2.0, 2.0, 2.0))))
        .setEventTime(T0)
        .setProducerId("task-producer-1")
        .build();
  }

  static RecurrenceStep recurrenceStep() {
    return RecurrenceStep.newBuilder()
        .setInstanceId(ID)
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setStep(2)
        .setMaxDepth(12)
        .setAnswerPositions(ANSWERS)
        .setHaltProbability(List.of(0.9f, 0.1f, 0.7f, 0.2f, 0.95f, 0.6f))
        .setCumulativeHalt(List.of(1f, 0.15f, 1f, 0.3f, 1f, 0.8f))
        .setActive(List.of(false, true, true, true, false, true))
        .setHalted(List.of(false, false, true, false, false, true))
        .setStateDelta(List.of(0f, 1.25f, 0.5f, 0.75f, 0f, 0.125f))
        .setPrediction(List.of(0, 1, 2, 2, 0, 2))
        .setConfidence(List.of(0.99f, 0.6f, 0.8f, 0.55f, 0.97f, 0.7f))
        .setEventTime(T0.plusMillis(7))
        .setProducerId("model-service-1")
        .build();
  }

  static InstanceResult instanceResult() {
    return InstanceResult.newBuilder()
        .setInstanceId(ID)
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSize(6)
        .setSplit(Split.TRAIN)
        .setMaxDepth(12)
        .setStepsRun(3)
        .setAnswerPositions(ANSWERS)
        .setDepths(List.of(1, 3, 2, 3, 1, 2))
        .setPredictions(List.of(0, 1, 2, 2, 0, 2))
        .setConfidence(List.of(0.99f, 0.9f, 0.8f, 0.55f, 0.97f, 0.7f))
        .setDevice("cpu")
        .setLatencyMicros(1840L)
        .setEventTime(T0.plusMillis(9))
        .setProducerId("model-service-1")
        .setTrainingUpdate(250)
        .build();
  }

  static HaltingEvent haltingEvent() {
    return HaltingEvent.newBuilder()
        .setInstanceId(ID)
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSize(6)
        .setSplit(Split.TRAIN)
        .setPosition(3)
        .setAnswerIndex(1)
        .setDepth(3)
        .setMaxDepth(12)
        .setComplexity(2)
        .setComplexityAlgorithm("bfs-layer")
        .setLag(1)
        .setPrediction(2)
        .setTarget(2)
        .setCorrect(true)
        .setHaltProbability(0.8f)
        .setStepHaltProbabilities(List.of(0.1f, 0.3f, 0.8f))
        .setStaticFeatures(List.of(new NamedValue("position", 3.0), new NamedValue("degree", 3.0)))
        .setAlgorithmFeatures(
            List.of(new NamedValue("frontierSize", 2.0), new NamedValue("traceSteps", 3.0)))
        .setConvergenceStep(1)
        .setRightBeforeHalting(true)
        .setTrainingUpdate(250)
        .setEventTime(T0.plusMillis(9))
        .setProducerId("stream-jobs")
        .build();
  }

  static AlignmentReport alignmentReport() {
    return AlignmentReport.newBuilder()
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSizeBucket("4-7")
        .setSplit(Split.TRAIN)
        .setScope(WindowScope.WINDOW)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(10))
        .setMaxDepth(12)
        .setTokens(300)
        .setCorrectTokens(270)
        .setAccuracy(0.9)
        .setMeanDepth(2.4)
        .setMeanComplexity(2.1)
        .setComputeSaved(0.8)
        .setSpearmanCorrect(0.71)
        .setPearsonCorrect(0.69)
        .setSpearmanAll(0.64)
        .setPearsonAll(null)
        .setPartialPearsonCorrect(0.42)
        .setConvergedTokens(300)
        .setMeanOverthinking(1.3)
        .setOverthinkingHistogram(
            List.of(new LagBin(0, 90L), new LagBin(1, 60L), new LagBin(2, 150L)))
        .setSettledAtHaltShare(0.3)
        .setRightThenWrongShare(0.01)
        .setPremature(12)
        .setOnTime(210)
        .setLate(78)
        .setLagHistogram(List.of(new LagBin(-1, 12L), new LagBin(0, 210L), new LagBin(1, 78L)))
        .setDepthHistogram(List.of(new LagBin(1, 40L), new LagBin(2, 160L), new LagBin(3, 100L)))
        .setEventTime(T0.plusSeconds(10))
        .setProducerId("stream-jobs")
        .build();
  }

  static TimingReport timingReport() {
    return TimingReport.newBuilder()
        .setModelId("anira-e-bfs-v1")
        .setMechanism(Mechanism.EARLY)
        .setTask("bfs")
        .setSizeBucket("4-7")
        .setSplit(Split.TRAIN)
        .setScope(WindowScope.CUMULATIVE)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setTokens(1800)
        .setStaticFeatureNames(List.of("position", "degree"))
        .setAlgorithmFeatureNames(List.of("frontierSize", "traceSteps"))
        .setR2Static(0.28)
        .setR2Algorithm(0.11)
        .setR2Full(0.33)
        .setUniqueStatic(0.22)
        .setUniqueAlgorithm(0.05)
        .setShared(0.06)
        .setAdjustedR2Static(0.279)
        .setAdjustedR2Algorithm(0.109)
        .setAdjustedR2Full(0.328)
        .setRegressorsStatic(2)
        .setRegressorsAlgorithm(2)
        .setRegressorsFull(4)
        .setFeatureUniqueShares(
            List.of(
                new NamedValue("position", 0.02),
                new NamedValue("degree", 0.19),
                new NamedValue("frontierSize", 0.04),
                new NamedValue("traceSteps", 0.0)))
        .setTracking(
            List.of(
                new StepTracking(1, 600L, 1200L, 0.82, 0.51),
                new StepTracking(2, 1800L, 0L, null, null)))
        .setEventTime(T0.plusSeconds(60))
        .setProducerId("stream-jobs")
        .build();
  }

  static GeneralizationReport generalizationReport() {
    return GeneralizationReport.newBuilder()
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSize(24)
        .setSplit(Split.EXTRAPOLATION)
        .setScope(WindowScope.WINDOW)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(10))
        .setInstances(20)
        .setTokens(240)
        .setAccuracy(0.41)
        .setInstanceAccuracy(0.05)
        .setMeanDepth(7.5)
        .setMeanDepthCorrect(6.0)
        .setMeanDepthWrong(8.5)
        .setMeanComplexity(5.2)
        .setMoreComputeStillWrong(true)
        .setEventTime(T0.plusSeconds(10))
        .setProducerId("stream-jobs")
        .build();
  }

  static Alert alert() {
    return Alert.newBuilder()
        .setAlertId("alert-7")
        .setKind(AlertKind.PREMATURE_HALT_SPIKE)
        .setSeverity(Severity.WARNING)
        .setModelId("anira-o-bfs-v1")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setMetric("prematureShare")
        .setObserved(0.31)
        .setBaseline(0.04)
        .setThreshold(0.15)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(10))
        .setMessage("31% of tokens halted before the algorithm resolved them (baseline 4%)")
        .setEventTime(T0.plusSeconds(10))
        .setProducerId("stream-jobs")
        .build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setSourceTopic("anira.tasks")
        .setPartition(2)
        .setOffset(1234L)
        .setKey(ByteBuffer.wrap(ID.getBytes(StandardCharsets.UTF_8)))
        .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setErrorType("BAD_HEADER")
        .setReason("message starts with 01 02, not the Avro single-object marker C3 01")
        .setEventTime(T0)
        .setProducerId("model-service-1")
        .build();
  }
}
