package dev.anira.modelservice.cli;

import ai.djl.Device;
import dev.anira.cli.Commands;
import dev.anira.cli.DurationConverter;
import dev.anira.cli.GracefulStop;
import dev.anira.cli.KafkaConnection;
import dev.anira.model.Devices;
import dev.anira.schemas.Mechanism;
import dev.anira.service.InferenceService;
import dev.anira.service.ModelRegistry;
import dev.anira.service.ServedModel;
import dev.anira.service.ServiceConfig;
import dev.anira.service.ServiceMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code anira serve}: the streaming inference service. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run ANIRA step by step on every instance from anira.tasks and stream each recurrence"
          + " step to anira.steps and each final answer to anira.results, exactly once (Kafka"
          + " transactions). Bad input goes to anira.dlq. Runs until Ctrl-C.",
      "Example: anira serve --bootstrap 127.0.0.1:9092 --models bundled --mechanisms online,early"
    })
public final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KafkaConnection kafka;

  @Option(
      names = "--models",
      defaultValue = ServiceConfig.DEFAULT_MODELS,
      description =
          "'bundled' (the checkpoints in the jar) or a directory of NAME.json checkpoints. Default: ${DEFAULT-VALUE}")
  String models;

  @Option(
      names = "--mechanisms",
      split = ",",
      defaultValue = ServiceConfig.DEFAULT_MECHANISMS,
      converter = EnumConverter.MechanismName.class,
      description = "Which mechanisms run, side by side. Default: ${DEFAULT-VALUE}")
  List<Mechanism> mechanisms;

  @Mixin DeviceOption device;

  @Option(
      names = "--threads",
      description =
          "PyTorch intra-op threads on the CPU (default: half the cores, at least 1; the rest"
              + " serve the Kafka clients)")
  Integer threads;

  @Option(
      names = "--group-id",
      defaultValue = ServiceConfig.DEFAULT_GROUP_ID,
      description = "Consumer group. Default: ${DEFAULT-VALUE}")
  String groupId;

  @Option(
      names = "--transactional-id",
      description =
          "Stable per instance (default: anira-model-service-HOSTNAME); run more instances with distinct ids")
  String transactionalId;

  @Option(
      names = "--token-budget",
      defaultValue = ServiceConfig.DEFAULT_TOKEN_BUDGET,
      description = "Tokens in a running batch. Default: ${DEFAULT-VALUE}")
  int tokenBudget;

  @Option(
      names = "--max-instance-tokens",
      defaultValue = ServiceConfig.DEFAULT_MAX_INSTANCE_TOKENS,
      description = "Longer instances go to anira.dlq. Default: ${DEFAULT-VALUE}")
  int maxInstanceTokens;

  @Option(
      names = "--max-poll-records",
      defaultValue = ServiceConfig.DEFAULT_MAX_POLL_RECORDS,
      description =
          "Instances read per poll; reading pauses at twice this many in flight. Default:"
              + " ${DEFAULT-VALUE}")
  int maxPollRecords;

  @Option(
      names = "--commit-interval",
      defaultValue = ServiceConfig.DEFAULT_COMMIT_INTERVAL,
      converter = DurationConverter.class,
      description =
          "How often finished instances' outputs commit with their input offsets (one Kafka"
              + " transaction) while the models are busy; when they run out of work, at once."
              + " Default: ${DEFAULT-VALUE}")
  Duration commitInterval;

  @Option(
      names = "--transaction-timeout",
      defaultValue = ServiceConfig.DEFAULT_TRANSACTION_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "The broker aborts a transaction open longer than this; at least 10x --commit-interval."
              + " Default: ${DEFAULT-VALUE}")
  Duration transactionTimeout;

  @Option(
      names = "--metrics-host",
      defaultValue = ServiceConfig.DEFAULT_METRICS_HOST,
      description = "Prometheus endpoint address. Default: ${DEFAULT-VALUE}")
  String metricsHost;

  @Option(
      names = "--metrics-port",
      defaultValue = ServiceConfig.DEFAULT_METRICS_PORT,
      description = "Prometheus endpoint port; 0 any, -1 off. Default: ${DEFAULT-VALUE}")
  int metricsPort;

  @Option(
      names = "--producer-id",
      defaultValue = ServiceConfig.DEFAULT_PRODUCER_ID,
      description = "Written on every output record. Default: ${DEFAULT-VALUE}")
  String producerId;

  private volatile InferenceService service;
  private volatile boolean stopRequested;

  @Override
  public Integer call() throws Exception {
    ServiceConfig config;
    Device chosen;
    try {
      config =
          new ServiceConfig(
              kafka.bootstrap,
              models,
              mechanisms == null ? Set.of() : EnumSet.copyOf(mechanisms),
              device.device,
              threads != null ? threads : Devices.defaultThreads(),
              groupId,
              transactionalId != null ? transactionalId : ServiceConfig.defaultTransactionalId(),
              tokenBudget,
              maxInstanceTokens,
              maxPollRecords,
              commitInterval,
              transactionTimeout,
              metricsHost,
              metricsPort,
              producerId);
      Devices.useThreads(config.threads()); // before the engine loads
      chosen = Devices.select(device.device);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return serve(config, chosen, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Serves until {@link #requestStop} or a signal; prints where it serves to {@code err} and a
   * summary to {@code out}. The demo runs its model service through this, from a typed config.
   *
   * @param chosen the device {@code config.device()} names ({@link Devices#select})
   * @return the exit code, 0
   * @throws Exception if the models do not load or Kafka fails beyond the service's retries
   */
  public int serve(ServiceConfig config, Device chosen, PrintWriter out, PrintWriter err)
      throws Exception {
    // The stop is closed last, so a signal's hook lets the JVM exit only once all is closed.
    try (GracefulStop stop = GracefulStop.install("anira serve", STOP_TIMEOUT);
        ModelRegistry registry = ModelRegistry.load(config.models(), config.mechanisms(), chosen);
        ServiceMetrics metrics = new ServiceMetrics(Devices.describe(chosen));
        InferenceService running = new InferenceService(config, registry, metrics)) {
      service = running;
      String endpoint = "off";
      if (config.metricsPort() >= 0) {
        endpoint =
            "http://"
                + config.metricsHost()
                + ":"
                + metrics.serve(config.metricsHost(), config.metricsPort())
                + "/metrics";
      }
      err.printf(
          "serving %d model(s) on %s (malloc: %s, mkl-cpu-dispatch: %s) from %s: %s; metrics %s%n",
          registry.all().size(),
          Devices.describe(chosen),
          Devices.allocator(),
          Devices.mklCpuDispatch() ? "preloaded" : "not preloaded",
          config.bootstrap(),
          registry.all().stream().map(ServedModel::modelId).toList(),
          endpoint);
      err.flush();
      stop.onStop("the service", running::stop);
      if (stopRequested) {
        running.stop(); // asked to stop while the models were loading
      }
      long start = System.nanoTime();
      InferenceService.Totals totals = running.run();
      summarize(totals, (System.nanoTime() - start) / 1e9, out);
    }
    return 0;
  }

  /** How long a stop signal may take: the open transaction is aborted, the clients close. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static void summarize(InferenceService.Totals totals, double seconds, PrintWriter out) {
    out.printf(
        "served %,d instances in %.1f s: %,d results, %,d steps, %,d dead letters, %,d"
            + " transactions%n",
        totals.instances,
        seconds,
        totals.results,
        totals.steps,
        totals.deadLetters,
        totals.transactions);
    out.flush();
  }

  /** Ends the run as Ctrl-C does (the demo, tests); before the service runs, it never starts. */
  public void requestStop() {
    stopRequested = true;
    InferenceService s = service;
    if (s != null) {
      s.stop();
    }
  }

  /**
   * For {@code java -cp ... dev.anira.modelservice.cli.ServeCommand} (the crash test's child
   * process).
   */
  public static void main(String[] args) {
    Commands.main(new ServeCommand(), args);
  }
}
