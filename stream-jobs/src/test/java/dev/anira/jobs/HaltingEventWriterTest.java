package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.analytics.InstanceEvents;
import dev.anira.schemas.HaltingEvent;
import dev.anira.schemas.NamedValue;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/** The writer's bytes are Avro's own encoding of the events {@link InstanceEvents} holds. */
class HaltingEventWriterTest {

  private static final SingleObjectCodec<HaltingEvent> CODEC =
      SingleObjectCodec.of(HaltingEvent.class);

  @Test
  void writesTheBytesAvroWritesForEachToken() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    Schema schema = HaltingEvent.getClassSchema();
    int records = 0;
    for (Object generic : new RandomData(schema, 300, 5L)) {
      HaltingEvent template = toSpecific(schema, generic);
      // Shared by an instance's events (a column record holds it once): null or a number.
      template.setTrainingUpdate(random.nextBoolean() ? null : random.nextInt());
      List<HaltingEvent> tokens = new ArrayList<>();
      for (int i = random.nextInt(1, 6); i > 0; i--) {
        tokens.add(
            HaltingEvent.newBuilder(template)
                .setPosition(random.nextInt(-1, 500))
                .setDepth(random.nextInt(0, 13))
                .setCorrect(random.nextBoolean())
                .setHaltProbability(random.nextFloat())
                .setStaticFeatures(revalued(template.getStaticFeatures(), random))
                .setAlgorithmFeatures(revalued(template.getAlgorithmFeatures(), random))
                .build());
      }
      InstanceEvents instance = InstanceEvents.of(tokens);
      for (int i = 0; i < tokens.size(); i++) {
        assertThat(HaltingEventWriter.encode(instance, i))
            .as("token %d of %s", i, instance)
            .isEqualTo(CODEC.encode(tokens.get(i)));
        records++;
      }
    }
    assertThat(records).isGreaterThan(600);
  }

  @Test
  void aSchemaWithOtherFieldsIsRefused() {
    Schema changed =
        SchemaBuilder.record("HaltingEvent").fields().requiredString("instanceId").endRecord();
    assertThatThrownBy(() -> HaltingEventWriter.requireLayout(changed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HaltingEvent's schema changed; HaltingEventWriter is written for")
        .hasMessageContaining("but the schema has [instanceId:string]");
  }

  private static List<NamedValue> revalued(List<NamedValue> features, SplittableRandom random) {
    List<NamedValue> out = new ArrayList<>();
    for (NamedValue f : features) {
      out.add(new NamedValue(f.getName(), random.nextDouble(-10, 10)));
    }
    return out;
  }

  private static HaltingEvent toSpecific(Schema schema, Object generic) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<>(schema).write(generic, encoder);
    encoder.flush();
    return new SpecificDatumReader<HaltingEvent>(
            schema, schema, SpecificData.getForClass(HaltingEvent.class))
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }
}
