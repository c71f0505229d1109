package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.kafka.KafkaCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Data older than the topics' retention (a replayed recording, or this fixture's event times near
 * 1970): its reports are still there after the broker's retention checks. The broker here checks
 * every 200 ms instead of every 5 minutes, so what a user would lose minutes later is lost here at
 * once; retention itself is the broker's default (7 days).
 */
class RetentionIT {

  @Test
  void reportsOfDataOlderThanTheRetentionSurviveTheRetentionCheck() throws Exception {
    Fixtures.Data data = Fixtures.data(83, 120, 500);
    try (KafkaCluster kafka =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaConfig.ephemeral()
                .withOverrides(
                    Map.of(
                        "log.retention.check.interval.ms", "200",
                        "log.initial.task.delay.ms", "0")))) {
      Fixtures.createTopics(kafka);
      Fixtures.produce(kafka, Fixtures.records(data));
      AnalyticsRun.start(kafka, Fixtures.config(), true, null).getJobExecutionResult().get();
      // Several retention checks after the last report was committed.
      Thread.sleep(1_000);
      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
    }
  }
}
