package dev.anira.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The progress line is on by default and off with --no-progress (for logs and the demo). */
class ProgressLineTest {

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aProgressLineEverySecondUnlessTurnedOff(boolean progress, @TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ProduceCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err, true));
    int rc =
        cli.execute(
            "--no-kafka",
            "--out",
            dir.resolve("instances.avro").toString(),
            "--metrics-port",
            "-1",
            "--rate",
            "400",
            "--count",
            "700", // 1.75 s at 400/s: one progress line
            progress ? "--progress" : "--no-progress");

    assertThat(rc).as(err.toString()).isZero();
    if (progress) {
      assertThat(err.toString()).contains("\rproduced ");
    } else {
      assertThat(err.toString()).doesNotContain("produced ");
    }
  }
}
