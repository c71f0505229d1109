package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * ANIRA-E, early allocation: reads the prelude output once and gives each token a distribution
 * {@code q_i} over depths 1..D_max; the token runs {@code argmax q_i} steps. At step k it reports
 * the hazard {@code q_i(k) / (1 − Q_i(k−1))} and the mass {@code Q_i(k)}, Q the cumulative
 * distribution (docs/design.md §2).
 */
final class Router implements HaltingRule {

  private final LayerNorm norm;
  private final Linear linear;
  private final int maxDepth;

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
    this.maxDepth = config.maxDepth();
  }

  /** Logits over depths 1..D_max, [B, T, D_max]. */
  NDArray apply(NDArray preludeOutput) {
    return linear.apply(norm.apply(preludeOutput));
  }

  @Override
  public Plan plan(NDArray preludeOutput) {
    NDArray logits = apply(preludeOutput);
    return new Plan(
        logits, logits.softmax(2).cumSum(2), logits.argMax(2).toType(DataType.INT32, false).add(1));
  }

  @Override
  public Decision decide(Cells cells) {
    NDArray pick = cells.steps().sub(1).oneHot(maxDepth);
    NDArray spent = cells.routerCumulative().stopGradient().mul(pick).sum(new int[] {-1});
    NDArray before = cells.cumulative();
    NDArray hazard =
        spent.sub(before).div(before.neg().add(1).maximum(before.getManager().create(1e-12f)));
    return new Decision(null, hazard, spent, cells.planned().eq(cells.steps()));
  }
}
