package dev.anira.tasks;

import dev.anira.schemas.Split;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Draws instances from a weighted task mix: task, then knobs from their ranges, then a seed. */
public final class InstanceSampler {

  private final List<TaskMix> mix;
  private final double totalWeight;
  private final SplittableRandom random;
  private final String producerId;
  private long sequence;

  public InstanceSampler(List<TaskMix> mix, long seed, String producerId) {
    if (mix.isEmpty()) {
      throw new IllegalArgumentException("the task mix is empty");
    }
    this.mix = List.copyOf(mix);
    this.totalWeight = mix.stream().mapToDouble(TaskMix::weight).sum();
    this.random = new SplittableRandom(seed);
    this.producerId = producerId;
  }

  public GeneratedInstance next() {
    TaskMix chosen = pick();
    Map<String, Double> values = new HashMap<>();
    for (Knob knob : chosen.task().knobs()) {
      SizeRange range =
          knob.name().equals(chosen.task().sizeKnob())
              ? chosen.size()
              : chosen.knobs().get(knob.name());
      if (range != null) {
        values.put(knob.name(), draw(knob, range));
      }
    }
    Params params = Params.of(chosen.task(), values);
    int size = params.getInt(chosen.task().sizeKnob());
    Split split = size > chosen.trainMax() ? Split.EXTRAPOLATION : Split.TRAIN;
    long seed = random.nextLong();
    String id = chosen.task().name() + "-" + producerId + "-" + (sequence++);
    return TaskGenerator.generate(
        chosen.task(), params, split, seed, id, producerId, Instant.now());
  }

  private TaskMix pick() {
    double r = random.nextDouble() * totalWeight;
    for (TaskMix m : mix) {
      r -= m.weight();
      if (r < 0) {
        return m;
      }
    }
    return mix.get(mix.size() - 1);
  }

  private double draw(Knob knob, SizeRange range) {
    if (!knob.integer()) {
      return range.min() + random.nextDouble() * (range.max() - range.min());
    }
    double[] valid = knob.validWithin(range.min(), range.max());
    if (valid == null) {
      // TaskMix validated both ends, so this range holds no multiple of the step at all.
      throw new IllegalStateException(knob.name() + " has no valid value in " + range);
    }
    int choices = (int) ((valid[1] - valid[0]) / knob.step()) + 1;
    return valid[0] + (double) knob.step() * random.nextInt(choices);
  }
}
