package dev.anira.training;

import ai.djl.Device;
import dev.anira.model.Anira;
import dev.anira.model.ModelConfig;
import dev.anira.tasks.SizeRange;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.Task;
import dev.anira.tasks.Tasks;
import java.util.List;
import java.util.Map;
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
 * One training update (whole-sequence pass over D_max = 12 steps, PonderNet loss, backward, Adam)
 * at the default sizes, batch 32 of addition with 8 digits (17 tokens).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBenchmark {

  @Param({"ONLINE", "EARLY", "FIXED"})
  public Mechanism mechanism;

  private Anira model;
  private Trainer trainer;
  private List<Example> batch;

  @Setup(Level.Trial)
  public void setUp() {
    Task addition = Tasks.byName("addition");
    TrainingConfig config =
        new TrainingConfig("addition", "8", "9", Map.of(), null, 1_000_000, 32, 1, 1e-3, 0, TrainingConfig.Schedule.COSINE, 0.01, 0.0, PonderLoss.Regulariser.STEPS, 0.2, 1, 1_000_000, 1, PonderLoss.DepthSupervision.EXPECTED, PonderLoss.RegulariserTokens.ALL, 0);
    model = Anira.create(ModelConfig.defaults(addition.vocabSize(), mechanism), Device.cpu(), 1);
    TrainingData data =
        TrainingData.fromTaskLibrary(addition, SizeRange.parse("8"), Map.of(), 1);
    batch = data.next(32);
    trainer = new Trainer(model, config, data, Map.of());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  @Benchmark
  public double update() {
    return trainer.update(batch)[0];
  }
}
