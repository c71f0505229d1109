package dev.anira.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** The one setting of the Kafka serdes when Kafka creates them by class name. */
public final class AvroKafkaSerdeConfig {

  /** Fully qualified name of the generated Avro class, e.g. dev.anira.schemas.ProblemInstance. */
  public static final String RECORD_CLASS = "anira.avro.record.class";

  private AvroKafkaSerdeConfig() {}

  @SuppressWarnings("unchecked")
  static <T extends SpecificRecordBase> Class<T> recordClass(Map<String, ?> configs) {
    Object value = configs.get(RECORD_CLASS);
    if (value instanceof Class<?> c && SpecificRecordBase.class.isAssignableFrom(c)) {
      return (Class<T>) c;
    }
    if (value instanceof String name && !name.isBlank()) {
      try {
        Class<?> c = Class.forName(name.trim());
        if (SpecificRecordBase.class.isAssignableFrom(c)) {
          return (Class<T>) c;
        }
        throw new IllegalArgumentException(
            RECORD_CLASS + "=" + name + " is not a generated Avro record class");
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException(RECORD_CLASS + "=" + name + ": no such class", e);
      }
    }
    throw new IllegalArgumentException(
        "Set "
            + RECORD_CLASS
            + " to the Avro record class, or construct the serde with the class; got "
            + value);
  }

  static <T extends SpecificRecordBase> SingleObjectCodec<T> configured(
      SingleObjectCodec<T> codec) {
    if (codec == null) {
      throw new IllegalStateException(
          "Avro serde used before configure(): set " + RECORD_CLASS + " or pass the class");
    }
    return codec;
  }
}
