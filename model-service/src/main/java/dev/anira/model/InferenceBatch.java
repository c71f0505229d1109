package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Step-by-step inference over a batch that changes between steps (depth-wise continuous batching):
 * sequences join ({@link #admit}), every active token takes one core step ({@link #step}), and
 * finished sequences leave ({@link #release}). Each step reports the execution state ({@link
 * StepRecord}). A token's state is the context the others attend to: it stops changing when the
 * token halts.
 */
public final class InferenceBatch implements AutoCloseable {

  private final Anira model;
  private final ModelConfig config;
  private final NDManager manager;
  private int[] lengths = new int[0];
  private RecurrenceState carried;
  private int stepsTaken;
  private StepRecord lastRecord;

  /** Whether a token will take the next step; null when not known on the host (ask the device). */
  private Boolean stillActive;

  InferenceBatch(Anira model, NDManager manager, int[][] sequences) {
    this.model = model;
    this.config = model.config();
    this.manager = manager;
    if (sequences.length > 0) {
      lastRecord = admit(sequences);
    }
  }

  /** Number of sequences in the batch (finished ones included until released). */
  public int size() {
    return lengths.length;
  }

  /**
   * Adds sequences to the batch between steps: runs their prelude (EARLY: the router plans their
   * depths) and returns their step-0 record; they take their first core step with the next {@link
   * #step}. New rows come after the existing ones.
   *
   * @throws IllegalArgumentException for no sequence, an empty one, or a token outside the
   *     vocabulary
   */
  public StepRecord admit(int[][] sequences) {
    if (sequences.length == 0) {
      throw new IllegalArgumentException("nothing to admit");
    }
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      RecurrenceState.Admitted fresh = RecurrenceState.prelude(model, scope, sequences, true);
      RecurrenceState merged = fresh.state();
      if (carried != null) {
        long time = Math.max(fresh.state().time(), carried.time());
        merged = carried.attach(scope).concat(fresh.state(), time);
      }
      carried = merged.attach(manager);
      stillActive = true; // every admitted sequence has tokens, all active
      int[] all = Arrays.copyOf(lengths, lengths.length + fresh.lengths().length);
      System.arraycopy(fresh.lengths(), 0, all, lengths.length, fresh.lengths().length);
      lengths = all;
      return fresh.record();
    }
  }

  /** Drops rows (typically sequences whose tokens have all halted) from the batch. */
  public void release(int[] rows) {
    if (rows.length == 0) {
      return;
    }
    Set<Integer> drop = new HashSet<>();
    for (int row : rows) {
      if (row < 0 || row >= lengths.length) {
        throw new IllegalArgumentException("no row " + row + " in a batch of " + lengths.length);
      }
      drop.add(row);
    }
    int[] keepRows = IntStream.range(0, lengths.length).filter(r -> !drop.contains(r)).toArray();
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      carried.attach(scope);
      if (keepRows.length == 0) {
        carried = null;
      } else {
        // The time axis shrinks to the longest remaining sequence.
        long time = 0;
        boolean[] keepMask = new boolean[lengths.length];
        for (int row : keepRows) {
          time = Math.max(time, lengths[row]);
          keepMask[row] = true;
        }
        carried = carried.select(scope.create(keepMask), time).attach(manager);
      }
    }
    stillActive = null;
    int[] remaining = new int[keepRows.length];
    for (int i = 0; i < keepRows.length; i++) {
      remaining[i] = lengths[keepRows[i]];
    }
    lengths = remaining;
  }

  /** True once every token of every sequence has halted. */
  public boolean done() {
    if (carried == null) {
      return true;
    }
    if (stillActive == null) {
      stillActive = !carried.halted();
    }
    return !stillActive;
  }

  /** Steps taken so far (0 after the prelude). */
  public int stepsTaken() {
    return stepsTaken;
  }

  /** Step 0: the prelude's predictions and, for EARLY, the router's planned depths. */
  public StepRecord initialRecord() {
    return stepsTaken == 0 ? lastRecord : null;
  }

  /**
   * Advances every active token by one core step and reports the new execution state. The core runs
   * on the active tokens only, gathered into one [N, d] block; keys and values still come from
   * every token's context state, frozen ones included. Results are scattered back, so halted tokens
   * cost no query, feed-forward, readout or halting compute.
   *
   * @throws IllegalStateException when every token has halted
   */
  public StepRecord step() {
    if (done()) {
      throw new IllegalStateException("every token has halted; nothing left to step");
    }
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      // The previous step's tensors die with the scope; the new ones move back out.
      carried = advance(carried.attach(scope), scope).attach(manager);
    }
    return lastRecord;
  }

  private RecurrenceState advance(RecurrenceState s, NDManager scope) {
    long batch = s.context().getShape().get(0);
    long time = s.time();
    boolean[] activeCells = s.active().toBooleanArray();
    int n = 0;
    int[] increment = new int[Math.toIntExact(batch)];
    for (int cell = 0; cell < activeCells.length; cell++) {
      if (activeCells[cell]) {
        n++;
        increment[(int) (cell / time)] = 1;
      }
    }
    NDArray newSteps = s.steps().add(scope.create(increment));
    stepsTaken++;
    // When most tokens ask, one dense step costs fewer operations than gathering them; when few
    // do, gathering spares the halted ones their query, feed-forward, readout and halting work.
    RecurrenceState.Advanced a =
        2L * n >= activeCells.length
            ? s.advance(model, s.context(), newSteps, lengths, n == activeCells.length)
            : advanceGathered(s, scope, activeCells, n, newSteps);
    RecurrenceState after = a.after();
    lastRecord =
        after.record(stepsTaken, lengths, activeCells, a.haltedNow(), a.delta(), a.hazard(), null);
    stillActive = anyStillActive(lastRecord);
    return after;
  }

  /**
   * A step computed on the active cells only. Its {@code next}, {@code readout} and {@code
   * haltLogits} are null: only training reads them, and training steps the whole grid.
   */
  private RecurrenceState.Advanced advanceGathered(
      RecurrenceState s, NDManager scope, boolean[] activeCells, int n, NDArray newSteps) {
    long batch = s.context().getShape().get(0);
    long time = s.time();
    long dim = s.context().getShape().get(2);
    long[] cells = new long[n];
    long[] rows = new long[n];
    for (int cell = 0, i = 0; cell < activeCells.length; cell++) {
      if (activeCells[cell]) {
        cells[i] = cell;
        rows[i] = cell / time;
        i++;
      }
    }
    NDArray cellIndex = scope.create(cells);
    NDArray rowIndex = scope.create(rows);
    NDArray before = s.active();
    NDArray flatContext = s.context().reshape(batch * time, dim);
    NDArray previous = take(flatContext, cellIndex);
    NDArray next =
        model.core.applyGathered(previous, s.context(), newSteps, rowIndex, cellIndex, lengths);
    HaltingRule.Decision d =
        model.halting.decide(
            new HaltingRule.Cells(
                next,
                take(newSteps, rowIndex),
                take(s.cumulative().reshape(batch * time), cellIndex),
                s.planned() == null ? null : take(s.planned().reshape(batch * time), cellIndex),
                s.routerCumulative() == null
                    ? null
                    : take(
                        s.routerCumulative().reshape(batch * time, config.maxDepth()), cellIndex)));
    NDArray logits = model.coda.apply(next);
    NDArray grid = scope.zeros(new Shape(batch * time));
    NDArray delta =
        scatter(grid, cellIndex, next.sub(previous).norm(new int[] {1})).reshape(batch, time);
    NDArray hazard = scatter(grid, cellIndex, d.hazard()).reshape(batch, time);
    NDArray haltedNow =
        scatter(scope.zeros(new Shape(batch * time), DataType.BOOLEAN), cellIndex, d.halt())
            .reshape(batch, time);
    RecurrenceState after =
        s.next(
            scatter(flatContext, cellIndex, next).reshape(batch, time, dim),
            scatter(s.logits().reshape(batch * time, config.vocabSize()), cellIndex, logits)
                .reshape(batch, time, config.vocabSize()),
            before.logicalAnd(haltedNow.logicalNot()),
            s.depth().add(before.toType(DataType.INT32, false)),
            newSteps,
            scatter(s.cumulative().reshape(batch * time), cellIndex, d.cumulative())
                .reshape(batch, time));
    return new RecurrenceState.Advanced(after, null, null, null, haltedNow, delta, hazard);
  }

  /** Whether a token the record's step updated did not halt (then it takes the next step). */
  private static boolean anyStillActive(StepRecord record) {
    for (int b = 0; b < record.sequences(); b++) {
      for (int t = 0; t < record.active()[b].length; t++) {
        if (record.active()[b][t] && !record.halted()[b][t]) {
          return true;
        }
      }
    }
    return false;
  }

  private static NDArray take(NDArray rows, NDArray index) {
    return rows.get(new NDIndex("{}", index));
  }

  /** A copy of {@code target} with rows {@code index} replaced by {@code values}. */
  private static NDArray scatter(NDArray target, NDArray index, NDArray values) {
    NDArray copy = target.duplicate();
    copy.set(new NDIndex("{}", index), values);
    return copy;
  }

  /** [B, T] depth of every token so far (its final depth once it has halted). */
  public NDArray depths() {
    return carried.depth();
  }

  /** [B, T, V] readout of each token's context state: its answer once it has halted. */
  public NDArray answerLogits() {
    return carried.logits();
  }

  /** [B·T·d] the context states, flattened; for tests of freezing. */
  float[] contextValues() {
    return carried.context().toFloatArray();
  }

  public int[] lengths() {
    return lengths.clone();
  }

  @Override
  public void close() {
    manager.close();
  }
}
