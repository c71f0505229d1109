package dev.anira.service;

import dev.anira.schemas.Mechanism;
import java.util.Set;

/**
 * Everything {@code anira serve} is configured with, validated on creation.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param models {@code bundled} or a directory of checkpoints
 * @param mechanisms which of the registry's mechanisms run
 * @param device auto, cpu, gpu or gpu:N
 * @param groupId consumer group; more instances with the same group share the partitions
 * @param transactionalId stable per instance, so a restarted instance fences its predecessor and
 *     aborts its open transaction at once
 * @param tokenBudget tokens in a running batch
 * @param maxInstanceTokens longer instances go to the dead-letter topic
 * @param maxPollRecords instances per transaction
 * @param metricsHost address of the Prometheus endpoint
 * @param metricsPort its port; 0 picks a free one, -1 disables it
 * @param producerId written on every output record
 */
public record ServiceConfig(
    String bootstrap,
    String models,
    Set<Mechanism> mechanisms,
    String device,
    String groupId,
    String transactionalId,
    int tokenBudget,
    int maxInstanceTokens,
    int maxPollRecords,
    String metricsHost,
    int metricsPort,
    String producerId) {

  public ServiceConfig {
    require(bootstrap != null && !bootstrap.isBlank(), "--bootstrap is required");
    require(
        "bundled".equals(models)
            || (models != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(models))),
        "--models must be 'bundled' or a directory of checkpoints, got " + models);
    require(mechanisms != null && !mechanisms.isEmpty(), "--mechanisms names none");
    mechanisms = Set.copyOf(mechanisms);
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
        metricsPort >= -1 && metricsPort <= 65535,
        "--metrics-port must be -1 (off), 0 (any) or a port, got " + metricsPort);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
