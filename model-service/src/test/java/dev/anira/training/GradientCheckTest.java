package dev.anira.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.anira.model.Anira;
import dev.anira.model.TinyModels;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagated gradients against central differences, for every parameter tensor of a tiny model,
 * including the halting head and the router. Halting decisions are hard, so the tiny models are
 * built with decisions far from their thresholds and the step stays small.
 */
class GradientCheckTest {

  private static final float EPSILON = 2e-3f;

  /**
   * Every mechanism under PonderNet's objective, and EARLY under ALL, whose router term only uses
   * the stopped losses to pick the target depth (piecewise constant). ONLINE under ALL is left out
   * on purpose: its {@code Σ p^k·sg(CE_k)} term is a surrogate whose gradient differs from the
   * derivative of its value; {@link PonderLossTest} checks what that gradient reaches.
   */
  static Stream<Arguments> variants() {
    return Stream.concat(
        Arrays.stream(Mechanism.values())
            .map(m -> Arguments.of(m, PonderLoss.DepthSupervision.EXPECTED)),
        Stream.of(Arguments.of(Mechanism.EARLY, PonderLoss.DepthSupervision.ALL)));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyParameterGetsItsTrueGradient(
      Mechanism mechanism, PonderLoss.DepthSupervision supervision) {
    Task parity = Tasks.byName("parity");
    List<Example> examples = new ArrayList<>();
    for (int seed = 0; seed < 4; seed++) {
      examples.add(
          new Example(
              TaskGenerator.generate(parity, Params.of(parity, Map.of("length", 5)), seed)));
    }
    TrainingConfig config =
        new TrainingConfig(
            "parity",
            "5",
            "6",
            Map.of(),
            null,
            1,
            4,
            1,
            1e-3,
            0,
            TrainingConfig.Schedule.COSINE,
            0.05,
            0.0,
            PonderLoss.Regulariser.KL,
            0.3,
            1,
            1,
            1,
            supervision,
            PonderLoss.RegulariserTokens.ALL,
            0);
    try (Anira model = TinyModels.create(mechanism, 21)) {
      Trainer trainer = new Trainer(model, config, () -> examples.get(0), Map.of());
      // Analytic gradients.
      Map<String, float[]> analytic = new java.util.LinkedHashMap<>();
      try (NDManager scope = model.newScope()) {
        TrainingBatch batch = TrainingBatch.of(examples, model.config().vocabSize(), scope);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(trainer.forward(scope, batch).terms().total());
        }
        model
            .weights()
            .all()
            .forEach(
                (name, w) -> {
                  NDArray g = w.getGradient();
                  analytic.put(name, g.toFloatArray());
                  g.subi(g);
                  g.close();
                });
      }
      SplittableRandom random = new SplittableRandom(5);
      int checked = 0;
      for (Map.Entry<String, NDArray> entry : model.weights().all().entrySet()) {
        NDArray weight = entry.getValue();
        float[] values = weight.toFloatArray();
        float[] gradient = analytic.get(entry.getKey());
        for (int probe = 0; probe < 3; probe++) {
          int i = random.nextInt(values.length);
          float original = values[i];
          values[i] = original + EPSILON;
          weight.set(values);
          double up = loss(trainer, model, examples);
          values[i] = original - EPSILON;
          weight.set(values);
          double down = loss(trainer, model, examples);
          values[i] = original;
          weight.set(values);
          double numeric = (up - down) / (2 * EPSILON);
          assertThat(gradient[i])
              .as("d loss / d %s[%d] (numeric %.6f)", entry.getKey(), i, numeric)
              .isCloseTo(
                  (float) numeric,
                  org.assertj.core.api.Assertions.within(
                      (float) (3e-3 + 0.03 * Math.abs(numeric))));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(20);
      if (mechanism == Mechanism.ONLINE) {
        assertThat(analytic).containsKey("haltingHead.linear.weight");
      }
      if (mechanism == Mechanism.EARLY) {
        assertThat(analytic).containsKey("router.linear.weight");
      }
    }
  }

  private static double loss(Trainer trainer, Anira model, List<Example> examples) {
    try (NDManager scope = model.newScope()) {
      TrainingBatch batch = TrainingBatch.of(examples, model.config().vocabSize(), scope);
      return trainer.forward(scope, batch).terms().total().getFloat();
    }
  }
}
