package dev.anira.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.jobs.Fixtures;
import dev.anira.jobs.JoinInput;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingFileTest {

  @Test
  void aDamagedBlockIsReportedWithItsOffsetAndTheNextBlocksStillRead(@TempDir Path tmp)
      throws Exception {
    List<AlgorithmTrace> traces = new ArrayList<>();
    SingleObjectCodec<AlgorithmTrace> codec = SingleObjectCodec.of(AlgorithmTrace.class);
    for (JoinInput input : Fixtures.data(1).inputs()) {
      if (input.kind == JoinInput.Kind.TRACE) {
        traces.add(codec.decode(input.payload));
      }
    }
    File file = tmp.resolve("part-0.avro").toFile();
    List<Long> blockEnds = new ArrayList<>();
    SpecificData model = SpecificData.getForClass(AlgorithmTrace.class);
    try (DataFileWriter<AlgorithmTrace> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(AlgorithmTrace.getClassSchema(), model))) {
      writer.setCodec(CodecFactory.snappyCodec());
      writer.create(AlgorithmTrace.getClassSchema(), file);
      // Three blocks of ten traces.
      for (int i = 0; i < 30; i++) {
        writer.append(traces.get(i));
        if (i % 10 == 9) {
          blockEnds.add(writer.sync());
        }
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(file, "rw")) {
      f.seek((blockEnds.get(0) + blockEnds.get(1)) / 2); // inside the second block
      f.write(new byte[8]);
    }
    List<String> problems = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (RecordingFile recording =
        RecordingFile.open(
            new org.apache.flink.core.fs.Path(file.toURI()), Topic.TRACES.topicName(), problems)) {
      for (RecordedRecord r = recording.next(); r != null; r = recording.next()) {
        assertThat(r.topic()).isEqualTo("anira.traces");
        assertThat(r.key()).isEqualTo(codec.decode(r.value()).getInstanceId().getBytes());
        ids.add(codec.decode(r.value()).getInstanceId());
      }
      problems.addAll(recording.problems());
    }
    List<String> expected = new ArrayList<>();
    for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}) {
      expected.add(traces.get(i).getInstanceId());
    }
    assertThat(ids).isEqualTo(expected);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p).contains(file.getPath()).contains("byte offset " + blockEnds.get(0)));
  }
}
