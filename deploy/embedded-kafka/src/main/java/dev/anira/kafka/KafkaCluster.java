package dev.anira.kafka;

import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A running Kafka that tests and the local stack talk to through its bootstrap address. Nothing
 * that uses one may assume which kind it is: see the tests' {@code KafkaClusters.start()}
 * (deploy/test-kafka).
 */
public interface KafkaCluster extends AutoCloseable {

  /** host:port list for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** What this is, for logs: kind, version and address. */
  String description();

  /**
   * Creates the topics that do not exist yet with the given partition counts; existing topics are
   * left as they are, so calling this again is harmless. Returns once every partition's leader
   * takes writes: a KRaft controller acknowledges a topic before the broker's metadata has it (an
   * admin or client that asks in between is told the topic does not exist), and the metadata names
   * a leader before the leader is ready.
   *
   * @throws IllegalStateException if a topic cannot be created or is not ready within {@code
   *     timeout}
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
      awaitWritable(admin, awaitLeaders(admin, partitionsByTopic.keySet(), deadline), deadline);
    }
  }

  /**
   * Waits until each partition's leader answers for it. A broker names a new partition's leader in
   * its metadata a moment before that leader takes writes; a producer that sends in between is told
   * NOT_LEADER_OR_FOLLOWER, and when a later batch of its lands first, the broker refuses the
   * retried earlier one as out of sequence until the producer's {@code delivery.timeout.ms} expires
   * it: records lost two minutes later (a test's input, issue 20) or a transaction aborted.
   * ListOffsets passes the same leader check as a produce request, and the admin client retries it
   * until the leader answers.
   */
  private void awaitWritable(Admin admin, Map<String, TopicDescription> topics, long deadline) {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    topics.forEach(
        (name, topic) ->
            topic
                .partitions()
                .forEach(
                    p ->
                        partitions.put(
                            new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    try {
      admin
          .listOffsets(
              partitions, new ListOffsetsOptions().timeoutMs((int) Math.min(left, 1 << 30)))
          .all()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Partitions of " + topics.keySet() + " take no writes yet on " + description(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for topics", e);
    }
  }

  /** The topics' descriptions, once every partition has a leader. */
  private Map<String, TopicDescription> awaitLeaders(
      Admin admin, Set<String> names, long deadline) {
    while (true) {
      try {
        Map<String, TopicDescription> topics =
            admin
                .describeTopics(names)
                .allTopicNames()
                .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (topics.values().stream()
            .flatMap(t -> t.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return topics;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException(
              "Cannot describe topics " + names + " on " + description(), e.getCause());
        }
      } catch (TimeoutException e) {
        // Reported below, with what was waited for.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for topics", e);
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "Topics " + names + " have no leader for every partition yet on " + description());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for topics", e);
      }
    }
  }

  /**
   * Every committed record of a topic, decoded: reads until {@code expected} records or the
   * timeout, then one more second to catch anything beyond the expected count (duplicates).
   */
  default <T extends SpecificRecordBase> List<T> readCommitted(
      Topic topic, Class<T> type, int expected, Duration timeout) {
    return readCommitted(topic, type, expected, timeout, false);
  }

  /**
   * As {@link #readCommitted(Topic, Class, int, Duration)}; with {@code skipUndecodable}, records
   * that are not valid {@code type} records (a test's deliberate junk) are left out instead of
   * failing the read.
   */
  default <T extends SpecificRecordBase> List<T> readCommitted(
      Topic topic, Class<T> type, int expected, Duration timeout, boolean skipUndecodable) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<T> codec = SingleObjectCodec.of(type);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.topicName()));
      long deadline = System.nanoTime() + timeout.toNanos();
      java.util.function.Consumer<byte[]> add =
          value -> {
            try {
              out.add(codec.decode(value == null ? new byte[0] : value));
            } catch (dev.anira.schemas.serde.RecordDecodingException e) {
              if (!skipUndecodable) {
                throw e;
              }
            }
          };
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> add.accept(r.value()));
      }
      long extra = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < extra) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> add.accept(r.value()));
      }
    }
    return out;
  }

  /** Stops the cluster and removes what it wrote, unless configured to keep it. */
  @Override
  void close();
}
