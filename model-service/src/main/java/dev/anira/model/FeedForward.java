package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The position-wise MLP of a Transformer layer: Linear, GELU, Linear. */
final class FeedForward {

  private final Linear expand;
  private final Linear contract;

  FeedForward(Weights weights, String name, int dim, int hidden, double outputStd) {
    this.expand = new Linear(weights, name + ".expand", dim, hidden);
    this.contract = new Linear(weights, name + ".contract", hidden, dim, outputStd, 0f);
  }

  NDArray apply(NDArray x) {
    return contract.apply(Activation.gelu(expand.apply(x)));
  }
}
