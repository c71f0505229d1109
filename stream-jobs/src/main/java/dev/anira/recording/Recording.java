package dev.anira.recording;

import dev.anira.jobs.Sinks;
import dev.anira.schemas.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.formats.avro.AvroBuilder;
import org.apache.flink.formats.avro.AvroWriterFactory;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * A recording: every topic's records as Avro container files (self-describing, snappy blocks,
 * readable with any Avro tool), laid out as {@code DIR/<topic>/<yyyy-MM-dd--HH>/part-*.avro} by the
 * records' event time (UTC). Files are written by Flink's FileSink and become visible when a
 * checkpoint commits them, so a recording holds each record exactly once.
 */
public final class Recording {

  static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd--HH").withZone(ZoneOffset.UTC);

  /** Where {@code anira analyze --from DIR} writes its outputs by default: DIR/analysis. */
  public static final String ANALYSIS = "analysis";

  private Recording() {}

  /**
   * The directory holding {@code topics}: the recording itself when it holds any of them (a live
   * run's recording), else its analysis directory when that does (a recording of the raw topics,
   * analyzed afterwards), else the recording.
   *
   * @throws IllegalArgumentException if {@code dir} is not a directory
   */
  public static java.nio.file.Path holding(java.nio.file.Path dir, Collection<Topic> topics) {
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no recording at " + dir + " (not a directory)");
    }
    java.nio.file.Path analysis = dir.resolve(ANALYSIS);
    return !holdsAny(dir, topics) && holdsAny(analysis, topics) ? analysis : dir;
  }

  private static boolean holdsAny(java.nio.file.Path dir, Collection<Topic> topics) {
    return topics.stream()
        .anyMatch(t -> java.nio.file.Files.isDirectory(dir.resolve(t.topicName())));
  }

  /** Sinks that write each topic into its directory of the recording. */
  public static Sinks sinks(String dir) {
    return new Sinks() {
      @Override
      public <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) topic.recordType();
        records
            .sinkTo(
                FileSink.forBulkFormat(new Path(dir, topic.topicName()), snappyWriter(type))
                    .withBucketAssigner(new HourOfEventTime<T>())
                    .withRollingPolicy(OnCheckpointRollingPolicy.build())
                    .withOutputFileConfig(
                        OutputFileConfig.builder()
                            .withPartPrefix("part")
                            .withPartSuffix(".avro")
                            .build())
                    .build())
            .name("record-" + topic.topicName())
            .uid("record-" + topic.topicName());
      }
    };
  }

  /**
   * Container files with snappy blocks: smaller, and each block carries a CRC-32 of its data, so a
   * damaged block is detected on reading instead of decoding into wrong values.
   */
  private static <T extends SpecificRecordBase> AvroWriterFactory<T> snappyWriter(Class<T> type) {
    return new AvroWriterFactory<>(
        (AvroBuilder<T>)
            out -> {
              SpecificData model = SpecificData.getForClass(type);
              Schema schema = model.getSchema(type);
              DataFileWriter<T> writer =
                  new DataFileWriter<>(new SpecificDatumWriter<T>(schema, model));
              writer.setCodec(CodecFactory.snappyCodec());
              return writer.create(schema, out);
            });
  }

  /** A committed file of the recording and its topic. */
  public record File(Topic topic, String hour, Path path) {}

  /**
   * The committed files of the given topics, by hour then topic then name. In-progress and hidden
   * files (names starting with '.' or '_') are not part of the recording yet.
   */
  public static List<File> files(Path dir, Collection<Topic> topics) throws IOException {
    FileSystem fs = dir.getFileSystem();
    if (!fs.exists(dir)) {
      throw new IOException("no recording at " + dir + " (directory does not exist)");
    }
    List<File> files = new ArrayList<>();
    for (Topic topic : topics) {
      Path topicDir = new Path(dir, topic.topicName());
      if (!fs.exists(topicDir)) {
        continue;
      }
      for (FileStatus hour : fs.listStatus(topicDir)) {
        if (!hour.isDir() || hidden(hour.getPath())) {
          continue;
        }
        for (FileStatus file : fs.listStatus(hour.getPath())) {
          if (!file.isDir() && !hidden(file.getPath())) {
            files.add(new File(topic, hour.getPath().getName(), file.getPath()));
          }
        }
      }
    }
    files.sort(
        Comparator.comparing(File::hour)
            .thenComparing(f -> f.topic().ordinal())
            .thenComparing(f -> f.path().getName()));
    return files;
  }

  /**
   * Every record of the given topics in event-time order (ties keep file order). Records are sorted
   * an hour at a time, so memory holds one hour of the recording; a record is at most as far out of
   * place as the files' hour buckets allow, which is never across hours.
   *
   * @return what was damaged and skipped, each naming the file and byte offset (also logged)
   */
  public static List<String> read(Path dir, Collection<Topic> topics, Consumer<RecordedRecord> sink)
      throws IOException {
    TreeMap<String, List<File>> byHour = new TreeMap<>();
    for (File f : files(dir, topics)) {
      byHour.computeIfAbsent(f.hour(), h -> new ArrayList<>()).add(f);
    }
    List<String> problems = new ArrayList<>();
    for (List<File> hour : byHour.values()) {
      List<RecordedRecord> records = new ArrayList<>();
      for (File f : hour) {
        RecordingFile file = RecordingFile.open(f.path(), f.topic().topicName(), problems);
        if (file == null) {
          continue;
        }
        try (file) {
          for (RecordedRecord r = file.next(); r != null; r = file.next()) {
            records.add(r);
          }
          problems.addAll(file.problems());
        }
      }
      records.sort(Comparator.comparingLong(RecordedRecord::eventTime));
      records.forEach(sink);
    }
    return problems;
  }

  private static boolean hidden(Path path) {
    String name = path.getName();
    return name.startsWith(".") || name.startsWith("_");
  }

  /** Buckets records by the UTC hour of their own event time. */
  private static final class HourOfEventTime<T extends SpecificRecordBase>
      implements BucketAssigner<T, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(T record, Context context) {
      Object time = record.get("eventTime");
      if (!(time instanceof Instant instant)) {
        throw new UncheckedIOException(
            new IOException(record.getSchema().getName() + " has no eventTime"));
      }
      return HOUR.format(instant);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
      return SimpleVersionedStringSerializer.INSTANCE;
    }
  }
}
