package dev.anira.analytics;

import java.io.Serializable;

/**
 * Ordinary least squares with an intercept from streaming sufficient statistics (XᵀX, Xᵀy, yᵀy, n).
 * Accumulators over disjoint records merge by adding, so R² over any union of windows or parallel
 * subtasks equals the batch fit over the same records, up to float rounding.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class OlsAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Pivots below this (relative to the diagonal) mark a column as collinear and drop it. */
  private static final double SINGULAR = 1e-10;

  public int features;
  public double[][] xtx;
  public double[] xty;
  public double yty;
  public long n;

  /** For Flink's POJO serializer, which sets every field after. */
  public OlsAccumulator() {
    this(0);
  }

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
    return rSquared(fit(-1));
  }

  /**
   * R² of the fit without regressor {@code feature} (0-based, not counting the intercept), from the
   * same sufficient statistics: {@code rSquared() − rSquaredWithout(j)} is feature j's unique share
   * of the explained variance.
   */
  public double rSquaredWithout(int feature) {
    if (feature < 0 || feature >= features) {
      throw new IllegalArgumentException("no feature " + feature + " of " + features);
    }
    return rSquared(fit(feature + 1));
  }

  /**
   * Adjusted R², {@code 1 − (1 − R²)(n − 1)/(n − p − 1)} with p the regressors left after collinear
   * ones are dropped (Wooldridge, Introductory Econometrics, §6.3); NaN when n ≤ p + 1.
   */
  public double adjustedRSquared() {
    Fit fit = fit(-1);
    int p = fit.regressors();
    return n <= p + 1 ? Double.NaN : 1 - (1 - rSquared(fit)) * (n - 1) / (n - p - 1);
  }

  /** Regressors the fit uses: the features minus those collinear with the ones before them. */
  public int regressors() {
    return fit(-1).regressors();
  }

  /**
   * Partial correlation of y and regressor {@code feature} given the other regressors: {@code
   * sign(β_j)·√((R² − R²_{−j}) / (1 − R²_{−j}))}, the identity between partial R² and partial
   * correlation (Greene, Econometric Analysis, §3.4); with one regressor, Pearson's r. NaN when y
   * is constant or the regressor has no variation of its own; otherwise in [−1, 1].
   */
  public double partialCorrelation(int feature) {
    Fit fit = fit(-1);
    double full = rSquared(fit);
    double without = rSquaredWithout(feature);
    if (!Double.isFinite(full) || !Double.isFinite(without) || without >= 1) {
      return Double.NaN;
    }
    if (fit.dropped()[feature + 1]) {
      return Double.NaN; // constant, or a combination of the others: no partial variation
    }
    double share = Math.max(0, Math.min(1, (full - without) / (1 - without)));
    return Math.signum(fit.beta()[feature + 1]) * Math.sqrt(share);
  }

  /**
   * One solution of the normal equations.
   *
   * @param beta intercept first, 0 for every dropped column
   * @param dropped the columns left out, omitted or collinear
   */
  private record Fit(double[] beta, boolean[] dropped) {
    int regressors() {
      int p = 0;
      for (int i = 1; i < dropped.length; i++) {
        p += dropped[i] ? 0 : 1;
      }
      return p;
    }
  }

  private Fit fit(int omittedColumn) {
    boolean[] dropped = new boolean[features + 1];
    return new Fit(solve(omittedColumn, dropped), dropped);
  }

  private double rSquared(Fit fit) {
    if (n < 2) {
      return Double.NaN;
    }
    double meanY = xty[0] / n;
    double total = yty - n * meanY * meanY;
    if (total <= 1e-12 * Math.max(1, yty)) {
      return Double.NaN;
    }
    double explained = 0;
    for (int i = 0; i <= features; i++) {
      explained += fit.beta()[i] * xty[i];
    }
    double residual = Math.max(0, yty - explained);
    return Math.max(0, Math.min(1, 1 - residual / total));
  }

  double[] solve() {
    return fit(-1).beta();
  }

  /**
   * β from the normal equations by Gauss-Jordan elimination with partial pivoting; a collinear
   * column gets β = 0, which leaves the fitted values (and R²) those of the remaining columns.
   *
   * @param omittedColumn a column (0 = intercept) to leave out of the fit, or −1
   * @param dropped filled with the columns left out (omitted or collinear)
   */
  private double[] solve(int omittedColumn, boolean[] dropped) {
    int m = features + 1;
    double[][] a = new double[m][m + 1];
    for (int i = 0; i < m; i++) {
      System.arraycopy(xtx[i], 0, a[i], 0, m);
      a[i][m] = xty[i];
      if (i == omittedColumn) {
        // The reduced model has neither β_i nor its normal equation: zero the row and column.
        java.util.Arrays.fill(a[i], 0);
      }
    }
    if (omittedColumn >= 0) {
      for (int i = 0; i < m; i++) {
        if (i != omittedColumn) {
          a[i][omittedColumn] = 0;
        }
      }
    }
    int row = 0;
    int[] pivotRowOfColumn = new int[m];
    java.util.Arrays.fill(pivotRowOfColumn, -1);
    for (int col = 0; col < m && row < m; col++) {
      if (col == omittedColumn) {
        dropped[col] = true;
        continue;
      }
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
      dropped[col] |= pivotRowOfColumn[col] < 0;
      beta[col] = dropped[col] ? 0 : a[pivotRowOfColumn[col]][m];
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
