package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A job started over a backlog, with every default a user gets: 600 instances whose event times
 * span 300 s are on the topics before it starts, four fifths of every topic's records on one of its
 * two partitions. Read at similar speeds, the thin partition runs minutes ahead in event time;
 * watermarks per partition keep the thick one's records on time, so every report equals the oracle
 * over all instances and nothing is late.
 */
class BacklogIT {

  @Test
  void aJobStartedOverABacklogReportsEveryInstance() throws Exception {
    Fixtures.Data data = Fixtures.data(21, 600, 500);
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      Fixtures.produce(kafka, unevenly(Fixtures.records(data)));

      AnalyticsConfig config = Fixtures.config();
      AnalyticsRun.start(kafka, config, true, null).getJobExecutionResult().get();

      Map<String, Long> dead =
          AnalyticsRun.assertReportsEqualOracle(kafka, data, data.orphanRecords());
      assertThat(dead).containsOnlyKeys("UNMATCHED");
    }
  }

  /** The same records, each sent to partition 0 with probability 0.8, else to partition 1. */
  static List<ProducerRecord<byte[], byte[]>> unevenly(List<ProducerRecord<byte[], byte[]>> in) {
    Random random = new Random(5);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(in.size());
    for (ProducerRecord<byte[], byte[]> r : in) {
      out.add(
          new ProducerRecord<>(r.topic(), random.nextDouble() < 0.8 ? 0 : 1, r.key(), r.value()));
    }
    return out;
  }
}
