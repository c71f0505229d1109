package dev.anira.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs a job to its end, or, for an unbounded one, until the process is asked to stop. */
public final class JobRunner {

  private static final Path DEFAULT_CHECKPOINTS =
      Path.of(System.getProperty("java.io.tmpdir"), "anira-checkpoints");

  private JobRunner() {}

  /**
   * A job's execution environment: exactly-once checkpoints at the given interval (they also commit
   * the exactly-once sinks), a bounded number of restarts, on top of the given Flink configuration
   * (a MiniCluster's, or the cluster's under {@code flink run}).
   *
   * @param checkpointDir durable checkpoint storage (a URI), or null for a directory under the
   *     system's temp dir (the job manager's memory caps state at 5 MB, which a join over a backlog
   *     exceeds; Flink removes a job's checkpoints when it ends)
   */
  public static StreamExecutionEnvironment environment(
      Configuration flink, int parallelism, Duration checkpointInterval, String checkpointDir) {
    Configuration conf = new Configuration(flink);
    // With checkpointing Flink 2 would otherwise restart a failing job forever.
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", "10");
    conf.setString("restart-strategy.fixed-delay.delay", "2 s");
    conf.setString(
        "execution.checkpointing.dir",
        checkpointDir != null
            ? checkpointDir
            : Path.of(System.getProperty("java.io.tmpdir"), "anira-checkpoints")
                .toUri()
                .toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    // Records are not copied between chained operators (a third of the join's time went to Avro
    // deep copies). Every function here either consumes its input at once or stores a copy.
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    return env;
  }

  /**
   * Runs the job. On SIGTERM or Ctrl-C an unbounded job stops with a savepoint, which commits what
   * its exactly-once sinks hold (recorded files become visible, Kafka transactions commit) instead
   * of leaving it to the next run.
   */
  public static JobExecutionResult run(StreamExecutionEnvironment env, String name, PrintWriter err)
      throws Exception {
    JobClient client = env.executeAsync(name);
    Thread stop =
        new Thread(
            () -> {
              try {
                Path savepoints = Files.createTempDirectory("anira-savepoint");
                err.println(name + ": stopping; a savepoint commits what is pending ...");
                err.flush();
                client
                    .stopWithSavepoint(
                        false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
                err.println(name + ": stopped cleanly; savepoint in " + savepoints);
                err.flush();
              } catch (Exception e) {
                err.println(name + ": did not stop cleanly (" + e + ")");
                err.flush();
              }
            },
            "stop-" + name);
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      return client.getJobExecutionResult().get();
    } finally {
      // Flink leaves a finished job's (empty) checkpoint directory behind.
      LocalFlink.deleteTree(DEFAULT_CHECKPOINTS.resolve(client.getJobID().toString()));
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it stops the job
      }
    }
  }
}
