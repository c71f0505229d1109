package dev.anira.schemas.serde;

import dev.anira.schemas.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every schema version this build can read, shipped in the jar as {@code
 * dev/anira/schemas/history/<Record>.v<N>.avsc}. Readers look writers up here by the fingerprint in
 * each message, so no registry server is needed. Changing a schema means archiving it as the next
 * version (SchemaHistoryTest fails until you do, and checks that the change is backward
 * compatible).
 */
public final class SchemaHistory {

  /** One archived schema version of one record type. */
  public record Version(String recordName, int version, Schema schema, long fingerprint) {}

  private static final String ROOT = "/dev/anira/schemas/history/";
  private static final SchemaHistory INSTANCE = load();

  private final Map<Long, Version> byFingerprint;
  private final Map<String, List<Version>> byRecord;

  private SchemaHistory(List<Version> versions) {
    Map<Long, Version> fingerprints = new HashMap<>();
    Map<String, List<Version>> records = new HashMap<>();
    for (Version v : versions) {
      fingerprints.put(v.fingerprint(), v);
      records.computeIfAbsent(v.recordName(), k -> new ArrayList<>()).add(v);
    }
    records.replaceAll((k, list) -> List.copyOf(list));
    this.byFingerprint = Collections.unmodifiableMap(fingerprints);
    this.byRecord = Collections.unmodifiableMap(records);
  }

  public static SchemaHistory get() {
    return INSTANCE;
  }

  public Optional<Version> byFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** The archived versions of a record type (full Avro name), oldest first. */
  public List<Version> versionsOf(String recordFullName) {
    return byRecord.getOrDefault(recordFullName, List.of());
  }

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Resource path of one archived version, relative to the classpath root. */
  public static String resourcePath(String recordSimpleName, int version) {
    return ROOT.substring(1) + recordSimpleName + ".v" + version + ".avsc";
  }

  private static SchemaHistory load() {
    List<Version> versions = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      Schema current = schemaOf(topic.recordType());
      for (int v = 1; ; v++) {
        Optional<Schema> archived = read(current.getName(), v);
        if (archived.isEmpty()) {
          break;
        }
        Schema schema = archived.get();
        if (!schema.getFullName().equals(current.getFullName())) {
          throw new IllegalStateException(
              resourcePath(current.getName(), v) + " holds " + schema.getFullName());
        }
        versions.add(new Version(schema.getFullName(), v, schema, fingerprint(schema)));
      }
    }
    return new SchemaHistory(versions);
  }

  private static Optional<Schema> read(String recordSimpleName, int version) {
    String path = "/" + resourcePath(recordSimpleName, version);
    try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
      if (in == null) {
        return Optional.empty();
      }
      // A fresh parser per file: each archived file is self-contained with its named types.
      return Optional.of(new Schema.Parser().parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read archived schema " + path, e);
    }
  }

  static Schema schemaOf(Class<?> recordType) {
    try {
      return (Schema) recordType.getField("SCHEMA$").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(recordType + " is not a generated Avro record", e);
    }
  }
}
