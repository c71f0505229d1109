package dev.anira.tasks;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of every task, by name. */
public final class Tasks {

  private static final List<Task> ALL =
      List.of(
          new ParityTask(),
          new AdditionTask(),
          new DyckTask(),
          new BfsTask(),
          new KahnTask(),
          new DfsTask(),
          new PcfgTask());
  private static final Map<String, Task> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Task::name, Function.identity()));

  private Tasks() {}

  public static List<Task> all() {
    return ALL;
  }

  public static Task byName(String name) {
    Task task = BY_NAME.get(name);
    if (task == null) {
      throw new IllegalArgumentException(
          "unknown task '"
              + name
              + "'; tasks are "
              + ALL.stream().map(Task::name).collect(Collectors.joining(", ")));
    }
    return task;
  }
}
