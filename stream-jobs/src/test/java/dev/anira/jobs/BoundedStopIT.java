package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops in the middle of a live stream, with every default a user gets. Kept state: the run that
 * restores the savepoint completes what the first left open, and together they report every
 * instance once. Drained (a final stop): every record read is in the reports or in the dead-letter
 * topic by reason, never silently in neither.
 */
class BoundedStopIT {

  @TempDir Path savepoints;

  @Test
  void aStopMidStreamThenARestoreReportsEveryInstanceOnce() throws Exception {
    Fixtures.Data data = Fixtures.data(41, 200, 500);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      AnalyticsConfig config = Fixtures.config();
      JobClient first = AnalyticsRun.start(kafka, config, false, null);
      Thread producing = live(kafka, Fixtures.records(data));
      AnalyticsRun.awaitHalting(kafka, data.expected().size() / 4);
      String savepoint = AnalyticsRun.stop(first, savepoints, false);

      JobClient second = AnalyticsRun.start(kafka, config, false, savepoint);
      producing.join();
      AnalyticsRun.awaitHalting(kafka, data.expected().size());
      AnalyticsRun.stop(second, savepoints, true);

      assertThat(AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords()))
          .containsOnlyKeys("UNMATCHED");
    }
  }

  @Test
  void aDrainedStopLeavesEveryRecordInTheReportsOrTheDeadLetters() throws Exception {
    Fixtures.Data data = Fixtures.data(43, 200, 500);
    List<ProducerRecord<byte[], byte[]>> records = Fixtures.records(data);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      AnalyticsConfig config = Fixtures.config();
      JobClient first = AnalyticsRun.start(kafka, config, false, null);
      Thread producing = live(kafka, records);
      AnalyticsRun.awaitHalting(kafka, data.expected().size() / 4);
      String drained = AnalyticsRun.stop(first, savepoints, true);
      producing.join();
      // The rest of the stream, from where the drained run stopped reading.
      JobClient second = AnalyticsRun.start(kafka, config, false, drained);
      Thread.sleep(5_000);
      AnalyticsRun.stop(second, savepoints, true);

      List<HaltingEvent> events =
          kafka.readCommitted(Topic.HALTING, HaltingEvent.class, 1, Duration.ofSeconds(10));
      List<DeadLetter> dead =
          kafka.readCommitted(Topic.DEAD_LETTERS, DeadLetter.class, 1, Duration.ofSeconds(10));
      assertThat(dead).extracting(DeadLetter::getErrorType).containsOnly("UNMATCHED");
      // Records per instance: those of joined instances are in the events, the rest dead letters.
      Map<String, Long> sent =
          Fixtures.perInstance(records.stream().map(ProducerRecord::key).toList());
      Map<String, Long> deadPerInstance =
          Fixtures.perInstance(dead.stream().map(d -> bytes(d.getKey())).toList());
      Set<String> joined =
          events.stream()
              .map(HaltingEvent::getInstanceId)
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(joined).isNotEmpty();
      for (Map.Entry<String, Long> instance : sent.entrySet()) {
        long dropped = deadPerInstance.getOrDefault(instance.getKey(), 0L);
        if (joined.contains(instance.getKey())) {
          assertThat(dropped).as(instance.getKey()).isZero();
        } else {
          assertThat(dropped).as(instance.getKey()).isEqualTo(instance.getValue());
        }
      }
      assertThat(events).doesNotHaveDuplicates();
    }
  }

  /** Sends the records in 20 batches a quarter of a second apart, as a live producer would. */
  private static Thread live(KafkaCluster kafka, List<ProducerRecord<byte[], byte[]>> records) {
    Thread thread =
        new Thread(
            () -> {
              int batch = (records.size() + 19) / 20;
              for (int i = 0; i < records.size(); i += batch) {
                Fixtures.produce(kafka, records.subList(i, Math.min(records.size(), i + batch)));
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            "live-producer");
    thread.start();
    return thread;
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
