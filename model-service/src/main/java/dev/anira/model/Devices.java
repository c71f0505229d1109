package dev.anira.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/** Turns {@code --device auto|cpu|gpu[:N]} into a DJL device, failing clearly when it is absent. */
public final class Devices {

  /** The GPU when there is one, else the CPU: what every command runs on by default. */
  public static final String AUTO = "auto";

  private Devices() {}

  /**
   * Sets PyTorch's intra-op threads (and one inter-op thread). PyTorch reads them once, when the
   * engine loads: call before anything creates a model or selects a device.
   *
   * @throws IllegalArgumentException if {@code intraOp} is below 1
   */
  public static void useThreads(int intraOp) {
    if (intraOp < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + intraOp);
    }
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOp));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
  }

  /**
   * Half the cores, at least one: what a service computes with by default, leaving the rest to its
   * Kafka clients (and, in the demo, the broker and Flink). On this project's 2-core machine one
   * thread served 2x faster at half load through Kafka than two (model-service README).
   */
  public static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  public static Device select(String choice) {
    String c = choice == null ? AUTO : choice.trim().toLowerCase(java.util.Locale.ROOT);
    int gpus = Engine.getInstance().getGpuCount();
    if (c.equals(AUTO)) {
      return gpus > 0 ? Device.gpu() : Device.cpu();
    }
    if (c.equals("cpu")) {
      return Device.cpu();
    }
    if (c.equals("gpu") || c.startsWith("gpu:")) {
      int id = c.equals("gpu") ? 0 : parseId(c.substring(4), choice);
      if (id >= gpus) {
        throw new IllegalArgumentException(
            "--device "
                + choice
                + ": "
                + (gpus == 0
                    ? "no GPU is visible to PyTorch (the default build bundles the CPU libtorch;"
                        + " build with -Dgpu for CUDA)"
                    : "only " + gpus + " GPU(s) visible"));
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException("--device must be auto, cpu, gpu or gpu:N, got " + choice);
  }

  private static int parseId(String id, String choice) {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--device " + choice + ": bad GPU index");
    }
  }

  /**
   * The malloc this process allocates its host memory with: {@code tcmalloc}, {@code jemalloc} or
   * {@code mimalloc} when one is loaded (deploy/runtime.env preloads TCMalloc), else {@code glibc};
   * {@code unknown} where {@code /proc/self/maps} cannot be read. libtorch allocates a few hundred
   * tensors per step, so this moves CPU results by up to 1.4x (model-service README): benchmarks
   * record it beside their figures.
   */
  public static String allocator() {
    return fromMaps(Devices::allocator, "unknown");
  }

  /** {@link #allocator()} from the lines of a {@code /proc/<pid>/maps}. */
  static String allocator(Stream<String> mapsLines) {
    List<String> libraries = libraries(mapsLines);
    for (String malloc : List.of("tcmalloc", "jemalloc", "mimalloc")) {
      if (libraries.stream().anyMatch(name -> name.startsWith("lib" + malloc))) {
        return malloc;
      }
    }
    return "glibc";
  }

  /**
   * Whether deploy/mkl-cpu-dispatch's library is loaded (deploy/runtime-env.sh preloads it on AMD
   * CPUs, the service images on every host): libtorch's MKL then runs the kernels of the CPU's
   * instruction sets, not its generic ones; about 2x faster matrix products on the Zen 5 measured
   * (model-service README). It says the library is loaded, not which kernels MKL chose. False where
   * {@code /proc/self/maps} cannot be read. Benchmarks record it beside their figures.
   */
  public static boolean mklCpuDispatch() {
    return fromMaps(Devices::mklCpuDispatch, false);
  }

  /** {@link #mklCpuDispatch()} from the lines of a {@code /proc/<pid>/maps}. */
  static boolean mklCpuDispatch(Stream<String> mapsLines) {
    return libraries(mapsLines).stream().anyMatch(name -> name.startsWith("libmkl_cpu_dispatch"));
  }

  private static <T> T fromMaps(Function<Stream<String>, T> read, T unreadable) {
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return read.apply(maps);
    } catch (IOException | UncheckedIOException e) {
      return unreadable;
    }
  }

  /** The file names of the libraries mapped, from the lines of a {@code /proc/<pid>/maps}. */
  private static List<String> libraries(Stream<String> mapsLines) {
    return mapsLines
        .map(line -> line.substring(line.lastIndexOf('/') + 1))
        .filter(name -> name.startsWith("lib"))
        .toList();
  }

  /** {@code cpu} or {@code gpu:N}, as recorded in results. */
  public static String describe(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }
}
