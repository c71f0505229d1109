package dev.anira.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.anira.schemas.Mechanism;

/**
 * The architecture of one ANIRA model (docs/design.md §2). Everything that changes the shape of a
 * parameter or the meaning of a forward pass lives here, so a checkpoint's JSON rebuilds it.
 *
 * @param vocabSize token ids are below it; also the readout size
 * @param modelDim d_model
 * @param heads attention heads; must divide d_model
 * @param ffDim hidden size of each feed-forward block
 * @param preludeLayers L_p
 * @param maxDepth D_max, the most core steps a token can take
 * @param mechanism how depth is decided
 * @param fixedDepth FIXED only: the D every token runs (≤ D_max)
 * @param haltThreshold ONLINE only: τ, a token halts at the first k with λ^k ≥ τ
 * @param attention which tokens each token attends to
 */
public record ModelConfig(
    @JsonProperty("vocabSize") int vocabSize,
    @JsonProperty("modelDim") int modelDim,
    @JsonProperty("heads") int heads,
    @JsonProperty("ffDim") int ffDim,
    @JsonProperty("preludeLayers") int preludeLayers,
    @JsonProperty("maxDepth") int maxDepth,
    @JsonProperty("mechanism") Mechanism mechanism,
    @JsonProperty("fixedDepth") int fixedDepth,
    @JsonProperty("haltThreshold") double haltThreshold,
    @JsonProperty("attention") Attention attention) {

  /** Which tokens a token attends to. */
  public enum Attention {
    /** Itself and the tokens before it. */
    CAUSAL,
    /**
     * Every real token of its sequence: lets every token of a graph's description take part in each
     * round of a search, where a causal mask leaves the edges blind to what follows them.
     */
    BIDIRECTIONAL
  }

  public static final int DEFAULT_MODEL_DIM = 64;
  public static final int DEFAULT_HEADS = 4;
  public static final int DEFAULT_FF_DIM = 256;
  public static final int DEFAULT_PRELUDE_LAYERS = 1;
  public static final int DEFAULT_MAX_DEPTH = 12;
  public static final double DEFAULT_HALT_THRESHOLD = 0.5;

  @JsonCreator
  public ModelConfig {
    // Checkpoints written before the field existed were causal.
    attention = attention == null ? Attention.CAUSAL : attention;
    require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
    require(modelDim >= 2, "modelDim must be at least 2, got " + modelDim);
    require(heads >= 1, "heads must be at least 1, got " + heads);
    require(modelDim % heads == 0, "heads (" + heads + ") must divide modelDim (" + modelDim + ")");
    require(ffDim >= 1, "ffDim must be at least 1, got " + ffDim);
    require(preludeLayers >= 0, "preludeLayers must be at least 0, got " + preludeLayers);
    require(maxDepth >= 1, "maxDepth must be at least 1, got " + maxDepth);
    require(mechanism != null, "mechanism is required");
    if (mechanism == Mechanism.FIXED) {
      require(
          fixedDepth >= 1 && fixedDepth <= maxDepth,
          "fixedDepth must be within 1.." + maxDepth + ", got " + fixedDepth);
    }
    require(
        haltThreshold > 0 && haltThreshold <= 1,
        "haltThreshold must be within (0, 1], got " + haltThreshold);
  }

  /**
   * The CPU-sized defaults of docs/design.md §2 for a task's vocabulary; FIXED runs D_max steps.
   */
  public static ModelConfig defaults(int vocabSize, Mechanism mechanism) {
    return new ModelConfig(
        vocabSize,
        DEFAULT_MODEL_DIM,
        DEFAULT_HEADS,
        DEFAULT_FF_DIM,
        DEFAULT_PRELUDE_LAYERS,
        DEFAULT_MAX_DEPTH,
        mechanism,
        DEFAULT_MAX_DEPTH,
        DEFAULT_HALT_THRESHOLD,
        Attention.CAUSAL);
  }

  public int headDim() {
    return modelDim / heads;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("model config: " + message);
    }
  }
}
