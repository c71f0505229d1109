package dev.anira.analytics;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The online tracking's rank bin of λ ({@link TrackingAccumulator#bin}), computed with two
 * logarithms as before issue 20's eleventh session and read from its tables as now, over 65,536 λ:
 * a third uniform in [0, 1], a third log-uniform in [1e-8, 1] as EARLY's small hazards are, and a
 * third as close to 1 (1 - λ log-uniform in [1e-7, 1]) as ONLINE's saturated ones, where the
 * tables' buckets hold the most bins. Per operation: all of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LambdaBinBenchmark {

  private float[] lambdas;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    lambdas = new float[1 << 16];
    for (int i = 0; i < lambdas.length; i++) {
      lambdas[i] =
          switch (i % 3) {
            case 0 -> random.nextFloat();
            case 1 -> (float) Math.pow(10, -8 * random.nextDouble());
            default -> (float) (1 - Math.pow(10, -7 * random.nextDouble()));
          };
    }
  }

  @Benchmark
  public long binComputed() {
    long sum = 0;
    for (float lambda : lambdas) {
      sum += TrackingAccumulator.binOf(lambda);
    }
    return sum;
  }

  @Benchmark
  public long binFromTables() {
    long sum = 0;
    for (float lambda : lambdas) {
      sum += TrackingAccumulator.bin(lambda);
    }
    return sum;
  }
}
