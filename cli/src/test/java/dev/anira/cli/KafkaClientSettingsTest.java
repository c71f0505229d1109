package dev.anira.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

  @Test
  void prefixedVariablesBecomeClientProperties() {
    assertThat(
            KafkaClientSettings.from(
                Map.of(
                    "ANIRA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "ANIRA_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.Login required;",
                    "ANIRA_KAFKA_", "ignored",
                    "KAFKA_SASL_MECHANISM", "not ours",
                    "PATH", "/bin")))
        .containsOnly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.jaas.config", "org.apache.kafka.Login required;"));
  }

  @Test
  void theBootstrapComesOnlyFromTheCommandLine() {
    assertThatThrownBy(
            () -> KafkaClientSettings.from(Map.of("ANIRA_KAFKA_BOOTSTRAP_SERVERS", "a:9092")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bootstrap");
  }
}
