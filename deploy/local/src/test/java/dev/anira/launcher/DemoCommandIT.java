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
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CI-sized demo: one minute of the whole pipeline in this JVM. */
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
    AtomicReference<String> page = new AtomicReference<>();
    Thread probe =
        new Thread(
            () -> {
              // Once the dashboard is up, fetch the page and a snapshot as a browser would.
              Pattern url = Pattern.compile("dashboard\\s+(http://\\S+)");
              for (int i = 0; i < 600 && page.get() == null; i++) {
                Matcher m = url.matcher(err.toString());
                if (m.find()) {
                  try {
                    HttpClient http = HttpClient.newHttpClient();
                    String index =
                        http.send(
                                HttpRequest.newBuilder(URI.create(m.group(1))).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body();
                    String vendor =
                        http.send(
                                HttpRequest.newBuilder(
                                        URI.create(m.group(1) + "vendor/echarts.min.js"))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body();
                    page.set(index + "\n" + vendor.length());
                  } catch (Exception e) {
                    page.set("error " + e);
                  }
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
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
            "20s");
    probe.join(5_000);

    assertThat(exit).as(err.toString()).isZero();
    String summary = out.toString();
    String last = summary.substring(summary.lastIndexOf("task "));
    for (String task : TASKS) {
      for (String mechanism : new String[] {"ONLINE", "EARLY"}) {
        assertThat(last)
            .as(summary)
            .containsPattern("(?m)^" + task + "\\s+" + mechanism + "\\s+[1-9]");
      }
    }
    assertThat(summary).contains("recording: " + recording.toAbsolutePath());
    assertThat(recording.resolve("anira.steps")).isDirectory();
    try (var files = Files.walk(recording.resolve("anira.alignment"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".avro"))).isNotEmpty();
    }
    assertThat(page.get()).contains("halting monitor").doesNotContain("error");
  }
}
