package dev.anira.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Rates on the command line, in records per second: {@code 500}, {@code 500/s}; 0 is unpaced. */
public final class RateConverter implements ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    String s = value.trim();
    s = s.endsWith("/s") ? s.substring(0, s.length() - 2).trim() : s;
    double rate;
    try {
      rate = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("expected N or N/s, got " + value);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new TypeConversionException("must be 0 or more per second, got " + value);
    }
    return rate;
  }
}
