package dev.anira.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that refuses any length or item count larger than the message itself. Avro
 * allocates a string, byte array or list as soon as it reads its length, so one flipped bit in a
 * length would otherwise ask for gigabytes; no well-formed message of n bytes holds more than n
 * items (every item of our schemas takes at least one byte).
 */
final class BoundedDecoder extends Decoder {

  /** A length or count that cannot fit in the message. */
  static final class ImpossibleLengthException extends IOException {
    private static final long serialVersionUID = 1L;

    ImpossibleLengthException(String what, long value, long limit) {
      super(what + " of " + value + " cannot fit in a message of " + limit + " bytes");
    }
  }

  private final BinaryDecoder in;
  private final long limit;

  BoundedDecoder(BinaryDecoder in, long limit) {
    this.in = in;
    this.limit = limit;
  }

  /** Bytes left unread. */
  int remaining() throws IOException {
    return in.inputStream().available();
  }

  private int length(long value) throws IOException {
    if (value < 0 || value > limit) {
      throw new ImpossibleLengthException("length", value, limit);
    }
    return (int) value;
  }

  private long count(long value) throws IOException {
    // Negative counts are legal block markers, but BinaryDecoder already turned them positive.
    if (value < 0 || value > limit) {
      throw new ImpossibleLengthException("item count", value, limit);
    }
    return value;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = length(in.readLong());
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    in.readFixed(result.getBytes(), 0, length);
    return result;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length(in.readLong()));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = length(in.readLong());
    byte[] bytes = new byte[length];
    in.readFixed(bytes, 0, length);
    return ByteBuffer.wrap(bytes);
  }

  @Override
  public void skipBytes() throws IOException {
    skipString();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return count(in.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return count(in.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return count(in.skipArray());
  }

  @Override
  public long readMapStart() throws IOException {
    return count(in.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return count(in.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return count(in.skipMap());
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
