package dev.anira.recording;

import dev.anira.jobs.KafkaIO;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * Reads one Avro container file of a recording, on any file system Flink knows. A damaged block is
 * reported with the file and its byte offset and skipped up to the next sync marker, so the rest of
 * the file still reads; a file whose header is damaged is reported and yields nothing.
 *
 * <p>Avro's {@code DataFileReader} parses the header (schema, codec, sync marker); the blocks are
 * read here, because Avro's reader allocates whatever size a block header declares before it
 * notices the file is shorter: a damaged size field (0x7FFF0000, say) costs 2 GB of heap. Every
 * declared count and size is bounded by what the file can still hold before anything is allocated
 * (the container format: Avro specification, "Object Container Files").
 */
public final class RecordingFile implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(RecordingFile.class);
  private static final int SYNC = DataFileConstants.SYNC_SIZE;

  private final Path path;
  private final String topic;
  private final FSDataInputStream in;
  private final long length;
  private final byte[] sync;
  private final String codec;
  private final GenericDatumReader<GenericRecord> datumReader;
  private final BinaryMessageEncoder<GenericRecord> encoder;
  private final List<String> problems = new ArrayList<>();
  private final Deque<RecordedRecord> pending = new ArrayDeque<>();
  private long position;

  private RecordingFile(
      Path path,
      String topic,
      FSDataInputStream in,
      long length,
      Schema schema,
      String codec,
      byte[] sync,
      long headerEnd) {
    this.path = path;
    this.topic = topic;
    this.in = in;
    this.length = length;
    this.codec = codec;
    this.sync = sync;
    this.position = headerEnd;
    this.datumReader = new GenericDatumReader<>(schema);
    // Re-encoded under the file's own (writer) schema, as it travelled on Kafka.
    this.encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
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
    try (DataFileReader<GenericRecord> header =
        new DataFileReader<>(new HeaderOnly(in, length), new GenericDatumReader<>())) {
      String codec = header.getMetaString(DataFileConstants.CODEC);
      codec = codec == null ? DataFileConstants.NULL_CODEC : codec;
      if (!List.of(DataFileConstants.NULL_CODEC, DataFileConstants.DEFLATE_CODEC, "snappy")
          .contains(codec)) {
        throw new IOException("codec " + codec + " is not one a recording uses");
      }
      long headerEnd = header.previousSync();
      byte[] sync = new byte[SYNC];
      in.seek(headerEnd - SYNC);
      readFully(in, sync, 0, SYNC);
      return new RecordingFile(path, topic, in, length, header.getSchema(), codec, sync, headerEnd);
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
    while (pending.isEmpty() && position < length) {
      long block = position;
      try {
        position = readBlock(block);
      } catch (Damaged e) {
        report(block, e);
        position = nextSync(block + 1);
      }
    }
    return pending.poll();
  }

  /** Reads the block at {@code block} into {@link #pending}; returns where the next one starts. */
  private long readBlock(long block) throws IOException, Damaged {
    in.seek(block);
    long count;
    long size;
    try {
      count = readVarLong();
      size = readVarLong();
    } catch (EOFException e) {
      throw new Damaged("cut off in the block header", true);
    }
    long data = in.getPos();
    long room = length - data - SYNC;
    // Every record takes at least one byte, so a block cannot hold more records than bytes.
    if (size < 0 || count <= 0 || count > size || size > room) {
      boolean cutOff = size > room && size >= 0 && count > 0 && count <= size && !syncAfter(block);
      throw new Damaged(
          "declares "
              + count
              + " records in "
              + size
              + " bytes, but the file holds "
              + Math.max(0, room)
              + " more",
          cutOff);
    }
    byte[] bytes = new byte[(int) size];
    readFully(in, bytes, 0, bytes.length);
    byte[] marker = new byte[SYNC];
    readFully(in, marker, 0, SYNC);
    if (!Arrays.equals(marker, sync)) {
      throw new Damaged("does not end with the file's sync marker", false);
    }
    List<RecordedRecord> records = new ArrayList<>();
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(decompress(bytes), null);
      GenericRecord reuse = null;
      for (long i = 0; i < count; i++) {
        reuse = datumReader.read(reuse, decoder);
        records.add(
            new RecordedRecord(topic, eventTime(reuse), KafkaIO.keyOf(reuse), encode(reuse)));
      }
      if (!decoder.isEnd()) {
        throw new IOException("bytes left over after " + count + " records");
      }
    } catch (IOException | RuntimeException e) {
      throw new Damaged("(" + e + ")", false);
    }
    pending.addAll(records);
    return data + size + SYNC;
  }

  private void report(long block, Damaged damage) {
    String problem =
        damage.cutOff
            ? path
                + ": truncated at byte "
                + length
                + "; the block at byte offset "
                + block
                + " is incomplete and was skipped"
            : path
                + ": damaged data in the block at byte offset "
                + block
                + " "
                + damage.getMessage()
                + "; skipping to the next block";
    LOG.error(problem);
    problems.add(problem);
  }

  /** Where the block after the next sync marker at or after {@code from} starts, or the end. */
  private long nextSync(long from) throws IOException {
    byte[] window = new byte[64 * 1024];
    long start = from;
    while (start + SYNC <= length) {
      in.seek(start);
      int n = (int) Math.min(window.length, length - start);
      readFully(in, window, 0, n);
      for (int i = 0; i + SYNC <= n; i++) {
        if (matchesSync(window, i)) {
          return start + i + SYNC;
        }
      }
      start += n - SYNC + 1; // a marker may straddle two windows
    }
    return length;
  }

  private boolean syncAfter(long block) throws IOException {
    return nextSync(block + 1) < length;
  }

  private boolean matchesSync(byte[] bytes, int at) {
    for (int j = 0; j < SYNC; j++) {
      if (bytes[at + j] != sync[j]) {
        return false;
      }
    }
    return true;
  }

  private byte[] decompress(byte[] bytes) throws IOException {
    switch (codec) {
      case DataFileConstants.NULL_CODEC:
        return bytes;
      case DataFileConstants.DEFLATE_CODEC:
        return inflate(bytes);
      default: // snappy: the compressed bytes, then the CRC32 of the uncompressed ones
        if (bytes.length < 4) {
          throw new IOException("snappy block of " + bytes.length + " bytes");
        }
        int compressed = bytes.length - 4;
        int uncompressedLength = Snappy.uncompressedLength(bytes, 0, compressed);
        // Snappy's header can lie too: no block expands past its format's 6x worst case here.
        if (uncompressedLength < 0 || uncompressedLength > 64L * compressed + 64) {
          throw new IOException("snappy declares " + uncompressedLength + " bytes");
        }
        byte[] out = new byte[uncompressedLength];
        Snappy.uncompress(bytes, 0, compressed, out, 0);
        CRC32 crc = new CRC32();
        crc.update(out);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, compressed, 4).getInt()) {
          throw new IOException("snappy block fails its checksum");
        }
        return out;
    }
  }

  private static byte[] inflate(byte[] bytes) throws IOException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(bytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 2);
    byte[] chunk = new byte[8192];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IOException("deflate block ends early");
        }
        out.write(chunk, 0, n);
      }
    } catch (DataFormatException e) {
      throw new IOException(e);
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  /** Avro's zig-zag variable-length long. */
  private long readVarLong() throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IOException("variable-length integer longer than 10 bytes");
  }

  private static void readFully(FSDataInputStream in, byte[] into, int off, int length)
      throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(into, off + done, length - done);
      if (n < 0) {
        throw new EOFException();
      }
      done += n;
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
    in.close();
  }

  /** A block that cannot be read; {@code cutOff} when the file simply ends inside it. */
  private static final class Damaged extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean cutOff;

    Damaged(String what, boolean cutOff) {
      super(what);
      this.cutOff = cutOff;
    }
  }

  /**
   * Avro's random access over the file's one input stream, for the header. Closing the header
   * reader leaves the stream open: the blocks are read from it next.
   */
  private static final class HeaderOnly implements SeekableInput {
    private final FSDataInputStream in;
    private final long length;

    HeaderOnly(FSDataInputStream in, long length) {
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
    public void close() {}
  }
}
