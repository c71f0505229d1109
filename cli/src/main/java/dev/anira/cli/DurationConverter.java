package dev.anira.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Durations on the command line: 500ms, 30s, 5m, 1h or ISO-8601. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}
