package dev.anira.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.anira.model.Anira;
import dev.anira.model.ModelConfig;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  private static final Task PARITY = Tasks.byName("parity");

  @TempDir Path dir;

  @Test
  void aShortParityRunHalvesTheLoss() {
    TrainingConfig config = config(150, 0.003);
    List<Double> losses = new ArrayList<>();
    try (Anira model = newModel(config)) {
      new Trainer(model, config, data(config), Map.of()).train(p -> losses.add(p.loss()));
    }
    double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
    double last =
        losses.subList(losses.size() - 10, losses.size()).stream()
            .mapToDouble(d -> d)
            .average()
            .orElseThrow();
    assertThat(last).as("mean loss of the last 10 updates vs the first 5").isLessThan(first / 2);
  }

  @Test
  void theSameSeedGivesBitIdenticalWeights() throws Exception {
    TrainingConfig config = config(6, 0.003);
    String[] checksums = new String[2];
    for (int run = 0; run < 2; run++) {
      try (Anira model = newModel(config)) {
        new Trainer(model, config, data(config), Map.of()).train(p -> {});
        checksums[run] =
            Checkpoint.save(dir.resolve("run" + run), "m", model, config, "t", Map.of(), 0)
                .weightsSha256();
      }
    }
    assertThat(checksums[1]).isEqualTo(checksums[0]);
  }

  @Test
  void aShortEarlyParityRunDoesNotCollapseOntoOneDepth() {
    TrainingConfig config =
        new TrainingConfig(
            "parity",
            "2..12",
            "13..16",
            Map.of(),
            null,
            200,
            16,
            1,
            0.003,
            10,
            TrainingConfig.Schedule.CONSTANT,
            0.01,
            0.5,
            PonderLoss.Regulariser.STEPS,
            0.2,
            1,
            1000,
            64,
            PonderLoss.DepthSupervision.ALL,
            PonderLoss.RegulariserTokens.ANSWERS,
            0.3);
    ModelConfig early =
        new ModelConfig(
            PARITY.vocabSize(),
            32,
            4,
            64,
            1,
            6,
            Mechanism.EARLY,
            6,
            0.5,
            ModelConfig.Attention.CAUSAL);
    try (Anira model = Anira.create(early, Device.cpu(), config.seed())) {
      new Trainer(model, config, data(config), Map.of()).train(p -> {});
      var evaluation =
          new dev.anira.evaluation.Evaluator(64)
              .evaluate(
                  model,
                  EvalSets.of(PARITY, config, Map.of(), config.seed()).get(Trainer.TRAIN_SET));
      assertThat(evaluation.distinctDepths())
          .as("depths used by EARLY after 200 updates: %s", evaluation.depthHistogram())
          .isGreaterThanOrEqualTo(2);
      assertThat(evaluation.largestDepthShare()).isLessThan(0.95);
    }
  }

  private static TrainingConfig config(int steps, double learningRate) {
    return new TrainingConfig(
        "parity",
        "2..6",
        "7..8",
        Map.of(),
        null,
        steps,
        16,
        1,
        learningRate,
        10,
        TrainingConfig.Schedule.COSINE,
        0.01,
        0.0,
        PonderLoss.Regulariser.STEPS,
        0.2,
        1,
        1000,
        8,
        PonderLoss.DepthSupervision.EXPECTED,
        PonderLoss.RegulariserTokens.ALL,
        0);
  }

  private static Anira newModel(TrainingConfig config) {
    ModelConfig small =
        new ModelConfig(
            PARITY.vocabSize(),
            32,
            4,
            64,
            1,
            6,
            Mechanism.ONLINE,
            6,
            0.5,
            ModelConfig.Attention.CAUSAL);
    return Anira.create(small, Device.cpu(), config.seed());
  }

  private static TrainingData data(TrainingConfig config) {
    return TrainingData.fromTaskLibrary(
        PARITY, SizeRange.parse(config.trainSizes()), Map.of(), config.seed());
  }
}
