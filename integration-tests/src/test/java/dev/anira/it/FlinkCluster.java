package dev.anira.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Flink cluster of separate JVM processes on 127.0.0.1, run from the jars that
 * deploy/flink-runtime assembles (Flink's own entry points, its own configuration file), and its
 * CLI client, as an operator runs them. Every process logs to a file under the cluster's directory.
 */
final class FlinkCluster implements AutoCloseable {

  /** Where the job jar and the runtime are (set by the build, see integration-tests/pom.xml). */
  static final Path LIB = Path.of(System.getProperty("anira.flinkLib"));

  static final Path JOB_JAR = Path.of(System.getProperty("anira.jobJar"));

  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
  private static final Pattern SAVEPOINT = Pattern.compile("Path: (file:\\S+)");

  private final Path dir;
  private final Path conf;
  private final int restPort;
  private final List<Process> processes = new ArrayList<>();

  private FlinkCluster(Path dir) throws IOException {
    this.dir = dir;
    this.conf = Files.createDirectories(dir.resolve("conf"));
    this.restPort = freePort();
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: " + freePort(),
            "jobmanager.bind-host: 127.0.0.1",
            "jobmanager.memory.process.size: 768m",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + restPort,
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.host: 127.0.0.1",
            "taskmanager.data.bind-host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: 2",
            // Flink's taskmanager.sh derives these from the process size; a TaskManagerRunner
            // started directly needs them set (they fit the 512 MB heap below).
            "taskmanager.cpu.cores: 2",
            "taskmanager.memory.framework.heap.size: 128m",
            "taskmanager.memory.task.heap.size: 320m",
            "taskmanager.memory.framework.off-heap.size: 128m",
            "taskmanager.memory.task.off-heap.size: 0m",
            "taskmanager.memory.network.min: 64m",
            "taskmanager.memory.network.max: 64m",
            "taskmanager.memory.managed.size: 64m",
            "taskmanager.memory.jvm-metaspace.size: 256m",
            "taskmanager.memory.jvm-overhead.min: 192m",
            "taskmanager.memory.jvm-overhead.max: 192m",
            "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
            "execution.checkpointing.savepoint-dir: " + dir.resolve("savepoints").toUri(),
            "restart-strategy.type: fixed-delay",
            "restart-strategy.fixed-delay.attempts: 3",
            "io.tmp.dirs: " + dir.resolve("tmp"),
            ""),
        StandardCharsets.UTF_8);
    Files.writeString(
        conf.resolve("log4j.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "appender.file.type = File",
            "appender.file.name = file",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
            ""),
        StandardCharsets.UTF_8);
  }

  /** A session cluster: a JobManager and a TaskManager with two slots, up when this returns. */
  static FlinkCluster session(Path dir) throws Exception {
    FlinkCluster cluster = new FlinkCluster(dir);
    try {
      cluster.start(
          "jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
      cluster.start("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
      cluster.awaitRest(Duration.ofSeconds(90));
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  private void start(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(java());
    command.add("-Dlog.file=" + dir.resolve(name + ".log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.add(mainClass);
    command.add("--configDir");
    command.add(conf.toString());
    command.addAll(List.of(args));
    processes.add(
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .start());
  }

  /**
   * What Flink's own scripts start every process with (flink-dist's {@code
   * env.java.default-opts.all}): its runtime reflects into these JDK packages.
   */
  private static final List<String> OPENS =
      List.of(
          "java.lang",
          "java.net",
          "java.io",
          "java.nio",
          "sun.nio.ch",
          "java.lang.reflect",
          "java.text",
          "java.time",
          "java.util",
          "java.util.concurrent",
          "java.util.concurrent.atomic",
          "java.util.concurrent.locks");

  private static List<String> java() {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "--add-exports=java.base/sun.net.util=ALL-UNNAMED"));
    OPENS.forEach(p -> command.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
    command.addAll(List.of("-cp", LIB.resolve("*").toString()));
    return command;
  }

  private void awaitRest(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", restPort)) {
        // The REST endpoint answers; give the TaskManager its registration.
        Thread.sleep(3000);
        return;
      } catch (IOException notYet) {
        for (Process p : processes) {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                "a Flink process exited with " + p.exitValue() + "; see the logs in " + dir);
          }
        }
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("Flink's REST endpoint is not up after " + timeout);
  }

  /** Runs the Flink CLI ({@code flink ARGS}) against this cluster; its output, or an error. */
  String flink(Duration timeout, String... args) throws Exception {
    List<String> command = java();
    command.add("-Dlog.file=" + dir.resolve("client.log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.add("org.apache.flink.client.cli.CliFrontend");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("FLINK_CONF_DIR", conf.toString());
    Path output = Files.createTempFile(dir, "flink-cli", ".out");
    Process client = builder.redirectOutput(output.toFile()).start();
    if (!client.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      client.destroyForcibly();
      throw new IllegalStateException(
          "flink " + String.join(" ", args) + " did not return within " + timeout);
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    if (client.exitValue() != 0) {
      throw new IllegalStateException(
          "flink " + String.join(" ", args) + " exited " + client.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** The id of the job a {@code flink run -d} printed. */
  static String jobId(String runOutput) {
    Matcher m = JOB_ID.matcher(runOutput);
    if (!m.find()) {
      throw new IllegalStateException("no job id in:\n" + runOutput);
    }
    return m.group(1);
  }

  /** The savepoint a {@code flink stop} printed. */
  static String savepoint(String stopOutput) {
    Matcher m = SAVEPOINT.matcher(stopOutput);
    if (!m.find()) {
      throw new IllegalStateException("no savepoint path in:\n" + stopOutput);
    }
    return m.group(1);
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
