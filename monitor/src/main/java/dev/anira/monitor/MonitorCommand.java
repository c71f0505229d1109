package dev.anira.monitor;

import dev.anira.cli.Commands;
import dev.anira.cli.GracefulStop;
import dev.anira.cli.KafkaConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anira monitor}: the live dashboard. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the live halting dashboard: alignment ρ over time, depth × complexity heatmaps,"
          + " decision timing (R² static vs algorithmic), online tracking, generalization by size,"
          + " a per-instance halting timeline, and alerts; filters by task, mechanism and model.",
      "It reads anira.alignment, anira.timing, anira.generalization, anira.alerts and anira.halting"
          + " from the beginning, so pointed at a broker that 'anira replay' fills it shows a"
          + " recorded run the same way. Runs until Ctrl-C.",
      "Example: anira monitor --bootstrap 127.0.0.1:9092 --port 8080"
    })
public final class MonitorCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin KafkaConnection kafka;

  @Option(
      names = "--host",
      defaultValue = MonitorConfig.DEFAULT_HOST,
      description =
          "Address to bind; loopback keeps the dashboard private. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(
      names = "--port",
      defaultValue = MonitorConfig.DEFAULT_PORT,
      description = "HTTP port, 0 for any free one. Default: ${DEFAULT-VALUE}")
  int port;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    MonitorConfig config;
    try {
      config = new MonitorConfig(kafka.bootstrap, host, port);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    // Closed last: a signal's hook lets the JVM exit once the dashboard is closed.
    try (GracefulStop signal = GracefulStop.install("anira monitor", Duration.ofSeconds(10));
        Dashboard dashboard = start(config)) {
      signal.onStop("the dashboard", stopped::countDown);
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "anira monitor: "
              + dashboard.url()
              + " (metrics on "
              + dashboard.url()
              + "metrics; reading "
              + config.bootstrap()
              + "; Ctrl-C stops)");
      err.flush();
      stopped.await();
    }
    return 0;
  }

  private Dashboard start(MonitorConfig config) throws IOException {
    try {
      return Dashboard.start(config);
    } catch (IllegalStateException portTaken) {
      throw new CommandLine.ParameterException(spec.commandLine(), portTaken.getMessage());
    }
  }

  /** The container image's entry point. */
  public static void main(String[] args) {
    Commands.main(new MonitorCommand(), args);
  }
}
