package dev.anira.analytics;

import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.StepTracking;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Online tracking (DESIGN.md §5): at each recurrence step k, how well λ^k separates the tokens the
 * algorithm has already resolved (complexity ≤ k) from those it has not, over the tokens the core
 * still updated at step k (depth ≥ k). Reported as the ROC AUC and the point-biserial correlation.
 *
 * <p>λ is read at a resolution of 2^-10, so each step keeps a {@link RankTable} of at most 1,025 ×
 * 2 cells: exact and mergeable, with bounded state however long the job runs. Values closer than
 * 0.001 count as ties.
 */
public final class TrackingAccumulator implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int RESOLUTION = 1024;

  private final TreeMap<Integer, RankTable> steps = new TreeMap<>();

  public void add(HaltingEvent e) {
    List<Float> lambda = e.getStepHaltProbabilities();
    for (int k = 1; k <= lambda.size(); k++) {
      int resolved = e.getComplexity() <= k ? 1 : 0;
      steps.computeIfAbsent(k, s -> new RankTable()).add(bin(lambda.get(k - 1)), resolved);
    }
  }

  public TrackingAccumulator merge(TrackingAccumulator other) {
    other.steps.forEach((k, table) -> steps.computeIfAbsent(k, s -> new RankTable()).merge(table));
    return this;
  }

  /** λ rounded to the tracking resolution, as an integer bin. */
  public static int bin(float lambda) {
    return Math.round(lambda * RESOLUTION);
  }

  /** One entry per step that any token reached, ascending. */
  public List<StepTracking> report() {
    List<StepTracking> out = new ArrayList<>(steps.size());
    for (Map.Entry<Integer, RankTable> e : steps.entrySet()) {
      RankTable table = e.getValue();
      out.add(
          StepTracking.newBuilder()
              .setStep(e.getKey())
              .setResolved(table.countY(1))
              .setUnresolved(table.countY(0))
              .setAuc(Reported.orNull(table.auc()))
              .setPointBiserial(Reported.orNull(table.pearson()))
              .build());
    }
    return out;
  }
}
