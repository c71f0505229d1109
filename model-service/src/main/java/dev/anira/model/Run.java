package dev.anira.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A finished whole-sequence pass: the step-0 record, one record per step until the last token
 * halted, and every token's depth, answer and confidence.
 */
public record Run(
    StepRecord initial,
    List<StepRecord> steps,
    int[][] depths,
    int[][] predictions,
    float[][] confidence) {

  static Run collect(WholeSequencePass recurrence) {
    StepRecord initial = recurrence.initialRecord();
    List<StepRecord> steps = new ArrayList<>();
    while (!recurrence.done()) {
      steps.add(recurrence.step());
    }
    StepRecord last = steps.isEmpty() ? initial : steps.get(steps.size() - 1);
    int[] lengths = recurrence.lengths();
    int[] flatDepths = recurrence.depths().toIntArray();
    int stride = flatDepths.length / lengths.length;
    int[][] depths = new int[lengths.length][];
    for (int b = 0; b < lengths.length; b++) {
      depths[b] = java.util.Arrays.copyOfRange(flatDepths, b * stride, b * stride + lengths[b]);
    }
    return new Run(initial, steps, depths, last.prediction(), last.confidence());
  }
}
