package dev.anira.jobs;

import java.io.IOException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.io.Decoder;

/**
 * Reading Avro binary fields one by one, as the join's readers do ({@link StepRecordReader}, {@link
 * TraceReader}): each refuses what a full decode refuses for that field.
 */
final class AvroFields {

  private AvroFields() {}

  /**
   * An enum's symbol index.
   *
   * @throws AvroTypeException if it is outside the {@code symbols} symbols of field {@code field}
   */
  static int enumIndex(Decoder in, int symbols, String field) throws IOException {
    int index = in.readEnum();
    if (index < 0 || index >= symbols) {
      throw new AvroTypeException(field + " symbol index " + index + " out of range");
    }
    return index;
  }

  /**
   * Skips an array whose items take {@code width} bytes each (floats, doubles, booleans): the same
   * bytes, and the same refusal of a message cut short, as reading them item by item.
   */
  static void skipFixedWidth(Decoder in, int width) throws IOException {
    for (long block = in.readArrayStart(); block > 0; block = in.arrayNext()) {
      in.skipFixed(Math.toIntExact(block * width));
    }
  }
}
