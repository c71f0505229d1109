package dev.anira.tasks;

import dev.anira.schemas.Split;
import java.time.Instant;
import java.util.SplittableRandom;

/** Runs a task for one seed and wraps the result in records. */
public final class TaskGenerator {

  private TaskGenerator() {}

  public static GeneratedInstance generate(
      Task task,
      Params params,
      Split split,
      long seed,
      String instanceId,
      String producerId,
      Instant eventTime) {
    TraceBuilder out = new TraceBuilder();
    task.generate(params, new SplittableRandom(seed), out);
    return out.build(task, params, split, seed, instanceId, producerId, eventTime);
  }

  /** Convenience for tests and tools: a fixed id and time derived from the seed. */
  public static GeneratedInstance generate(Task task, Params params, long seed) {
    return generate(
        task, params, Split.TRAIN, seed, task.name() + "-" + seed, "task-library", Instant.EPOCH);
  }
}
