package dev.anira.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.AnalyticsRun;
import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.KafkaClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      stop(flink, dir.resolve("stops").toUri().toString(), true, job);

      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
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
      AnalyticsRun.awaitHalting(kafka, halting(data, records.subList(0, before)));
      String savepoint =
          FlinkCluster.savepoint(stop(flink, savepoints.toUri().toString(), false, first));
      Fixtures.produce(kafka, records.subList(before, records.size()));
      String second =
          FlinkCluster.jobId(flink.flink(Duration.ofSeconds(90), run(kafka, savepoint)));
      AnalyticsRun.awaitHalting(kafka, data.expected().size());
      stop(flink, savepoints.toUri().toString(), true, second);
      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
    }
  }

  private static Map<String, Long> perInstance(List<ProducerRecord<byte[], byte[]>> records) {
    return Fixtures.perInstance(records.stream().map(ProducerRecord::key).toList());
  }

  /** Halting events of the instances all of whose records are among {@code sent}. */
  private static int halting(Fixtures.Data data, List<ProducerRecord<byte[], byte[]>> sent) {
    Map<String, Long> sentPerInstance = perInstance(sent);
    Map<String, Long> allPerInstance = perInstance(Fixtures.records(data));
    return (int)
        data.expected().stream()
            .filter(
                e ->
                    sentPerInstance
                        .getOrDefault(e.getInstanceId(), 0L)
                        .equals(allPerInstance.get(e.getInstanceId())))
            .count();
  }

  /** {@code flink stop [--drain] --type canonical --savepointPath DIR JOB}; its output. */
  private static String stop(FlinkCluster flink, String dir, boolean drain, String job)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("stop"));
    if (drain) {
      args.add("--drain");
    }
    args.addAll(List.of("--type", "canonical", "--savepointPath", dir, job));
    return flink.flink(Duration.ofSeconds(120), args.toArray(String[]::new));
  }

  /**
   * {@code flink run -d [-s SAVEPOINT] JOB_JAR} with the job's options: every default but the
   * fixture's alert thresholds and a 500 ms checkpoint interval (a test ends sooner).
   */
  private static String[] run(KafkaCluster kafka, String savepoint) {
    List<String> args = new ArrayList<>(List.of("run", "-d"));
    if (savepoint != null) {
      args.addAll(List.of("-s", savepoint));
    }
    args.addAll(
        List.of(
            FlinkCluster.JOB_JAR.toString(),
            "--bootstrap",
            kafka.bootstrapServers(),
            "--checkpoint-interval",
            "500ms",
            "--alert-baseline-windows",
            "1",
            "--alert-windows",
            "1",
            "--alert-min-tokens",
            "2",
            "--alert-spearman-drop",
            "0.05",
            "--alert-accuracy-drop",
            "0.02",
            "--alert-premature-spike",
            "0.02"));
    return args.toArray(String[]::new);
  }
}
