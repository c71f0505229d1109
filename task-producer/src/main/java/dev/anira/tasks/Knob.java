package dev.anira.tasks;

/**
 * One difficulty parameter of a task, with its default and the range it must lie in.
 *
 * @param integer the value must be a whole number (sizes, counts)
 */
public record Knob(
    String name, double defaultValue, double min, double max, boolean integer, String doc) {

  public static Knob ofInt(String name, int defaultValue, int min, int max, String doc) {
    return new Knob(name, defaultValue, min, max, true, doc);
  }

  public static Knob ofReal(String name, double defaultValue, double min, double max, String doc) {
    return new Knob(name, defaultValue, min, max, false, doc);
  }

  /** The value, checked against the range; the message names the task and the knob. */
  double check(String task, double value) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw new IllegalArgumentException(
          task
              + ": "
              + name
              + " must be in ["
              + fmt(min)
              + ", "
              + fmt(max)
              + "], got "
              + fmt(value));
    }
    if (integer && value != Math.rint(value)) {
      throw new IllegalArgumentException(
          task + ": " + name + " must be a whole number, got " + fmt(value));
    }
    return value;
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
