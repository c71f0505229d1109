package dev.anira.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpearmanTest {

  @Test
  void tiesShareTheAverageOfTheirRanks() {
    assertThat(Spearman.ranks(new double[] {10, 20, 20, 30, 20})).containsExactly(1, 3, 3, 5, 3);
  }

  @Test
  void monotoneIsOneAndReversedIsMinusOne() {
    double[] x = {1, 2, 3, 4, 5};
    assertThat(Spearman.rho(x, new double[] {1, 4, 9, 16, 25})).isEqualTo(1.0);
    assertThat(Spearman.rho(x, new double[] {5, 3, 2, 1, 0})).isEqualTo(-1.0);
  }

  @Test
  void matchesAHandComputedValueWithTies() {
    // Ranks x: 1, 2.5, 2.5, 4; ranks y: 2, 1, 3.5, 3.5; Pearson of the ranks = 2.25 / 4.5.
    double rho = Spearman.rho(new double[] {1, 2, 2, 3}, new double[] {5, 1, 7, 7});
    assertThat(rho).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void undefinedWhenOneSideIsConstant() {
    assertThat(Spearman.rho(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
    assertThat(Spearman.rho(new double[] {1}, new double[] {2})).isNaN();
  }

  @Test
  void partialRhoWithOneControlMatchesTheTextbookFormula() {
    // ρ_xy·z = (ρ_xy − ρ_xz·ρ_yz) / √((1 − ρ_xz²)(1 − ρ_yz²)) on ranks, for a single control.
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    int n = 200;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = random.nextInt(10);
      x[i] = z[i] + random.nextInt(5);
      y[i] = z[i] + random.nextInt(5) + (x[i] > 6 ? 2 : 0);
    }
    double xy = Spearman.rho(x, y);
    double xz = Spearman.rho(x, z);
    double yz = Spearman.rho(y, z);
    double expected = (xy - xz * yz) / Math.sqrt((1 - xz * xz) * (1 - yz * yz));
    assertThat(Spearman.partialRho(x, y, new double[][] {z})).isCloseTo(expected, within(1e-9));
    assertThat(expected).as("the control explains much of the raw ρ").isLessThan(xy - 0.2);
  }

  @Test
  void partialRhoIsZeroWhenTheControlExplainsEverything() {
    // depth and complexity both functions of position only: the raw ρ is 1, the partial ρ is not.
    double[] position = {0, 1, 2, 3, 4, 5, 6, 7};
    double[] depth = {1, 2, 2, 3, 3, 3, 4, 4};
    double[] complexity = {1, 1, 2, 2, 3, 3, 3, 4};
    assertThat(Spearman.rho(depth, complexity)).isGreaterThan(0.8);
    assertThat(Spearman.partialRho(depth, complexity, new double[][] {position})).isLessThan(0.5);
  }

  @Test
  void partialRhoDropsConstantControlsAndIsUndefinedForAConstantSide() {
    double[] x = {1, 2, 3, 4, 5};
    double[] y = {2, 1, 4, 3, 5};
    double[] size = {7, 7, 7, 7, 7};
    assertThat(Spearman.partialRho(x, y, new double[][] {size})).isEqualTo(Spearman.rho(x, y));
    assertThat(Spearman.partialRho(size, y, new double[][] {x})).isNaN();
  }
}
