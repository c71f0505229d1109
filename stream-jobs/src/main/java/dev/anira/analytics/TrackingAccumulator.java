package dev.anira.analytics;

import dev.anira.schemas.StepTracking;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Online tracking (docs/design.md §5): at each recurrence step k, how well λ^k separates the tokens
 * the algorithm has already resolved (complexity ≤ k) from those it has not, over the tokens the
 * core still updated at step k (depth ≥ k). Reported as the ROC AUC and the point-biserial
 * correlation.
 *
 * <p>The AUC ranks λ in logit space at a resolution of 2^-8 (logit λ clamped to ±24, i.e. λ within
 * about 4e-11 of 0 or 1), so each step keeps a {@link RankTable} of at most 12,289 × 2 cells:
 * mergeable, with bounded state however long the job runs, and the order of small λ kept (EARLY's
 * hazards are mostly below 1e-3; a linear grid would tie them all). Values whose logits differ by
 * less than 2^-8 (about 0.4% relative for small λ) count as ties. The point-biserial correlation is
 * Pearson's r of resolved against each bin's λ (its logit's sigmoid), summed in bin order, so it
 * does not depend on the order records arrive or merge in.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class TrackingAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final double BINS_PER_LOGIT = 256;
  private static final double MAX_LOGIT = 24;
  private static final int MAX_BIN = (int) (MAX_LOGIT * BINS_PER_LOGIT);

  /** Floats in [0, 1] taken by their bits: they order as their bits do. */
  private static final int ONE = Float.floatToRawIntBits(1f);

  private static final int HALF = Float.floatToRawIntBits(0.5f);

  /** Buckets of 2^16 consecutive bit patterns. */
  private static final int BUCKET_SHIFT = 16;

  /** Per bin b, at {@code b + MAX_BIN}, the bits of the smallest λ in it. */
  private static final int[] LOWEST_BITS = new int[2 * MAX_BIN + 1];

  /**
   * For λ below 1/2, bucketed by their own bits: per bucket, the bin of its smallest λ (the next
   * entry bounds its largest).
   */
  private static final int[] LOWER_BIN = new int[(HALF >>> BUCKET_SHIFT) + 1];

  /**
   * For λ of 1/2 and above, bucketed by the bits of 1 − λ (exact in float there): per bucket,
   * bounds of its bins. By their own bits these buckets would hold up to ~2,800 bins each near λ =
   * 1, where the logit grows fastest; by the bits of 1 − λ they hold as few as those near 0.
   */
  private static final int[] UPPER_LOWEST_BIN = new int[(HALF >>> BUCKET_SHIFT) + 1];

  private static final int[] UPPER_HIGHEST_BIN = new int[UPPER_LOWEST_BIN.length];

  static {
    // binOf is monotone in λ, so each bin's smallest λ is found by bisecting the bits.
    for (int b = -MAX_BIN; b <= MAX_BIN; b++) {
      int lo = 0;
      int hi = ONE;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (binOf(Float.intBitsToFloat(mid)) >= b) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      LOWEST_BITS[b + MAX_BIN] = lo;
    }
    for (int k = 0; k < LOWER_BIN.length; k++) {
      LOWER_BIN[k] = binOf(Float.intBitsToFloat(k << BUCKET_SHIFT));
    }
    for (int k = 0; k < UPPER_LOWEST_BIN.length; k++) {
      // The bucket's 1 − λ are in [u, next): its λ in (1 − next, 1 − u], bounded outward by a
      // float.
      double u = Float.intBitsToFloat(k << BUCKET_SHIFT);
      double next = Float.intBitsToFloat((k + 1) << BUCKET_SHIFT);
      UPPER_LOWEST_BIN[k] = binOf(Math.max(0.5f, Math.nextDown((float) (1 - next))));
      UPPER_HIGHEST_BIN[k] = binOf(Math.min(1f, Math.nextUp((float) (1 - u))));
    }
  }

  public Map<Integer, RankTable> steps = new HashMap<>();

  public void add(InstanceEvents x) {
    int longest = 0;
    for (float[] lambda : x.stepHaltProbabilities) {
      longest = Math.max(longest, lambda.length);
    }
    // Step by step, so each step's table is looked up once per instance, not once per token.
    for (int k = 1; k <= longest; k++) {
      RankTable table = steps.computeIfAbsent(k, s -> new RankTable());
      for (int i = 0; i < x.tokens(); i++) {
        float[] lambda = x.stepHaltProbabilities[i];
        if (k <= lambda.length) {
          table.add(bin(lambda[k - 1]), x.complexity[i] <= k ? 1 : 0);
        }
      }
    }
  }

  public TrackingAccumulator merge(TrackingAccumulator other) {
    other.steps.forEach((k, table) -> steps.computeIfAbsent(k, s -> new RankTable()).merge(table));
    return this;
  }

  /**
   * λ's rank bin: logit λ at a resolution of 2^-8, clamped to ±24; monotone in λ. The same value as
   * {@link #binOf}, read from tables made with it: λ's bucket bounds the bins it can be in (most
   * hold one or two), and a bisection of their smallest λ finds its own. About twice as fast as the
   * logarithms, which made the tracking the largest part of the timing windows' time (JFR, issue
   * 20).
   *
   * @throws IllegalArgumentException for λ outside [0, 1] or NaN (the decoder refuses such steps)
   */
  public static int bin(float lambda) {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda " + lambda + " is outside [0, 1]");
    }
    int bits = Float.floatToRawIntBits(lambda) & Integer.MAX_VALUE; // -0 as 0
    int lo;
    int hi;
    if (bits < HALF) {
      int bucket = bits >>> BUCKET_SHIFT;
      lo = LOWER_BIN[bucket];
      hi = LOWER_BIN[bucket + 1];
    } else {
      int bucket = Float.floatToRawIntBits(1 - lambda) >>> BUCKET_SHIFT;
      lo = UPPER_LOWEST_BIN[bucket];
      hi = UPPER_HIGHEST_BIN[bucket];
    }
    // The largest bin in [lo, hi] whose smallest λ is at most λ.
    while (lo < hi) {
      int mid = (lo + hi + 1) >> 1;
      if (LOWEST_BITS[mid + MAX_BIN] <= bits) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * λ's rank bin computed: round(256 · clamp(log λ − log1p(−λ), ±24)). Monotone in λ over floats:
   * {@code Math.log} and {@code Math.log1p} are semi-monotonic (their Javadoc), and a correctly
   * rounded subtraction, product, clamp and rounding keep the order, which the tables of {@link
   * #bin} rely on.
   */
  static int binOf(float lambda) {
    double logit = Math.log(lambda) - Math.log1p(-(double) lambda);
    return (int) Math.round(Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, logit)) * BINS_PER_LOGIT);
  }

  /** The λ a bin stands for: the sigmoid of its logit. */
  static double lambdaOf(int bin) {
    return 1 / (1 + Math.exp(-bin / BINS_PER_LOGIT));
  }

  /** One entry per step that any token reached, ascending. */
  public List<StepTracking> report() {
    List<StepTracking> out = new ArrayList<>(steps.size());
    for (Map.Entry<Integer, RankTable> e : new TreeMap<>(steps).entrySet()) {
      RankTable table = e.getValue();
      out.add(
          StepTracking.newBuilder()
              .setStep(e.getKey())
              .setResolved(table.countY(1))
              .setUnresolved(table.countY(0))
              .setAuc(Reported.orNull(table.auc()))
              .setPointBiserial(Reported.orNull(table.pearson(TrackingAccumulator::lambdaOf)))
              .build());
    }
    return out;
  }
}
