package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Split;
import dev.anira.schemas.StepTracking;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tracking against brute force: AUC over every (resolved, unresolved) pair, Pearson by formula. */
class TrackingAccumulatorTest {

  @Test
  void matchesPairwiseAucAndPointBiserialPerStepAlsoAfterMerging() {
    SplittableRandom random = new SplittableRandom(11);
    List<HaltingEvent> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int depth = random.nextInt(1, 7);
      int complexity = random.nextInt(0, 8);
      List<Float> lambda = new ArrayList<>();
      for (int k = 1; k <= depth; k++) {
        // λ rises once the token is resolved, with noise and ties.
        double base = complexity <= k ? 0.6 : 0.3;
        lambda.add((float) Math.min(1, base + random.nextInt(0, 9) / 20.0));
      }
      events.add(event(depth, complexity, lambda));
    }
    TrackingAccumulator whole = new TrackingAccumulator();
    TrackingAccumulator a = new TrackingAccumulator();
    TrackingAccumulator b = new TrackingAccumulator();
    for (int i = 0; i < events.size(); i++) {
      whole.add(one(events.get(i)));
      (random.nextBoolean() ? a : b).add(one(events.get(i)));
    }
    List<StepTracking> report = whole.report();
    assertThat(report).extracting(StepTracking::getStep).containsExactly(1, 2, 3, 4, 5, 6);
    for (StepTracking step : report) {
      List<double[]> rows = new ArrayList<>(); // {λ bin, resolved, λ}
      for (HaltingEvent e : events) {
        if (e.getDepth() >= step.getStep()) {
          float lambda = e.getStepHaltProbabilities().get(step.getStep() - 1);
          rows.add(
              new double[] {
                TrackingAccumulator.bin(lambda),
                e.getComplexity() <= step.getStep() ? 1 : 0,
                TrackingAccumulator.lambdaOf(TrackingAccumulator.bin(lambda))
              });
        }
      }
      long resolved = rows.stream().filter(r -> r[1] == 1).count();
      assertThat(step.getResolved()).isEqualTo(resolved);
      assertThat(step.getUnresolved()).isEqualTo(rows.size() - resolved);
      if (resolved == 0 || resolved == rows.size()) {
        assertThat(step.getAuc()).isNull();
      } else {
        assertThat(step.getAuc()).isCloseTo(pairwiseAuc(rows), within(1e-9));
        assertThat(step.getPointBiserial()).isCloseTo(pearson(rows, 2), within(1e-9));
      }
    }
    assertThat(report.get(0).getAuc()).isGreaterThan(0.8);
    assertThat(a.merge(b).report()).usingRecursiveComparison().isEqualTo(report);
  }

  /**
   * The tabled bin is the computed one: for every 97th float of [0, 1], for every float from the
   * last one checked before a bin changed to three past it, for every float in [0.999, 1] and
   * around 1/2, and for 0, -0 and the smallest λ.
   */
  @Test
  void theTabledBinIsTheComputedBin() {
    int one = Float.floatToRawIntBits(1f);
    List<Float> edges = new ArrayList<>(List.of(0f, -0f, 1f, Float.MIN_VALUE));
    int previous = TrackingAccumulator.binOf(0f);
    java.util.BitSet met = new java.util.BitSet();
    int checked = 0;
    for (int bits = 0; bits <= one; bits += 97) {
      float lambda = Float.intBitsToFloat(bits);
      int bin = TrackingAccumulator.binOf(lambda);
      assertThat(TrackingAccumulator.bin(lambda)).as("λ %s", lambda).isEqualTo(bin);
      if (bin != previous) {
        for (int d = -97; d <= 3; d++) {
          edges.add(Float.intBitsToFloat(Math.min(one, bits + d)));
        }
      }
      previous = bin;
      met.set(bin + 6144);
      checked++;
    }
    // Every float near 1, where the logit grows fastest, and around 1/2, where the tables switch.
    for (float lambda = 0.999f; lambda <= 1f; lambda = Math.nextUp(lambda)) {
      edges.add(lambda);
    }
    for (float lambda = 0.4999f; lambda <= 0.5001f; lambda = Math.nextUp(lambda)) {
      edges.add(lambda);
    }
    for (float lambda : edges) {
      assertThat(TrackingAccumulator.bin(lambda))
          .as("λ %s", lambda)
          .isEqualTo(TrackingAccumulator.binOf(lambda));
    }
    assertThat(checked).isGreaterThan(10_000_000);
    // Most bins were met: floats below 1 reach logits up to about 16.6, and near 1 one float's
    // step skips several bins.
    assertThat(met.cardinality()).isGreaterThan(8_000);
  }

  /**
   * λ spread over 1e-6 … 1 − 1e-6 (log-uniform in the odds): the logit bins keep the order of small
   * λ, so the AUC equals the all-pairs AUC of the raw λ up to the rare pairs closer than 2^-8 in
   * logit, and exactly that of the binned values.
   */
  @Test
  void keepsTheOrderOfSmallAndLargeLambda() {
    SplittableRandom random = new SplittableRandom(17);
    List<HaltingEvent> events = new ArrayList<>();
    List<double[]> raw = new ArrayList<>();
    List<double[]> binned = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      boolean resolved = random.nextBoolean();
      double logit = random.nextDouble(-13.8, 13.8) + (resolved ? 2 : 0);
      float lambda = (float) (1 / (1 + Math.exp(-Math.max(-13.8, Math.min(13.8, logit)))));
      events.add(event(1, resolved ? 1 : 2, List.of(lambda)));
      raw.add(new double[] {lambda, resolved ? 1 : 0});
      binned.add(new double[] {TrackingAccumulator.bin(lambda), resolved ? 1 : 0});
    }
    TrackingAccumulator acc = new TrackingAccumulator();
    events.forEach(e -> acc.add(one(e)));
    double auc = acc.report().get(0).getAuc();
    assertThat(auc).isCloseTo(pairwiseAuc(binned), within(1e-9));
    assertThat(auc).isCloseTo(pairwiseAuc(raw), within(1e-4));
    // Under the old 2^-10 linear grid every λ below 5e-4 fell in one bin.
    assertThat(TrackingAccumulator.bin(1e-6f)).isLessThan(TrackingAccumulator.bin(2e-6f));
    assertThat(TrackingAccumulator.bin(1 - 2e-6f)).isLessThan(TrackingAccumulator.bin(1 - 1e-6f));
  }

  @Test
  void aStepWithOneClassHasNoAuc() {
    TrackingAccumulator acc = new TrackingAccumulator();
    acc.add(one(event(2, 0, List.of(0.2f, 0.9f))));
    acc.add(one(event(2, 1, List.of(0.4f, 0.7f))));
    StepTracking step = acc.report().get(0);
    assertThat(step.getResolved()).isEqualTo(2);
    assertThat(step.getAuc()).isNull();
    assertThat(step.getPointBiserial()).isNull();
  }

  private static double pairwiseAuc(List<double[]> rows) {
    double wins = 0;
    long pairs = 0;
    for (double[] p : rows) {
      for (double[] q : rows) {
        if (p[1] == 1 && q[1] == 0) {
          wins += p[0] > q[0] ? 1 : p[0] == q[0] ? 0.5 : 0;
          pairs++;
        }
      }
    }
    return wins / pairs;
  }

  /** Pearson r of column x and column 1 (resolved). */
  private static double pearson(List<double[]> rows, int x) {
    double mx = rows.stream().mapToDouble(r -> r[x]).average().orElseThrow();
    double my = rows.stream().mapToDouble(r -> r[1]).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (double[] r : rows) {
      sxy += (r[x] - mx) * (r[1] - my);
      sxx += (r[x] - mx) * (r[x] - mx);
      syy += (r[1] - my) * (r[1] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static HaltingEvent event(int depth, int complexity, List<Float> lambda) {
    return HaltingEvent.newBuilder()
        .setInstanceId("x")
        .setModelId("m")
        .setMechanism(Mechanism.ONLINE)
        .setTask("parity")
        .setSize(8)
        .setSplit(Split.TRAIN)
        .setPosition(0)
        .setAnswerIndex(0)
        .setDepth(depth)
        .setMaxDepth(12)
        .setComplexity(complexity)
        .setComplexityAlgorithm("sequential")
        .setLag(depth - complexity)
        .setPrediction(0)
        .setTarget(0)
        .setCorrect(true)
        .setHaltProbability(lambda.get(lambda.size() - 1))
        .setStepHaltProbabilities(lambda)
        .setStaticFeatures(List.of())
        .setAlgorithmFeatures(List.of())
        .setEventTime(Instant.EPOCH)
        .setProducerId("t")
        .build();
  }

  private static InstanceEvents one(HaltingEvent event) {
    return InstanceEvents.of(List.of(event));
  }
}
