package dev.anira.evaluation;

import java.util.Arrays;
import java.util.Comparator;

/** Rank correlation, whole and partial; ties get the average of the ranks they span. */
public final class Spearman {

  private Spearman() {}

  /** Spearman's ρ, or NaN when fewer than two pairs or one side is constant. */
  public static double rho(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
    }
    return pearson(ranks(x), ranks(y));
  }

  /**
   * Partial Spearman ρ of x and y given the controls: the Pearson correlation of the residuals of
   * rank(x) and rank(y) after least-squares regression (with intercept) on the controls' ranks
   * (Conover, Practical Nonparametric Statistics, 3rd ed., §5.4). Controls that are constant are
   * dropped; NaN when fewer pairs than parameters, when x or y is constant, or when the controls
   * are collinear.
   *
   * @param controls one array per control variable, each as long as x
   */
  public static double partialRho(double[] x, double[] y, double[][] controls) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
    }
    if (Double.isNaN(rho(x, y))) {
      return Double.NaN; // a constant side: its residuals would be rounding noise
    }
    double[][] kept =
        Arrays.stream(controls)
            .filter(c -> Arrays.stream(c).distinct().count() > 1)
            .map(Spearman::ranks)
            .toArray(double[][]::new);
    if (kept.length == 0) {
      return rho(x, y);
    }
    if (x.length <= kept.length + 2) {
      return Double.NaN;
    }
    double[][] design = new double[x.length][kept.length];
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < kept.length; c++) {
        design[i][c] = kept[c][i];
      }
    }
    try {
      return pearson(residuals(ranks(x), design), residuals(ranks(y), design));
    } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
      return Double.NaN;
    }
  }

  private static double[] residuals(double[] values, double[][] design) {
    var regression = new org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression();
    regression.newSampleData(values, design);
    return regression.estimateResiduals();
  }

  public static double pearson(double[] x, double[] y) {
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  static double[] ranks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = average;
      }
      i = j + 1;
    }
    return ranks;
  }
}
