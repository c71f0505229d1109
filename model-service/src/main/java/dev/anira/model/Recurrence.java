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
  private int[] lengths = new int[0];

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

  private Recurrence(Anira model, NDManager manager, boolean wholeSequence, boolean recording) {
    this.model = model;
    this.recording = recording;
    this.config = model.config();
    this.manager = manager;
    this.wholeSequence = wholeSequence;
  }

  static Recurrence begin(
      Anira model, NDManager manager, int[][] sequences, boolean wholeSequence, boolean recording) {
    Recurrence recurrence = new Recurrence(model, manager, wholeSequence, recording);
    if (sequences.length == 0 && wholeSequence) {
      throw new IllegalArgumentException("a batch needs at least one sequence");
    }
    if (sequences.length > 0) {
      recurrence.lastRecord = recurrence.admit(sequences);
    }
    return recurrence;
  }

  /** Number of sequences in the batch (finished ones included until released). */
  public int size() {
    return lengths.length;
  }

  /**
   * Adds sequences to the batch between steps (depth-wise continuous batching): runs their prelude
   * (EARLY: the router plans their depths) and returns their step-0 record; they take their first
   * core step with the next {@link #step}. New rows come after the existing ones.
   */
  public StepRecord admit(int[][] sequences) {
    if (wholeSequence && lengths.length > 0) {
      throw new IllegalStateException("the whole-sequence pass takes its batch at the start");
    }
    if (sequences.length == 0) {
      throw new IllegalArgumentException("nothing to admit");
    }
    int[] newLengths = new int[sequences.length];
    int longest = 0;
    for (int b = 0; b < sequences.length; b++) {
      newLengths[b] = sequences[b].length;
      if (newLengths[b] == 0) {
        throw new IllegalArgumentException("sequence " + b + " is empty");
      }
      longest = Math.max(longest, newLengths[b]);
    }
    int[] padded = new int[sequences.length * longest];
    boolean[] real = new boolean[padded.length];
    for (int b = 0; b < sequences.length; b++) {
      for (int t = 0; t < newLengths[b]; t++) {
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
    try (NDManager scope = manager.newSubManager()) {
      Shape shape = new Shape(sequences.length, longest);
      NDArray tokens = scope.create(padded, shape);
      NDArray[] fresh = new NDArray[CARRIED];
      fresh[CONTEXT] = model.prelude.apply(model.embedding.apply(tokens), newLengths);
      fresh[LOGITS] = model.coda.apply(fresh[CONTEXT]);
      fresh[ACTIVE] = scope.create(real, shape);
      fresh[DEPTH] = scope.zeros(shape, DataType.INT32);
      fresh[STEPS] = scope.zeros(new Shape(sequences.length), DataType.INT32);
      fresh[CUMULATIVE] = scope.zeros(shape);
      if (config.mechanism() == Mechanism.EARLY) {
        fresh[ROUTER] = model.router.apply(fresh[CONTEXT]);
        fresh[ROUTER_CUMULATIVE] = fresh[ROUTER].softmax(2).cumSum(2);
        fresh[PLANNED] = fresh[ROUTER].argMax(2).toType(DataType.INT32, false).add(1);
      }
      StepRecord admitted =
          recording
              ? record(
                  0,
                  newLengths,
                  fresh[LOGITS],
                  fresh[STEPS],
                  fresh[CUMULATIVE],
                  fresh[ACTIVE],
                  scope.zeros(shape, DataType.BOOLEAN),
                  scope.zeros(shape),
                  null,
                  fresh[PLANNED])
              : null;
      NDArray[] current = carried();
      NDArray[] merged = new NDArray[CARRIED];
      if (lengths.length == 0) {
        merged = fresh;
      } else {
        long time = Math.max(longest, current[CONTEXT].getShape().get(1));
        for (NDArray old : current) {
          if (old != null) {
            old.attach(scope);
          }
        }
        for (int i = 0; i < CARRIED; i++) {
          if (current[i] != null) {
            merged[i] = padTime(current[i], time).concat(padTime(fresh[i], time), 0);
          }
        }
      }
      keep(merged);
      int[] all = java.util.Arrays.copyOf(lengths, lengths.length + newLengths.length);
      System.arraycopy(newLengths, 0, all, lengths.length, newLengths.length);
      lengths = all;
      return admitted;
    }
  }

  /** Drops rows (typically sequences whose tokens have all halted) from the batch. */
  public void release(int[] rows) {
    if (rows.length == 0) {
      return;
    }
    java.util.Set<Integer> drop = new java.util.HashSet<>();
    for (int row : rows) {
      if (row < 0 || row >= lengths.length) {
        throw new IllegalArgumentException("no row " + row + " in a batch of " + lengths.length);
      }
      drop.add(row);
    }
    int[] keepRows =
        java.util.stream.IntStream.range(0, lengths.length)
            .filter(r -> !drop.contains(r))
            .toArray();
    try (NDManager scope = manager.newSubManager()) {
      NDArray[] current = carried();
      NDArray[] kept = new NDArray[CARRIED];
      if (keepRows.length > 0) {
        // The time axis shrinks to the longest remaining sequence.
        long time = 0;
        for (int row : keepRows) {
          time = Math.max(time, lengths[row]);
        }
        boolean[] keepMask = new boolean[lengths.length];
        for (int row : keepRows) {
          keepMask[row] = true;
        }
        NDArray mask = scope.create(keepMask);
        for (int i = 0; i < CARRIED; i++) {
          if (current[i] != null) {
            current[i].attach(scope);
            NDArray selected = current[i].get(new ai.djl.ndarray.index.NDIndex("{}", mask));
            kept[i] =
                selected.getShape().dimension() < 2 || selected.getShape().get(1) == time
                    ? selected
                    : selected.get(new ai.djl.ndarray.index.NDIndex(":, :{}", time));
          }
        }
      } else {
        for (NDArray old : current) {
          if (old != null) {
            old.attach(scope);
          }
        }
      }
      keep(kept);
    }
    int[] remaining = new int[keepRows.length];
    for (int i = 0; i < keepRows.length; i++) {
      remaining[i] = lengths[keepRows[i]];
    }
    lengths = remaining;
  }

  private static NDArray padTime(NDArray x, long time) {
    if (x.getShape().dimension() < 2) {
      return x; // per-sequence, no time axis
    }
    long have = x.getShape().get(1);
    if (have == time) {
      return x;
    }
    long[] dims = x.getShape().getShape().clone();
    dims[1] = time - have;
    return x.concat(x.getManager().zeros(new Shape(dims), x.getDataType()), 1);
  }

  /** True once every token of every sequence has halted. */
  public boolean done() {
    return lengths.length == 0 || !anyTrue(active);
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
        if (old != null) {
          old.attach(scope);
        }
      }
      advanceActiveOnly();
      keep(carried());
    }
    return lastRecord;
  }

  /**
   * The tensor-level step used by training: returns the readout of every token's query state and,
   * for ONLINE, the halting logits, both with gradients.
   */
  public StepTensors advance() {
    if (!wholeSequence) {
      throw new IllegalStateException(
          "advance() is the whole-sequence pass; inference uses step()");
    }
    NDArray before = active;
    NDArray newSteps = steps.add(steps.onesLike());
    NDArray next = model.core.apply(state, context, newSteps, lengths);
    NDArray newContext = NDArrays.where(expand(before, next.getShape()), next, context);
    NDArray delta = newContext.sub(context).square().sum(new int[] {2}).sqrt();
    NDArray logits = model.coda.apply(next);
    Decision d =
        decide(
            next,
            expand(newSteps.expandDims(1), before.getShape()),
            cumulative,
            planned,
            routerCumulative);
    NDArray haltLogits = d.haltLogits();
    NDArray hazard = d.hazard();
    NDArray newCumulative = d.cumulative();
    NDArray decision = d.halt();
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
    lastRecord =
        recording
            ? record(
                stepsTaken,
                lengths,
                contextLogits,
                steps,
                cumulative,
                before,
                haltedNow,
                delta,
                reportedHazard,
                null)
            : null;
    return new StepTensors(logits, haltLogits);
  }

  /**
   * A mechanism's decision for a set of cells (a [B, T] grid, or the [N] active cells).
   *
   * @param haltLogits ONLINE's logits, with gradients; null otherwise
   * @param hazard the reported halting probability
   * @param cumulative halting mass spent after this step
   * @param halt whether the cell halts at this step
   */
  private record Decision(NDArray haltLogits, NDArray hazard, NDArray cumulative, NDArray halt) {}

  private Decision decide(
      NDArray next,
      NDArray cellSteps,
      NDArray cellCumulative,
      NDArray cellPlanned,
      NDArray cellRouterCumulative) {
    NDArray atMax = cellSteps.eq(config.maxDepth());
    switch (config.mechanism()) {
      case ONLINE -> {
        NDArray haltLogits = model.haltingHead.apply(next);
        NDArray lambda = ai.djl.nn.Activation.sigmoid(haltLogits.stopGradient());
        NDArray hazard = NDArrays.where(atMax, lambda.onesLike(), lambda);
        return new Decision(
            haltLogits,
            hazard,
            cellCumulative.add(cellCumulative.neg().add(1).mul(hazard)),
            lambda.gte(config.haltThreshold()).logicalOr(atMax));
      }
      case EARLY -> {
        NDArray pick = cellSteps.sub(1).oneHot(config.maxDepth());
        NDArray newCumulative = cellRouterCumulative.stopGradient().mul(pick).sum(new int[] {-1});
        NDArray hazard =
            newCumulative
                .sub(cellCumulative)
                .div(
                    cellCumulative
                        .neg()
                        .add(1)
                        .maximum(cellCumulative.getManager().create(1e-12f)));
        return new Decision(null, hazard, newCumulative, cellPlanned.eq(cellSteps));
      }
      case FIXED -> {
        NDArray halt = cellSteps.eq(config.fixedDepth());
        NDArray hazard = halt.toType(DataType.FLOAT32, false);
        return new Decision(null, hazard, hazard, halt);
      }
      default -> throw new IllegalStateException(config.mechanism().name());
    }
  }

  /**
   * Inference: the core runs on the active tokens only, gathered into one [N, d] block; keys and
   * values still come from every token's context state, frozen ones included. Results are scattered
   * back, so halted tokens cost no query, feed-forward, readout or halting compute.
   */
  private void advanceActiveOnly() {
    // step() moved the carried tensors into a per-step scope; temporaries belong there too.
    NDManager scope = context.getManager();
    long batch = context.getShape().get(0);
    long time = context.getShape().get(1);
    long dim = context.getShape().get(2);
    boolean[] activeCells = active.toBooleanArray();
    int n = 0;
    for (boolean a : activeCells) {
      if (a) {
        n++;
      }
    }
    long[] cells = new long[n];
    long[] rows = new long[n];
    long[] positions = new long[n];
    long[] rowLengths = new long[n];
    int[] increment = new int[Math.toIntExact(batch)];
    for (int cell = 0, i = 0; cell < activeCells.length; cell++) {
      if (activeCells[cell]) {
        cells[i] = cell;
        rows[i] = cell / time;
        positions[i] = cell % time;
        rowLengths[i] = lengths[(int) rows[i]];
        increment[(int) rows[i]] = 1;
        i++;
      }
    }
    NDArray cellIndex = scope.create(cells);
    NDArray rowIndex = scope.create(rows);
    NDArray before = active;
    NDArray newSteps = steps.add(scope.create(increment));
    NDArray flatContext = context.reshape(batch * time, dim);
    NDArray previous = take(flatContext, cellIndex);
    NDArray next =
        model.core.applyGathered(previous, context, newSteps, rowIndex, positions, rowLengths);
    NDArray cellSteps = take(newSteps, rowIndex);
    Decision d =
        decide(
            next,
            cellSteps,
            take(cumulative.reshape(batch * time), cellIndex),
            planned == null ? null : take(planned.reshape(batch * time), cellIndex),
            routerCumulative == null
                ? null
                : take(routerCumulative.reshape(batch * time, config.maxDepth()), cellIndex));
    NDArray logits = model.coda.apply(next);
    context = scatter(flatContext, cellIndex, next).reshape(batch, time, dim);
    state = context;
    contextLogits =
        scatter(contextLogits.reshape(batch * time, config.vocabSize()), cellIndex, logits)
            .reshape(batch, time, config.vocabSize());
    cumulative =
        scatter(cumulative.reshape(batch * time), cellIndex, d.cumulative()).reshape(batch, time);
    NDArray grid = scope.zeros(new Shape(batch * time));
    NDArray delta =
        scatter(grid, cellIndex, next.sub(previous).square().sum(new int[] {1}).sqrt())
            .reshape(batch, time);
    NDArray hazard = scatter(grid, cellIndex, d.hazard()).reshape(batch, time);
    NDArray haltedNow =
        scatter(scope.zeros(new Shape(batch * time), DataType.BOOLEAN), cellIndex, d.halt())
            .reshape(batch, time);
    depth = depth.add(before.toType(DataType.INT32, false));
    active = before.logicalAnd(haltedNow.logicalNot());
    steps = newSteps;
    stepsTaken++;
    lastRecord =
        recording
            ? record(
                stepsTaken,
                lengths,
                contextLogits,
                steps,
                cumulative,
                before,
                haltedNow,
                delta,
                hazard,
                null)
            : null;
  }

  private static NDArray take(NDArray rows, NDArray index) {
    return rows.get(new ai.djl.ndarray.index.NDIndex("{}", index));
  }

  /** A copy of {@code target} with rows {@code index} replaced by {@code values}. */
  private static NDArray scatter(NDArray target, NDArray index, NDArray values) {
    NDArray copy = target.duplicate();
    copy.set(new ai.djl.ndarray.index.NDIndex("{}", index), values);
    return copy;
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

  private static final int CONTEXT = 0;
  private static final int LOGITS = 1;
  private static final int ACTIVE = 2;
  private static final int DEPTH = 3;
  private static final int STEPS = 4;
  private static final int CUMULATIVE = 5;
  private static final int ROUTER = 6;
  private static final int ROUTER_CUMULATIVE = 7;
  private static final int PLANNED = 8;
  private static final int CARRIED = 9;

  /** The per-row tensors that outlive a step (inference: state is the context). */
  private NDArray[] carried() {
    return new NDArray[] {
      context,
      contextLogits,
      active,
      depth,
      steps,
      cumulative,
      routerLogits,
      routerCumulative,
      planned
    };
  }

  private void keep(NDArray[] tensors) {
    for (NDArray t : tensors) {
      if (t != null) {
        t.attach(manager);
      }
    }
    context = tensors[CONTEXT];
    state = context;
    contextLogits = tensors[LOGITS];
    active = tensors[ACTIVE];
    depth = tensors[DEPTH];
    steps = tensors[STEPS];
    cumulative = tensors[CUMULATIVE];
    routerLogits = tensors[ROUTER];
    routerCumulative = tensors[ROUTER_CUMULATIVE];
    planned = tensors[PLANNED];
  }

  private static StepRecord record(
      int step,
      int[] lengths,
      NDArray logits,
      NDArray sequenceSteps,
      NDArray cumulative,
      NDArray activeMask,
      NDArray haltedMask,
      NDArray delta,
      NDArray hazard,
      NDArray plannedDepths) {
    float[] confidence = logits.softmax(2).max(new int[] {2}).toFloatArray();
    int[] prediction = logits.argMax(2).toType(DataType.INT32, false).toIntArray();
    return StepRecord.split(
        step,
        sequenceSteps.toIntArray(),
        lengths,
        Math.toIntExact(logits.getShape().get(1)),
        hazard == null ? null : hazard.toFloatArray(),
        cumulative.toFloatArray(),
        activeMask.toBooleanArray(),
        haltedMask.toBooleanArray(),
        delta.toFloatArray(),
        prediction,
        confidence,
        plannedDepths == null ? null : plannedDepths.toIntArray());
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
