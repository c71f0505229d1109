package dev.anira.producer;

import dev.anira.cli.Durations;
import dev.anira.tasks.TaskMix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code anira produce} runs with, validated on creation.
 *
 * @param bootstrap Kafka bootstrap servers (unused when {@code toKafka} is false)
 * @param mix the tasks and their size ranges and knobs
 * @param perSecond instances per second; 0 produces as fast as possible
 * @param count stop after this many instances; null for no limit
 * @param duration stop after this long; null for no limit
 * @param connectTimeout how long to wait for Kafka before giving up
 * @param toKafka whether instances and traces go to Kafka
 * @param out an Avro container file the instances also go to; null for none
 * @param seed of the whole stream
 * @param producerId written on every record
 * @param metricsHost address of the Prometheus endpoint
 * @param metricsPort its port; 0 any, -1 off
 * @throws IllegalArgumentException naming the option of the first value out of range
 */
public record ProduceConfig(
    String bootstrap,
    List<TaskMix> mix,
    double perSecond,
    Long count,
    Duration duration,
    Duration connectTimeout,
    boolean toKafka,
    Path out,
    long seed,
    String producerId,
    String metricsHost,
    int metricsPort) {

  // The defaults, stated once: the command's options and the demo read them from here.
  public static final String DEFAULT_TASKS = "parity,addition,dyck,bfs,kahn,dfs,pcfg";
  public static final String DEFAULT_RATE = "500/s";
  public static final String DEFAULT_SEED = "1";
  public static final String DEFAULT_PRODUCER_ID = "task-producer";
  public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
  public static final String DEFAULT_METRICS_PORT = "-1";

  /**
   * A producer that publishes {@code mix} to Kafka at {@code perSecond} until it is stopped, every
   * other setting at its default (the demo's).
   */
  public static ProduceConfig toKafkaUntilStopped(
      String bootstrap, List<TaskMix> mix, double perSecond, int metricsPort) {
    return new ProduceConfig(
        bootstrap,
        mix,
        perSecond,
        null,
        null,
        Durations.parse(DEFAULT_CONNECT_TIMEOUT),
        true,
        null,
        Long.parseLong(DEFAULT_SEED),
        DEFAULT_PRODUCER_ID,
        DEFAULT_METRICS_HOST,
        metricsPort);
  }

  public ProduceConfig {
    require(!toKafka || (bootstrap != null && !bootstrap.isBlank()), "--bootstrap is required");
    require(mix != null && !mix.isEmpty(), "--tasks: at least one task");
    require(perSecond >= 0, "--rate must be 0 or more, got " + perSecond);
    require(count == null || count >= 1, "--count must be at least 1, got " + count);
    require(positive(duration), "--duration must be positive, got " + Durations.format(duration));
    require(
        connectTimeout != null && positive(connectTimeout),
        "--connect-timeout must be positive, got " + Durations.format(connectTimeout));
    require(toKafka || out != null, "--no-kafka needs --out, or nothing would be written");
    require(producerId != null && !producerId.isBlank(), "--producer-id must not be empty");
    require(
        metricsPort >= -1 && metricsPort <= 65535,
        "--metrics-port must be -1 (off), 0 (any) or a port, got " + metricsPort);
    mix = List.copyOf(mix);
  }

  private static boolean positive(Duration d) {
    return d == null || (!d.isNegative() && !d.isZero());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
