package dev.anira.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OlsAccumulatorTest {

  @Test
  void anExactLinearRelationHasRSquaredOne() {
    OlsAccumulator ols = new OlsAccumulator(2);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      double a = random.nextDouble();
      double b = random.nextInt(5);
      ols.add(new double[] {a, b}, 1 + 2 * a - 3 * b);
    }
    assertThat(ols.rSquared()).isCloseTo(1.0, within(1e-9));
    assertThat(ols.solve()).containsExactly(new double[] {1, 2, -3}, within(1e-9));
  }

  @Test
  void mergedWindowsEqualOneBatchFitAndTheTextbookFormula() {
    SplittableRandom random = new SplittableRandom(7);
    int n = 300;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    OlsAccumulator whole = new OlsAccumulator(3);
    OlsAccumulator[] parts = {new OlsAccumulator(3), new OlsAccumulator(3), new OlsAccumulator(3)};
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {random.nextInt(1, 13), random.nextDouble(), random.nextInt(2)};
      y[i] = 0.5 * x[i][0] + 2 * x[i][2] + random.nextGaussian();
      whole.add(x[i], y[i]);
      parts[random.nextInt(3)].add(x[i], y[i]);
    }
    parts[0].merge(parts[1]);
    parts[0].merge(parts[2]);
    double expected = batchRSquared(x, y);
    assertThat(whole.rSquared()).isCloseTo(expected, within(1e-9));
    assertThat(parts[0].rSquared()).isCloseTo(expected, within(1e-9));
    assertThat(parts[0].count()).isEqualTo(n);
  }

  @Test
  void aCollinearFeatureIsDroppedNotFatal() {
    OlsAccumulator ols = new OlsAccumulator(2);
    for (int i = 0; i < 20; i++) {
      ols.add(new double[] {i, 2 * i}, 3 * i + 1);
    }
    assertThat(ols.rSquared()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void undefinedForAConstantTarget() {
    OlsAccumulator ols = new OlsAccumulator(1);
    ols.add(new double[] {1}, 4);
    ols.add(new double[] {2}, 4);
    assertThat(ols.rSquared()).isNaN();
  }

  /** Residuals of the fit from centred data (an independent route to the same R²). */
  private static double batchRSquared(double[][] x, double[] y) {
    int n = y.length;
    int p = x[0].length;
    double[] mx = new double[p];
    double my = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        mx[j] += x[i][j] / n;
      }
      my += y[i] / n;
    }
    double[][] a = new double[p][p + 1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          a[j][k] += (x[i][j] - mx[j]) * (x[i][k] - mx[k]);
        }
        a[j][p] += (x[i][j] - mx[j]) * (y[i] - my);
      }
    }
    for (int c = 0; c < p; c++) {
      for (int r = 0; r < p; r++) {
        if (r != c) {
          double f = a[r][c] / a[c][c];
          for (int k = c; k <= p; k++) {
            a[r][k] -= f * a[c][k];
          }
        }
      }
    }
    double sse = 0;
    double sst = 0;
    for (int i = 0; i < n; i++) {
      double fit = my;
      for (int j = 0; j < p; j++) {
        fit += a[j][p] / a[j][j] * (x[i][j] - mx[j]);
      }
      sse += (y[i] - fit) * (y[i] - fit);
      sst += (y[i] - my) * (y[i] - my);
    }
    return 1 - sse / sst;
  }
}
