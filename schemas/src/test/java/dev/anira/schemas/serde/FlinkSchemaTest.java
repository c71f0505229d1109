package dev.anira.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.SampleRecords;
import dev.anira.schemas.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

class FlinkSchemaTest {

  private final RecurrenceStep sample = (RecurrenceStep) SampleRecords.of(Topic.STEPS);

  @Test
  void schemasSurviveJavaSerializationAsFlinkShipsThem() throws Exception {
    var serializer = roundTrip(new AvroFlinkSerializationSchema<>(RecurrenceStep.class));
    var deserializer = roundTrip(new AvroFlinkDeserializationSchema<>(RecurrenceStep.class));

    assertThat(deserializer.deserialize(serializer.serialize(sample))).isEqualTo(sample);
    assertThat(deserializer.getProducedType()).isInstanceOf(AvroTypeInfo.class);
    assertThat(deserializer.getProducedType().getTypeClass()).isEqualTo(RecurrenceStep.class);
  }

  @Test
  void corruptBytesRaiseTheDecodingException() {
    var deserializer = new AvroFlinkDeserializationSchema<>(RecurrenceStep.class);
    assertThatThrownBy(() -> deserializer.deserialize(new byte[] {(byte) 0xC3, 1, 0}))
        .isInstanceOf(RecordDecodingException.class);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T object) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
