package dev.anira.streamjobs.cli;

import dev.anira.cli.KafkaClientSettings;
import dev.anira.jobs.JobRunner;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.RawRecord;
import dev.anira.recording.RecordJob;
import dev.anira.recording.Recording;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anira record}: every topic into a recording. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Record every anira.* topic into Avro container files under --out, by topic and event-time"
          + " hour (DIR/<topic>/<yyyy-MM-dd--HH>/part-*.avro), exactly once: files become visible"
          + " at each checkpoint. Runs until Ctrl-C (or, with --bounded, to the topics' current end).",
      "Replay a recording with 'anira replay DIR --to-kafka' or analyze it with 'anira analyze --from DIR'.",
      "Example: anira record --out recordings/today"
    })
public final class RecordCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin KafkaJobOptions kafka;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "The recording's directory.")
  Path out;

  @Option(
      names = "--topics",
      split = ",",
      paramLabel = "TOPIC",
      description = "Which topics (default: all of them).")
  List<String> topics;

  @Option(
      names = "--group-id",
      defaultValue = "anira-recorder",
      description =
          "Consumer group; a new group starts at the earliest offsets. Default: ${DEFAULT-VALUE}")
  String groupId;

  @Option(
      names = "--producer-id",
      defaultValue = "recorder",
      description = "Default: ${DEFAULT-VALUE}")
  String producerId;

  @Override
  public Integer call() throws Exception {
    List<Topic> chosen;
    try {
      chosen =
          topics == null
              ? Arrays.asList(Topic.values())
              : topics.stream().map(Topic::byName).toList();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--topics: " + e.getMessage());
    }
    if (kafka.checkpointInterval.toMillis() < 10) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--checkpoint-interval must be at least 10ms");
    }
    org.apache.flink.configuration.Configuration flink = LocalFlink.configuration();
    kafka.restoreFrom(flink, spec.commandLine());
    StreamExecutionEnvironment env =
        JobRunner.environment(flink, 1, kafka.checkpointInterval, null);
    DataStream<RawRecord> raw =
        env.fromSource(
                KafkaIO.source(
                    kafka.bootstrap(),
                    groupId,
                    chosen,
                    kafka.bounded,
                    KafkaClientSettings.fromEnvironment()),
                WatermarkStrategy.noWatermarks(),
                "kafka")
            .uid("kafka");
    RecordJob.build(
        raw, chosen, Recording.sinks(out.toAbsolutePath().toUri().toString()), producerId);
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "anira record: "
            + chosen.size()
            + " topics from "
            + kafka.bootstrap()
            + " -> "
            + out
            + (kafka.bounded ? "" : " (Ctrl-C stops and commits what is pending)"));
    err.flush();
    JobRunner.run(
        env,
        "anira record",
        err,
        new JobRunner.Stop(kafka.savepointDir, false),
        () -> {
          err.println("anira record: recording in " + out);
          err.flush();
        });
    return 0;
  }
}
