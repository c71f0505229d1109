package dev.anira.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MonitorConfigTest {

  @Test
  void namesTheOptionOfAValueOutOfRange() {
    assertThat(new MonitorConfig("k:9092", MonitorConfig.DEFAULT_HOST, 0).port()).isZero();
    assertThatThrownBy(() -> new MonitorConfig("k:9092", "127.0.0.1", 70000))
        .hasMessage("--port must be within 0..65535, got 70000");
    assertThatThrownBy(() -> new MonitorConfig("k:9092", "127.0.0.1", -1))
        .hasMessageStartingWith("--port must be within");
    assertThatThrownBy(() -> new MonitorConfig(" ", "127.0.0.1", 8080))
        .hasMessage("--bootstrap is required");
    assertThatThrownBy(() -> new MonitorConfig("k:9092", "", 8080))
        .hasMessage("--host must not be empty");
  }
}
