package dev.anira.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.anira.schemas.Mechanism;
import java.util.SplittableRandom;

/** Small models whose halting varies from token to token, for fast exact tests. */
public final class TinyModels {

  public static final int VOCAB = 7;
  public static final int MAX_DEPTH = 5;

  private TinyModels() {}

  public static ModelConfig config(Mechanism mechanism, int fixedDepth) {
    return config(VOCAB, mechanism, fixedDepth);
  }

  public static ModelConfig config(int vocab, Mechanism mechanism, int fixedDepth) {
    return config(vocab, mechanism, fixedDepth, ModelConfig.Attention.CAUSAL);
  }

  static ModelConfig config(
      int vocab, Mechanism mechanism, int fixedDepth, ModelConfig.Attention attention) {
    return new ModelConfig(vocab, 8, 2, 16, 1, MAX_DEPTH, mechanism, fixedDepth, 0.5, attention);
  }

  /**
   * A model whose decisions spread over the depths: the halting head and router get weights large
   * enough that tokens disagree (fresh models would run every token to D_max).
   */
  public static Anira create(Mechanism mechanism, long seed) {
    return create(VOCAB, mechanism, seed);
  }

  public static Anira create(int vocab, Mechanism mechanism, long seed) {
    return create(vocab, mechanism, seed, ModelConfig.Attention.CAUSAL);
  }

  static Anira create(Mechanism mechanism, long seed, ModelConfig.Attention attention) {
    return create(VOCAB, mechanism, seed, attention);
  }

  private static Anira create(
      int vocab, Mechanism mechanism, long seed, ModelConfig.Attention attention) {
    Anira model = Anira.create(config(vocab, mechanism, 3, attention), Device.cpu(), seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (String name : new String[] {"haltingHead.linear", "router.linear"}) {
      NDArray weight = model.weights().all().get(name + ".weight");
      NDArray bias = model.weights().all().get(name + ".bias");
      if (weight != null) {
        weight.set(gaussian(random, (int) weight.size(), 1.5));
        bias.set(gaussian(random, (int) bias.size(), 1.0));
      }
    }
    return model;
  }

  public static int[][] sequences(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] out = new int[count][];
    for (int b = 0; b < count; b++) {
      out[b] = random.ints(random.nextInt(2, 9), 0, VOCAB).toArray();
    }
    return out;
  }

  private static float[] gaussian(SplittableRandom random, int n, double std) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }
}
