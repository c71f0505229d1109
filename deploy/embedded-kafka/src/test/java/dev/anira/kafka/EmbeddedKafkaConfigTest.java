package dev.anira.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaConfigTest {

  @Test
  void ephemeralDefaultsToLoopbackFreePortsAndTemporaryStorage() {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.ephemeral();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isZero();
    assertThat(config.logDir()).isNull();
  }

  @Test
  void rejectsImpossiblePorts() {
    var base = EmbeddedKafkaConfig.ephemeral();
    assertThatThrownBy(() -> base.withPort(70000)).hasMessageContaining("port must be 0..65535");
    assertThatThrownBy(() -> base.withPort(-1)).hasMessageContaining("got -1");
    assertThatThrownBy(
            () -> new EmbeddedKafkaConfig("127.0.0.1", 9092, 9092, null, false, Map.of()))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> base.withHost(" ")).hasMessageContaining("host");
  }

  @Test
  void overridesComeLastInTheBrokerProperties() {
    var config = EmbeddedKafkaConfig.ephemeral().withOverrides(Map.of("num.partitions", "3"));
    var props = EmbeddedKafkaBroker.brokerProperties(config, Path.of("/tmp/x"), 1234, 1235);
    assertThat(props.getProperty("num.partitions")).isEqualTo("3");
    assertThat(props.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:1234,CONTROLLER://127.0.0.1:1235");
    assertThat(props.getProperty("auto.create.topics.enable")).isEqualTo("false");
  }
}
