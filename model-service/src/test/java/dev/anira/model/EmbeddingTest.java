package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.anira.schemas.Mechanism;
import org.junit.jupiter.api.Test;

/** The sinusoidal position table, kept for the longest sequence seen. */
class EmbeddingTest {

  @Test
  void aShorterSequenceGetsTheFirstRowsOfTheTableKeptForALongerOne() {
    try (Anira longFirst = TinyModels.create(Mechanism.FIXED, 1);
        Anira fresh = TinyModels.create(Mechanism.FIXED, 1);
        NDManager scope = NDManager.newBaseManager()) {
      byte[] nine = longFirst.embedding.positions(scope, 9).toByteArray();
      byte[] fourAfterNine = longFirst.embedding.positions(scope, 4).toByteArray();
      byte[] fourFirst = fresh.embedding.positions(scope, 4).toByteArray();
      assertThat(fourAfterNine).containsExactly(fourFirst);
      assertThat(fresh.embedding.positions(scope, 9).get(new NDIndex("0:4")).toByteArray())
          .containsExactly(fourFirst);
      assertThat(fresh.embedding.positions(scope, 9).toByteArray()).containsExactly(nine);
      int d = longFirst.config().modelDim();
      assertThat(longFirst.embedding.positions(scope, 4).getShape().getShape())
          .containsExactly(4, d);
    }
  }
}
