package dev.anira.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.anira.schemas.DeadLetter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's event stream through a real nginx (Debian's package) with a plain {@code
 * proxy_pass} and nginx's defaults: events arrive as they happen (not held in nginx's buffer), and
 * an idle stream sends keep-alive comments often enough that a proxy does not cut it.
 */
class ReverseProxyIT {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  @Test
  void eventsAndKeepAlivesPassAPlainNginxProxyPass(@TempDir Path dir) throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(
          Files.isExecutable(NGINX), "Debian's nginx is not installed (.ci/run installs it)");
    }
    MonitorState state = new MonitorState();
    try (MonitorServer monitor =
        new MonitorServer(
            state, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", 0)) {
      int port = freePort();
      Process nginx = startNginx(dir, port, monitor.port());
      try {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        Thread reader = readLines(URI.create("http://127.0.0.1:" + port + "/events"), lines);

        assertThat(lines.poll(5, TimeUnit.SECONDS)).as("the first event").isEqualTo("data: 0");
        DeadLetter letter = new DeadLetter();
        letter.setErrorType("UNMATCHED");
        state.add(letter); // any change of the state is announced
        assertThat(next(lines, Duration.ofSeconds(5))).as("the next event").isEqualTo("data: 1");
        // Idle from here: a comment within the keep-alive interval (and a margin).
        Duration wait = MonitorServer.KEEP_ALIVE.plusSeconds(3);
        assertThat(next(lines, wait)).as("an idle stream's keep-alive").isEqualTo(": keep-alive");
        reader.interrupt();

        // The README's config, under a path: the page asks for everything relative to itself.
        String base = "http://127.0.0.1:" + port + "/anira/";
        String page = get(base);
        assertThat(page).contains("src=\"app.js\"").doesNotContain("src=\"/");
        for (String path : new String[] {"app.js", "style.css", "vendor/echarts.min.js"}) {
          assertThat(get(base + path)).as(path).isNotEmpty();
        }
        assertThat(get(base + "api/snapshot")).contains("\"version\":1");
        BlockingQueue<String> underPath = new ArrayBlockingQueue<>(1000);
        Thread second = readLines(URI.create(base + "events"), underPath);
        assertThat(next(underPath, Duration.ofSeconds(5))).isEqualTo("data: 1");
        second.interrupt();
      } finally {
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The body of a 200 response. */
  private static String get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    assertThat(c.getResponseCode()).as(url).isEqualTo(200);
    try (var in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The next non-empty line, or null after {@code timeout}. */
  private static String next(BlockingQueue<String> lines, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line != null && !line.isEmpty()) {
        return line;
      }
    }
    return null;
  }

  /** nginx in the foreground with nothing but a proxy_pass; its files under {@code dir}. */
  private static Process startNginx(Path dir, int port, int upstream) throws Exception {
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "daemon off;",
            "master_process off;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " info;",
            "events { worker_connections 64; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + dir.resolve("body") + ";",
            "  proxy_temp_path " + dir.resolve("proxy") + ";",
            "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
            "  scgi_temp_path " + dir.resolve("scgi") + ";",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    location / { proxy_pass http://127.0.0.1:" + upstream + "; }",
            "    location /anira/ {",
            "      proxy_pass http://127.0.0.1:" + upstream + "/;",
            "      proxy_http_version 1.1;",
            "      proxy_set_header Connection \"\";",
            "      proxy_buffering off;",
            "      proxy_read_timeout 120s;",
            "    }",
            "  }",
            "}",
            ""));
    Process nginx =
        new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!nginx.isAlive()) {
        throw new IllegalStateException(
            "nginx exited: " + Files.readString(dir.resolve("nginx.out")));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        if (c.getResponseCode() == 200) {
          return nginx;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    nginx.destroy();
    throw new IllegalStateException("nginx did not answer on port " + port + " within 10 s");
  }

  private static Thread readLines(URI uri, BlockingQueue<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setReadTimeout(0);
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                }
              } catch (IOException | IllegalStateException stopped) {
                // the test ended
              }
            },
            "events-reader");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
