package dev.anira.analytics;

import java.io.Serializable;

/**
 * Ordinary least squares with an intercept from streaming sufficient statistics (XᵀX, Xᵀy, yᵀy, n).
 * Accumulators over disjoint records merge by adding, so R² over any union of windows or parallel
 * subtasks equals the batch fit over the same records, up to float rounding.
 */
public final class OlsAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Pivots below this (relative to the diagonal) mark a column as collinear and drop it. */
  private static final double SINGULAR = 1e-10;

  private final int features;
  private final double[][] xtx;
  private final double[] xty;
  private double yty;
  private long n;

  /**
   * @param features regressors, not counting the intercept
   */
  public OlsAccumulator(int features) {
    this.features = features;
    this.xtx = new double[features + 1][features + 1];
    this.xty = new double[features + 1];
  }

  public void add(double[] x, double y) {
    if (x.length != features) {
      throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
    }
    double[] row = withIntercept(x);
    for (int i = 0; i <= features; i++) {
      for (int j = 0; j <= features; j++) {
        xtx[i][j] += row[i] * row[j];
      }
      xty[i] += row[i] * y;
    }
    yty += y * y;
    n++;
  }

  public void merge(OlsAccumulator other) {
    if (other.features != features) {
      throw new IllegalArgumentException("feature counts differ");
    }
    for (int i = 0; i <= features; i++) {
      for (int j = 0; j <= features; j++) {
        xtx[i][j] += other.xtx[i][j];
      }
      xty[i] += other.xty[i];
    }
    yty += other.yty;
    n += other.n;
  }

  public long count() {
    return n;
  }

  /** R² of the fit; NaN with fewer than two records or a constant y. */
  public double rSquared() {
    if (n < 2) {
      return Double.NaN;
    }
    double meanY = xty[0] / n;
    double total = yty - n * meanY * meanY;
    if (total <= 1e-12 * Math.max(1, yty)) {
      return Double.NaN;
    }
    double[] beta = solve();
    double explained = 0;
    for (int i = 0; i <= features; i++) {
      explained += beta[i] * xty[i];
    }
    double residual = Math.max(0, yty - explained);
    return 1 - residual / total;
  }

  /**
   * β from the normal equations by Gauss-Jordan elimination with partial pivoting; a collinear
   * column gets β = 0, which leaves the fitted values (and R²) those of the remaining columns.
   */
  double[] solve() {
    int m = features + 1;
    double[][] a = new double[m][m + 1];
    for (int i = 0; i < m; i++) {
      System.arraycopy(xtx[i], 0, a[i], 0, m);
      a[i][m] = xty[i];
    }
    boolean[] dropped = new boolean[m];
    int row = 0;
    int[] pivotRowOfColumn = new int[m];
    java.util.Arrays.fill(pivotRowOfColumn, -1);
    for (int col = 0; col < m && row < m; col++) {
      int best = row;
      for (int r = row + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[best][col])) {
          best = r;
        }
      }
      double scale = Math.max(1e-300, Math.abs(xtx[col][col]));
      if (Math.abs(a[best][col]) <= SINGULAR * scale) {
        dropped[col] = true;
        continue;
      }
      double[] tmp = a[row];
      a[row] = a[best];
      a[best] = tmp;
      double pivot = a[row][col];
      for (int j = col; j <= m; j++) {
        a[row][j] /= pivot;
      }
      for (int r = 0; r < m; r++) {
        if (r != row && a[r][col] != 0) {
          double f = a[r][col];
          for (int j = col; j <= m; j++) {
            a[r][j] -= f * a[row][j];
          }
        }
      }
      pivotRowOfColumn[col] = row;
      row++;
    }
    double[] beta = new double[m];
    for (int col = 0; col < m; col++) {
      beta[col] = dropped[col] || pivotRowOfColumn[col] < 0 ? 0 : a[pivotRowOfColumn[col]][m];
    }
    return beta;
  }

  private double[] withIntercept(double[] x) {
    double[] row = new double[features + 1];
    row[0] = 1;
    System.arraycopy(x, 0, row, 1, features);
    return row;
  }
}
