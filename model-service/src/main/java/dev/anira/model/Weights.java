package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Every trainable tensor of a model, by name, in creation order. Initial values come from a Java
 * {@link SplittableRandom}, not the engine's generator, so the same seed gives the same bits on any
 * machine and thread count.
 *
 * <p>A tensor has a stored layout (checkpoints, {@link #load}, {@link #stored}) and a held one (the
 * engine's tensor, {@link #all}). They are the same except for {@link #matrix}: stored [in, out],
 * held [out, in], the layout {@code torch.nn.functional.linear} takes, so that a linear layer is
 * one native call without a transpose.
 */
public final class Weights {

  private final NDManager manager;
  private final SplittableRandom random;
  private final Map<String, NDArray> byName = new LinkedHashMap<>();

  /** The {@link #matrix} tensors: held transposed. */
  private final Set<String> transposed = new HashSet<>();

  public Weights(NDManager manager, long seed) {
    this.manager = manager;
    this.random = new SplittableRandom(seed);
  }

  /** A tensor with entries drawn from N(0, std²). */
  public NDArray normal(String name, double std, long... shape) {
    return register(name, gaussian(Math.toIntExact(new Shape(shape).size()), std), shape);
  }

  /**
   * A weight matrix with entries drawn from N(0, std²), held [out, in]: the same values, drawn in
   * the same order, as {@code normal(name, std, in, out)}, transposed.
   */
  public NDArray matrix(String name, double std, int in, int out) {
    float[] values = gaussian(Math.multiplyExact(in, out), std);
    transposed.add(name);
    return register(name, transpose(values, in, out), new long[] {out, in});
  }

  /** The next {@code count} draws from N(0, std²), in order. */
  private float[] gaussian(int count, double std) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }

  /** {@code values} [rows, cols] row-major, as [cols, rows] row-major. */
  static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  public NDArray constant(String name, float value, long... shape) {
    float[] values = new float[Math.toIntExact(new Shape(shape).size())];
    java.util.Arrays.fill(values, value);
    return register(name, values, shape);
  }

  private NDArray register(String name, float[] values, long[] shape) {
    if (byName.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter " + name);
    }
    NDArray array = manager.create(values, new Shape(shape));
    array.setName(name);
    array.setRequiresGradient(true);
    byName.put(name, array);
    return array;
  }

  /** Every tensor as the engine holds it (see the class comment for layouts). */
  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(byName);
  }

  /** A tensor's stored shape: a {@link #matrix} as [in, out]. */
  public long[] storedShape(String name) {
    long[] held = byName.get(name).getShape().getShape();
    return transposed.contains(name) ? new long[] {held[1], held[0]} : held;
  }

  /** A tensor's values in its stored layout, row-major: a {@link #matrix} as [in, out]. */
  public float[] stored(String name) {
    NDArray held = byName.get(name);
    float[] values = held.toFloatArray();
    if (!transposed.contains(name)) {
      return values;
    }
    long[] shape = held.getShape().getShape();
    return transpose(values, (int) shape[0], (int) shape[1]);
  }

  public long count() {
    return byName.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /**
   * Overwrites every tensor with stored values (in the stored layout); names and shapes must match
   * exactly.
   *
   * @throws CheckpointMismatchException if a name or a shape differs from this model's
   */
  public void load(Map<String, float[]> values, Map<String, long[]> shapes, String source) {
    if (!values.keySet().equals(byName.keySet())) {
      throw new CheckpointMismatchException(
          source
              + " holds parameters "
              + values.keySet()
              + " but the model built from its config has "
              + byName.keySet());
    }
    byName.forEach(
        (name, array) -> {
          Shape stored = new Shape(shapes.get(name));
          Shape expected = new Shape(storedShape(name));
          if (!stored.equals(expected)) {
            throw new CheckpointMismatchException(
                source
                    + ": parameter "
                    + name
                    + " has shape "
                    + stored
                    + " but the config needs "
                    + expected);
          }
          float[] v = values.get(name);
          if (v.length != stored.size()) {
            throw new CheckpointMismatchException(
                source
                    + ": parameter "
                    + name
                    + " has "
                    + v.length
                    + " values for shape "
                    + stored);
          }
          array.set(
              transposed.contains(name)
                  ? transpose(v, (int) stored.get(0), (int) stored.get(1))
                  : v);
        });
  }
}
