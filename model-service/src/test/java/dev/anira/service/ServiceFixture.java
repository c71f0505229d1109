package dev.anira.service;

import dev.anira.kafka.KafkaCluster;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, input instances and read_committed readers for the service's tests. */
final class ServiceFixture {

  private ServiceFixture() {}

  static void createTopics(KafkaCluster kafka) throws Exception {
    kafka.createTopics(
        Map.of(
            Topic.TASKS.topicName(), 2,
            Topic.STEPS.topicName(), 2,
            Topic.RESULTS.topicName(), 2,
            Topic.DEAD_LETTERS.topicName(), 1),
        Duration.ofSeconds(30));
  }

  /** {@code count} instances alternating parity and addition, small sizes. */
  static List<ProblemInstance> instances(int count) {
    Task parity = Tasks.byName("parity");
    Task addition = Tasks.byName("addition");
    List<ProblemInstance> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean even = i % 2 == 0;
      Task task = even ? parity : addition;
      Params params =
          Params.of(task, Map.of(even ? "length" : "digits", even ? 3 + i % 9 : 2 + i % 5));
      out.add(
          TaskGenerator.generate(
                  task,
                  params,
                  dev.anira.schemas.Split.TRAIN,
                  i,
                  task.name() + "-" + i,
                  "test",
                  Instant.now())
              .instance());
    }
    return out;
  }

  static void send(KafkaCluster kafka, List<ProblemInstance> instances) {
    try (KafkaProducer<String, SpecificRecordBase> producer =
        new KafkaProducer<>(props(kafka), new StringSerializer(), new AnyRecordSerializer())) {
      for (ProblemInstance instance : instances) {
        producer.send(
            new ProducerRecord<>(Topic.TASKS.topicName(), instance.getInstanceId(), instance));
      }
    }
  }

  static void sendRaw(KafkaCluster kafka, byte[] value) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props(kafka), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topic.TASKS.topicName(), "raw".getBytes(), value));
    }
  }

  private static Properties props(KafkaCluster kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  /** Every committed record of a topic, decoded; reads until {@code expected} or the timeout. */
  static <T extends SpecificRecordBase> List<T> readCommitted(
      KafkaCluster kafka, Topic topic, Class<T> type, int expected, Duration timeout) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<T> codec = SingleObjectCodec.of(type);
    List<T> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.topicName()));
      while (out.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(codec.decode(r.value()));
        }
      }
      // A short extra read catches anything beyond the expected count (duplicates).
      long extra = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < extra) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(codec.decode(r.value()));
        }
      }
    }
    return out;
  }
}
