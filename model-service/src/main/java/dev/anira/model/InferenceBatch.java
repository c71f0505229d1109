package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

  // Host copies of what the step needs to know before it runs, kept in step with the carried
  // tensors, so that a step asks the device nothing (each question is a native call and a copy).
  /** T, the positions per row: the longest sequence in the batch; 0 when it is empty. */
  private int time;

  /** [B·T] whether the token takes the next step: the carried {@code active}. */
  private boolean[] activeCells = new boolean[0];

  /** [B] the steps each sequence has taken: the carried {@code steps}. */
  private int[] sequenceSteps = new int[0];

  /** The attention mask of the rows and T now; made again when they change. */
  private NDArray mask;

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
      RecurrenceState.Admitted fresh = RecurrenceState.compiledPrelude(model, scope, sequences);
      int[] all = Arrays.copyOf(lengths, lengths.length + fresh.lengths().length);
      System.arraycopy(fresh.lengths(), 0, all, lengths.length, fresh.lengths().length);
      int newTime = Math.max(time, Arrays.stream(fresh.lengths()).max().orElseThrow());
      RecurrenceState merged = fresh.state();
      if (carried != null) {
        merged = carried.attach(scope).concat(fresh.state(), newTime);
      }
      carried = merged.attach(manager);
      // Every admitted token is active: each position below its sequence's length.
      int[] keptRows = IntStream.range(0, lengths.length).toArray();
      activeCells = relayout(activeCells, time, keptRows, all.length, newTime);
      for (int row = lengths.length; row < all.length; row++) {
        Arrays.fill(activeCells, row * newTime, row * newTime + all[row], true);
      }
      sequenceSteps = Arrays.copyOf(sequenceSteps, all.length);
      lengths = all;
      time = newTime;
      remask();
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
    // The time axis shrinks to the longest remaining sequence.
    int newTime = 0;
    boolean[] keepMask = new boolean[lengths.length];
    int[] remaining = new int[keepRows.length];
    int[] remainingSteps = new int[keepRows.length];
    for (int i = 0; i < keepRows.length; i++) {
      newTime = Math.max(newTime, lengths[keepRows[i]]);
      keepMask[keepRows[i]] = true;
      remaining[i] = lengths[keepRows[i]];
      remainingSteps[i] = sequenceSteps[keepRows[i]];
    }
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      carried.attach(scope);
      carried =
          keepRows.length == 0
              ? null
              : carried.select(scope.create(keepMask), newTime).attach(manager);
    }
    activeCells = relayout(activeCells, time, keepRows, keepRows.length, newTime);
    sequenceSteps = remainingSteps;
    lengths = remaining;
    time = newTime;
    remask();
  }

  private void remask() {
    if (mask != null) {
      mask.close();
    }
    boolean causal = config.attention() == ModelConfig.Attention.CAUSAL;
    mask = lengths.length == 0 ? null : SelfAttention.mask(manager, causal, lengths, time);
  }

  /** True once every token of every sequence has halted. */
  public boolean done() {
    for (boolean active : activeCells) {
      if (active) {
        return false;
      }
    }
    return true;
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
   * Advances every active token by one core step and reports the new execution state, in one
   * TorchScript call ({@link CompiledStep}). When fewer than half the cells are active, the core
   * runs on the active tokens only, gathered into one [N, d] block; keys and values still come from
   * every token's context state, frozen ones included. Results are scattered back, so halted tokens
   * then cost no query, feed-forward, readout or halting compute.
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
    boolean[] before = activeCells;
    int n = 0;
    int[] newSteps = sequenceSteps.clone();
    for (int cell = 0; cell < before.length; cell++) {
      if (before[cell]) {
        n++;
        newSteps[cell / time] = sequenceSteps[cell / time] + 1;
      }
    }
    NDArray steps = scope.create(newSteps);
    stepsTaken++;
    // When most tokens ask, one dense step costs fewer operations than gathering them; when few
    // do, gathering spares the halted ones their query, feed-forward, readout and halting work.
    CompiledStep.Stepped stepped =
        2L * n >= before.length
            ? model.compiledStep().dense(s, steps, mask, n == before.length, scope)
            : gathered(s, scope, before, n, steps);
    lastRecord =
        RecurrenceState.record(
            stepped.columns(),
            stepsTaken,
            newSteps.clone(), // the record's own: a reader may write into it
            lengths,
            before,
            null);
    activeCells = stillActive(lastRecord, before);
    sequenceSteps = newSteps;
    return stepped.after();
  }

  /** A step computed on the {@code n} active cells only. */
  private CompiledStep.Stepped gathered(
      RecurrenceState s, NDManager scope, boolean[] asking, int n, NDArray newSteps) {
    long[] cells = new long[n];
    long[] rows = new long[n];
    for (int cell = 0, i = 0; cell < asking.length; cell++) {
      if (asking[cell]) {
        cells[i] = cell;
        rows[i] = cell / time;
        i++;
      }
    }
    return model
        .compiledStep()
        .gathered(s, newSteps, mask, scope.create(cells), scope.create(rows), scope);
  }

  /** [B·T] the tokens that take the next step: those the step updated that did not halt. */
  private boolean[] stillActive(StepRecord record, boolean[] before) {
    boolean[] after = new boolean[before.length];
    for (int b = 0; b < record.sequences(); b++) {
      for (int t = 0; t < record.halted()[b].length; t++) {
        after[b * time + t] = before[b * time + t] && !record.halted()[b][t];
      }
    }
    return after;
  }

  /** [rows·newTime] {@code cells} ([B·oldTime]) of {@code keep}'s rows, in that order. */
  private static boolean[] relayout(
      boolean[] cells, int oldTime, int[] keep, int rows, int newTime) {
    boolean[] out = new boolean[rows * newTime];
    for (int i = 0; i < keep.length; i++) {
      System.arraycopy(cells, keep[i] * oldTime, out, i * newTime, Math.min(oldTime, newTime));
    }
    return out;
  }

  /**
   * [B, T] depth of every token so far (its final depth once it has halted). Made by {@link
   * CompiledStep} in libtorch's inference mode: read it or compute from it, but do not change it in
   * place or use it with autograd (libtorch refuses both outside inference mode).
   */
  public NDArray depths() {
    return carried.depth();
  }

  /**
   * [B, T, V] readout of each token's context state: its answer once it has halted. An inference
   * tensor, as {@link #depths}.
   */
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
