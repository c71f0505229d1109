package dev.anira.export;

import dev.anira.recording.Recording;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * A recording's halting events and reports as Parquet, one file per topic ({@code halting.parquet},
 * {@code alignment.parquet}, ...), rows in event-time order. The columns are the fields of the
 * topic's Avro schema ({@code schemas/src/main/avro}), mapped by parquet-avro: camelCase names,
 * enums as strings, {@code timestamp-millis} as Parquet timestamps (UTC), arrays as standard
 * three-level Parquet lists and nested records as structs, so pandas, polars and DuckDB read them
 * without a schema of their own.
 */
public final class ParquetExport {

  /** The topics exported: what the analyses produced. */
  public static final List<Topic> TOPICS =
      List.of(Topic.HALTING, Topic.ALIGNMENT, Topic.TIMING, Topic.GENERALIZATION, Topic.ALERTS);

  private ParquetExport() {}

  /**
   * Rows written per topic, and what was damaged in the recording and skipped (file and byte
   * offset).
   */
  public record Result(Map<Topic, Long> rows, List<String> problems) {
    public long total() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The file a topic is written to under {@code out}. */
  public static Path file(Path out, Topic topic) {
    return out.resolve(topic.topicName().substring("anira.".length()) + ".parquet");
  }

  /**
   * Writes every exported topic the recording holds to {@code out} (created if missing; files of an
   * earlier export are replaced). A topic the recording does not hold gets no file.
   *
   * @param recording a recording's directory (see {@link Recording})
   * @param progress called with the number of rows written so far, every 10,000 rows and at the end
   * @throws IOException if the recording cannot be listed or a file cannot be written
   */
  public static Result export(Path recording, Path out, LongConsumer progress) throws IOException {
    Files.createDirectories(out);
    Map<Topic, Writer<?>> writers = new EnumMap<>(Topic.class);
    long[] written = {0};
    List<String> problems;
    try {
      problems =
          Recording.read(
              new org.apache.flink.core.fs.Path(recording.toAbsolutePath().toUri()),
              TOPICS,
              r -> {
                Topic topic = Topic.byName(r.topic());
                writers.computeIfAbsent(topic, t -> Writer.open(t, file(out, t))).write(r.value());
                if (++written[0] % 10_000 == 0) {
                  progress.accept(written[0]);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      for (Writer<?> w : writers.values()) {
        w.close();
      }
    }
    progress.accept(written[0]);
    Map<Topic, Long> rows = new EnumMap<>(Topic.class);
    writers.forEach((topic, w) -> rows.put(topic, w.rows));
    return new Result(rows, new ArrayList<>(problems));
  }

  /** One topic's Parquet file: decodes the recorded bytes and appends the record. */
  private static final class Writer<T extends SpecificRecordBase> {
    private final SingleObjectCodec<T> codec;
    private final ParquetWriter<T> parquet;
    private long rows;

    private Writer(SingleObjectCodec<T> codec, ParquetWriter<T> parquet) {
      this.codec = codec;
      this.parquet = parquet;
    }

    static Writer<?> open(Topic topic, Path file) {
      @SuppressWarnings("unchecked")
      Class<SpecificRecordBase> type = (Class<SpecificRecordBase>) topic.recordType();
      SpecificData model = SpecificData.getForClass(type);
      Schema schema = model.getSchema(type);
      PlainParquetConfiguration conf = new PlainParquetConfiguration();
      // Standard three-level lists (the Parquet spec's LIST), not parquet-avro's legacy two-level
      // layout, so every reader sees arrays as lists of values.
      conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
      try {
        ParquetWriter<SpecificRecordBase> parquet =
            AvroParquetWriter.<SpecificRecordBase>builder(new LocalOutputFile(file))
                .withConf(conf)
                .withSchema(schema)
                .withDataModel(model)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
        return new Writer<>(SingleObjectCodec.of(type), parquet);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
      }
    }

    void write(byte[] value) {
      try {
        parquet.write(codec.decode(value));
        rows++;
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + codec + ": " + e.getMessage(), e);
      }
    }

    void close() throws IOException {
      parquet.close();
    }
  }
}
