package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every trainable tensor of a model, by name, in creation order. Initial values come from a Java
 * {@link SplittableRandom}, not the engine's generator, so the same seed gives the same bits on any
 * machine and thread count.
 */
public final class Weights {

  private final NDManager manager;
  private final SplittableRandom random;
  private final Map<String, NDArray> byName = new LinkedHashMap<>();

  public Weights(NDManager manager, long seed) {
    this.manager = manager;
    this.random = new SplittableRandom(seed);
  }

  /** A tensor with entries drawn from N(0, std²). */
  public NDArray normal(String name, double std, long... shape) {
    float[] values = new float[Math.toIntExact(new Shape(shape).size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return register(name, values, shape);
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

  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(byName);
  }

  public long count() {
    return byName.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Overwrites every tensor with stored values; names and shapes must match exactly. */
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
          if (!stored.equals(array.getShape())) {
            throw new CheckpointMismatchException(
                source
                    + ": parameter "
                    + name
                    + " has shape "
                    + stored
                    + " but the config needs "
                    + array.getShape());
          }
          array.set(values.get(name));
        });
  }
}
