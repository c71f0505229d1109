package dev.anira.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anira.schemas.Mechanism;

/**
 * ANIRA (docs/design.md §2): embedding, prelude, one shared core iterated per token up to D_max,
 * coda, and the decision mechanism of the config: a halting head (ONLINE), a router (EARLY), or
 * none (FIXED). Only the mechanism differs between variants; everything else is built identically.
 */
public final class Anira implements AutoCloseable {

  private final ModelConfig config;
  private final NDManager manager;
  private final Weights weights;
  final Embedding embedding;
  final Prelude prelude;
  final Core core;
  final Coda coda;
  final HaltingRule halting;
  private CompiledStep compiledStep;

  private Anira(ModelConfig config, Device device, long seed) {
    this.config = config;
    this.manager = NDManager.newBaseManager(device);
    this.weights = new Weights(manager, seed);
    this.embedding = new Embedding(weights, config);
    this.prelude = new Prelude(manager, weights, config);
    this.core = new Core(manager, weights, config);
    this.coda = new Coda(weights, config);
    this.halting = HaltingRule.of(weights, config);
  }

  /** A freshly initialised model; the same config and seed give bit-identical weights. */
  public static Anira create(ModelConfig config, Device device, long seed) {
    return new Anira(config, device, seed);
  }

  /**
   * Starts step-by-step inference over a batch of token sequences: runs the prelude (and, for
   * EARLY, the router's depth plan). Close the returned recurrence when done.
   */
  public InferenceBatch begin(int[][] sequences) {
    return new InferenceBatch(this, manager.newSubManager(), sequences);
  }

  /**
   * The whole-sequence pass used by training and evaluation: every token's query state keeps
   * iterating to D_max (for the expected loss) while halted tokens show others their frozen state,
   * exactly as in step-by-step inference. The caller owns {@code scope}.
   */
  public WholeSequencePass beginWholeSequence(NDManager scope, int[][] sequences) {
    return new WholeSequencePass(this, scope, sequences, false);
  }

  /** Whole-sequence inference without gradients, with the same records as {@link #begin}. */
  public Run run(int[][] sequences) {
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      return Run.collect(new WholeSequencePass(this, scope, sequences, true));
    }
  }

  /** The inference step as one TorchScript call, compiled when first asked for. */
  synchronized CompiledStep compiledStep() {
    if (compiledStep == null) {
      compiledStep = new CompiledStep(this, manager);
    }
    return compiledStep;
  }

  /** A child memory scope on the model's device; close it to free what was computed in it. */
  public NDManager newScope() {
    return manager.newSubManager();
  }

  public ModelConfig config() {
    return config;
  }

  public Weights weights() {
    return weights;
  }

  /**
   * A model of {@code mechanism} on this model's trunk: the embedding, prelude, core and coda
   * weights copied from this one, the mechanism's own head (if any) freshly initialised; FIXED runs
   * D_max steps. For comparing mechanisms over identical computation.
   */
  public Anira withMechanism(Mechanism mechanism) {
    ModelConfig c = config;
    Anira copy =
        create(
            new ModelConfig(
                c.vocabSize(),
                c.modelDim(),
                c.heads(),
                c.ffDim(),
                c.preludeLayers(),
                c.maxDepth(),
                mechanism,
                c.maxDepth(),
                c.haltThreshold(),
                c.attention()),
            device(),
            0);
    copy.weights
        .all()
        .forEach(
            (name, array) -> {
              NDArray mine = weights.all().get(name);
              if (mine != null) {
                array.set(mine.toFloatArray());
              }
            });
    return copy;
  }

  /** The token embedding table, a copy: [vocab, d_model]. */
  public float[][] tokenEmbedding() {
    return embedding.tokenTable();
  }

  /**
   * Replaces the token embedding table, e.g. to give a benchmark a model whose depth follows
   * position alone.
   *
   * @param rows [vocab, d_model]
   * @throws IllegalArgumentException if the shape differs
   */
  public void setTokenEmbedding(float[][] rows) {
    embedding.setTokenTable(rows);
  }

  /**
   * Sets the ONLINE halting head {@code λ = σ(w·LN(h) + b)}, e.g. to give a benchmark a model with
   * a known halting rule.
   *
   * @param weight w, [d_model]
   * @throws IllegalStateException if the model is not ONLINE
   * @throws IllegalArgumentException if {@code weight} is not d_model long
   */
  public void setHaltingHead(float[] weight, float bias) {
    if (!(halting instanceof HaltingHead head)) {
      throw new IllegalStateException(
          "only an ONLINE model has a halting head; this one is " + config.mechanism());
    }
    head.set(weight, bias);
  }

  public Device device() {
    return manager.getDevice();
  }

  @Override
  public synchronized void close() {
    if (compiledStep != null) {
      compiledStep.close();
    }
    manager.close();
  }
}
