package dev.anira.recording;

import dev.anira.jobs.KafkaIO;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Avro container file of a recording, on any file system Flink knows. A damaged block is
 * reported with the file and its byte offset and skipped up to the next sync marker, so the rest of
 * the file still reads; a file whose header is damaged is reported and yields nothing.
 */
public final class RecordingFile implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(RecordingFile.class);

  private final Path path;
  private final String topic;
  private final DataFileReader<GenericRecord> reader;
  private final BinaryMessageEncoder<GenericRecord> encoder;
  private GenericRecord reuse;
  private final List<String> problems = new ArrayList<>();
  private final long length;
  private final long headerEnd;
  private boolean ended;

  private RecordingFile(
      Path path, String topic, DataFileReader<GenericRecord> reader, long length) {
    this.path = path;
    this.topic = topic;
    this.reader = reader;
    this.length = length;
    this.headerEnd = reader.previousSync();
    // Re-encoded under the file's own (writer) schema, as it travelled on Kafka.
    this.encoder = new BinaryMessageEncoder<>(GenericData.get(), reader.getSchema());
  }

  /**
   * Opens a file of the given topic; null when it is not a readable Avro container file, after
   * adding the reason to {@code problems} and the log.
   */
  public static RecordingFile open(Path path, String topic, List<String> problems)
      throws IOException {
    FileSystem fs = path.getFileSystem();
    long length = fs.getFileStatus(path).getLen();
    FSDataInputStream in = fs.open(path);
    try {
      return new RecordingFile(
          path,
          topic,
          new DataFileReader<>(new Seekable(in, length), new GenericDatumReader<>()),
          length);
    } catch (IOException | RuntimeException e) {
      in.close();
      String problem =
          path + ": not a readable Avro container file, damaged header (" + e + "); skipped";
      LOG.error(problem);
      problems.add(problem);
      return null;
    }
  }

  /** The next record, or null at the end of the file. */
  public RecordedRecord next() throws IOException {
    while (true) {
      long block = reader.previousSync();
      try {
        if (!reader.hasNext()) {
          if (!ended) {
            ended = true;
            checkComplete(block);
          }
          return null;
        }
        reuse = reader.next(reuse);
        return new RecordedRecord(topic, eventTime(reuse), KafkaIO.keyOf(reuse), encode(reuse));
      } catch (IOException | RuntimeException e) {
        String problem =
            path
                + ": damaged data in the block at byte offset "
                + block
                + " ("
                + e
                + "); skipping to the next block";
        LOG.error(problem);
        problems.add(problem);
        try {
          reader.sync(block + 1);
        } catch (IOException | RuntimeException end) {
          return null;
        }
      }
    }
  }

  /**
   * Avro reads a cut-off last block as a clean end of file. A complete file ends with the sync
   * marker its header ends with; anything else lost the block that starts at {@code lastBlock}.
   */
  private void checkComplete(long lastBlock) throws IOException {
    int sync = DataFileConstants.SYNC_SIZE;
    byte[] first = new byte[sync];
    byte[] last = new byte[sync];
    try (FSDataInputStream in = path.getFileSystem().open(path)) {
      in.seek(headerEnd - sync);
      readFully(in, first);
      in.seek(Math.max(0, length - sync));
      readFully(in, last);
    }
    if (!Arrays.equals(first, last)) {
      String problem =
          path
              + ": truncated at byte "
              + length
              + "; the block at byte offset "
              + lastBlock
              + " is incomplete and was skipped";
      LOG.error(problem);
      problems.add(problem);
    }
  }

  private static void readFully(FSDataInputStream in, byte[] into) throws IOException {
    int off = 0;
    while (off < into.length) {
      int n = in.read(into, off, into.length - off);
      if (n < 0) {
        break;
      }
      off += n;
    }
  }

  /** What was damaged and skipped so far, each naming the file and byte offset. */
  public List<String> problems() {
    return problems;
  }

  private static long eventTime(GenericRecord record) {
    Object time = record.get("eventTime");
    if (time instanceof Long millis) {
      return millis;
    }
    if (time instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    throw new AvroRuntimeException("record without an eventTime: " + record.getSchema().getName());
  }

  private byte[] encode(GenericRecord record) throws IOException {
    ByteBuffer bytes = encoder.encode(record);
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Avro's random access over a Flink input stream. */
  private static final class Seekable implements SeekableInput {
    private final FSDataInputStream in;
    private final long length;

    Seekable(FSDataInputStream in, long length) {
      this.in = in;
      this.length = length;
    }

    @Override
    public void seek(long p) throws IOException {
      in.seek(p);
    }

    @Override
    public long tell() throws IOException {
      return in.getPos();
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
