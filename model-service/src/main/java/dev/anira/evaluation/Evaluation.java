package dev.anira.evaluation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Scores of a model on one set of instances, over answer tokens.
 *
 * @param instances instances scored
 * @param tokens answer tokens scored
 * @param accuracy share of answer tokens predicted right
 * @param meanDepth mean depth of answer tokens
 * @param spearman complexity definition → Spearman ρ between depth and complexity over correctly
 *     answered tokens (NaN when undefined, e.g. all depths equal)
 * @param partialSpearman complexity definition → partial Spearman ρ over the same tokens,
 *     controlling for the answer's position and the instance's input size (NaN when undefined)
 * @param depthHistogram depth → number of answer tokens (all of them, right or wrong) that halted
 *     there
 * @param adjustedR2Static adjusted R² of OLS of depth on the static features, over all answer
 *     tokens (NaN when undefined)
 * @param adjustedR2Algorithm the same on the trace's depth-free algorithmic features
 */
public record Evaluation(
    @JsonProperty("instances") int instances,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("accuracy") double accuracy,
    @JsonProperty("meanDepth") double meanDepth,
    @JsonProperty("spearman") Map<String, Double> spearman,
    @JsonProperty("partialSpearman") Map<String, Double> partialSpearman,
    @JsonProperty("depthHistogram") SortedMap<Integer, Long> depthHistogram,
    @JsonProperty("adjustedR2Static") Double adjustedR2Static,
    @JsonProperty("adjustedR2Algorithm") Double adjustedR2Algorithm) {

  public Evaluation {
    // Checkpoints written before these fields existed read them as empty.
    partialSpearman = partialSpearman == null ? Map.of() : partialSpearman;
    depthHistogram = depthHistogram == null ? new TreeMap<>() : depthHistogram;
    adjustedR2Static = adjustedR2Static == null ? Double.NaN : adjustedR2Static;
    adjustedR2Algorithm = adjustedR2Algorithm == null ? Double.NaN : adjustedR2Algorithm;
  }

  /** Number of depths at which at least one answer token halted. */
  public int distinctDepths() {
    return depthHistogram.size();
  }

  /** The largest share of answer tokens at any one depth, in [0, 1]; NaN with no tokens. */
  public double largestDepthShare() {
    long max = depthHistogram.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return tokens == 0 ? Double.NaN : (double) max / tokens;
  }
}
