package dev.anira.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.DeadLetter;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.SampleRecords;
import dev.anira.schemas.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSerdeTest {

  private final ProblemInstance sample = (ProblemInstance) SampleRecords.of(Topic.TASKS);

  @Test
  void configuredByClassNameAsKafkaDoes() {
    var serializer = new AvroKafkaSerializer<ProblemInstance>();
    var deserializer = new AvroKafkaDeserializer<ProblemInstance>();
    Map<String, String> config =
        Map.of(AvroKafkaSerdeConfig.RECORD_CLASS, ProblemInstance.class.getName());
    serializer.configure(config, false);
    deserializer.configure(config, false);

    assertThat(deserializer.deserialize("anira.tasks", serializer.serialize("anira.tasks", sample)))
        .isEqualTo(sample);
  }

  @Test
  void tombstonesStayNull() {
    var serializer = new AvroKafkaSerializer<>(ProblemInstance.class);
    var deserializer = new AvroKafkaDeserializer<>(ProblemInstance.class);
    assertThat(serializer.serialize("t", null)).isNull();
    assertThat(deserializer.deserialize("t", null)).isNull();
  }

  @Test
  void missingOrWrongClassConfigFailsWithTheSettingName() {
    var deserializer = new AvroKafkaDeserializer<ProblemInstance>();
    assertThatThrownBy(() -> deserializer.configure(Map.of(), false))
        .hasMessageContaining(AvroKafkaSerdeConfig.RECORD_CLASS);
    assertThatThrownBy(
            () ->
                deserializer.configure(
                    Map.of(AvroKafkaSerdeConfig.RECORD_CLASS, "java.lang.String"), false))
        .hasMessageContaining("not a generated Avro record");
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[12]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before configure");
  }

  @Test
  void deadLetterCarriesTheDecodingReasonAndTheBytes() {
    byte[] garbage = {1, 2, 3};
    RecordDecodingException error =
        (RecordDecodingException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> new AvroKafkaDeserializer<>(ProblemInstance.class).deserialize("t", garbage));

    DeadLetter letter =
        DeadLetters.of("anira.tasks", 3, 17L, null, garbage, error, "UNEXPECTED", "test");

    assertThat(letter.getErrorType()).isEqualTo("BAD_HEADER");
    assertThat(letter.getReason()).contains("shorter than");
    assertThat(letter.getPayload().array()).containsExactly(1, 2, 3);
    assertThat(letter.getOffset()).isEqualTo(17L);
    assertThat(letter.getKey()).isNull();
    assertThat(
            DeadLetters.of(
                    "t", null, null, null, null, new IllegalStateException("x"), "INVALID", "p")
                .getErrorType())
        .isEqualTo("INVALID");
  }
}
