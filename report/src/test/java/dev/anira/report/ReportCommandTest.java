package dev.anira.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.cli.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Commands.commandLine(new ReportCommand());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }

  @Test
  void aMissingOptionIsAUsageError() {
    assertThat(run("--from", "somewhere")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--out=DIR'");
  }

  @Test
  void aRecordingThatIsNotThereFailsInOneLine(@TempDir Path tmp) {
    assertThat(run("--from", tmp.resolve("nope").toString(), "--out", tmp.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("anira report: no recording at ");
  }

  @Test
  void aRecordingWithoutHaltingEventsSaysWhatToRunFirst(@TempDir Path tmp) throws Exception {
    Path recording = Files.createDirectories(tmp.resolve("rec").resolve("anira.steps"));
    assertThat(run("--from", recording.getParent().toString(), "--out", tmp.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("needs 'anira analyze --from' first");
  }
}
