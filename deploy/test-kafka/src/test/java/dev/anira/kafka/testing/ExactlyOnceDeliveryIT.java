package dev.anira.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Split;
import dev.anira.schemas.serde.AvroKafkaDeserializer;
import dev.anira.schemas.serde.AvroKafkaSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * 100k Avro records through an idempotent producer and a read_committed consumer, on whichever
 * Kafka {@link KafkaClusters#start()} picks: each arrives exactly once, in send order per
 * partition.
 */
class ExactlyOnceDeliveryIT {

  private static final int RECORDS = 100_000;
  private static final int PARTITIONS = 4;
  private static final String TOPIC = "delivery";

  @Test
  void everyRecordArrivesOnceInOrderPerPartition() throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start()) {
      kafka.createTopics(Map.of(TOPIC, PARTITIONS), Duration.ofSeconds(30));
      produce(kafka.bootstrapServers());

      BitSet seen = new BitSet(RECORDS);
      Map<Integer, Long> lastSeqByPartition = new HashMap<>();
      int received = 0;
      List<String> problems = new ArrayList<>();
      try (var consumer = consumer(kafka.bootstrapServers())) {
        consumer.subscribe(List.of(TOPIC));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (received < RECORDS && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, ProblemInstance> r : consumer.poll(Duration.ofMillis(500))) {
            received++;
            int seq = (int) r.value().getSeed();
            if (seen.get(seq)) {
              problems.add("duplicate " + seq);
            }
            seen.set(seq);
            Long previous = lastSeqByPartition.put(r.partition(), (long) seq);
            if (previous != null && previous >= seq) {
              problems.add("partition " + r.partition() + ": " + seq + " after " + previous);
            }
            assertThat(r.key()).isEqualTo(r.value().getInstanceId());
          }
        }
      }
      assertThat(problems).isEmpty();
      assertThat(received).isEqualTo(RECORDS);
      assertThat(seen.cardinality()).isEqualTo(RECORDS);
      assertThat(lastSeqByPartition).hasSize(PARTITIONS);
    }
  }

  private static void produce(String bootstrap) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    try (var producer =
        new KafkaProducer<>(
            config, new StringSerializer(), new AvroKafkaSerializer<>(ProblemInstance.class))) {
      Instant now = Instant.now();
      for (int i = 0; i < RECORDS; i++) {
        ProblemInstance instance = instance(i, now);
        producer.send(new ProducerRecord<>(TOPIC, instance.getInstanceId(), instance));
      }
      producer.flush();
    }
  }

  private static ProblemInstance instance(int seq, Instant now) {
    return ProblemInstance.newBuilder()
        .setInstanceId("parity-" + (seq % 1000))
        .setTask("parity")
        .setSize(8)
        .setSplit(Split.TRAIN)
        .setSeed(seq)
        .setDifficulty(List.of(new NamedValue("length", 8.0)))
        .setVocabSize(4)
        .setTokens(List.of(1, 0, 1, 1, 0, 0, 1, 0))
        .setAnswerPositions(List.of(0, 1, 2, 3, 4, 5, 6, 7))
        .setEventTime(now)
        .setProducerId("delivery-it")
        .build();
  }

  private static KafkaConsumer<String, ProblemInstance> consumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "delivery-it",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
        new StringDeserializer(),
        new AvroKafkaDeserializer<>(ProblemInstance.class));
  }
}
