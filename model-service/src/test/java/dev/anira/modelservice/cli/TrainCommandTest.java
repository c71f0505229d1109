package dev.anira.modelservice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anira.producer.ProduceCommand;
import dev.anira.training.Checkpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private static final String[] TINY = {
    "--task",
    "parity",
    "--steps",
    "4",
    "--batch",
    "4",
    "--eval-count",
    "4",
    "--model-dim",
    "16",
    "--ff-dim",
    "32",
    "--max-depth",
    "4",
    "--threads",
    "1"
  };

  @Test
  void trainsOnAnInstanceFileAndEvalReadsTheCheckpoint() throws Exception {
    Path file = dir.resolve("instances.avro");
    assertThat(
            run(
                new ProduceCommand(),
                "--tasks",
                "parity",
                "--size",
                "parity=4..8",
                "--count",
                "20",
                "--no-kafka",
                "--out",
                file.toString(),
                "--rate",
                "0"))
        .isZero();
    String[] args =
        concat(TINY, "--instances", file.toString(), "--out", dir.toString(), "--device", "cpu");
    assertThat(run(new TrainCommand(), args)).as(err.toString()).isZero();

    Path json = Checkpoint.jsonFile(dir, "parity-online");
    JsonNode stored = new ObjectMapper().readTree(json.toFile());
    assertThat(stored.at("/training/instanceFile").asText()).isEqualTo(file.toString());
    assertThat(stored.at("/model/modelDim").asInt()).isEqualTo(16);
    assertThat(stored.at("/command").asText()).startsWith("anira train --task parity");
    assertThat(stored.at("/metrics/train/accuracy").isNumber()).isTrue();

    EvalCommand.Report report = EvalCommand.evaluate(json.toString(), Device.cpu(), 8, 3);
    assertThat(report.task()).isEqualTo("parity");
    assertThat(report.mechanism()).isEqualTo("online");
    assertThat(report.train().instances()).isEqualTo(8);
    assertThat(report.train().spearman()).containsKeys("parallel-scan", "sequential");
  }

  @Test
  void badOptionsFailFastWithAUsageError() {
    assertThat(run(new TrainCommand(), "--task", "nope", "--out", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown task 'nope'");
    assertThat(run(new TrainCommand(), concat(TINY, "--out", dir.toString(), "--heads", "3")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("heads (3) must divide modelDim (16)");
    assertThat(
            run(new TrainCommand(), concat(TINY, "--out", dir.toString(), "--train-sizes", "0..3")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("parity");
    assertThat(
            run(
                new TrainCommand(),
                concat(TINY, "--out", dir.toString(), "--telemetry-spacing", "0s")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--telemetry-spacing must be positive");
    assertThat(run(new TrainCommand(), concat(TINY, "--out", dir.toString(), "--mechanism", "x")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("use one of online, early, fixed");
    assertThat(
            run(
                new TrainCommand(),
                concat(TINY, "--out", dir.toString(), "--depth-supervision", "most")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("use one of all, expected");
    assertThat(
            run(
                new TrainCommand(),
                concat(
                    TINY,
                    "--out",
                    dir.toString(),
                    "--depth-supervision",
                    "expected",
                    "--halting-warmup",
                    "0.2")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("a halting warm-up needs depth supervision all");
    assertThat(run(new TrainCommand(), concat(TINY, "--out", dir.toString(), "--device", "gpu")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no GPU is visible");
    assertThat(run(new EvalCommand(), "--all", "--count", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--count must be at least 1");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
