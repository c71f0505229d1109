package dev.anira.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KnobsTest {

  private static double meanMaxComplexity(String task, Map<String, Double> knobs) {
    Task t = Tasks.byName(task);
    Params params = Params.of(t, knobs);
    double total = 0;
    int runs = 300;
    for (long seed = 0; seed < runs; seed++) {
      total +=
          TaskGenerator.generate(t, params, seed)
              .trace()
              .getComplexities()
              .get(0)
              .getValues()
              .stream()
              .mapToInt(Integer::intValue)
              .max()
              .orElseThrow();
    }
    return total / runs;
  }

  @Test
  void carryChainsGrowWithPropagateProbability() {
    double low = meanMaxComplexity("addition", Map.of("digits", 32.0, "propagate", 0.05));
    double mid = meanMaxComplexity("addition", Map.of("digits", 32.0, "propagate", 0.4));
    double high = meanMaxComplexity("addition", Map.of("digits", 32.0, "propagate", 0.9));
    assertThat(low).isLessThan(mid);
    assertThat(mid).isLessThan(high);
  }

  @Test
  void bfsLayersGrowFromRandomGraphsToChains() {
    double er = meanMaxComplexity("bfs", Map.of("nodes", 32.0, "family", 0.0, "degree", 4.0));
    double grid = meanMaxComplexity("bfs", Map.of("nodes", 32.0, "family", 2.0));
    double chain = meanMaxComplexity("bfs", Map.of("nodes", 32.0, "family", 3.0));
    assertThat(er).isLessThan(grid);
    assertThat(grid).isLessThan(chain);
  }

  @Test
  void barabasiAlbertGraphsHaveHubs() {
    Task bfs = Tasks.byName("bfs");
    double hubsBa = 0;
    double hubsGrid = 0;
    for (long seed = 0; seed < 100; seed++) {
      hubsBa += sum(bfs, Map.of("nodes", 48.0, "family", 1.0, "degree", 2.0), seed, "isHub");
      hubsGrid += sum(bfs, Map.of("nodes", 48.0, "family", 2.0), seed, "isHub");
    }
    assertThat(hubsBa).isGreaterThan(50);
    assertThat(hubsGrid).isZero();
  }

  @Test
  void kahnDepthIsTheNumberOfLevels() {
    Task kahn = Tasks.byName("kahn");
    for (long seed = 0; seed < 50; seed++) {
      var trace =
          TaskGenerator.generate(kahn, Params.of(kahn, Map.of("nodes", 20.0, "depth", 7.0)), seed)
              .trace();
      assertThat(trace.getTargets().stream().mapToInt(Integer::intValue).max().orElseThrow())
          .isEqualTo(6);
    }
  }

  @Test
  void pcfgAttractorsFollowTheirKnob() {
    Task pcfg = Tasks.byName("pcfg");
    double none = 0;
    double many = 0;
    for (long seed = 0; seed < 200; seed++) {
      none += sum(pcfg, Map.of("depth", 4.0, "attractors", 0.0), seed, "attractors");
      many += sum(pcfg, Map.of("depth", 4.0, "attractors", 0.9), seed, "attractors");
    }
    assertThat(none).isZero();
    assertThat(many).isGreaterThan(200);
  }

  @Test
  void badParametersNameTheParameter() {
    assertThatThrownBy(() -> Params.of(Tasks.byName("parity"), Map.of("length", -3)))
        .hasMessage("parity: length must be in [1, 512], got -3");
    assertThatThrownBy(() -> Params.of(Tasks.byName("dyck"), Map.of("length", 7)))
        .hasMessage("dyck: length must be even, got 7");
    assertThatThrownBy(() -> Params.of(Tasks.byName("kahn"), Map.of("nodes", 5, "depth", 9)))
        .hasMessageContaining("kahn: depth 9 is impossible with 5 nodes");
    assertThatThrownBy(() -> Params.of(Tasks.byName("bfs"), Map.of("nodes", 8.5)))
        .hasMessage("bfs: nodes must be a whole number, got 8.5");
    assertThatThrownBy(() -> Params.of(Tasks.byName("bfs"), Map.of("size", 8)))
        .hasMessageContaining("bfs: unknown knob 'size'; knobs are nodes, degree, family");
    assertThatThrownBy(() -> Tasks.byName("sudoku"))
        .hasMessage(
            "unknown task 'sudoku'; tasks are parity, addition, dyck, bfs, kahn, dfs, pcfg");
  }

  private static double sum(Task task, Map<String, Double> knobs, long seed, String feature) {
    return TaskGenerator.generate(task, Params.of(task, knobs), seed)
        .trace()
        .getStaticFeatures()
        .stream()
        .filter(f -> f.getName().equals(feature))
        .findFirst()
        .orElseThrow()
        .getValues()
        .stream()
        .mapToDouble(Double::doubleValue)
        .sum();
  }
}
