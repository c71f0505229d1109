package dev.anira.modelservice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void badOptionsFailBeforeAnythingConnects() {
    assertThat(run("--token-budget", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--token-budget must be at least 1, got 0");
    assertThat(run("--token-budget", "100", "--max-instance-tokens", "200")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-instance-tokens must be within 1..--token-budget");
    assertThat(run("--metrics-port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--metrics-port must be -1 (off), 0 (any) or a port");
    assertThat(run("--mechanisms", "online,sometimes")).isEqualTo(2);
    assertThat(err.toString()).contains("'sometimes' is not a mechanism");
    assertThat(run("--device", "tpu")).isEqualTo(2);
    assertThat(err.toString()).contains("--device must be auto, cpu, gpu or gpu:N");
    assertThat(run("--threads", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--threads must be at least 1, got 0");
    assertThat(run("--commit-interval", "5ms")).isEqualTo(2);
    assertThat(err.toString()).contains("--commit-interval must be at least 10ms, got 5ms");
    assertThat(run("--commit-interval", "10s", "--transaction-timeout", "60s")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--transaction-timeout must be at least ten times --commit-interval (100s), got 60s");
  }

  @Test
  void aModelsDirectoryThatDoesNotExistIsAClearError() {
    assertThat(run("--models", "/no/such/dir", "--device", "cpu", "--metrics-port", "-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--models must be 'bundled' or a directory");
  }
}
