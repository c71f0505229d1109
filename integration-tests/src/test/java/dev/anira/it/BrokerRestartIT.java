package dev.anira.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.Fixtures;
import dev.anira.jobs.JobRunner;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.SourceEventTime;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream and comes back on the same address with its data: the analytics
 * job (unbounded Kafka source, exactly-once sinks) rides it out, and once the job is drained its
 * output is exactly the oracle's, nothing lost and nothing twice.
 */
class BrokerRestartIT {

  private static final Duration DOWN = Duration.ofSeconds(3);

  @Test
  void analyticsAfterABrokerRestartEqualThoseOfAFailureFreeRun(@TempDir Path dir) throws Exception {
    Fixtures.Data data = Fixtures.data(11);
    // The first twenty instances whole before the restart, the other twenty after.
    Map<Boolean, List<ProducerRecord<byte[], byte[]>>> halves =
        Fixtures.records(data).stream()
            .collect(
                Collectors.partitioningBy(
                    r -> Integer.parseInt(new String(r.key(), UTF_8).substring(2)) < 20));
    EmbeddedKafkaConfig brokerConfig =
        EmbeddedKafkaConfig.ephemeral()
            .withPort(freePort())
            .withLogDir(Files.createDirectories(dir.resolve("kafka")), true)
            .withControllerPort(freePort());
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerConfig);
    String bootstrap = broker.bootstrapServers();
    JobClient job = null;
    try {
      Fixtures.createTopics(broker);
      AnalyticsConfig defaults = Fixtures.config();
      AnalyticsConfig config =
          new AnalyticsConfig(
              defaults.parallelism(),
              defaults.window(),
              defaults.outOfOrderness(),
              defaults.joinTimeout(),
              defaults.idleness(),
              Duration.ofMillis(300),
              dir.resolve("checkpoints").toUri().toString(),
              defaults.alerts(),
              defaults.producerId());
      StreamExecutionEnvironment env = AnalyticsJob.environment(config, LocalFlink.configuration());
      AnalyticsJob.build(
          env.fromSource(
              KafkaIO.source(bootstrap, "restart-it", AnalyticsJob.INPUTS, false, new Properties()),
              SourceEventTime.watermarks(config),
              "kafka"),
          config,
          KafkaIO.sinks(bootstrap, "restart-it", DeliveryGuarantee.EXACTLY_ONCE, new Properties()));
      job = env.executeAsync("restart-it");

      Fixtures.produce(broker, halves.get(true));
      // Some output committed first, so the restart hits a job with open transactions and state.
      assertThat(broker.readCommitted(Topic.HALTING, HaltingEvent.class, 1, Duration.ofSeconds(60)))
          .isNotEmpty();
      broker.close();
      Thread.sleep(DOWN.toMillis());
      broker = EmbeddedKafkaBroker.start(brokerConfig);
      Fixtures.produce(broker, halves.get(false));

      assertThat(
              Fixtures.committed(broker, Topic.HALTING, HaltingEvent.class, data.expected().size()))
          .isEqualTo(data.expected().stream().map(Object::toString).sorted().toList());
      // Draining fires the last windows; the final savepoint commits them.
      JobRunner.stopWithSavepoint(job, true, dir.resolve("savepoints"), Duration.ofSeconds(120));
      job = null;

      Map<Topic, List<String>> expected = Fixtures.expectedReports(data);
      assertThat(
              Fixtures.committed(
                  broker, Topic.ALIGNMENT, AlignmentReport.class, size(expected, Topic.ALIGNMENT)))
          .isEqualTo(expected.get(Topic.ALIGNMENT));
      assertThat(
              Fixtures.committed(
                  broker, Topic.TIMING, TimingReport.class, size(expected, Topic.TIMING)))
          .isEqualTo(expected.get(Topic.TIMING));
      assertThat(
              Fixtures.committed(
                  broker,
                  Topic.GENERALIZATION,
                  GeneralizationReport.class,
                  size(expected, Topic.GENERALIZATION)))
          .isEqualTo(expected.get(Topic.GENERALIZATION));
      assertThat(
              Fixtures.committed(broker, Topic.ALERTS, Alert.class, size(expected, Topic.ALERTS)))
          .isEqualTo(expected.get(Topic.ALERTS));
      // Only the fixture's orphan instance: no late event, no duplicate join partner.
      assertThat(
              broker.readCommitted(
                  Topic.DEAD_LETTERS,
                  DeadLetter.class,
                  data.orphanRecords(),
                  Duration.ofSeconds(30)))
          .hasSize(data.orphanRecords())
          .allSatisfy(d -> assertThat(d.getErrorType()).isEqualTo("UNMATCHED"));
    } finally {
      if (job != null) {
        job.cancel().get(60, TimeUnit.SECONDS);
      }
      broker.close();
    }
  }

  private static int size(Map<Topic, List<String>> expected, Topic topic) {
    return expected.get(topic).size();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
