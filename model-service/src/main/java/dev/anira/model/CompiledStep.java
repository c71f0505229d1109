package dev.anira.model;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Step-by-step inference's admission (step 0) and each recurrence step, each as a single
 * TorchScript call ({@code InferenceStep.torchscript}, compiled by libtorch when the model first
 * admits).
 *
 * <p>Why: at batch 1 a step is ~55 small operations, and through DJL each pays a JNI call and a
 * Java-side NDArray (issue 19: 0.49–0.60× PyTorch eager at batch 1). The TorchScript interpreter
 * runs the same aten operations, with the same dtypes and on the same shapes, with none of that per
 * operation; {@code CompiledStepTest} checks that it computes what the DJL blocks compute, bit for
 * bit. Training and the whole-sequence pass stay on the DJL blocks, which autograd differentiates.
 *
 * <p>The module holds no tensors: the weights go in as one dictionary, built once, that holds the
 * same tensor objects as {@link Weights}, so it sees every update made to them (checkpoint loads,
 * training, {@link Anira#setHaltingHead}; DJL's {@code set} rebinds a tensor in place).
 */
final class CompiledStep implements AutoCloseable {

  private static final String CLASS_NAME = "InferenceStep";
  private static final String SOURCE = source();

  /**
   * Steps of fewer cells (B·T) than this run on one intra-op thread. PyTorch sets MKL's thread
   * count fixed (no dynamic adjustment), and several of its CPU kernels split work of any size, so
   * with two threads a batch-1 step entered about two dozen parallel regions for matrices of 16
   * rows and waited on the second thread in each. Alternating per operation in one JVM (issue 19,
   * JMH model, 2 threads configured, medians): batch 1 (16 cells) 1.1–1.3× faster on one thread,
   * batch 4 (64) and 16 (256) 0–5% slower, so the line is drawn at 64.
   */
  static final long SMALL_STEP_CELLS = 64;

  /**
   * The intra-op threads the process was configured with ({@code ai.djl.pytorch.num_threads}, else
   * libtorch's default), read when the first model compiles its step, before any step switched.
   */
  static final int CONFIGURED_THREADS = configuredThreads();

  /**
   * This thread's intra-op threads as {@link #sized} last saw or set them; 0 before its first call.
   */
  private static final ThreadLocal<int[]> THREADS = ThreadLocal.withInitial(() -> new int[1]);

  /** {@link #dense}'s {@code all_active} argument, made once (each is a native object). */
  private final IValue allActiveFlag = IValue.from(true);

  private final IValue someKeptFlag = IValue.from(false);

  /** The methods whose first call has succeeded: their inlined graphs are built ({@link #call}). */
  private final Set<String> built = ConcurrentHashMap.newKeySet();

  private final PtSymbolBlock module;
  private final NDArray floor;
  private final IValue tensors;
  private final boolean early;

  /**
   * Compiles the step for {@code model} on its device.
   *
   * @param manager the model's manager: the module and its constants live as long as it
   * @throws IllegalStateException if libtorch cannot compile the source (a build of this project
   *     with an incompatible libtorch)
   */
  CompiledStep(Anira model, NDManager manager) {
    ModelConfig config = model.config();
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("vocab", config.vocabSize());
    attributes.put("prelude_layers", config.preludeLayers());
    attributes.put("heads", config.heads());
    attributes.put("head_dim", config.modelDim() / config.heads());
    attributes.put("model_dim", config.modelDim());
    attributes.put("max_depth", config.maxDepth());
    attributes.put("fixed_depth", config.fixedDepth());
    attributes.put("threshold", config.haltThreshold());
    attributes.put("mechanism", config.mechanism().name());
    byte[] archive = TorchScriptArchive.of(CLASS_NAME, SOURCE, attributes);
    try (InputStream in = new ByteArrayInputStream(archive)) {
      this.module = JniUtils.loadModule((PtNDManager) manager, in, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (EngineException e) {
      throw new IllegalStateException(
          "libtorch could not compile the inference step ("
              + CLASS_NAME
              + ".torchscript): "
              + e.getMessage(),
          e);
    }
    // Router's floor under 1 − Q(k−1), as the DJL block makes it: a float32 scalar.
    this.floor = manager.create(1e-12f);
    Map<String, PtNDArray> named = new LinkedHashMap<>();
    model.weights().all().forEach((name, array) -> named.put(name, (PtNDArray) array));
    named.put("attention.scale", (PtNDArray) model.core.layer().attention().scale());
    named.put("router.floor", (PtNDArray) floor);
    this.tensors = IValue.stringMapFrom(named);
    this.early = config.mechanism() == dev.anira.schemas.Mechanism.EARLY;
  }

  /**
   * What a step leaves: the carried state after it and its record's columns.
   *
   * @param columns [6, B, T] confidence, prediction, halting mass, halted, state delta, hazard (see
   *     {@link RecurrenceState#columns}); [5, B, T] without the hazard at step 0
   */
  record Stepped(RecurrenceState after, NDArray columns) {}

  /**
   * Step 0 of freshly admitted sequences: the embedding, the prelude and its readout ({@link
   * RecurrenceState#prelude} without EARLY's plan, which the caller adds).
   *
   * @param tokens [B, T] int32, right-padded
   * @param positions [T, d] the embedding's position table ({@link Embedding#positions})
   * @param mask the attention mask ({@link SelfAttention#mask}) of these rows
   * @param active [B, T] bool, the real tokens: every one asks for its first step
   * @param scope owns the results
   * @return the state before the first core step, and the step-0 record's columns [5, B, T]
   *     (confidence, prediction, and halting mass, halted, state delta all 0)
   */
  Stepped prelude(
      NDArray tokens, NDArray positions, NDArray mask, NDArray active, NDManager scope) {
    PtNDArray[] out;
    try (IValue t = IValue.from((PtNDArray) tokens);
        IValue p = IValue.from((PtNDArray) positions);
        IValue m = IValue.from((PtNDArray) mask);
        IValue result = sized(tokens.getShape().size(), () -> call("prelude", tensors, t, p, m))) {
      out = result.toTensorArray((PtNDManager) scope);
    }
    return new Stepped(
        new RecurrenceState(out[0], out[1], active, out[2], out[3], out[4], null, null, null),
        out[5]);
  }

  /**
   * Every cell of the [B, T] grid steps, the inactive ones kept: {@link RecurrenceState#advance}
   * with the context as queries.
   *
   * @param steps [B] int32, the step k each sequence takes now
   * @param mask the attention mask ({@link SelfAttention#mask})
   * @param allActive no padding and none halted: nothing to keep
   * @param scope owns the results
   */
  Stepped dense(
      RecurrenceState s, NDArray steps, NDArray mask, boolean allActive, NDManager scope) {
    return run(
        "dense", s, steps, state(s, steps, mask), scope, allActive ? allActiveFlag : someKeptFlag);
  }

  /**
   * Only the active cells step, gathered into one [N, d] block; keys and values still come from
   * every cell's context.
   *
   * @param cells [N] int64, flat positions (b·T + t) of the active cells, ascending
   * @param rows [N] int64, their rows
   */
  Stepped gathered(
      RecurrenceState s,
      NDArray steps,
      NDArray mask,
      NDArray cells,
      NDArray rows,
      NDManager scope) {
    List<NDArray> inputs = state(s, steps, mask);
    inputs.add(cells);
    inputs.add(rows);
    return run("gathered", s, steps, inputs, scope);
  }

  private static List<NDArray> state(RecurrenceState s, NDArray steps, NDArray mask) {
    return new ArrayList<>(
        List.of(s.context(), s.logits(), s.active(), s.depth(), steps, s.cumulative(), mask));
  }

  /** Calls {@code method} with the weights, {@code inputs} (then EARLY's plan) and {@code more}. */
  private Stepped run(
      String method,
      RecurrenceState s,
      NDArray steps,
      List<NDArray> inputs,
      NDManager scope,
      IValue... more) {
    if (early) {
      inputs.add(s.planned());
      inputs.add(s.routerCumulative());
    }
    PtNDArray[] out;
    try (IValue list = IValue.listFrom(inputs.toArray(PtNDArray[]::new))) {
      IValue[] arguments = new IValue[2 + more.length];
      arguments[0] = tensors;
      arguments[1] = list;
      System.arraycopy(more, 0, arguments, 2, more.length);
      try (IValue result = sized(s.active().getShape().size(), () -> call(method, arguments))) {
        out = result.toTensorArray((PtNDManager) scope);
      }
    }
    return new Stepped(s.next(out[0], out[1], out[2], out[3], steps, out[4]), out[5]);
  }

  /**
   * Runs {@code method} as written, with its calls to the source's other methods inlined.
   *
   * <p>Optimised, libtorch's graph executor profiles a method's first call and from the second on
   * runs a rewritten graph (on a GPU it fuses elementwise operations into kernels of its own, with
   * other rounding than the DJL blocks); unoptimised, it interprets the graph as written. But
   * libtorch also builds a method's graph once, at its first call, and keeps it, and only with the
   * optimiser on does that build inline the calls to the source's other methods ({@code layer},
   * {@code norm}, ...) and fold constants such as the core's joined weight names (libtorch 2.7,
   * {@code GraphFunction::optimized_graph}). So a method's first call runs with the optimiser on:
   * that run only profiles, computing what the source says. Every other call runs with it off, set
   * on each call (a cheap native call) rather than once per thread: one more optimised call, after
   * something else on the thread turned the optimiser on, would make libtorch build and keep the
   * rewritten graph. Not inlined, each helper call was an interpreter frame of its own: at batch 1
   * about 14 µs of a 300 µs step (issue 19). {@code CompiledStepTest} checks the first and later
   * calls against the DJL blocks, and that a step's profile names no helper.
   *
   * @param method {@code prelude}, {@code dense} or {@code gathered}
   * @param arguments the method's, in the order of its signature
   * @return what the method returns: a list of tensors
   */
  private IValue call(String method, IValue... arguments) {
    if (!built.contains(method)) {
      synchronized (built) {
        if (!built.contains(method)) {
          JniUtils.setGraphExecutorOptimize(true);
          try {
            IValue result = IValueUtils.runMethod(module, method, arguments);
            // Only on success: a call that failed before libtorch built the graph built nothing.
            built.add(method);
            return result;
          } finally {
            JniUtils.setGraphExecutorOptimize(false);
          }
        }
      }
    }
    JniUtils.setGraphExecutorOptimize(false);
    return IValueUtils.runMethod(module, method, arguments);
  }

  /**
   * Runs {@code call} on one intra-op thread when the step has fewer than {@link #SMALL_STEP_CELLS}
   * cells, on {@link #CONFIGURED_THREADS} otherwise, and leaves the thread on {@link
   * #CONFIGURED_THREADS}, so that a thread that also trains or evaluates keeps its threads for
   * that.
   *
   * <p>libtorch (OpenMP build) keeps the count per thread, but a thread copies a process-wide
   * default, the count set last by any thread, the first time it asks for its count or runs
   * parallel work; that copy would overwrite a count set before it. So a thread's first call asks
   * first, then sets; after that only the thread itself changes its count, and {@link #THREADS}
   * knows it.
   */
  static <T> T sized(long cells, Supplier<T> call) {
    if (CONFIGURED_THREADS == 1) {
      return call.get();
    }
    int[] current = THREADS.get();
    if (current[0] == 0) {
      current[0] = JniUtils.getNumThreads();
    }
    setThreads(current, cells < SMALL_STEP_CELLS ? 1 : CONFIGURED_THREADS);
    try {
      return call.get();
    } finally {
      setThreads(current, CONFIGURED_THREADS);
    }
  }

  private static int configuredThreads() {
    // Loads libtorch and applies ai.djl.pytorch.num_threads, if nothing has yet.
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }

  private static void setThreads(int[] current, int wanted) {
    if (current[0] != wanted) {
      JniUtils.setNumThreads(wanted);
      current[0] = wanted;
    }
  }

  private static String source() {
    try (InputStream in = CompiledStep.class.getResourceAsStream(CLASS_NAME + ".torchscript")) {
      if (in == null) {
        throw new IllegalStateException(CLASS_NAME + ".torchscript is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    allActiveFlag.close();
    someKeptFlag.close();
    tensors.close();
    module.close();
    floor.close();
  }
}
