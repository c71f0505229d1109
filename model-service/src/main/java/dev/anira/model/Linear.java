package dev.anira.model;

import ai.djl.ndarray.NDArray;

/** {@code y = x·W + b}; W is stored [in, out] so the product needs no transpose. */
final class Linear {

  private final NDArray weight;
  private final NDArray bias;

  Linear(Weights weights, String name, int in, int out, double std, float biasInit) {
    this.weight = weights.normal(name + ".weight", std, in, out);
    this.bias = weights.constant(name + ".bias", biasInit, out);
  }

  /** Fan-in scaled initialisation, zero bias. */
  Linear(Weights weights, String name, int in, int out) {
    this(weights, name, in, out, 1.0 / Math.sqrt(in), 0f);
  }

  NDArray apply(NDArray x) {
    return x.matMul(weight).add(bias);
  }
}
