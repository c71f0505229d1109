package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Savepoints of earlier releases restore into today's job, as Flink's own migration tests check
 * theirs. Each directory under {@code src/test/resources/savepoints/} holds a savepoint the job of
 * its release took mid-stream (the first half of the fixture's instances read, their windows and
 * one orphan still open) and the reports it had written by then. Restored, with the second half
 * sent, today's job must continue exactly: the two runs' reports together equal the oracle over
 * every instance, each once, and the orphan waiting in the join's state is dead-lettered.
 *
 * <p>When a change touches any state (an accumulator's field, a keyed state, an operator uid), keep
 * the old directories and add one: {@code mvn -pl stream-jobs -am test -Dtest=StateMigrationTest
 * -Danira.writeSavepoint=v2}.
 */
class StateMigrationTest {

  private static final Path SAVEPOINTS = Path.of("src/test/resources/savepoints");
  private static final String BEFORE = "reports-before.txt";

  /** Instances i-0 .. i-49 are read before the savepoint. */
  private static final int FIRST_HALF = 50;

  /** 100 instances over 50 s of event time; the first 50 are read before the savepoint. */
  private static Fixtures.Data data() {
    return Fixtures.data(61, 100, 500);
  }

  private static boolean firstHalf(ProducerRecord<byte[], byte[]> record) {
    return Integer.parseInt(new String(record.key(), StandardCharsets.UTF_8).substring(2))
        < FIRST_HALF;
  }

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> dirs = Files.list(SAVEPOINTS)) {
      return dirs.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  @Test
  void everyReleaseSinceTheFirstHasAFixture() throws IOException {
    assertThat(fixtures()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aSavepointOfAnEarlierReleaseRestoresAndItsReportsContinueExactly(
      Path fixture, @TempDir Path stopSavepoint) throws Exception {
    Fixtures.Data data = data();
    List<ProducerRecord<byte[], byte[]>> records = Fixtures.records(data);
    Path savepoint;
    try (Stream<Path> dirs = Files.list(fixture)) {
      savepoint = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    CollectingSinks.clear();
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      // The same records in the same order give the same offsets the savepoint's source holds.
      Fixtures.produce(kafka, records.stream().filter(StateMigrationTest::firstHalf).toList());
      JobClient job =
          AnalyticsRun.start(
              kafka,
              Fixtures.config(),
              false,
              savepoint.toAbsolutePath().toString(),
              new CollectingSinks());
      Fixtures.produce(kafka, records.stream().filter(r -> !firstHalf(r)).toList());
      long before = firstHalfEvents(data);
      awaitCollected(Topic.HALTING, (int) (data.expected().size() - before));
      AnalyticsRun.stop(job, stopSavepoint, true);
    }
    Map<Topic, List<String>> expected = Fixtures.expectedReports(data);
    List<String> written = Files.readAllLines(fixture.resolve(BEFORE), StandardCharsets.UTF_8);
    for (Topic topic : expected.keySet()) {
      String prefix = topic.topicName() + "\t";
      List<String> earlier =
          written.stream()
              .filter(l -> l.startsWith(prefix))
              .map(l -> l.substring(prefix.length()))
              .toList();
      // Fields added since the earlier release are in neither its records nor its savepoint:
      // every record is compared on the fields that release wrote.
      Set<String> fields = earlier.isEmpty() ? null : fieldNames(earlier.get(0));
      List<String> union = new ArrayList<>();
      CollectingSinks.of(topic).forEach(r -> union.add(onFields(r, fields)));
      earlier.forEach(r -> union.add(onFields(r, fields)));
      assertThat(union.stream().sorted().toList())
          .as(topic.topicName())
          .isEqualTo(expected.get(topic).stream().map(r -> onFields(r, fields)).sorted().toList());
    }
    assertThat(CollectingSinks.of(Topic.DEAD_LETTERS))
        .hasSize(data.orphanRecords())
        .allMatch(d -> d.contains("UNMATCHED") && d.contains("i-7"));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Set<String> fieldNames(String record) {
    Set<String> names = new LinkedHashSet<>();
    parse(record).fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A record's text with only {@code fields} (all of them when null), as JSON. */
  private static String onFields(String record, Set<String> fields) {
    ObjectNode node = parse(record);
    if (fields != null) {
      node.retain(fields);
    }
    return node.toString();
  }

  private static ObjectNode parse(String record) {
    try {
      return (ObjectNode) JSON.readTree(record);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes a new fixture directory; see the class comment. */
  @Test
  @EnabledIfSystemProperty(named = "anira.writeSavepoint", matches = "v[0-9]+")
  void writeFixture() throws Exception {
    Path dir = SAVEPOINTS.resolve(System.getProperty("anira.writeSavepoint"));
    assertThat(dir).doesNotExist();
    Files.createDirectories(dir);
    Fixtures.Data data = data();
    CollectingSinks.clear();
    try (KafkaCluster kafka = KafkaClusters.start()) {
      Fixtures.createTopics(kafka);
      JobClient job =
          AnalyticsRun.start(kafka, Fixtures.config(), false, null, new CollectingSinks());
      Fixtures.produce(
          kafka, Fixtures.records(data).stream().filter(StateMigrationTest::firstHalf).toList());
      awaitCollected(Topic.HALTING, (int) firstHalfEvents(data));
      Thread.sleep(2_000);
      AnalyticsRun.stop(job, dir, false);
    }
    List<String> lines = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      CollectingSinks.of(topic).forEach(r -> lines.add(topic.topicName() + "\t" + r));
    }
    Files.write(dir.resolve(BEFORE), lines, StandardCharsets.UTF_8);
  }

  /** Halting events of the instances read before the savepoint. */
  private static long firstHalfEvents(Fixtures.Data data) {
    return data.expected().stream().filter(e -> index(e) < FIRST_HALF).count();
  }

  private static int index(HaltingEvent e) {
    return Integer.parseInt(e.getInstanceId().substring(2));
  }

  private static void awaitCollected(Topic topic, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (CollectingSinks.of(topic).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(CollectingSinks.of(topic)).hasSizeGreaterThanOrEqualTo(count);
  }
}
