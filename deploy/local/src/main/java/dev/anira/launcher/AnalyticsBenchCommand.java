package dev.anira.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anira.analytics.InstanceEvents;
import dev.anira.jobs.AnalyticsConfig;
import dev.anira.jobs.AnalyticsJob;
import dev.anira.jobs.JobRunner;
import dev.anira.jobs.KafkaIO;
import dev.anira.jobs.LocalFlink;
import dev.anira.jobs.RawRecord;
import dev.anira.jobs.Sinks;
import dev.anira.jobs.SourceEventTime;
import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.Topic;
import dev.anira.schemas.WindowScope;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code anira bench analytics}: the analytics job's throughput and latency on a MiniCluster
 * (parallelism 2) with an in-process broker, exactly-once sinks as deployed.
 */
@Command(
    name = "analytics",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks of the analytics job (join + alignment, timing, generalization, alerts; Kafka in,"
          + " exactly-once Kafka out; MiniCluster, parallelism 2):",
      "throughput: step records/s and halting events/s over a preloaded backlog, with the job's"
          + " defaults (10 s windows, 5 s out-of-orderness, 5 s checkpoints), from the first record"
          + " read to the last record handed to a sink, final windows included"
          + " (processedStepRecordsPerSec), and to the job's end, which waits for the next"
          + " checkpoint to commit the sinks (stepRecordsPerSec), and the process's CPU per step"
          + " record while processing (cpuMicrosPerStepRecord), with the JIT compilers' share of"
          + " that CPU (jitCpuShare): the JVM's first job (compiling as it runs), then the same"
          + " backlog again on a new broker (warm...), then passes over one more backlog on one"
          + " broker and one MiniCluster, as a long-running deployment has them, until the JIT"
          + " takes at most 5%% of the CPU or 8 passes have run (settled..., the last pass;"
          + " settledPasses; settled: whether the JIT got there, which quick runs seldom do; every"
          + " pass in settlingProcessedStepRecordsPerSec and settlingJitCpuShare);",
      "latency: at a steady --rate of step records/s, from a step's event time to the moment a"
          + " read_committed consumer sees the window alignment report that includes it (p50/p99),"
          + " with --window-ms windows, 200 ms out-of-orderness and 500 ms checkpoints; the full"
          + " run measures it with the job's defaults too."
    })
