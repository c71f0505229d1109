package dev.anira.analytics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;

/**
 * Exact, mergeable rank and linear correlation of two integer variables (depth, complexity). It
 * keeps the count of every distinct pair, which for depths 1..D_max and small complexities is a
 * small table; ranks with ties (average ranks) follow from the marginal counts, so Spearman's ρ
 * over any union of windows or parallel subtasks equals the batch value over the same records.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). The counts sit in primitive arrays in hash order, so every statistic sums
 * over them in key order (a sorted copy), which makes it independent of insertion and merge order.
 */
public final class RankTable implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Marks a free slot of {@link #keys}; the pair (Integer.MIN_VALUE, 0) is refused. */
  private static final long FREE = Long.MIN_VALUE;

  /**
   * The distinct pairs, packed as {@code x << 32 | y}, in an open-addressing table (linear probing,
   * power-of-two length, at most half full), and their counts at the same index. Primitive arrays
   * rather than a map of boxed keys: adding to a map of 12,289 × 2 boxed λ bins was a quarter of
   * the timing window's time, and Flink serializes a {@code long[]} in one call where a map of
   * boxed entries took a quarter of every checkpoint's snapshot time (JFR, issue 20).
   */
  public long[] keys = freeSlots(16);

  public long[] counts = new long[16];

  /** Distinct pairs in {@link #keys}. */
  public int size;

  /**
   * (x, y) → count, as releases up to the fifth session of issue 20 kept it; a table restored from
   * their savepoints moves it into {@link #keys} on first use and leaves it null. Kept as a field
   * so that restoring reads it (Flink drops the state of fields a class no longer declares).
   */
  public Map<Long, long[]> pairs;

  public long n;

  /**
   * The pairs in key order until the next change, so sums do not depend on insertion or merge
   * order: a report asks for several statistics of one table. Transient, so not state: Flink's POJO
   * serializer skips it.
   */
  private transient long[] sortedKeys;

  private transient long[] sortedCounts;

  /**
   * @throws IllegalArgumentException for the pair (Integer.MIN_VALUE, 0), which marks free slots
   */
  public void add(int x, int y) {
    long key = key(x, y);
    if (key == FREE) {
      throw new IllegalArgumentException("the pair (" + x + ", " + y + ") cannot be counted");
    }
    increment(key, 1);
    n++;
  }

  public void merge(RankTable other) {
    other.migrate();
    for (int i = 0; i < other.keys.length; i++) {
      if (other.keys[i] != FREE) {
        increment(other.keys[i], other.counts[i]);
      }
    }
    n += other.n;
  }

