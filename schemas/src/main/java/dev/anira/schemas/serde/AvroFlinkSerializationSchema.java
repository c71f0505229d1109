package dev.anira.schemas.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink serialization schema writing Avro single-object encoding. */
public final class AvroFlinkSerializationSchema<T extends SpecificRecordBase>
    implements SerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  // Avro's readers and writers are not Serializable; rebuilt on the task manager.
  private transient SingleObjectCodec<T> codec;

  public AvroFlinkSerializationSchema(Class<T> type) {
    this.type = type;
  }

  @Override
  public byte[] serialize(T element) {
    if (codec == null) {
      codec = SingleObjectCodec.of(type);
    }
    return codec.encode(element);
  }
}
