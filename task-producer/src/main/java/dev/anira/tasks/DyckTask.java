package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Nesting depth in a balanced bracket string. Tokens: brackets, type k opening as 64+2k and closing
 * as 64+2k+1 (up to 4 types); every token is an answer, its target the depth after it (ids 0-63 are
 * the numbers). Reference: depth is a prefix sum of ±1, computed by a parallel scan ({@code
 * prefix-sum}, primary, ⌈log2 i⌉ + 1 steps) or by a stack machine reading one token a step ({@code
 * stack-scan}, step i). State: the span summed so far and the stack depth the machine would hold.
 */
final class DyckTask implements Task {

  static final int FIRST_BRACKET = 64;

  @Override
  public String name() {
    return "dyck";
  }

  @Override
  public int vocabSize() {
    return FIRST_BRACKET + 8;
  }

  @Override
  public String sizeKnob() {
    return "length";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.ofInt("length", 16, 2, 512, "number of brackets").multipleOf(2),
        Knob.ofInt("maxDepth", 4, 1, 63, "deepest nesting allowed"),
        Knob.ofInt("types", 2, 1, 4, "bracket types"),
        Knob.ofReal("openBias", 0.5, 0.05, 0.95, "probability of opening when both are allowed"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("length");
    int maxDepth = params.getInt("maxDepth");
    int types = params.getInt("types");
    double openBias = params.get("openBias");
    int[] stack = new int[n];
    int[] openedAt = new int[n];
    int depth = 0;
    int[] targets = new int[n];
    int[] scan = new int[n];
    int[] stackScan = new int[n];
    double[] position = new double[n];
    double[] isOpen = new double[n];
    double[] matchDistance = new double[n];
    double[] deepestBefore = new double[n];
    int deepest = 0;
    for (int i = 0; i < n; i++) {
      deepestBefore[i] = deepest;
      int remaining = n - i;
      boolean canOpen = depth < maxDepth && depth + 1 <= remaining - 1;
      boolean mustClose = depth == remaining;
      boolean open = !mustClose && (depth == 0 || (canOpen && random.nextDouble() < openBias));
      if (open) {
        int type = random.nextInt(types);
        stack[depth] = type;
        openedAt[depth] = i;
        depth++;
        out.answer(FIRST_BRACKET + 2 * type, depth);
        isOpen[i] = 1;
      } else {
        depth--;
        out.answer(FIRST_BRACKET + 2 * stack[depth] + 1, depth);
        int partner = openedAt[depth];
        matchDistance[i] = i - partner;
        matchDistance[partner] = i - partner;
      }
      targets[i] = depth;
      deepest = Math.max(deepest, depth);
      scan[i] = Steps.scanComplexity(i + 1);
      stackScan[i] = i + 1;
      position[i] = i;
    }
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(n, n));
    out.staticFeature("isOpen", isOpen);
    out.staticFeature("matchDistance", matchDistance);
    out.complexity("prefix-sum", scan);
    out.complexity("stack-scan", stackScan);
    Steps.emit(
        out,
        scan,
        targets,
        (t, features) -> {
          double[] stackDepth = new double[n];
          for (int i = 0; i < n; i++) {
            stackDepth[i] = t >= scan[i] ? targets[i] : -1;
          }
          features.put("span", Steps.scanSpan(n, t));
          features.put("stackDepth", stackDepth);
        });
    // The stack depth itself is the answer: regressing depth on it would explain nothing new.
    out.algorithmFeature("deepestBefore", deepestBefore);
  }
}
