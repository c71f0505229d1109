package dev.anira.jobs;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message as a source read it: the topic, where it came from (Kafka partition and offset, or -1
 * for a recording) and its bytes. Decoding happens in the job (the source's timestamp assigner may
 * already have done it, see {@link #decoded}), so a message that fails to decode becomes a dead
 * letter instead of failing the source.
 */
public final class RawRecord {

  public String topic;
  public int partition = -1;
  public long offset = -1;
  public byte[] key;
  public byte[] value;

  /**
   * The join's input decoded from this message where the source read its event time ({@link
   * SourceEventTime}), so that the job decodes each message once; null until then, or when it did
   * not decode. Transient: Flink's serializer leaves it out, and a copy is decoded again.
   */
  transient JoinInput decoded;

  /** For Flink's POJO serializer. */
  public RawRecord() {}

  public RawRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawRecord r
        && Objects.equals(topic, r.topic)
        && partition == r.partition
        && offset == r.offset
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset, Arrays.hashCode(key), Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return topic + "[" + partition + "@" + offset + "]";
  }
}
