package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a batch carries from one recurrence step to the next, per sequence b and position t; shared
 * by the training pass ({@link WholeSequencePass}) and step-by-step inference ({@link
 * InferenceBatch}).
 *
 * @param context [B, T, d] the states the other tokens attend to; a halted token's stays frozen
 * @param logits [B, T, V] the readout of each token's context state: its answer once it has halted
 * @param active [B, T] whether the token is still iterating (false on padding)
 * @param depth [B, T] int32, the steps the token has taken: its depth once it has halted
 * @param steps [B] int32, the steps the sequence has taken (k)
 * @param cumulative [B, T] the halting mass spent so far
 * @param routerLogits [B, T, D_max] EARLY's logits over depths; null for the other mechanisms
 * @param routerCumulative [B, T, D_max] EARLY's cumulative depth distribution; else null
 * @param planned [B, T] int32, EARLY's planned depths; else null
 */
record RecurrenceState(
    NDArray context,
    NDArray logits,
    NDArray active,
    NDArray depth,
    NDArray steps,
    NDArray cumulative,
    NDArray routerLogits,
    NDArray routerCumulative,
    NDArray planned) {

  /** The prelude of a batch of sequences, before its first core step, and its step-0 record. */
  record Admitted(RecurrenceState state, int[] lengths, StepRecord record) {}

  /**
   * Runs the embedding, the prelude and its readout, and EARLY's plan, over {@code sequences}
   * (right-padded to the longest) on the DJL blocks, which autograd differentiates (training, the
   * whole-sequence pass); the tensors belong to {@code scope}. Inference admits with {@link
   * #compiledPrelude}, which computes the same bits.
   *
   * @throws IllegalArgumentException for an empty sequence or a token outside the vocabulary
   */
  static Admitted prelude(Anira model, NDManager scope, int[][] sequences, boolean recording) {
    Padded padded = Padded.of(sequences, model.config().vocabSize());
    NDArray context =
        model.prelude.apply(
            model.embedding.apply(scope.create(padded.tokens(), padded.shape())), padded.lengths());
    Shape shape = padded.shape();
    RecurrenceState state =
        new RecurrenceState(
                context,
                model.coda.apply(context),
                scope.create(padded.real(), shape),
                scope.zeros(shape, DataType.INT32),
                scope.zeros(new Shape(sequences.length), DataType.INT32),
                scope.zeros(shape),
                null,
                null,
                null)
            .withPlan(model.halting.plan(context));
    StepRecord record =
        recording
            ? state.record(
                0,
                new int[sequences.length],
                padded.lengths(),
                padded.real(),
                scope.zeros(shape, DataType.BOOLEAN),
                scope.zeros(shape),
                null,
                state.planned)
            : null;
    return new Admitted(state, padded.lengths(), record);
  }

  /**
   * {@link #prelude} with its record, in one TorchScript call ({@link CompiledStep#prelude};
   * EARLY's plan still on the DJL blocks): step-by-step inference's admission.
   *
   * @throws IllegalArgumentException for an empty sequence or a token outside the vocabulary
   */
  static Admitted compiledPrelude(Anira model, NDManager scope, int[][] sequences) {
    Padded padded = Padded.of(sequences, model.config().vocabSize());
    Shape shape = padded.shape();
    CompiledStep.Stepped step0 =
        model
            .compiledStep()
            .prelude(
                scope.create(padded.tokens(), shape),
                model.embedding.positions(scope, shape.get(1)),
                SelfAttention.mask(
                    scope,
                    model.config().attention() == ModelConfig.Attention.CAUSAL,
                    padded.lengths(),
                    shape.get(1)),
                scope.create(padded.real(), shape),
                scope);
    RecurrenceState state = step0.after();
    state = state.withPlan(model.halting.plan(state.context));
    StepRecord record =
        record(
            step0.columns(),
            0,
            new int[sequences.length],
            padded.lengths(),
            padded.real(),
            state.planned);
    return new Admitted(state, padded.lengths(), record);
  }

  /**
   * Token sequences right-padded to the longest.
   *
   * @param lengths [B] real tokens per row
   * @param tokens [B·T] the padded token ids (0 on padding)
   * @param real [B·T] whether the position holds a real token
   */
  private record Padded(int[] lengths, int[] tokens, boolean[] real) {

    /**
     * @throws IllegalArgumentException for an empty sequence or a token outside the vocabulary
     */
    static Padded of(int[][] sequences, int vocabSize) {
      int[] lengths = new int[sequences.length];
      int longest = 0;
      for (int b = 0; b < sequences.length; b++) {
        lengths[b] = sequences[b].length;
        if (lengths[b] == 0) {
          throw new IllegalArgumentException("sequence " + b + " is empty");
        }
        longest = Math.max(longest, lengths[b]);
      }
      int[] padded = new int[sequences.length * longest];
      boolean[] real = new boolean[padded.length];
      for (int b = 0; b < sequences.length; b++) {
        for (int t = 0; t < lengths[b]; t++) {
          int token = sequences[b][t];
          if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException(
                "token "
                    + token
                    + " at position "
                    + t
                    + " is outside the vocabulary 0.."
                    + (vocabSize - 1));
          }
          padded[b * longest + t] = token;
          real[b * longest + t] = true;
        }
      }
      return new Padded(lengths, padded, real);
    }

    /** [B, T] */
    Shape shape() {
      return new Shape(lengths.length, tokens.length / lengths.length);
    }
  }

  /** This state with EARLY's plan; itself when there is none. */
  private RecurrenceState withPlan(HaltingRule.Plan plan) {
    return plan == null
        ? this
        : new RecurrenceState(
            context,
            logits,
            active,
            depth,
            steps,
            cumulative,
            plan.logits(),
            plan.cumulative(),
            plan.planned());
  }

  /**
   * One core step of every cell of the [B, T] grid, the active ones kept: the whole-sequence pass.
   * Step-by-step inference computes the same with {@link CompiledStep#dense}.
   *
   * @param queries [B, T, d] the states that ask: the context (as inference steps), the query state
   *     (which keeps iterating past a token's halt) in training
   * @param newSteps [B] int32, the step k each sequence takes now
   * @param lengths [B] real tokens per row
   * @param allActive every cell is active (no padding, none halted): nothing to keep, so the merges
   *     are skipped
   */
  Advanced advance(
      Anira model, NDArray queries, NDArray newSteps, int[] lengths, boolean allActive) {
    NDArray before = active;
    NDArray next = model.core.apply(queries, context, newSteps, lengths);
    NDArray newContext =
        allActive ? next : NDArrays.where(expand(before, next.getShape()), next, context);
    NDArray delta = newContext.sub(context).norm(new int[] {2});
    NDArray readout = model.coda.apply(next);
    HaltingRule.Decision d =
        model.halting.decide(
            new HaltingRule.Cells(
                next,
                expand(newSteps.expandDims(1), before.getShape()),
                cumulative,
                planned,
                routerCumulative));
    RecurrenceState after =
        next(
            newContext,
            allActive
                ? readout
                : NDArrays.where(expand(before, readout.getShape()), readout, logits),
            allActive ? d.halt().logicalNot() : before.logicalAnd(d.halt().logicalNot()),
            depth.add(before.toType(DataType.INT32, false)),
            newSteps,
            allActive ? d.cumulative() : NDArrays.where(before, d.cumulative(), cumulative));
    return new Advanced(
        after,
        next,
        readout,
        d.haltLogits(),
        allActive ? d.halt() : before.logicalAnd(d.halt()),
        delta,
        allActive ? d.hazard() : NDArrays.where(before, d.hazard(), d.hazard().zerosLike()));
  }

  /**
   * A step of {@link #advance}.
   *
   * @param after the carried state after the step
   * @param next [B, T, d] every cell's new state (also of cells that were not active)
   * @param readout [B, T, V] the readout of {@code next}, with gradients
   * @param haltLogits ONLINE's [B, T] halting logits, with gradients; null otherwise
   * @param haltedNow [B, T] the cells that halted at this step
   * @param delta [B, T] ‖h^k − h^{k−1}‖ of the context, 0 for frozen cells
   * @param hazard [B, T] the reported halting probability, 0 for cells that were not active
   */
  record Advanced(
      RecurrenceState after,
      NDArray next,
      NDArray readout,
      NDArray haltLogits,
      NDArray haltedNow,
      NDArray delta,
      NDArray hazard) {}

  private static NDArray expand(NDArray mask, Shape shape) {
    NDArray expanded = mask;
    while (expanded.getShape().dimension() < shape.dimension()) {
      expanded = expanded.expandDims(expanded.getShape().dimension());
    }
    return expanded.broadcast(shape);
  }

  /** The same batch after a step: the router's plan does not change. */
  RecurrenceState next(
      NDArray context,
      NDArray logits,
      NDArray active,
      NDArray depth,
      NDArray steps,
      NDArray cumulative) {
    return new RecurrenceState(
        context, logits, active, depth, steps, cumulative, routerLogits, routerCumulative, planned);
  }

  /** Every tensor, without the absent ones. */
  List<NDArray> tensors() {
    List<NDArray> all = new ArrayList<>(9);
    for (NDArray t :
        new NDArray[] {
          context, logits, active, depth, steps, cumulative, routerLogits, routerCumulative, planned
        }) {
      if (t != null) {
        all.add(t);
      }
    }
    return all;
  }

  /** Moves every tensor to {@code manager} (freed when it closes); returns this. */
  RecurrenceState attach(NDManager manager) {
    tensors().forEach(t -> t.attach(manager));
    return this;
  }

  /** This batch's rows, then {@code more}'s, both padded to {@code time} positions. */
  RecurrenceState concat(RecurrenceState more, long time) {
    return new RecurrenceState(
        join(context, more.context, time),
        join(logits, more.logits, time),
        join(active, more.active, time),
        join(depth, more.depth, time),
        join(steps, more.steps, time),
        join(cumulative, more.cumulative, time),
        join(routerLogits, more.routerLogits, time),
        join(routerCumulative, more.routerCumulative, time),
        join(planned, more.planned, time));
  }

  /** The rows where {@code keep} is true, cut to {@code time} positions. */
  RecurrenceState select(NDArray keep, long time) {
    return new RecurrenceState(
        rows(context, keep, time),
        rows(logits, keep, time),
        rows(active, keep, time),
        rows(depth, keep, time),
        rows(steps, keep, time),
        rows(cumulative, keep, time),
        rows(routerLogits, keep, time),
        rows(routerCumulative, keep, time),
        rows(planned, keep, time));
  }

  /** True once no token of the batch is still iterating. */
  boolean halted() {
    return active.toType(DataType.INT32, false).sum().toType(DataType.INT64, false).getLong() == 0;
  }

  /**
   * The execution state after {@code step}, copied to the host (see {@link StepRecord}).
   *
   * @param sequenceSteps [B] the step k each sequence has taken, already on the host
   * @param activeBefore [B·T] the cells the step updated, already on the host: the whole grid,
   *     padding included (it gives T)
   * @throws IllegalStateException if {@code activeBefore} is not the grid of the device tensors
   */
  StepRecord record(
      int step,
      int[] sequenceSteps,
      int[] lengths,
      boolean[] activeBefore,
      NDArray haltedNow,
      NDArray delta,
      NDArray hazard,
      NDArray plannedDepths) {
    return record(
        columns(haltedNow, delta, hazard),
        step,
        sequenceSteps,
        lengths,
        activeBefore,
        plannedDepths);
  }

  /**
   * Every per-cell value of the record in one tensor, so that it reaches the host in one copy (each
   * copy through DJL is a native call and a buffer).
   *
   * @return [5, B, T] confidence, prediction, halting mass, halted, state delta; [6, B, T] with the
   *     hazard after it, when there is one (not at step 0)
   */
  NDArray columns(NDArray haltedNow, NDArray delta, NDArray hazard) {
    List<NDArray> columns =
        new ArrayList<>(
            List.of(
                logits.softmax(2).max(new int[] {2}),
                logits.argMax(2).toType(DataType.FLOAT32, false),
                cumulative,
                haltedNow.toType(DataType.FLOAT32, false),
                delta));
    if (hazard != null) {
      columns.add(hazard);
    }
    return NDArrays.stack(new NDList(columns));
  }

  /**
   * The record of {@link #columns} (computed by the DJL blocks or by {@link CompiledStep}).
   *
   * @see #record(int, int[], int[], boolean[], NDArray, NDArray, NDArray, NDArray)
   */
  static StepRecord record(
      NDArray columns,
      int step,
      int[] sequenceSteps,
      int[] lengths,
      boolean[] activeBefore,
      NDArray plannedDepths) {
    boolean withHazard = columns.getShape().get(0) == 6;
    float[] values = columns.toFloatArray();
    int cells = values.length / (withHazard ? 6 : 5);
    if (activeBefore.length != cells) {
      throw new IllegalStateException(
          "the host's mask has " + activeBefore.length + " cells, the device's grid " + cells);
    }
    int[] prediction = new int[cells];
    boolean[] halted = new boolean[cells];
    for (int c = 0; c < cells; c++) {
      prediction[c] = (int) values[cells + c]; // exact: a vocabulary is far below 2^24
      halted[c] = values[3 * cells + c] != 0;
    }
    return StepRecord.split(
        step,
        sequenceSteps,
        lengths,
        activeBefore.length / lengths.length,
        withHazard ? Arrays.copyOfRange(values, 5 * cells, 6 * cells) : null,
        Arrays.copyOfRange(values, 2 * cells, 3 * cells),
        activeBefore,
        halted,
        Arrays.copyOfRange(values, 4 * cells, 5 * cells),
        prediction,
        Arrays.copyOfRange(values, 0, cells),
        plannedDepths == null ? null : plannedDepths.toIntArray());
  }

  private static NDArray join(NDArray a, NDArray b, long time) {
    return a == null ? null : padTime(a, time).concat(padTime(b, time), 0);
  }

  private static NDArray rows(NDArray x, NDArray keep, long time) {
    if (x == null) {
      return null;
    }
    NDArray selected = x.get(new NDIndex("{}", keep));
    return selected.getShape().dimension() < 2 || selected.getShape().get(1) == time
        ? selected
        : selected.get(new NDIndex(":, :{}", time));
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
}
