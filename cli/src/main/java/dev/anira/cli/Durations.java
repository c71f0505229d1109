package dev.anira.cli;

import java.time.Duration;
import java.util.Locale;

/** The one way every anira command line spells a duration: 500ms, 30s, 5m, 1h or ISO-8601. */
public final class Durations {

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the accepted forms when the text is none of them
   */
  public static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      } else if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        return Duration.ofMillis(
            (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
      } else if (s.endsWith("m")) {
        return Duration.ofSeconds((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 60));
      } else if (s.endsWith("h")) {
        return Duration.ofSeconds(
            (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 3600));
      }
    } catch (RuntimeException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("expected e.g. 500ms, 30s, 5m, 1h or PT30S, got " + text);
  }

  /**
   * A duration as a command line spells it, for messages: {@code 5ms}, {@code 30s}; {@link #parse}
   * reads it back. Null gives {@code none}.
   */
  public static String format(Duration duration) {
    if (duration == null) {
      return "none";
    }
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
