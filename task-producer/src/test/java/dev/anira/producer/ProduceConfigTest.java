package dev.anira.producer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.tasks.TaskMix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProduceConfigTest {

  private static final List<TaskMix> MIX =
      ProducerSettings.fromFlags("parity", Map.of(), Map.of(), Map.of());

  @Test
  void eachValueOutOfRangeNamesItsOption() {
    assertThatThrownBy(() -> config(-1, null, null, true, null, 9464))
        .hasMessageStartingWith("--rate must be 0 or more");
    assertThatThrownBy(() -> config(1, 0L, null, true, null, 9464))
        .hasMessage("--count must be at least 1, got 0");
    assertThatThrownBy(() -> config(1, null, Duration.ZERO, true, null, 9464))
        .hasMessageStartingWith("--duration must be positive");
    assertThatThrownBy(() -> config(1, null, null, false, null, 9464))
        .hasMessage("--no-kafka needs --out, or nothing would be written");
    assertThatThrownBy(() -> config(1, null, null, true, null, 70000))
        .hasMessageStartingWith("--metrics-port must be -1 (off), 0 (any) or a port");
  }

  private static ProduceConfig config(
      double rate, Long count, Duration duration, boolean kafka, Path out, int metricsPort) {
    return new ProduceConfig(
        "127.0.0.1:9092",
        MIX,
        rate,
        count,
        duration,
        Duration.ofSeconds(10),
        kafka,
        out,
        1,
        "test",
        "127.0.0.1",
        metricsPort);
  }
}
