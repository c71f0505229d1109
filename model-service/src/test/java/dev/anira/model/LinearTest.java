package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearTest {

  @Test
  void computesXTimesWPlusBForAWGivenAsInOut() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Linear linear = new Linear(new Weights(manager, 1), "l", 3, 2);
      float[] w = {1, 2, 3, 4, 5, 6}; // [in 3, out 2]
      linear.set(w, new float[] {0.5f, -1});
      float[] x = {1, 0, 2, -1, 1, 0}; // [2, 3]
      float[] y = linear.apply(manager.create(x, new Shape(2, 3))).toFloatArray();
      float[] expected = new float[4];
      for (int row = 0; row < 2; row++) {
        for (int out = 0; out < 2; out++) {
          float sum = out == 0 ? 0.5f : -1;
          for (int in = 0; in < 3; in++) {
            sum += x[row * 3 + in] * w[in * 2 + out];
          }
          expected[row * 2 + out] = sum;
        }
      }
      assertThat(y).containsExactly(expected, within(1e-6f));
    }
  }

  @Test
  void aMatrixIsStoredAsTheInOutTensorThatNormalDrawsAndLoadsBack() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Weights held = new Weights(manager, 7);
      held.matrix("m", 0.5, 3, 4);
      Weights plain = new Weights(manager, 7);
      plain.normal("m", 0.5, 3, 4);

      // Checkpoints written before matrices were held transposed hold exactly these values.
      assertThat(held.all().get("m").getShape()).isEqualTo(new Shape(4, 3));
      assertThat(held.storedShape("m")).containsExactly(3, 4);
      float[] stored = held.stored("m");
      assertThat(stored).containsExactly(plain.all().get("m").toFloatArray());

      Weights loaded = new Weights(manager, 8);
      loaded.matrix("m", 0.5, 3, 4);
      loaded.load(Map.of("m", stored), Map.of("m", new long[] {3, 4}), "test");
      assertThat(loaded.all().get("m").toFloatArray())
          .containsExactly(held.all().get("m").toFloatArray());
    }
  }
}
