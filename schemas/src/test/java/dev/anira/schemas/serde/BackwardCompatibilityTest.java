package dev.anira.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.Topic;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages written by older producers, kept byte for byte under {@code fixtures/v<N>/}, must still
 * read with the current schema. Each fixture is a {@code .bin} (single-object encoding, as it
 * travelled on Kafka) and a {@code .json} (the same record in Avro JSON under the old schema): the
 * binary read through the codec must equal the JSON read through Avro's schema resolution.
 */
class BackwardCompatibilityTest {

  private static final String FIXTURES = SchemaFixtures.FIXTURES.toString();

  record Fixture(int version, String recordName, Path bin, Path json) {
    @Override
    public String toString() {
      return "v" + version + "/" + recordName;
    }
  }

  static Stream<Fixture> fixtures() throws IOException, URISyntaxException {
    List<Fixture> all = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of(FIXTURES))) {
      for (Path dir : dirs.sorted().toList()) {
        int version = Integer.parseInt(dir.getFileName().toString().substring(1));
        try (Stream<Path> files = Files.list(dir)) {
          for (Path bin : files.filter(p -> p.toString().endsWith(".bin")).sorted().toList()) {
            String name = bin.getFileName().toString().replace(".bin", "");
            all.add(new Fixture(version, name, bin, dir.resolve(name + ".json")));
          }
        }
      }
    }
    return all.stream();
  }

  @Test
  void version1CoversEveryRecordType() throws Exception {
    List<String> v1 = fixtures().filter(f -> f.version() == 1).map(Fixture::recordName).toList();
    assertThat(v1)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Topic.values()).map(t -> t.recordType().getSimpleName()).toList());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void oldMessageReadsWithCurrentSchema(Fixture fixture) throws IOException {
    Topic topic = topicOf(fixture.recordName());
    SingleObjectCodec<SpecificRecordBase> codec = RoundTripTest.codecFor(topic);
    Schema writer =
        SchemaHistory.get()
            .versionsOf(codec.schema().getFullName())
            .get(fixture.version() - 1)
            .schema();

    SpecificRecordBase fromBytes = codec.decode(Files.readAllBytes(fixture.bin()));

    SpecificDatumReader<SpecificRecordBase> resolving =
        new SpecificDatumReader<>(writer, codec.schema(), SpecificData.getForClass(codec.type()));
    SpecificRecordBase fromJson =
        resolving.read(
            null, DecoderFactory.get().jsonDecoder(writer, Files.readString(fixture.json())));
    assertThat(fromBytes).isEqualTo(fromJson);
  }

  private static Topic topicOf(String recordSimpleName) {
    return Arrays.stream(Topic.values())
        .filter(t -> t.recordType().getSimpleName().equals(recordSimpleName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("fixture of unknown record " + recordSimpleName));
  }
}
