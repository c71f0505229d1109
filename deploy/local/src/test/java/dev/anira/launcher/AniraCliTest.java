package dev.anira.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AniraCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AniraCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: anira")
        .contains("kafka")
        .contains("train")
        .contains("eval")
        .contains("help");
  }

  @Test
  void everySubcommandHasHelp() {
    assertThat(run("kafka", "--help")).isZero();
    assertThat(out.toString()).contains("--port=PORT").contains("--log-dir=DIR");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"demo", "analyze", "record", "replay", "monitor", "produce", "serve", "bench"})
  void theStreamingSubcommandsHaveHelp(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: anira " + command);
  }

  @Test
  void analyticsOptionsAreValidatedBeforeAnythingStarts() {
    assertThat(run("analyze", "--window", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--window must be positive");
    assertThat(run("analyze", "--window", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("expected e.g. 500ms, 30s");
    assertThat(run("analyze", "--from", "/no/such/recording")).isEqualTo(2);
    assertThat(err.toString()).contains("no recording at /no/such/recording");
    assertThat(run("replay", "/no/such/recording", "--to-kafka")).isEqualTo(2);
    assertThat(run("replay", ".", "--to-kafka", "--speed", "fast")).isEqualTo(2);
    assertThat(err.toString()).contains("--speed must be a positive number or 'max'");
    assertThat(run("record")).isEqualTo(2);
    assertThat(err.toString()).contains("--out");
  }

  @Test
  void aDemoOnABusyPortStopsAtOnceAndSaysWhy(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path recording = tmp.resolve("recording");
    try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("demo", "--port", String.valueOf(port), "--record", recording.toString()))
          .isEqualTo(2);
      assertThat(err.toString()).contains("port " + port).contains("is in use");
      // Before Kafka, and without leaving an empty recording behind.
      assertThat(err.toString()).doesNotContain("Kafka");
      assertThat(recording).doesNotExist();
    }
  }

  @Test
  void versionNamesTheBuild() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("anira 0.1.0").contains("Java ");
  }

  @Test
  void unknownOptionFailsWithTheOptionNamed() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unknown option: '--frobnicate'")
        .contains("See 'anira --help'");
  }

  @Test
  void missingSubcommandIsAnError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand");
  }

  @Test
  void kafkaOptionsAreValidatedBeforeAnythingStarts() {
    assertThat(run("kafka", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("port must be 0..65535, got 70000");

    assertThat(run("kafka", "--keep-data")).isEqualTo(2);
    assertThat(err.toString()).contains("--keep-data needs --log-dir");

    assertThat(run("kafka", "--partitions", "anira.nope=2")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown topic 'anira.nope'").contains("anira.steps");

    assertThat(run("kafka", "--partitions", "anira.steps=0")).isEqualTo(2);
    assertThat(err.toString()).contains("needs at least 1 partition");

    assertThat(run("kafka", "--port", "abc")).isEqualTo(2);
    assertThat(err.toString()).contains("'abc'");
    assertThat(out.toString()).doesNotContain("Starting Kafka");
  }

  @Test
  void busyPortIsARuntimeFailureWithAReadableMessage() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(run("kafka", "--port", String.valueOf(taken.getLocalPort()))).isEqualTo(1);
      assertThat(err.toString())
          .contains("anira kafka: Cannot start Kafka: port " + taken.getLocalPort())
          .contains("is in use")
          .doesNotContain("\tat ");
    }
  }
}
