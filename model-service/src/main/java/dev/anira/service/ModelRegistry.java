package dev.anira.service;

import ai.djl.Device;
import dev.anira.schemas.Mechanism;
import dev.anira.training.BundledCheckpoints;
import dev.anira.training.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The models the service runs, by task: every checkpoint (bundled, or {@code *.json} in a
 * directory) whose mechanism is among those configured. An instance runs through every model of its
 * task, so ONLINE and EARLY can be watched side by side.
 */
public final class ModelRegistry implements AutoCloseable {

  /** {@code --models bundled}: the checkpoints in the jar. */
  public static final String BUNDLED = "bundled";

  private final Map<String, List<ServedModel>> byTask = new LinkedHashMap<>();

  private ModelRegistry() {}

  public static ModelRegistry load(String models, Set<Mechanism> mechanisms, Device device)
      throws IOException {
    ModelRegistry registry = new ModelRegistry();
    try {
      if (BUNDLED.equals(models)) {
        for (String name : BundledCheckpoints.names()) {
          registry.add(BundledCheckpoints.load(name, device), mechanisms);
        }
      } else {
        Path dir = Path.of(models);
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException(
              "--models must be 'bundled' or a directory of checkpoints, got " + models);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
          files =
              list.filter(p -> p.getFileName().toString().endsWith(".json"))
                  .sorted(Comparator.naturalOrder())
                  .toList();
        }
        for (Path json : files) {
          registry.add(Checkpoint.load(json, device), mechanisms);
        }
      }
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    if (registry.byTask.isEmpty()) {
      throw new IllegalArgumentException(
          "no checkpoint in " + models + " has a mechanism among " + mechanisms);
    }
    return registry;
  }

  /** A registry over models already loaded (tests, benchmarks). Closing it closes them. */
  public static ModelRegistry of(List<ServedModel> models) {
    ModelRegistry registry = new ModelRegistry();
    models.forEach(m -> registry.byTask.computeIfAbsent(m.task(), t -> new ArrayList<>()).add(m));
    return registry;
  }

  private void add(Checkpoint.Loaded loaded, Set<Mechanism> mechanisms) {
    Checkpoint checkpoint = loaded.checkpoint();
    if (!mechanisms.contains(checkpoint.model().mechanism())) {
      loaded.model().close();
      return;
    }
    byTask
        .computeIfAbsent(checkpoint.training().task(), t -> new ArrayList<>())
        .add(
            new ServedModel(
                checkpoint.name(),
                checkpoint.training().task(),
                checkpoint.model().mechanism(),
                loaded.model()));
  }

  /** The models for a task; empty if none. */
  public List<ServedModel> forTask(String task) {
    return byTask.getOrDefault(task, List.of());
  }

  public List<ServedModel> all() {
    return byTask.values().stream().flatMap(List::stream).toList();
  }

  @Override
  public void close() {
    all().forEach(m -> m.model().close());
    byTask.clear();
  }
}
