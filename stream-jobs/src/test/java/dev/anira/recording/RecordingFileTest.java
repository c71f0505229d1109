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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordingFileTest {

  private final SingleObjectCodec<AlgorithmTrace> codec =
      SingleObjectCodec.of(AlgorithmTrace.class);
  private final List<AlgorithmTrace> traces = new ArrayList<>();
  private final List<Long> blockEnds = new ArrayList<>();

  @Test
  void aDamagedBlockIsReportedWithItsOffsetAndTheNextBlocksStillRead(@TempDir Path tmp)
      throws Exception {
    File file = threeBlocks(tmp);
    try (RandomAccessFile f = new RandomAccessFile(file, "rw")) {
      f.seek((blockEnds.get(0) + blockEnds.get(1)) / 2); // inside the second block
      f.write(new byte[8]);
    }
    List<String> problems = new ArrayList<>();
    assertThat(read(file, problems)).isEqualTo(firstAndLastBlocks());
    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p).contains(file.getPath()).contains("byte offset " + blockEnds.get(0)));
  }

  /**
   * A block header whose size or count field is damaged must not make the reader allocate what it
   * declares: Avro's own reader allocates a 2 GB array for 0x7FFF0000 and dies at -Xmx512m.
   */
  @ParameterizedTest
  @CsvSource({"10, 2147418112", "1099511627776, 60"})
  void aDamagedBlockHeaderIsBoundedByWhatTheFileHolds(long count, long size, @TempDir Path tmp)
      throws Exception {
    File file = threeBlocks(tmp);
    try (RandomAccessFile f = new RandomAccessFile(file, "rw")) {
      f.seek(blockEnds.get(0)); // the second block's header
      f.write(varLong(count));
      f.write(varLong(size));
    }
    List<String> problems = new ArrayList<>();
    assertThat(read(file, problems)).isEqualTo(firstAndLastBlocks());
    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains(file.getPath())
                    .contains("byte offset " + blockEnds.get(0))
                    .contains("declares " + count + " records in " + size + " bytes"));
  }

  @Test
  void aCutOffLastBlockIsReportedAsTruncated(@TempDir Path tmp) throws Exception {
    File file = threeBlocks(tmp);
    try (RandomAccessFile f = new RandomAccessFile(file, "rw")) {
      f.setLength(blockEnds.get(1) + 30);
    }
    List<String> problems = new ArrayList<>();
    assertThat(read(file, problems)).hasSize(20);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains("truncated at byte " + (blockEnds.get(1) + 30))
                    .contains("byte offset " + blockEnds.get(1)));
  }

  /** Thirty traces in three snappy blocks of ten; {@link #blockEnds} holds each block's end. */
  private File threeBlocks(Path tmp) throws Exception {
    for (JoinInput input : Fixtures.data(1).inputs()) {
      if (input.kind == JoinInput.Kind.TRACE) {
        traces.add(codec.decode(input.payload));
      }
    }
    File file = tmp.resolve("part-0.avro").toFile();
    SpecificData model = SpecificData.getForClass(AlgorithmTrace.class);
    try (DataFileWriter<AlgorithmTrace> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(AlgorithmTrace.getClassSchema(), model))) {
      writer.setCodec(CodecFactory.snappyCodec());
      writer.create(AlgorithmTrace.getClassSchema(), file);
      for (int i = 0; i < 30; i++) {
        writer.append(traces.get(i));
        if (i % 10 == 9) {
          blockEnds.add(writer.sync());
        }
      }
    }
    return file;
  }

  private List<String> read(File file, List<String> problems) throws Exception {
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
    return ids;
  }

  private List<String> firstAndLastBlocks() {
    List<String> expected = new ArrayList<>();
    for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}) {
      expected.add(traces.get(i).getInstanceId());
    }
    return expected;
  }

  /** Avro's zig-zag variable-length encoding of a long. */
  private static byte[] varLong(long value) {
    long n = (value << 1) ^ (value >> 63);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7f) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
    return out.toByteArray();
  }
}
