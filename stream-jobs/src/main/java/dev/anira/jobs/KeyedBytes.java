package dev.anira.jobs;

/**
 * A Kafka message already encoded: its key (may be null) and value. A Flink POJO, so it needs no
 * Kryo where it crosses the network.
 */
public final class KeyedBytes {
  public byte[] key;
  public byte[] value;

  /** For Flink's POJO serializer. */
  public KeyedBytes() {}

  public KeyedBytes(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }
}
