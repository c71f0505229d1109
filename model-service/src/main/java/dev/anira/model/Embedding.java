package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Token embedding plus sinusoidal positions. Positions are computed, not learned, so a length never
 * seen in training still has a defined encoding (the extrapolation split depends on it).
 */
final class Embedding {

  private final NDArray tokenTable;
  private final int vocabSize;
  private final int dim;

  /**
   * The positions of the longest sequence seen (a shorter sequence's are its first rows), computed
   * once per new longest length and kept with the model ([T_max, d] floats). Replaced whole, never
   * written into.
   */
  private volatile float[] longestPositions = new float[0];

  Embedding(Weights weights, ModelConfig config) {
    this.vocabSize = config.vocabSize();
    this.dim = config.modelDim();
    this.tokenTable = weights.normal("embedding.tokens", 1.0, vocabSize, dim);
  }

  /** Copies of the token table's rows: [vocab, d_model]. */
  float[][] tokenTable() {
    float[] flat = tokenTable.toFloatArray();
    float[][] rows = new float[vocabSize][];
    for (int row = 0; row < vocabSize; row++) {
      rows[row] = Arrays.copyOfRange(flat, row * dim, (row + 1) * dim);
    }
    return rows;
  }

  /**
   * Replaces the token table.
   *
   * @param rows [vocab, d_model]
   * @throws IllegalArgumentException if the shape differs
   */
  void setTokenTable(float[][] rows) {
    if (rows.length != vocabSize) {
      throw new IllegalArgumentException("expected " + vocabSize + " rows, got " + rows.length);
    }
    float[] flat = new float[vocabSize * dim];
    for (int row = 0; row < vocabSize; row++) {
      if (rows[row].length != dim) {
        throw new IllegalArgumentException(
            "expected rows of " + dim + " values, row " + row + " has " + rows[row].length);
      }
      System.arraycopy(rows[row], 0, flat, row * dim, dim);
    }
    tokenTable.set(flat);
  }

  /**
   * @param tokens [B, T] int32 token ids
   * @return [B, T, d]
   */
  NDArray apply(NDArray tokens) {
    // One-hot times the table instead of a gather: cheap at these vocabulary sizes and its
    // gradient is an ordinary matmul.
    NDArray embedded = tokens.oneHot(vocabSize).matMul(tokenTable);
    return embedded.add(positions(tokens.getManager(), tokens.getShape().get(1)));
  }

  /**
   * The sinusoidal positions of a sequence of {@code length} tokens (Vaswani et al. 2017, §3.5).
   *
   * @return [length, d] in {@code manager}
   */
  NDArray positions(NDManager manager, long length) {
    int n = Math.toIntExact(length * dim);
    float[] table = longestPositions;
    if (table.length < n) {
      synchronized (this) {
        table = longestPositions;
        if (table.length < n) {
          table = positions(length);
          longestPositions = table;
        }
      }
    }
    return manager.create(Arrays.copyOf(table, n), new Shape(length, dim));
  }

  private float[] positions(long length) {
    float[] table = new float[Math.toIntExact(length * dim)];
    for (int pos = 0; pos < length; pos++) {
      for (int i = 0; i < dim / 2; i++) {
        double angle = pos / Math.pow(10_000, 2.0 * i / dim);
        table[pos * dim + 2 * i] = (float) Math.sin(angle);
        table[pos * dim + 2 * i + 1] = (float) Math.cos(angle);
      }
    }
    return table;
  }
}
