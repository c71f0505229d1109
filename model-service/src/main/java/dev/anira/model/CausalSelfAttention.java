package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head causal attention, written out because DJL's TransformerEncoderBlock normalises with
 * BatchNorm. Queries and keys/values may come from different states of the same tokens: during
 * recurrence a token that has halted still serves keys and values from its frozen state.
 */
final class CausalSelfAttention {

  /** Added to masked scores; large enough that softmax gives exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  private final int heads;
  private final int headDim;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;
  private final NDArray scale;

  CausalSelfAttention(
      NDManager manager, Weights weights, String name, int dim, int heads, double outputStd) {
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
   */
  NDArray apply(NDArray queries, NDArray context) {
    Shape shape = queries.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    NDArray q = splitHeads(query.apply(queries), batch, length);
    NDArray k = splitHeads(key.apply(context), batch, length);
    NDArray v = splitHeads(value.apply(context), batch, length);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(causalMask(q, length));
    NDArray mixed = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3);
    return output.apply(mixed.reshape(batch, length, (long) heads * headDim));
  }

  /**
   * Attention for gathered queries: query n [N, d] belongs to row {@code rows[n]} at position
   * {@code positions[n]} and attends to that row's keys and values up to its position.
   *
   * @param context [B, T, d], already normalised
   */
  NDArray applyGathered(NDArray queries, NDArray context, NDArray rows, long[] positions) {
    long n = queries.getShape().get(0);
    long batch = context.getShape().get(0);
    long length = context.getShape().get(1);
    NDArray q = query.apply(queries).reshape(n, heads, 1, headDim);
    ai.djl.ndarray.index.NDIndex byRow = new ai.djl.ndarray.index.NDIndex("{}", rows);
    NDArray k = splitHeads(key.apply(context), batch, length).get(byRow);
    NDArray v = splitHeads(value.apply(context), batch, length).get(byRow);
    float[] mask = new float[Math.toIntExact(n * length)];
    for (int i = 0; i < n; i++) {
      for (long t = positions[i] + 1; t < length; t++) {
        mask[Math.toIntExact(i * length + t)] = MASKED;
      }
    }
    NDArray scores =
        q.matMul(k.transpose(0, 1, 3, 2))
            .mul(scale)
            .add(queries.getManager().create(mask, new Shape(n, 1, 1, length)));
    NDArray mixed = scores.softmax(-1).matMul(v);
    return output.apply(mixed.reshape(n, (long) heads * headDim));
  }

  private NDArray splitHeads(NDArray x, long batch, long length) {
    return x.reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
  }

  private static NDArray causalMask(NDArray like, long length) {
    int n = Math.toIntExact(length);
    float[] mask = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        mask[i * n + j] = MASKED;
      }
    }
    return like.getManager().create(mask, new Shape(n, n));
  }
}
