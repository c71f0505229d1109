package dev.anira.modelservice.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.evaluation.Evaluation;
import dev.anira.evaluation.Evaluator;
import dev.anira.model.Devices;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.Tasks;
import dev.anira.training.BundledCheckpoints;
import dev.anira.training.Checkpoint;
import dev.anira.training.EvalSets;
import dev.anira.training.Trainer;
import dev.anira.training.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code anira eval}: scores checkpoints on fresh fixed-seed instances. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate checkpoints on a fresh fixed-seed eval set at their train sizes and extrapolation"
          + " sizes: per-token accuracy, mean depth, Spearman rho between depth and each"
          + " complexity definition over correctly answered tokens.",
      "Example: anira eval --all --count 512 --json"
    })
public final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  static final class Selection {
    @Option(
        names = "--checkpoint",
        description = "A bundled checkpoint name (e.g. addition-online) or a path to NAME.json")
    List<String> checkpoints;

    @Option(names = "--all", description = "Every bundled checkpoint")
    boolean all;
  }

  @ArgGroup(multiplicity = "1")
  Selection selection;

  @Option(
      names = "--count",
      defaultValue = "256",
      description = "Instances per set. Default: ${DEFAULT-VALUE}")
  int count;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Seed of the eval sets. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--json", description = "One JSON object per checkpoint per line")
  boolean json;

  @Mixin DeviceOption device;

  /** One checkpoint's scores on both sets. */
  public record Report(
      String name, String task, String mechanism, Evaluation train, Evaluation extrapolation) {}

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    List<String> names = selection.all ? BundledCheckpoints.names() : selection.checkpoints;
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no bundled checkpoints in this build");
    }
    Device chosen = Devices.select(device.device);
    List<Report> reports = new ArrayList<>();
    for (String name : names) {
      Report report = evaluate(name, chosen, count, seed);
      reports.add(report);
      if (json) {
        System.out.println(toJson(report));
      } else {
        System.err.printf("evaluated %s%n", name);
      }
    }
    if (!json) {
      System.out.print(table(reports));
    }
    return 0;
  }

  /** Loads a checkpoint (bundled name or .json path) and scores it on fresh sets. */
  public static Report evaluate(String name, Device device, int count, long seed)
      throws java.io.IOException {
    Checkpoint.Loaded loaded =
        name.endsWith(".json") || Files.exists(Path.of(name))
            ? Checkpoint.load(Path.of(name), device)
            : BundledCheckpoints.load(name, device);
    try (var model = loaded.model()) {
      Checkpoint checkpoint = loaded.checkpoint();
      TrainingConfig training = checkpoint.training();
      Task task = Tasks.byName(training.task());
      Map<String, SizeRange> knobs = new LinkedHashMap<>();
      training.knobs().forEach((k, v) -> knobs.put(k, SizeRange.parse(v)));
      TrainingConfig sized = training.withEvalCount(count);
      var sets = EvalSets.of(task, sized, knobs, seed);
      Evaluator evaluator = new Evaluator(64);
      return new Report(
          checkpoint.name(),
          training.task(),
          checkpoint.model().mechanism().name().toLowerCase(Locale.ROOT),
          evaluator.evaluate(model, sets.get(Trainer.TRAIN_SET)),
          evaluator.evaluate(model, sets.get(Trainer.EXTRAPOLATION_SET)));
    }
  }

  static String toJson(Report r) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.put("checkpoint", r.name());
    node.put("task", r.task());
    node.put("mechanism", r.mechanism());
    node.put("accuracy", r.train().accuracy());
    node.put("extrapolationAccuracy", r.extrapolation().accuracy());
    node.put("meanDepth", r.train().meanDepth());
    node.put("extrapolationMeanDepth", r.extrapolation().meanDepth());
    ObjectNode spearman = node.putObject("spearman");
    r.train().spearman().forEach((k, v) -> putNumber(spearman, k, v));
    ObjectNode partial = node.putObject("partialSpearman");
    r.train().partialSpearman().forEach((k, v) -> putNumber(partial, k, v));
    putNumber(node, "adjustedR2Static", r.train().adjustedR2Static());
    putNumber(node, "adjustedR2Algorithm", r.train().adjustedR2Algorithm());
    ObjectNode histogram = node.putObject("depthHistogram");
    r.train().depthHistogram().forEach((depth, n) -> histogram.put(Integer.toString(depth), n));
    ObjectNode extrapolationSpearman = node.putObject("extrapolationSpearman");
    r.extrapolation().spearman().forEach((k, v) -> putNumber(extrapolationSpearman, k, v));
    ObjectNode extrapolationPartial = node.putObject("extrapolationPartialSpearman");
    r.extrapolation().partialSpearman().forEach((k, v) -> putNumber(extrapolationPartial, k, v));
    ObjectNode extrapolationHistogram = node.putObject("extrapolationDepthHistogram");
    r.extrapolation()
        .depthHistogram()
        .forEach((depth, n) -> extrapolationHistogram.put(Integer.toString(depth), n));
    node.put("instances", r.train().instances());
    node.put("tokens", r.train().tokens());
    return node.toString();
  }

  /** JSON has no NaN: an undefined ρ (constant depth) is null. */
  private static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  static String table(List<Report> reports) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "%-22s %-9s %-7s %8s %8s %13s %8s %6s %7s %7s  %s%n",
            "checkpoint",
            "task",
            "mech",
            "acc",
            "extrap",
            "depth (extr.)",
            "depths",
            "top",
            "adjR2st",
            "adjR2al",
            "rho / partial rho (correct tokens)"));
    for (Report r : reports) {
      StringBuilder rho = new StringBuilder();
      r.train()
          .spearman()
          .forEach(
              (k, v) ->
                  rho.append(k)
                      .append(' ')
                      .append(signed(v))
                      .append(" / ")
                      .append(signed(r.train().partialSpearman().getOrDefault(k, Double.NaN)))
                      .append("  "));
      s.append(
          String.format(
              "%-22s %-9s %-7s %7.1f%% %7.1f%% %5.2f (%5.2f) %8d %5.0f%% %7s %7s  %s%n",
              r.name(),
              r.task(),
              r.mechanism(),
              100 * r.train().accuracy(),
              100 * r.extrapolation().accuracy(),
              r.train().meanDepth(),
              r.extrapolation().meanDepth(),
              r.train().distinctDepths(),
              100 * r.train().largestDepthShare(),
              signed(r.train().adjustedR2Static()),
              signed(r.train().adjustedR2Algorithm()),
              rho.toString().trim()));
    }
    return s.toString();
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format("%+.2f", v) : "n/a";
  }
}
