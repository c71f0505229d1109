package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head self-attention, written out because DJL's TransformerEncoderBlock normalises with
 * BatchNorm. Queries and keys/values may come from different states of the same tokens: during
 * recurrence a token that has halted still serves keys and values from its frozen state.
 *
 * <p>{@link ModelConfig.Attention#CAUSAL}: a token sees itself and the tokens before it. {@link
 * ModelConfig.Attention#BIDIRECTIONAL}: it sees every real token of its sequence, as the problem
 * part of a prefix LM does; every token of an instance is there from step 0 (the model answers
 * positions, it does not generate), so the step-by-step semantics are unchanged.
 */
final class SelfAttention {

  /** Added to masked scores; large enough that softmax gives exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  private final int heads;
  private final int headDim;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;
  private final NDArray scale;
  private final boolean causal;

  SelfAttention(
      NDManager manager,
      Weights weights,
      String name,
      int dim,
      int heads,
      double outputStd,
      ModelConfig.Attention attention) {
    this.causal = attention == ModelConfig.Attention.CAUSAL;
    this.heads = heads;
    this.headDim = dim / heads;
    this.query = new Linear(weights, name + ".query", dim, dim);
    this.key = new Linear(weights, name + ".key", dim, dim);
    this.value = new Linear(weights, name + ".value", dim, dim);
    this.output = new Linear(weights, name + ".output", dim, dim, outputStd, 0f);
    // A tensor, not a Java float: mul(Number) corrupts gradients on the PyTorch engine (STACK.md).
    this.scale = manager.create((float) (1.0 / Math.sqrt(headDim)));
  }

  /**
   * @param queries [B, T, d], already normalised
   * @param context [B, T, d], already normalised; source of keys and values
   * @param lengths [B] real tokens per row; the rest is right padding
   */
  NDArray apply(NDArray queries, NDArray context, int[] lengths) {
    Shape shape = queries.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    NDArray q = splitHeads(query.apply(queries), batch, length);
    NDArray scores =
        q.matMul(keysTransposed(context, batch, length))
            .mul(scale)
            .add(mask(q.getManager(), causal, lengths, length));
    NDArray v = splitHeads(value.apply(context), batch, length);
    NDArray mixed = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3);
    return output.apply(mixed.reshape(batch, length, (long) heads * headDim));
  }

  /** [B, T, d] to [B, heads, T, d/heads]. */
  private NDArray splitHeads(NDArray x, long batch, long length) {
    return x.reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
  }

  /**
   * Kᵀ per head, [B, heads, d/heads, T]: the same view as transposing {@link #splitHeads}'s result,
   * in one permutation instead of two.
   */
  private NDArray keysTransposed(NDArray context, long batch, long length) {
    return key.apply(context).reshape(batch, length, heads, headDim).transpose(0, 2, 3, 1);
  }

  /** 1/√(d/heads), the scale of the scores: a float32 scalar tensor. */
  NDArray scale() {
    return scale;
  }

  /**
   * Additive mask: [T, T] causal (right padding is never seen), or [B, 1, 1, T] hiding each row's
   * padding.
   *
   * @param lengths [B] real tokens per row
   */
  static NDArray mask(NDManager manager, boolean causal, int[] lengths, long length) {
    int n = Math.toIntExact(length);
    if (!causal) {
      float[] mask = new float[lengths.length * n];
      for (int b = 0; b < lengths.length; b++) {
        java.util.Arrays.fill(mask, b * n + lengths[b], (b + 1) * n, MASKED);
      }
      return manager.create(mask, new Shape(lengths.length, 1, 1, n));
    }
    float[] mask = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        mask[i * n + j] = MASKED;
      }
    }
    return manager.create(mask, new Shape(n, n));
  }
}
