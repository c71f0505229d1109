package dev.anira.tasks;

import dev.anira.schemas.NamedValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A task's difficulty knobs, validated, with defaults for those not given. */
public final class Params {

  private final String task;
  private final Map<String, Double> values;

  private Params(String task, Map<String, Double> values) {
    this.task = task;
    this.values = values;
  }

  /** Validates {@code given} against the task's knobs: unknown names and bad values fail. */
  public static Params of(Task task, Map<String, ? extends Number> given) {
    Map<String, Knob> knobs = new LinkedHashMap<>();
    for (Knob knob : task.knobs()) {
      knobs.put(knob.name(), knob);
    }
    for (String name : given.keySet()) {
      if (!knobs.containsKey(name)) {
        throw new IllegalArgumentException(
            task.name()
                + ": unknown knob '"
                + name
                + "'; knobs are "
                + String.join(", ", knobs.keySet()));
      }
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Knob knob : knobs.values()) {
      Number value = given.get(knob.name());
      values.put(
          knob.name(),
          knob.check(task.name(), value == null ? knob.defaultValue() : value.doubleValue()));
    }
    task.validate(new Params(task.name(), values));
    return new Params(task.name(), values);
  }

  public int getInt(String name) {
    return (int) get(name);
  }

  public double get(String name) {
    Double value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException(task + " has no knob '" + name + "'");
    }
    return value;
  }

  /** A params object like this one with one knob changed (validated again by the caller). */
  public Map<String, Double> with(String name, double value) {
    Map<String, Double> copy = new LinkedHashMap<>(values);
    copy.put(name, value);
    return copy;
  }

  List<NamedValue> asNamedValues() {
    List<NamedValue> list = new ArrayList<>(values.size());
    values.forEach((k, v) -> list.add(new NamedValue(k, v)));
    return list;
  }

  @Override
  public String toString() {
    return task
        + values.entrySet().stream()
            .map(e -> e.getKey() + "=" + Knob.fmt(e.getValue()))
            .collect(Collectors.joining(",", "{", "}"));
  }
}
