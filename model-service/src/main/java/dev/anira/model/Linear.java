package dev.anira.model;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x·W + b}, as PyTorch's {@code torch.nn.functional.linear}: one {@code addmm}, one
 * native call that adds the bias inside the matrix product. W is held [out, in], the layout {@code
 * linear} takes, and stored [in, out] in checkpoints ({@link Weights#matrix}).
 */
final class Linear {

  private final NDArray weight;
  private final NDArray bias;

  Linear(Weights weights, String name, int in, int out, double std, float biasInit) {
    this.weight = weights.matrix(name + ".weight", std, in, out);
    this.bias = weights.constant(name + ".bias", biasInit, out);
  }

  /** Fan-in scaled initialisation, zero bias. */
  Linear(Weights weights, String name, int in, int out) {
    this(weights, name, in, out, 1.0 / Math.sqrt(in), 0f);
  }

  /**
   * Replaces W and b.
   *
   * @param weight W row-major, [in, out]
   * @param bias b, [out]
   * @throws IllegalArgumentException if a length differs from the layer's shape
   */
  void set(float[] weight, float[] bias) {
    requireLength(this.weight, weight.length);
    requireLength(this.bias, bias.length);
    long[] held = this.weight.getShape().getShape();
    this.weight.set(Weights.transpose(weight, (int) held[1], (int) held[0]));
    this.bias.set(bias);
  }

  private static void requireLength(NDArray array, int length) {
    if (array.size() != length) {
      throw new IllegalArgumentException(
          "expected " + array.size() + " values for shape " + array.getShape() + ", got " + length);
    }
  }

  /**
   * @param x [..., in]
   * @return [..., out]
   */
  NDArray apply(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
