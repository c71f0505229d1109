package dev.anira.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running inside this JVM. Starts
 * in about two seconds; {@link #close()} stops it and deletes its temporary log directory.
 */
public final class EmbeddedKafkaBroker implements KafkaCluster {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  // A free port found by probing can be taken before the broker binds it.
  private static final int START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final boolean deleteLogDir;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server, String bootstrapServers, Path logDir, boolean deleteLogDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
    this.deleteLogDir = deleteLogDir;
  }

  public static EmbeddedKafkaBroker start(EmbeddedKafkaConfig config) {
    requireFree(config.host(), config.port(), "port");
    requireFree(config.host(), config.controllerPort(), "controller port");
    boolean temporary = config.logDir() == null;
    Path logDir = temporary ? createTempDir() : config.logDir();
    boolean deleteOnClose = temporary || !config.keepLogDir();
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = config.port() != 0 ? config.port() : freePort(config.host());
      int controllerPort =
          config.controllerPort() != 0 ? config.controllerPort() : freePort(config.host());
      try {
        return startOnce(config, logDir, port, controllerPort, deleteOnClose);
      } catch (RuntimeException e) {
        last = e;
        if (!isBindFailure(e)) {
          break;
        }
        LOG.info(
            "Port taken before the broker bound it; retrying ({}/{})", attempt, START_ATTEMPTS);
      }
    }
    if (deleteOnClose) {
      deleteRecursively(logDir);
    }
    throw new IllegalStateException("Cannot start the embedded Kafka broker: " + last, last);
  }

  /** Fails fast, before any broker thread starts, when a port the user chose is taken. */
  private static void requireFree(String host, int port, String name) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start Kafka: "
              + name
              + " "
              + port
              + " on "
              + host
              + " is in use or not bindable ("
              + e.getMessage()
              + "); choose another or 0 for a free one",
          e);
    }
  }

  private static EmbeddedKafkaBroker startOnce(
      EmbeddedKafkaConfig config,
      Path logDir,
      int port,
      int controllerPort,
      boolean deleteOnClose) {
    Properties props = brokerProperties(config, logDir, port, controllerPort);
    format(props, logDir);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      throw e;
    }
    String bootstrap = config.host() + ":" + port;
    LOG.info(
        "Embedded Kafka {} listening on {} (log dir {})",
        AppInfoParser.getVersion(),
        bootstrap,
        logDir);
    return new EmbeddedKafkaBroker(server, bootstrap, logDir, deleteOnClose);
  }

  static Properties brokerProperties(
      EmbeddedKafkaConfig config, Path logDir, int port, int controllerPort) {
    String host = config.host();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // One node: every internal topic has one replica, and few partitions start faster.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics come from the topic catalog; a typo must fail instead of making a new topic.
    p.put("auto.create.topics.enable", "false");
    p.putAll(config.overrides());
    return p;
  }

  private static void format(Properties props, Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      // Formatted by an earlier run: formatting again would assign a new cluster id.
      return;
    }
    Path file = null;
    try {
      file = Files.createTempFile("anira-kafka-", ".properties");
      try (var out = Files.newOutputStream(file)) {
        props.store(out, "anira embedded broker");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int rc;
      try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        String[] args = {
          "format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(), "--ignore-formatted"
        };
        rc = StorageTool.execute(args, print);
      }
      if (rc != 0) {
        throw new IllegalStateException(
            "Formatting " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the broker config for formatting", e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public String description() {
    return "embedded Kafka " + AppInfoParser.getVersion() + " (KRaft) at " + bootstrapServers;
  }

  public Path logDir() {
    return logDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    shutdownQuietly(server);
    if (deleteLogDir) {
      deleteRecursively(logDir);
    }
    LOG.info("Embedded Kafka at {} stopped", bootstrapServers);
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka did not shut down cleanly", e);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + host, e);
    }
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("anira-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary log directory", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}", dir, e);
    }
  }
}
