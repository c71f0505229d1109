package dev.anira.tasks;

/**
 * One difficulty parameter of a task, with its default and the range it must lie in.
 *
 * @param integer the value must be a whole number (sizes, counts)
 * @param step whole-number values must be multiples of it (2 for lengths that must be even)
 */
public record Knob(
    String name,
    double defaultValue,
    double min,
    double max,
    boolean integer,
    int step,
    String doc) {

  public static Knob ofInt(String name, int defaultValue, int min, int max, String doc) {
    return new Knob(name, defaultValue, min, max, true, 1, doc);
  }

  public static Knob ofReal(String name, double defaultValue, double min, double max, String doc) {
    return new Knob(name, defaultValue, min, max, false, 1, doc);
  }

  /** This knob, restricted to multiples of {@code step}. */
  public Knob multipleOf(int newStep) {
    return new Knob(name, defaultValue, min, max, true, newStep, doc);
  }

  /** The valid values of this knob within [lo, hi]: its smallest and largest, or null if none. */
  public double[] validWithin(double lo, double hi) {
    if (!integer) {
      return new double[] {lo, hi};
    }
    double first = Math.ceil(lo / step) * step;
    double last = Math.floor(hi / step) * step;
    return first <= last ? new double[] {first, last} : null;
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
    if (integer && value % step != 0) {
      throw new IllegalArgumentException(
          task
              + ": "
              + name
              + " must be "
              + (step == 2 ? "even" : "a multiple of " + step)
              + ", got "
              + fmt(value));
    }
    return value;
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
