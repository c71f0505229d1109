package dev.anira.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Emits the reference algorithm's states for steps 1..T where a token is resolved exactly from its
 * complexity step on: {@code resolved} and {@code answer} first, then the task's own features.
 */
final class Steps {

  private Steps() {}

  static int lastStep(int[] complexity) {
    int max = 1;
    for (int c : complexity) {
      max = Math.max(max, c);
    }
    return max;
  }

  /** {@code extra} adds the task's features of step t to the map it is given. */
  static void emit(
      TraceBuilder out,
      int[] complexity,
      int[] targets,
      BiConsumer<Integer, Map<String, double[]>> extra) {
    int steps = lastStep(complexity);
    int n = complexity.length;
    for (int t = 1; t <= steps; t++) {
      double[] resolved = new double[n];
      double[] answer = new double[n];
      for (int i = 0; i < n; i++) {
        boolean known = t >= complexity[i];
        resolved[i] = known ? 1 : 0;
        answer[i] = known ? targets[i] : -1;
      }
      Map<String, double[]> features = new LinkedHashMap<>();
      features.put(TraceBuilder.RESOLVED, resolved);
      features.put(TraceBuilder.ANSWER, answer);
      extra.accept(t, features);
      out.state(features);
    }
  }

  /** Levels of a Hillis-Steele prefix scan to cover positions 1..i, plus the read step. */
  static int scanComplexity(int oneBasedPosition) {
    return oneBasedPosition == 1 ? 1 : 33 - Integer.numberOfLeadingZeros(oneBasedPosition - 1);
  }

  /** Positions each prefix-scan slot covers after step t: min(i, 2^(t-1)). */
  static double[] scanSpan(int n, int t) {
    double[] span = new double[n];
    for (int i = 0; i < n; i++) {
      span[i] = Math.min(i + 1, 1L << (t - 1));
    }
    return span;
  }

  static double[] constant(int n, double value) {
    double[] values = new double[n];
    java.util.Arrays.fill(values, value);
    return values;
  }
}
