package dev.anira.monitor;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;

/**
 * The running dashboard: its web server and the consumer that feeds it the job's reports, on a
 * thread of its own. {@code anira monitor} and the demo both run this.
 */
public final class Dashboard implements AutoCloseable {

  private final MonitorState state = new MonitorState();
  private final MonitorServer server;
  private final MonitorConsumer consumer;

  private Dashboard(MonitorConfig config) throws IOException {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    server = new MonitorServer(state, metrics, config.host(), config.port());
    try {
      consumer = new MonitorConsumer(config.bootstrap(), state, metrics);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    Thread reader = new Thread(consumer, "monitor-consumer");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Serves the dashboard and starts reading the reports from the beginning.
   *
   * @throws IllegalStateException naming the address when the port is taken
   * @throws IOException if the server cannot bind for another reason
   */
  public static Dashboard start(MonitorConfig config) throws IOException {
    return new Dashboard(config);
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8080/}; metrics are under {@code metrics}. */
  public String url() {
    return server.url();
  }

  /** What the page shows: the job's reports, alerts and halting events read so far. */
  public MonitorState state() {
    return state;
  }

  /**
   * Waits until every record committed to the report topics when called has been read.
   *
   * @return false if the timeout passed first
   */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return consumer.awaitEnd(timeout);
  }

  @Override
  public void close() {
    consumer.close();
    server.close();
  }
}
