package dev.anira.training;

import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The held-out sets: fresh instances at train sizes and at extrapolation sizes, from seeds that
 * training never draws (the training stream is seeded with {@code seed}, these with derived ones).
 */
public final class EvalSets {

  private static final long TRAIN_SALT = 0x5EED_0001L;
  private static final long EXTRAPOLATION_SALT = 0x5EED_0002L;

  private EvalSets() {}

  public static Map<String, List<GeneratedInstance>> of(
      Task task, TrainingConfig config, Map<String, SizeRange> knobs, long seed) {
    Map<String, List<GeneratedInstance>> sets = new LinkedHashMap<>();
    sets.put(
        Trainer.TRAIN_SET,
        draw(
            task,
            SizeRange.parse(config.trainSizes()),
            knobs,
            seed ^ TRAIN_SALT,
            config.evalCount()));
    sets.put(
        Trainer.EXTRAPOLATION_SET,
        draw(
            task,
            SizeRange.parse(config.extrapolationSizes()),
            knobs,
            seed ^ EXTRAPOLATION_SALT,
            config.evalCount()));
    return sets;
  }

  static List<GeneratedInstance> draw(
      Task task, SizeRange sizes, Map<String, SizeRange> knobs, long seed, int count) {
    TrainingData data = TrainingData.fromTaskLibrary(task, sizes, knobs, seed);
    return data.next(count).stream().map(Example::source).toList();
  }
}
