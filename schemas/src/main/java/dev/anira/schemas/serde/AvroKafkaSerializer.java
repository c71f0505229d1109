package dev.anira.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing Avro single-object encoding; null stays null (a tombstone). */
public final class AvroKafkaSerializer<T extends SpecificRecordBase> implements Serializer<T> {

  private SingleObjectCodec<T> codec;

  /** For Kafka's by-class-name instantiation; set {@link AvroKafkaSerdeConfig#RECORD_CLASS}. */
  public AvroKafkaSerializer() {}

  public AvroKafkaSerializer(Class<T> type) {
    this.codec = SingleObjectCodec.of(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (codec == null) {
      codec = SingleObjectCodec.of(AvroKafkaSerdeConfig.<T>recordClass(configs));
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    return AvroKafkaSerdeConfig.configured(codec).encode(data);
  }
}
