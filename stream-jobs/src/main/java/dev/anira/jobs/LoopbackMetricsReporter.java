package dev.anira.jobs;

import dev.anira.cli.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The analytics job's own metrics (the per-model gauges and the join's and decoder's counters) in
 * Prometheus text format on 127.0.0.1, for local runs. Flink's Prometheus reporter binds every
 * interface, which a laptop demo should not; on a cluster use that one (same metric names under
 * {@code flink_taskmanager_job_task_operator_}). Enable with {@link #configure}.
 */
public final class LoopbackMetricsReporter implements MetricReporter {

  static final Set<String> COUNTERS =
      Set.of("haltingEvents", "unmatchedRecords", "inconsistentRecords", "deadLetters");

  /** One reporter per JVM: the MiniCluster's task managers share it. */
  private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

  private static MetricsEndpoint server;

  /** Adds this reporter to a MiniCluster's configuration, serving on the given port. */
  public static void configure(org.apache.flink.configuration.Configuration conf, int port) {
    conf.setString("metrics.reporter.anira.factory.class", Factory.class.getName());
    conf.setString("metrics.reporter.anira.port", String.valueOf(port));
  }

  @Override
  public void open(MetricConfig config) {
    int port = config.getInteger("port", 0);
    synchronized (LoopbackMetricsReporter.class) {
      if (server == null) {
        METRICS.clear();
        try {
          server = MetricsEndpoint.serve("127.0.0.1", port, LoopbackMetricsReporter::scrape);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot serve Flink metrics on 127.0.0.1:" + port, e);
        }
      }
    }
  }

  /** The port metrics are served on, once a job has started; -1 before. */
  public static synchronized int port() {
    return server == null ? -1 : server.port();
  }

  /** Stops serving; the values stay readable through {@link #scrape} until the next run. */
  @Override
  public void close() {
    synchronized (LoopbackMetricsReporter.class) {
      if (server != null) {
        server.close();
        server = null;
      }
    }
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    Map<String, String> variables = group.getAllVariables();
    boolean perModel = variables.containsKey("<model>");
    if (!perModel && !(COUNTERS.contains(name) && metric instanceof Counter)) {
      return;
    }
    Map<String, String> labels = new TreeMap<>();
    for (String key :
        new String[] {
          "<model>", "<task>", "<mechanism>", "<bucket>", "<split>", "<subtask_index>"
        }) {
      if (variables.containsKey(key)) {
        labels.put(key.substring(1, key.length() - 1), variables.get(key));
      }
    }
    StringBuilder id = new StringBuilder("anira_job_").append(name);
    if (!labels.isEmpty()) {
      id.append('{');
      labels.forEach(
          (k, v) -> id.append(k).append("=\"").append(v.replace("\"", "'")).append("\","));
      id.setLength(id.length() - 1);
      id.append('}');
    }
    METRICS.put(id.toString(), metric);
  }

  /**
   * A finished or restarting task removes its metrics; the last value stays (as a constant) until a
   * new task registers the same metric, so a finished job's numbers remain readable.
   */
  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    Double last = value(metric);
    METRICS.replaceAll((id, m) -> m == metric && last != null ? (Gauge<Double>) () -> last : m);
  }

  private static Double value(Metric metric) {
    if (metric instanceof Counter c) {
      return (double) c.getCount();
    }
    if (metric instanceof Gauge<?> g && g.getValue() instanceof Number n) {
      return n.doubleValue();
    }
    return null;
  }

  /** The current values in Prometheus text format. */
  public static String scrape() {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(METRICS)
        .forEach(
            (id, metric) -> {
              Double value = value(metric);
              if (value != null) {
                out.append(id).append(' ').append(format(value)).append('\n');
              }
            });
    return out.toString();
  }

  private static String format(double value) {
    return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%s", value);
  }

  /** Named in the Flink configuration ({@code metrics.reporter.anira.factory.class}). */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new LoopbackMetricsReporter();
    }
  }
}
