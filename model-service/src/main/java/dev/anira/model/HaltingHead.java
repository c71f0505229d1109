package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;

/**
 * ANIRA-O, online halting: {@code λ_i^k = σ(w·LN(h_i^k) + b)}; a token halts at the first k with
 * {@code λ_i^k ≥ τ}, or at D_max, where λ counts as 1. The halting mass after step k is {@code 1 −
 * ∏_{j≤k}(1 − λ_i^j)} (docs/design.md §2).
 */
final class HaltingHead implements HaltingRule {

  /** σ(−3) ≈ 0.05: tokens start deep. A bias at 0 makes them halt after about two steps. */
  static final float INITIAL_BIAS = -3f;

  private final LayerNorm norm;
  private final Linear linear;
  private final int maxDepth;
  private final double threshold;

  HaltingHead(Weights weights, ModelConfig config) {
    this.norm = new LayerNorm(weights, "haltingHead.norm", config.modelDim());
    this.linear =
        new Linear(
            weights,
            "haltingHead.linear",
            config.modelDim(),
            1,
            0.1 / Math.sqrt(config.modelDim()),
            INITIAL_BIAS);
    this.maxDepth = config.maxDepth();
    this.threshold = config.haltThreshold();
  }

  /** Sets w [d_model] and b of {@code λ = σ(w·LN(h) + b)}. */
  void set(float[] weight, float bias) {
    linear.set(weight, new float[] {bias});
  }

  /** Halting logits {@code w·LN(h)+b}, one per token: [B, T] for [B, T, d]. */
  NDArray apply(NDArray state) {
    NDArray logits = linear.apply(norm.apply(state));
    return logits.squeeze(new int[] {logits.getShape().dimension() - 1});
  }

  @Override
  public Decision decide(Cells cells) {
    NDArray atMax = cells.steps().eq(maxDepth);
    NDArray haltLogits = apply(cells.state());
    NDArray lambda = Activation.sigmoid(haltLogits.stopGradient());
    NDArray hazard = NDArrays.where(atMax, lambda.onesLike(), lambda);
    NDArray spent = cells.cumulative();
    return new Decision(
        haltLogits,
        hazard,
        spent.add(spent.neg().add(1).mul(hazard)),
        lambda.gte(threshold).logicalOr(atMax));
  }
}
