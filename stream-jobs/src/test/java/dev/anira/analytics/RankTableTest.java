package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RankTableTest {

  @RepeatedTest(20)
  void matchesTheBatchComputationAndMergesExactly(org.junit.jupiter.api.RepetitionInfo rep) {
    SplittableRandom random = new SplittableRandom(rep.getCurrentRepetition());
    int n = random.nextInt(2, 400);
    int[] x = new int[n];
    int[] y = new int[n];
    RankTable whole = new RankTable();
    RankTable left = new RankTable();
    RankTable right = new RankTable();
    int cut = random.nextInt(n + 1);
    for (int i = 0; i < n; i++) {
      x[i] = random.nextInt(1, 13); // depths: many ties
      y[i] = x[i] / 2 + random.nextInt(0, 4);
      whole.add(x[i], y[i]);
      (i < cut ? left : right).add(x[i], y[i]);
    }
    left.merge(right);
    double expectedRho = pearson(ranks(x), ranks(y));
    double expectedR = pearson(toDouble(x), toDouble(y));
    assertClose(whole.spearman(), expectedRho);
    assertClose(whole.pearson(), expectedR);
    assertClose(left.spearman(), expectedRho);
    assertClose(left.pearson(), expectedR);
    assertThat(left.count()).isEqualTo(n);
    assertThat(left.meanX()).isCloseTo(Arrays.stream(x).average().orElseThrow(), within(1e-12));
  }

  @Test
  void countsByXAddUpOverY() {
    RankTable t = new RankTable();
    t.add(3, 1);
    t.add(1, 2);
    t.add(3, 2);
    t.add(3, 2);
    assertThat(t.countsByX())
        .containsExactly(java.util.Map.entry(1, 1L), java.util.Map.entry(3, 3L));
  }

  /**
   * A table restored from a savepoint of a release that kept its counts in a map gives the
   * statistics of the same counts added today, bit for bit, and counts on from there. Thousands of
   * distinct pairs make the arrays grow several times.
   */
  @Test
  void aTableRestoredFromTheEarlierMapLayoutGivesTheSameStatisticsAndCountsOn() {
    SplittableRandom random = new SplittableRandom(7);
    RankTable added = new RankTable();
    RankTable restored = new RankTable();
    restored.pairs = new java.util.HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      int bin = random.nextInt(0, 12_289);
      int y = random.nextInt(0, 2);
      added.add(bin, y);
      restored.pairs.computeIfAbsent(((long) bin << 32) | y, k -> new long[1])[0]++;
      restored.n++;
    }
    assertThat(restored.spearman()).isEqualTo(added.spearman());
    assertThat(restored.pearson(b -> b / 12_288.0)).isEqualTo(added.pearson(b -> b / 12_288.0));
    assertThat(restored.auc()).isEqualTo(added.auc());
    assertThat(restored.countY(1)).isEqualTo(added.countY(1));
    assertThat(restored.pairs).isNull();
    restored.add(5, 1);
    added.add(5, 1);
    assertThat(restored.countsByX()).isEqualTo(added.countsByX());
    assertThat(restored.auc()).isEqualTo(added.auc());
  }

  @Test
  void thePairThatMarksFreeSlotsIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RankTable().add(Integer.MIN_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void undefinedWithoutVariation() {
    RankTable t = new RankTable();
    t.add(3, 1);
    t.add(3, 2);
    assertThat(t.spearman()).isNaN();
    assertThat(new RankTable().pearson()).isNaN();
  }

  private static void assertClose(double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).isNaN();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-9));
    }
  }

  /** An independent oracle: sort indices, average the ranks of tied runs. */
  static double[] ranks(int[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = (i + j) / 2.0 + 1;
      }
      i = j + 1;
    }
    return ranks;
  }

  static double pearson(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElseThrow();
    double mb = Arrays.stream(b).average().orElseThrow();
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }

  private static double[] toDouble(int[] v) {
    return Arrays.stream(v).asDoubleStream().toArray();
  }
}
