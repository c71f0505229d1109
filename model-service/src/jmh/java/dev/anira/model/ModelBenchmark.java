package dev.anira.model;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Step-by-step inference on CPU, the service's path: a FIXED model at D_max 12 (every token takes
 * every step, so one operation is exactly batch × 16 tokens × 12 token-steps), default sizes (d 64,
 * 4 heads, d_ff 256, L_p 1). Reported as milliseconds per operation (prelude + 12 steps + the
 * per-step records); token-steps/s = batch × 192 / that time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelBenchmark {

  static final int LENGTH = 16;

  @Param({"1", "32", "256"})
  public int batch;

  private Anira model;
  private int[][] sequences;

  @Setup(Level.Trial)
  public void setUp() {
    model = PeerExport.fixedModel();
    sequences = PeerExport.randomSequences(batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  @Benchmark
  public int stepByStep() {
    int steps = 0;
    try (InferenceBatch recurrence = model.begin(sequences)) {
      while (!recurrence.done()) {
        recurrence.step();
        steps++;
      }
    }
    return steps;
  }
}
