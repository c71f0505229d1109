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
}
