package dev.anira.streamjobs.cli;

import dev.anira.cli.DurationConverter;
import dev.anira.cli.KafkaConnection;
import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.JobRunner;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every Flink job command on Kafka shares (a picocli mixin). */
public final class KafkaJobOptions {

  @Mixin public KafkaConnection connection;

  public String bootstrap() {
    return connection.bootstrap;
  }

  @Option(
      names = "--bounded",
      description = "Stop at the topics' end offsets as of the start, instead of running forever.")
  public boolean bounded;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = AnalyticsConfig.DEFAULT_CHECKPOINT_INTERVAL,
      converter = DurationConverter.class,
      description =
          "How often state and the exactly-once outputs (Kafka transactions, files) commit."
              + " Default: ${DEFAULT-VALUE}")
  public Duration checkpointInterval;

  @Option(
      names = "--savepoint-dir",
      paramLabel = "DIR",
      description =
          "Where Ctrl-C's savepoint goes; the job prints how to resume from it. Default: a"
              + " directory under the system's temp dir.")
  public java.nio.file.Path savepointDir = JobRunner.DEFAULT_SAVEPOINTS;

  @Option(
      names = "--from-savepoint",
      paramLabel = "PATH",
      description =
          "Resume from this savepoint (as printed by a stop): the sources continue at its offsets"
              + " and open windows and waiting instances at its state.")
  public String fromSavepoint;

  /**
   * Makes a local job resume from {@code --from-savepoint} when given.
   *
   * @throws CommandLine.ParameterException (exit 2) when nothing is at that path
   */
  public void restoreFrom(Configuration flink, CommandLine command) {
    if (fromSavepoint == null) {
      return;
    }
    try {
      JobRunner.restoreFrom(flink, fromSavepoint);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(command, e.getMessage());
    }
  }
}
