package dev.anira.model;

import java.util.Arrays;

/**
 * The execution state after one recurrence step, per sequence and position (docs/design.md §4,
 * RecurrenceStep). Arrays are indexed {@code [sequence][position]} and trimmed to each sequence's
 * length.
 *
 * @param step steps the batch has taken; 0 is the prelude
 * @param sequenceSteps per sequence, its own step k (sequences join a running batch at 0)
 * @param haltProbability λ^k (ONLINE), the router's hazard q_k / (1 − Σ_{j<k} q_j) (EARLY), 1 at
 *     the fixed depth (FIXED); 0 for tokens that were not active; null at step 0
 * @param cumulativeHalt halting mass spent up to and including step k
 * @param active the core updated the token at this step
 * @param halted the token halted at this step (its depth is k)
 * @param stateDelta ‖h^k − h^{k−1}‖, 0 for frozen tokens
 * @param prediction argmax of Coda(h^k)
 * @param confidence the softmax probability of the prediction
 * @param plannedDepth EARLY at step 0: the router's depth per token; null otherwise
 */
public record StepRecord(
    int step,
    int[] sequenceSteps,
    float[][] haltProbability,
    float[][] cumulativeHalt,
    boolean[][] active,
    boolean[][] halted,
    float[][] stateDelta,
    int[][] prediction,
    float[][] confidence,
    int[][] plannedDepth) {

  static StepRecord split(
      int step,
      int[] sequenceSteps,
      int[] lengths,
      int stride,
      float[] haltProbability,
      float[] cumulativeHalt,
      boolean[] active,
      boolean[] halted,
      float[] stateDelta,
      int[] prediction,
      float[] confidence,
      int[] plannedDepth) {
    return new StepRecord(
        step,
        sequenceSteps,
        haltProbability == null ? null : floats(haltProbability, lengths, stride),
        floats(cumulativeHalt, lengths, stride),
        booleans(active, lengths, stride),
        booleans(halted, lengths, stride),
        floats(stateDelta, lengths, stride),
        ints(prediction, lengths, stride),
        floats(confidence, lengths, stride),
        plannedDepth == null ? null : ints(plannedDepth, lengths, stride));
  }

  /** Number of sequences in the batch. */
  public int sequences() {
    return active.length;
  }

  /** True if the core updated any token of sequence {@code b} at this step. */
  public boolean anyActive(int b) {
    for (boolean a : active[b]) {
      if (a) {
        return true;
      }
    }
    return false;
  }

  private static float[][] floats(float[] flat, int[] lengths, int stride) {
    float[][] out = new float[lengths.length][];
    for (int b = 0; b < lengths.length; b++) {
      out[b] = Arrays.copyOfRange(flat, b * stride, b * stride + lengths[b]);
    }
    return out;
  }

  private static int[][] ints(int[] flat, int[] lengths, int stride) {
    int[][] out = new int[lengths.length][];
    for (int b = 0; b < lengths.length; b++) {
      out[b] = Arrays.copyOfRange(flat, b * stride, b * stride + lengths[b]);
    }
    return out;
  }

  private static boolean[][] booleans(boolean[] flat, int[] lengths, int stride) {
    boolean[][] out = new boolean[lengths.length][];
    for (int b = 0; b < lengths.length; b++) {
      out[b] = Arrays.copyOfRange(flat, b * stride, b * stride + lengths[b]);
    }
    return out;
  }
}
