package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade as the Kubernetes overlay does it ({@code upgradeMode: savepoint}), with every default
 * a user gets: stop with a savepoint, more data arrives while the job is down, a new job restores
 * the savepoint. The open windows and waiting instances continue from it and the downtime's backlog
 * is on time, so the two runs' reports together equal the oracle, each once.
 */
class RestoreIT {

  @TempDir Path savepoints;

  @Test
  void aRestoredJobReportsTheDowntimeAndContinuesItsWindows() throws Exception {
    Fixtures.Data data = Fixtures.data(31, 200, 500);
    List<ProducerRecord<byte[], byte[]>> records = Fixtures.records(data);
    int before = records.size() * 3 / 5;
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      AnalyticsConfig config = Fixtures.config();
      JobClient first = AnalyticsRun.start(kafka, config, false, null);
      Fixtures.produce(kafka, records.subList(0, before));
      AnalyticsRun.awaitHalting(kafka, 1);
      String savepoint = AnalyticsRun.stop(first, savepoints, false);

      Fixtures.produce(kafka, records.subList(before, records.size()));
      JobClient second = AnalyticsRun.start(kafka, config, false, savepoint);
      AnalyticsRun.awaitHalting(kafka, data.expected().size());
      // A final stop: event time to the end, so the last windows report.
      AnalyticsRun.stop(second, savepoints, true);

      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
    }
  }

  /**
   * A stop asked for while the job's tasks are still being deployed (a Ctrl-C right after a start
   * or a restore) waits for them and takes its savepoint: Flink itself refuses the savepoint then.
   */
  @Test
  void aStopAskedForWhileTheJobIsStillStartingTakesItsSavepoint() throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      JobClient job = AnalyticsRun.start(kafka, Fixtures.config(), false, null);
      String savepoint = AnalyticsRun.stop(job, savepoints, false);
      assertThat(Path.of(java.net.URI.create(savepoint)).resolve("_metadata")).exists();
    }
  }
}
