package dev.anira.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final int taskManagerMetricsPort = freePort();
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
            // As compose and Kubernetes configure it; each process gets its own port (-D below).
            "metrics.reporter.prom.factory.class:"
                + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "metrics.reporter.prom.port: " + freePort(),
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
          "jobmanager",
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
          Map.of());
      cluster.startTaskManager();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * An application cluster, as the image and the FlinkDeployment run the job: the job jar in the
   * Flink home's {@code usrlib/}, the JobManager's entry point runs its main class with {@code
   * jobArgs}, a TaskManager with two slots. Up when this returns; the job starts by itself.
   *
   * @param savepoint a savepoint to start from ({@code --fromSavepoint}), or null
   */
  static FlinkCluster application(Path dir, String jobId, String savepoint, List<String> jobArgs)
      throws Exception {
    FlinkCluster cluster = new FlinkCluster(dir);
    try {
      Path home = Files.createDirectories(dir.resolve("flink-home"));
      Files.createSymbolicLink(home.resolve("lib"), LIB);
      Files.createDirectories(home.resolve("usrlib"));
      Files.createSymbolicLink(home.resolve("usrlib").resolve("anira-stream-jobs.jar"), JOB_JAR);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--job-classname", "dev.anira.streamjobs.cli.AnalyzeCommand", "--job-id", jobId));
      if (savepoint != null) {
        args.addAll(List.of("--fromSavepoint", savepoint));
      }
      args.addAll(jobArgs);
      cluster.start(
          "jobmanager",
          "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint",
          Map.of("FLINK_LIB_DIR", home.resolve("lib").toString()),
          args.toArray(String[]::new));
      cluster.startTaskManager();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  private void startTaskManager() throws Exception {
    start(
        "taskmanager",
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        Map.of(),
        "-Dmetrics.reporter.prom.port=" + taskManagerMetricsPort);
    awaitRest(Duration.ofSeconds(90));
  }

  private void start(String name, String mainClass, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(java());
    command.add("-Dlog.file=" + dir.resolve(name + ".log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.add(mainClass);
    command.add("--configDir");
    command.add(conf.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile());
    builder.environment().putAll(env);
    processes.add(builder.start());
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
    Client client = startFlink(args);
    int exit = client.await(timeout);
    if (exit != 0) {
      throw new IllegalStateException(
          "flink " + String.join(" ", args) + " exited " + exit + ":\n" + client.output());
    }
    return client.output();
  }

  /** Starts the Flink CLI ({@code flink ARGS}) against this cluster, without waiting for it. */
  Client startFlink(String... args) throws IOException {
    List<String> command = java();
    command.add("-Dlog.file=" + dir.resolve("client.log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.add("org.apache.flink.client.cli.CliFrontend");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("FLINK_CONF_DIR", conf.toString());
    Path output = Files.createTempFile(dir, "flink-cli", ".out");
    return new Client(
        "flink " + String.join(" ", args), builder.redirectOutput(output.toFile()).start(), output);
  }

  /** A running {@code flink} CLI client and the file its output goes to. */
  record Client(String commandLine, Process process, Path outputFile) {

    /** Waits for the client to exit; its exit code. */
    int await(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(commandLine + " did not return within " + timeout);
      }
      return process.exitValue();
    }

    String output() throws IOException {
      return Files.readString(outputFile, StandardCharsets.UTF_8);
    }

    /** Waits until the client has printed the id of the job it submitted. */
    String awaitJobId(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Matcher m = JOB_ID.matcher(output());
        if (m.find()) {
          return m.group(1);
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(commandLine + " exited before a job id:\n" + output());
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(commandLine + " printed no job id within " + timeout);
    }
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

  /** {@code flink stop [--drain] --type canonical --savepointPath DIR JOB}; its output. */
  String stop(String savepointDir, boolean drain, String job) throws Exception {
    List<String> args = new ArrayList<>(List.of("stop"));
    if (drain) {
      args.add("--drain");
    }
    args.addAll(List.of("--type", "canonical", "--savepointPath", savepointDir, job));
    return flink(Duration.ofSeconds(120), args.toArray(String[]::new));
  }

  /**
   * The job's options in these tests: every default but the fixture's alert thresholds (so that
   * alerts fire on it) and a 500 ms checkpoint interval (a test ends sooner).
   */
  static List<String> jobOptions(String bootstrap) {
    return List.of(
        "--bootstrap",
        bootstrap,
        "--checkpoint-interval",
        "500ms",
        "--alert-baseline-windows",
        "1",
        "--alert-windows",
        "1",
        "--alert-min-tokens",
        "2",
        "--alert-spearman-drop",
        "0.05",
        "--alert-accuracy-drop",
        "0.02",
        "--alert-premature-spike",
        "0.02");
  }

  /**
   * The sum over all series of a metric on the TaskManager's Prometheus endpoint (e.g. {@code
   * haltingEvents}, a counter per subtask), as Prometheus would scrape it; 0 when absent.
   */
  double taskManagerMetric(String name) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + taskManagerMetricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Pattern series = Pattern.compile("^flink_\\w*_" + name + "(\\{[^}]*\\})? (\\S+)$");
    double sum = 0;
    for (String line : response.body().split("\n")) {
      Matcher m = series.matcher(line);
      if (m.matches()) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** In application mode the JobManager exits once its job has ended; its exit code. */
  int awaitJobManagerExit(Duration timeout) throws InterruptedException {
    Process jobManager = processes.get(0);
    if (!jobManager.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the JobManager is still running after " + timeout);
    }
    return jobManager.exitValue();
  }

  /**
   * The class-loading failures the cluster's processes logged: a class of the job jar needed after
   * Flink closed the job's class loader (e.g. by a Kafka client thread still closing).
   */
  List<String> classLoadingErrors() throws IOException {
    List<String> errors = new ArrayList<>();
    for (String name : List.of("jobmanager.log", "taskmanager.log")) {
      Path log = dir.resolve(name);
      if (Files.exists(log)) {
        Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(
                line ->
                    line.contains("java.lang.NoClassDefFoundError")
                        || line.contains("java.lang.ClassNotFoundException"))
            .map(line -> name + ": " + line)
            .forEach(errors::add);
      }
    }
    return errors;
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
