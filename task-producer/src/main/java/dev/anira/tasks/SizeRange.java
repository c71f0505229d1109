package dev.anira.tasks;

/** An inclusive range of knob values, written {@code MIN..MAX} or a single value. */
public record SizeRange(double min, double max) {

  public SizeRange {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("range " + min + ".." + max + " is empty");
    }
  }

  public static SizeRange parse(String text) {
    String s = text.trim();
    try {
      int dots = s.indexOf("..");
      if (dots < 0) {
        double v = Double.parseDouble(s);
        return new SizeRange(v, v);
      }
      return new SizeRange(
          Double.parseDouble(s.substring(0, dots).trim()),
          Double.parseDouble(s.substring(dots + 2).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number or a range MIN..MAX");
    }
  }
}
