package dev.anira.producer;

import dev.anira.cli.Commands;
import dev.anira.cli.DurationConverter;
import dev.anira.cli.GracefulStop;
import dev.anira.cli.KafkaClientSettings;
import dev.anira.cli.KafkaConnection;
import dev.anira.cli.MetricsEndpoint;
import dev.anira.cli.RateConverter;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.AnyRecordSerializer;
import dev.anira.tasks.GeneratedInstance;
import dev.anira.tasks.InstanceSampler;
import dev.anira.tasks.TaskMix;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anira produce}: streams task instances and their traces to Kafka and/or a file. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Generate task instances of controlled difficulty and publish each instance to anira.tasks"
          + " and its ground-truth trace to anira.traces (same key), at a steady rate.",
      "Example: anira produce --tasks parity,addition:2,bfs --size bfs=8..24 --rate 500 --count 10000"
    })
public final class ProduceCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--tasks",
      paramLabel = "TASK[:WEIGHT],...",
      defaultValue = ProduceConfig.DEFAULT_TASKS,
      description = "Weighted task mix (default: ${DEFAULT-VALUE}).")
  String tasks;

  @Option(
      names = "--progress",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "A progress line on stderr, rewritten every second; --no-progress for logs"
              + " (default: on).")
  boolean progress = true;

  @Option(
      names = "--size",
      paramLabel = "TASK=MIN..MAX",
      description = "Input sizes to draw from (repeatable).")
  Map<String, String> sizes = new LinkedHashMap<>();

  @Option(
      names = "--train-max",
      paramLabel = "TASK=N",
      description =
          "Largest train size; larger ones are the extrapolation split (default: the task's default size).")
  Map<String, Integer> trainMax = new LinkedHashMap<>();

  @Option(
      names = "--knob",
      paramLabel = "TASK.KNOB=MIN..MAX",
      description =
          "Range of another difficulty knob, e.g. addition.propagate=0..0.5 (repeatable).")
  Map<String, String> knobs = new LinkedHashMap<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON task mix instead of --tasks/--size/--train-max/--knob.")
  Path config;

  @Option(
      names = "--rate",
      paramLabel = "N[/s]",
      defaultValue = ProduceConfig.DEFAULT_RATE,
      converter = RateConverter.class,
      description = "Instances per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N instances.")
  Long count;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop after this long, e.g. 30s, 5m (ISO-8601 also works).")
  Duration duration;

  @Mixin KafkaConnection kafka;

  @Option(names = "--no-kafka", description = "Write only to --out; do not connect to Kafka.")
  boolean noKafka;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also write the instances to this Avro container file (offline training data).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = ProduceConfig.DEFAULT_SEED,
      description = "Seed of the whole stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--producer-id",
      defaultValue = ProduceConfig.DEFAULT_PRODUCER_ID,
      description = "Producer id in every record (default: ${DEFAULT-VALUE}).")
  String producerId;

  @Option(
      names = "--connect-timeout",
      defaultValue = ProduceConfig.DEFAULT_CONNECT_TIMEOUT,
      converter = DurationConverter.class,
      description = "How long to wait for Kafka before giving up (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(
      names = "--metrics-host",
      defaultValue = ProduceConfig.DEFAULT_METRICS_HOST,
      description =
          "Prometheus endpoint address; 0.0.0.0 in a container (default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(
      names = "--metrics-port",
      defaultValue = ProduceConfig.DEFAULT_METRICS_PORT,
      description =
          "Serve Prometheus metrics (instances per task and split) on 127.0.0.1 at this port; 0 for"
              + " any free one, -1 off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  // Package-private: the integration test reads the counts after the run.
  final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private final AtomicBoolean stop = new AtomicBoolean();

  /** Ends the run as Ctrl-C does. */
  public void requestStop() {
    stop.set(true);
  }

  @Override
  public Integer call() throws Exception {
    ProduceConfig config;
    try {
      config =
          new ProduceConfig(
              kafka.bootstrap,
              mix(),
              rate,
              count,
              duration,
              connectTimeout,
              !noKafka,
              out,
              seed,
              producerId,
              metricsHost,
              metricsPort);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    return produce(config, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Produces until the count, the duration, {@link #requestStop} or a signal; progress goes to
   * {@code err}, the summary to {@code out}. The demo runs its producer through this, from a typed
   * config.
   *
   * @return the exit code, 0
   * @throws IllegalStateException if Kafka cannot be reached within the connect timeout or rejects
   *     a record
   */
  public int produce(ProduceConfig config, PrintWriter out, PrintWriter err) throws Exception {
    InstanceSampler sampler = new InstanceSampler(config.mix(), config.seed(), config.producerId());
    MetricsEndpoint endpoint = null;
    if (config.metricsPort() >= 0) {
      endpoint = MetricsEndpoint.serve(config.metricsHost(), config.metricsPort(), metrics::scrape);
      err.println("metrics " + endpoint.url());
    }
    // Closed last: a signal's hook lets the JVM exit once the summary is out.
    try (GracefulStop signal = GracefulStop.install("anira produce", Duration.ofSeconds(30))) {
      signal.onStop("producing", () -> stop.set(true));
      Map<String, Long> perTask = new TreeMap<>();
      long start = System.nanoTime();
      long produced = publish(sampler, config, perTask, err);
      out.printf(
          "%nproduced %,d instances in %.1f s (%.0f/s): %s%s%s%n",
          produced,
          seconds(start),
          produced / seconds(start),
          perTask,
          config.toKafka() ? " -> anira.tasks + anira.traces at " + config.bootstrap() : "",
          config.out() == null ? "" : ", file " + config.out());
      out.flush();
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
    return 0;
  }

  /** No progress line: for a caller that shows its own summary (the demo). Returns this. */
  public ProduceCommand withoutProgressLine() {
    progress = false;
    return this;
  }

  /** Runs until the count, the duration or a stop; returns how many instances went out. */
  private long publish(
      InstanceSampler sampler, ProduceConfig config, Map<String, Long> perTask, PrintWriter err)
      throws Exception {
    double perSecond = config.perSecond();
    Duration limit = config.duration();
    Long count = config.count();
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    Callback onFailure =
        (metadata, e) -> {
          if (e != null) {
            sendFailure.compareAndSet(null, e);
          }
        };
    long produced = 0;
    long start = System.nanoTime();
    try (KafkaProducer<String, SpecificRecordBase> kafka =
            config.toKafka() ? connect(config) : null;
        DataFileWriter<ProblemInstance> file =
            config.out() == null ? null : openFile(config.out())) {
      long nextProgress = start + TimeUnit.SECONDS.toNanos(1);
      while (!stop.get() && sendFailure.get() == null && (count == null || produced < count)) {
        long now = System.nanoTime();
        if (limit != null && now - start >= limit.toNanos()) {
          break;
        }
        if (perSecond > 0) {
          long due = start + (long) (produced * 1e9 / perSecond);
          if (due > now) {
            TimeUnit.NANOSECONDS.sleep(Math.min(due - now, 50_000_000L));
            continue;
          }
        }
        GeneratedInstance g = sampler.next();
        String key = g.instance().getInstanceId();
        if (kafka != null) {
          kafka.send(new ProducerRecord<>(Topic.TASKS.topicName(), key, g.instance()), onFailure);
          kafka.send(new ProducerRecord<>(Topic.TRACES.topicName(), key, g.trace()), onFailure);
        }
        if (file != null) {
          file.append(g.instance());
        }
        produced++;
        perTask.merge(g.instance().getTask(), 1L, Long::sum);
        metrics
            .counter(
                "anira_producer_instances",
                "task",
                g.instance().getTask(),
                "split",
                g.instance().getSplit().name())
            .increment();
        if (progress && now >= nextProgress) {
          err.printf("\rproduced %,d (%.0f/s) %s   ", produced, produced / seconds(start), perTask);
          err.flush();
          nextProgress = now + TimeUnit.SECONDS.toNanos(1);
        }
      }
      if (kafka != null) {
        kafka.flush();
      }
    }
    if (sendFailure.get() != null) {
      throw new IllegalStateException(
          "Kafka rejected a record: " + sendFailure.get().getMessage(), sendFailure.get());
    }
    return produced;
  }

  private List<TaskMix> mix() throws IOException {
    try {
      if (config != null) {
        if (!sizes.isEmpty() || !trainMax.isEmpty() || !knobs.isEmpty()) {
          throw bad("--config replaces --size, --train-max and --knob; use one or the other");
        }
        return ProducerSettings.fromFile(config);
      }
      return ProducerSettings.fromFlags(tasks, sizes, trainMax, knobs);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static KafkaProducer<String, SpecificRecordBase> connect(ProduceConfig config) {
    String bootstrap = config.bootstrap();
    Duration timeout = config.connectTimeout();
    // Fail within the timeout on an unreachable broker instead of blocking on the first send.
    Properties adminProps = KafkaClientSettings.fromEnvironment();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(adminProps)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot reach Kafka at "
              + bootstrap
              + " within "
              + timeout.toSeconds()
              + " s (is it running? try ./anira kafka)",
          e);
    }
    Properties props = KafkaClientSettings.fromEnvironment();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.producerId());
    return new KafkaProducer<>(props, new StringSerializer(), new AnyRecordSerializer());
  }

  private static DataFileWriter<ProblemInstance> openFile(Path out) throws IOException {
    DataFileWriter<ProblemInstance> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ProblemInstance.class));
    return writer.create(ProblemInstance.getClassSchema(), out.toFile());
  }

  private CommandLine.ParameterException bad(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private static double seconds(long start) {
    return Math.max(1e-3, (System.nanoTime() - start) / 1e9);
  }

  /** The container image's entry point. */
  public static void main(String[] args) {
    Commands.main(new ProduceCommand(), args);
  }
}
