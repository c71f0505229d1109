package dev.anira.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.anira.model.ModelConfig;
import dev.anira.model.StepTensors;
import java.util.List;

/**
 * PonderNet's objective (DESIGN.md §2): {@code Σ_k p^k·CE(y, Coda(h^k)) + β·R(p)}, the task term
 * over answer positions only, the regulariser R over every real token. ONLINE's halting
 * distribution is {@code p^k = λ^k ∏_{j<k}(1−λ^j)} with {@code λ^{D_max} = 1}; EARLY's is the
 * router's softmax; FIXED is plain cross-entropy at its depth.
 *
 * <p>Every scalar enters as a tensor: {@code mul(Number)} corrupts gradients on the PyTorch engine
 * (STACK.md).
 */
public final class PonderLoss {

  /** The compute regulariser: PonderNet's KL to a geometric prior, or the expected depth. */
  public enum Regulariser {
    /** {@code β·E[k]}: halting moves to the earliest step whose answer is as good as later ones. */
    STEPS,
    /** {@code β·KL(p ‖ Geometric(λ_p))}: PonderNet's choice. */
    KL
  }

  private final ModelConfig config;
  private final Regulariser regulariser;
  private final float[] logPrior;
  private final float[] depths;

  PonderLoss(ModelConfig config, Regulariser regulariser, double priorLambda) {
    this.config = config;
    this.regulariser = regulariser;
    this.logPrior = logGeometric(priorLambda, config.maxDepth());
    this.depths = new float[config.maxDepth()];
    for (int k = 0; k < depths.length; k++) {
      depths[k] = k + 1;
    }
  }

  /** log of Geometric(λ_p) truncated at D: the last depth takes the remaining mass. */
  static float[] logGeometric(double lambda, int depth) {
    float[] log = new float[depth];
    for (int k = 1; k <= depth; k++) {
      double survive = (k - 1) * Math.log1p(-lambda);
      log[k - 1] = (float) (k < depth ? Math.log(lambda) + survive : survive);
    }
    return log;
  }

  /**
   * @param beta the regulariser's weight at this update
   * @param steps the model's outputs for steps 1..K (K = D_max, or D for FIXED)
   * @param routerLogits EARLY's [B, T, D] router logits, else null
   * @param targets [B, T, V] one-hot targets (zero rows off the answer positions)
   * @param answerMask [B, T] 1 on answer positions
   * @param realMask [B, T] 1 on real (non-padding) tokens
   */
  Terms compute(
      NDManager scope,
      double beta,
      List<StepTensors> steps,
      NDArray routerLogits,
      NDArray targets,
      NDArray answerMask,
      NDArray realMask) {
    NDArray answers = answerMask.sum();
    if (config.mechanism() == dev.anira.schemas.Mechanism.FIXED) {
      NDArray last = crossEntropy(steps.get(steps.size() - 1), targets);
      return new Terms(last.mul(answerMask).sum().div(answers), null);
    }
    NDList crossEntropies = new NDList();
    for (StepTensors step : steps) {
      crossEntropies.add(crossEntropy(step, targets));
    }
    NDArray ce = NDArrays.stack(crossEntropies, 2);
    NDArray logHalting =
        switch (config.mechanism()) {
          case ONLINE -> onlineLogDistribution(scope, steps);
          case EARLY -> routerLogits.logSoftmax(2);
          default -> throw new IllegalStateException(config.mechanism().name());
        };
    NDArray halting = logHalting.exp();
    NDArray task = halting.mul(ce).sum(new int[] {2}).mul(answerMask).sum().div(answers);
    NDArray perToken =
        switch (regulariser) {
          case STEPS ->
              halting.mul(scope.create(depths, new Shape(depths.length))).sum(new int[] {2});
          case KL ->
              halting
                  .mul(logHalting.sub(scope.create(logPrior, new Shape(logPrior.length))))
                  .sum(new int[] {2});
        };
    NDArray cost = perToken.mul(realMask).sum().div(realMask.sum());
    return new Terms(task.add(cost.mul(scope.create((float) beta))), cost);
  }

  private static NDArray crossEntropy(StepTensors step, NDArray targets) {
    return step.logits().logSoftmax(2).mul(targets).sum(new int[] {2}).neg();
  }

  /**
   * log p^k from the halting logits z: log λ = −softplus(−z), log(1−λ) = −softplus(z), in log space
   * so tokens far from halting do not underflow.
   */
  private NDArray onlineLogDistribution(NDManager scope, List<StepTensors> steps) {
    NDList logits = new NDList();
    for (StepTensors step : steps) {
      logits.add(step.haltLogits());
    }
    NDArray z = NDArrays.stack(logits, 2);
    NDArray logHalt = Activation.softPlus(z.neg()).neg();
    NDArray logContinue = Activation.softPlus(z).neg();
    NDArray survivedBefore = logContinue.cumSum(2).sub(logContinue);
    float[] notLast = new float[config.maxDepth()];
    java.util.Arrays.fill(notLast, 0, notLast.length - 1, 1f);
    return survivedBefore.add(logHalt.mul(scope.create(notLast, new Shape(notLast.length))));
  }

  /**
   * @param total the loss to minimise
   * @param regulariser the regulariser alone (null for FIXED), for progress reports
   */
  record Terms(NDArray total, NDArray regulariser) {}
}
