package dev.anira.modelservice.cli;

import ai.djl.Device;
import dev.anira.cli.DurationConverter;
import dev.anira.evaluation.Evaluation;
import dev.anira.model.Anira;
import dev.anira.model.Devices;
import dev.anira.model.ModelConfig;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.SizeRange;
import dev.anira.tasks.Task;
import dev.anira.tasks.Tasks;
import dev.anira.telemetry.TrainingTelemetry;
import dev.anira.training.Checkpoint;
import dev.anira.training.EvalSets;
import dev.anira.training.PonderLoss;
import dev.anira.training.Trainer;
import dev.anira.training.TrainingConfig;
import dev.anira.training.TrainingData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code anira train}: trains one ANIRA model and writes a checkpoint. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train ANIRA on one task: every depth's answer trained equally, the halting distribution"
          + " chosen from the per-depth losses, plus beta times the expected depth; loss on answer"
          + " positions only (model-service/README.md, Training objective).",
      "Writes DIR/NAME.weights and DIR/NAME.json (architecture, training config, command, eval"
          + " metrics on held-out train-size and extrapolation-size instances).",
      "With --telemetry, every evaluation also runs the held-out instances step by step and"
          + " publishes their traces, step records and results to Kafka under the model id"
          + " TASK-MECHANISM@RUN, so 'anira analyze' and the dashboard show halting emerge live.",
      "Example: anira train --task addition --mechanism online --steps 2000 --batch 32 --seed 1"
          + " --out models"
    })
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--task",
      required = true,
      completionCandidates = TaskNames.class,
      description = "Task to learn: ${COMPLETION-CANDIDATES}")
  String task;

  /** The task library's tasks, for {@code --help}. */
  static final class TaskNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Tasks.all().stream().map(Task::name).iterator();
    }
  }

  @Option(
      names = "--mechanism",
      defaultValue = "online",
      converter = EnumConverter.MechanismName.class,
      description = "online (ANIRA-O), early (ANIRA-E) or fixed. Default: ${DEFAULT-VALUE}")
  Mechanism mechanism;

  @Option(
      names = "--steps",
      defaultValue = "2000",
      description = "Updates. Default: ${DEFAULT-VALUE}")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Sequences per update. Default: ${DEFAULT-VALUE}")
  int batch;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seeds weights and data. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--out", required = true, description = "Directory for the checkpoint")
  Path out;

  @Option(names = "--name", description = "Checkpoint name. Default: TASK-MECHANISM")
  String name;

  @Option(
      names = "--train-sizes",
      description =
          "Sizes to train on, MIN..MAX. Default: per task (parity 4..16, addition 2..8, ...)")
  String trainSizes;

  @Option(
      names = "--extrapolation-sizes",
      description = "Larger sizes for the extrapolation eval, MIN..MAX. Default: per task")
  String extrapolationSizes;

  @Option(
      names = "--knob",
      description =
          "Other knob ranges, KNOB=MIN..MAX (repeatable); replaces the task's default range for"
              + " that knob (addition propagate=0.1..0.8, parity ones=0.2..0.8, ...)")
  Map<String, String> knobs = new LinkedHashMap<>();

  @Option(
      names = "--instances",
      description = "Train on this file from 'anira produce --out' instead of fresh instances")
  Path instances;

  @Option(
      names = "--lr",
      defaultValue = "0.001",
      description = "Peak learning rate. Default: ${DEFAULT-VALUE}")
  double learningRate;

  @Option(
      names = "--warmup",
      defaultValue = "100",
      description = "Warm-up updates. Default: ${DEFAULT-VALUE}")
  int warmup;

  @Option(
      names = "--schedule",
      defaultValue = "constant",
      converter = EnumConverter.Schedule.class,
      description =
          "Learning rate after warm-up: constant, or cosine (decay to a tenth). Default:"
              + " ${DEFAULT-VALUE}")
  TrainingConfig.Schedule schedule;

  @Option(
      names = "--depth-supervision",
      defaultValue = "all",
      converter = EnumConverter.DepthSupervision.class,
      description =
          "all: every depth's answer trained equally, the halting distribution learns from the"
              + " per-depth losses; expected: PonderNet's sum of p^k * CE_k, which trains the"
              + " depths the halting already favours (EARLY collapses). Default: ${DEFAULT-VALUE}")
  PonderLoss.DepthSupervision depthSupervision;

  @Option(
      names = "--regularise",
      defaultValue = "answers",
      converter = EnumConverter.RegulariserTokens.class,
      description =
          "Tokens whose depth the regulariser prices: answers, or all (input tokens then halt at"
              + " step 1). Default: ${DEFAULT-VALUE}")
  PonderLoss.RegulariserTokens regulariserTokens;

  @Option(
      names = "--halting-warmup",
      defaultValue = "0.3",
      description =
          "Share of the updates that train only every depth's answer, before the halting head or"
              + " router learns (ONLINE tokens run to D_max meanwhile), so halting is learned from"
              + " a core that can use depth. Needs --depth-supervision all. Default: ${DEFAULT-VALUE}")
  double haltingWarmup;

  @Option(
      names = "--beta",
      defaultValue = "0.01",
      description = "Regulariser weight. Default: ${DEFAULT-VALUE}")
  double beta;

  @Option(
      names = "--beta-warmup",
      defaultValue = "0.5",
      description =
          "Share of the updates over which beta ramps up from 0, so deep steps learn before"
              + " halting is pushed earlier. Default: ${DEFAULT-VALUE}")
  double betaWarmup;

  @Option(
      names = "--regulariser",
      defaultValue = "steps",
      converter = EnumConverter.Regulariser.class,
      description =
          "steps: beta * expected depth (halting moves to the first step whose answer is as good"
              + " as later ones); kl: beta * KL to Geometric(lambda_p), PonderNet's choice."
              + " Default: ${DEFAULT-VALUE}")
  PonderLoss.Regulariser regulariser;

  @Option(
      names = "--prior-lambda",
      defaultValue = "0.2",
      description = "lambda_p of the geometric prior. Default: ${DEFAULT-VALUE}")
  double priorLambda;

  @Option(
      names = "--clip",
      defaultValue = "1.0",
      description = "Gradient-norm clip. Default: ${DEFAULT-VALUE}")
  double clip;

  @Option(
      names = "--eval-every",
      defaultValue = "250",
      description = "Updates between evals. Default: ${DEFAULT-VALUE}")
  int evalEvery;

  @Option(
      names = "--eval-count",
      defaultValue = "256",
      description = "Instances per eval set. Default: ${DEFAULT-VALUE}")
  int evalCount;

  @Option(
      names = "--max-depth",
      defaultValue = "12",
      description = "D_max. Default: ${DEFAULT-VALUE}")
  int maxDepth;

  @Option(names = "--fixed-depth", description = "FIXED: steps every token runs. Default: D_max")
  Integer fixedDepth;

  @Option(
      names = "--model-dim",
      defaultValue = "64",
      description = "d_model. Default: ${DEFAULT-VALUE}")
  int modelDim;

  @Option(
      names = "--heads",
      defaultValue = "4",
      description = "Attention heads. Default: ${DEFAULT-VALUE}")
  int heads;

  @Option(
      names = "--ff-dim",
      defaultValue = "256",
      description = "Feed-forward width. Default: ${DEFAULT-VALUE}")
  int ffDim;

  @Option(
      names = "--prelude-layers",
      defaultValue = "1",
      description = "L_p. Default: ${DEFAULT-VALUE}")
  int preludeLayers;

  @Option(
      names = "--attention",
      defaultValue = "causal",
      converter = EnumConverter.Attention.class,
      description =
          "causal, or bidirectional (every token sees every real token of its instance, as the"
              + " problem part of a prefix LM). Default: ${DEFAULT-VALUE}")
  ModelConfig.Attention attention;

  @Option(
      names = "--halt-threshold",
      defaultValue = "0.5",
      description = "ONLINE: halt at the first step with lambda >= this. Default: ${DEFAULT-VALUE}")
  double haltThreshold;

  @Mixin DeviceOption device;

  @Option(
      names = "--threads",
      description = "PyTorch intra-op threads (default: all cores; 1 makes parallel runs fair)")
  Integer threads;

  @Option(
      names = "--telemetry",
      paramLabel = "BOOTSTRAP",
      description =
          "Kafka bootstrap servers: stream every evaluation into the analytics (off by default).")
  String telemetry;

  @Option(
      names = "--run-id",
      description =
          "Names the run in the telemetry's model id TASK-MECHANISM@RUN. Default:"
              + " run-<yyyyMMdd-HHmmss> of the start")
  String runId;

  @Option(
      names = "--checkpoint-every-eval",
      description =
          "Also save a checkpoint at every evaluation, as NAME-uUPDATE, so any evaluation (the one"
              + " --telemetry streamed, say) can be reproduced with anira eval.")
  boolean checkpointEveryEval;

  @Option(
      names = "--telemetry-spacing",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Least event time between two evaluations' records; at least the analytics job's"
              + " --window, so each window holds one evaluation. Default: ${DEFAULT-VALUE}")
  Duration telemetrySpacing;

  private volatile Trainer trainer;
  private boolean quiet;

  /** No progress bar and no eval lines (the demo, whose terminal shows its own summary). */
  public TrainCommand quietly() {
    quiet = true;
    return this;
  }

  private volatile boolean stopRequested;

  /**
   * Ends the training after the update in progress, which is evaluated, and saves the checkpoint
   * (the demo's Ctrl-C); callable from any thread.
   */
  public void requestStop() {
    stopRequested = true;
    Trainer running = trainer;
    if (running != null) {
      running.requestStop();
    }
  }

  private Trainer trainer(
      Anira model,
      TrainingConfig config,
      TrainingData data,
      Map<String, List<GeneratedInstance>> evalSets) {
    trainer = new Trainer(model, config, data, evalSets);
    if (stopRequested) {
      trainer.requestStop();
    }
    return trainer;
  }

  @Override
  public Integer call() throws Exception {
    Task library;
    TrainingConfig config;
    ModelConfig modelConfig;
    Map<String, SizeRange> knobRanges = new LinkedHashMap<>();
    TrainingData data;
    Map<String, List<GeneratedInstance>> evalSets;
    Device chosen;
    try {
      library = Tasks.byName(task);
      TaskDefaults.Defaults sizes = TaskDefaults.of(task);
      Map<String, String> knobRangeText = new LinkedHashMap<>(sizes.knobs());
      knobRangeText.putAll(knobs);
      config =
          new TrainingConfig(
              task,
              trainSizes == null ? sizes.train() : trainSizes,
              extrapolationSizes == null ? sizes.extrapolation() : extrapolationSizes,
              new java.util.TreeMap<>(knobRangeText),
              instances == null ? null : instances.toString(),
              steps,
              batch,
              seed,
              learningRate,
              warmup,
              schedule,
              beta,
              betaWarmup,
              regulariser,
              priorLambda,
              clip,
              evalEvery,
              evalCount,
              depthSupervision,
              regulariserTokens,
              haltingWarmupFor(depthSupervision));
      modelConfig =
          new ModelConfig(
              library.vocabSize(),
              modelDim,
              heads,
              ffDim,
              preludeLayers,
              maxDepth,
              mechanism,
              fixedDepth == null ? maxDepth : fixedDepth,
              haltThreshold,
              attention);
      config.knobs().forEach((k, v) -> knobRanges.put(k, SizeRange.parse(v)));
      data =
          instances != null
              ? TrainingData.fromInstanceFile(instances, task)
              : TrainingData.fromTaskLibrary(
                  library, SizeRange.parse(config.trainSizes()), knobRanges, seed);
      evalSets = EvalSets.of(library, config, knobRanges, seed);
      if (threads != null) {
        // The thread count decides the order of float reductions: bit-identical weights need it.
        Devices.useThreads(threads);
      }
      chosen = Devices.select(device.device);
      if (telemetrySpacing.isNegative() || telemetrySpacing.isZero()) {
        throw new IllegalArgumentException(
            "--telemetry-spacing must be positive, got " + telemetrySpacing);
      }
    } catch (IllegalArgumentException e) {
      // Bad options fail before anything loads, with the exit code of a usage error.
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    String checkpointName =
        name != null ? name : task + "-" + mechanism.name().toLowerCase(java.util.Locale.ROOT);
    PrintStream err = System.err;
    err.printf(
        "training %s %s on %s: %d updates of %d, sizes %s (extrapolation %s)%n",
        task,
        mechanism,
        Devices.describe(chosen),
        steps,
        batch,
        config.trainSizes(),
        config.extrapolationSizes());
    long start = System.nanoTime();
    try (Anira model = Anira.create(modelConfig, chosen, seed)) {
      ProgressBar bar = quiet ? null : new ProgressBar(err, System.console() != null);
      Trainer.Listener quietOrBar = bar != null ? bar : p -> {};
      Trainer.Listener shown =
          !checkpointEveryEval
              ? quietOrBar
              : new Trainer.Listener() {
                @Override
                public void progress(Trainer.Progress p) {
                  quietOrBar.progress(p);
                }

                @Override
                public void evaluated(int step, Map<String, Evaluation> evaluation) {
                  quietOrBar.evaluated(step, evaluation);
                  try {
                    Checkpoint.save(
                        out,
                        checkpointName + "-u" + step,
                        model,
                        config,
                        commandLine(),
                        evaluation,
                        (System.nanoTime() - start) / 1e9);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
              };
      Map<String, Evaluation> metrics;
      if (telemetry == null) {
        metrics = trainer(model, config, data, evalSets).train(shown);
      } else {
        String run = runId != null ? runId : TrainingTelemetry.runId("run");
        try (TrainingTelemetry telemetered =
            new TrainingTelemetry(
                shown, telemetry, run, telemetrySpacing, task, mechanism, model, evalSets)) {
          err.printf("telemetry: evaluations go to %s as %s%n", telemetry, telemetered.modelId());
          metrics = trainer(model, config, data, evalSets).train(telemetered);
          telemetered.close();
          double total = (System.nanoTime() - start) / 1e9;
          err.printf(
              "telemetry: %d evaluations published; their step-by-step passes took %.1f s"
                  + " (%.1f%% of the run)%n",
              telemetered.published(),
              telemetered.passSeconds(),
              100 * telemetered.passSeconds() / total);
        }
      }
      if (bar != null) {
        bar.finish();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Checkpoint checkpoint =
          Checkpoint.save(out, checkpointName, model, config, commandLine(), metrics, seconds);
      System.out.printf(
          "%s: train-size accuracy %.3f, extrapolation %.3f, mean depth %.2f, %d parameters,"
              + " %.0f s -> %s%n",
          checkpointName,
          metrics.get(Trainer.TRAIN_SET).accuracy(),
          metrics.get(Trainer.EXTRAPOLATION_SET).accuracy(),
          metrics.get(Trainer.TRAIN_SET).meanDepth(),
          checkpoint.parameters(),
          seconds,
          Checkpoint.jsonFile(out, checkpointName));
    }
    return 0;
  }

  private String commandLine() {
    StringBuilder s = new StringBuilder("anira train --task ").append(task);
    s.append(" --mechanism ").append(mechanism.name().toLowerCase(java.util.Locale.ROOT));
    s.append(" --steps ").append(steps).append(" --batch ").append(batch);
    s.append(" --seed ").append(seed);
    if (trainSizes != null) {
      s.append(" --train-sizes ").append(trainSizes);
    }
    if (extrapolationSizes != null) {
      s.append(" --extrapolation-sizes ").append(extrapolationSizes);
    }
    knobs.forEach((k, v) -> s.append(" --knob ").append(k).append('=').append(v));
    s.append(" --max-depth ").append(maxDepth);
    if (fixedDepth != null) {
      s.append(" --fixed-depth ").append(fixedDepth);
    }
    s.append(" --model-dim ").append(modelDim).append(" --heads ").append(heads);
    s.append(" --ff-dim ").append(ffDim).append(" --prelude-layers ").append(preludeLayers);
    s.append(" --halt-threshold ").append(haltThreshold);
    s.append(" --attention ").append(lower(attention));
    s.append(" --lr ").append(learningRate).append(" --warmup ").append(warmup);
    s.append(" --schedule ").append(lower(schedule)).append(" --beta ").append(beta);
    s.append(" --beta-warmup ").append(betaWarmup);
    s.append(" --regulariser ").append(lower(regulariser));
    s.append(" --depth-supervision ").append(lower(depthSupervision));
    s.append(" --regularise ").append(lower(regulariserTokens));
    s.append(" --halting-warmup ").append(haltingWarmupFor(depthSupervision));
    if (regulariser == PonderLoss.Regulariser.KL) {
      s.append(" --prior-lambda ").append(priorLambda);
    }
    return s.toString();
  }

  /** The default warm-up applies to ALL only; asked for explicitly with EXPECTED, it is refused. */
  private double haltingWarmupFor(PonderLoss.DepthSupervision supervision) {
    boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--halting-warmup");
    return supervision == PonderLoss.DepthSupervision.ALL || explicit ? haltingWarmup : 0;
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
