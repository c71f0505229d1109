package dev.anira.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anira.schemas.Mechanism;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TorchScript step computes exactly what the DJL blocks compute: the same bits, not close
 * values, for every mechanism and attention pattern, with padding (cells kept) and without (the
 * step that keeps nothing).
 */
class CompiledStepTest {

  /** {@link RecurrenceTest#variants}, each padded and not. */
  static Stream<Arguments> variants() {
    return RecurrenceTest.variants()
        .flatMap(
            v ->
                Stream.of(true, false).map(padded -> Arguments.of(v.get()[0], v.get()[1], padded)));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void theCompiledStepComputesWhatTheBlocksComputeBitForBit(
      Mechanism mechanism, ModelConfig.Attention attention, boolean padded) {
    int[][] batch = batch(padded);
    try (Anira model = TinyModels.create(mechanism, 7, attention);
        NoGrad noGrad = NoGrad.enter();
        NDManager scope = model.newScope()) {
      RecurrenceState.Admitted admitted = RecurrenceState.prelude(model, scope, batch, false);
      RecurrenceState s = admitted.state();
      int[] lengths = admitted.lengths();
      NDArray mask = maskOf(admitted, attention, scope);
      int keptSomewhere = 0;
      int compared = 0;
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
        compared++;
        s = a;
        if (s.halted()) {
          break;
        }
      }
      if (padded) {
        assertThat(keptSomewhere).as("steps that kept inactive cells").isPositive();
      }
      // The first call runs with libtorch's optimiser on, the later ones without
      // (CompiledStep.call).
      assertThat(compared).as("steps compared").isGreaterThanOrEqualTo(2);
    }
  }

  /** Four sequences of 2–8 tokens (padded to the longest), or of 2 tokens each (no padding). */
  private static int[][] batch(boolean padded) {
    int[][] batch = TinyModels.sequences(5, 4);
    return padded
        ? batch
        : Arrays.stream(batch).map(s -> Arrays.copyOf(s, 2)).toArray(int[][]::new);
  }

  /** Step 0: the embedding, the prelude, its readout and record, and EARLY's plan. */
  @ParameterizedTest
  @MethodSource("variants")
  void theCompiledPreludeComputesWhatTheBlocksComputeBitForBit(
      Mechanism mechanism, ModelConfig.Attention attention, boolean padded) {
    try (Anira model = TinyModels.create(mechanism, 7, attention)) {
      assertSamePrelude(model, batch(padded));
    }
  }

  /** The prelude's layer loop: none, and more than one (the models above have one). */
  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void theCompiledPreludeRunsEveryPreludeLayer(int preludeLayers) {
    ModelConfig one = TinyModels.config(Mechanism.ONLINE, 3);
    ModelConfig config =
        new ModelConfig(
            one.vocabSize(),
            one.modelDim(),
            one.heads(),
            one.ffDim(),
            preludeLayers,
            one.maxDepth(),
            one.mechanism(),
            one.fixedDepth(),
            one.haltThreshold(),
            one.attention());
    try (Anira model = Anira.create(config, Device.cpu(), 13)) {
      assertSamePrelude(model, batch(true));
    }
  }

