package dev.anira.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.Fixtures;
import dev.anira.kafka.KafkaCluster;
import dev.anira.kafka.testing.KafkaClusters;
import dev.anira.schemas.Topic;
import dev.anira.schemas.WindowScope;
import dev.anira.schemas.serde.SingleObjectCodec;
import dev.anira.streamjobs.cli.AnalyzeCommand;
import dev.anira.streamjobs.cli.RecordCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import picocli.CommandLine;

/** Recordings for tests of what reads them (export, report): made the way a user makes them. */
public final class Recordings {

  private Recordings() {}

  /**
   * Sends the fixture's records to a real broker, records them ({@code anira record --bounded})
   * into {@code dir}, and analyzes the recording with every default ({@code anira analyze --from
   * dir}, which writes {@code dir/analysis}).
   */
  public static Path analyzed(Fixtures.Data data, Path dir) {
    try (KafkaCluster live = KafkaClusters.start()) {
      Fixtures.createTopics(live);
      Fixtures.send(live, data, false);
      assertThat(
              new CommandLine(new RecordCommand())
                  .execute(
                      "--out", dir.toString(), "--bootstrap", live.bootstrapServers(), "--bounded"))
          .isZero();
    }
    assertThat(new CommandLine(new AnalyzeCommand()).execute("--from", dir.toString())).isZero();
    return dir;
  }

  /**
   * Per key (model|task|split|size, or size bucket for alignment and timing), the cumulative report
   * of the last window in the recording's analysis: it covers every event of its key.
   */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecordBase> Map<String, T> finalCumulative(
      Path recording, Topic topic) throws IOException {
    SingleObjectCodec<T> codec = (SingleObjectCodec<T>) SingleObjectCodec.of(topic.recordType());
    Map<String, T> last = new HashMap<>();
    Recording.read(
        new org.apache.flink.core.fs.Path(recording.resolve(Recording.ANALYSIS).toUri()),
        List.of(topic),
        r -> {
          T report = codec.decode(r.value());
          if (report.get("scope") != WindowScope.CUMULATIVE) {
            return;
          }
          Object size = report.get(topic == Topic.GENERALIZATION ? "size" : "sizeBucket");
          String key =
              report.get("modelId")
                  + "|"
                  + report.get("task")
                  + "|"
                  + report.get("split")
                  + "|"
                  + size;
          T previous = last.get(key);
          if (previous == null
              || ((Instant) report.get("windowEnd")).isAfter((Instant) previous.get("windowEnd"))) {
            last.put(key, report);
          }
        });
    return last;
  }
}
