package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.LagBin;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.WindowScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;

/** The alignment report's partial correlation and convergence statistics against batch ones. */
class AlignmentAccumulatorTest {

  private final SplittableRandom random = new SplittableRandom(4);

  /**
   * Partial r of depth and complexity given position and size, against its textbook definition: the
   * Pearson correlation of the residuals of depth and of complexity, each regressed on (position,
   * size) by commons-math. Also after merging two halves.
   */
  @Test
  void partialCorrelationEqualsTheCorrelationOfResiduals() {
    List<HaltingEvent> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int size = random.nextInt(4, 17);
      int position = random.nextInt(size);
      int complexity = 1 + position / 3 + random.nextInt(3);
      int depth = Math.max(1, complexity + random.nextInt(-1, 2) + position / 5);
      events.add(event(depth, complexity, position, size, true, -1, false));
    }
    AlignmentAccumulator a = new AlignmentAccumulator();
    AlignmentAccumulator b = new AlignmentAccumulator();
    for (int i = 0; i < events.size(); i++) {
      (i % 3 == 0 ? a : b).add(events.get(i));
    }
    AlignmentReport report = report(a.merge(b));

    double[] depth = events.stream().mapToDouble(HaltingEvent::getDepth).toArray();
    double[] complexity = events.stream().mapToDouble(HaltingEvent::getComplexity).toArray();
    double[][] controls =
        events.stream()
            .map(e -> new double[] {e.getPosition(), e.getSize()})
            .toArray(double[][]::new);
    double expected =
        new PearsonsCorrelation()
            .correlation(residuals(depth, controls), residuals(complexity, controls));
    assertThat(report.getPartialPearsonCorrect()).isCloseTo(expected, within(1e-9));
    assertThat(report.getPearsonCorrect()).isGreaterThan(report.getPartialPearsonCorrect());
  }

  @Test
  void convergenceStatisticsAreDirectCounts() {
    List<HaltingEvent> events = new ArrayList<>();
    TreeMap<Integer, Long> histogram = new TreeMap<>();
    long sum = 0;
    long settled = 0;
    long rightThenWrong = 0;
    long withSteps = 0;
    for (int i = 0; i < 500; i++) {
      int depth = random.nextInt(1, 9);
      boolean stepsAtHand = random.nextInt(10) > 0;
      int convergence = stepsAtHand ? random.nextInt(0, depth + 1) : -1;
      boolean correct = random.nextBoolean();
      boolean rightBefore = random.nextBoolean();
      events.add(event(depth, 2, 0, 8, correct, convergence, rightBefore));
      if (stepsAtHand) {
        withSteps++;
        histogram.merge(depth - convergence, 1L, Long::sum);
        sum += depth - convergence;
        settled += convergence == depth ? 1 : 0;
        rightThenWrong += rightBefore && !correct ? 1 : 0;
      }
    }
    AlignmentAccumulator a = new AlignmentAccumulator();
    AlignmentAccumulator b = new AlignmentAccumulator();
    for (int i = 0; i < events.size(); i++) {
      (random.nextBoolean() ? a : b).add(events.get(i));
    }
    AlignmentReport report = report(a.merge(b));
    assertThat(report.getConvergedTokens()).isEqualTo(withSteps);
    assertThat(report.getMeanOverthinking()).isCloseTo((double) sum / withSteps, within(1e-12));
    assertThat(report.getOverthinkingHistogram())
        .containsExactlyElementsOf(
            histogram.entrySet().stream().map(e -> new LagBin(e.getKey(), e.getValue())).toList());
    assertThat(report.getSettledAtHaltShare())
        .isCloseTo((double) settled / withSteps, within(1e-12));
    assertThat(report.getRightThenWrongShare())
        .isCloseTo((double) rightThenWrong / withSteps, within(1e-12));
  }

  private static double[] residuals(double[] y, double[][] x) {
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, x);
    return ols.estimateResiduals();
  }

  private static AlignmentReport report(AlignmentAccumulator acc) {
    return acc.report(
        "m", Mechanism.ONLINE, "bfs", "8-15", Split.TRAIN, WindowScope.WINDOW, 0, 1, "t");
  }

  private static HaltingEvent event(
      int depth,
      int complexity,
      int position,
      int size,
      boolean correct,
      int convergence,
      boolean rightBefore) {
    return HaltingEvent.newBuilder()
        .setInstanceId("x")
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("bfs")
        .setSize(size)
        .setSplit(Split.TRAIN)
        .setPosition(position)
        .setAnswerIndex(0)
        .setDepth(depth)
        .setMaxDepth(12)
        .setComplexity(complexity)
        .setComplexityAlgorithm("bfs-layer")
        .setLag(depth - complexity)
        .setPrediction(correct ? 0 : 1)
        .setTarget(0)
        .setCorrect(correct)
        .setHaltProbability(0.5f)
        .setStaticFeatures(List.of())
        .setAlgorithmFeatures(List.of())
        .setConvergenceStep(convergence)
        .setRightBeforeHalting(rightBefore)
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }
}
