package dev.anira.evaluation;

import dev.anira.model.Anira;
import dev.anira.model.Run;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.tasks.GeneratedInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a model over instances with hard halting (as deployed) and scores it. */
public final class Evaluator {

  private final int batchSize;

  public Evaluator(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  public Evaluation evaluate(Anira model, List<GeneratedInstance> instances) {
    long tokens = 0;
    long correct = 0;
    long depthSum = 0;
    Map<String, List<double[]>> correctPairs = new LinkedHashMap<>();
    for (int from = 0; from < instances.size(); from += batchSize) {
      List<GeneratedInstance> chunk =
          instances.subList(from, Math.min(instances.size(), from + batchSize));
      int[][] sequences = new int[chunk.size()][];
      for (int b = 0; b < chunk.size(); b++) {
        sequences[b] = toArray(chunk.get(b).instance().getTokens());
      }
      Run run = model.run(sequences);
      for (int b = 0; b < chunk.size(); b++) {
        AlgorithmTrace trace = chunk.get(b).trace();
        List<Integer> positions = trace.getAnswerPositions();
        for (int i = 0; i < positions.size(); i++) {
          int position = positions.get(i);
          int depth = run.depths()[b][position];
          boolean right = run.predictions()[b][position] == trace.getTargets().get(i);
          tokens++;
          depthSum += depth;
          if (right) {
            correct++;
            for (Complexity complexity : trace.getComplexities()) {
              correctPairs
                  .computeIfAbsent(complexity.getAlgorithm(), k -> new ArrayList<>())
                  .add(new double[] {depth, complexity.getValues().get(i)});
            }
          }
        }
      }
    }
    Map<String, Double> spearman = new LinkedHashMap<>();
    correctPairs.forEach(
        (name, pairs) -> {
          double[] depths = pairs.stream().mapToDouble(p -> p[0]).toArray();
          double[] complexities = pairs.stream().mapToDouble(p -> p[1]).toArray();
          spearman.put(name, Spearman.rho(depths, complexities));
        });
    return new Evaluation(
        instances.size(),
        tokens,
        tokens == 0 ? Double.NaN : (double) correct / tokens,
        tokens == 0 ? Double.NaN : (double) depthSum / tokens,
        spearman);
  }

  private static int[] toArray(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
