package dev.anira.schemas.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Flink deserialization schema for Avro single-object encoding. Bad bytes throw {@link
 * RecordDecodingException}; jobs that must survive them decode inside their own source function and
 * route the failure to the dead-letter topic.
 */
public final class AvroFlinkDeserializationSchema<T extends SpecificRecordBase>
    implements DeserializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient SingleObjectCodec<T> codec;

  public AvroFlinkDeserializationSchema(Class<T> type) {
    this.type = type;
  }

  @Override
  public T deserialize(byte[] message) {
    if (codec == null) {
      codec = SingleObjectCodec.of(type);
    }
    return codec.decode(message);
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return new AvroTypeInfo<>(type);
  }
}
