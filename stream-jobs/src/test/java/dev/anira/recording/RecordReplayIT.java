package dev.anira.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.streamjobs.cli.AnalyzeCommand;
import dev.anira.streamjobs.cli.RecordCommand;
import dev.anira.streamjobs.cli.ReplayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Record, then analyze the files and replay them to a fresh broker: both must give the reports of
 * the live run (the batch oracle, which AnalyticsJobIT shows the live run equals). A damaged copy
 * of the recording reports each damaged file and offset and still yields the rest.
 */
class RecordReplayIT {

  private static final String[] ANALYTICS = {
    "--window", "10000ms",
    "--out-of-orderness", "1h",
    "--join-timeout", "2h",
    "--checkpoint-interval", "200ms",
    "--alert-baseline-windows", "1",
    "--alert-windows", "1",
    "--alert-min-tokens", "2",
    "--alert-spearman-drop", "0.05",
    "--alert-accuracy-drop", "0.02",
    "--alert-premature-spike", "0.02"
  };

  @Test
  void analyzingTheFilesAndReplayingThemGiveTheLiveReports(@TempDir Path tmp) throws Exception {
    Fixtures.Data data = Fixtures.data(9);
    Map<Topic, List<String>> expected = Fixtures.expectedReports(data);
    Path recording = tmp.resolve("recording");
    try (KafkaCluster live = KafkaClusters.start();
        KafkaCluster replayed = KafkaClusters.start()) {
      Fixtures.createTopics(live);
      Fixtures.createTopics(replayed);
      Fixtures.send(live, data, false);

      assertThat(
              run(
                  new RecordCommand(),
                  "--out",
                  recording.toString(),
                  "--bootstrap",
                  live.bootstrapServers(),
                  "--bounded",
                  "--checkpoint-interval",
                  "200ms"))
          .isZero();
      assertThat(recording.resolve("anira.steps")).isDirectory();

      Path analysis = tmp.resolve("analysis");
      StringWriter summary = new StringWriter();
      CommandLine analyze = new CommandLine(new AnalyzeCommand());
      analyze.setOut(new PrintWriter(summary));
      assertThat(
              analyze.execute(
                  concat(
                      new String[] {"--from", recording.toString(), "--out", analysis.toString()})))
          .isZero();
      for (Map.Entry<Topic, List<String>> e : expected.entrySet()) {
        assertThat(fromFiles(analysis, e.getKey()))
            .as("%s from files", e.getKey())
            .isEqualTo(e.getValue());
      }
      assertThat(summary.toString()).contains("m-online").contains("alerts");

      assertThat(replay(recording, replayed, new StringWriter())).isZero();
      assertThat(
              new CommandLine(new AnalyzeCommand())
                  .execute(
                      concat(
                          new String[] {"--bootstrap", replayed.bootstrapServers(), "--bounded"})))
          .isZero();
      for (Map.Entry<Topic, List<String>> e : expected.entrySet()) {
        @SuppressWarnings("unchecked")
        Class<SpecificRecordBase> type = (Class<SpecificRecordBase>) e.getKey().recordType();
        List<String> got =
            replayed
                .readCommitted(e.getKey(), type, e.getValue().size(), Duration.ofSeconds(30))
                .stream()
                .map(Object::toString)
                .sorted()
                .toList();
        assertThat(got).as("%s after replay", e.getKey()).isEqualTo(e.getValue());
      }

      // Records the broker refuses are reported, and the replay fails: none is counted as sent.
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, replayed.bootstrapServers()))) {
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topic.STEPS.topicName()),
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("max.message.bytes", "64"), AlterConfigOp.OpType.SET))))
            .all()
            .get();
      }
      StringWriter replayErr = new StringWriter();
      assertThat(replay(recording, replayed, replayErr)).isEqualTo(4);
      assertThat(replayErr.toString())
          .contains("were not written to " + replayed.bootstrapServers())
          .contains("RecordTooLargeException");
    }

    Path damaged = tmp.resolve("damaged");
    copy(recording, damaged);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(damaged.resolve("anira.steps"))) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".avro")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    Path truncated = files.get(0);
    try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
      f.setLength(f.length() - 20); // into the last block
    }
    Path scribbled;
    try (Stream<Path> walk = Files.walk(damaged.resolve("anira.results"))) {
      scribbled =
          walk.filter(p -> p.getFileName().toString().endsWith(".avro")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(scribbled.toFile(), "rw")) {
      f.seek(f.length() - 30); // the last block's data, before its sync marker
      f.write(new byte[8]);
    }
    List<String> records = new ArrayList<>();
    List<String> problems =
        Recording.read(
            new org.apache.flink.core.fs.Path(damaged.toUri()),
            AnalyticsJob.INPUTS,
            r -> records.add(r.topic()));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains(truncated.toString()).contains("byte offset"))
        .anySatisfy(p -> assertThat(p).contains(scribbled.toString()).contains("byte offset"));
    List<String> undamaged = new ArrayList<>();
    Recording.read(
        new org.apache.flink.core.fs.Path(recording.toUri()),
        AnalyticsJob.INPUTS,
        r -> undamaged.add(r.topic()));
    // What the damaged blocks held is gone; every other record still reads.
    assertThat(records).contains(Topic.TRACES.topicName()).hasSizeLessThan(undamaged.size());
    assertThat(
            new CommandLine(new AnalyzeCommand())
                .execute(concat(new String[] {"--from", damaged.toString()})))
        .isZero();
    // Records whose partners were in the damaged blocks wait for them in vain and end up in the
    // dead-letter topic instead of being lost.
    assertThat(fromFiles(damaged.resolve("analysis"), Topic.DEAD_LETTERS))
        .anyMatch(letter -> letter.contains("UNMATCHED"));
  }

  /** {@code anira replay} of the recording onto {@code kafka} at full speed; its exit status. */
  private static int replay(Path recording, KafkaCluster kafka, StringWriter err) {
    CommandLine replay = new CommandLine(new ReplayCommand());
    replay.setErr(new PrintWriter(err));
    return replay.execute(
        recording.toString(),
        "--to-kafka",
        "--bootstrap",
        kafka.bootstrapServers(),
        "--speed",
        "max");
  }

  private static int run(Object command, String... args) {
    return new CommandLine(command).execute(args);
  }

  private static String[] concat(String[] first) {
    String[] all = new String[first.length + ANALYTICS.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(ANALYTICS, 0, all, first.length, ANALYTICS.length);
    return all;
  }

  /** A topic's records in a recording, as sorted strings. */
  private static List<String> fromFiles(Path dir, Topic topic) throws IOException {
    SingleObjectCodec<? extends SpecificRecordBase> codec =
        SingleObjectCodec.of(topic.recordType());
    List<String> out = new ArrayList<>();
    Recording.read(
        new org.apache.flink.core.fs.Path(dir.toUri()),
        List.of(topic),
        r -> out.add(codec.decode(r.value()).toString()));
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
