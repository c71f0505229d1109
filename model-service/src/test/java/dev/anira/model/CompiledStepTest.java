package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.anira.schemas.Mechanism;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TorchScript step computes exactly what the DJL blocks compute: the same bits, not close
 * values, for every mechanism and attention pattern, with padding (cells kept) and without (the
 * step that keeps nothing).
 */
class CompiledStepTest {

  static Stream<Arguments> variants() {
    return Arrays.stream(Mechanism.values())
        .flatMap(
            m ->
                Arrays.stream(ModelConfig.Attention.values())
                    .flatMap(a -> Stream.of(Arguments.of(m, a, true), Arguments.of(m, a, false))));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void theCompiledStepComputesWhatTheBlocksComputeBitForBit(
      Mechanism mechanism, ModelConfig.Attention attention, boolean padded) {
    int[][] batch = TinyModels.sequences(5, 4);
    if (!padded) {
      batch = Arrays.stream(batch).map(s -> Arrays.copyOf(s, 2)).toArray(int[][]::new);
    }
    try (Anira model = TinyModels.create(mechanism, 7, attention);
        NoGrad noGrad = NoGrad.enter();
        NDManager scope = model.newScope()) {
      RecurrenceState.Admitted admitted = RecurrenceState.prelude(model, scope, batch, false);
      RecurrenceState s = admitted.state();
      int[] lengths = admitted.lengths();
      long time = s.context().getShape().get(1);
      NDArray mask =
          SelfAttention.mask(
              scope, attention == ModelConfig.Attention.CAUSAL, lengths, Math.toIntExact(time));
      int keptSomewhere = 0;
      for (int k = 1; k <= model.config().maxDepth(); k++) {
        boolean allActive = !padded && k == 1;
        NDArray steps = s.steps().add(1);
        RecurrenceState.Advanced blocks = s.advance(model, s.context(), steps, lengths, allActive);
        NDArray blockColumns =
            blocks.after().columns(blocks.haltedNow(), blocks.delta(), blocks.hazard());
        CompiledStep.Stepped compiled =
            model.compiledStep().dense(s, steps, mask, allActive, scope);
        RecurrenceState a = blocks.after();
        RecurrenceState b = compiled.after();
        assertThat(b.context().toFloatArray()).containsExactly(a.context().toFloatArray());
        assertThat(b.logits().toFloatArray()).containsExactly(a.logits().toFloatArray());
        assertThat(b.active().toBooleanArray()).containsExactly(a.active().toBooleanArray());
        assertThat(b.depth().toIntArray()).containsExactly(a.depth().toIntArray());
        assertThat(b.cumulative().toFloatArray()).containsExactly(a.cumulative().toFloatArray());
        assertThat(compiled.columns().getShape()).isEqualTo(blockColumns.getShape());
        assertThat(compiled.columns().toFloatArray()).containsExactly(blockColumns.toFloatArray());
        keptSomewhere += allActive ? 0 : countFalse(s.active());
        s = a;
        if (s.halted()) {
          break;
        }
      }
      if (padded) {
        assertThat(keptSomewhere).as("steps that kept inactive cells").isPositive();
      }
    }
  }

  private static int countFalse(NDArray mask) {
    int n = 0;
    for (boolean b : mask.toBooleanArray()) {
      n += b ? 0 : 1;
    }
    return n;
  }

  @Test
  void libtorchReadsTheArchivesAttributesAsWritten() throws Exception {
    String source =
        """
        class M(Module):
          __parameters__ = []
          __buffers__ = []
          training : bool
          n : int
          x : float
          s : str
          on : bool
          def read(self: __torch__.M) -> Tuple[int, float, str, bool, bool]:
            return (self.n, self.x, self.s, self.on, self.training)
        """;
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("n", -123456);
    attributes.put("x", 0.1);
    attributes.put("s", "ONLINE λ");
    attributes.put("on", true);
    byte[] archive = TorchScriptArchive.of("M", source, attributes);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InputStream in = new ByteArrayInputStream(archive);
        PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, in, true, false);
        IValue read = IValueUtils.runMethod(module, "read")) {
      IValue[] values = read.toIValueTuple();
      assertThat(values[0].toLong()).isEqualTo(-123456);
      assertThat(values[1].toDouble()).isEqualTo(0.1);
      assertThat(values[2].toStringValue()).isEqualTo("ONLINE λ");
      assertThat(values[3].toBoolean()).isTrue();
      assertThat(values[4].toBoolean()).isFalse();
    }
    assertThatThrownBy(() -> TorchScriptArchive.of("M", source, Map.of("n", new int[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute n");
  }
}
