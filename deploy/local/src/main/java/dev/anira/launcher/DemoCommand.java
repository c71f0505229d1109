package dev.anira.launcher;

import ai.djl.Device;
import dev.anira.cli.DurationConverter;
import dev.anira.cli.Durations;
import dev.anira.cli.GracefulStop;
import dev.anira.cli.RateConverter;
import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.JobRunner;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.LoopbackMetricsReporter;
import dev.anira.jobs.SourceEventTime;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.model.Devices;
import dev.anira.modelservice.cli.ServeCommand;
import dev.anira.modelservice.cli.TrainCommand;
import dev.anira.monitor.Dashboard;
import dev.anira.monitor.MonitorConfig;
import dev.anira.monitor.MonitorServer;
import dev.anira.monitor.MonitorState;
import dev.anira.producer.ProduceCommand;
import dev.anira.producer.ProduceConfig;
import dev.anira.producer.ProducerSettings;
import dev.anira.recording.RecordJob;
import dev.anira.recording.Recording;
import dev.anira.schemas.Mechanism;
import dev.anira.schemas.Topic;
import dev.anira.service.ServiceConfig;
import dev.anira.tasks.TaskMix;
import dev.anira.tasks.Tasks;
import dev.anira.telemetry.TrainingTelemetry;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code anira demo}: the whole pipeline in this process. An in-process Kafka broker, the task
 * producer, the model service (CPU, bundled checkpoints, ONLINE and EARLY side by side), the
 * analytics job and the recorder on one Flink MiniCluster, and the dashboard, all on 127.0.0.1.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline on this machine: Kafka (in process), the task producer (all tasks,"
          + " train and extrapolation sizes), the model service (bundled checkpoints, ONLINE and"
          + " EARLY), the analytics job and the recorder (Flink MiniCluster) and the dashboard,"
          + " all bound to 127.0.0.1. Prints a summary every few seconds. Ctrl-C (or --duration)"
          + " stops everything and prints where the recording is.",
      "Example: anira demo --duration 5m --rate 30"
    })
