package dev.anira.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Avro single-object encoding. Bad bytes throw {@link
 * RecordDecodingException}; the consumer surfaces it as a {@code RecordDeserializationException}
 * carrying the partition, offset and raw bytes, so the caller can dead-letter the record and seek
 * past it.
 */
public final class AvroKafkaDeserializer<T extends SpecificRecordBase> implements Deserializer<T> {

  private SingleObjectCodec<T> codec;

  /** For Kafka's by-class-name instantiation; set {@link AvroKafkaSerdeConfig#RECORD_CLASS}. */
  public AvroKafkaDeserializer() {}

  public AvroKafkaDeserializer(Class<T> type) {
    this.codec = SingleObjectCodec.of(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (codec == null) {
      codec = SingleObjectCodec.of(AvroKafkaSerdeConfig.<T>recordClass(configs));
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    return AvroKafkaSerdeConfig.configured(codec).decode(data);
  }
}
