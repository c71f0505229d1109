package dev.anira.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskMix;
import dev.anira.tasks.Tasks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task mix from command-line specs or a JSON file. A spec is {@code parity,addition:2,bfs}
 * (name, optional weight); a file is {@code {"tasks":[{"name":"bfs","weight":2,"size":"8..24",
 * "trainMax":16,"knobs":{"degree":"2..4"}}]}}.
 */
public final class ProducerSettings {

  private ProducerSettings() {}

  /**
   * The mix of {@code anira produce --tasks ... --size ... --train-max ... --knob ...}.
   *
   * @throws IllegalArgumentException naming the unknown task, knob or malformed range
   */
  public static List<TaskMix> fromFlags(
      String tasks,
      Map<String, String> sizes,
      Map<String, Integer> trainMax,
      Map<String, String> knobs) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String part : tasks.split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      int colon = item.indexOf(':');
      String name = colon < 0 ? item : item.substring(0, colon);
      double weight = 1;
      if (colon >= 0) {
        try {
          weight = Double.parseDouble(item.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--tasks: weight of " + name + " is not a number: " + item);
        }
      }
      Tasks.byName(name);
      weights.put(name, weight);
    }
    checkNamesKnown("--size", sizes.keySet(), weights);
    checkNamesKnown("--train-max", trainMax.keySet(), weights);
    Map<String, Map<String, SizeRange>> knobRanges = new LinkedHashMap<>();
    knobs.forEach(
        (key, value) -> {
          int dot = key.indexOf('.');
          if (dot < 0) {
            throw new IllegalArgumentException(
                "--knob: expected TASK.KNOB=MIN..MAX, got " + key + "=" + value);
          }
          String task = key.substring(0, dot);
          checkNamesKnown("--knob", List.of(task), weights);
          knobRanges
              .computeIfAbsent(task, k -> new LinkedHashMap<>())
              .put(key.substring(dot + 1), SizeRange.parse(value));
        });
    List<TaskMix> mix = new ArrayList<>();
    weights.forEach(
        (name, weight) -> {
          Task task = Tasks.byName(name);
          TaskMix defaults = TaskMix.withDefaults(task, weight);
          mix.add(
              new TaskMix(
                  task,
                  weight,
                  sizes.containsKey(name) ? SizeRange.parse(sizes.get(name)) : defaults.size(),
                  trainMax.getOrDefault(name, defaults.trainMax()),
                  knobRanges.getOrDefault(name, Map.of())));
        });
    if (mix.isEmpty()) {
      throw new IllegalArgumentException("--tasks names no task");
    }
    return mix;
  }

  static List<TaskMix> fromFile(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode tasks = root.path("tasks");
    if (!tasks.isArray() || tasks.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": expected {\"tasks\": [ ... ]} with at least one task");
    }
    List<TaskMix> mix = new ArrayList<>();
    for (JsonNode node : tasks) {
      String name = node.path("name").asText("");
      Task task = Tasks.byName(name);
      TaskMix defaults = TaskMix.withDefaults(task, node.path("weight").asDouble(1));
      Map<String, SizeRange> knobs = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("knobs").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> knob = it.next();
        knobs.put(knob.getKey(), SizeRange.parse(knob.getValue().asText()));
      }
      mix.add(
          new TaskMix(
              task,
              defaults.weight(),
              node.has("size") ? SizeRange.parse(node.get("size").asText()) : defaults.size(),
              node.path("trainMax").asInt(defaults.trainMax()),
              knobs));
    }
    return mix;
  }

  private static void checkNamesKnown(
      String option, Iterable<String> names, Map<String, Double> mix) {
    for (String name : names) {
      if (!mix.containsKey(name)) {
        throw new IllegalArgumentException(
            option + ": task '" + name + "' is not in --tasks " + mix.keySet());
      }
    }
  }
}
