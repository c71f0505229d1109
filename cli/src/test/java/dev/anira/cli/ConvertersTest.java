package dev.anira.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

  @Test
  void ratesAreRecordsPerSecond() {
    RateConverter rate = new RateConverter();
    assertThat(rate.convert("500")).isEqualTo(500.0);
    assertThat(rate.convert(" 2.5/s ")).isEqualTo(2.5);
    assertThat(rate.convert("0")).isZero();
    assertThatThrownBy(() -> rate.convert("fast"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("expected N or N/s, got fast");
    assertThatThrownBy(() -> rate.convert("-1/s")).hasMessageContaining("0 or more");
    assertThatThrownBy(() -> rate.convert("NaN")).hasMessageContaining("0 or more");
  }

  @Test
  void durationsTakeTheUsualUnitsAndIso8601() {
    DurationConverter duration = new DurationConverter();
    assertThat(duration.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(duration.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(duration.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(duration.convert("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> duration.convert("soon")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Error messages echo a duration as the user would type it, not as ISO-8601. */
  @Test
  void durationsAreWrittenAsTheyAreTyped() {
    assertThat(Durations.format(Duration.ofMillis(5))).isEqualTo("5ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(1))).isEqualTo("60s");
    for (String typed : new String[] {"5ms", "1500ms", "60s"}) {
      assertThat(Durations.format(Durations.parse(typed))).isEqualTo(typed);
    }
  }
}
