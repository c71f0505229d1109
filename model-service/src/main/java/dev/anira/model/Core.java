package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The one shared layer iterated up to D_max times: {@code h^k = Core(h^{k-1} + step(k))}. Keys and
 * values come from the context state, in which halted tokens are frozen.
 */
final class Core {

  private final TransformerLayer layer;
  private final NDArray stepTable;

  Core(NDManager manager, Weights weights, ModelConfig config) {
    this.layer = new TransformerLayer(manager, weights, "core", config);
    this.stepTable = weights.normal("core.step", 0.1, config.maxDepth(), config.modelDim());
  }

  /**
   * One recurrence step.
   *
   * @param state [B, T, d] h^{k-1} of the tokens that ask (queries)
   * @param context [B, T, d] the state every token shows to the others (frozen once halted)
   * @param steps [B] int32, the step k (1-based) each sequence is taking
   * @param lengths [B] real tokens per row
   */
  NDArray apply(NDArray state, NDArray context, NDArray steps, int[] lengths) {
    NDArray step = stepEmbedding(steps).expandDims(1);
    NDArray query = state.add(step);
    return layer.apply(query, state == context ? query : context.add(step), lengths);
  }

  TransformerLayer layer() {
    return layer;
  }

  /** [B, d]: the learned embedding of each sequence's step k. */
  private NDArray stepEmbedding(NDArray steps) {
    // A row lookup: one-hot times the table computes the same with three operations more.
    return stepTable.get(new ai.djl.ndarray.index.NDIndex("{}", steps.sub(1)));
  }
}
