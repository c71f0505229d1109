package dev.anira.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class CompletedAheadTest {

  @Test
  void theOffsetsPastTheCommittedOneComeBackFromItsMetadata() {
    OffsetAndMetadata committed = CompletedAhead.offset(1_000, List.of(1_000L, 1_007L, 1_900L));
    assertThat(committed.offset()).isEqualTo(1_000);
    assertThat(CompletedAhead.of(committed)).containsExactly(1_000L, 1_007L, 1_900L);
  }

  @Test
  void nothingCompletedAheadIsAPlainOffset() {
    OffsetAndMetadata committed = CompletedAhead.offset(42, List.of());
    assertThat(committed.metadata()).isEmpty();
    assertThat(CompletedAhead.of(committed)).isEmpty();
    assertThat(CompletedAhead.of(null)).isEmpty();
    assertThat(CompletedAhead.of(new OffsetAndMetadata(42, "written by another tool"))).isEmpty();
  }

  @Test
  void theFarthestOffsetFitsKafkasDefaultMetadataLimit() {
    long position = 5;
    OffsetAndMetadata committed =
        CompletedAhead.offset(position, List.of(position + CompletedAhead.MAX_DISTANCE));
    assertThat(committed.metadata().length()).isLessThan(4096);
    assertThat(CompletedAhead.of(committed))
        .containsExactly(position + CompletedAhead.MAX_DISTANCE);
    assertThatThrownBy(
            () ->
                CompletedAhead.offset(
                    position, List.of(position + CompletedAhead.MAX_DISTANCE + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompletedAhead.offset(position, List.of(position - 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