public final class DemoCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
  private static final long MIN_FREE_BYTES = 2L << 30;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long, e.g. 60s, 5m (default: until Ctrl-C).")
  Duration duration;

  @Option(
      names = "--tasks",
      split = ",",
      defaultValue = ProduceConfig.DEFAULT_TASKS,
      description = "Which tasks the producer mixes. Default: ${DEFAULT-VALUE}")
  List<String> tasks;

  @Option(
      names = "--rate",
      defaultValue = "20",
      converter = RateConverter.class,
      description = "Instances per second from the producer. Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(
      names = "--port",
      defaultValue = MonitorConfig.DEFAULT_PORT,
      description = "Dashboard port on 127.0.0.1, 0 for any free one. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--record",
      paramLabel = "DIR",
      description = "Where the recording goes (default: recordings/demo-<date>-<time>).")
  Path record;

  @Option(
      names = "--window",
      defaultValue = AnalyticsConfig.DEFAULT_WINDOW,
      converter = DurationConverter.class,
      description = "Report window. Default: ${DEFAULT-VALUE}")
  Duration window;

  @Option(
      names = "--train",
      paramLabel = "TASK",
      description =
          "Also train a small ONLINE model on TASK from scratch next to the bundled ones, every"
              + " evaluation streamed into the analytics and the dashboard (anira train"
              + " --telemetry): halting emerging, live.")
  String train;

  @Option(
      names = "--summary-every",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often the terminal summary prints. Default: ${DEFAULT-VALUE}")
  Duration summaryEvery;

  private final AtomicBoolean stop = new AtomicBoolean();

  /** Ends the demo as Ctrl-C does (tests). */
  public void requestStop() {
    stop.set(true);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (rate <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be positive");
    }
    List<TaskMix> mix;
    try {
      mix = ProducerSettings.fromFlags(String.join(",", tasks), Map.of(), Map.of(), Map.of());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (train != null) {
      try {
        Tasks.byName(train);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--train: " + e.getMessage());
      }
    }
    try {
      MonitorServer.requireFree(MonitorConfig.DEFAULT_HOST, port);
    } catch (IllegalStateException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path recording =
        record != null
            ? record
            : Path.of(
                "recordings",
                "demo-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    boolean newDirectory = !Files.exists(recording);
    Files.createDirectories(recording);
    boolean ran = false;
    try {
      requireDisk(recording, err);
      requireDisk(Path.of(System.getProperty("java.io.tmpdir")), err);
      Path checkpoints = Files.createTempDirectory("anira-demo-checkpoints");
      // The demo's stop is its own ordered one below (producer, service, jobs, dashboard); the
      // signal only starts it. The parts it runs in this JVM install no hook of their own.
      // Closed last, after the checkpoints are deleted: a signal's hook lets the JVM exit then.
      try (GracefulStop signal = GracefulStop.install("anira demo", STOP_TIMEOUT)) {
        signal.onStop("the demo", () -> stop.set(true));
        int exit = run(mix, recording, checkpoints, out, err);
        ran = true;
        return exit;
      } finally {
        FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
      }
    } finally {
      if (newDirectory && !ran) {
        deleteIfEmpty(recording, err); // a demo that failed before recording leaves none behind
      }
    }
  }

  /** Best effort: a failure here must not hide the one that ended the demo. */
  private static void deleteIfEmpty(Path directory, PrintWriter err) {
    try (var entries = Files.list(directory)) {
      if (entries.findAny().isEmpty()) {
        Files.delete(directory);
      }
    } catch (IOException e) {
      err.println(
          "anira demo: could not remove the empty recording directory " + directory + ": " + e);
    }
  }

  private int run(
      List<TaskMix> mix, Path recording, Path checkpoints, PrintWriter out, PrintWriter err)
      throws Exception {
    long t0 = System.nanoTime();
    MonitorState state;
    try (EmbeddedKafkaBroker kafka = startKafka()) {
      String bootstrap = kafka.bootstrapServers();
      step(err, "Kafka", bootstrap + seconds(t0));
      try (Dashboard dashboard = startDashboard(bootstrap)) {
        state = dashboard.state();
        step(err, "dashboard", dashboard.url());
        ServeCommand serve = new ServeCommand();
        ServiceConfig serviceConfig = ServiceConfig.defaults(bootstrap, "cpu", 0);
        Devices.useThreads(serviceConfig.threads()); // before the engine loads
        Part service =
            new Part(
                background(
                    "model-service", () -> serve.serve(serviceConfig, Device.cpu(), out, err)),
                serve::requestStop);
        step(err, "model service", "bundled checkpoints, ONLINE and EARLY, on the CPU");
        JobClient job = startJobs(bootstrap, recording, checkpoints);
        step(err, "Flink jobs", "analytics and recorder on a MiniCluster" + seconds(t0));
        step(
            err,
            "metrics",
            "Flink job http://127.0.0.1:"
                + LoopbackMetricsReporter.port()
                + "/metrics, dashboard "
                + dashboard.url()
                + "metrics, model service and producer: see their lines");
        // The demo's own summary keeps the terminal to one screen.
        ProduceCommand produce = new ProduceCommand().withoutProgressLine();
        ProduceConfig produceConfig = ProduceConfig.toKafkaUntilStopped(bootstrap, mix, rate, 0);
        Part producer =
            new Part(
                background("producer", () -> produce.produce(produceConfig, out, err)),
                produce::requestStop);
        step(err, "producer", String.join(", ", tasks) + " at " + rate + " instances/s");
        Part training = train == null ? null : startTraining(bootstrap, checkpoints, err);
        err.printf(
            "%nanira demo is running: open %s   (%s)%n%n",
            dashboard.url(),
            duration == null ? "Ctrl-C stops" : "stops after " + duration.toSeconds() + " s");
        err.flush();
        try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
          waitAndSummarize(state, lag, out);
        }
        if (training != null) {
          err.println("\nanira demo: the training run evaluates once more and stops ...");
          err.flush();
          training.stopAndJoin(STOP_TIMEOUT);
        }
        stopInOrder(producer, service, bootstrap, job, checkpoints, dashboard, err);
      }
    }
    printSummary(state.summary(), out);
    printDeadLetters(state.deadLettersByReason(), out);
    out.printf(
        "%nrecording: %s%n  replay it:  ./anira replay %s --to-kafka%n  analyze it: ./anira analyze --from %s%n",
        recording.toAbsolutePath(), recording, recording);
    out.flush();
    return 0;
  }

  /** A part running on a thread of its own, and how to ask it to stop as Ctrl-C would. */
  private record Part(Thread thread, Runnable requestStop) {
    void stopAndJoin(Duration timeout) throws InterruptedException {
      requestStop.run();
      thread.join(timeout.toMillis());
    }
  }

  /**
   * A small ONLINE model trained from scratch on --train's task for 2,000 updates (a few minutes
   * here; halting starts learning after the first 600), evaluated every 40 updates on 64 instances
   * per set, each evaluation published as telemetry one report window apart.
   */
  private Part startTraining(String bootstrap, Path checkpoints, PrintWriter err) {
    String run = TrainingTelemetry.runId("demo");
    TrainCommand training = new TrainCommand().quietly();
    String[] args = {
      "--task",
      train,
      "--mechanism",
      "online",
      "--steps",
      "2000",
      "--eval-every",
      "40",
      "--eval-count",
      "64",
      "--seed",
      "1",
      "--out",
      checkpoints.resolve("training").toString(),
      "--telemetry",
      bootstrap,
      "--run-id",
      run,
      "--telemetry-spacing",
      window.toMillis() + "ms"
    };
    step(
        err,
        "training",
        TrainingTelemetry.modelId(train, Mechanism.ONLINE, run)
            + " from scratch, an evaluation per report window");
    return new Part(
        background("training", () -> new CommandLine(training).execute(args)),
        training::requestStop);
  }

  private static EmbeddedKafkaBroker startKafka() throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
    Map<String, Integer> topics = new HashMap<>();
    for (Topic t : Topic.values()) {
      topics.put(t.topicName(), t.defaultPartitions());
    }
    try {
      kafka.createTopics(topics, Duration.ofSeconds(30));
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /**
   * The producer first, then the model service once it has served what was produced, then the jobs
   * once they have read everything: a final stop with a drained savepoint, so every open window
   * reports and whatever still waits for a partner goes to anira.dlq; then the dashboard reads the
   * last reports.
   */
  private static void stopInOrder(
      Part producer,
      Part service,
      String bootstrap,
      JobClient job,
      Path checkpoints,
      Dashboard dashboard,
      PrintWriter err)
      throws Exception {
    err.println("\nanira demo: stopping ...");
    err.flush();
    producer.stopAndJoin(Duration.ofSeconds(30));
    try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
      awaitCaughtUp(lag, err, "the model service", "anira-model-service");
      service.stopAndJoin(Duration.ofSeconds(60));
      awaitCaughtUp(lag, err, "the jobs", "anira-stream-jobs", "anira-recorder");
    }
    JobRunner.stopWithSavepoint(
        job, true, checkpoints.resolve("savepoint"), Duration.ofSeconds(90));
    if (!dashboard.awaitEnd(Duration.ofSeconds(30))) {
      err.println("anira demo: the dashboard had not read the last reports after 30 s");
    }
  }

  /** The ordered stop: the producer, the service, the jobs catching up, a savepoint, a summary. */
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(4);

  private Dashboard startDashboard(String bootstrap) throws IOException {
    try {
      return Dashboard.start(new MonitorConfig(bootstrap, MonitorConfig.DEFAULT_HOST, port));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private JobClient startJobs(String bootstrap, Path recording, Path checkpoints) throws Exception {
    AnalyticsConfig d = AnalyticsConfig.defaults();
    AnalyticsConfig config =
        new AnalyticsConfig(
            d.parallelism(),
            window,
            d.outOfOrderness(),
            d.joinTimeout(),
            d.idleness(),
            d.checkpointInterval(),
            checkpoints.toUri().toString(),
            d.alerts(),
            d.producerId());
    org.apache.flink.configuration.Configuration flink = LocalFlink.configuration();
    LoopbackMetricsReporter.configure(flink, 0);
    StreamExecutionEnvironment env = AnalyticsJob.environment(config, flink);
    AnalyticsJob.build(
        env.fromSource(
                KafkaIO.source(
                    bootstrap, "anira-stream-jobs", AnalyticsJob.INPUTS, false, new Properties()),
                SourceEventTime.watermarks(config),
                "kafka")
            .uid("kafka"),
        config,
        KafkaIO.sinks(bootstrap, "anira-demo", DeliveryGuarantee.EXACTLY_ONCE, new Properties()));
    List<Topic> all = Arrays.asList(Topic.values());
    RecordJob.build(
        env.fromSource(
                KafkaIO.source(bootstrap, "anira-recorder", all, false, new Properties()),
                WatermarkStrategy.noWatermarks(),
                "kafka-recorder")
            .uid("kafka-recorder"),
        all,
        Recording.sinks(recording.toAbsolutePath().toUri().toString()),
        "recorder");
    return env.executeAsync("anira-demo");
  }

  /**
   * Waits until the consumer {@code groups} have committed everything there is to read: the model
   * service everything produced, then the analytics job and the recorder everything the service
   * wrote (their offsets commit at checkpoints), so the final stop cuts no instance.
   */
  private static void awaitCaughtUp(ConsumerLag lag, PrintWriter err, String who, String... groups)
      throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        boolean all = true;
        for (String group : groups) {
          all &= lag.caughtUp(group);
        }
        if (all) {
          return;
        }
      } catch (Exception e) {
        // the broker is busy; ask again
      }
      Thread.sleep(500);
    }
    err.println(
        "anira demo: "
            + who
            + " had not read everything after "
            + CATCH_UP.toSeconds()
            + " s; what was not read stays in Kafka, and what was read is in the reports or"
            + " anira.dlq");
    err.flush();
  }

  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private void waitAndSummarize(MonitorState state, ConsumerLag lag, PrintWriter out)
      throws InterruptedException {
    long start = System.nanoTime();
    long next = start + summaryEvery.toNanos();
    while (!stop.get()) {
      if (duration != null && System.nanoTime() - start >= duration.toNanos()) {
        return;
      }
      if (System.nanoTime() >= next) {
        next += summaryEvery.toNanos();
        out.printf("-- after %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        printSummary(state.summary(), out);
        printDeadLetters(state.deadLettersByReason(), out);
        printLag(lag, rate, AnalyticsConfig.defaults().joinTimeout(), out);
      }
      Thread.sleep(200);
    }
  }

  /** Loss is never silent: what went to anira.dlq so far, by reason. */
  static void printDeadLetters(Map<String, Long> byReason, PrintWriter out) {
    long total = byReason.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line = new StringBuilder("dead letters: ").append(total);
    if (total > 0) {
      line.append(" (");
      byReason.forEach((reason, n) -> line.append(reason).append(' ').append(n).append(", "));
      line.setLength(line.length() - 2);
      line.append(')');
    }
    out.println(line);
    out.flush();
  }

  /**
   * Whether the parts keep up: lag that grows from one summary to the next means they do not. A
   * model service further behind than the job's join timeout is said in so many words: the traces
   * of what it serves from then on wait in vain and go to anira.dlq.
   */
  private static void printLag(
      ConsumerLag lag, double rate, Duration joinTimeout, PrintWriter out) {
    try {
      long service = lag.of("anira-model-service");
      out.printf(
          "lag (records behind): model service %d, analytics %d (commits at checkpoints)%n",
          service, lag.of("anira-stream-jobs"));
      String warning = serviceBehindWarning(service, rate, joinTimeout);
      if (warning != null) {
        out.println(warning);
      }
    } catch (Exception e) {
      out.println("lag: unavailable (" + e.getMessage() + ")");
    }
    out.flush();
  }

  /**
   * A warning when the model service's lag, {@code records} of anira.tasks at {@code rate}
   * instances/s, is more than {@code joinTimeout} behind; null otherwise.
   */
  static String serviceBehindWarning(long records, double rate, Duration joinTimeout) {
    double seconds = records / rate;
    if (seconds <= joinTimeout.toSeconds()) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "warning: the model service is about %.0f s behind, more than the job's %s join timeout:"
            + " the instances it serves now reach the join after their traces gave up (anira.dlq,"
            + " UNMATCHED). This machine does not keep up with --rate %s; try a lower one.",
        seconds,
        Durations.format(joinTimeout),
        BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString());
  }

  static void printSummary(List<MonitorState.Row> rows, PrintWriter out) {
    if (rows.isEmpty()) {
      out.println("(no results yet: the model service and the first windows are warming up)");
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-9s %-6s %9s %7s %6s %6s %7s %7s %6s %6s%n",
        "task",
        "mech",
        "instances",
        "acc",
        "depth",
        "rho",
        "adjR2st",
        "adjR2al",
        "overth",
        "alerts");
    List<String> runs = new java.util.ArrayList<>();
    for (MonitorState.Row r : rows) {
      boolean run = MonitorState.isTrainingRun(r.modelId());
      if (run) {
        runs.add(r.modelId());
      }
      out.printf(
          Locale.ROOT,
          "%-9s %-6s %9d %7s %6s %6s %7s %7s %6s %6d%n",
          run ? r.task() + "*" : r.task(),
          r.mechanism(),
          r.instances(),
          r.accuracy() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy()),
          number(r.meanDepth()),
          number(r.rho()),
          number(r.adjustedR2Static()),
          number(r.adjustedR2Algorithm()),
          number(r.meanOverthinking()),
          r.alerts());
    }
    out.println(
        "(the job's cumulative reports: instances over all sizes; acc to overth for each model's"
            + " largest train-size bucket)");
    for (String run : runs) {
      out.println(
          "* training run "
              + run
              + ": over all its evaluations so far; the dashboard shows each evaluation");
    }
    out.flush();
  }

  private static String number(Double value) {
    return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static Thread background(String name, Callable<Integer> part) {
    Thread thread =
        new Thread(
            () -> {
              try {
                part.call();
              } catch (Exception e) {
                LOG.error("anira demo: the {} stopped: {}", name, e.getMessage(), e);
              }
            },
            name);
    thread.start();
    return thread;
  }

  private void requireDisk(Path dir, PrintWriter err) throws IOException {
    long free = Files.getFileStore(dir).getUsableSpace();
    if (free < MIN_FREE_BYTES) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "only %.1f GB free under %s; the demo needs at least %d GB (Kafka logs, recording,"
                  + " checkpoints)",
              free / 1e9,
              dir.toAbsolutePath(),
              MIN_FREE_BYTES >> 30));
    }
  }

  private static void step(PrintWriter err, String what, String detail) {
    err.printf("  %-14s %s%n", what, detail);
    err.flush();
  }

  private static String seconds(long start) {
    return String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - start) / 1e9);
  }
}
