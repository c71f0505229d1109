package dev.anira.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.anira.evaluation.Evaluation;
import dev.anira.evaluation.Evaluator;
import dev.anira.model.Anira;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.Tasks;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BundledCheckpointsTest {

  static List<String> names() {
    return BundledCheckpoints.names();
  }

  @Test
  void everyTaskHasOnlineAndEarlyAndAdditionAndBfsHaveFixed() {
    Set<String> names = Set.copyOf(names());
    for (Task task : Tasks.all()) {
      assertThat(names).contains(task.name() + "-online", task.name() + "-early");
    }
    assertThat(names).contains("addition-fixed", "bfs-fixed");
  }

  @ParameterizedTest
  @MethodSource("names")
  void reproducesTheAccuracyInItsJsonOnItsFixedSeedEvalSet(String name) throws Exception {
    Checkpoint.Loaded loaded = BundledCheckpoints.load(name, Device.cpu());
    try (Anira model = loaded.model()) {
      Checkpoint checkpoint = loaded.checkpoint();
      TrainingConfig training = checkpoint.training();
      assertThat(checkpoint.name()).isEqualTo(name);
      assertThat(name).startsWith(training.task() + "-");
      assertThat(name)
          .endsWith(checkpoint.model().mechanism().name().toLowerCase(java.util.Locale.ROOT));
      Task task = Tasks.byName(training.task());
      Map<String, SizeRange> knobs = new LinkedHashMap<>();
      training.knobs().forEach((k, v) -> knobs.put(k, SizeRange.parse(v)));
      var sets = EvalSets.of(task, training, knobs, training.seed());
      Evaluator evaluator = new Evaluator(64);
      for (String set : List.of(Trainer.TRAIN_SET, Trainer.EXTRAPOLATION_SET)) {
        Evaluation recorded = checkpoint.metrics().get(set);
        Evaluation now = evaluator.evaluate(model, sets.get(set));
        assertThat(now.accuracy())
            .as("%s %s accuracy", name, set)
            .isCloseTo(recorded.accuracy(), within(0.01));
        assertThat(now.meanDepth())
            .as("%s %s mean depth", name, set)
            .isCloseTo(recorded.meanDepth(), within(0.05));
      }
      if (checkpoint.model().mechanism() == Mechanism.FIXED) {
        assertThat(checkpoint.metrics().get(Trainer.TRAIN_SET).meanDepth())
            .isEqualTo((double) checkpoint.model().fixedDepth());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void writesItsWeightsFileBackByteForByte(String name) throws Exception {
    // The stored layout (Weights#stored) must not drift from the one the files were written in.
    Checkpoint.Loaded loaded = BundledCheckpoints.load(name, Device.cpu());
    try (Anira model = loaded.model()) {
      assertThat(Checkpoint.sha256(Checkpoint.encodeWeights(model)))
          .isEqualTo(loaded.checkpoint().weightsSha256());
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void weighsAtMostOneMegabyte(String name) throws Exception {
    try (InputStream weights =
        BundledCheckpoints.class.getResourceAsStream("/dev/anira/models/" + name + ".weights")) {
      assertThat(weights.readAllBytes().length).isLessThanOrEqualTo(1 << 20);
    }
  }

  @Test
  void namesAreUnique() {
    assertThat(names().stream().collect(Collectors.toSet())).hasSameSizeAs(names());
  }
}
