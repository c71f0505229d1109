package dev.anira.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anira.model.ModelConfig;
import dev.anira.model.StepTensors;
import dev.anira.schemas.Mechanism;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loss on hand-made per-depth outputs: with {@code ALL}, every depth's readout gets a gradient
 * even where the halting distribution puts (almost) no mass; with PonderNet's {@code EXPECTED} the
 * depths the halting ignores get none, which is how EARLY's router collapsed.
 */
class PonderLossTest {

  private static final int DEPTH = 4;
  private static final int VOCAB = 3;
  private static final int LENGTH = 3;

  @ParameterizedTest
  @EnumSource(
      value = Mechanism.class,
      names = {"ONLINE", "EARLY"})
  void allTrainsEveryDepthsReadout(Mechanism mechanism) {
    float[][] gradients = readoutGradients(mechanism, PonderLoss.DepthSupervision.ALL);
    for (int k = 0; k < DEPTH; k++) {
      assertThat(norm(gradients[k])).as("gradient at depth %d", k + 1).isGreaterThan(1e-3);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mechanism.class,
      names = {"ONLINE", "EARLY"})
  void expectedStarvesTheDepthsTheHaltingIgnores(Mechanism mechanism) {
    float[][] gradients = readoutGradients(mechanism, PonderLoss.DepthSupervision.EXPECTED);
    // All halting mass is on depth 1: the deeper readouts learn (almost) nothing.
    assertThat(norm(gradients[0])).isGreaterThan(1e-2);
    for (int k = 1; k < DEPTH; k++) {
      assertThat(norm(gradients[k])).as("gradient at depth %d", k + 1).isLessThan(1e-4);
    }
  }

  /** d loss / d logits^k for each depth k, with the halting certain to stop at depth 1. */
  private static float[][] readoutGradients(
      Mechanism mechanism, PonderLoss.DepthSupervision supervision) {
    ModelConfig config =
        new ModelConfig(
            VOCAB, 4, 1, 4, 0, DEPTH, mechanism, DEPTH, 0.5, ModelConfig.Attention.CAUSAL);
    PonderLoss loss =
        new PonderLoss(
            config,
            PonderLoss.Regulariser.STEPS,
            0.2,
            supervision,
            PonderLoss.RegulariserTokens.ANSWERS);
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> logits = new ArrayList<>();
      List<StepTensors> steps = new ArrayList<>();
      for (int k = 0; k < DEPTH; k++) {
        NDArray readout = manager.randomNormal(new Shape(1, LENGTH, VOCAB));
        readout.setRequiresGradient(true);
        logits.add(readout);
        // ONLINE: λ^1 = σ(20) ≈ 1, so p^1 ≈ 1.
        NDArray halt =
            mechanism == Mechanism.ONLINE ? manager.full(new Shape(1, LENGTH), 20f) : null;
        steps.add(new StepTensors(readout, halt));
      }
      float[] router = new float[LENGTH * DEPTH];
      for (int t = 0; t < LENGTH; t++) {
        router[t * DEPTH] = 20f; // EARLY: softmax ≈ one-hot on depth 1
      }
      NDArray routerLogits =
          mechanism == Mechanism.EARLY ? manager.create(router, new Shape(1, LENGTH, DEPTH)) : null;
      // Answers at positions 1 and 2, target token 2.
      NDArray targets =
          manager.create(new float[] {0, 0, 0, 0, 0, 1, 0, 0, 1}, new Shape(1, LENGTH, VOCAB));
      NDArray answers = manager.create(new float[] {0, 1, 1}, new Shape(1, LENGTH));
      NDArray real = manager.ones(new Shape(1, LENGTH));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(
            loss.compute(manager, 0.01, true, steps, routerLogits, targets, answers, real).total());
      }
      float[][] gradients = new float[DEPTH][];
      for (int k = 0; k < DEPTH; k++) {
        gradients[k] = logits.get(k).getGradient().toFloatArray();
      }
      return gradients;
    }
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }
}
