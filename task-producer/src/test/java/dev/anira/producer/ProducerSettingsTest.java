package dev.anira.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.Split;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.InstanceSampler;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.TaskMix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSettingsTest {

  @Test
  void extrapolationInstancesAreLargerThanEveryTrainInstance() {
    List<TaskMix> mix =
        ProducerSettings.fromFlags(
            "bfs,addition", Map.of("bfs", "6..30"), Map.of("bfs", 16), Map.of());
    InstanceSampler sampler = new InstanceSampler(mix, 7, "test");
    int maxTrain = 0;
    int minExtrapolation = Integer.MAX_VALUE;
    for (int i = 0; i < 2000; i++) {
      GeneratedInstance g = sampler.next();
      if (!g.instance().getTask().equals("bfs")) {
        continue;
      }
      if (g.instance().getSplit() == Split.TRAIN) {
        maxTrain = Math.max(maxTrain, g.instance().getSize());
      } else {
        minExtrapolation = Math.min(minExtrapolation, g.instance().getSize());
      }
    }
    assertThat(maxTrain).isEqualTo(16);
    assertThat(minExtrapolation).isEqualTo(17);
  }

  @Test
  void steppedKnobsAreDrawnOnTheirStepOnly() {
    InstanceSampler sampler =
        new InstanceSampler(
            ProducerSettings.fromFlags("dyck", Map.of("dyck", "4..20"), Map.of(), Map.of()),
            3,
            "t");
    java.util.Set<Integer> lengths = new java.util.TreeSet<>();
    for (int i = 0; i < 500; i++) {
      lengths.add(sampler.next().instance().getSize());
    }
    assertThat(lengths).containsExactly(4, 6, 8, 10, 12, 14, 16, 18, 20);
    assertThatThrownBy(
            () -> ProducerSettings.fromFlags("dyck", Map.of("dyck", "5..20"), Map.of(), Map.of()))
        .hasMessageContaining("dyck: length must be even, got 5");
  }

  @Test
  void weightsShapeTheMix() {
    InstanceSampler sampler =
        new InstanceSampler(
            ProducerSettings.fromFlags("parity,addition:3", Map.of(), Map.of(), Map.of()), 1, "t");
    int addition = 0;
    for (int i = 0; i < 4000; i++) {
      addition += sampler.next().instance().getTask().equals("addition") ? 1 : 0;
    }
    assertThat(addition).isBetween(2800, 3200);
  }

  @Test
  void jsonConfigReadsTheSameMix(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mix.json");
    Files.writeString(
        file,
        "{\"tasks\":[{\"name\":\"addition\",\"weight\":2,\"size\":\"4..12\",\"trainMax\":8,\"knobs\":{\"propagate\":\"0..0.5\"}}]}");
    TaskMix mix = ProducerSettings.fromFile(file).get(0);
    assertThat(mix.weight()).isEqualTo(2);
    assertThat(mix.size()).isEqualTo(new SizeRange(4, 12));
    assertThat(mix.trainMax()).isEqualTo(8);
    assertThat(mix.knobs()).containsEntry("propagate", new SizeRange(0, 0.5));
  }

  @Test
  void badSettingsNameWhatIsWrong() {
    assertThatThrownBy(
            () -> ProducerSettings.fromFlags("parity,sudoku", Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("unknown task 'sudoku'");
    assertThatThrownBy(
            () -> ProducerSettings.fromFlags("bfs", Map.of("bfs", "0..10"), Map.of(), Map.of()))
        .hasMessageContaining("bfs: nodes must be in [2, 64], got 0");
    assertThatThrownBy(
            () -> ProducerSettings.fromFlags("bfs", Map.of("dfs", "4..8"), Map.of(), Map.of()))
        .hasMessageContaining("--size: task 'dfs' is not in --tasks");
    assertThatThrownBy(() -> ProducerSettings.fromFlags("addition:x", Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("weight of addition is not a number");
    assertThatThrownBy(
            () ->
                ProducerSettings.fromFlags(
                    "kahn", Map.of("kahn", "4..8"), Map.of(), Map.of("kahn.depth", "2..5")))
        .hasMessageContaining("kahn: depth 5 is impossible with 4 nodes");
    assertThatThrownBy(() -> SizeRange.parse("8..x"))
        .hasMessageContaining("'8..x' is not a number");
  }
}
