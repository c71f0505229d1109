package dev.anira.training;

import java.util.Map;

/**
 * Per task, the sizes a CPU-sized model trains on and the larger sizes it is tested on. Small on
 * purpose: the bundled checkpoints are trained on a 2-core machine.
 */
final class TaskDefaults {

  record Sizes(String train, String extrapolation) {}

  private static final Map<String, Sizes> SIZES =
      Map.of(
          "parity", new Sizes("4..16", "17..32"),
          "addition", new Sizes("2..8", "9..16"),
          "dyck", new Sizes("4..16", "18..32"),
          "bfs", new Sizes("4..8", "9..12"),
          "kahn", new Sizes("4..8", "9..12"),
          "dfs", new Sizes("4..8", "9..12"),
          "pcfg", new Sizes("0..3", "4..6"));

  private TaskDefaults() {}

  static Sizes of(String task) {
    Sizes sizes = SIZES.get(task);
    if (sizes == null) {
      throw new IllegalArgumentException("no default sizes for task " + task);
    }
    return sizes;
  }
}
