package dev.anira.service;

import dev.anira.model.Devices;
import dev.anira.model.InferenceBatch;
import dev.anira.model.StepRecord;
import dev.anira.schemas.ProblemInstance;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs one model over a queue of instances, one recurrence step at a time, with a token budget.
 *
 * <p>CONTINUOUS (depth-wise continuous batching): between steps, instances whose tokens have all
 * halted leave and queued instances join, so the batch stays full and no instance waits for the
 * slowest one. STATIC: a batch is filled once and runs until its slowest instance finishes (the
 * baseline the benchmark compares against).
 */
public final class ContinuousBatcher implements AutoCloseable {

  public enum Admission {
    CONTINUOUS,
    STATIC
  }

  private final ServedModel served;
  private final int tokenBudget;
  private final Admission admission;
  private final String producerId;
  private final ServiceMetrics metrics;
  private final String device;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final List<Row> rows = new ArrayList<>();
  private InferenceBatch recurrence;
  private int tokensInBatch;

  private record Pending(ProblemInstance instance, OutputSink sink, long arrivedNanos) {}

  /** An instance in the batch, at the same index as its row in the recurrence. */
  private static final class Row {
    final ProblemInstance instance;
    final OutputSink sink;
    final long arrivedNanos;
    final int[] depths;
    int running;
    boolean finished;

    Row(ProblemInstance instance, OutputSink sink, long arrivedNanos) {
      this.instance = instance;
      this.sink = sink;
      this.arrivedNanos = arrivedNanos;
      this.depths = new int[instance.getTokens().size()];
      this.running = depths.length;
    }
  }

  public ContinuousBatcher(
      ServedModel served,
      int tokenBudget,
      Admission admission,
      String producerId,
      ServiceMetrics metrics) {
    this.served = served;
    this.tokenBudget = tokenBudget;
    this.admission = admission;
    this.producerId = producerId;
    this.metrics = metrics;
    this.device = Devices.describe(served.model().device());
  }

  public ServedModel served() {
    return served;
  }

  /**
   * Queues an instance whose records go to {@code sink}; its tokens must fit the budget and the
   * vocabulary (checked upstream).
   */
  public void submit(ProblemInstance instance, OutputSink sink) {
    queue.add(new Pending(instance, sink, System.nanoTime()));
  }

  /** Instances queued or in the running batch. */
  public int size() {
    return queue.size() + rows.size();
  }

  public boolean idle() {
    return queue.isEmpty() && rows.isEmpty();
  }

  /** Steps until every queued instance has a result. */
  public void drain() {
    while (!idle()) {
      step();
    }
  }

  /** Admits what fits, takes one recurrence step, retires finished instances. */
  public void step() {
    if (recurrence == null) {
      recurrence = served.model().begin(new int[0][]);
    }
    // Joining costs a prelude pass and a re-layout of the batch: wait until an eighth of the
    // budget is free rather than paying it for every single instance that leaves.
    boolean roomy = tokenBudget - tokensInBatch >= tokenBudget / 8;
    if (rows.isEmpty() || (admission == Admission.CONTINUOUS && roomy)) {
      admit();
    }
    if (rows.stream().allMatch(r -> r.finished)) {
      return;
    }
    StepRecord record = recurrence.step();
    long active = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (row.finished || !record.anyActive(i)) {
        continue;
      }
      row.sink.step(Records.step(served, row.instance, record, i, producerId));
      boolean[] halted = record.halted()[i];
      boolean[] wasActive = record.active()[i];
      for (int t = 0; t < halted.length; t++) {
        if (wasActive[t]) {
          active++;
        }
        if (halted[t]) {
          row.depths[t] = record.sequenceSteps()[i];
          row.running--;
        }
      }
      if (row.running == 0) {
        row.finished = true;
        long micros = (System.nanoTime() - row.arrivedNanos) / 1000;
        row.sink.result(
            Records.result(
                served, row.instance, row.depths, record, i, device, micros, producerId));
        metrics.instanceDone(served, row.depths.length, micros);
      }
    }
    metrics.stepTaken(served, active, tokensInBatch, tokenBudget);
    retire();
  }

  private void admit() {
    List<Row> joining = new ArrayList<>();
    int tokens = tokensInBatch;
    while (!queue.isEmpty()) {
      if (!queue.peek().sink().wanted()) {
        queue.poll();
        continue;
      }
      int length = queue.peek().instance().getTokens().size();
      boolean empty = rows.isEmpty() && joining.isEmpty();
      if (!empty && tokens + length > tokenBudget) {
        break;
      }
      Pending next = queue.poll();
      joining.add(new Row(next.instance(), next.sink(), next.arrivedNanos()));
      tokens += length;
    }
    if (joining.isEmpty()) {
      return;
    }
    int[][] sequences = new int[joining.size()][];
    for (int i = 0; i < sequences.length; i++) {
      sequences[i] =
          joining.get(i).instance.getTokens().stream().mapToInt(Integer::intValue).toArray();
    }
    StepRecord initial = recurrence.admit(sequences);
    for (int i = 0; i < joining.size(); i++) {
      Row row = joining.get(i);
      row.sink.step(Records.step(served, row.instance, initial, i, producerId));
    }
    rows.addAll(joining);
    tokensInBatch = tokens;
  }

  /** CONTINUOUS frees finished rows at once; STATIC only when the whole batch is done. */
  private void retire() {
    boolean all = rows.stream().allMatch(r -> r.finished);
    if (admission == Admission.STATIC && !all) {
      return;
    }
    List<Integer> done = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).finished) {
        done.add(i);
      }
    }
    if (done.isEmpty()) {
      return;
    }
    recurrence.release(done.stream().mapToInt(Integer::intValue).toArray());
    for (int i = done.size() - 1; i >= 0; i--) {
      Row row = rows.remove((int) done.get(i));
      tokensInBatch -= row.depths.length;
    }
  }

  @Override
  public void close() {
    if (recurrence != null) {
      recurrence.close();
    }
  }
}
