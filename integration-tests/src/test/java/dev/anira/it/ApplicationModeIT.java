package dev.anira.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.AnalyticsRun;
import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as the image and the FlinkDeployment run it: application mode, the job jar in {@code
 * usrlib/}, the JobManager's entry point starting its main class. An upgrade is a stop with a
 * savepoint (the application, and with it the JobManager, ends) and a new application cluster
 * started from that savepoint; read_committed consumers see the batch oracle's reports, each once.
 */
class ApplicationModeIT {

  // Kept when the test fails: the Flink processes' logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void anApplicationStoppedWithASavepointAndStartedFromItReportsEveryInstanceOnce()
      throws Exception {
    Fixtures.Data data = Fixtures.data(73, 200, 500);
    List<ProducerRecord<byte[], byte[]>> records = Fixtures.records(data);
    int before = records.size() * 3 / 5;
    String savepoints = Files.createDirectories(dir.resolve("stops")).toUri().toString();
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      List<String> options = FlinkCluster.jobOptions(kafka.bootstrapServers());
      Fixtures.produce(kafka, records.subList(0, before));

      String savepoint;
      String first = jobId();
      try (FlinkCluster flink =
          FlinkCluster.application(dir.resolve("first"), first, null, options)) {
        AnalyticsRun.awaitHalting(
            kafka, Fixtures.haltingOfCompleteInstances(data, records.subList(0, before)));
        savepoint = FlinkCluster.savepoint(flink.stop(savepoints, false, first));
        // The application has ended: its cluster shuts down by itself, successfully.
        assertThat(flink.awaitJobManagerExit(Duration.ofSeconds(60))).isZero();
        assertThat(flink.classLoadingErrors()).isEmpty();
      }

      Fixtures.produce(kafka, records.subList(before, records.size()));
      String second = jobId();
      try (FlinkCluster flink =
          FlinkCluster.application(dir.resolve("second"), second, savepoint, options)) {
        AnalyticsRun.awaitHalting(kafka, data.expected().size());
        flink.stop(savepoints, true, second);
        assertThat(flink.awaitJobManagerExit(Duration.ofSeconds(60))).isZero();
        assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
            .containsOnlyKeys("UNMATCHED");
        assertThat(flink.classLoadingErrors()).isEmpty();
      }
    }
  }

  /** A job id as Flink writes one: 32 hex digits. */
  private static String jobId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
