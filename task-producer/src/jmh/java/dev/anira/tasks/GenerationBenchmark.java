package dev.anira.tasks;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Instances generated and serialized (instance + trace, single-object encoding) per second on
 * one thread, per task, at the default difficulty and at a hard one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GenerationBenchmark {

  private static final Map<String, Map<String, Double>> HARD =
      Map.of(
          "parity", Map.of("length", 256.0),
          "addition", Map.of("digits", 64.0, "propagate", 0.5),
          "dyck", Map.of("length", 128.0, "maxDepth", 16.0),
          "bfs", Map.of("nodes", 64.0, "degree", 6.0),
          "kahn", Map.of("nodes", 64.0, "depth", 16.0, "density", 0.2),
          "dfs", Map.of("nodes", 64.0, "extraEdges", 1.0),
          "pcfg", Map.of("depth", 8.0));

  @Param({"parity", "addition", "dyck", "bfs", "kahn", "dfs", "pcfg"})
  public String task;

  @Param({"default", "hard"})
  public String difficulty;

  private Task generator;
  private Params params;
  private long seed;
  private final SingleObjectCodec<ProblemInstance> instances = SingleObjectCodec.of(ProblemInstance.class);
  private final SingleObjectCodec<AlgorithmTrace> traces = SingleObjectCodec.of(AlgorithmTrace.class);

  @Setup
  public void setUp() {
    generator = Tasks.byName(task);
    params = Params.of(generator, difficulty.equals("hard") ? HARD.get(task) : Map.of());
  }

  @Benchmark
  public int generateAndSerialize() {
    GeneratedInstance g = TaskGenerator.generate(generator, params, seed++);
    return instances.encode(g.instance()).length + traces.encode(g.trace()).length;
  }
}
