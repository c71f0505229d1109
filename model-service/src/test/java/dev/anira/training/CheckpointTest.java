package dev.anira.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.evaluation.Evaluation;
import dev.anira.model.Anira;
import dev.anira.model.CheckpointMismatchException;
import dev.anira.model.Run;
import dev.anira.model.TinyModels;
import dev.anira.schemas.Mechanism;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final TrainingConfig CONFIG =
      new TrainingConfig(
          "parity",
          "4..8",
          "9..12",
          Map.of(),
          null,
          10,
          8,
          3,
          1e-3,
          2,
          TrainingConfig.Schedule.COSINE,
          0.01,
          0.0,
          PonderLoss.Regulariser.STEPS,
          0.2,
          1,
          5,
          8,
          PonderLoss.DepthSupervision.EXPECTED,
          PonderLoss.RegulariserTokens.ALL,
          0);

  @TempDir Path dir;

  @Test
  void aLoadedModelGivesExactlyTheSavedModelsOutputs() throws Exception {
    int[][] batch = TinyModels.sequences(4, 5);
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 9)) {
      Run before = model.run(batch);
      Checkpoint saved = Checkpoint.save(dir, "tiny", model, CONFIG, "test", metrics(), 1.5);
      Checkpoint.Loaded loaded = Checkpoint.load(Checkpoint.jsonFile(dir, "tiny"), Device.cpu());
      try (Anira copy = loaded.model()) {
        Run after = copy.run(batch);
        assertThat(loaded.checkpoint()).isEqualTo(saved);
        assertThat(after.depths()).isDeepEqualTo(before.depths());
        assertThat(after.predictions()).isDeepEqualTo(before.predictions());
        assertThat(after.confidence()).isDeepEqualTo(before.confidence());
        for (int k = 0; k < before.steps().size(); k++) {
          assertThat(after.steps().get(k).haltProbability())
              .isDeepEqualTo(before.steps().get(k).haltProbability());
        }
      }
    }
  }

  /**
   * A checkpoint names the commit its training code was built from, and whether that code had
   * changes the commit does not hold; the loader reads it back. Built from a source archive (no
   * .git), there is no commit to name.
   */
  @Test
  void aCheckpointNamesTheCommitOfTheCodeThatTrainedIt() throws Exception {
    assumeFalse(
        Checkpoint.Code.current().commit().equals("unknown"), "built outside a git checkout");
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 9)) {
      Checkpoint.save(dir, "tiny", model, CONFIG, "test", metrics(), 1);
    }
    JsonNode code = Checkpoint.JSON.readTree(Checkpoint.jsonFile(dir, "tiny").toFile()).get("code");
    assertThat(code.get("commit").asText()).matches("[0-9a-f]{40}");
    assertThat(code.get("uncommittedChanges").isBoolean()).isTrue();
    Checkpoint.Loaded loaded = Checkpoint.load(Checkpoint.jsonFile(dir, "tiny"), Device.cpu());
    loaded.model().close();
    assertThat(loaded.checkpoint().code()).isEqualTo(Checkpoint.Code.current());
  }

  /**
   * An undefined score (ρ over a constant depth) is null in the JSON, as {@code anira eval --json}
   * writes it, and NaN again once loaded; the string "NaN" of older checkpoints still reads.
   */
  @Test
  void anUndefinedScoreIsNullInTheJsonAndNanOnceLoaded() throws Exception {
    Evaluation constantDepth =
        new Evaluation(1, 4, 1, 3, Map.of("steps", Double.NaN), Map.of(), null, Double.NaN, 0.25);
    JsonNode train =
        saveTiny(Map.of(Trainer.TRAIN_SET, constantDepth)).at("/metrics/" + Trainer.TRAIN_SET);
    Path json = Checkpoint.jsonFile(dir, "tiny");
    assertThat(train.at("/spearman/steps").isNull()).isTrue();
    assertThat(train.get("adjustedR2Static").isNull()).isTrue();
    assertThat(train.get("adjustedR2Algorithm").asDouble()).isEqualTo(0.25);
    assertThat(Files.readString(json)).doesNotContain("NaN");
    assertLoadsAsUndefined(json);

    ObjectNode older = (ObjectNode) Checkpoint.JSON.readTree(json.toFile());
    ObjectNode olderTrain = (ObjectNode) older.at("/metrics/" + Trainer.TRAIN_SET);
    ((ObjectNode) olderTrain.get("spearman")).put("steps", "NaN");
    olderTrain.put("adjustedR2Static", "NaN");
    Files.writeString(json, older.toString());
    assertLoadsAsUndefined(json);
  }

  /** A checkpoint written before a training field existed loads with that field at 0, as before. */
  @Test
  void aCheckpointWithoutALaterNumberFieldLoadsWithItAtZero() throws Exception {
    ObjectNode older = saveTiny(metrics());
    Path json = Checkpoint.jsonFile(dir, "tiny");
    ((ObjectNode) older.get("training")).remove("haltingWarmup");
    ((ObjectNode) older.get("metrics").get(Trainer.TRAIN_SET)).remove("adjustedR2Static");
    Files.writeString(json, older.toString());

    Checkpoint.Loaded loaded = Checkpoint.load(json, Device.cpu());
    loaded.model().close();
    assertThat(loaded.checkpoint().training().haltingWarmup()).isZero();
    assertThat(loaded.checkpoint().metrics().get(Trainer.TRAIN_SET).adjustedR2Static()).isNaN();
  }

  /** Saves a tiny ONLINE model as "tiny" with {@code metrics}; returns its JSON, to edit. */
  private ObjectNode saveTiny(Map<String, Evaluation> metrics) throws Exception {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 9)) {
      Checkpoint.save(dir, "tiny", model, CONFIG, "test", metrics, 1);
    }
    return (ObjectNode) Checkpoint.JSON.readTree(Checkpoint.jsonFile(dir, "tiny").toFile());
  }

  private static void assertLoadsAsUndefined(Path json) throws Exception {
    Checkpoint.Loaded loaded = Checkpoint.load(json, Device.cpu());
    loaded.model().close();
    Evaluation train = loaded.checkpoint().metrics().get(Trainer.TRAIN_SET);
    assertThat(train.spearman().get("steps")).isNaN();
    assertThat(train.adjustedR2Static()).isNaN();
    assertThat(train.adjustedR2Algorithm()).isEqualTo(0.25);
    assertThat(train.accuracy()).isEqualTo(1.0);
  }

  @Test
  void aConfigThatDoesNotFitTheWeightsIsRefusedByName() throws Exception {
    ObjectNode node = saveTiny(metrics());
    Path json = Checkpoint.jsonFile(dir, "tiny");
    ((ObjectNode) node.get("model")).put("ffDim", 32);
    Checkpoint.JSON.writeValue(json.toFile(), node);
    assertThatThrownBy(() -> Checkpoint.load(json, Device.cpu()))
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("shape")
        .hasMessageContaining("feedForward");
  }

  @Test
  void aDamagedOrMissingWeightsFileIsRefused() throws Exception {
    try (Anira model = TinyModels.create(Mechanism.EARLY, 9)) {
      Checkpoint.save(dir, "tiny", model, CONFIG, "test", metrics(), 1);
    }
    Path weights = Checkpoint.weightsFile(dir, "tiny");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length / 2] ^= 1;
    Files.write(weights, bytes);
    assertThatThrownBy(() -> Checkpoint.load(Checkpoint.jsonFile(dir, "tiny"), Device.cpu()))
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("checksum");
    Files.delete(weights);
    assertThatThrownBy(() -> Checkpoint.load(Checkpoint.jsonFile(dir, "tiny"), Device.cpu()))
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("no weights file");
  }

  private static Map<String, Evaluation> metrics() {
    return Map.of(
        Trainer.TRAIN_SET,
        new Evaluation(1, 1, 1, 1, Map.of("x", 0.5), Map.of(), null, null, null));
  }
}
