package dev.anira.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaHistoryTest {

  /**
   * A schema change must be archived as a new version, or readers of this build could not read what
   * it writes once the next change lands. The failure writes the file to copy.
   */
  @ParameterizedTest
  @EnumSource(Topic.class)
  void currentSchemaIsTheNewestArchivedVersion(Topic topic) throws IOException {
    Schema current = SchemaHistory.schemaOf(topic.recordType());
    List<SchemaHistory.Version> versions = SchemaHistory.get().versionsOf(current.getFullName());
    int next = versions.size() + 1;
    long newest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1).fingerprint();
    if (newest != SchemaHistory.fingerprint(current)) {
      Path proposed =
          Path.of(
              "target/schema-history-proposed",
              SchemaHistory.resourcePath(current.getName(), next));
      Files.createDirectories(proposed.getParent());
      Files.writeString(proposed, current.toString(true) + "\n");
      throw new AssertionError(
          current.getName()
              + " changed since its newest archived version. Copy "
              + proposed.toAbsolutePath()
              + " to schemas/src/main/resources/"
              + SchemaHistory.resourcePath(current.getName(), next)
              + " and add a v"
              + next
              + " fixture (see BackwardCompatibilityTest).");
    }
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void everyArchivedVersionIsReadableByTheCurrentSchema(Topic topic) {
    Schema current = SchemaHistory.schemaOf(topic.recordType());
    List<SchemaHistory.Version> versions = SchemaHistory.get().versionsOf(current.getFullName());
    assertThat(versions).isNotEmpty();
    for (SchemaHistory.Version old : versions) {
      var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old.schema());
      assertThat(result.getType())
          .as(
              "%s v%d read by the current schema: %s",
              current.getName(), old.version(), result.getResult().getIncompatibilities())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void fingerprintsAreUniqueAcrossRecordTypes(Topic topic) {
    Schema current = SchemaHistory.schemaOf(topic.recordType());
    for (SchemaHistory.Version v : SchemaHistory.get().versionsOf(current.getFullName())) {
      assertThat(SchemaHistory.get().byFingerprint(v.fingerprint())).contains(v);
    }
  }
}