public final class AnalyticsBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--quick",
      description = "Smaller workloads; finishes within 6 minutes on 2 cores")
  boolean quick;

  @Option(names = "--json", description = "Print one JSON object instead of the table")
  boolean json;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Workload seed. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(
      names = "--rate",
      defaultValue = "10000",
      description = "Step records/s offered in the latency run. Default: ${DEFAULT-VALUE}")
  int rate;

  @Option(
      names = "--window-ms",
      defaultValue = "2000",
      description = "Report window of the latency run. Default: ${DEFAULT-VALUE}")
  long windowMs;

  @Option(
      names = "--parallelism",
      defaultValue = AnalyticsConfig.DEFAULT_PARALLELISM,
      description = "Parallelism of the job. Default: ${DEFAULT-VALUE}")
  int parallelism;

  private static final int TOKENS = 8;

  private static final int MAX_DEPTH = 8;

  /**
   * The JIT is settled when its compilers take at most this share of the process's CPU while the
   * job processes. On 2 cores the warm pass, the JVM's second job, still spent about a fifth of the
   * process's CPU compiling (JFR, 2026-12-02), so it is not yet what a long-running job settles at.
   */
  private static final double SETTLED_JIT_SHARE = 0.05;

  /** At most this many passes to settle in. */
  private static final int MAX_SETTLING_PASSES = 8;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ObjectNode out = new ObjectMapper().createObjectNode();
    AnalyticsConfig defaults = withParallelism(AnalyticsConfig.defaults());
    out.put("parallelism", parallelism);
    int instances = quick ? 30_000 : 120_000;
    throughput(instances, defaults, "", err, out);
    throughput(instances, defaults, "warm", err, out);
    settle(instances, defaults, err, out);
    AnalyticsConfig fast =
        new AnalyticsConfig(
            parallelism,
            Duration.ofMillis(windowMs),
            Duration.ofMillis(200),
            defaults.joinTimeout(),
            defaults.idleness(),
            Duration.ofMillis(500),
            null,
            defaults.alerts(),
            "bench");
    latency(quick ? 20 : 60, fast, "", err, out);
    if (!quick) {
      latency(60, defaults, "defaults", err, out);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(out);
    } else {
      stdout.printf(
          "throughput: %,.0f step records/s processed in %.1f s (%,d step records, %.1f µs of"
              + " CPU each); %,.0f/s to the job's end (%.1f s, the final commit included)%n"
              + "throughput once warm: %,.0f step records/s processed in %.1f s (%.1f µs of CPU"
              + " each); %,.0f/s to the job's end (%.1f s)%n"
              + "throughput on one cluster, pass %d%s: %,.0f step records/s processed in"
              + " %.1f s (%.1f µs of CPU each, %s the JIT compiling); %,.0f/s to the job's end%n"
              + "latency at %,d step records/s, %d ms windows: p50 %.0f ms, p99 %.0f ms"
              + " (%,d steps measured)%n",
          out.get("processedStepRecordsPerSec").asDouble(),
          out.get("processingSeconds").asDouble(),
          out.get("stepRecords").asLong(),
          out.get("cpuMicrosPerStepRecord").asDouble(),
          out.get("stepRecordsPerSec").asDouble(),
          out.get("throughputSeconds").asDouble(),
          out.get("warmProcessedStepRecordsPerSec").asDouble(),
          out.get("warmProcessingSeconds").asDouble(),
          out.get("warmCpuMicrosPerStepRecord").asDouble(),
          out.get("warmStepRecordsPerSec").asDouble(),
          out.get("warmThroughputSeconds").asDouble(),
          out.get("settledPasses").asInt(),
          out.get("settled").asBoolean() ? "" : " (the JIT not yet settled)",
          out.get("settledProcessedStepRecordsPerSec").asDouble(),
          out.get("settledProcessingSeconds").asDouble(),
          out.get("settledCpuMicrosPerStepRecord").asDouble(),
          out.get("settledJitCpuShare").isNull()
              ? "an unknown share of it"
              : String.format("%.0f%% of it", 100 * out.get("settledJitCpuShare").asDouble()),
          out.get("settledStepRecordsPerSec").asDouble(),
          rate,
          windowMs,
          out.get("p50LatencyMs").asDouble(),
          out.get("p99LatencyMs").asDouble(),
          out.get("latencySteps").asLong());
      if (out.has("defaultsP99LatencyMs")) {
        stdout.printf(
            "latency with the job's defaults (%d ms windows): p50 %.0f ms, p99 %.0f ms%n",
            out.get("defaultsLatencyWindowMs").asLong(),
            out.get("defaultsP50LatencyMs").asDouble(),
            out.get("defaultsP99LatencyMs").asDouble());
      }
    }
    stdout.flush();
    return 0;
  }

  private AnalyticsConfig withParallelism(AnalyticsConfig c) {
    return new AnalyticsConfig(
        parallelism,
        c.window(),
        c.outOfOrderness(),
        c.joinTimeout(),
        c.idleness(),
        c.checkpointInterval(),
        c.checkpointDir(),
        c.alerts(),
        "bench");
  }

  private static void describe(ObjectNode out, String prefix, AnalyticsConfig config) {
    out.put(prefix + "WindowMs", config.window().toMillis());
    out.put(prefix + "OutOfOrdernessMs", config.outOfOrderness().toMillis());
    out.put(prefix + "CheckpointIntervalMs", config.checkpointInterval().toMillis());
  }

  /**
   * Throughput over a preloaded backlog on a broker of its own, in a MiniCluster of its own; its
   * figures go into {@code out} as {@code stepRecordsPerSec} etc., prefixed as in {@link #latency}.
   */
  private void throughput(
      int instances, AnalyticsConfig config, String prefix, PrintWriter err, ObjectNode out)
      throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      long steps = publish(kafka, instances, err);
      if (prefix.isEmpty()) {
        describe(out, "throughput", config);
      }
      pass(
          AnalyticsJob.environment(config, LocalFlink.configuration()),
          null,
          kafka,
          "bench",
          config,
          steps,
          instances,
          prefix,
          err,
          out);
    }
  }

  /**
   * The passes after the warm one, as a long-running deployment runs: one broker and one
   * MiniCluster for all, each pass the same job over the same backlog with a consumer group of its
   * own, until the JIT compilers take at most {@link #SETTLED_JIT_SHARE} of the CPU while the job
   * processes (or {@link #MAX_SETTLING_PASSES} passes). The last pass's figures go into {@code out}
   * as {@code settled...}, with {@code settledPasses}, {@code settled} (whether the JIT got there)
   * and every pass's step records/s processed and JIT share.
   */
  private void settle(int instances, AnalyticsConfig config, PrintWriter err, ObjectNode out)
      throws Exception {
    Configuration flink = JobRunner.localJob(LocalFlink.configuration(), config.checkpointDir());
    MiniClusterConfiguration cluster =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(flink)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(config.parallelism())
            .build();
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
        MiniCluster flinkCluster = new MiniCluster(cluster)) {
      long steps = publish(kafka, instances, err);
      flinkCluster.start();
      URI rest = flinkCluster.getRestAddress().get();
      ArrayNode rates = out.putArray("settlingProcessedStepRecordsPerSec");
      ArrayNode jitShares = out.putArray("settlingJitCpuShare");
      int passes = 0;
      double jitShare;
      do {
        passes++;
        err.printf("settling pass %d (at most %d):%n", passes, MAX_SETTLING_PASSES);
        StreamExecutionEnvironment env =
            JobRunner.environment(
                rest.getHost(),
                rest.getPort(),
                LocalFlink.configuration(),
                config.parallelism(),
                config.checkpointInterval(),
                config.checkpointDir());
        jitShare =
            pass(
                env,
                flinkCluster,
                kafka,
                "bench-" + passes,
                config,
                steps,
                instances,
                "settled",
                err,
                out);
        rates.add(out.get("settledProcessedStepRecordsPerSec").asDouble());
        jitShares.add(out.get("settledJitCpuShare"));
      } while (!(jitShare <= SETTLED_JIT_SHARE) && passes < MAX_SETTLING_PASSES);
      out.put("settledPasses", passes);
      // False when the passes ran out first (quick runs: the JIT still compiles after 8).
      out.put("settled", jitShare <= SETTLED_JIT_SHARE);
    }
  }

  /** Publishes {@code instances} synthetic runs; returns how many step records they hold. */
  private long publish(EmbeddedKafkaBroker kafka, int instances, PrintWriter err) {
    createTopics(kafka);
    err.printf("generating and publishing %,d instances ...%n", instances);
    err.flush();
    SyntheticRuns runs = new SyntheticRuns(seed, TOKENS, MAX_DEPTH);
    long steps = 0;
    Instant base = Instant.now().minusSeconds(3600);
    try (Publisher publisher = new Publisher(kafka.bootstrapServers())) {
      for (int i = 0; i < instances; i++) {
        // 2,000 instances per second of event time: a few hundred 10 s windows.
        SyntheticRuns.Run run = runs.next("t-" + i, base.plusMillis(i / 2));
        steps += publisher.send(run);
      }
    }
    return steps;
  }

  /**
   * Runs the job once over the backlog, bounded, reading it as consumer group {@code group} (also
   * its sinks' transactional id prefix); its figures go into {@code out} prefixed with {@code
   * prefix}. Returns the share of the process's CPU that the JIT compilers took while the job
   * processed (NaN where it cannot be measured).
   *
   * @param cluster the MiniCluster {@code env} submits to, or null when {@code env} runs the job in
   *     a MiniCluster of its own
   */
  private double pass(
      StreamExecutionEnvironment env,
      MiniCluster cluster,
      EmbeddedKafkaBroker kafka,
      String group,
      AnalyticsConfig config,
      long steps,
      int instances,
      String prefix,
      PrintWriter err,
      ObjectNode out)
      throws Exception {
    FirstRecord.AT.set(0);
    DataStream<RawRecord> input =
        env.fromSource(
                KafkaIO.source(
                    kafka.bootstrapServers(), group, AnalyticsJob.INPUTS, true, new Properties()),
                SourceEventTime.watermarks(config),
                "kafka")
            .map(new FirstRecord())
            .name("first-record");
    LastOutput.AT.set(0);
    AnalyticsJob.build(
        input,
        config,
        new LastOutput.Marking(
            KafkaIO.sinks(
                kafka.bootstrapServers(),
                group,
                DeliveryGuarantee.EXACTLY_ONCE,
                new Properties())));
    err.printf(
        "analytics job over %,d step records (parallelism %d%s) ...%n",
        steps, parallelism, prefix.isEmpty() ? "" : ", " + prefix);
    err.flush();
    CpuClock cpu = CpuClock.start();
    if (cluster == null) {
      env.execute("bench-throughput");
    } else {
      // The job's end from the MiniCluster itself: a remote client polls for it, up to 2 s late.
      JobClient job = env.executeAsync("bench-throughput");
      cluster
          .requestJobResult(job.getJobID())
          .get()
          .toJobExecutionResult(getClass().getClassLoader());
    }
    cpu.stop();
    long first = FirstRecord.AT.get();
    if (first == 0 || LastOutput.AT.get() == 0) {
      throw new IllegalStateException("the bench job read or wrote nothing");
    }
    long last = LastOutput.AT.get();
    double seconds = (System.nanoTime() - first) / 1e9;
    double processing = (last - first) / 1e9;
    double cpuSeconds = (cpu.at(last) - cpu.at(first)) / 1e9;
    double jitShare = (cpu.jitAt(last) - cpu.jitAt(first)) / 1e9 / cpuSeconds;
    out.put(name(prefix, "stepRecords"), steps);
    out.put(name(prefix, "throughputSeconds"), seconds);
    out.put(name(prefix, "stepRecordsPerSec"), steps / seconds);
    out.put(name(prefix, "haltingEventsPerSec"), (double) instances * TOKENS / seconds);
    out.put(name(prefix, "processingSeconds"), processing);
    out.put(name(prefix, "processedStepRecordsPerSec"), steps / processing);
    out.put(name(prefix, "processingCpuSeconds"), cpuSeconds);
    out.put(name(prefix, "cpuMicrosPerStepRecord"), cpuSeconds * 1e6 / steps);
    err.printf(
        "  %,.0f step records/s processed, %.1f µs of CPU each",
        steps / processing, cpuSeconds * 1e6 / steps);
    if (cpu.measuresJit()) {
      out.put(name(prefix, "jitCpuShare"), jitShare);
      err.printf(", %.0f%% of it the JIT compiling%n", 100 * jitShare);
    } else {
      out.putNull(name(prefix, "jitCpuShare"));
      err.println();
      jitShare = Double.NaN;
    }
    err.flush();
    return jitShare;
  }

  /**
   * The process's CPU time (all threads: job, broker, JIT, GC) and its JIT compilers' CPU, sampled
   * every {@value #PERIOD_MILLIS} ms, so that the CPU of a span marked by nanoTime stamps can be
   * read afterwards. CPU per record is the figure to compare builds by on a shared machine:
   * throughput also moves with what else runs there.
   */
  private static final class CpuClock {
    /**
     * Sampling every 10 ms took 3% of the machine's CPU from the job it measures (JFR's {@code
     * jdk.ThreadCPULoad}, issue 20); a span's ends are interpolated between samples, so a coarser
     * period costs little accuracy over passes of several seconds.
     */
    static final long PERIOD_MILLIS = 50;

    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final JitCpu jit = new JitCpu();
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private CpuClock() {
      sampler =
          new Thread(
              () -> {
                try {
                  while (running) {
                    sample();
                    Thread.sleep(PERIOD_MILLIS);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  failure = e; // stop() rethrows it: figures from stale samples would mislead
                }
              },
              "bench-cpu-clock");
      sampler.setDaemon(true);
    }

    private void sample() {
      samples.add(new long[] {System.nanoTime(), os.getProcessCpuTime(), jit.nanos()});
    }

    static CpuClock start() {
      CpuClock clock = new CpuClock();
      clock.sample();
      clock.sampler.start();
      return clock;
    }

    /**
     * @throws IllegalStateException if sampling failed while the job ran
     */
    void stop() throws InterruptedException {
      running = false;
      sampler.join();
      if (failure != null) {
        throw new IllegalStateException("the CPU sampler failed: " + failure.getMessage(), failure);
      }
      sample();
    }

    /** Process CPU nanoseconds at {@code nanoTime}, interpolated between samples. */
    long at(long nanoTime) {
      return interpolated(nanoTime, 1);
    }

    /** The JIT compilers' CPU nanoseconds at {@code nanoTime}, interpolated between samples. */
    long jitAt(long nanoTime) {
      return interpolated(nanoTime, 2);
    }

    boolean measuresJit() {
      return jit.available();
    }

    private long interpolated(long nanoTime, int column) {
      long[] before = samples.get(0);
      for (long[] sample : samples) {
        if (sample[0] >= nanoTime) {
          double f =
              sample[0] == before[0]
                  ? 1
                  : (double) (nanoTime - before[0]) / (sample[0] - before[0]);
          return before[column] + Math.round(f * (sample[column] - before[column]));
        }
        before = sample;
      }
      return before[column];
    }
  }

  /**
   * CPU the JIT compiler threads use, from Linux's per-thread accounting ({@code
   * /proc/self/task/<tid>/stat}: utime + stime, in clock ticks of 10 ms). HotSpot hides its
   * compiler threads from {@code ThreadMXBean}, and {@code
   * CompilationMXBean.getTotalCompilationTime} sums elapsed time, several times their CPU on a busy
   * 2-core machine. HotSpot starts and ends compiler threads as its queue grows and shrinks: the
   * threads are looked for once a second, and an ended one counts with its CPU as last read. Not
   * available without {@code /proc}, or when no thread has HotSpot's compiler thread names (an
   * interpreted JVM, or a JVMCI compiler's threads).
   */
  private static final class JitCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int READS_PER_LOOK = (int) Math.max(1, 1000 / CpuClock.PERIOD_MILLIS);

    private final boolean procfs = Files.isDirectory(TASKS);

    /** Per compiler thread id, its CPU ticks when last read. */
    private final Map<String, Long> ticks = new HashMap<>();

    /**
     * The thread ids listed at the last look whose name was read: a thread keeps its id for life,
     * so each thread's name is read once, not once a second (the job has hundreds of threads); an
     * id that was gone at a look is forgotten, so a thread given it later is looked at anew.
     * HotSpot adds compiler threads from a compiler thread, whose name a new thread carries until
     * it sets its own, so one caught before it is named still counts.
     */
    private final Set<String> seen = new HashSet<>();

    private int reads;

    /** CPU ticks of compiler threads that have ended, as last read. */
    private long endedTicks;

    /** Whether a compiler thread was ever found (none in an interpreted JVM or with JVMCI). */
    private boolean found;

    boolean available() {
      return procfs && found;
    }

    /** CPU nanoseconds of every compiler thread seen so far; 0 where there is no /proc. */
    long nanos() {
      if (!procfs) {
        return 0;
      }
      if (reads++ % READS_PER_LOOK == 0) {
        lookForCompilerThreads();
      }
      long sum = endedTicks;
      for (Map.Entry<String, Long> thread : ticks.entrySet()) {
        try {
          // After the name, which ends at the last ')': utime and stime are fields 14 and 15.
          String stat = Files.readString(TASKS.resolve(thread.getKey()).resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          thread.setValue(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException e) {
          // the thread has ended: its last reading stands
        }
        sum += thread.getValue();
      }
      return sum * 10_000_000L;
    }

    private void lookForCompilerThreads() {
      Set<String> listed = new HashSet<>();
      try (DirectoryStream<Path> threads = Files.newDirectoryStream(TASKS)) {
        for (Path thread : threads) {
          String tid = thread.getFileName().toString();
          listed.add(tid);
          if (seen.add(tid) && isCompiler(thread)) {
            ticks.put(tid, 0L);
            found = true;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      seen.retainAll(listed);
      // An ended compiler thread keeps its CPU as last read; its id may go to another thread.
      for (var thread = ticks.entrySet().iterator(); thread.hasNext(); ) {
        Map.Entry<String, Long> entry = thread.next();
        if (!listed.contains(entry.getKey())) {
          endedTicks += entry.getValue();
          thread.remove();
        }
      }
    }

    private static boolean isCompiler(Path thread) {
      try {
        String name = Files.readString(thread.resolve("comm"));
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
      } catch (IOException e) {
        return false; // the thread has ended
      }
    }
  }

  /**
   * Report latency at a steady --rate; its figures go into {@code out} as {@code p50LatencyMs}
   * etc., prefixed with {@code prefix} (then capitalised) when there is one.
   */
  private void latency(
      int seconds, AnalyticsConfig config, String prefix, PrintWriter err, ObjectNode out)
      throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      createTopics(kafka);
      long windowMillis = config.window().toMillis();
      StreamExecutionEnvironment env = AnalyticsJob.environment(config, LocalFlink.configuration());
      AnalyticsJob.build(
          env.fromSource(
              KafkaIO.source(
                  kafka.bootstrapServers(), "bench", AnalyticsJob.INPUTS, false, new Properties()),
              SourceEventTime.watermarks(config),
              "kafka"),
          config,
          KafkaIO.sinks(
              kafka.bootstrapServers(), "bench", DeliveryGuarantee.EXACTLY_ONCE, new Properties()));
      JobClient job = env.executeAsync("bench-latency");
      Map<Long, Long> visible = new ConcurrentHashMap<>();
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader =
          new Thread(() -> readReports(kafka.bootstrapServers(), visible, reading), "reports");
      reader.start();
      Thread.sleep(3000); // the job starts
      long closing = windowMillis * 2 + config.outOfOrderness().toMillis() + 3000;
      err.printf(
          "latency: %,d step records/s for %d s (+%d s to close the last windows), %d ms windows,"
              + " %d ms out-of-orderness, %d ms checkpoints ...%n",
          rate,
          seconds,
          closing / 1000,
          windowMillis,
          config.outOfOrderness().toMillis(),
          config.checkpointInterval().toMillis());
      err.flush();
      // Instances produced in the measured span: result event time (ms) and their step count.
      List<long[]> measured = new ArrayList<>();
      SyntheticRuns runs = new SyntheticRuns(seed + 1, TOKENS, MAX_DEPTH);
      long start = System.nanoTime();
      long measureEnd = start + TimeUnit.SECONDS.toNanos(seconds);
      long end = measureEnd + TimeUnit.MILLISECONDS.toNanos(closing);
      long sent = 0;
      int i = 0;
      try (Publisher publisher = new Publisher(kafka.bootstrapServers())) {
        while (System.nanoTime() < end) {
          long due = start + (long) (sent * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          Instant now = Instant.now();
          int steps = publisher.send(runs.next("l-" + i++, now));
          sent += steps;
          // Skip the first second: the job warms up.
          if (System.nanoTime() < measureEnd && System.nanoTime() > start + 1_000_000_000L) {
            measured.add(new long[] {now.toEpochMilli(), steps});
          }
        }
      }
      Thread.sleep(windowMillis + 2000);
      reading.set(false);
      reader.join();
      job.cancel().get(30, TimeUnit.SECONDS);
      List<Double> latencies = new ArrayList<>();
      long missing = 0;
      for (long[] m : measured) {
        long windowStart = m[0] / windowMillis * windowMillis;
        Long seen = visible.get(windowStart);
        if (seen == null) {
          missing += m[1];
          continue;
        }
        for (int s = 0; s < m[1]; s++) {
          latencies.add((double) (seen - m[0]));
        }
      }
      Collections.sort(latencies);
      out.put("stepsPerSecOffered", rate);
      describe(out, prefix.isEmpty() ? "latency" : prefix + "Latency", config);
      out.put(name(prefix, "latencySteps"), latencies.size());
      out.put(name(prefix, "latencyStepsWithoutReport"), missing);
      out.put(name(prefix, "p50LatencyMs"), KafkaThroughput.percentile(latencies, 0.50));
      out.put(name(prefix, "p99LatencyMs"), KafkaThroughput.percentile(latencies, 0.99));
    }
  }

  /** First time a read_committed consumer sees each window's alignment report. */
  private static void readReports(
      String bootstrap, Map<Long, Long> visible, AtomicBoolean reading) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<AlignmentReport> codec = SingleObjectCodec.of(AlignmentReport.class);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topic.ALIGNMENT.topicName()));
      while (reading.get()) {
        var records = consumer.poll(Duration.ofMillis(20));
        long now = System.currentTimeMillis();
        for (var r : records) {
          AlignmentReport report = codec.decode(r.value());
          if (report.getScope() == WindowScope.WINDOW) {
            visible.putIfAbsent(report.getWindowStart().toEpochMilli(), now);
          }
        }
      }
    }
  }

  private static String name(String prefix, String key) {
    return prefix.isEmpty()
        ? key
        : prefix + Character.toUpperCase(key.charAt(0)) + key.substring(1);
  }

  private static void createTopics(EmbeddedKafkaBroker kafka) {
    Map<String, Integer> topics = new HashMap<>();
    for (Topic t : Topic.values()) {
      topics.put(t.topicName(), t.defaultPartitions());
    }
    kafka.createTopics(topics, Duration.ofSeconds(30));
  }

  /** Marks when the job reads its first record (the MiniCluster runs in this JVM). */
  private static final class FirstRecord implements MapFunction<RawRecord, RawRecord> {
    static final AtomicLong AT = new AtomicLong();

    @Override
    public RawRecord map(RawRecord value) {
      if (AT.get() == 0) {
        AT.compareAndSet(0, System.nanoTime());
      }
      return value;
    }
  }

  /**
   * Marks when the job hands its last record to a sink (the MiniCluster runs in this JVM). A
   * bounded job ends only after the next checkpoint has committed its exactly-once sinks, up to one
   * checkpoint interval (5 s by default) after its work is done; over the quick backlog that wait
   * was most of the measured time, so the figure to the job's end hid the job's speed.
   */
  private static final class LastOutput<T> implements MapFunction<T, T> {
    static final AtomicLong AT = new AtomicLong();

    @Override
    public T map(T value) {
      AT.set(System.nanoTime());
      return value;
    }

    /** The given sinks, each stream passing a {@code LastOutput} first. */
    record Marking(Sinks sinks) implements Sinks {
      @Override
      public <T extends SpecificRecordBase> void write(Topic topic, DataStream<T> records) {
        sinks.write(topic, mark(records, topic.topicName()));
      }

      @Override
      public void writeHalting(DataStream<InstanceEvents> instances) {
        sinks.writeHalting(mark(instances, Topic.HALTING.topicName()));
      }

      private static <T> DataStream<T> mark(DataStream<T> records, String topic) {
        return records.map(new LastOutput<T>(), records.getType()).name("last-output-" + topic);
      }
    }
  }

  /** Sends a run's trace, steps and result as the producer and the model service would. */
  private static final class Publisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final SingleObjectCodec<dev.anira.schemas.AlgorithmTrace> traces =
        SingleObjectCodec.of(dev.anira.schemas.AlgorithmTrace.class);
    private final SingleObjectCodec<dev.anira.schemas.RecurrenceStep> steps =
        SingleObjectCodec.of(dev.anira.schemas.RecurrenceStep.class);
    private final SingleObjectCodec<dev.anira.schemas.InstanceResult> results =
        SingleObjectCodec.of(dev.anira.schemas.InstanceResult.class);

    Publisher(String bootstrap) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Returns the number of step records sent. */
    int send(SyntheticRuns.Run run) {
      byte[] key = run.trace().getInstanceId().getBytes(StandardCharsets.UTF_8);
      send(new ProducerRecord<>(Topic.TRACES.topicName(), key, traces.encode(run.trace())));
      for (var step : run.steps()) {
        send(new ProducerRecord<>(Topic.STEPS.topicName(), key, steps.encode(step)));
      }
      send(new ProducerRecord<>(Topic.RESULTS.topicName(), key, results.encode(run.result())));
      return run.steps().size();
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
      producer.send(
          record,
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }

    /**
     * @throws IllegalStateException if the broker did not take a record: the measured workload
     *     would not be the one counted
     */
    @Override
    public void close() {
      producer.close();
      if (failure.get() != null) {
        throw new IllegalStateException("the workload was not published", failure.get());
      }
    }
  }
}