  /**
   * Twice: the first call runs with libtorch's optimiser on, later ones without
   * (CompiledStep.call).
   */
  private static void assertSamePrelude(Anira model, int[][] batch) {
    try (NoGrad noGrad = NoGrad.enter();
        NDManager scope = model.newScope()) {
      RecurrenceState.Admitted blocks = RecurrenceState.prelude(model, scope, batch, true);
      for (int call = 1; call <= 2; call++) {
        RecurrenceState.Admitted compiled = RecurrenceState.compiledPrelude(model, scope, batch);
        assertThat(compiled.lengths()).containsExactly(blocks.lengths());
        List<NDArray> a = blocks.state().tensors();
        List<NDArray> b = compiled.state().tensors();
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
          assertThat(b.get(i).getDataType()).isEqualTo(a.get(i).getDataType());
          assertThat(b.get(i).getShape()).isEqualTo(a.get(i).getShape());
          assertThat(b.get(i).toByteArray())
              .as("call %d, tensor %d", call, i)
              .containsExactly(a.get(i).toByteArray());
        }
        assertThat(compiled.record()).usingRecursiveComparison().isEqualTo(blocks.record());
      }
    }
  }

  /**
   * The gathered step (fewer than half the cells active) on the same state as the dense one: cells
   * that do not step keep their values exactly; those that step agree to float rounding (an [N, d]
   * matrix product is not bit-identical to a [B, T, d] one), and their decisions exactly.
   */
  @ParameterizedTest
  @MethodSource("dev.anira.model.RecurrenceTest#variants")
  void theGatheredStepComputesWhatTheDenseStepComputes(
      Mechanism mechanism, ModelConfig.Attention attention) {
    int[][] batch = TinyModels.sequences(9, 5);
    try (Anira model = TinyModels.create(mechanism, 11, attention);
        NoGrad noGrad = NoGrad.enter();
        NDManager scope = model.newScope()) {
      RecurrenceState.Admitted admitted = RecurrenceState.prelude(model, scope, batch, false);
      RecurrenceState prelude = admitted.state();
      int[] lengths = admitted.lengths();
      int time = Math.toIntExact(prelude.context().getShape().get(1));
      // Every third real token asks: a gathered step's share.
      boolean[] asking = new boolean[batch.length * time];
      List<Long> cells = new ArrayList<>();
      List<Long> rows = new ArrayList<>();
      for (int b = 0; b < batch.length; b++) {
        for (int t = 0; t < lengths[b]; t++) {
          if ((b + t) % 3 == 0) {
            asking[b * time + t] = true;
            cells.add((long) b * time + t);
            rows.add((long) b);
          }
        }
      }
      RecurrenceState s =
          new RecurrenceState(
              prelude.context(),
              prelude.logits(),
              scope.create(asking, prelude.active().getShape()),
              prelude.depth(),
              prelude.steps(),
              prelude.cumulative(),
              prelude.routerLogits(),
              prelude.routerCumulative(),
              prelude.planned());
      NDArray steps = s.steps().add(1);
      NDArray mask = maskOf(admitted, attention, scope);
      CompiledStep step = model.compiledStep();
      CompiledStep.Stepped dense = step.dense(s, steps, mask, false, scope);
      CompiledStep.Stepped gathered =
          step.gathered(
              s,
              steps,
              mask,
              scope.create(cells.stream().mapToLong(Long::longValue).toArray()),
              scope.create(rows.stream().mapToLong(Long::longValue).toArray()),
              scope);
      RecurrenceState a = dense.after();
      RecurrenceState g = gathered.after();
      assertThat(g.active().toBooleanArray()).containsExactly(a.active().toBooleanArray());
      assertThat(g.depth().toIntArray()).containsExactly(a.depth().toIntArray());
      assertThat(g.context().toFloatArray())
          .containsExactly(a.context().toFloatArray(), within(1e-5f));
      assertThat(g.logits().toFloatArray())
          .containsExactly(a.logits().toFloatArray(), within(1e-5f));
      assertThat(g.cumulative().toFloatArray())
          .containsExactly(a.cumulative().toFloatArray(), within(1e-5f));
      assertThat(gathered.columns().toFloatArray())
          .containsExactly(dense.columns().toFloatArray(), within(1e-5f));
      int cellsOfGrid = batch.length * time;
      float[] kept = prelude.context().toFloatArray();
      float[] after = g.context().toFloatArray();
      int d = model.config().modelDim();
      for (int cell = 0; cell < cellsOfGrid; cell++) {
        if (!asking[cell]) {
          assertThat(Arrays.copyOfRange(after, cell * d, (cell + 1) * d))
              .as("cell %d did not step", cell)
              .containsExactly(Arrays.copyOfRange(kept, cell * d, (cell + 1) * d));
        }
      }
    }
  }

  /** The attention mask of the admitted rows, as {@link InferenceBatch} makes it. */
  private static NDArray maskOf(
      RecurrenceState.Admitted admitted, ModelConfig.Attention attention, NDManager scope) {
    return SelfAttention.mask(
        scope,
        attention == ModelConfig.Attention.CAUSAL,
        admitted.lengths(),
        admitted.state().context().getShape().get(1));
  }

  /** The step reads the weights' tensors, not copies made when it was compiled. */
  @Test
  void aHaltingHeadSetAfterTheStepWasCompiledDecidesTheNextSteps() {
    try (Anira model = TinyModels.create(Mechanism.ONLINE, 3)) {
      int[][] batch = TinyModels.sequences(4, 3);
      float[] w = new float[model.config().modelDim()];
      model.setHaltingHead(w, -10f); // λ = σ(−10) < τ: every token runs to D_max
      assertThat(steppedDepths(model, batch)).containsOnly(model.config().maxDepth());
      model.setHaltingHead(w, 10f); // λ = σ(10) ≥ τ: every token halts after one step
      assertThat(steppedDepths(model, batch)).containsOnly(1);
    }
  }

  /**
   * A step of fewer than {@link CompiledStep#SMALL_STEP_CELLS} cells runs on one intra-op thread, a
   * larger one on the configured count, and the thread is left on the configured count; only
   * meaningful where libtorch was configured with more than one thread (2 cores and up).
   */
  @Test
  void aSmallStepRunsOnOneIntraOpThreadAndTheThreadKeepsTheConfiguredCount() {
    int configured = CompiledStep.CONFIGURED_THREADS;
    assumeTrue(configured > 1, "libtorch runs one intra-op thread here: nothing to switch");
    long small = CompiledStep.SMALL_STEP_CELLS - 1;
    assertThat(CompiledStep.sized(small, JniUtils::getNumThreads)).isEqualTo(1);
    assertThat(JniUtils.getNumThreads()).isEqualTo(configured);
    assertThat(CompiledStep.sized(small + 1, JniUtils::getNumThreads)).isEqualTo(configured);
    assertThatThrownBy(
            () ->
                CompiledStep.sized(
                    small,
                    () -> {
                      throw new IllegalStateException("failed step");
                    }))
        .hasMessage("failed step");
    assertThat(JniUtils.getNumThreads()).isEqualTo(configured);
    try (Anira model = TinyModels.create(Mechanism.FIXED, 5)) {
      steppedDepths(model, new int[][] {{1, 2, 3}});
      assertThat(JniUtils.getNumThreads()).isEqualTo(configured);
    }
  }

  /**
   * A thread that first steps while another runs a small step (so libtorch's process-wide default,
   * which a new thread copies, is 1) still gets the configured count for a large step.
   */
  @Test
  void aThreadStartedDuringAnotherThreadsSmallStepGetsTheConfiguredCount() throws Exception {
    int configured = CompiledStep.CONFIGURED_THREADS;
    assumeTrue(configured > 1, "libtorch runs one intra-op thread here: nothing to switch");
    long large = CompiledStep.SMALL_STEP_CELLS;
    AtomicInteger seen = new AtomicInteger();
    CompiledStep.sized(
        large - 1,
        () -> {
          Thread other =
              new Thread(() -> seen.set(CompiledStep.sized(large, JniUtils::getNumThreads)));
          other.start();
          try {
            other.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
    assertThat(seen.get()).isEqualTo(configured);
  }

  /**
   * After a method's first call, a call runs one graph with the source's other methods inlined: its
   * profile names the method and none of the methods it calls ({@code layer}, {@code norm}, ...).
   */
  @Test
  void aStepRunsAsOneGraphWithTheMethodsItCallsInlined(@TempDir Path dir) throws IOException {
    Set<String> called = new HashSet<>();
    try (InputStream in = CompiledStep.class.getResourceAsStream("InferenceStep.torchscript")) {
      Matcher def =
          Pattern.compile("^  def (\\w+)\\(", Pattern.MULTILINE)
              .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      while (def.find()) {
        called.add(def.group(1));
      }
    }
    called.removeAll(Set.of("prelude", "dense", "gathered"));
    assertThat(called).contains("layer", "attend", "norm", "columns");
    try (Anira model = TinyModels.create(Mechanism.FIXED, 5)) {
      int[][] batch = TinyModels.sequences(4, 3);
      steppedDepths(model, batch);
      Path trace = dir.resolve("trace.json");
      JniUtils.startProfile(false, false, false);
      try {
        steppedDepths(model, batch);
      } finally {
        JniUtils.stopProfile(trace.toString());
      }
      Set<String> events = new HashSet<>();
      new ObjectMapper().readTree(trace.toFile()).forEach(e -> events.add(e.path("name").asText()));
      assertThat(events).contains("prelude", "dense").doesNotContainAnyElementsOf(called);
    }
  }

  private static int[] steppedDepths(Anira model, int[][] batch) {
    try (InferenceBatch recurrence = model.begin(batch)) {
      while (!recurrence.done()) {
        recurrence.step();
      }
      int[] lengths = recurrence.lengths();
      int[] depths = recurrence.depths().toIntArray();
      int time = depths.length / lengths.length;
      List<Integer> real = new ArrayList<>();
      for (int b = 0; b < lengths.length; b++) {
        for (int t = 0; t < lengths[b]; t++) {
          real.add(depths[b * time + t]);
        }
      }
      return real.stream().mapToInt(Integer::intValue).toArray();
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
