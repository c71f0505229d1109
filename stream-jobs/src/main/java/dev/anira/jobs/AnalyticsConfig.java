package dev.anira.jobs;

import dev.anira.analytics.AlertRules;
import dev.anira.cli.Durations;
import java.time.Duration;

/**
 * Everything the analytics job is configured with, validated on creation.
 *
 * @param parallelism of every operator
 * @param window tumbling event-time window of the reports
 * @param outOfOrderness how far behind the newest event time of its Kafka partition a record may
 *     arrive and still count
 * @param joinTimeout event time to wait for an instance's partners before its records go to the
 *     dead-letter topic as unmatched
 * @param idleness a source partition silent this long (processing time) stops holding the watermark
 *     back (events it sends later than the others' watermark are late)
 * @param checkpointInterval how often state and the exactly-once sinks commit (also the latency of
 *     reports on Kafka, which read_committed consumers see at commit)
 * @param checkpointDir where checkpoints go (a URI, e.g. file:///var/anira/checkpoints or
 *     s3://...); null puts them under the system's temp dir
 * @param alerts alert thresholds
 * @param producerId written on every output record
 */
public record AnalyticsConfig(
    int parallelism,
    Duration window,
    Duration outOfOrderness,
    Duration joinTimeout,
    Duration idleness,
    Duration checkpointInterval,
    String checkpointDir,
    AlertRules.Config alerts,
    String producerId) {

  // The defaults, stated once: the command-line options show and use these strings, and
  // defaults() parses them.
  public static final String DEFAULT_PARALLELISM = "2";
  public static final String DEFAULT_WINDOW = "10s";
  public static final String DEFAULT_OUT_OF_ORDERNESS = "5s";
  public static final String DEFAULT_JOIN_TIMEOUT = "60s";
  public static final String DEFAULT_IDLENESS = "30s";
  public static final String DEFAULT_CHECKPOINT_INTERVAL = "5s";
  public static final String DEFAULT_PRODUCER_ID = "stream-jobs";

  public static AnalyticsConfig defaults() {
    return new AnalyticsConfig(
        Integer.parseInt(DEFAULT_PARALLELISM),
        Durations.parse(DEFAULT_WINDOW),
        Durations.parse(DEFAULT_OUT_OF_ORDERNESS),
        Durations.parse(DEFAULT_JOIN_TIMEOUT),
        Durations.parse(DEFAULT_IDLENESS),
        Durations.parse(DEFAULT_CHECKPOINT_INTERVAL),
        null,
        AlertRules.Config.defaults(),
        DEFAULT_PRODUCER_ID);
  }

  public AnalyticsConfig {
    require(parallelism >= 1, "--parallelism must be at least 1, got " + parallelism);
    require(positive(window), "--window must be positive, got " + Durations.format(window));
    require(
        outOfOrderness != null && !outOfOrderness.isNegative(),
        "--out-of-orderness must not be negative, got " + Durations.format(outOfOrderness));
    require(
        positive(joinTimeout),
        "--join-timeout must be positive, got " + Durations.format(joinTimeout));
    require(positive(idleness), "--idleness must be positive, got " + Durations.format(idleness));
    require(
        checkpointInterval != null && checkpointInterval.toMillis() >= 10,
        "--checkpoint-interval must be at least 10ms, got " + Durations.format(checkpointInterval));
    require(alerts != null, "alert thresholds are required");
    require(producerId != null && !producerId.isBlank(), "--producer-id must not be empty");
  }

  public AnalyticsConfig withOutOfOrderness(Duration value) {
    return new AnalyticsConfig(
        parallelism,
        window,
        value,
        joinTimeout,
        idleness,
        checkpointInterval,
        checkpointDir,
        alerts,
        producerId);
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
