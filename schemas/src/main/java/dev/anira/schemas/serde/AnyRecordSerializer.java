package dev.anira.schemas.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serializer for producers that write several record types (instances and traces; steps,
 * results and dead letters): single-object encoding with the codec of each record's class.
 */
public final class AnyRecordSerializer implements Serializer<SpecificRecordBase> {

  @Override
  @SuppressWarnings("unchecked")
  public byte[] serialize(String topic, SpecificRecordBase record) {
    if (record == null) {
      return null;
    }
    return SingleObjectCodec.of((Class<SpecificRecordBase>) record.getClass()).encode(record);
  }
}
