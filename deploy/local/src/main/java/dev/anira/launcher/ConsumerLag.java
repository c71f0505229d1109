package dev.anira.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far a consumer group is behind: the records between its committed offsets and the ends of the
 * partitions it reads. Lag that keeps growing means a part cannot keep up with the rate.
 */
final class ConsumerLag implements AutoCloseable {

  private final Admin admin;
  private final String bootstrap;

  ConsumerLag(String bootstrap) {
    this.bootstrap = bootstrap;
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
   * Whether the group has committed past every committed record of the partitions it reads. The
   * offsets alone cannot tell: Flink's Kafka source commits the offset after the last record it
   * delivered, short of the transaction markers and aborted records that follow it (FLINK-33484).
   * So a read_committed consumer reads on from the group's offsets; caught up if it reaches the
   * ends without a record.
   */
  boolean caughtUp(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
    if (committed.isEmpty()) {
      return false;
    }
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      reader.assign(committed.keySet());
      committed.forEach((p, at) -> reader.seek(p, at == null ? 0 : at.offset()));
      Map<TopicPartition, Long> ends = reader.endOffsets(committed.keySet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        if (!reader.poll(Duration.ofMillis(100)).isEmpty()) {
          return false;
        }
        if (ends.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue())) {
          return true;
        }
      }
      return false;
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(10, TimeUnit.SECONDS);
  }

  private Map<TopicPartition, Long> perPartition(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
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
