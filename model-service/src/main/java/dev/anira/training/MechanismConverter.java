package dev.anira.training;

import dev.anira.schemas.Mechanism;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts online, early and fixed in any case. */
public final class MechanismConverter implements ITypeConverter<Mechanism> {
  @Override
  public Mechanism convert(String value) {
    try {
      return Mechanism.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a mechanism; use online, early or fixed");
    }
  }
}
