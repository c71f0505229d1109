package dev.anira.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task of the mix: its weight, the sizes to draw from, the largest size that counts as training
 * data, and ranges for its other knobs. Validated against the task's knobs on creation, so a bad
 * range fails at start, not on the thousandth instance.
 */
public record TaskMix(
    Task task, double weight, SizeRange size, int trainMax, Map<String, SizeRange> knobs) {

  public TaskMix {
    if (!(weight > 0)) {
      throw new IllegalArgumentException(task.name() + ": weight must be > 0, got " + weight);
    }
    knobs = Map.copyOf(knobs);
    // Every corner of the ranges must be valid: constraints between knobs (kahn's depth <= nodes)
    // are monotone, so checking corners means no draw can fail later.
    List<String> names = new ArrayList<>(knobs.keySet());
    for (int corner = 0; corner < 1 << (names.size() + 1); corner++) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (int k = 0; k < names.size(); k++) {
        SizeRange range = knobs.get(names.get(k));
        values.put(names.get(k), (corner >> k & 1) == 0 ? range.min() : range.max());
      }
      values.put(task.sizeKnob(), (corner >> names.size() & 1) == 0 ? size.min() : size.max());
      Params.of(task, values);
    }
  }

  /**
   * Defaults: sizes from half to one and a half times the default size; train up to the default.
   */
  public static TaskMix withDefaults(Task task, double weight) {
    Knob sizeKnob =
        task.knobs().stream()
            .filter(k -> k.name().equals(task.sizeKnob()))
            .findFirst()
            .orElseThrow();
    double def = sizeKnob.defaultValue();
    double[] sizes =
        sizeKnob.validWithin(
            Math.max(sizeKnob.min(), Math.floor(def / 2)),
            Math.min(sizeKnob.max(), Math.ceil(def * 1.5)));
    return new TaskMix(task, weight, new SizeRange(sizes[0], sizes[1]), (int) def, Map.of());
  }
}
