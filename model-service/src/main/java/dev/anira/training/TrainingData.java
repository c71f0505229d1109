package dev.anira.training;

import dev.anira.schemas.NamedValue;
import dev.anira.schemas.ProblemInstance;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.InstanceSampler;
import dev.anira.tasks.Params;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.TaskMix;
import dev.anira.tasks.Tasks;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** Where training examples come from: the task library in memory, or a recorded instance file. */
public interface TrainingData {

  Example next();

  default List<Example> next(int count) {
    List<Example> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  /** An endless stream of fresh instances of one task, sizes and knobs drawn from ranges. */
  static TrainingData fromTaskLibrary(
      Task task, SizeRange sizes, Map<String, SizeRange> knobs, long seed) {
    InstanceSampler sampler =
        new InstanceSampler(
            List.of(new TaskMix(task, 1, sizes, (int) sizes.max(), knobs)), seed, "trainer");
    return () -> new Example(sampler.next());
  }

  /**
   * The instances of a file written by {@code anira produce --out}, cycled in file order. The file
   * has no targets (the model never reads them), so each trace is regenerated from the instance's
   * task, knobs and seed, and checked against the stored tokens.
   */
  static TrainingData fromInstanceFile(Path file, String task) {
    List<Example> examples = new ArrayList<>();
    try (DataFileReader<ProblemInstance> reader =
        new DataFileReader<>(
            new File(file.toString()), new SpecificDatumReader<>(ProblemInstance.class))) {
      for (ProblemInstance instance : reader) {
        if (instance.getTask().equals(task)) {
          examples.add(new Example(regenerate(instance, file)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read instance file " + file + ": " + e.getMessage(), e);
    }
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no " + task + " instances");
    }
    int[] cursor = {0};
    return () -> examples.get(cursor[0]++ % examples.size());
  }

  private static GeneratedInstance regenerate(ProblemInstance instance, Path file) {
    Task task = Tasks.byName(instance.getTask());
    Map<String, Double> knobs = new HashMap<>();
    for (NamedValue value : instance.getDifficulty()) {
      knobs.put(value.getName(), value.getValue());
    }
    GeneratedInstance regenerated =
        TaskGenerator.generate(
            task,
            Params.of(task, knobs),
            instance.getSplit(),
            instance.getSeed(),
            instance.getInstanceId(),
            instance.getProducerId(),
            instance.getEventTime());
    if (!regenerated.instance().getTokens().equals(instance.getTokens())) {
      throw new IllegalArgumentException(
          file
              + ": instance "
              + instance.getInstanceId()
              + " does not match what its task, knobs and seed generate (written by another"
              + " version of the task library?)");
    }
    return regenerated;
  }
}
