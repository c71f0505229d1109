package dev.anira.model;

import ai.djl.ndarray.NDArray;

/** ANIRA-O: {@code λ_i^k = σ(w·LN(h_i^k) + b)}; this returns the logit {@code w·LN(h)+b}. */
final class HaltingHead {

  /** σ(−3) ≈ 0.05: tokens start deep. A bias at 0 makes them halt after about two steps. */
  static final float INITIAL_BIAS = -3f;

  private final LayerNorm norm;
  private final Linear linear;

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
  }

  /** Halting logits, one per token: [B, T] for [B, T, d], [N] for [N, d]. */
  NDArray apply(NDArray state) {
    NDArray logits = linear.apply(norm.apply(state));
    return logits.squeeze(new int[] {logits.getShape().dimension() - 1});
  }
}
