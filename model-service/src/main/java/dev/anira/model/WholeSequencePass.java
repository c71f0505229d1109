package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The recurrence over a fixed batch, every token of the [B, T] grid at once: the pass training
 * differentiates, and whole-sequence inference ({@link Anira#run}). Two states per token: the
 * context, which stops changing when the token halts and is what the other tokens attend to, and
 * the query state, which keeps iterating after the token halts, so that training sees the loss at
 * every depth (PonderNet's expectation, docs/design.md §2). Up to its own depth every token's state
 * is exactly what {@link InferenceBatch} computes. Its tensors belong to the caller's scope.
 */
public final class WholeSequencePass {

  private final Anira model;
  private final boolean recording;
  private final int[] lengths;
  private final StepRecord initial;
  private RecurrenceState carried;
  private NDArray state;
  private int stepsTaken;
  private StepRecord lastRecord;

  /**
   * Runs the prelude over {@code sequences}.
   *
   * @param recording whether each step also produces its {@link StepRecord} (copied to the host)
   * @throws IllegalArgumentException for no sequence, an empty one, or a token outside the
   *     vocabulary
   */
  WholeSequencePass(Anira model, NDManager scope, int[][] sequences, boolean recording) {
    if (sequences.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one sequence");
    }
    this.model = model;
    this.recording = recording;
    RecurrenceState.Admitted admitted = RecurrenceState.prelude(model, scope, sequences, recording);
    this.carried = admitted.state();
    this.lengths = admitted.lengths();
    this.initial = admitted.record();
    this.state = carried.context();
  }

  /**
   * One core step for every token: the readout of every token's query state and, for ONLINE, the
   * halting logits, both with gradients (what the loss needs at step k).
   */
  public StepTensors advance() {
    RecurrenceState.Advanced a =
        carried.advance(
            model, state, carried.steps().add(carried.steps().onesLike()), lengths, false);
    boolean[] before = recording ? carried.active().toBooleanArray() : null;
    carried = a.after();
    state = a.next();
    stepsTaken++;
    lastRecord =
        recording
            ? carried.record(
                stepsTaken,
                carried.steps().toIntArray(),
                lengths,
                before,
                a.haltedNow(),
                a.delta(),
                a.hazard(),
                null)
            : null;
    return new StepTensors(a.readout(), a.haltLogits());
  }

  /**
   * One step, as {@link InferenceBatch#step} reports it.
   *
   * @throws IllegalStateException when the pass was begun without records
   */
  public StepRecord step() {
    if (!recording) {
      throw new IllegalStateException("this pass was begun for training, without records");
    }
    advance();
    return lastRecord;
  }

  /** True once every token has halted. */
  public boolean done() {
    return carried.halted();
  }

  public int stepsTaken() {
    return stepsTaken;
  }

  /** Step 0: the prelude's predictions and, for EARLY, the router's planned depths. */
  public StepRecord initialRecord() {
    return initial;
  }

  /** [B, T] depth of every token so far (its final depth once it has halted). */
  public NDArray depths() {
    return carried.depth();
  }

  /** [B, T, D_max] the router's logits over depths (EARLY only, else null). */
  public NDArray routerLogits() {
    return carried.routerLogits();
  }

  /** [B, T, V] readout of each token's context state: its answer once it has halted. */
  public NDArray answerLogits() {
    return carried.logits();
  }

  public int[] lengths() {
    return lengths.clone();
  }
}
