package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A pre-LN Transformer layer: {@code h = x + Attn(LN(x), LN(c)); out = h + FFN(LN(h))}. */
final class TransformerLayer {

  private final LayerNorm attentionNorm;
  private final SelfAttention attention;
  private final LayerNorm feedForwardNorm;
  private final FeedForward feedForward;

  TransformerLayer(NDManager manager, Weights weights, String name, ModelConfig config) {
    // Residual branches start small so a deep recurrence begins close to the identity.
    double outputStd = 0.5 / Math.sqrt(config.modelDim() * (config.maxDepth() + 1.0));
    this.attentionNorm = new LayerNorm(weights, name + ".attentionNorm", config.modelDim());
    this.attention =
        new SelfAttention(
            manager,
            weights,
            name + ".attention",
            config.modelDim(),
            config.heads(),
            outputStd,
            config.attention());
    this.feedForwardNorm = new LayerNorm(weights, name + ".feedForwardNorm", config.modelDim());
    this.feedForward =
        new FeedForward(
            weights, name + ".feedForward", config.modelDim(), config.ffDim(), outputStd);
  }

  SelfAttention attention() {
    return attention;
  }

  NDArray apply(NDArray x, int[] lengths) {
    return apply(x, x, lengths);
  }

  /**
   * Queries from {@code x}, keys and values from {@code context} (same tokens, maybe frozen).
   *
   * @param lengths [B] real tokens per row
   */
  NDArray apply(NDArray x, NDArray context, int[] lengths) {
    NDArray normalizedX = attentionNorm.apply(x);
    NDArray normalizedContext = x == context ? normalizedX : attentionNorm.apply(context);
    NDArray h = x.add(attention.apply(normalizedX, normalizedContext, lengths));
    return h.add(feedForward.apply(feedForwardNorm.apply(h)));
  }
}
