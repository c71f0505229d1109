package dev.anira.jobs;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * A record schema's fields in writing order, spelled {@code name:type} (arrays {@code
 * array<items>}, unions {@code union<a,b>}, nested records {@code Name{fields}}, a logical type in
 * parentheses: {@code long(timestamp-millis)}), for code that reads or writes Avro binary field by
 * field: it states the layout it was written for, and {@link #require} refuses any other at once
 * instead of misreading or miswriting records.
 */
final class AvroLayout {

  private AvroLayout() {}

  static List<String> of(Schema record) {
    return record.getFields().stream().map(f -> f.name() + ":" + type(f.schema())).toList();
  }

  /**
   * @throws IllegalStateException if {@code record}'s layout is not {@code expected}
   */
  static void require(Schema record, List<String> expected, String user) {
    List<String> actual = of(record);
    if (!actual.equals(expected)) {
      throw new IllegalStateException(
          record.getName()
              + "'s schema changed; "
              + user
              + " is written for "
              + expected
              + " but the schema has "
              + actual);
    }
  }

  private static String type(Schema s) {
    return switch (s.getType()) {
      case ARRAY -> "array<" + type(s.getElementType()) + ">";
      case UNION ->
          s.getTypes().stream()
              .map(AvroLayout::type)
              .collect(Collectors.joining(",", "union<", ">"));
      case RECORD -> s.getName() + of(s).stream().collect(Collectors.joining(",", "{", "}"));
      default ->
          s.getType().getName()
              + (s.getLogicalType() == null ? "" : "(" + s.getLogicalType().getName() + ")");
    };
  }
}
