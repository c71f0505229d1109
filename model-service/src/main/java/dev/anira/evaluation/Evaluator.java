package dev.anira.evaluation;

import dev.anira.model.Anira;
import dev.anira.model.Run;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Complexity;
import dev.anira.schemas.NamedSeries;
import dev.anira.tasks.GeneratedInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

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
    // Per complexity definition, one row per correct token: depth, complexity, position, size.
    Map<String, List<double[]>> correctPairs = new LinkedHashMap<>();
    SortedMap<Integer, Long> histogram = new TreeMap<>();
    // Decision timing over every answer token: depth, then static and algorithmic features.
    List<Double> allDepths = new ArrayList<>();
    List<double[]> staticRows = new ArrayList<>();
    List<double[]> algorithmRows = new ArrayList<>();
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
        List<Double> positionFeature = staticFeature(trace, "position");
        List<Double> inputSize = staticFeature(trace, "inputSize");
        for (int i = 0; i < positions.size(); i++) {
          int position = positions.get(i);
          int depth = run.depths()[b][position];
          boolean right = run.predictions()[b][position] == trace.getTargets().get(i);
          tokens++;
          depthSum += depth;
          histogram.merge(depth, 1L, Long::sum);
          allDepths.add((double) depth);
          staticRows.add(row(trace.getStaticFeatures(), i));
          algorithmRows.add(row(trace.getAlgorithmFeatures(), i));
          if (right) {
            correct++;
            for (Complexity complexity : trace.getComplexities()) {
              correctPairs
                  .computeIfAbsent(complexity.getAlgorithm(), k -> new ArrayList<>())
                  .add(
                      new double[] {
                        depth,
                        complexity.getValues().get(i),
                        positionFeature.get(i),
                        inputSize.get(i)
                      });
            }
          }
        }
      }
    }
    Map<String, Double> spearman = new LinkedHashMap<>();
    Map<String, Double> partial = new LinkedHashMap<>();
    correctPairs.forEach(
        (name, rows) -> {
          double[] depths = column(rows, 0);
          double[] complexities = column(rows, 1);
          spearman.put(name, Spearman.rho(depths, complexities));
          partial.put(
              name,
              Spearman.partialRho(
                  depths, complexities, new double[][] {column(rows, 2), column(rows, 3)}));
        });
    return new Evaluation(
        instances.size(),
        tokens,
        tokens == 0 ? Double.NaN : (double) correct / tokens,
        tokens == 0 ? Double.NaN : (double) depthSum / tokens,
        spearman,
        partial,
        histogram,
        adjustedRSquared(allDepths, staticRows),
        adjustedRSquared(allDepths, algorithmRows));
  }

  private static double[] row(List<NamedSeries> features, int i) {
    return features.stream().mapToDouble(f -> f.getValues().get(i)).toArray();
  }

  /**
   * Adjusted R² of OLS of depth on the given features (constant ones dropped), as the analytics
   * job's decision timing computes it; NaN when depth is constant, there are no features, or they
   * are collinear.
   */
  static double adjustedRSquared(List<Double> depths, List<double[]> rows) {
    if (rows.isEmpty() || rows.get(0).length == 0) {
      return Double.NaN;
    }
    int width = rows.get(0).length;
    List<Integer> varying = new ArrayList<>();
    for (int c = 0; c < width; c++) {
      final int column = c;
      if (rows.stream().mapToDouble(r -> r[column]).distinct().count() > 1) {
        varying.add(c);
      }
    }
    double[] y = depths.stream().mapToDouble(Double::doubleValue).toArray();
    if (varying.isEmpty()
        || Arrays.stream(y).distinct().count() < 2
        || y.length <= varying.size() + 1) {
      return Double.NaN;
    }
    double[][] x = new double[rows.size()][varying.size()];
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < varying.size(); c++) {
        x[r][c] = rows.get(r)[varying.get(c)];
      }
    }
    try {
      OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
      ols.newSampleData(y, x);
      return ols.calculateAdjustedRSquared();
    } catch (SingularMatrixException e) {
      return Double.NaN;
    }
  }

  private static double[] column(List<double[]> rows, int index) {
    return rows.stream().mapToDouble(row -> row[index]).toArray();
  }

  /** A per-answer static feature every task's trace carries (docs/design.md §3). */
  private static List<Double> staticFeature(AlgorithmTrace trace, String name) {
    return trace.getStaticFeatures().stream()
        .filter(f -> f.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("trace of " + trace.getTask() + " has no " + name))
        .getValues();
  }

  private static int[] toArray(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
