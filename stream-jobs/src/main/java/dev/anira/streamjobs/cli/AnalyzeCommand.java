package dev.anira.streamjobs.cli;

import dev.anira.analytics.AlertRules;
import dev.anira.cli.Commands;
import dev.anira.cli.DurationConverter;
import dev.anira.cli.KafkaClientSettings;
import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.JobRunner;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.LoopbackMetricsReporter;
import dev.anira.jobs.RawRecord;
import dev.anira.jobs.Sinks;
import dev.anira.jobs.SourceEventTime;
import dev.anira.recording.Recording;
import dev.anira.recording.RecordingInputFormat;
import dev.anira.recording.Summary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anira analyze}: the analytics job, on Kafka or over a recording. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Join the model's halting decisions with the algorithm's ground truth and report alignment,"
          + " decision timing, online tracking, generalization and alerts (docs/design.md §5).",
      "Live: reads anira.traces, anira.steps and anira.results from Kafka and writes anira.halting,"
          + " anira.alignment, anira.timing, anira.generalization, anira.alerts and anira.dlq,"
          + " exactly once; runs until Ctrl-C (or, with --bounded, to the topics' current end).",
      "Recorded: --from DIR runs the same job over a recording (see 'anira record') and writes"
          + " its outputs as a recording under --out.",
      "Runs on a local Flink MiniCluster; the same class is the entry point of the job jar for"
          + " 'flink run' on a cluster.",
      "Example: anira analyze --bootstrap 127.0.0.1:9092 --window 10s"
    })
