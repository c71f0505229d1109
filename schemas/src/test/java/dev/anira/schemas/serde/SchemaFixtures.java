package dev.anira.schemas.serde;

import dev.anira.schemas.SampleRecords;
import dev.anira.schemas.Topic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes the fixtures of the newest archived version of every topic's record, from {@link
 * SampleRecords}: {@code <Record>.bin} (single-object encoding) and {@code <Record>.json}, under
 * {@code schemas/src/test/resources/fixtures/v<N>/} (the directory given as the first argument; the
 * profile passes the module's own, whichever directory Maven runs from). {@link
 * BackwardCompatibilityTest} then reads every version's fixtures with today's reader. Run it once
 * when archiving a schema version:
 *
 * <pre>{@code mvn -pl schemas -Pschema-fixtures process-test-classes}</pre>
 */
public final class SchemaFixtures {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  private SchemaFixtures() {}

  public static void main(String[] args) throws IOException {
    Path fixtures = args.length > 0 ? Path.of(args[0]) : FIXTURES;
    for (Topic topic : Topic.values()) {
      SingleObjectCodec<SpecificRecordBase> codec = RoundTripTest.codecFor(topic);
      int version = SchemaHistory.get().versionsOf(codec.schema().getFullName()).size();
      Path dir = Files.createDirectories(fixtures.resolve("v" + version));
      SpecificRecordBase sample = SampleRecords.of(topic);
      String name = codec.schema().getName();
      Files.write(dir.resolve(name + ".bin"), codec.encode(sample));
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(codec.schema(), json, true);
      new SpecificDatumWriter<SpecificRecordBase>(
              codec.schema(), SpecificData.getForClass(codec.type()))
          .write(sample, encoder);
      encoder.flush();
      Files.writeString(dir.resolve(name + ".json"), json.toString(StandardCharsets.UTF_8) + "\n");
      System.out.println("wrote " + dir.resolve(name + ".bin") + " and .json");
    }
  }
}
