package dev.anira.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A running Kafka that tests and the local stack talk to through its bootstrap address. Nothing
 * that uses one may assume which kind it is: see {@link KafkaClusters#start()}.
 */
public interface KafkaCluster extends AutoCloseable {

  /** host:port list for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** What this is, for logs: kind, version and address. */
  String description();

  /**
   * Creates the topics that do not exist yet with the given partition counts; existing topics are
   * left as they are, so calling this again is harmless.
   */
  default void createTopics(Map<String, Integer> partitionsByTopic, Duration timeout) {
    List<NewTopic> topics = new ArrayList<>();
    // Replication follows the broker default, so one call serves a single node and a cluster.
    partitionsByTopic.forEach(
        (name, partitions) ->
            topics.add(new NewTopic(name, Optional.of(partitions), Optional.empty())));
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
        try {
          result.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "Cannot create topic " + result.getKey() + " on " + description(), e.getCause());
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              "Topic "
                  + result.getKey()
                  + " not created within "
                  + timeout
                  + " on "
                  + description(),
              e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while creating topics", e);
        }
      }
    }
  }

  /** Stops the cluster and removes what it wrote, unless configured to keep it. */
  @Override
  void close();
}
