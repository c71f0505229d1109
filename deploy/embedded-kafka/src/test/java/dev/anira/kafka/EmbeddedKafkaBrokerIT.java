package dev.anira.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @Test
  void servesClientsAndCleansUpOnClose() throws Exception {
    Path logDir;
    String bootstrap;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      bootstrap = broker.bootstrapServers();
      logDir = broker.logDir();
      assertThat(bootstrap).startsWith("127.0.0.1:");
      broker.createTopics(Map.of("t", 3), Duration.ofSeconds(30));
      send(bootstrap, "t", "k", "hello");
      assertThat(readAll(bootstrap, "t", 1)).containsExactly("hello");
    }
    assertThat(logDir).doesNotExist();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }

  @Test
  void createTopicsIsIdempotentAndUsesTheGivenPartitions() {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      broker.createTopics(Map.of("a", 4, "b", 1), Duration.ofSeconds(30));
      broker.createTopics(Map.of("a", 4, "c", 2), Duration.ofSeconds(30));
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        var topics = admin.describeTopics(Set.of("a", "b", "c")).allTopicNames().get();
        assertThat(topics.get("a").partitions()).hasSize(4);
        assertThat(topics.get("b").partitions()).hasSize(1);
        assertThat(topics.get("c").partitions()).hasSize(2);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Once createTopics returns, every partition's leader takes writes: a producer's first batches
   * need no retry. Before, one send in about twenty right after creation was told
   * NOT_LEADER_OR_FOLLOWER, and its retried batch was then refused as out of sequence until the
   * producer dropped it.
   */
  @Test
  void newTopicsTakeWritesAtOnce() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
      for (int round = 0; round < 20; round++) {
        Map<String, Integer> topics = Map.of("a" + round, 2, "b" + round, 2, "c" + round, 2);
        broker.createTopics(topics, Duration.ofSeconds(30));
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (String topic : topics.keySet()) {
          for (int partition = 0; partition < 2; partition++) {
            sent.add(producer.send(new ProducerRecord<>(topic, partition, "k", "v")));
          }
        }
        for (var s : sent) {
          s.get();
        }
      }
      double retries =
          (double)
              producer.metrics().entrySet().stream()
                  .filter(
                      e ->
                          e.getKey().group().equals("producer-metrics")
                              && e.getKey().name().equals("record-retry-total"))
                  .findFirst()
                  .orElseThrow()
                  .getValue()
                  .metricValue();
      assertThat(retries).isZero();
    }
  }

  @Test
  void twoBrokersRunSideBySide() {
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
    }
  }

  @Test
  void busyPortFailsWithAClearMessage() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      var config = EmbeddedKafkaConfig.ephemeral().withPort(taken.getLocalPort());
      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(config))
          .hasMessageContaining("is in use")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void keptLogDirectoryKeepsDataAcrossRestarts(@TempDir Path dir) throws Exception {
    Path logDir = dir.resolve("kafka");
    Files.createDirectories(logDir);
    var config = EmbeddedKafkaConfig.ephemeral().withLogDir(logDir, true);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config)) {
      broker.createTopics(Map.of("kept", 1), Duration.ofSeconds(30));
      send(broker.bootstrapServers(), "kept", "k", "survives");
    }
    assertThat(logDir).exists();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config)) {
      assertThat(readAll(broker.bootstrapServers(), "kept", 1)).containsExactly("survives");
    }
  }

  private static void send(String bootstrap, String topic, String key, String value)
      throws Exception {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static List<String> readAll(String bootstrap, String topic, int expected) {
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<String> values = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }
}
