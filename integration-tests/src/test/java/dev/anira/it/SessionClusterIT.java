package dev.anira.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.AnalyticsRun;
import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar, unchanged, on a real session cluster (a JobManager and a TaskManager as
 * separate processes) through Flink's CLI, as the README says to run it. What read_committed
 * consumers see equals the batch oracle, each report once, with no dead letter but the deliberate
 * orphan's.
 */
class SessionClusterIT {

  // Kept when the test fails: the Flink processes' logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /**
   * {@code flink run -d} returns at once and the job runs on without its client; {@code flink stop
   * --drain} ends it with every report committed.
   */
  @Test
  void theJobJarRunsDetachedAndAFinalStopCommitsEveryReport() throws Exception {
    Fixtures.Data data = Fixtures.data(71, 200, 500);
    try (KafkaCluster kafka = KafkaClusters.start();
        FlinkCluster flink = FlinkCluster.session(dir)) {
      Fixtures.createTopics(kafka);
      Fixtures.produce(kafka, Fixtures.records(data));

      String job = FlinkCluster.jobId(flink.flink(Duration.ofSeconds(90), run(kafka, null)));
      AnalyticsRun.awaitHalting(kafka, data.expected().size());
      // The job's own metrics, through the cluster's Prometheus reporter.
      assertThat(flink.taskManagerMetric("haltingEvents")).isEqualTo(data.expected().size());
      flink.stop(dir.resolve("stops").toUri().toString(), true, job);

      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
      assertThat(flink.classLoadingErrors()).isEmpty();
    }
  }

  /**
   * The upgrade path: {@code flink stop} with a savepoint, more data, {@code flink run -s}, a final
   * {@code flink stop --drain}.
   */
  @Test
  void aStopWithASavepointAndAResumeReportEveryInstanceOnce() throws Exception {
    Fixtures.Data data = Fixtures.data(71, 200, 500);
    List<ProducerRecord<byte[], byte[]>> records = Fixtures.records(data);
    int before = records.size() * 3 / 5;
    Path savepoints = Files.createDirectories(dir.resolve("stops"));
    try (KafkaCluster kafka = KafkaClusters.start();
        FlinkCluster flink = FlinkCluster.session(dir)) {
      Fixtures.createTopics(kafka);
      Fixtures.produce(kafka, records.subList(0, before));
      String first = FlinkCluster.jobId(flink.flink(Duration.ofSeconds(90), run(kafka, null)));
      AnalyticsRun.awaitHalting(
          kafka, Fixtures.haltingOfCompleteInstances(data, records.subList(0, before)));
      String savepoint =
          FlinkCluster.savepoint(flink.stop(savepoints.toUri().toString(), false, first));
      Fixtures.produce(kafka, records.subList(before, records.size()));
      String second =
          FlinkCluster.jobId(flink.flink(Duration.ofSeconds(90), run(kafka, savepoint)));
      AnalyticsRun.awaitHalting(kafka, data.expected().size());
      flink.stop(savepoints.toUri().toString(), true, second);
      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
      assertThat(flink.classLoadingErrors()).isEmpty();
    }
  }

  /**
   * Without {@code -d} the client waits for its job; cancelled on the cluster ({@code flink
   * cancel}), the job ends the client with one line and exit code 0, not a stack trace.
   */
  @Test
  void anAttachedClientWhoseJobIsCancelledEndsWithOneLine() throws Exception {
    try (KafkaCluster kafka = KafkaClusters.start();
        FlinkCluster flink = FlinkCluster.session(dir)) {
      Fixtures.createTopics(kafka);
      List<String> args = new ArrayList<>(List.of("run", FlinkCluster.JOB_JAR.toString()));
      args.addAll(FlinkCluster.jobOptions(kafka.bootstrapServers()));
      FlinkCluster.Client attached = flink.startFlink(args.toArray(String[]::new));
      String job = attached.awaitJobId(Duration.ofSeconds(90));
      flink.flink(Duration.ofSeconds(60), "cancel", job);

      assertThat(attached.await(Duration.ofSeconds(60))).isZero();
      assertThat(attached.output())
          .contains("anira analyze: the job was cancelled on the cluster")
          .doesNotContain("Exception");
    }
  }

  /** {@code flink run -d [-s SAVEPOINT] JOB_JAR} with the tests' job options. */
  private static String[] run(KafkaCluster kafka, String savepoint) {
    List<String> args = new ArrayList<>(List.of("run", "-d"));
    if (savepoint != null) {
      args.addAll(List.of("-s", savepoint));
    }
    args.add(FlinkCluster.JOB_JAR.toString());
    args.addAll(FlinkCluster.jobOptions(kafka.bootstrapServers()));
    return args.toArray(String[]::new);
  }
}
