package dev.anira.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.anira.evaluation.Evaluation;
import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.modelservice.cli.EvalCommand;
import dev.anira.modelservice.cli.TrainCommand;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import dev.anira.schemas.WindowScope;
import dev.anira.streamjobs.cli.AnalyzeCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short training run with telemetry into a real broker, then the analytics job with every
 * default: one generalization report per evaluation and key, each evaluation's results exactly
 * once, and each evaluation's numbers equal to {@code anira eval} of the checkpoint saved at that
 * update (the same held-out sets: same count and seed).
 */
class TrainingTelemetryIT {

  private static final String MODEL = "parity-online@run-it";
  private static final int EVAL_COUNT = 24;
  private static final long SEED = 3;

  @Test
  void everyEvaluationIsOneReportPerKeyAndEqualsTheEvalOfItsCheckpoint(@TempDir Path tmp)
      throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      assertThat(
              new CommandLine(new TrainCommand())
                  .execute(
                      "--task",
                      "parity",
                      "--mechanism",
                      "online",
                      "--steps",
                      "40",
                      "--batch",
                      "16",
                      "--eval-every",
                      "20",
                      "--eval-count",
                      Integer.toString(EVAL_COUNT),
                      "--seed",
                      Long.toString(SEED),
                      "--out",
                      tmp.toString(),
                      "--telemetry",
                      kafka.bootstrapServers(),
                      "--run-id",
                      "run-it",
                      "--checkpoint-every-eval"))
          .isZero();
      assertThat(
              new CommandLine(new AnalyzeCommand())
                  .execute("--bootstrap", kafka.bootstrapServers(), "--bounded"))
          .isZero();

      // Two evaluations (updates 20 and 40), each set's instances once per evaluation.
      List<InstanceResult> results =
          kafka.readCommitted(
              Topic.RESULTS, InstanceResult.class, 4 * EVAL_COUNT, Duration.ofSeconds(30));
      assertThat(results).hasSize(4 * EVAL_COUNT);
      assertThat(results.stream().map(InstanceResult::getInstanceId).distinct())
          .hasSize(4 * EVAL_COUNT);
      assertThat(
              results.stream().map(InstanceResult::getTrainingUpdate).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(20, 40);
      Set<Instant> times =
          results.stream().map(InstanceResult::getEventTime).collect(Collectors.toSet());
      assertThat(times).hasSize(2); // one event time per evaluation, the default spacing apart
      List<Instant> sorted = times.stream().sorted().toList();
      assertThat(Duration.between(sorted.get(0), sorted.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
      List<HaltingEvent> halting =
          kafka.readCommitted(
              Topic.HALTING, HaltingEvent.class, Integer.MAX_VALUE, Duration.ofSeconds(5));
      assertThat(halting)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.getTrainingUpdate()).isIn(20, 40));

      List<GeneralizationReport> windows =
          kafka
              .readCommitted(
                  Topic.GENERALIZATION,
                  GeneralizationReport.class,
                  Integer.MAX_VALUE,
                  Duration.ofSeconds(5))
              .stream()
              .filter(r -> r.getModelId().equals(MODEL) && r.getScope() == WindowScope.WINDOW)
              .toList();
      Map<String, List<GeneralizationReport>> byKey =
          windows.stream().collect(Collectors.groupingBy(r -> r.getSplit() + "|" + r.getSize()));
      assertThat(byKey).isNotEmpty();
      assertThat(byKey.values()).allSatisfy(reports -> assertThat(reports).hasSize(2));

      // Each evaluation, summed over sizes, is anira eval of the checkpoint saved at its update.
      Map<Integer, Instant> timeOf = new TreeMap<>();
      results.forEach(r -> timeOf.put(r.getTrainingUpdate(), r.getEventTime()));
      for (Map.Entry<Integer, Instant> evaluation : timeOf.entrySet()) {
        Instant time = evaluation.getValue();
        EvalCommand.Report eval =
            EvalCommand.evaluate(
                tmp.resolve("parity-online-u" + evaluation.getKey() + ".json").toString(),
                Device.cpu(),
                EVAL_COUNT,
                SEED);
        Map<Split, double[]> sums = new TreeMap<>();
        for (GeneralizationReport r : windows) {
          if (r.getWindowStart().isAfter(time) || !r.getWindowEnd().isAfter(time)) {
            continue; // another evaluation's window
          }
          double[] s = sums.computeIfAbsent(r.getSplit(), k -> new double[3]);
          s[0] += r.getTokens();
          s[1] += r.getAccuracy() * r.getTokens();
          s[2] += r.getMeanDepth() * r.getTokens();
        }
        String at = "update " + evaluation.getKey();
        assertThat(sums).as(at).containsOnlyKeys(Split.TRAIN, Split.EXTRAPOLATION);
        assertThat(sums.get(Split.TRAIN)[0]).as(at).isEqualTo(eval.train().tokens());
        assertEqualsEval(at + ", train", sums.get(Split.TRAIN), eval.train());
        assertEqualsEval(
            at + ", extrapolation", sums.get(Split.EXTRAPOLATION), eval.extrapolation());
      }
    }
  }

  /**
   * Token-weighted accuracy and mean depth of one split's reports ({@code sums}: tokens, accuracy ×
   * tokens, depth × tokens) equal {@code anira eval}'s.
   */
  private static void assertEqualsEval(String at, double[] sums, Evaluation eval) {
    assertThat(sums[1] / sums[0]).as(at).isCloseTo(eval.accuracy(), within(1e-12));
    assertThat(sums[2] / sums[0]).as(at).isCloseTo(eval.meanDepth(), within(1e-12));
  }
}
