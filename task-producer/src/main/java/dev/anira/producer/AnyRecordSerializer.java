package dev.anira.producer;

import dev.anira.schemas.serde.SingleObjectCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/** One producer writes two record types (instances and traces): pick the codec per record. */
final class AnyRecordSerializer implements Serializer<SpecificRecordBase> {

  @Override
  @SuppressWarnings("unchecked")
  public byte[] serialize(String topic, SpecificRecordBase record) {
    if (record == null) {
      return null;
    }
    return SingleObjectCodec.of((Class<SpecificRecordBase>) record.getClass()).encode(record);
  }
}
