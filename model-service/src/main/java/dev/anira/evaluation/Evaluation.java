package dev.anira.evaluation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Scores of a model on one set of instances, over answer tokens.
 *
 * @param instances instances scored
 * @param tokens answer tokens scored
 * @param accuracy share of answer tokens predicted right
 * @param meanDepth mean depth of answer tokens
 * @param spearman complexity definition → Spearman ρ between depth and complexity over correctly
 *     answered tokens (NaN when undefined, e.g. all depths equal)
 */
public record Evaluation(
    @JsonProperty("instances") int instances,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("accuracy") double accuracy,
    @JsonProperty("meanDepth") double meanDepth,
    @JsonProperty("spearman") Map<String, Double> spearman) {}
