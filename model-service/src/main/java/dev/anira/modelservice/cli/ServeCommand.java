package dev.anira.modelservice.cli;

import ai.djl.Device;
import dev.anira.model.Devices;
import dev.anira.schemas.Mechanism;
import dev.anira.service.InferenceService;
import dev.anira.service.ModelRegistry;
import dev.anira.service.ServedModel;
import dev.anira.service.ServiceConfig;
import dev.anira.service.ServiceMetrics;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

  @Option(
      names = "--bootstrap",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}")
  String bootstrap;

  @Option(
      names = "--models",
      defaultValue = "bundled",
      description =
          "'bundled' (the checkpoints in the jar) or a directory of NAME.json checkpoints. Default: ${DEFAULT-VALUE}")
  String models;

  @Option(
      names = "--mechanisms",
      split = ",",
      defaultValue = "online,early",
      converter = EnumConverter.MechanismName.class,
      description = "Which mechanisms run, side by side. Default: ${DEFAULT-VALUE}")
  List<Mechanism> mechanisms;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
  String device;

  @Option(
      names = "--group-id",
      defaultValue = "anira-model-service",
      description = "Consumer group. Default: ${DEFAULT-VALUE}")
  String groupId;

  @Option(
      names = "--transactional-id",
      description =
          "Stable per instance (default: anira-model-service-HOSTNAME); run more instances with distinct ids")
  String transactionalId;

  @Option(
      names = "--token-budget",
      defaultValue = "4096",
      description = "Tokens in a running batch. Default: ${DEFAULT-VALUE}")
  int tokenBudget;

  @Option(
      names = "--max-instance-tokens",
      defaultValue = "1024",
      description = "Longer instances go to anira.dlq. Default: ${DEFAULT-VALUE}")
  int maxInstanceTokens;

  @Option(
      names = "--max-poll-records",
      defaultValue = "256",
      description = "Instances per transaction. Default: ${DEFAULT-VALUE}")
  int maxPollRecords;

  @Option(
      names = "--metrics-host",
      defaultValue = "127.0.0.1",
      description = "Prometheus endpoint address. Default: ${DEFAULT-VALUE}")
  String metricsHost;

  @Option(
      names = "--metrics-port",
      defaultValue = "9464",
      description = "Prometheus endpoint port; 0 any, -1 off. Default: ${DEFAULT-VALUE}")
  int metricsPort;

  @Option(
      names = "--producer-id",
      defaultValue = "model-service",
      description = "Written on every output record. Default: ${DEFAULT-VALUE}")
  String producerId;

  private volatile InferenceService service;
  private final java.util.concurrent.CountDownLatch finished =
      new java.util.concurrent.CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    ServiceConfig config;
    Device chosen;
    try {
      config =
          new ServiceConfig(
              bootstrap,
              models,
              mechanisms == null ? Set.of() : EnumSet.copyOf(mechanisms),
              device,
              groupId,
              transactionalId != null
                  ? transactionalId
                  : "anira-model-service-" + InetAddress.getLocalHost().getHostName(),
              tokenBudget,
              maxInstanceTokens,
              maxPollRecords,
              metricsHost,
              metricsPort,
              producerId);
      chosen = Devices.select(device);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    try {
      return serve(config, chosen, err);
    } finally {
      // Lets a Ctrl-C hook return (and the JVM exit) only after the summary is out.
      finished.countDown();
    }
  }

  private int serve(ServiceConfig config, Device chosen, PrintWriter err) throws Exception {
    try (ModelRegistry registry = ModelRegistry.load(models, config.mechanisms(), chosen);
        ServiceMetrics metrics = new ServiceMetrics(Devices.describe(chosen));
        InferenceService running = new InferenceService(config, registry, metrics)) {
      service = running;
      String endpoint = "off";
      if (metricsPort >= 0) {
        endpoint =
            "http://" + metricsHost + ":" + metrics.serve(metricsHost, metricsPort) + "/metrics";
      }
      err.printf(
          "serving %d model(s) on %s from %s: %s; metrics %s%n",
          registry.all().size(),
          Devices.describe(chosen),
          bootstrap,
          registry.all().stream().map(ServedModel::modelId).toList(),
          endpoint);
      err.flush();
      Thread hook = new Thread(this::stopFromSignal, "anira-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      long start = System.nanoTime();
      InferenceService.Totals totals = running.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      spec.commandLine()
          .getOut()
          .printf(
              "served %,d instances in %.1f s: %,d results, %,d steps, %,d dead letters, %,d"
                  + " transactions%n",
              totals.instances,
              seconds,
              totals.results,
              totals.steps,
              totals.deadLetters,
              totals.transactions);
      spec.commandLine().getOut().flush();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The signal is what ended the run.
      }
    }
    return 0;
  }

  /** Ends the run as Ctrl-C does (tests). */
  public void requestStop() {
    InferenceService s = service;
    if (s != null) {
      s.stop();
    }
  }

  private void stopFromSignal() {
    InferenceService s = service;
    if (s != null) {
      s.stop();
    }
    try {
      finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * For {@code java -cp ... dev.anira.modelservice.cli.ServeCommand} (the crash test's child
   * process).
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }
}
