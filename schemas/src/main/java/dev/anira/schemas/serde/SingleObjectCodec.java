package dev.anira.schemas.serde;

import dev.anira.schemas.serde.RecordDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the writer schema's 8-byte
 * CRC-64-AVRO fingerprint (little endian), then the binary body. Decoding resolves any archived
 * version of the type (see {@link SchemaHistory}) to the current one, and rejects everything else
 * with a {@link RecordDecodingException}; it never throws another exception for bad bytes.
 * Instances are thread-safe; get them with {@link #of(Class)}.
 */
public final class SingleObjectCodec<T extends SpecificRecordBase> {

  static final int HEADER_LENGTH = 10;
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;
  private static final ConcurrentMap<Class<?>, SingleObjectCodec<?>> CODECS =
      new ConcurrentHashMap<>();

  private final Class<T> type;
  private final Schema schema;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  private final long fingerprint;
  private final Map<Long, SpecificDatumReader<T>> readersByWriterFingerprint;
  private final String knownVersions;

  /**
   * Reads a message body field by field, in the writer schema's order, straight from Avro's
   * decoder: for a caller that wants a few fields in its own form (primitive arrays, no record
   * objects). It must consume every field, as a full decode does.
   */
  @FunctionalInterface
  public interface BodyReader<R> {
    R read(Decoder in) throws IOException;
  }

  /** Writes a message body field by field, in this build's schema order; see {@link #encode}. */
  @FunctionalInterface
  public interface BodyWriter {
    void write(Encoder out) throws IOException;
  }

  /**
   * Per thread, the buffer a record is encoded into and Avro's buffered encoder. Avro's {@code
   * BinaryMessageEncoder} writes through a direct encoder, one stream call per value, which made
   * encoding float arrays the model service's largest Java cost (JFR, issue 19).
   */
  private static final ThreadLocal<EncodeBuffers> BUFFERS =
      ThreadLocal.withInitial(EncodeBuffers::new);

  private static final class EncodeBuffers {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    BinaryEncoder encoder;
  }

  private SingleObjectCodec(Class<T> type) {
    this.type = type;
    this.schema = SchemaHistory.schemaOf(type);
    // The class's own model carries its logical-type conversions (timestamp-millis -> Instant).
    SpecificData model = SpecificData.getForClass(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.header = new byte[HEADER_LENGTH];
    header[0] = MARKER_0;
    header[1] = MARKER_1;
    this.fingerprint = SchemaHistory.fingerprint(schema);
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
    readers.put(fingerprint, new SpecificDatumReader<>(schema, schema, model));
    for (SchemaHistory.Version v : SchemaHistory.get().versionsOf(schema.getFullName())) {
      readers.putIfAbsent(v.fingerprint(), new SpecificDatumReader<>(v.schema(), schema, model));
    }
    this.readersByWriterFingerprint = Map.copyOf(readers);
    this.knownVersions =
        SchemaHistory.get().versionsOf(schema.getFullName()).stream()
            .map(v -> "v" + v.version() + "=" + hex(v.fingerprint()))
            .collect(Collectors.joining(", "));
  }

  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecordBase> SingleObjectCodec<T> of(Class<T> type) {
    return (SingleObjectCodec<T>) CODECS.computeIfAbsent(type, t -> new SingleObjectCodec<>(type));
  }

  public Class<T> type() {
    return type;
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    return encode(out -> writer.write(record, out), record::toString);
  }

  /**
   * The single-object encoding of a body that {@code body} writes field by field, in this build's
   * schema order, straight to Avro's encoder: for a caller whose values are not in a record object.
   * The body must not encode another record meanwhile: every codec of a thread shares one buffer.
   *
   * @param what names the record in an error message; called only then (a name built for every
   *     record was 7% of the halting join's time, JFR, issue 20)
   * @throws IllegalArgumentException if {@code body} fails (a null where the schema has none)
   */
  public byte[] encode(BodyWriter body, Supplier<String> what) {
    EncodeBuffers buffers = BUFFERS.get();
    // Reset after configuring: configuring flushes whatever a failed encode left in the encoder.
    buffers.encoder = EncoderFactory.get().binaryEncoder(buffers.bytes, buffers.encoder);
    buffers.bytes.reset();
    try {
      buffers.encoder.writeFixed(header);
      body.write(buffers.encoder);
      buffers.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      // Avro reports a missing required field as a bare NullPointerException.
      throw new IllegalArgumentException(
          "Cannot encode " + schema.getName() + ": " + e.getMessage() + " in " + what.get(), e);
    }
    return buffers.bytes.toByteArray();
  }

  public T decode(byte[] bytes) {
    long writer = writerFingerprint(bytes);
    SpecificDatumReader<T> reader = readersByWriterFingerprint.get(writer);
    if (reader == null) {
      throw unknownWriter(writer);
    }
    return read(in -> reader.read(null, in), bytes, writer, schema.getName());
  }

  /**
   * Reads a message written with this build's schema with {@code current}, which must consume every
   * field; a message written with an archived version is decoded in full and passed to {@code
   * older}. Checks the header, lengths and trailing bytes as {@link #decode} does, and any
   * exception {@code current} throws counts as a corrupt body.
   *
   * @throws RecordDecodingException for bytes that are not a record of this type
   */
  public <R> R read(byte[] bytes, BodyReader<R> current, Function<T, R> older) {
    long writer = writerFingerprint(bytes);
    if (writer != fingerprint) {
      return older.apply(decode(bytes));
    }
    return read(current, bytes, writer, schema.getName());
  }

  private long writerFingerprint(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < HEADER_LENGTH) {
      throw new RecordDecodingException(
          Reason.BAD_HEADER,
          "message of "
              + bytes.length
              + " bytes is shorter than the 10-byte Avro single-object header (expected "
              + schema.getName()
              + ")");
    }
    if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
      throw new RecordDecodingException(
          Reason.BAD_HEADER,
          String.format(
              "message starts with %02X %02X, not the Avro single-object marker C3 01"
                  + " (expected %s)",
              bytes[0], bytes[1], schema.getName()));
    }
    return littleEndianLong(bytes, 2);
  }

  private static <R> R read(BodyReader<R> reader, byte[] bytes, long fingerprint, String what) {
    int bodyLength = bytes.length - HEADER_LENGTH;
    BoundedDecoder decoder =
        new BoundedDecoder(
            DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bodyLength, null), bodyLength);
    R record;
    int left;
    try {
      record = reader.read(decoder);
      left = decoder.remaining();
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException(
          Reason.CORRUPT_BODY,
          "body of "
              + bodyLength
              + " bytes does not decode as "
              + what
              + " (writer "
              + hex(fingerprint)
              + "): "
              + e,
          e);
    }
    if (left != 0) {
      throw new RecordDecodingException(
          Reason.TRAILING_BYTES,
          left + " of " + bodyLength + " body bytes left after a complete " + what);
    }
    return record;
  }

  private RecordDecodingException unknownWriter(long fingerprint) {
    return SchemaHistory.get()
        .byFingerprint(fingerprint)
        .map(
            v ->
                new RecordDecodingException(
                    Reason.WRONG_RECORD_TYPE,
                    "message holds a "
                        + v.recordName()
                        + " (v"
                        + v.version()
                        + "), expected "
                        + schema.getFullName()))
        .orElseGet(
            () ->
                new RecordDecodingException(
                    Reason.UNKNOWN_SCHEMA,
                    "writer fingerprint "
                        + hex(fingerprint)
                        + " matches no schema this build knows; "
                        + schema.getName()
                        + " versions known: "
                        + knownVersions
                        + ". Was it written by a newer producer?"));
  }

  private static long littleEndianLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[offset + i] & 0xFFL);
    }
    return value;
  }

  static String hex(long fingerprint) {
    return String.format("%016x", fingerprint);
  }
}
