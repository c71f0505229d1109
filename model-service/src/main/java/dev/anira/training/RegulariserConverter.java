package dev.anira.training;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts steps and kl in any case. */
public final class RegulariserConverter implements ITypeConverter<PonderLoss.Regulariser> {
  @Override
  public PonderLoss.Regulariser convert(String value) {
    try {
      return PonderLoss.Regulariser.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a regulariser; use steps or kl");
    }
  }
}