  private void increment(long key, long count) {
    migrate();
    sortedKeys = null;
    int mask = keys.length - 1;
    int slot = slot(key, mask);
    while (keys[slot] != FREE && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    if (keys[slot] == FREE) {
      keys[slot] = key;
      size++;
    }
    counts[slot] += count;
    if (2 * size > keys.length) {
      grow();
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads the packed x and y
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldCounts = counts;
    keys = freeSlots(oldKeys.length * 2);
    counts = new long[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != FREE) {
        int slot = slot(oldKeys[i], mask);
        while (keys[slot] != FREE) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        counts[slot] = oldCounts[i];
      }
    }
  }

  private static long[] freeSlots(int length) {
    long[] slots = new long[length];
    Arrays.fill(slots, FREE);
    return slots;
  }

  /** Moves a table restored from an earlier release's map into the arrays. */
  private void migrate() {
    if (pairs == null) {
      return;
    }
    Map<Long, long[]> restored = pairs;
    pairs = null;
    if (keys == null) {
      keys = freeSlots(16);
      counts = new long[16];
      size = 0;
    }
    restored.forEach((key, count) -> increment(key, count[0]));
  }

  /** Builds the key-ordered view; afterwards {@link #sortedKeys} and counts are set. */
  private void sort() {
    migrate();
    if (sortedKeys != null) {
      return;
    }
    long[] sorted = new long[size];
    int j = 0;
    for (long key : keys) {
      if (key != FREE) {
        sorted[j++] = key;
      }
    }
    Arrays.sort(sorted);
    long[] sortedCount = new long[size];
    int mask = keys.length - 1;
    for (int i = 0; i < sorted.length; i++) {
      int slot = slot(sorted[i], mask);
      while (keys[slot] != sorted[i]) {
        slot = (slot + 1) & mask;
      }
      sortedCount[i] = counts[slot];
    }
    sortedKeys = sorted;
    sortedCounts = sortedCount;
  }

  public long count() {
    return n;
  }

  public double meanX() {
    sort();
    double sum = 0;
    for (int i = 0; i < sortedKeys.length; i++) {
      sum += (double) x(sortedKeys[i]) * sortedCounts[i];
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
  public double pearson(IntToDoubleFunction value) {
    return correlation(false, value);
  }

  /** Spearman's ρ: Pearson's r of the average ranks; NaN when undefined. */
  public double spearman() {
    return correlation(true, x -> x);
  }

  private double correlation(boolean ranked, IntToDoubleFunction xValue) {
    sort();
    if (n < 2) {
      return Double.NaN;
    }
    int m = sortedKeys.length;
    int[] xs = new int[m];
    int[] ys = new int[m];
    for (int i = 0; i < m; i++) {
      xs[i] = x(sortedKeys[i]);
      ys[i] = y(sortedKeys[i]);
    }
    double[] xScore = scores(xs, ranked ? null : xValue);
    double[] yScore = scores(ys, ranked ? null : y -> y);
    double mx = 0;
    double my = 0;
    for (int i = 0; i < m; i++) {
      mx += xScore[i] * sortedCounts[i];
      my += yScore[i] * sortedCounts[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < m; i++) {
      double dx = xScore[i] - mx;
      double dy = yScore[i] - my;
      long c = sortedCounts[i];
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
    sort();
    int m = sortedKeys.length;
    int[] xs = new int[m];
    long positives = 0;
    for (int i = 0; i < m; i++) {
      xs[i] = x(sortedKeys[i]);
      if (y(sortedKeys[i]) == 1) {
        positives += sortedCounts[i];
      }
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double[] ranks = scores(xs, null);
    double rankSum = 0;
    for (int i = 0; i < m; i++) {
      if (y(sortedKeys[i]) == 1) {
        rankSum += ranks[i] * sortedCounts[i];
      }
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** x → how many pairs have it, ascending x. */
  public TreeMap<Integer, Long> countsByX() {
    sort();
    TreeMap<Integer, Long> byX = new TreeMap<>();
    for (int i = 0; i < sortedKeys.length; i++) {
      byX.merge(x(sortedKeys[i]), sortedCounts[i], Long::sum);
    }
    return byX;
  }

  /** How many pairs have this y. */
  public long countY(int y) {
    sort();
    long count = 0;
    for (int i = 0; i < sortedKeys.length; i++) {
      if (y(sortedKeys[i]) == y) {
        count += sortedCounts[i];
      }
    }
    return count;
  }

  /**
   * Each pair's score, given its value in {@code values} (one per pair, in key order): {@code
   * value(v)}, or with {@code value} null the average of the 1-based ranks that v's tied
   * occurrences span among all n.
   */
  private double[] scores(int[] values, IntToDoubleFunction value) {
    int[] distinct = distinctSorted(values);
    long[] occurrences = new long[distinct.length];
    for (int i = 0; i < values.length; i++) {
      occurrences[Arrays.binarySearch(distinct, values[i])] += sortedCounts[i];
    }
    double[] byValue = new double[distinct.length];
    long below = 0;
    for (int j = 0; j < distinct.length; j++) {
      byValue[j] =
          value == null ? below + (occurrences[j] + 1) / 2.0 : value.applyAsDouble(distinct[j]);
      below += occurrences[j];
    }
    double[] scores = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      scores[i] = byValue[Arrays.binarySearch(distinct, values[i])];
    }
    return scores;
  }

  /**
   * The distinct values, ascending, in O(n) for the small ranges the tables hold (depths, bins,
   * 0/1): marked in a table over [min, max], else sorted. {@code IntStream.distinct()} boxed every
   * value (a sixth of the window operators' samples, JFR, issue 20); at the cumulative tables' size
   * (25,000 pairs) marking took a quarter of the time sorting a copy did.
   */
  private static int[] distinctSorted(int[] values) {
    if (values.length == 0) {
      return values;
    }
    int min = values[0];
    int max = values[0];
    for (int v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if ((long) max - min < 4L * values.length + 64) {
      boolean[] seen = new boolean[max - min + 1];
      int n = 0;
      for (int v : values) {
        if (!seen[v - min]) {
          seen[v - min] = true;
          n++;
        }
      }
      int[] distinct = new int[n];
      for (int i = 0, j = 0; i < seen.length; i++) {
        if (seen[i]) {
          distinct[j++] = min + i;
        }
      }
      return distinct;
    }
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n == 0 || sorted[i] != sorted[n - 1]) {
        sorted[n++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, n);
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
