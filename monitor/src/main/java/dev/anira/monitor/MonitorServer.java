package dev.anira.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The dashboard's web server (the JDK's own HTTP server: nothing to download, nothing to
 * configure). Serves the page, the vendored chart library, {@code /api/snapshot}, {@code
 * /api/instance?id=...}, {@code /events} (a server-sent event stream that announces each change of
 * the state, so the page fetches only then; it works through a reverse proxy: no buffering asked of
 * nginx, a keep-alive comment every 15 s) and Prometheus metrics on {@code /metrics}.
 */
public final class MonitorServer implements AutoCloseable {

  private static final String WEB = "/dev/anira/monitor/web/";
  private static final String ECHARTS =
      "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "application/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8");

  private final MonitorState state;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private volatile boolean open = true;

  /**
   * Fails now if {@code port} on {@code host} cannot be bound, so that a command which serves the
   * dashboard only after slower work (the demo starts Kafka first) fails before that work.
   *
   * @throws IllegalStateException naming the address when the port is taken
   * @throws IOException if the address cannot be bound for another reason
   */
  public static void requireFree(String host, int port) throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw inUse(host, port, e);
    }
  }

  private static IllegalStateException inUse(String host, int port, BindException cause) {
    return new IllegalStateException(
        "port " + port + " on " + host + " is in use; choose another with --port", cause);
  }

  /**
   * @throws IllegalStateException naming the address when the port is taken
   */
  public MonitorServer(MonitorState state, PrometheusMeterRegistry metrics, String host, int port)
      throws IOException {
    this.state = state;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      throw inUse(host, port, e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::page);
    server.createContext("/vendor/echarts.min.js", x -> resource(x, ECHARTS, "js"));
    server.createContext("/api/snapshot", x -> json(x, state.snapshot()));
    server.createContext("/api/instance", this::instance);
    server.createContext("/events", this::events);
    server.createContext(
        "/metrics",
        x ->
            send(
                x,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    server.start();
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + "/";
  }

  private void page(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String name = path.equals("/") ? "index.html" : path.substring(1);
    if (name.contains("/") || name.contains("..") || !name.contains(".")) {
      send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    resource(x, WEB + name, name.substring(name.lastIndexOf('.') + 1));
  }

  private void resource(HttpExchange x, String path, String extension) throws IOException {
    try (InputStream in = MonitorServer.class.getResourceAsStream(path)) {
      if (in == null) {
        send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        return;
      }
      send(x, 200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes());
    }
  }

  private void instance(HttpExchange x) throws IOException {
    String query = x.getRequestURI().getRawQuery();
    String id = null;
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("id=")) {
          id = URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8);
        }
      }
    }
    ObjectNode found = id == null ? null : state.instance(id);
    if (found == null) {
      send(
          x,
          404,
          "application/json",
          ("{\"error\":\"no recent instance " + (id == null ? "" : id.replace("\"", "")) + "\"}")
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    json(x, found);
  }

  /**
   * How often an idle event stream sends a comment line. Reverse proxies close an upstream that
   * sends nothing for their read timeout (nginx: 60 s by default), and the dashboard's stream is
   * idle whenever no report changes.
   */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private void events(HttpExchange x) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    // nginx buffers a proxied response unless told not to, and then no event reaches the page.
    x.getResponseHeaders().set("X-Accel-Buffering", "no");
    x.sendResponseHeaders(200, 0);
    try (OutputStream out = x.getResponseBody()) {
      long seen = -1;
      long lastSent = System.nanoTime();
      while (open) {
        long version = state.version();
        if (version != seen) {
          seen = version;
          out.write(("data: " + version + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastSent = System.nanoTime();
        } else if (System.nanoTime() - lastSent >= KEEP_ALIVE.toNanos()) {
          // A comment: EventSource ignores it, proxies see traffic.
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastSent = System.nanoTime();
        }
        Thread.sleep(500);
      }
    } catch (IOException | InterruptedException gone) {
      // the page went away, or the server stops
    }
  }

  private static void json(HttpExchange x, ObjectNode node) throws IOException {
    send(x, 200, "application/json", node.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "monitor-http");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    open = false;
    server.stop(0);
    threads.shutdownNow();
  }
}
