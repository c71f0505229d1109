package dev.anira.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AvroKafkaDeserializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandIT {

  private static final int N = 300;

  @Test
  void everyInstanceAndItsTraceArriveUnderTheSameKey(@TempDir Path dir) throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start()) {
      kafka.createTopics(
          Map.of(Topic.TASKS.topicName(), 4, Topic.TRACES.topicName(), 4), Duration.ofSeconds(30));
      Path file = dir.resolve("instances.avro");
      StringWriter out = new StringWriter();
      ProduceCommand command = new ProduceCommand();
      CommandLine cli = new CommandLine(command);
      cli.setOut(new PrintWriter(out));
      StringWriter err = new StringWriter();
      cli.setErr(new PrintWriter(err, true));
      int rc =
          cli.execute(
              "--metrics-port",
              "0",
              "--bootstrap",
              kafka.bootstrapServers(),
              "--tasks",
              "parity,addition:2,bfs,kahn,dfs,dyck,pcfg",
              "--size",
              "bfs=6..20",
              "--train-max",
              "bfs=12",
              "--rate",
              "0",
              "--count",
              String.valueOf(N),
              "--out",
              file.toString());
      assertThat(rc).as(out.toString()).isZero();
      assertThat(out.toString()).contains("produced 300 instances");
      assertThat(err.toString()).containsPattern("metrics http://127\\.0\\.0\\.1:[0-9]+/metrics");
      String scrape = command.metrics.scrape();
      assertThat(scrape)
          .contains("anira_producer_instances_total{split=\"EXTRAPOLATION\",task=\"bfs\"}")
          .contains("anira_producer_instances_total{split=\"TRAIN\",task=\"parity\"}");

      Map<String, ProblemInstance> instances =
          readAll(kafka, Topic.TASKS.topicName(), ProblemInstance.class);
      Map<String, AlgorithmTrace> traces =
          readAll(kafka, Topic.TRACES.topicName(), AlgorithmTrace.class);
      assertThat(instances).hasSize(N);
      assertThat(traces.keySet()).isEqualTo(instances.keySet());
      instances.forEach(
          (key, instance) -> {
            assertThat(instance.getInstanceId()).isEqualTo(key);
            assertThat(traces.get(key).getAnswerPositions())
                .isEqualTo(instance.getAnswerPositions());
          });
      assertThat(instances.values().stream().map(ProblemInstance::getTask).distinct()).hasSize(7);

      int inFile = 0;
      try (var reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ProblemInstance.class))) {
        for (ProblemInstance instance : reader) {
          assertThat(instances).containsEntry(instance.getInstanceId(), instance);
          inFile++;
        }
      }
      assertThat(inFile).isEqualTo(N);
    }
  }

  @Test
  void unreachableBrokerFailsWithinTheTimeout() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ProduceCommand());
    cli.setErr(new PrintWriter(err));
    long start = System.nanoTime();
    int rc = cli.execute("--bootstrap", "127.0.0.1:1", "--connect-timeout", "2s", "--count", "1");
    assertThat(rc).isNotZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  private static <T extends SpecificRecordBase> Map<String, T> readAll(
      KafkaCluster kafka, String topic, Class<T> type) {
    Map<String, T> records = new HashMap<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "produce-it-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new AvroKafkaDeserializer<>(type))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < N && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> records.put(r.key(), r.value()));
      }
    }
    return records;
  }
}
