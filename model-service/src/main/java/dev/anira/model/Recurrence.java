package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anira.schemas.Mechanism;

/**
 * One batch of sequences going through the recurrence, one step at a time.
 *
 * <p>Two states per token: {@code context}, which stops changing when the token halts and is what
 * the other tokens attend to, and {@code state}, the token's own query state. In step-by-step
 * inference they are the same tensor. In the whole-sequence pass {@code state} keeps iterating
 * after the token halts, so training sees the loss at every depth (PonderNet's expectation), while
 * the context, and therefore every token's state up to its own depth, is exactly what inference
 * computes.
 */
public final class Recurrence implements AutoCloseable {

  private final Anira model;
  private final ModelConfig config;
  private final NDManager manager;
  private final boolean wholeSequence;
  private final boolean recording;
  private final int[] lengths;

  private NDArray state;
  private NDArray context;
  private NDArray contextLogits;
  private NDArray active;
  private NDArray depth;
  private NDArray steps;
  private NDArray cumulative;
  private NDArray routerLogits;
  private NDArray routerCumulative;
  private NDArray planned;
  private int stepsTaken;
  private StepRecord lastRecord;

  private Recurrence(
      Anira model, NDManager manager, int[][] sequences, boolean wholeSequence, boolean recording) {
    this.model = model;
    this.recording = recording;
    this.config = model.config();
    this.manager = manager;
    this.wholeSequence = wholeSequence;
    this.lengths = new int[sequences.length];
    int longest = 0;
    for (int b = 0; b < sequences.length; b++) {
      lengths[b] = sequences[b].length;
      longest = Math.max(longest, lengths[b]);
    }
    if (sequences.length == 0 || longest == 0) {
      throw new IllegalArgumentException("a batch needs at least one non-empty sequence");
    }
    // Right padding needs no mask: attention is causal, so real tokens never see the pad.
    int[] padded = new int[sequences.length * longest];
    boolean[] real = new boolean[padded.length];
    for (int b = 0; b < sequences.length; b++) {
      for (int t = 0; t < lengths[b]; t++) {
        int token = sequences[b][t];
        if (token < 0 || token >= config.vocabSize()) {
          throw new IllegalArgumentException(
              "token "
                  + token
                  + " at position "
                  + t
                  + " is outside the vocabulary 0.."
                  + (config.vocabSize() - 1));
        }
        padded[b * longest + t] = token;
        real[b * longest + t] = true;
      }
    }
    Shape shape = new Shape(sequences.length, longest);
    NDArray tokens = manager.create(padded, shape);
    this.context = model.prelude.apply(model.embedding.apply(tokens));
    this.state = context;
    this.contextLogits = model.coda.apply(context);
    this.active = manager.create(real, shape);
    this.depth = manager.zeros(shape, DataType.INT32);
    this.steps = manager.zeros(new Shape(sequences.length), DataType.INT32);
    this.cumulative = manager.zeros(shape);
    if (config.mechanism() == Mechanism.EARLY) {
      this.routerLogits = model.router.apply(context);
      this.routerCumulative = routerLogits.softmax(2).cumSum(2);
      this.planned = routerLogits.argMax(2).toType(DataType.INT32, false).add(1);
    }
    if (recording) {
      this.lastRecord =
          record(0, active, manager.zeros(shape, DataType.BOOLEAN), manager.zeros(shape), null);
    }
  }

  static Recurrence begin(
      Anira model, NDManager manager, int[][] sequences, boolean wholeSequence, boolean recording) {
    return new Recurrence(model, manager, sequences, wholeSequence, recording);
  }

  /** True once every token of every sequence has halted. */
  public boolean done() {
    return !anyTrue(active);
  }

  /** Steps taken so far (0 after the prelude). */
  public int stepsTaken() {
    return stepsTaken;
  }

  /** Step 0: the prelude's predictions and, for EARLY, the router's planned depths. */
  public StepRecord initialRecord() {
    return stepsTaken == 0 ? lastRecord : null;
  }

  /** Advances every active token by one core step and reports the new execution state. */
  public StepRecord step() {
    if (!recording) {
      throw new IllegalStateException("this recurrence was started for training, without records");
    }
    if (wholeSequence) {
      advance();
      return lastRecord;
    }
    if (done()) {
      throw new IllegalStateException("every token has halted; nothing left to step");
    }
    try (NDManager scope = manager.newSubManager()) {
      // The previous step's tensors die with the scope; the new ones move back out.
      for (NDArray old : carried()) {
        old.attach(scope);
      }
      advance();
      for (NDArray kept : carried()) {
        kept.attach(manager);
      }
    }
    return lastRecord;
  }

