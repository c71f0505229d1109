package dev.anira.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.anira.model.ModelConfig;
import dev.anira.model.StepTensors;
import dev.anira.schemas.Mechanism;
import java.util.List;

/**
 * The training objective, per answer position, averaged over answer positions (docs/design.md §2;
 * the formulas are in model-service/README.md, "Training objective"):
 *
 * <ul>
 *   <li>{@link DepthSupervision#ALL} (default): every depth's readout is trained equally and the
 *       halting distribution p is chosen from the per-depth losses (sg = stop-gradient) without
 *       deciding which depth gets trained. ONLINE: {@code (1/D)·Σ_k CE_k + Σ_k p^k·sg(CE_k) +
 *       β·R(p)}. EARLY: {@code (1/D)·Σ_k CE_k − log p^{k*}} with {@code k* = argmin_k sg(CE_k) +
 *       β·k}, the router trained as a classifier of each token's cheapest best depth.
 *   <li>{@link DepthSupervision#EXPECTED}: PonderNet's {@code Σ_k p^k·CE_k + β·R(p)} (Banino et al.
 *       2021, eq. 6). Each depth is trained in proportion to its own halting mass, so the depth
 *       that gets most mass early trains best and takes the rest: EARLY's router collapses onto one
 *       depth even at β = 0.
 * </ul>
 *
 * <p>ONLINE's halting distribution is {@code p^k = λ^k ∏_{j<k}(1−λ^j)} with {@code λ^{D_max} = 1};
 * EARLY's is the router's softmax; FIXED is plain cross-entropy at its depth. The regulariser R
 * covers answer positions ({@link RegulariserTokens#ANSWERS}, default) or every real token.
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

  /** Which depths' readouts the task term trains. */
  public enum DepthSupervision {
    /** Every depth equally; the halting distribution learns from the stopped per-depth losses. */
    ALL,
    /** Each depth by its halting mass p^k (PonderNet). */
    EXPECTED
  }

  /** The tokens whose halting the regulariser prices. */
  public enum RegulariserTokens {
    /** Answer positions only, as the task term. */
    ANSWERS,
    /**
     * Every real token: input tokens then halt at step 1 (nothing else prices their depth), which
     * freezes the context the answers read.
     */
    ALL
  }

  private final ModelConfig config;
  private final Regulariser regulariser;
  private final DepthSupervision supervision;
  private final RegulariserTokens regularised;
  private final float[] logPrior;
  private final float[] depths;

  PonderLoss(
      ModelConfig config,
      Regulariser regulariser,
      double priorLambda,
      DepthSupervision supervision,
      RegulariserTokens regularised) {
    this.config = config;
    this.regulariser = regulariser;
    this.supervision = supervision;
    this.regularised = regularised;
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
   * @param learnHalting false during the halting warm-up: only the readouts are trained, and the
   *     halting head or router keeps its initial decisions (ONLINE: every token runs to D_max)
   * @param steps the model's outputs for steps 1..K (K = D_max, or D for FIXED)
   * @param routerLogits EARLY's [B, T, D] router logits, else null
   * @param targets [B, T, V] one-hot targets (zero rows off the answer positions)
   * @param answerMask [B, T] 1 on answer positions
   * @param realMask [B, T] 1 on real (non-padding) tokens
   */
  Terms compute(
      NDManager scope,
      double beta,
      boolean learnHalting,
      List<StepTensors> steps,
      NDArray routerLogits,
      NDArray targets,
      NDArray answerMask,
      NDArray realMask) {
    NDArray answers = answerMask.sum();
    if (config.mechanism() == Mechanism.FIXED) {
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
    NDArray depthCost = scope.create(depths, new Shape(depths.length));
    NDArray everyDepth = ce.mean(new int[] {2});
    // [B, T] E[k] of every token: the STEPS regulariser, and what the progress bar reports.
    NDArray expectedDepth = halting.mul(depthCost).sum(new int[] {2});
    if (!learnHalting) {
      return new Terms(
          everyDepth.mul(answerMask).sum().div(answers),
          expectedDepth.mul(answerMask).sum().div(answers));
    }
    if (supervision == DepthSupervision.ALL && config.mechanism() == Mechanism.EARLY) {
      // The router learns to classify each answer token's best depth, argmin_k CE_k + β·k. Under
      // the expectation its softmax gradient, p^k·(CE_k − E_p[CE]), vanishes for every depth it
      // has stopped choosing, so it never leaves its first favourite.
      NDArray best =
          ce.stopGradient()
              .add(depthCost.mul(scope.create((float) beta)))
              .argMin(2)
              .oneHot(config.maxDepth());
      NDArray router = logHalting.mul(best).sum(new int[] {2}).neg();
      NDArray total = everyDepth.add(router).mul(answerMask).sum().div(answers);
      return new Terms(total, expectedDepth.mul(answerMask).sum().div(answers));
    }
    NDArray perAnswer =
        supervision == DepthSupervision.ALL
            ? everyDepth.add(halting.mul(ce.stopGradient()).sum(new int[] {2}))
            : halting.mul(ce).sum(new int[] {2});
    NDArray task = perAnswer.mul(answerMask).sum().div(answers);
    NDArray perToken =
        switch (regulariser) {
          case STEPS -> expectedDepth;
          case KL ->
              halting
                  .mul(logHalting.sub(scope.create(logPrior, new Shape(logPrior.length))))
                  .sum(new int[] {2});
        };
    NDArray priced = regularised == RegulariserTokens.ANSWERS ? answerMask : realMask;
    NDArray cost = perToken.mul(priced).sum().div(priced.sum());
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
