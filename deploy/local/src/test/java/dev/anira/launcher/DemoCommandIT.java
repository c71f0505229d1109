package dev.anira.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CI-sized demo: one minute of the whole pipeline in this JVM, with the dashboard loaded in a
 * real headless browser while it runs.
 */
class DemoCommandIT {

  private static final String[] TASKS = {
    "parity", "addition", "dyck", "bfs", "kahn", "dfs", "pcfg"
  };

  @Test
  void aMinuteOfDemoShowsResultsForEveryTaskAndLeavesARecording(@TempDir Path tmp)
      throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AniraCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Path recording = tmp.resolve("recording");
    boolean browser = DashboardProbe.available();
    if (System.getenv("CI") != null) {
      assertThat(browser).as(".ci/run installs chromium and chromium-driver").isTrue();
    }
    AtomicReference<String> page = new AtomicReference<>();
    AtomicReference<DashboardProbe.Views> views = new AtomicReference<>();
    AtomicReference<String> metrics = new AtomicReference<>();
    Thread probe =
        new Thread(
            () -> {
              try {
                String url = dashboardUrl(err);
                page.set(get(url) + "\n" + get(url + "vendor/echarts.min.js").length());
                // Late enough for windows to have closed, early enough to finish in the run.
                Thread.sleep(35_000);
                metrics.set(get(url + "metrics"));
                if (browser) {
                  views.set(
                      DashboardProbe.views(
                          url, Path.of("target"), Duration.ofSeconds(20), "parity", "EARLY"));
                }
              } catch (Exception e) {
                page.set("error " + e);
              }
            });
    probe.start();

    int exit =
        cli.execute(
            "demo",
            "--duration",
            "60s",
            "--port",
            "0",
            "--rate",
            "15",
            "--record",
            recording.toString(),
            "--summary-every",
            "20s",
            "--train",
            "parity");
    probe.join(30_000);

    assertThat(exit).as(err.toString()).isZero();
    String summary = out.toString();
    assertThat(summary)
        .containsPattern("lag \\(records behind\\): model service -?[0-9]+, analytics -?[0-9]+")
        .containsPattern("(?m)^dead letters: [0-9]+");
    String last = summary.substring(summary.lastIndexOf("task "));
    for (String task : TASKS) {
      for (String mechanism : new String[] {"ONLINE", "EARLY"}) {
        assertThat(last)
            .as(summary)
            .containsPattern("(?m)^" + task + "\\s+" + mechanism + "\\s+[1-9]");
      }
    }
    assertThat(summary).contains("recording: " + recording.toAbsolutePath());
    // The training run next to the bundled models: its evaluations reached the analytics.
    assertThat(last).containsPattern("(?m)^parity\\*\\s+ONLINE\\s+[1-9]");
    assertThat(summary).contains("* training run parity-online@demo-");
    assertThat(recording.resolve("anira.steps")).isDirectory();
    try (var files = Files.walk(recording.resolve("anira.alignment"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".avro"))).isNotEmpty();
    }
    assertThat(page.get()).contains("halting monitor").doesNotContain("error");
    assertThat(metrics.get())
        .contains("anira_monitor_rejected")
        .contains("anira_monitor_records_total{topic=\"anira.halting\"}");
    if (browser) {
      DashboardProbe.Views seen = views.get();
      assertThat(seen).as("the browser probe finished").isNotNull();
      assertThat(seen.overview())
          .as("points per chart; screenshots target/dashboard*.png")
          .allSatisfy((chart, points) -> assertThat(points).as(chart).isPositive());
      assertThat(seen.overviewCells()).as("one overview cell per task").isEqualTo(TASKS.length);
      assertThat(seen.trainingRunPoints())
          .as("evaluations on the training run's chart")
          .isPositive();
      assertThat(seen.overviewHeatmapCells()).isPositive();
      // Choosing a task, then a mechanism, narrows what every per-model chart draws.
      for (String chart : List.of("rho", "generalization")) {
        assertThat(seen.task().get(chart))
            .as(chart)
            .isPositive()
            .isLessThan(seen.overview().get(chart));
        assertThat(seen.taskAndMechanism().get(chart))
            .as(chart)
            .isPositive()
            .isLessThan(seen.task().get(chart));
      }
      assertThat(Path.of("target", "dashboard-parity-EARLY.png")).isNotEmptyFile();
    }

    // The recording, shared: a report to read and Parquet to query.
    Path report = tmp.resolve("report");
    assertThat(cli.execute("report", "--from", recording.toString(), "--out", report.toString()))
        .as(err.toString())
        .isZero();
    String markdown = Files.readString(report.resolve("summary.md"));
    for (String task : TASKS) {
      for (String mechanism : new String[] {"ONLINE", "EARLY"}) {
        assertThat(markdown).containsPattern("(?m)^\\| " + task + " \\| " + mechanism + " \\|");
      }
    }
    Path parquet = tmp.resolve("parquet");
    assertThat(
            cli.execute("export", "--from", recording.toString(), "--parquet", parquet.toString()))
        .as(err.toString())
        .isZero();
    assertThat(parquet.resolve("halting.parquet")).isNotEmptyFile();
    if (browser) {
      Map<String, DashboardProbe.Drawn> figures =
          DashboardProbe.drawnPerFigure(
              report.resolve("report.html"), Path.of("target", "report.png"));
      assertThat(figures)
          .as("what each figure drew; screenshot in target/report.png")
          .hasSize(4 * TASKS.length)
          .allSatisfy(
              (figure, drawn) -> {
                assertThat(drawn.shapes()).as(figure).isGreaterThan(10);
                // Decision timing is undefined where depth never varies (R² of a constant).
                if (!figure.endsWith("-timing")) {
                  assertThat(drawn.points()).as(figure).isPositive();
                }
              });
    }
  }

  private static String dashboardUrl(StringWriter err) throws InterruptedException {
    Pattern url = Pattern.compile("dashboard\\s+(http://\\S+)");
    for (int i = 0; i < 600; i++) {
      Matcher m = url.matcher(err.toString());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the demo never printed its dashboard address");
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
