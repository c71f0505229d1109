package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/** {@code e = Prelude(x)}: L_p Transformer layers, run once per token. */
final class Prelude {

  private final List<TransformerLayer> layers = new ArrayList<>();

  Prelude(NDManager manager, Weights weights, ModelConfig config) {
    for (int i = 0; i < config.preludeLayers(); i++) {
      layers.add(new TransformerLayer(manager, weights, "prelude." + i, config));
    }
  }

  /**
   * @param embedded [B, T, d]
   * @param lengths [B] real tokens per row
   */
  NDArray apply(NDArray embedded, int[] lengths) {
    NDArray x = embedded;
    for (TransformerLayer layer : layers) {
      x = layer.apply(x, lengths);
    }
    return x;
  }
}
