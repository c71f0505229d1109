package dev.anira.model;

import ai.djl.ndarray.NDArray;

/**
 * The one thing the three mechanisms do differently (docs/design.md §2): at step k, whether each
 * token halts, the halting probability it reports and the halting mass spent so far. Everything
 * else of the model is identical, which is the point of the comparison. One type per mechanism:
 * {@link HaltingHead} (ONLINE), {@link Router} (EARLY), {@link FixedDepth} (FIXED).
 */
interface HaltingRule {

  /**
   * The cells a decision is for: the [B, T] grid of the whole-sequence pass (step-by-step inference
   * decides in {@link CompiledStep}, which mirrors these rules).
   *
   * @param state the cells' states after this step, [B, T, d]
   * @param steps k, the step just taken, per cell
   * @param cumulative halting mass spent before this step, per cell
   * @param planned EARLY's planned depth per cell; null otherwise
   * @param routerCumulative EARLY's cumulative depth distribution per cell, [..., D_max]; null
   *     otherwise
   */
  record Cells(
      NDArray state,
      NDArray steps,
      NDArray cumulative,
      NDArray planned,
      NDArray routerCumulative) {}

  /**
   * @param haltLogits ONLINE's logits, with gradients for training; null otherwise
   * @param hazard the halting probability reported at this step
   * @param cumulative halting mass spent after this step
   * @param halt whether the cell halts at this step
   */
  record Decision(NDArray haltLogits, NDArray hazard, NDArray cumulative, NDArray halt) {}

  /**
   * EARLY's plan, made once from the prelude's output.
   *
   * @param logits [B, T, D_max] the router's logits over depths 1..D_max
   * @param cumulative [B, T, D_max] the cumulative distribution over depths
   * @param planned [B, T] the depth each token will run (argmax, 1-based)
   */
  record Plan(NDArray logits, NDArray cumulative, NDArray planned) {}

  /** The plan made at the prelude; only EARLY plans. */
  default Plan plan(NDArray preludeOutput) {
    return null;
  }

  Decision decide(Cells cells);

  /** The rule of {@code config}'s mechanism, its parameters created in {@code weights}. */
  static HaltingRule of(Weights weights, ModelConfig config) {
    return switch (config.mechanism()) {
      case ONLINE -> new HaltingHead(weights, config);
      case EARLY -> new Router(weights, config);
      case FIXED -> new FixedDepth(config);
    };
  }
}
