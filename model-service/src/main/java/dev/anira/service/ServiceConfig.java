package dev.anira.service;

import dev.anira.cli.Durations;
import dev.anira.model.Devices;
import dev.anira.schemas.Mechanism;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything {@code anira serve} is configured with, validated on creation.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param models {@code bundled} or a directory of checkpoints
 * @param mechanisms which of the registry's mechanisms run
 * @param device auto, cpu, gpu or gpu:N
 * @param threads PyTorch intra-op threads on the CPU
 * @param groupId consumer group; more instances with the same group share the partitions
 * @param transactionalId stable per instance, so a restarted instance fences its predecessor and
 *     aborts its open transaction at once
 * @param tokenBudget tokens in a running batch
 * @param maxInstanceTokens longer instances go to the dead-letter topic
 * @param maxPollRecords instances read per poll; at most twice as many are in flight (read, not yet
 *     committed) before reading pauses
 * @param commitInterval how often the outputs of finished instances commit, with their input
 *     offsets, in one Kafka transaction; bounds the latency a transaction adds
 * @param transactionTimeout the producer's {@code transaction.timeout.ms}: how long the broker lets
 *     a transaction stay open before it aborts it; a transaction here stays open only while its
 *     outputs are sent, so this must merely be well above {@code commitInterval}
 * @param metricsHost address of the Prometheus endpoint
 * @param metricsPort its port; 0 picks a free one, -1 disables it
 * @param producerId written on every output record
 */
public record ServiceConfig(
    String bootstrap,
    String models,
    Set<Mechanism> mechanisms,
    String device,
    int threads,
    String groupId,
    String transactionalId,
    int tokenBudget,
    int maxInstanceTokens,
    int maxPollRecords,
    Duration commitInterval,
    Duration transactionTimeout,
    String metricsHost,
    int metricsPort,
    String producerId) {

  // The defaults, stated once: the command's options and the demo read them from here.
  public static final String DEFAULT_MODELS = "bundled";
  public static final String DEFAULT_MECHANISMS = "online,early";
  public static final String DEFAULT_GROUP_ID = "anira-model-service";
  public static final String DEFAULT_TOKEN_BUDGET = "4096";
  public static final String DEFAULT_MAX_INSTANCE_TOKENS = "1024";
  public static final String DEFAULT_MAX_POLL_RECORDS = "256";

  /**
   * Half the 200 ms it was: at a steady 150 instances/s (issue 19, eight alternating pairs of
   * runs), p50 latency 332 -> 263 ms and p99 850 -> 760 ms, with the burst rate unchanged. While
   * the models are busy it costs up to ten transactions per second and service instance (a commit
   * also follows every time they run out of work). 50 ms gained nothing more.
   */
  public static final String DEFAULT_COMMIT_INTERVAL = "100ms";

  public static final String DEFAULT_TRANSACTION_TIMEOUT = "60s";
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
  public static final String DEFAULT_METRICS_PORT = "9464";
  public static final String DEFAULT_PRODUCER_ID = "model-service";

  /**
   * The configuration {@code anira serve --bootstrap BOOTSTRAP --device DEVICE --metrics-port
   * METRICS_PORT} runs with (the demo's).
   *
   * @throws IllegalStateException if this host's name cannot be resolved (the default transactional
   *     id names it)
   */
  public static ServiceConfig defaults(String bootstrap, String device, int metricsPort) {
    return new ServiceConfig(
        bootstrap,
        DEFAULT_MODELS,
        Arrays.stream(DEFAULT_MECHANISMS.split(","))
            .map(m -> Mechanism.valueOf(m.toUpperCase(Locale.ROOT)))
            .collect(Collectors.toSet()),
        device,
        Devices.defaultThreads(),
        DEFAULT_GROUP_ID,
        defaultTransactionalId(),
        Integer.parseInt(DEFAULT_TOKEN_BUDGET),
        Integer.parseInt(DEFAULT_MAX_INSTANCE_TOKENS),
        Integer.parseInt(DEFAULT_MAX_POLL_RECORDS),
        Durations.parse(DEFAULT_COMMIT_INTERVAL),
        Durations.parse(DEFAULT_TRANSACTION_TIMEOUT),
        DEFAULT_METRICS_HOST,
        metricsPort,
        DEFAULT_PRODUCER_ID);
  }

  /**
   * {@code anira-model-service-HOSTNAME}: stable across restarts of one host, distinct between
   * hosts.
   *
   * @throws IllegalStateException if this host's name cannot be resolved
   */
  public static String defaultTransactionalId() {
    try {
      return DEFAULT_GROUP_ID + "-" + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "cannot resolve this host's name for the default --transactional-id; pass one", e);
    }
  }

  public ServiceConfig {
    require(bootstrap != null && !bootstrap.isBlank(), "--bootstrap is required");
    require(
        "bundled".equals(models)
            || (models != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(models))),
        "--models must be 'bundled' or a directory of checkpoints, got " + models);
    require(mechanisms != null && !mechanisms.isEmpty(), "--mechanisms names none");
    mechanisms = Set.copyOf(mechanisms);
    require(threads >= 1, "--threads must be at least 1, got " + threads);
    require(groupId != null && !groupId.isBlank(), "--group-id must not be empty");
    require(
        transactionalId != null && !transactionalId.isBlank(),
        "--transactional-id must not be empty");
    require(tokenBudget >= 1, "--token-budget must be at least 1, got " + tokenBudget);
    require(
        maxInstanceTokens >= 1 && maxInstanceTokens <= tokenBudget,
        "--max-instance-tokens must be within 1..--token-budget ("
            + tokenBudget
            + "), got "
            + maxInstanceTokens);
    require(maxPollRecords >= 1, "--max-poll-records must be at least 1, got " + maxPollRecords);
    require(
        commitInterval != null && commitInterval.toMillis() >= 10,
        "--commit-interval must be at least 10ms, got " + Durations.format(commitInterval));
    require(
        transactionTimeout != null
            && transactionTimeout.compareTo(commitInterval.multipliedBy(10)) >= 0
            && transactionTimeout.toMillis() <= Integer.MAX_VALUE,
        "--transaction-timeout must be at least ten times --commit-interval ("
            + Durations.format(commitInterval.multipliedBy(10))
            + "), got "
            + Durations.format(transactionTimeout));
    require(
        metricsPort >= -1 && metricsPort <= 65535,
        "--metrics-port must be -1 (off), 0 (any) or a port, got " + metricsPort);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
