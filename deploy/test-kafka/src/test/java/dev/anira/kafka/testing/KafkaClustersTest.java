package dev.anira.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaClustersTest {

  @Test
  void unknownClusterKindIsNamed() {
    assertThatThrownBy(() -> KafkaClusters.Kind.parse("dockr", "ANIRA_KAFKA"))
        .hasMessage("ANIRA_KAFKA=dockr is not one of auto, embedded, container");
    assertThat(KafkaClusters.Kind.parse(" Embedded ", "x")).isEqualTo(KafkaClusters.Kind.EMBEDDED);
  }
}
