package dev.anira.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Examples padded to one length, with one-hot targets and masks as tensors. */
record TrainingBatch(
    List<Example> examples,
    int[][] sequences,
    NDArray targets,
    NDArray answerMask,
    NDArray realMask,
    int answerCount,
    int tokenCount) {

  static TrainingBatch of(List<Example> examples, int vocabSize, NDManager scope) {
    int[][] sequences = new int[examples.size()][];
    int length = 0;
    for (int b = 0; b < sequences.length; b++) {
      sequences[b] = examples.get(b).tokens();
      length = Math.max(length, sequences[b].length);
    }
    int batch = sequences.length;
    float[] oneHot = new float[batch * length * vocabSize];
    float[] answers = new float[batch * length];
    float[] real = new float[batch * length];
    int answerCount = 0;
    int tokenCount = 0;
    for (int b = 0; b < batch; b++) {
      int[] positions = examples.get(b).answerPositions();
      int[] targets = examples.get(b).targets();
      for (int i = 0; i < positions.length; i++) {
        int cell = b * length + positions[i];
        answers[cell] = 1f;
        oneHot[cell * vocabSize + targets[i]] = 1f;
        answerCount++;
      }
      for (int t = 0; t < sequences[b].length; t++) {
        real[b * length + t] = 1f;
        tokenCount++;
      }
    }
    Shape grid = new Shape(batch, length);
    return new TrainingBatch(
        examples,
        sequences,
        scope.create(oneHot, new Shape(batch, length, vocabSize)),
        scope.create(answers, grid),
        scope.create(real, grid),
        answerCount,
        tokenCount);
  }
}
