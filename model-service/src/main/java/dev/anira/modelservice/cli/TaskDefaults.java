package dev.anira.modelservice.cli;

import java.util.Map;

/**
 * Per task, the sizes a CPU-sized model trains on, the larger sizes it is tested on, and the ranges
 * the other knobs are drawn from in training. Sizes are small on purpose: the bundled checkpoints
 * are trained on a 2-core machine. Knobs vary so that the complexity depth could align to varies:
 * at the producer's single default values (addition's P(propagate) 0.1, say) ~90% of carry chains
 * have length 1 and nothing distinguishes hard tokens from easy ones.
 */
final class TaskDefaults {

  /**
   * @param train sizes to train on, {@code MIN..MAX}
   * @param extrapolation sizes of the extrapolation eval
   * @param knobs other knobs' ranges, knob → {@code MIN..MAX}
   */
  record Defaults(String train, String extrapolation, Map<String, String> knobs) {}

  private static final Map<String, Defaults> DEFAULTS =
      Map.of(
          "parity",
          new Defaults("4..16", "17..32", Map.of("ones", "0.2..0.8")),
          "addition",
          new Defaults("2..8", "9..16", Map.of("propagate", "0.1..0.8")),
          "dyck",
          new Defaults("4..16", "18..32", Map.of("maxDepth", "2..8", "types", "1..4")),
          "bfs",
          new Defaults("4..8", "9..12", Map.of("family", "0..3", "degree", "2..4")),
          "kahn",
          new Defaults("4..8", "9..12", Map.of("depth", "1..4", "density", "0..0.3")),
          "dfs",
          new Defaults("4..8", "9..12", Map.of("branching", "1..3")),
          "pcfg",
          new Defaults("0..3", "4..6", Map.of("attractors", "0..1")));

  private TaskDefaults() {}

  static Defaults of(String task) {
    Defaults defaults = DEFAULTS.get(task);
    if (defaults == null) {
      throw new IllegalArgumentException("no default sizes for task " + task);
    }
    return defaults;
  }
}
