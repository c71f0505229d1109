package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.anira.schemas.Mechanism;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecurrenceTest {

  private static final int[][] BATCH = TinyModels.sequences(11, 6);

  /** Every mechanism under both attention patterns. */
  static Stream<Arguments> variants() {
    return Arrays.stream(Mechanism.values())
        .flatMap(m -> Arrays.stream(ModelConfig.Attention.values()).map(a -> Arguments.of(m, a)));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void stepByStepGivesTheSameRecordsAsTheWholeSequencePass(
      Mechanism mechanism, ModelConfig.Attention attention) {
    assertStepByStepIsTheWholeSequencePass(mechanism, attention, BATCH);
  }

  /** Without padding, every cell is active at the first step: the step that keeps nothing. */
  @ParameterizedTest
  @MethodSource("variants")
  void sequencesOfOneLengthGiveTheSameRecordsAsTheWholeSequencePass(
      Mechanism mechanism, ModelConfig.Attention attention) {
    int[][] sameLength = Arrays.stream(BATCH).map(s -> Arrays.copyOf(s, 5)).toArray(int[][]::new);
    assertStepByStepIsTheWholeSequencePass(mechanism, attention, sameLength);
  }

  private static void assertStepByStepIsTheWholeSequencePass(
      Mechanism mechanism, ModelConfig.Attention attention, int[][] batch) {
    try (Anira model = TinyModels.create(mechanism, 3, attention)) {
      Run whole = model.run(batch);
      List<StepRecord> stepped = new ArrayList<>();
      StepRecord initial;
      try (InferenceBatch recurrence = model.begin(batch)) {
        initial = recurrence.initialRecord();
        while (!recurrence.done()) {
          stepped.add(recurrence.step());
        }
      }
      assertSame(initial, whole.initial());
      assertThat(stepped).hasSameSizeAs(whole.steps());
      for (int k = 0; k < stepped.size(); k++) {
        assertSame(stepped.get(k), whole.steps().get(k));
      }
    }
  }

  @Test
  void anotherMechanismOnTheSameTrunkComputesTheSamePrelude() {
    try (Anira online = TinyModels.create(Mechanism.ONLINE, 3);
        Anira fixed = online.withMechanism(Mechanism.FIXED)) {
      assertThat(fixed.config().mechanism()).isEqualTo(Mechanism.FIXED);
      assertThat(fixed.config().fixedDepth()).isEqualTo(online.config().maxDepth());
      assertThat(fixed.weights().all().keySet())
          .allSatisfy(
              name ->
                  assertThat(fixed.weights().all().get(name).toFloatArray())
                      .containsExactly(online.weights().all().get(name).toFloatArray()));
      assertSame(fixed.run(BATCH).initial(), online.run(BATCH).initial());
    }
  }

  @Test
  void aHaltingHeadSetThroughTheApiDecidesAsItsFormulaSays() {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 3)) {
      float[] w = new float[model.config().modelDim()];
      model.setHaltingHead(w, 10f); // λ = σ(10) ≥ τ for every token: all halt after one step
      assertThat(allDepths(model)).containsOnly(1);
      model.setHaltingHead(w, -10f); // λ = σ(−10) < τ: every token runs to D_max
      assertThat(allDepths(model)).containsOnly(model.config().maxDepth());
      float[][] table = model.tokenEmbedding();
      table[0][0] += 1f;
      model.setTokenEmbedding(table);
      assertThat(model.tokenEmbedding()[0][0]).isEqualTo(table[0][0]);
      assertThatThrownBy(() -> model.setHaltingHead(new float[3], 0f))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("got 3");
      assertThatThrownBy(() -> model.setTokenEmbedding(new float[1][1]))
          .isInstanceOf(IllegalArgumentException.class);
    }
    try (Anira early = TinyModels.create(Mechanism.EARLY, 3)) {
      assertThatThrownBy(() -> early.setHaltingHead(new float[early.config().modelDim()], 0f))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("EARLY");
    }
  }

  private static int[] allDepths(Anira model) {
    return Arrays.stream(model.run(BATCH).depths()).flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void haltedTokensKeepTheirStateBitForBit() {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 5);
        InferenceBatch recurrence = model.begin(BATCH)) {
      int d = model.config().modelDim();
      int stride = Arrays.stream(BATCH).mapToInt(s -> s.length).max().orElseThrow();
      float[][] frozenAt = new float[BATCH.length * stride][];
      Set<Integer> depthsSeen = new HashSet<>();
      while (!recurrence.done()) {
        StepRecord record = recurrence.step();
        float[] context = recurrence.contextValues();
        for (int b = 0; b < BATCH.length; b++) {
          for (int t = 0; t < BATCH[b].length; t++) {
            int cell = b * stride + t;
            float[] now = Arrays.copyOfRange(context, cell * d, (cell + 1) * d);
            if (frozenAt[cell] != null) {
              assertThat(now)
                  .as("token %d of sequence %d after halting", t, b)
                  .containsExactly(frozenAt[cell]);
              assertThat(record.stateDelta()[b][t]).isZero();
              assertThat(record.active()[b][t]).isFalse();
            }
            if (record.halted()[b][t]) {
              frozenAt[cell] = now;
              depthsSeen.add(record.step());
            }
          }
        }
      }
      // The test means something only if tokens halted at different steps.
      assertThat(depthsSeen).hasSizeGreaterThan(1);
    }
  }

  @Test
  void earlyTokensHaltExactlyAtTheDepthPlannedAtStepZero() {
    try (Anira model = TinyModels.create(Mechanism.EARLY, 7)) {
      Run run = model.run(BATCH);
      int[][] planned = run.initial().plannedDepth();
      assertThat(planned).isNotNull();
      Set<Integer> distinct = new HashSet<>();
      for (int b = 0; b < BATCH.length; b++) {
        for (int t = 0; t < BATCH[b].length; t++) {
          assertThat(run.depths()[b][t]).isEqualTo(planned[b][t]);
          distinct.add(planned[b][t]);
          for (StepRecord record : run.steps()) {
            assertThat(record.halted()[b][t]).isEqualTo(record.step() == planned[b][t]);
            assertThat(record.plannedDepth()).isNull();
          }
        }
      }
      assertThat(distinct).hasSizeGreaterThan(1);
    }
  }

  @Test
  void fixedRunsEveryTokenExactlyItsDepth() {
    try (Anira model = TinyModels.create(Mechanism.FIXED, 1)) {
      Run run = model.run(BATCH);
      assertThat(run.steps()).hasSize(3);
      for (int[] depths : run.depths()) {
        assertThat(depths).containsOnly(3);
      }
      assertThat(run.steps().get(2).cumulativeHalt()[0]).containsOnly(1f);
    }
  }

  @Test
  void onlineHaltsAtTheFirstStepWithLambdaAtLeastTheThreshold() {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 5)) {
      Run run = model.run(BATCH);
      for (int b = 0; b < BATCH.length; b++) {
        for (int t = 0; t < BATCH[b].length; t++) {
          for (StepRecord record : run.steps()) {
            if (!record.active()[b][t]) {
              continue;
            }
            float lambda = record.haltProbability()[b][t];
            boolean last = record.step() == TinyModels.MAX_DEPTH;
            assertThat(record.halted()[b][t]).isEqualTo(lambda >= 0.5f || last);
          }
          // Halting mass spent: all of it at D_max (λ^{D_max} = 1), at least τ before.
          float spent = run.steps().get(run.steps().size() - 1).cumulativeHalt()[b][t];
          if (run.depths()[b][t] == TinyModels.MAX_DEPTH) {
            assertThat(spent).isCloseTo(1f, within(1e-5f));
          } else {
            assertThat(spent).isGreaterThanOrEqualTo(0.5f);
          }
        }
      }
    }
  }

  @Test
  void aTokenOutsideTheVocabularyIsRefused() {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 1)) {
      assertThatThrownBy(() -> model.run(new int[][] {{1, 2, TinyModels.VOCAB}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("outside the vocabulary");
    }
  }

  /**
   * A new thread starts with libtorch's grad mode on; stepping there must not build an autograd
   * graph of the weights (the service loop's thread did, costing about a quarter of a small step),
   * and must leave the thread's mode as it found it. Backpropagating through the step's output is
   * the observable: it fails when no graph was recorded.
   */
  @Test
  void inferenceOnAFreshThreadRecordsNoGradientsAndLeavesTheThreadsModeAlone() throws Exception {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 1)) {
      boolean[] gradMode = new boolean[2];
      Throwable[] backward = new Throwable[1];
      Thread worker =
          new Thread(
              () -> {
                gradMode[0] = JniUtils.isGradMode();
                try (InferenceBatch recurrence = model.begin(BATCH)) {
                  recurrence.step();
                  gradMode[1] = JniUtils.isGradMode();
                  NDArray answer = recurrence.answerLogits().sum();
                  try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(answer);
                  } catch (RuntimeException e) {
                    backward[0] = e;
                  }
                }
              });
      worker.start();
      worker.join();
      assertThat(gradMode[0]).as("a fresh thread's grad mode").isTrue();
      assertThat(gradMode[1]).as("the thread's grad mode after the step").isTrue();
      assertThat(backward[0])
          .as("backpropagating through the step's answer")
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("does not require grad");
    }
  }

  private static void assertSame(StepRecord a, StepRecord b) {
    assertThat(a.step()).isEqualTo(b.step());
    assertThat(a.active()).isDeepEqualTo(b.active());
    assertThat(a.halted()).isDeepEqualTo(b.halted());
    assertThat(a.prediction()).isDeepEqualTo(b.prediction());
    assertThat(a.plannedDepth()).isDeepEqualTo(b.plannedDepth());
    assertClose(a.haltProbability(), b.haltProbability());
    assertClose(a.cumulativeHalt(), b.cumulativeHalt());
    assertClose(a.stateDelta(), b.stateDelta());
    assertClose(a.confidence(), b.confidence());
  }

  private static void assertClose(float[][] a, float[][] b) {
    if (a == null || b == null) {
      assertThat(a).isEqualTo(b);
      return;
    }
    assertThat(a.length).isEqualTo(b.length);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).containsExactly(b[i], within(1e-5f));
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aSequenceAdmittedIntoARunningBatchComputesWhatItComputesAlone(
      Mechanism mechanism, ModelConfig.Attention attention) {
    try (Anira model = TinyModels.create(mechanism, 13, attention)) {
      int[][] early = TinyModels.sequences(21, 3);
      int[][] late = TinyModels.sequences(22, 2);
      Run alone = model.run(late);
      try (InferenceBatch recurrence = model.begin(early)) {
        recurrence.step();
        recurrence.step();
        StepRecord admitted = recurrence.admit(late);
        assertThat(admitted.sequenceSteps()).containsOnly(0);
        assertThat(admitted.prediction()).isDeepEqualTo(alone.initial().prediction());
        // Release the first row: rows shift, the late sequences are now rows 2 and 3.
        recurrence.release(new int[] {0});
        assertThat(recurrence.size()).isEqualTo(4);
        List<StepRecord> stepped = new ArrayList<>();
        for (int k = 0; k < alone.steps().size(); k++) {
          stepped.add(recurrence.step());
        }
        assertRowsAreAlone(stepped, 2, alone);
      }
    }
  }

  /**
   * The batch keeps on the host what each step needs to know (positions per row, which tokens are
   * active, each row's step): a batch whose time axis grows at an admit, that empties, and that is
   * refilled must still compute, row by row, what its sequences compute alone.
   */
  @ParameterizedTest
  @MethodSource("variants")
  void aBatchThatGrowsEmptiesAndIsRefilledComputesWhatItsSequencesComputeAlone(
      Mechanism mechanism, ModelConfig.Attention attention) {
    try (Anira model = TinyModels.create(mechanism, 17, attention)) {
      int[][] shorter = {{1, 2}, {3, 4, 5}};
      int[][] longer = {{1, 2, 3, 4, 5, 6, 1, 2, 3}, {4, 5, 6, 1, 2, 3, 4}};
      Run shorterAlone = model.run(shorter);
      Run longerAlone = model.run(longer);
      try (InferenceBatch recurrence = model.begin(shorter)) {
        List<StepRecord> stepped = new ArrayList<>(List.of(recurrence.step()));
        recurrence.admit(longer); // three positions per row become nine
        while (!recurrence.done()) {
          stepped.add(recurrence.step());
        }
        assertRowsAreAlone(stepped, 0, shorterAlone);
        assertRowsAreAlone(stepped.subList(1, stepped.size()), 2, longerAlone);

        recurrence.release(new int[] {0, 1, 2, 3});
        assertThat(recurrence.size()).isZero();
        assertThat(recurrence.done()).isTrue();
        assertThatThrownBy(recurrence::step).isInstanceOf(IllegalStateException.class);
        recurrence.admit(longer);
        stepped.clear();
        while (!recurrence.done()) {
          stepped.add(recurrence.step());
        }
        assertThat(stepped).hasSameSizeAs(longerAlone.steps());
        assertRowsAreAlone(stepped, 0, longerAlone);
      }
    }
  }

  /**
   * Rows {@code firstRow}.. of the first records report, step for step, what {@code alone}'s
   * sequences did at theirs; afterwards those rows are idle.
   */
  private static void assertRowsAreAlone(List<StepRecord> records, int firstRow, Run alone) {
    for (int k = 0; k < records.size(); k++) {
      StepRecord now = records.get(k);
      for (int i = 0; i < alone.steps().get(0).sequences(); i++) {
        int row = firstRow + i;
        if (k >= alone.steps().size()) {
          assertThat(now.active()[row]).doesNotContain(true);
          continue;
        }
        StepRecord expected = alone.steps().get(k);
        // Step by step, a row whose tokens have all halted stops counting steps.
        int last = Arrays.stream(alone.depths()[i]).max().orElseThrow();
        assertThat(now.sequenceSteps()[row]).isEqualTo(Math.min(expected.step(), last));
        assertThat(now.active()[row]).containsExactly(expected.active()[i]);
        assertThat(now.halted()[row]).containsExactly(expected.halted()[i]);
        assertThat(now.prediction()[row]).containsExactly(expected.prediction()[i]);
        assertThat(now.stateDelta()[row]).containsExactly(expected.stateDelta()[i], within(1e-5f));
        assertThat(now.cumulativeHalt()[row])
            .containsExactly(expected.cumulativeHalt()[i], within(1e-5f));
      }
    }
  }
}
