package dev.anira.modelservice.cli;

import dev.anira.training.PonderLoss;
import dev.anira.training.TrainingConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an enum option in any case and names the accepted values when it cannot; picocli needs one
 * no-argument class per enum, hence the small subclasses.
 */
public abstract class EnumConverter<E extends Enum<E>> implements ITypeConverter<E> {

  private final Class<E> type;
  private final String what;

  EnumConverter(Class<E> type, String what) {
    this.type = type;
    this.what = what;
  }

  @Override
  public E convert(String value) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String accepted =
          Arrays.stream(type.getEnumConstants())
              .map(c -> c.name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
      throw new TypeConversionException(
          "'" + value + "' is not " + what + "; use one of " + accepted);
    }
  }

  /** online, early or fixed. */
  public static final class MechanismName extends EnumConverter<dev.anira.schemas.Mechanism> {
    public MechanismName() {
      super(dev.anira.schemas.Mechanism.class, "a mechanism");
    }
  }

  /** steps or kl. */
  public static final class Regulariser extends EnumConverter<PonderLoss.Regulariser> {
    public Regulariser() {
      super(PonderLoss.Regulariser.class, "a regulariser");
    }
  }

  /** all or expected. */
  public static final class DepthSupervision extends EnumConverter<PonderLoss.DepthSupervision> {
    public DepthSupervision() {
      super(PonderLoss.DepthSupervision.class, "a depth supervision");
    }
  }

  /** answers or all. */
  public static final class RegulariserTokens extends EnumConverter<PonderLoss.RegulariserTokens> {
    public RegulariserTokens() {
      super(PonderLoss.RegulariserTokens.class, "a set of tokens to regularise");
    }
  }

  /** constant or cosine. */
  public static final class Schedule extends EnumConverter<TrainingConfig.Schedule> {
    public Schedule() {
      super(TrainingConfig.Schedule.class, "a learning-rate schedule");
    }
  }

  /** causal or bidirectional. */
  public static final class Attention extends EnumConverter<dev.anira.model.ModelConfig.Attention> {
    public Attention() {
      super(dev.anira.model.ModelConfig.Attention.class, "an attention pattern");
    }
  }
}
