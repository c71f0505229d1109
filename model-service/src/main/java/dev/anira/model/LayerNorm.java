package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the model dimension with a learned gain and shift. */
final class LayerNorm {

  private static final float EPSILON = 1e-5f;

  private final NDArray gain;
  private final NDArray shift;
  private final Shape normalized;

  LayerNorm(Weights weights, String name, int dim) {
    this.gain = weights.constant(name + ".gain", 1f, dim);
    this.shift = weights.constant(name + ".shift", 0f, dim);
    this.normalized = new Shape(dim);
  }

  NDArray apply(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, gain, shift, EPSILON).head();
  }
}