public final class AnalyzeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin KafkaJobOptions kafka;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description = "Analyze this recording instead of the live topics.")
  Path from;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write the outputs as a recording here instead of to Kafka (default with --from: DIR/analysis).")
  Path out;

  @Option(
      names = "--group-id",
      defaultValue = "anira-stream-jobs",
      description =
          "Consumer group; a new group starts at the earliest offsets. Default: ${DEFAULT-VALUE}")
  String groupId;

  @Option(
      names = "--transactional-id-prefix",
      defaultValue = "anira-stream-jobs",
      description =
          "Prefix of the sinks' Kafka transactional ids; distinct per running job. Default: ${DEFAULT-VALUE}")
  String transactionalIdPrefix;

  @Option(
      names = "--parallelism",
      defaultValue = AnalyticsConfig.DEFAULT_PARALLELISM,
      description = "Default: ${DEFAULT-VALUE}")
  int parallelism;

  @Option(
      names = "--window",
      defaultValue = AnalyticsConfig.DEFAULT_WINDOW,
      converter = DurationConverter.class,
      description = "Tumbling event-time window of the reports. Default: ${DEFAULT-VALUE}")
  Duration window;

  @Option(
      names = "--out-of-orderness",
      defaultValue = AnalyticsConfig.DEFAULT_OUT_OF_ORDERNESS,
      converter = DurationConverter.class,
      description = "How late (in event time) a record may arrive. Default: ${DEFAULT-VALUE}")
  Duration outOfOrderness;

  @Option(
      names = "--join-timeout",
      defaultValue = AnalyticsConfig.DEFAULT_JOIN_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Event time to wait for an instance's partners before its records go to anira.dlq as UNMATCHED. Default: ${DEFAULT-VALUE}")
  Duration joinTimeout;

  @Option(
      names = "--idleness",
      defaultValue = AnalyticsConfig.DEFAULT_IDLENESS,
      converter = DurationConverter.class,
      description =
          "A silent partition stops holding back the watermark after this long. Default: ${DEFAULT-VALUE}")
  Duration idleness;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "URI",
      description =
          "Durable checkpoint storage, e.g. file:///var/anira/checkpoints or s3://bucket/path (default: a directory under the system's temp dir).")
  String checkpointDir;

  @Option(
      names = "--alert-baseline-windows",
      defaultValue = AlertRules.Config.DEFAULT_BASELINE_WINDOWS,
      description = "Windows that learn a baseline not given below. Default: ${DEFAULT-VALUE}")
  int alertBaselineWindows;

  @Option(
      names = "--alert-windows",
      defaultValue = AlertRules.Config.DEFAULT_CONSECUTIVE_WINDOWS,
      description =
          "Consecutive windows below baseline before a drift alert. Default: ${DEFAULT-VALUE}")
  int alertWindows;

  @Option(
      names = "--alert-min-tokens",
      defaultValue = AlertRules.Config.DEFAULT_MIN_TOKENS,
      description = "Smaller windows are not judged. Default: ${DEFAULT-VALUE}")
  long alertMinTokens;

  @Option(
      names = "--alert-spearman-baseline",
      description = "Fixed baseline of Spearman ρ (correct tokens).")
  Double alertSpearmanBaseline;

  @Option(
      names = "--alert-spearman-drop",
      defaultValue = AlertRules.Config.DEFAULT_SPEARMAN_DROP,
      description = "Default: ${DEFAULT-VALUE}")
  double alertSpearmanDrop;

  @Option(names = "--alert-accuracy-baseline", description = "Fixed baseline of accuracy.")
  Double alertAccuracyBaseline;

  @Option(
      names = "--alert-accuracy-drop",
      defaultValue = AlertRules.Config.DEFAULT_ACCURACY_DROP,
      description = "Default: ${DEFAULT-VALUE}")
  double alertAccuracyDrop;

  @Option(
      names = "--alert-premature-baseline",
      description = "Fixed baseline of the premature-halt share.")
  Double alertPrematureBaseline;

  @Option(
      names = "--alert-premature-spike",
      defaultValue = AlertRules.Config.DEFAULT_PREMATURE_SPIKE,
      description = "Default: ${DEFAULT-VALUE}")
  double alertPrematureSpike;

  @Option(
      names = "--drain",
      description =
          "On Ctrl-C, first advance event time to the end: every open window reports and every"
              + " record still waiting for a partner goes to anira.dlq (UNMATCHED), so the stop"
              + " leaves nothing outside the reports and the dead letters. Without it the savepoint"
              + " keeps them for --from-savepoint.")
  boolean drain;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description =
          "Serve the job's metrics (per-model gauges, counters) in Prometheus format on"
              + " 127.0.0.1 at this port; 0 for any free one, -1 off. Default: ${DEFAULT-VALUE}")
  int metricsPort;

  @Option(
      names = "--producer-id",
      defaultValue = AnalyticsConfig.DEFAULT_PRODUCER_ID,
      description = "Default: ${DEFAULT-VALUE}")
  String producerId;

  /** The validated configuration; a bad value is a usage error (exit 2). */
  AnalyticsConfig config() {
    try {
      return new AnalyticsConfig(
          parallelism,
          window,
          outOfOrderness,
          joinTimeout,
          idleness,
          kafka.checkpointInterval,
          checkpointDir,
          new AlertRules.Config(
              alertBaselineWindows,
              alertWindows,
              alertMinTokens,
              alertSpearmanBaseline,
              alertSpearmanDrop,
              alertAccuracyBaseline,
              alertAccuracyDrop,
              alertPrematureBaseline,
              alertPrematureSpike),
          producerId);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * A recording is read file by file, in no particular event-time order, so its event time is only
   * complete at the end of the input: every window waits for it, as a live run's would wait for
   * records no later than the bound.
   */
  static final Duration RECORDING_OUT_OF_ORDERNESS = Duration.ofDays(365L * 100);

  @Override
  public Integer call() throws Exception {
    AnalyticsConfig config = config();
    if (from != null) {
      config = config.withOutOfOrderness(RECORDING_OUT_OF_ORDERNESS);
    }
    if (from != null && !Files.isDirectory(from)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--from: no recording at " + from);
    }
    Path outputs = out != null ? out : from != null ? from.resolve(Recording.ANALYSIS) : null;
    StreamExecutionEnvironment submitted =
        JobRunner.submittedEnvironment(
            config.parallelism(), config.checkpointInterval(), config.checkpointDir());
    StreamExecutionEnvironment env = submitted != null ? submittedJob(submitted) : localJob(config);
    DataStream<RawRecord> input =
        from != null
            ? env.createInput(
                    new RecordingInputFormat(from.toUri().toString(), AnalyticsJob.INPUTS),
                    TypeInformation.of(RawRecord.class))
                .name("recording")
                .uid("recording")
                .assignTimestampsAndWatermarks(SourceEventTime.watermarks(config))
                .name("event-time")
            : env.fromSource(
                    KafkaIO.source(
                        kafka.bootstrap(),
                        groupId,
                        AnalyticsJob.INPUTS,
                        kafka.bounded,
                        KafkaClientSettings.fromEnvironment()),
                    SourceEventTime.watermarks(config),
                    "kafka")
                .uid("kafka");
    Sinks sinks =
        outputs != null
            ? Recording.sinks(outputs.toUri().toString())
            : KafkaIO.sinks(
                kafka.bootstrap(),
                transactionalIdPrefix,
                DeliveryGuarantee.EXACTLY_ONCE,
                KafkaClientSettings.fromEnvironment());
    AnalyticsJob.build(input, config, sinks);
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "anira analyze: "
            + (from != null ? "recording " + from : "Kafka at " + kafka.bootstrap())
            + " -> "
            + (outputs != null ? outputs : "Kafka at " + kafka.bootstrap())
            + (submitted != null
                ? " on the cluster"
                : from == null && !kafka.bounded ? " (Ctrl-C stops)" : ""));
    err.flush();
    if (submitted != null) {
      JobRunner.submit(env, "anira analyze", err);
      return 0;
    }
    JobRunner.run(
        env,
        "anira analyze",
        err,
        new JobRunner.Stop(kafka.savepointDir, drain),
        () -> {
          if (outputs != null) {
            Summary.print(outputs, spec.commandLine().getOut());
          }
        });
    return 0;
  }

  /** A MiniCluster in this process, with what the local options ask for. */
  private StreamExecutionEnvironment localJob(AnalyticsConfig config) {
    org.apache.flink.configuration.Configuration flink = LocalFlink.configuration();
    if (metricsPort >= 0) {
      LoopbackMetricsReporter.configure(flink, metricsPort);
    }
    kafka.restoreFrom(flink, spec.commandLine());
    return AnalyticsJob.environment(config, flink);
  }

  /**
   * A job submitted to a cluster: the options that only make sense for a process that runs the job
   * itself are refused in one line, each with what to use instead.
   */
  private StreamExecutionEnvironment submittedJob(StreamExecutionEnvironment env) {
    if (metricsPort >= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--metrics-port serves a local run's metrics; on a cluster the job reports through"
              + " Flink's metric reporters (metrics.reporter.* in the cluster's configuration)");
    }
    if (kafka.fromSavepoint != null || drain) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--from-savepoint and --drain are for a local run; on a cluster resume with 'flink run"
              + " -s PATH' and stop with 'flink stop [--drain] --savepointPath DIR JOB_ID'");
    }
    return env;
  }

  /** Entry point of the job jar ({@code flink run stream-jobs-job.jar --bootstrap ...}). */
  public static void main(String[] args) {
    int code = Commands.commandLine(new AnalyzeCommand()).execute(args);
    // Submitted, main runs in Flink's client, or in application mode inside the JobManager: an
    // exit there would end the cluster with the job. A failure still exits, so that it is seen.
    if (code != 0 || !JobRunner.submitted()) {
      System.exit(code);
    }
  }
}
