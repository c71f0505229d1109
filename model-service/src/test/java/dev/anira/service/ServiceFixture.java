package dev.anira.service;

import dev.anira.kafka.KafkaCluster;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
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
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
}
