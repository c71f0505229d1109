package dev.anira.model;

import ai.djl.ndarray.NDArray;

/** ANIRA-E: reads the prelude output once and gives each token a distribution over depths. */
final class Router {

  private final LayerNorm norm;
  private final Linear linear;

  Router(Weights weights, ModelConfig config) {
    this.norm = new LayerNorm(weights, "router.norm", config.modelDim());
    this.linear =
        new Linear(
            weights,
            "router.linear",
            config.modelDim(),
            config.maxDepth(),
            0.1 / Math.sqrt(config.modelDim()),
            0f);
  }

  /** Logits over depths 1..D_max, [B, T, D_max]. */
  NDArray apply(NDArray preludeOutput) {
    return linear.apply(norm.apply(preludeOutput));
  }
}
