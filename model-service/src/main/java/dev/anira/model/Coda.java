package dev.anira.model;

import ai.djl.ndarray.NDArray;

/** The readout: LayerNorm and a linear map to the vocabulary. */
final class Coda {

  private final LayerNorm norm;
  private final Linear readout;

  Coda(Weights weights, ModelConfig config) {
    this.norm = new LayerNorm(weights, "coda.norm", config.modelDim());
    this.readout = new Linear(weights, "coda.readout", config.modelDim(), config.vocabSize());
  }

  /** Logits [B, T, V]. */
  NDArray apply(NDArray state) {
    return readout.apply(norm.apply(state));
  }
}