  /**
   * The tensor-level step used by training: returns the readout of every token's query state and,
   * for ONLINE, the halting logits, both with gradients.
   */
  public StepTensors advance() {
    NDArray before = active;
    NDArray increment =
        wholeSequence
            ? steps.onesLike()
            : before
                .toType(DataType.INT32, false)
                .sum(new int[] {1})
                .gt(0)
                .toType(DataType.INT32, false);
    NDArray newSteps = steps.add(increment);
    NDArray next = model.core.apply(state, context, newSteps);
    NDArray newContext = NDArrays.where(expand(before, next.getShape()), next, context);
    NDArray delta = newContext.sub(context).square().sum(new int[] {2}).sqrt();
    NDArray logits = model.coda.apply(next);
    NDArray atMax = expand(newSteps.eq(config.maxDepth()).expandDims(1), before.getShape());

    NDArray haltLogits = null;
    NDArray hazard;
    NDArray newCumulative;
    NDArray decision;
    switch (config.mechanism()) {
      case ONLINE -> {
        haltLogits = model.haltingHead.apply(next);
        NDArray lambda = ai.djl.nn.Activation.sigmoid(haltLogits.stopGradient());
        hazard = NDArrays.where(atMax, lambda.onesLike(), lambda);
        newCumulative = cumulative.add(cumulative.neg().add(1).mul(hazard));
        decision = lambda.gte(config.haltThreshold()).logicalOr(atMax);
      }
      case EARLY -> {
        NDArray pick =
            newSteps
                .sub(1)
                .oneHot(config.maxDepth())
                .expandDims(1)
                .broadcast(routerLogits.getShape());
        newCumulative = routerCumulative.stopGradient().mul(pick).sum(new int[] {2});
        hazard =
            newCumulative
                .sub(cumulative)
                .div(cumulative.neg().add(1).maximum(manager.create(1e-12f)));
        decision = planned.eq(expand(newSteps.expandDims(1), before.getShape()));
      }
      case FIXED -> {
        decision = expand(newSteps.eq(config.fixedDepth()).expandDims(1), before.getShape());
        hazard = decision.toType(DataType.FLOAT32, false);
        newCumulative = hazard;
      }
      default -> throw new IllegalStateException(config.mechanism().name());
    }
    NDArray zero = hazard.zerosLike();
    NDArray haltedNow = before.logicalAnd(decision);
    NDArray reportedHazard = NDArrays.where(before, hazard, zero);
    cumulative = NDArrays.where(before, newCumulative, cumulative);
    contextLogits = NDArrays.where(expand(before, logits.getShape()), logits, contextLogits);
    depth = depth.add(before.toType(DataType.INT32, false));
    active = before.logicalAnd(decision.logicalNot());
    steps = newSteps;
    context = newContext;
    state = wholeSequence ? next : newContext;
    stepsTaken++;
    lastRecord = recording ? record(stepsTaken, before, haltedNow, delta, reportedHazard) : null;
    return new StepTensors(logits, haltLogits);
  }

  /** [B, T] depth of every token so far (its final depth once it has halted). */
  public NDArray depths() {
    return depth;
  }

  /** [B, T, D_max] the router's logits over depths (EARLY only, else null). */
  public NDArray routerLogits() {
    return routerLogits;
  }

  /** [B, T, V] readout of each token's context state: its answer once it has halted. */
  public NDArray answerLogits() {
    return contextLogits;
  }

  /** [B·T·d] the context states, flattened; for tests of freezing. */
  float[] contextValues() {
    return context.toFloatArray();
  }

  public int[] lengths() {
    return lengths.clone();
  }

  private NDArray[] carried() {
    return new NDArray[] {state, context, contextLogits, active, depth, steps, cumulative};
  }

  private StepRecord record(
      int step, NDArray activeMask, NDArray haltedMask, NDArray delta, NDArray hazard) {
    NDArray probabilities = contextLogits.softmax(2);
    float[] confidence = probabilities.max(new int[] {2}).toFloatArray();
    int[] prediction = contextLogits.argMax(2).toType(DataType.INT32, false).toIntArray();
    int[] planDepths = step == 0 && planned != null ? planned.toIntArray() : null;
    return StepRecord.split(
        step,
        lengths,
        hazard == null ? null : hazard.toFloatArray(),
        cumulative.toFloatArray(),
        activeMask.toBooleanArray(),
        haltedMask.toBooleanArray(),
        delta.toFloatArray(),
        prediction,
        confidence,
        planDepths);
  }

  private static NDArray expand(NDArray mask, Shape shape) {
    NDArray expanded = mask;
    while (expanded.getShape().dimension() < shape.dimension()) {
      expanded = expanded.expandDims(expanded.getShape().dimension());
    }
    return expanded.broadcast(shape);
  }

  private static boolean anyTrue(NDArray mask) {
    return mask.toType(DataType.INT32, false).sum().toType(DataType.INT64, false).getLong() > 0;
  }

  @Override
  public void close() {
    if (!wholeSequence) {
      manager.close();
    }
  }
}
