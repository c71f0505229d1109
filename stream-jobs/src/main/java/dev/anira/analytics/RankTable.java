package dev.anira.analytics;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact, mergeable rank and linear correlation of two integer variables (depth, complexity). It
 * keeps the count of every distinct pair, which for depths 1..D_max and small complexities is a
 * small table; ranks with ties (average ranks) follow from the marginal counts, so Spearman's ρ
 * over any union of windows or parallel subtasks equals the batch value over the same records.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class RankTable implements Serializable {

  private static final long serialVersionUID = 1L;

  /** (x, y) → count, in a mutable cell so counting allocates nothing. */
  public Map<Long, long[]> pairs = new HashMap<>();

  public long n;

  /**
   * {@link #sorted()} until the next change: a report asks for several statistics of one table, and
   * sorting a table of λ bins was most of the timing window's time (JFR, issue 20). Transient, so
   * not state: Flink's POJO serializer skips it.
   */
  private transient TreeMap<Long, Long> sorted;

  public void add(int x, int y) {
    pairs.computeIfAbsent(key(x, y), k -> new long[1])[0]++;
    n++;
    sorted = null;
  }

  public void merge(RankTable other) {
    other.pairs.forEach((k, c) -> pairs.computeIfAbsent(k, x -> new long[1])[0] += c[0]);
    n += other.n;
    sorted = null;
  }

  /** The counts in key order, so sums do not depend on insertion or merge order; do not modify. */
  private TreeMap<Long, Long> sorted() {
    if (sorted == null) {
      sorted = new TreeMap<>();
      pairs.forEach((k, c) -> sorted.put(k, c[0]));
    }
    return sorted;
  }

  public long count() {
    return n;
  }

  public double meanX() {
    TreeMap<Long, Long> pairs = sorted();
    double sum = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      sum += (double) x(e.getKey()) * e.getValue();
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Pearson's r of the raw values; NaN when undefined. */
  public double pearson() {
    return correlation(false, x -> x);
  }

  /**
   * Pearson's r of {@code value(x)} and y, for tables whose x is a bin of some underlying value;
   * summed in key order, so as exact and mergeable as {@link #pearson()}.
   */
  public double pearson(java.util.function.IntToDoubleFunction value) {
    return correlation(false, value);
  }

  /** Spearman's ρ: Pearson's r of the average ranks; NaN when undefined. */
  public double spearman() {
    return correlation(true, x -> x);
  }

  private double correlation(boolean ranked, java.util.function.IntToDoubleFunction xValue) {
    TreeMap<Long, Long> pairs = sorted();
    if (n < 2) {
      return Double.NaN;
    }
    TreeMap<Integer, Long> xCounts = new TreeMap<>();
    TreeMap<Integer, Long> yCounts = new TreeMap<>();
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      xCounts.merge(x(e.getKey()), e.getValue(), Long::sum);
      yCounts.merge(y(e.getKey()), e.getValue(), Long::sum);
    }
    Map<Integer, Double> xScore = ranked ? averageRanks(xCounts) : values(xCounts, xValue);
    Map<Integer, Double> yScore = ranked ? averageRanks(yCounts) : values(yCounts, y -> y);
    double mx = 0;
    double my = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      mx += xScore.get(x(e.getKey())) * e.getValue();
      my += yScore.get(y(e.getKey())) * e.getValue();
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      double dx = xScore.get(x(e.getKey())) - mx;
      double dy = yScore.get(y(e.getKey())) - my;
      long c = e.getValue();
      sxy += c * dx * dy;
      sxx += c * dx * dx;
      syy += c * dy * dy;
    }
    // Rounding can put a perfect correlation a few ulps past ±1.
    return sxx == 0 || syy == 0
        ? Double.NaN
        : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  }

  /**
   * For a binary y (0 or 1): the probability that x of a random y=1 pair exceeds x of a random y=0
   * pair, ties counting half (the ROC AUC, via the Mann–Whitney rank sum); NaN without both
   * classes.
   */
  public double auc() {
    TreeMap<Long, Long> pairs = sorted();
    TreeMap<Integer, Long> xCounts = new TreeMap<>();
    long positives = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      xCounts.merge(x(e.getKey()), e.getValue(), Long::sum);
      if (y(e.getKey()) == 1) {
        positives += e.getValue();
      }
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    Map<Integer, Double> ranks = averageRanks(xCounts);
    double rankSum = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      if (y(e.getKey()) == 1) {
        rankSum += ranks.get(x(e.getKey())) * e.getValue();
      }
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** x → how many pairs have it, ascending x. */
  public TreeMap<Integer, Long> countsByX() {
    TreeMap<Integer, Long> counts = new TreeMap<>();
    sorted().forEach((k, c) -> counts.merge(x(k), c, Long::sum));
    return counts;
  }

  /** How many pairs have this y. */
  public long countY(int y) {
    TreeMap<Long, Long> pairs = sorted();
    long count = 0;
    for (Map.Entry<Long, Long> e : pairs.entrySet()) {
      if (y(e.getKey()) == y) {
        count += e.getValue();
      }
    }
    return count;
  }

  /** Value → average of the 1-based ranks its tied occurrences span. */
  private static Map<Integer, Double> averageRanks(TreeMap<Integer, Long> counts) {
    Map<Integer, Double> ranks = new TreeMap<>();
    long below = 0;
    for (Map.Entry<Integer, Long> e : counts.entrySet()) {
      ranks.put(e.getKey(), below + (e.getValue() + 1) / 2.0);
      below += e.getValue();
    }
    return ranks;
  }

  private static Map<Integer, Double> values(
      TreeMap<Integer, Long> counts, java.util.function.IntToDoubleFunction value) {
    Map<Integer, Double> values = new TreeMap<>();
    counts.keySet().forEach(v -> values.put(v, value.applyAsDouble(v)));
    return values;
  }

  private static long key(int x, int y) {
    return ((long) x << 32) | (y & 0xffffffffL);
  }

  private static int x(long key) {
    return (int) (key >> 32);
  }

  private static int y(long key) {
    return (int) key;
  }
}
