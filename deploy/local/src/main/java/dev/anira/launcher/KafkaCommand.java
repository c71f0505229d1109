package dev.anira.launcher;

import dev.anira.cli.GracefulStop;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anira kafka}: a real Kafka broker in this process, with the pipeline's topics. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Kafka broker (KRaft, in this process), create the anira topics and print the"
          + " bootstrap address. Runs until Ctrl-C, then stops cleanly.",
    })
final class KafkaCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = EmbeddedKafkaConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}; loopback keeps it private).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description = "Client port, 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--controller-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "KRaft controller port, 0 for any free port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      description =
          "Where the broker stores data (default: a temporary directory, deleted on exit).")
  Path logDir;

  @Option(
      names = "--keep-data",
      description = "Keep --log-dir on exit, so the next start sees the same topics and records.")
  boolean keepData;

  @Option(names = "--no-topics", description = "Do not create the anira topics.")
  boolean noTopics;

  @Option(
      names = "--partitions",
      paramLabel = "TOPIC=N",
      description = "Partition count for one topic instead of its default (repeatable).")
  Map<String, Integer> partitions = new LinkedHashMap<>();

  @Option(
      names = "--broker-property",
      paramLabel = "KEY=VALUE",
      description = "Extra Kafka broker setting (repeatable), e.g. log.retention.hours=1.")
  Map<String, String> brokerProperties = new LinkedHashMap<>();

  private final CountDownLatch stopRequested = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    Map<String, Integer> topics = topicsToCreate();
    EmbeddedKafkaConfig config = config();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Starting Kafka on " + host + " ...");
    out.flush();
    try (GracefulStop signal = GracefulStop.install("anira kafka", Duration.ofSeconds(30))) {
      signal.onStop("the broker", stopRequested::countDown);
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config)) {
        broker.createTopics(topics, Duration.ofSeconds(60));
        out.println(broker.description() + " is up.");
        out.println("bootstrap.servers=" + broker.bootstrapServers());
        topics.forEach((name, n) -> out.printf("  topic %-22s %2d partition(s)%n", name, n));
        out.println(
            "  data in "
                + broker.logDir()
                + (config.logDir() != null && keepData ? " (kept on exit)" : " (deleted on exit)"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopRequested.await();
      }
      out.println("Kafka stopped.");
      out.flush();
    }
    return 0;
  }

  /** Ends {@link #call()} as Ctrl-C does; for callers that run the command in-process. */
  void requestStop() {
    stopRequested.countDown();
  }

  private EmbeddedKafkaConfig config() {
    if (keepData && logDir == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--keep-data needs --log-dir (a temporary directory is never kept)");
    }
    try {
      return new EmbeddedKafkaConfig(
          host, port, controllerPort, logDir, keepData, brokerProperties);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Map<String, Integer> topicsToCreate() {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> entry : partitions.entrySet()) {
      try {
        Topic.byName(entry.getKey());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--partitions: unknown topic '" + entry.getKey() + "'; known: " + knownTopics());
      }
      if (entry.getValue() < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--partitions: "
                + entry.getKey()
                + " needs at least 1 partition, got "
                + entry.getValue());
      }
    }
    if (noTopics) {
      if (!partitions.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--partitions and --no-topics contradict each other");
      }
      return topics;
    }
    for (Topic topic : Topic.values()) {
      topics.put(
          topic.topicName(), partitions.getOrDefault(topic.topicName(), topic.defaultPartitions()));
    }
    return topics;
  }

  private static String knownTopics() {
    StringBuilder names = new StringBuilder();
    for (Topic topic : Topic.values()) {
      names.append(names.length() == 0 ? "" : ", ").append(topic.topicName());
    }
    return names.toString();
  }
}
