package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The analytics job as an operator runs it: Kafka in, exactly-once Kafka out, on a MiniCluster,
 * stopped with savepoints and restored from them; and what read_committed consumers then see,
 * against the batch oracle.
 */
public final class AnalyticsRun {

  private AnalyticsRun() {}

  /**
   * Starts the job as {@code anira analyze} does.
   *
   * @param savepoint restore from this, or null for a fresh start at the committed offsets
   */
  public static JobClient start(
      KafkaCluster kafka, AnalyticsConfig config, boolean bounded, String savepoint)
      throws Exception {
    return start(
        kafka,
        config,
        bounded,
        savepoint,
        KafkaIO.sinks(
            kafka.bootstrapServers(),
            "anira-stream-jobs",
            DeliveryGuarantee.EXACTLY_ONCE,
            new Properties()));
  }

  /** As {@link #start(KafkaCluster, AnalyticsConfig, boolean, String)}, into other sinks. */
  public static JobClient start(
      KafkaCluster kafka, AnalyticsConfig config, boolean bounded, String savepoint, Sinks sinks)
      throws Exception {
    Configuration flink = LocalFlink.configuration();
    if (savepoint != null) {
      JobRunner.restoreFrom(flink, savepoint);
    }
    StreamExecutionEnvironment env = AnalyticsJob.environment(config, flink);
    AnalyticsJob.build(
        env.fromSource(
                KafkaIO.source(
                    kafka.bootstrapServers(),
                    "anira-stream-jobs",
                    AnalyticsJob.INPUTS,
                    bounded,
                    new Properties()),
                SourceEventTime.watermarks(config),
                "kafka")
            .uid("kafka"),
        config,
        sinks);
    return env.executeAsync("analytics");
  }

  /** Stops the job with a savepoint under {@code dir}, draining event time or not; its path. */
  public static String stop(JobClient job, Path dir, boolean drain) throws Exception {
    return JobRunner.stopWithSavepoint(job, drain, dir, Duration.ofSeconds(120));
  }

  /** Waits until at least {@code count} halting events are committed. */
  public static void awaitHalting(KafkaCluster kafka, int count) {
    assertThat(
            kafka.readCommitted(Topic.HALTING, HaltingEvent.class, count, Duration.ofSeconds(90)))
        .hasSizeGreaterThanOrEqualTo(count);
  }

  /**
   * Asserts that every output topic holds exactly the oracle's records over all of {@code data},
   * each once, and returns the dead letters by reason (with no {@code LATE_EVENT} among them).
   */
  public static Map<String, Long> assertReportsEqualOracle(
      KafkaCluster kafka, Fixtures.Data data, int deadLetters) {
    Map<Topic, List<String>> expected = Fixtures.expectedReports(data);
    assertSameRecords(kafka, Topic.HALTING, HaltingEvent.class, expected);
    assertSameRecords(kafka, Topic.ALIGNMENT, AlignmentReport.class, expected);
    assertSameRecords(kafka, Topic.TIMING, TimingReport.class, expected);
    assertSameRecords(kafka, Topic.GENERALIZATION, GeneralizationReport.class, expected);
    assertSameRecords(kafka, Topic.ALERTS, Alert.class, expected);
    List<DeadLetter> dead =
        kafka.readCommitted(
            Topic.DEAD_LETTERS, DeadLetter.class, deadLetters, Duration.ofSeconds(30));
    Map<String, Long> byReason =
        dead.stream()
            .collect(Collectors.groupingBy(DeadLetter::getErrorType, Collectors.counting()));
    assertThat(byReason).doesNotContainKey("LATE_EVENT");
    assertThat(dead).hasSize(deadLetters);
    return byReason;
  }

  /**
   * The committed records of a topic equal the expected ones as multisets; a failure names how many
   * are missing and how many extra (duplicates), with a few of each, instead of two lists too long
   * to print.
   */
  private static <T extends org.apache.avro.specific.SpecificRecordBase> void assertSameRecords(
      KafkaCluster kafka, Topic topic, Class<T> type, Map<Topic, List<String>> expected) {
    List<String> want = expected.get(topic);
    List<String> got = Fixtures.committed(kafka, topic, type, want.size());
    Map<String, Long> missing = counts(want);
    counts(got).forEach((r, n) -> missing.merge(r, -n, Long::sum));
    List<String> absent = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    missing.forEach(
        (r, n) -> {
          for (long i = 0; i < Math.abs(n); i++) {
            (n > 0 ? absent : extra).add(r);
          }
        });
    assertThat(absent.size() + extra.size())
        .as(
            "%s: %d expected, %d committed; %d missing, e.g. %s; %d extra, e.g. %s",
            topic.topicName(),
            want.size(),
            got.size(),
            absent.size(),
            absent.stream().limit(3).toList(),
            extra.size(),
            extra.stream().limit(3).toList())
        .isZero();
  }

  private static Map<String, Long> counts(List<String> records) {
    Map<String, Long> counts = new HashMap<>();
    records.forEach(r -> counts.merge(r, 1L, Long::sum));
    return counts;
  }
}
