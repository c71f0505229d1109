package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.Alert;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.TimingReport;
import dev.anira.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The analytics job end to end on a real broker: Kafka in, exactly-once Kafka out, a failure
 * injected after the first checkpoint. What read_committed consumers see must equal the batch
 * oracle over the same records, with bad input in the dead-letter topic and nothing duplicated.
 */
class AnalyticsJobIT {

  @Test
  void restoresFromACheckpointAndWritesExactlyTheOraclesReportsOnce() throws Exception {
    Fixtures.Data data = Fixtures.data(5);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      int badRecords = Fixtures.send(kafka, data, true);

      AnalyticsConfig config = Fixtures.config();
      FailOnce.reset();
      org.apache.flink.configuration.Configuration flink = LocalFlink.configuration();
      LoopbackMetricsReporter.configure(flink, 0);
      StreamExecutionEnvironment env = AnalyticsJob.environment(config, flink);
      DataStream<RawRecord> input =
          env.fromSource(
                  KafkaIO.source(
                      kafka.bootstrapServers(),
                      "analytics-it",
                      AnalyticsJob.INPUTS,
                      true,
                      new Properties()),
                  SourceEventTime.watermarks(config),
                  "kafka")
              .map(new FailOnce<RawRecord>(5))
              .name("fail-once");
      AnalyticsJob.build(
          input,
          config,
          KafkaIO.sinks(
              kafka.bootstrapServers(),
              "analytics-it",
              DeliveryGuarantee.EXACTLY_ONCE,
              new Properties()));
      env.execute("analytics-it");
      assertThat(FailOnce.FAILED).isTrue();
      // The per-model gauges hold the last cumulative report's values.
      assertThat(LoopbackMetricsReporter.scrape())
          .containsPattern(
              "(?m)^anira_job_spearmanCorrect\\{bucket=\"[0-9]+-[0-9]+\",mechanism=\"ONLINE\",model=\"m-online\"")
          .containsPattern("(?m)^anira_job_r2Algorithm\\{.*model=\"m-online\"")
          .containsPattern("(?m)^anira_job_haltingEvents\\{subtask_index=\"[01]\"\\} [1-9]");

      List<String> halting =
          Fixtures.committed(kafka, Topic.HALTING, HaltingEvent.class, data.expected().size());
      assertThat(halting)
          .isEqualTo(data.expected().stream().map(Object::toString).sorted().toList());
      List<String> alignment =
          AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.ALIGNMENT);
      assertThat(
              Fixtures.committed(kafka, Topic.ALIGNMENT, AlignmentReport.class, alignment.size()))
          .isEqualTo(alignment);
      List<String> timing = AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.TIMING);
      assertThat(Fixtures.committed(kafka, Topic.TIMING, TimingReport.class, timing.size()))
          .isEqualTo(timing);
      List<String> generalization =
          AnalyticsPipelineTest.batch(data.expected(), AnalyticsPipeline.GENERALIZATION);
      assertThat(
              Fixtures.committed(
                  kafka, Topic.GENERALIZATION, GeneralizationReport.class, generalization.size()))
          .isEqualTo(generalization);
      List<String> alerts = AnalyticsPipelineTest.alerts(data.expected());
      assertThat(Fixtures.committed(kafka, Topic.ALERTS, Alert.class, alerts.size()))
          .isNotEmpty()
          .isEqualTo(alerts);

      List<DeadLetter> dead =
          kafka.readCommitted(
              Topic.DEAD_LETTERS,
              DeadLetter.class,
              badRecords + data.orphanRecords(),
              Duration.ofSeconds(30));
      Map<String, Long> byType =
          dead.stream()
              .collect(Collectors.groupingBy(DeadLetter::getErrorType, Collectors.counting()));
      assertThat(byType)
          .containsEntry("UNMATCHED", (long) data.orphanRecords())
          .containsEntry("EMPTY_VALUE", 1L)
          .containsEntry("WRONG_RECORD_TYPE", 1L)
          .containsEntry("INCONSISTENT_WITH_TRACE", 2L)
          .containsEntry("INVALID_STEP", 2L);
      assertThat(dead).hasSize(badRecords + data.orphanRecords());
      assertThat(dead)
          .filteredOn(d -> d.getErrorType().equals("UNMATCHED"))
          .allSatisfy(d -> assertThat(d.getReason()).contains("i-7"));
    }
  }
}
