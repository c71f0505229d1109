package dev.anira.jobs;

import static org.apache.flink.runtime.checkpoint.CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING;

import dev.anira.cli.GracefulStop;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.FileUtils;

/** Runs a job to its end, or, for an unbounded one, until the process is asked to stop. */
public final class JobRunner {

  private static final Path DEFAULT_CHECKPOINTS =
      Path.of(System.getProperty("java.io.tmpdir"), "anira-checkpoints");

  private JobRunner() {}

  /**
   * A local job's execution environment: a MiniCluster with the given Flink configuration (see
   * {@link LocalFlink}), exactly-once checkpoints at the given interval (they also commit the
   * exactly-once sinks), a bounded number of restarts.
   *
   * @param checkpointDir durable checkpoint storage (a URI), or null for a directory under the
   *     system's temp dir (the job manager's memory caps state at 5 MB, which a join over a backlog
   *     exceeds; Flink removes a job's checkpoints when it ends)
   */
  public static StreamExecutionEnvironment environment(
      Configuration flink, int parallelism, Duration checkpointInterval, String checkpointDir) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(localJob(flink, checkpointDir));
    return configure(env, new Configuration(), parallelism, checkpointInterval);
  }

  /**
   * As {@link #environment(Configuration, int, Duration, String)}, for a MiniCluster of this
   * process that outlives its jobs (configured with {@link #localJob}, reached over REST on {@code
   * host:port}), as a long-running TaskManager runs job after job with its classes already compiled
   * by the JIT. No jar is shipped: the cluster must have the job's classes, as a MiniCluster in
   * this JVM does.
   */
  public static StreamExecutionEnvironment environment(
      String host,
      int port,
      Configuration flink,
      int parallelism,
      Duration checkpointInterval,
      String checkpointDir) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            host, port, localJob(flink, checkpointDir));
    return configure(env, new Configuration(), parallelism, checkpointInterval);
  }

  /** {@code flink} with what a local job needs: a bounded restart strategy, checkpoint storage. */
  public static Configuration localJob(Configuration flink, String checkpointDir) {
    Configuration conf = new Configuration(flink);
    // With checkpointing Flink 2 would otherwise restart a failing job forever.
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", "10");
    conf.setString("restart-strategy.fixed-delay.delay", "2 s");
    conf.setString(
        "execution.checkpointing.dir",
        checkpointDir != null ? checkpointDir : DEFAULT_CHECKPOINTS.toUri().toString());
    return conf;
  }

  /**
   * The environment of a job submitted to a cluster ({@code flink run}, or an application cluster's
   * entry point), configured as the job needs; null when the process is not running a submitted
   * job. The cluster's own settings stay: REST address, checkpoint and savepoint storage, restart
   * strategy, metric reporters, temp dirs. Only the job's parallelism and checkpoint interval, and
   * a checkpoint directory if the user passed one, are added.
   */
  public static StreamExecutionEnvironment submittedEnvironment(
      int parallelism, Duration checkpointInterval, String checkpointDir) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (!(env instanceof StreamContextEnvironment)) {
      return null;
    }
    Configuration added = new Configuration();
    if (checkpointDir != null) {
      added.setString("execution.checkpointing.dir", checkpointDir);
    }
    return configure(env, added, parallelism, checkpointInterval);
  }

  /**
   * Whether this process runs a job submitted to a cluster: Flink's client ({@code flink run}) or
   * an application cluster's entry point has set the execution environment.
   */
  public static boolean submitted() {
    return StreamExecutionEnvironment.getExecutionEnvironment() instanceof StreamContextEnvironment;
  }

  private static StreamExecutionEnvironment configure(
      StreamExecutionEnvironment env,
      Configuration added,
      int parallelism,
      Duration checkpointInterval) {
    forbidGenericTypes(added);
    env.configure(added);
    env.setParallelism(parallelism);
    // Records are not copied between chained operators (a third of the join's time went to Avro
    // deep copies). Every function here either consumes its input at once or stores a copy.
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    return env;
  }

  /**
   * Runs a submitted job: detached ({@code flink run -d}) this returns once the cluster has it;
   * attached, when it ends. The job belongs to the cluster: no hook here stops it when this process
   * exits; stop it with {@code flink stop --savepointPath ...}. A job cancelled on the cluster ends
   * the client with one line, not a stack trace.
   */
  public static void submit(StreamExecutionEnvironment env, String name, PrintWriter err)
      throws Exception {
    try {
      env.execute(name);
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof JobCancellationException) {
          err.println(name + ": the job was cancelled on the cluster");
          err.flush();
          return;
        }
      }
      throw e;
    }
  }

  /**
   * What a stop (SIGTERM, Ctrl-C) does: a savepoint into {@code savepointDir}, which commits what
   * the exactly-once sinks hold. Without {@code drain} the job's state stays in the savepoint: open
   * windows and instances still waiting for partners continue when a job restores it (nothing is
   * reported twice or lost). With {@code drain} the job first advances event time to the end: every
   * window reports and every waiting record goes to the dead-letter topic as {@code UNMATCHED}, so
   * nothing is left outside the reports and the dead letters (for a final stop).
   */
  public record Stop(Path savepointDir, boolean drain) {}

  /** Default directory of the savepoints a stop writes. */
  public static final Path DEFAULT_SAVEPOINTS =
      Path.of(System.getProperty("java.io.tmpdir"), "anira-savepoints");

  /**
   * Makes the job start from a savepoint (or retained checkpoint): its sources resume at the saved
   * offsets and every operator with the same uid gets its state back.
   *
   * @throws IllegalArgumentException when nothing is at that path
   */
  public static void restoreFrom(Configuration flink, String savepoint) {
    Path local = savepoint.startsWith("file:") ? Path.of(java.net.URI.create(savepoint)) : null;
    if (local == null && !savepoint.contains("://")) {
      local = Path.of(savepoint);
    }
    if (local != null && !Files.exists(local)) {
      throw new IllegalArgumentException("--from-savepoint: no savepoint at " + savepoint);
    }
    flink.setString(
        "execution.state-recovery.path", local != null ? local.toUri().toString() : savepoint);
  }

  /**
   * State must evolve across releases: no type may fall back to Kryo, which cannot restore a class
   * that gained a field. A type that would is refused when the job is built.
   */
  static void forbidGenericTypes(Configuration conf) {
    conf.setString("pipeline.generic-types", "false");
  }

  /** What a command does once its job has ended, e.g. print a summary of the outputs. */
  @FunctionalInterface
  public interface AfterJob {
    void run() throws Exception;
  }

  /**
   * Runs the job until it ends, or, unbounded, until the process is asked to stop; then {@code
   * after}. A stop arrives as a shutdown hook ({@link GracefulStop}), and the JVM halts when its
   * hooks are done: the hook stops the job with a savepoint and waits for {@code after} to finish,
   * three minutes in all, so a summary printed after Ctrl-C is whole.
   */
  public static JobExecutionResult run(
      StreamExecutionEnvironment env, String name, PrintWriter err, Stop onStop, AfterJob after)
      throws Exception {
    JobClient client = env.executeAsync(name);
    // Closed last: a signal's hook lets the JVM exit once the summary is out.
    try (GracefulStop signal = GracefulStop.install(name, STOP_TIMEOUT)) {
      signal.onStop("the job", () -> stopOnSignal(client, name, err, onStop));
      JobExecutionResult result = client.getJobExecutionResult().get();
      after.run();
      return result;
    } finally {
      // Flink leaves a finished job's (empty) checkpoint directory behind.
      FileUtils.deleteDirectoryQuietly(
          DEFAULT_CHECKPOINTS.resolve(client.getJobID().toString()).toFile());
    }
  }

  /**
   * Stops a job with a savepoint in {@code dir} (a canonical one, readable by later releases),
   * draining event time first if {@code drain}; returns its path. Flink refuses a savepoint while
   * any task is still starting (restoring its state, say), so a stop asked for right after a start
   * or a restore is retried every 200 ms until the tasks run, instead of failing and leaving the
   * job to a hard stop.
   *
   * @throws Exception what Flink reported for any other failure, or a {@link
   *     java.util.concurrent.TimeoutException} after {@code timeout}
   */
  public static String stopWithSavepoint(
      JobClient client, boolean drain, Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return client
            .stopWithSavepoint(drain, dir.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        boolean starting =
            ExceptionUtils.findThrowable(e, CheckpointException.class)
                .map(c -> c.getCheckpointFailureReason() == NOT_ALL_REQUIRED_TASKS_RUNNING)
                .orElse(false);
        if (!starting || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** A savepoint (up to 2 minutes), then the summary (up to a minute). */
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);

  private static void stopOnSignal(JobClient client, String name, PrintWriter err, Stop onStop) {
    try {
      Files.createDirectories(onStop.savepointDir());
      err.println(
          name
              + (onStop.drain()
                  ? ": stopping; every open window reports, waiting records go to"
                      + " anira.dlq, a savepoint commits ..."
                  : ": stopping; a savepoint commits what is pending and keeps the"
                      + " open windows ..."));
      err.flush();
      String savepoint =
          stopWithSavepoint(client, onStop.drain(), onStop.savepointDir(), Duration.ofSeconds(120));
      err.println(name + ": stopped cleanly; savepoint " + savepoint);
      if (!onStop.drain()) {
        err.println(name + ": resume where it stopped with --from-savepoint " + savepoint);
      }
    } catch (Exception e) {
      err.println(name + ": did not stop cleanly (" + e + ")");
    }
    err.flush();
  }
}
