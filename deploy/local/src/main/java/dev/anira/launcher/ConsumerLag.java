package dev.anira.launcher;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind: the records between its committed offsets and the ends of the
 * partitions it reads. Lag that keeps growing means a part cannot keep up with the rate.
 */
final class ConsumerLag implements AutoCloseable {

  private final Admin admin;

  ConsumerLag(String bootstrap) {
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
  }

  /** Records behind, summed over the group's partitions; -1 before the group first commits. */
  long of(String group) throws Exception {
    Map<TopicPartition, Long> behind = perPartition(group);
    return behind.isEmpty() ? -1 : behind.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Whether the group has committed up to the end of every partition it reads. Flink's Kafka source
   * commits the offset after the last record it read, which stops one short of a transaction's
   * commit marker (FLINK-33484), so one entry behind counts as caught up.
   */
  boolean caughtUp(String group) throws Exception {
    Map<TopicPartition, Long> behind = perPartition(group);
    return !behind.isEmpty() && behind.values().stream().allMatch(n -> n <= 1);
  }

  private Map<TopicPartition, Long> perPartition(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    if (committed.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    committed.keySet().forEach(p -> ends.put(p, OffsetSpec.latest()));
    var latest =
        admin
            .listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, Long> behind = new HashMap<>();
    for (var entry : committed.entrySet()) {
      long end = latest.get(entry.getKey()).offset();
      long at = entry.getValue() == null ? 0 : entry.getValue().offset();
      behind.put(entry.getKey(), Math.max(0, end - at));
    }
    return behind;
  }

  @Override
  public void close() {
    admin.close();
  }
}
