package dev.anira.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorStateTest {

  @Test
  void haltingEventsFeedTheHeatmapAndTheTimelineAndTheRowShowsTheReports() {
    MonitorState state = new MonitorState();
    state.add(event("i-1", 0, 2, 2, true, List.of(0.1f, 0.9f)));
    state.add(event("i-1", 1, 3, 2, false, List.of(0.1f, 0.2f, 0.7f)));
    state.add(event("i-2", 0, 2, 2, true, List.of(0.2f, 0.8f)));
    state.add(report(WindowScope.WINDOW, 0.5));
    state.add(report(WindowScope.CUMULATIVE, 0.6));
    state.add(
        GeneralizationReport.newBuilder()
            .setModelId("m-online")
            .setMechanism(Mechanism.ONLINE)
            .setTask("parity")
            .setSize(3)
            .setSplit(Split.TRAIN)
            .setScope(WindowScope.CUMULATIVE)
            .setWindowStart(Instant.ofEpochMilli(0))
            .setWindowEnd(Instant.ofEpochMilli(10_000))
            .setInstances(2)
            .setTokens(3)
            .setAccuracy(2.0 / 3)
            .setInstanceAccuracy(0.5)
            .setMeanDepth(7.0 / 3)
            .setMeanDepthCorrect(2.0)
            .setMeanDepthWrong(3.0)
            .setMeanComplexity(2.0)
            .setMoreComputeStillWrong(false)
            .setEventTime(Instant.ofEpochMilli(10_000))
            .setProducerId("t")
            .build());

    ObjectNode snapshot = state.snapshot();
    // (complexity, depth, tokens): two tokens at (2, 2), one at (2, 3).
    assertThat(snapshot.get("heatmap").get("m-online").toString()).isEqualTo("[[2,2,2],[2,3,1]]");
    assertThat(snapshot.get("rho").get("m-online|2-3|TRAIN").toString()).isEqualTo("[[10000,0.5]]");
    assertThat(snapshot.get("instances").toString()).isEqualTo("[\"i-2\",\"i-1\"]");
    assertThat(snapshot.get("instanceTasks").get("i-1").asText()).isEqualTo("parity");

    // The overview compares mechanisms with the job's numbers: ρ and partial r of the largest
    // train bucket, accuracy and depth of the generalization reports.
    var overview = snapshot.get("overview").get(0);
    assertThat(overview.get("task").asText()).isEqualTo("parity");
    assertThat(overview.get("rho").asDouble()).isEqualTo(0.6);
    assertThat(overview.get("accuracyTrain").asDouble()).isEqualTo(2.0 / 3);
    assertThat(overview.get("depthTrain").asDouble()).isEqualTo(7.0 / 3);
    assertThat(overview.has("accuracyExtrapolation")).isFalse();
    // Two model runs (i-1, i-2) arrived just now.
    assertThat(snapshot.get("operator").get("runsPerSecond").asDouble()).isEqualTo(0.2);
    assertThat(snapshot.get("operator").get("activeAlerts").asLong()).isZero();

    // The row is the job's reports: instances from generalization, the rest from the cumulative
    // alignment report, whatever the halting events on their own would say.
    MonitorState.Row row = state.summary().get(0);
    AlignmentReport cumulative = report(WindowScope.CUMULATIVE, 0.6);
    assertThat(row.instances()).isEqualTo(2);
    assertThat(row.accuracy()).isEqualTo(cumulative.getAccuracy());
    assertThat(row.meanDepth()).isEqualTo(cumulative.getMeanDepth());
    assertThat(row.rho()).isEqualTo(0.6);

    ObjectNode timeline = state.instance("i-1");
    assertThat(timeline.get("tokens")).hasSize(2);
    assertThat(timeline.get("tokens").get(1).get("lambda").toString()).isEqualTo("[0.1,0.2,0.7]");
    assertThat(state.instance("nope")).isNull();
  }

  @Test
  void deadLettersAreCountedByReason() {
    MonitorState state = new MonitorState();
    for (String reason : List.of("LATE_EVENT", "UNMATCHED", "LATE_EVENT")) {
      state.add(
          dev.anira.schemas.serde.DeadLetters.of(
              "anira.halting",
              0,
              1L,
              null,
              new byte[] {1},
              new IllegalStateException("x"),
              reason,
              "t"));
    }
    assertThat(state.deadLettersByReason())
        .containsExactly(
            java.util.Map.entry("LATE_EVENT", 2L), java.util.Map.entry("UNMATCHED", 1L));
    assertThat(state.snapshot().get("deadLetters").toString())
        .isEqualTo("{\"LATE_EVENT\":2,\"UNMATCHED\":1}");
  }

  @Test
  void aTrainingRunShowsOnePointPerEvaluationWithTheRhoOfItsWindow() {
    MonitorState state = new MonitorState();
    String run = "parity-online@r";
    // Update 40 at event time 5 s: depths 2, 2, 3 (one wrong); update 80 at 15 s: depth 1 twice.
    int[][] depths = {{2, 2, 3}, {1, 1}};
    int[] updates = {40, 80};
    for (int e = 0; e < 2; e++) {
      for (int i = 0; i < depths[e].length; i++) {
        HaltingEvent event =
            event(
                "u" + updates[e] + "-" + i, 0, depths[e][i], 2, !(e == 0 && i == 2), List.of(0.9f));
        event.setModelId(run);
        event.setTrainingUpdate(updates[e]);
        event.setEventTime(Instant.ofEpochMilli(5_000 + 10_000L * e));
        state.add(event);
      }
    }
    AlignmentReport window = report(WindowScope.WINDOW, 0.4); // [0 s, 10 s): holds update 40
    window.setModelId(run);
    state.add(window);

    var runs = state.snapshot().get("runs");
    assertThat(runs).hasSize(1);
    var evaluations = runs.get(0).get("evaluations");
    assertThat(evaluations).hasSize(2);
    var first = evaluations.get(0);
    assertThat(first.get("update").asInt()).isEqualTo(40);
    assertThat(first.get("rho").asDouble()).isEqualTo(0.4);
    assertThat(first.get("train").get("accuracy").asDouble()).isEqualTo(2.0 / 3);
    assertThat(first.get("train").get("meanDepth").asDouble()).isEqualTo(7.0 / 3);
    assertThat(first.get("train").get("distinctDepths").asInt()).isEqualTo(2);
    // -(2/3 log2 2/3 + 1/3 log2 1/3)
    assertThat(first.get("train").get("depthEntropy").asDouble())
        .isCloseTo(0.9182958340544896, org.assertj.core.api.Assertions.within(1e-12));
    var second = evaluations.get(1);
    assertThat(second.has("rho")).isFalse(); // no window report holds it yet
    assertThat(second.get("train").get("dominantDepthShare").asDouble()).isEqualTo(1.0);
    // The run is not one of the overview's served models.
    assertThat(state.snapshot().get("overview").findValuesAsText("modelId")).doesNotContain(run);
  }

  @Test
  void onlyTheLatestInstancesAreKept() {
    MonitorState state = new MonitorState();
    for (int i = 0; i < MonitorState.MAX_INSTANCES + 10; i++) {
      state.add(event("i-" + i, 0, 1, 1, true, List.of(0.9f)));
    }
    assertThat(state.instance("i-0")).isNull();
    assertThat(state.instance("i-" + (MonitorState.MAX_INSTANCES + 9))).isNotNull();
  }

  private static HaltingEvent event(
      String id, int answerIndex, int depth, int complexity, boolean correct, List<Float> lambda) {
    return HaltingEvent.newBuilder()
        .setInstanceId(id)
        .setModelId("m-online")
        .setMechanism(Mechanism.ONLINE)
        .setTask("parity")
        .setSize(3)
        .setSplit(Split.TRAIN)
        .setPosition(answerIndex)
        .setAnswerIndex(answerIndex)
        .setDepth(depth)
        .setMaxDepth(12)
        .setComplexity(complexity)
        .setComplexityAlgorithm("sequential")
        .setLag(depth - complexity)
        .setPrediction(correct ? 1 : 0)
        .setTarget(1)
        .setCorrect(correct)
        .setHaltProbability(lambda.get(lambda.size() - 1))
        .setStepHaltProbabilities(lambda)
        .setStaticFeatures(List.of())
        .setAlgorithmFeatures(List.of())
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }

  private static AlignmentReport report(WindowScope scope, double rho) {
    return AlignmentReport.newBuilder()
        .setModelId("m-online")
        .setMechanism(Mechanism.ONLINE)
        .setTask("parity")
        .setSizeBucket("2-3")
        .setSplit(Split.TRAIN)
        .setScope(scope)
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.ofEpochMilli(10_000))
        .setMaxDepth(12)
        .setTokens(3)
        .setCorrectTokens(2)
        .setAccuracy(2.0 / 3)
        .setMeanDepth(2)
        .setMeanComplexity(2)
        .setComputeSaved(0.8)
        .setSpearmanCorrect(rho)
        .setPremature(0)
        .setOnTime(2)
        .setLate(1)
        .setLagHistogram(List.of())
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }
}
